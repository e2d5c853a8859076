package schedclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// TestRunTCP runs the client with its own HTTP client against the fake
// master on a real loopback socket: subscribe, events, a call, and a
// cancel that leaves no goroutine and no open stream behind.
func TestRunTCP(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	m := newFakeMaster()
	m.heartbeat = 15
	srv := httptest.NewServer(m)
	defer srv.Close()
	defer close(m.quit)

	c, err := New(Config{Master: srv.URL, Framework: testFramework()})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	events := make(chan *scheduler.Event, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		errc <- c.Run(ctx, func(ctx context.Context, ev *scheduler.Event) {
			if ev.Type == scheduler.EventOffers {
				if err := c.Decline(ctx, []mesos.OfferID{ev.Offers.Offers[0].ID}, nil); err != nil {
					t.Errorf("Decline() = %v", err)
				}
			}
			events <- ev
		})
	}()
	if ev := <-events; ev.Type != scheduler.EventSubscribed {
		t.Fatalf("first event = %s, want SUBSCRIBED", ev.Type)
	}
	m.send(&scheduler.Event{Type: scheduler.EventOffers, Offers: &scheduler.Offers{Offers: []mesos.Offer{{ID: mesos.OfferID{Value: "o-1"}}}}})
	if ev := <-events; ev.Type != scheduler.EventOffers {
		t.Fatalf("second event = %s, want OFFERS", ev.Type)
	}
	if calls := m.callRequests(); len(calls) != 1 || calls[0].call.Type != scheduler.CallDecline {
		t.Errorf("calls = %v, want one DECLINE", calls)
	}

	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled", err)
	}
	if subs := m.subscribeRequests(); len(subs) != 1 {
		t.Errorf("SUBSCRIBE requests = %d, want 1", len(subs))
	}
}

// manualClock is a Clock whose timers fire only when the test says so;
// it reports each timer armed (created or reset) on armed.
type manualClock struct {
	armed chan armed
}

// armed is a timer armed for d.
type armed struct {
	t *manualTimer
	d time.Duration
}

func (c *manualClock) AfterFunc(d time.Duration, f func()) Timer {
	t := &manualTimer{clock: c, f: f}
	t.Reset(d)
	return t
}

// manualTimer is a timer of manualClock.
type manualTimer struct {
	clock *manualClock
	f     func()

	mu     sync.Mutex
	active bool
}

func (t *manualTimer) Stop() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	was := t.active
	t.active = false
	return was
}

func (t *manualTimer) Reset(d time.Duration) bool {
	t.mu.Lock()
	was := t.active
	t.active = true
	t.mu.Unlock()
	t.clock.armed <- armed{t, d}
	return was
}

// fire runs the timer's function if it is still active.
func (t *manualTimer) fire() {
	t.mu.Lock()
	ok := t.active
	t.active = false
	t.mu.Unlock()
	if ok {
		go t.f()
	}
}

// TestRunClock drives Run's timers through an injected Clock over a real
// socket: every attempt arms the watchdog (75 s until SUBSCRIBED), and a
// failed attempt waits a backoff within the growing bound before the
// next; nothing happens until the test fires the backoff timer.
func TestRunClock(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const failures = 4
	m := newFakeMaster()
	m.subscribeHook = func(n int, w http.ResponseWriter) bool {
		if n < failures {
			http.Error(w, "No leader elected", http.StatusServiceUnavailable)
			return true
		}
		return false
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	defer close(m.quit)

	clock := &manualClock{armed: make(chan armed, 100)}
	c, err := New(Config{Master: srv.URL, Framework: testFramework(), Clock: clock})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	subscribed := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- c.Run(ctx, func(_ context.Context, ev *scheduler.Event) {
			if ev.Type == scheduler.EventSubscribed {
				close(subscribed)
			}
		})
	}()
	watchdog := DefaultMissedHeartbeats * DefaultHeartbeatInterval
	for attempt := range failures {
		if tm := <-clock.armed; tm.d != watchdog {
			t.Fatalf("attempt %d: first timer armed = %v, want the %v watchdog", attempt, tm.d, watchdog)
		}
		tm := <-clock.armed
		if bound := backoffBound(attempt, DefaultBackoffInitial, DefaultBackoffMax); tm.d < 0 || tm.d >= bound {
			t.Errorf("attempt %d: backoff = %v, want in [0, %v)", attempt, tm.d, bound)
		}
		if n := len(m.subscribeRequests()); n != attempt+1 {
			t.Errorf("attempt %d: SUBSCRIBE requests before the backoff fired = %d, want %d", attempt, n, attempt+1)
		}
		tm.t.fire()
	}
	if tm := <-clock.armed; tm.d != watchdog {
		t.Fatalf("last attempt: timer armed = %v, want the %v watchdog", tm.d, watchdog)
	}
	<-subscribed
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v, want context.Canceled", err)
	}
	if n := len(m.subscribeRequests()); n != failures+1 {
		t.Errorf("SUBSCRIBE requests = %d, want %d", n, failures+1)
	}
}
