package schedclient

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// harness is a set of fake masters on a memNet and an HTTP client
// dialing them. Create it inside a testing/synctest bubble.
type harness struct {
	t   *testing.T
	net *memNet
	tr  *http.Transport
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, net: newMemNet()}
	h.tr = &http.Transport{DialContext: h.net.DialContext}
	t.Cleanup(h.tr.CloseIdleConnections)
	return h
}

// master serves a new fake master at addr ("m1:5050").
func (h *harness) master(addr string) *fakeMaster {
	m := newFakeMaster()
	srv := &http.Server{Handler: m}
	l := h.net.listen(addr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
			h.t.Errorf("Serve(%s) = %v, want ErrServerClosed", addr, err)
		}
	}()
	h.t.Cleanup(func() {
		close(m.quit)
		_ = srv.Close()
		<-done
	})
	return m
}

// testFramework is the FrameworkInfo clients of the tests subscribe with.
func testFramework() mesos.FrameworkInfo {
	return mesos.FrameworkInfo{
		User:         "root",
		Name:         "schedclient-test",
		Roles:        []string{"web", "batch"},
		Capabilities: []mesos.FrameworkCapability{{Type: mesos.FrameworkMultiRole}},
	}
}

// client returns a Client of master m1 (unless cfg says otherwise) with
// a seeded backoff.
func (h *harness) client(cfg Config) *Client {
	h.t.Helper()
	if cfg.Master == "" {
		cfg.Master = "http://m1:5050"
	}
	if cfg.Framework.Name == "" {
		cfg.Framework = testFramework()
	}
	cfg.HTTPClient = &http.Client{Transport: h.tr}
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewPCG(1, 2))
	}
	c, err := New(cfg)
	if err != nil {
		h.t.Fatalf("New() = %v", err)
	}
	return c
}

// recorder collects the events given to a Run handler.
type recorder struct {
	mu     sync.Mutex
	events []*scheduler.Event
	then   func(ctx context.Context, ev *scheduler.Event)
}

func (r *recorder) handle(ctx context.Context, ev *scheduler.Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	then := r.then
	r.mu.Unlock()
	if then != nil {
		then(ctx, ev)
	}
}

// types returns the types of the events seen so far.
func (r *recorder) types() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ev := range r.events {
		out = append(out, ev.Type.String())
	}
	return out
}

// running is a Run in progress.
type running struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
}

// run starts c.Run; the test's cleanup stops it.
func run(t *testing.T, c *Client, handle func(context.Context, *scheduler.Event)) *running {
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.err = c.Run(ctx, handle)
	}()
	t.Cleanup(func() { r.stop() })
	return r
}

// stop cancels Run and returns its error.
func (r *running) stop() error {
	r.cancel()
	<-r.done
	return r.err
}

// result reports whether Run has returned, and its error.
func (r *running) result() (bool, error) {
	select {
	case <-r.done:
		return true, r.err
	default:
		return false, nil
	}
}
