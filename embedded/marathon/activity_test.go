package marathon_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// gatedMaster is a master as an http.RoundTripper: SUBSCRIBE gets a stream whose
// first event is SUBSCRIBED, and every other call is reported on arrived and held
// until gate is closed.
type gatedMaster struct {
	arrived chan scheduler.CallType
	gate    chan struct{}
}

func (g *gatedMaster) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	call, err := scheduler.DecodeCall(body)
	if err != nil {
		return nil, err
	}
	if call.Type == scheduler.CallSubscribe {
		ev := []byte(`{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"fw-1"},"heartbeat_interval_seconds":15}}`)
		pr, pw := io.Pipe()
		go func() {
			_, _ = pw.Write(append([]byte(strconv.Itoa(len(ev))+"\n"), ev...))
			<-req.Context().Done()
			pw.CloseWithError(req.Context().Err())
		}()
		h := http.Header{}
		h.Set("Mesos-Stream-Id", "stream-1")
		h.Set("Content-Type", "application/recordio")
		return &http.Response{StatusCode: http.StatusOK, Header: h, Body: pr, Request: req}, nil
	}
	g.arrived <- call.Type
	select {
	case <-g.gate:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	return &http.Response{StatusCode: http.StatusAccepted, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(nil)), Request: req}, nil
}

// stillClock is a clock that never moves and never fires: the scheduler's timer
// stays set.
type stillClock struct {
	now time.Time
	mu  sync.Mutex
	set []time.Duration
}

func (c *stillClock) Now() time.Time { return c.now }

func (c *stillClock) AfterFunc(d time.Duration, f func()) interface{ Stop() bool } {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set = append(c.set, d)
	return stopper{}
}

type stopper struct{}

func (stopper) Stop() bool { return true }

// TestActivity: a call the scheduler decided on counts in Activity while it is
// queued or in flight, Changed is closed once it is made, and the loop's timer (the
// first reconciliation) is the Wakeup QuietUntil compares with.
func TestActivity(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	master := &gatedMaster{arrived: make(chan scheduler.CallType, 16), gate: make(chan struct{})}
	m, err := marathon.New(marathon.Config{
		Master: "http://127.0.0.1:5050", HTTPClient: &http.Client{Transport: master},
		Clock: &stillClock{now: t0}, Seed: 1, User: "test",
		ReconciliationInitialDelay: 15 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := m.Activity(ctx); !errors.Is(err, marathon.ErrStopped) {
		t.Errorf("Activity() before Start = %v, want ErrStopped", err)
	}
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		select {
		case <-master.gate:
		default:
			close(master.gate)
		}
		if err := m.Stop(context.Background()); err != nil {
			t.Errorf("Stop() = %v", err)
		}
	}()

	// Idle after subscribing, the scheduler suppresses offers: one call, held by the
	// master until the gate opens.
	var first scheduler.CallType
	select {
	case first = <-master.arrived:
	case <-ctx.Done():
		t.Fatal("no call reached the master")
	}
	if first != scheduler.CallSuppress {
		t.Errorf("first call = %v, want SUPPRESS", first)
	}
	a, err := m.Activity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wakeup := t0.Add(15 * time.Second)
	if a.Calls != 1 || !a.Wakeup.Equal(wakeup) {
		t.Errorf("Activity() with SUPPRESS in flight = calls %d, wakeup %v, want 1, %v", a.Calls, a.Wakeup, wakeup)
	}
	if a.QuietUntil(t0) {
		t.Errorf("QuietUntil(%v) with a call in flight = true, want false", t0)
	}
	select {
	case <-a.Changed:
		t.Fatal("Changed closed while the call is still in flight")
	default:
	}

	close(master.gate)
	select {
	case <-a.Changed:
	case <-ctx.Done():
		t.Fatal("Changed not closed after the call was answered")
	}
	for {
		if a, err = m.Activity(ctx); err != nil {
			t.Fatal(err)
		}
		if a.Calls == 0 {
			break
		}
		select {
		case <-a.Changed:
		case <-ctx.Done():
			t.Fatalf("Activity().Calls = %d after every call was answered, want 0", a.Calls)
		}
	}
	for _, tc := range []struct {
		t    time.Time
		want bool
	}{
		{t0, true},
		{wakeup.Add(-time.Nanosecond), true},
		{wakeup, false},
		{wakeup.Add(time.Hour), false},
	} {
		if got := a.QuietUntil(tc.t); got != tc.want {
			t.Errorf("QuietUntil(%v) with wakeup %v = %v, want %v", tc.t, a.Wakeup, got, tc.want)
		}
	}
}

// TestActivityQuietUntil covers QuietUntil's cases on plain values.
func TestActivityQuietUntil(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		a    marathon.Activity
		want bool
	}{
		{marathon.Activity{}, true},
		{marathon.Activity{Calls: 1}, false},
		{marathon.Activity{Wakeup: t0}, false},
		{marathon.Activity{Wakeup: t0.Add(time.Millisecond)}, true},
		{marathon.Activity{Calls: 2, Wakeup: t0.Add(time.Hour)}, false},
	} {
		if got := tc.a.QuietUntil(t0); got != tc.want {
			t.Errorf("%+v.QuietUntil(%v) = %v, want %v", tc.a, t0, got, tc.want)
		}
	}
}
