package schedclient

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// FuzzEventReader reads arbitrary bytes as an event stream: it never
// panics, every Read consumes input or ends the stream (so a stream of n
// bytes yields at most n+1 results), framing errors are sticky, and
// decoded events can be described and timed as Run would.
func FuzzEventReader(f *testing.F) {
	for _, s := range []string{
		"",
		`20` + "\n" + `{"type":"HEARTBEAT"}`,
		`100` + "\n" + `{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"fw-1"},"heartbeat_interval_seconds":15}}`,
		`18` + "\n" + `{"type":"EXPLODE"}2` + "\n{}",
		"0\n0\n",
		"99999999999999999999\n",
		"12x\n",
		"4\nnull",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const max = 4 << 10
		r := NewEventReader(bytes.NewReader(data), max)
		for i := 0; ; i++ {
			if i > len(data) {
				t.Fatalf("%d results from %d bytes", i, len(data))
			}
			ev, err := r.Read()
			if err == io.EOF {
				return
			}
			if errors.Is(err, ErrBadEvent) {
				continue
			}
			if err != nil {
				if _, again := r.Read(); again == nil || again.Error() != err.Error() {
					t.Fatalf("Read() after %v = %v, want the same error", err, again)
				}
				return
			}
			if ev == nil {
				t.Fatal("Read() = nil, nil")
			}
			_ = scheduler.DescribeEvent(ev)
			if ev.Subscribed != nil {
				if d := silence(heartbeatInterval(ev.Subscribed), DefaultMissedHeartbeats); d <= 0 {
					t.Fatalf("watchdog timeout %v for %+v, want > 0", d, ev.Subscribed)
				}
			}
		}
	})
}

// FuzzResolveLocation resolves arbitrary Location headers: it never
// panics, and what it accepts is an http(s) URL with a host and no user
// info.
func FuzzResolveLocation(f *testing.F) {
	for _, s := range []string{"//m2:5050/api/v1/scheduler", "//m2:5050", "m2:5050", "http://m2:5050/x", "/x", "", "%zz", "ftp://m", "//u:p@m"} {
		f.Add(s)
	}
	from, err := url.Parse("http://m1:5050/api/v1/scheduler")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, location string) {
		u, err := resolveLocation(from, location)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "schedclient: redirect: ") {
				t.Fatalf("resolveLocation(%q) error %q lacks its prefix", location, err)
			}
			return
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			t.Fatalf("resolveLocation(%q) = %q, want an http(s) URL with a host and no user", location, u)
		}
	})
}

// FuzzParseMaster parses arbitrary Config.Master values: it never panics,
// and what it accepts is the scheduler endpoint of an http(s) host.
func FuzzParseMaster(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:5050", "127.0.0.1:5050", "https://h/p/", "zk://z/mesos", "", "http://[::1]:5050", "http://h?q"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, master string) {
		u, err := parseMaster(master)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "schedclient: config: master") {
				t.Fatalf("parseMaster(%q) error %q lacks its prefix", master, err)
			}
			return
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.HasSuffix(u.Path, schedulerPath) {
			t.Fatalf("parseMaster(%q) = %q, want an http(s) scheduler endpoint", master, u)
		}
	})
}
