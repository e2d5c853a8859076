package agent

import (
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// FuzzHealthCheck feeds TaskInfo.health_check JSON through what the agent does with
// it (validate, timings, probe) and drives the verdict logic with results derived
// from the input: nothing panics, accepted checks have non-negative timings and a
// well-formed target, and healthState keeps HealthChecker's invariants.
func FuzzHealthCheck(f *testing.F) {
	for _, s := range []string{
		`{"type":"COMMAND","command":{"value":"true"}}`,
		`{"type":"COMMAND","command":{"shell":false,"value":"/bin/true","arguments":["true"]},"delay_seconds":0,"grace_period_seconds":0,"consecutive_failures":1}`,
		`{"type":"HTTP","http":{"port":8080,"path":"/health","scheme":"https"},"timeout_seconds":0}`,
		`{"type":"HTTP","http":{"port":80,"protocol":"IPv6"}}`,
		`{"type":"TCP","tcp":{"port":31000},"interval_seconds":1e300}`,
		`{"type":"COMMAND","command":{"shell":false}}`,
		`{"type":"TCP","delay_seconds":-1}`, `{}`, `[`,
	} {
		f.Add([]byte(s), []byte{0, 1, 3, 1, 0, 0, 2, 255})
	}
	f.Fuzz(func(t *testing.T, body, results []byte) {
		var h mesos.HealthCheck
		if json.Unmarshal(body, &h) != nil {
			return
		}
		if err := validateHealthCheck(&h); err != nil {
			if !strings.HasPrefix(err.Error(), "invalid health check: ") {
				t.Errorf("validateHealthCheck(%s) error %q lacks the operation prefix", body, err)
			}
			return
		}
		tm := timingsOf(&h)
		if tm.delay < 0 || tm.interval < 0 || tm.timeout < 0 || tm.grace < 0 {
			t.Errorf("timingsOf(%s) = %+v, want non-negative durations", body, tm)
		}
		p := newHealthProbe(&h, "/sandbox", map[string]string{"PATH": "/bin"}, "")
		switch h.Type {
		case mesos.HealthCheckHTTP:
			// The path is the check's, verbatim (as Mesos hands it to curl), so the URL
			// may not parse ("/%"): such a check fails at run time with an error naming
			// it. Whatever the path, the request goes to the loopback address.
			_, rest, _ := strings.Cut(p.url, "://")
			if !strings.HasPrefix(rest, "127.0.0.1:") && !strings.HasPrefix(rest, "[::1]:") {
				t.Errorf("HTTP check %s: url %q, want one on the loopback address", body, p.url)
			}
			if _, err := url.Parse(p.url); err != nil {
				if perr := p.http(t.Context()); perr == nil || !strings.Contains(perr.Error(), "http request") {
					t.Errorf("HTTP check %s with an unparseable url %q: probe error %v, want one naming the request", body, p.url, perr)
				}
			}
		case mesos.HealthCheckTCP:
			if host, _, err := net.SplitHostPort(p.addr); err != nil || (host != "127.0.0.1" && host != "::1") {
				t.Errorf("TCP check %s: address %q (%v), want one on the loopback address", body, p.addr, err)
			}
		case mesos.HealthCheckCommand:
			if p.dir != "/sandbox" || (p.shell && p.value == "") {
				t.Errorf("COMMAND check %s: probe %+v, want the sandbox and a command", body, p)
			}
		}

		// Results: bit 0 passed, the other bits the seconds since the previous one.
		start := time.Unix(0, 0)
		now := start
		s := newHealthState(start, tm.grace, tm.maxFailures)
		var failures uint32
		initialized := false
		for _, b := range results {
			now = now.Add(time.Duration(b>>1) * time.Second)
			var err error
			if b&1 == 0 {
				err = errors.New("failed")
			}
			st, report, ignored := s.result(now, err)
			switch {
			case err == nil:
				if report != (!initialized || failures > 0) || !st.healthy {
					t.Fatalf("success after %d failures (initialized %v) = %+v report %v", failures, initialized, st, report)
				}
				initialized, failures = true, 0
			case ignored:
				if initialized || now.Sub(start) > tm.grace || report {
					t.Fatalf("failure at %v ignored (initialized %v, grace %v)", now.Sub(start), initialized, tm.grace)
				}
			default:
				failures++
				if !report || st.healthy || st.consecutiveFailures != failures || st.killTask != (failures >= tm.maxFailures) {
					t.Fatalf("failure %d (consecutive_failures %d) = %+v report %v", failures, tm.maxFailures, st, report)
				}
			}
		}
	})
}
