package inspector

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultMaster       = "http://127.0.0.1:5050"
	DefaultTimeout      = 15 * time.Second
	DefaultMaxBodyBytes = 512 << 20
	DefaultMaxRedirects = 5
	// DefaultMetricsTimeout is the GET_METRICS timeout: metrics whose pull
	// gauges do not answer in time are omitted, as with ?timeout= on
	// /metrics/snapshot.
	DefaultMetricsTimeout = 5 * time.Second
	// MetricsSnapshotInterval is the minimum spacing of /metrics/snapshot
	// requests: libprocess rate-limits the endpoint to 2 per second by default
	// and queues the excess (src/metrics/metrics.cpp).
	MetricsSnapshotInterval = 500 * time.Millisecond
)

// Config configures a Client. The zero value is usable: it talks to
// http://127.0.0.1:5050 without credentials.
type Config struct {
	// Master is any master's URL ("http://host:5050", "https://host:5050" or
	// "host:5050"); the client finds the leader from there.
	Master string
	// Principal and Secret are sent as HTTP basic auth (Mesos's HTTP
	// authenticator "basic").
	Principal string
	Secret    string
	// CAFile is a PEM bundle to verify the master's TLS certificate with;
	// Insecure skips verification.
	CAFile   string
	Insecure bool
	// Timeout bounds each call (each attempt of it); 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxBodyBytes bounds a response body; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxRecordBytes bounds one RecordIO record of a stream; 0 means
	// DefaultMaxRecordBytes.
	MaxRecordBytes int64
	// MaxRedirects bounds 307 hops to the leader; 0 means DefaultMaxRedirects.
	MaxRedirects int
	// PinMaster keeps every call on Master: the client does not move to the leader
	// that /master/redirect advertises, nor remember the target of a 307. Use it for
	// a master reached through a proxy or port forward, or one whose advertised
	// address may be answered by another cluster (an embedded master whose PIDs
	// carry a fixed address). A 307 is still followed for the call that got it.
	PinMaster bool
	// Retry controls retries of idempotent reads; the zero value retries 3
	// times with capped exponential backoff and jitter.
	Retry RetryPolicy
	// HTTPClient, if set, is used as is (CAFile and Insecure are then ignored);
	// its redirect policy is overridden so the client can track the leader.
	HTTPClient *http.Client
	// Logger receives debug logs of retries and redirects; nil discards.
	Logger *slog.Logger
	// Now returns the current time (injected in tests); nil means time.Now.
	Now func() time.Time
	// UserAgent is sent with every request; "" means "mesoscope-inspector".
	UserAgent string
}

// RetryPolicy is a capped exponential backoff with jitter.
type RetryPolicy struct {
	// MaxAttempts counts the first try; 0 means 4, 1 disables retries.
	MaxAttempts int
	// BaseDelay is the first backoff; 0 means 100ms. It doubles per attempt.
	BaseDelay time.Duration
	// MaxDelay caps a backoff; 0 means 2s.
	MaxDelay time.Duration
	// Seed seeds the jitter source, so a given seed gives a given schedule.
	Seed uint64
	// Sleep waits d or until ctx is done (injected in tests); nil means a
	// timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 100 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 2 * time.Second
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	return p
}

// Backoff returns the delay before retry number attempt (1-based): BaseDelay·2^(n-1)
// capped at MaxDelay, then "equal jitter": uniformly in [d/2, d].
func (p RetryPolicy) Backoff(attempt int, rng *rand.Rand) time.Duration {
	p = p.withDefaults()
	d := p.BaseDelay
	for i := 1; i < attempt && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	if half <= 0 || rng == nil {
		return d
	}
	return half + time.Duration(rng.Int64N(int64(half)+1))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// LoadCredentials reads a principal and secret from a Mesos credentials file
// (the --credentials format): JSON {"credentials": [{"principal", "secret"}]} or
// text lines "principal secret". The first credential is returned.
func LoadCredentials(path string) (principal, secret string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", "", fmt.Errorf("load credentials: %w", err)
	}
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		s := jsonscan.New(data)
		s.Object(func(k []byte) {
			if string(k) != "credentials" {
				return
			}
			s.Array(func(i int) {
				var p, sec string
				s.Object(func(k []byte) {
					switch string(k) {
					case "principal":
						p = s.String()
					case "secret":
						sec = s.String()
					}
				})
				if principal == "" && p != "" {
					principal, secret = p, sec
				}
			})
		})
		if err := s.Finish(); err != nil {
			return "", "", fmt.Errorf("load credentials %s: %w", path, err)
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 2 {
				principal, secret = f[0], f[1]
				break
			}
		}
	}
	if principal == "" {
		return "", "", fmt.Errorf("load credentials %s: no credential found", path)
	}
	return principal, secret, nil
}
