package process

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
)

func TestFutureStates(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		act       func(p *Promise[int])
		state     FutureState
		abandoned bool
		value     int
		err       error
	}{
		{"set", func(p *Promise[int]) { p.Set(7) }, Ready, false, 7, nil},
		{"fail", func(p *Promise[int]) { p.Fail(boom) }, Failed, false, 0, boom},
		{"discard", func(p *Promise[int]) { p.Discard() }, Discarded, false, 0, ErrDiscarded},
		{"abandon", func(p *Promise[int]) { p.Abandon() }, Pending, true, 0, ErrAbandoned},
		{"pending", func(p *Promise[int]) {}, Pending, false, 0, ErrPending},
		{"first wins", func(p *Promise[int]) { p.Set(1); p.Fail(boom); p.Set(2) }, Ready, false, 1, nil},
		{"abandon after set is no-op", func(p *Promise[int]) { p.Set(3); p.Abandon() }, Ready, false, 3, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPromise[int]()
			tc.act(p)
			f := p.Future()
			if got := f.State(); got != tc.state {
				t.Errorf("State() = %v, want %v", got, tc.state)
			}
			if got := f.IsAbandoned(); got != tc.abandoned {
				t.Errorf("IsAbandoned() = %v, want %v", got, tc.abandoned)
			}
			v, err := f.Get()
			if v != tc.value || !errors.Is(err, tc.err) {
				t.Errorf("Get() = %v, %v; want %v, %v", v, err, tc.value, tc.err)
			}
		})
	}
}

func TestFutureCallbacksAreSynchronous(t *testing.T) {
	p := NewPromise[string]()
	var log []string
	f := p.Future()
	f.OnReady(func(v string) { log = append(log, "ready:"+v) })
	f.OnAny(func(f *Future[string]) { log = append(log, "any:"+f.State().String()) })
	f.OnFailed(func(error) { log = append(log, "failed") })
	if len(log) != 0 {
		t.Fatalf("callbacks ran before completion: %v", log)
	}
	p.Set("x") // callbacks run inside Set, in registration order
	want := []string{"ready:x", "any:READY"}
	if !equal(log, want) {
		t.Fatalf("after Set: %v, want %v", log, want)
	}
	// Registering on a completed future runs the callback immediately.
	f.OnReady(func(v string) { log = append(log, "late:"+v) })
	if got := log[len(log)-1]; got != "late:x" {
		t.Errorf("late callback: last = %q, want %q", got, "late:x")
	}
}

func TestFutureDiscardIsARequest(t *testing.T) {
	p := NewPromise[int]()
	f := p.Future()
	requested := 0
	f.OnDiscard(func() { requested++ })
	if !f.Discard() {
		t.Fatal("Discard() = false on a pending future")
	}
	if f.Discard() {
		t.Error("second Discard() = true, want false")
	}
	if requested != 1 {
		t.Errorf("OnDiscard ran %d times, want 1", requested)
	}
	if !f.HasDiscard() || f.State() != Pending {
		t.Errorf("after Discard: HasDiscard=%v State=%v, want true PENDING (only a request)", f.HasDiscard(), f.State())
	}
	// OnDiscard registered after the request runs at once.
	f.OnDiscard(func() { requested++ })
	if requested != 2 {
		t.Errorf("late OnDiscard: requested = %d, want 2", requested)
	}
	p.Discard()
	if f.State() != Discarded {
		t.Errorf("after Promise.Discard: State = %v, want DISCARDED", f.State())
	}
}

func TestThenRecoverChains(t *testing.T) {
	boom := errors.New("boom")
	p := NewPromise[int]()
	doubled := Then(p.Future(), func(v int) (int, error) { return 2 * v, nil })
	str := Then(doubled, func(v int) (string, error) {
		if v > 10 {
			return "", boom
		}
		return "small", nil
	})
	recovered := Recover(str, func(err error) (string, error) { return "recovered:" + err.Error(), nil })
	p.Set(6)
	if v, err := doubled.Get(); v != 12 || err != nil {
		t.Errorf("doubled = %v, %v; want 12, nil", v, err)
	}
	if _, err := str.Get(); !errors.Is(err, boom) {
		t.Errorf("str error = %v, want boom", err)
	}
	if v, _ := recovered.Get(); v != "recovered:boom" {
		t.Errorf("recovered = %q, want %q", v, "recovered:boom")
	}

	// Failure, discard and abandonment propagate through Then.
	q := NewPromise[int]()
	t1 := Then(q.Future(), func(v int) (int, error) { return v, nil })
	q.Fail(boom)
	if _, err := t1.Get(); !errors.Is(err, boom) {
		t.Errorf("Then of failed = %v, want boom", err)
	}
	r := NewPromise[int]()
	t2 := Then(r.Future(), func(v int) (int, error) { return v, nil })
	r.Abandon()
	if !t2.IsAbandoned() {
		t.Errorf("Then of abandoned: IsAbandoned = false")
	}
	// A discard request on the outer future reaches the inner one.
	s := NewPromise[int]()
	t3 := Then(s.Future(), func(v int) (int, error) { return v, nil })
	t3.Discard()
	if !s.Future().HasDiscard() {
		t.Errorf("Discard on Then's future did not reach the source")
	}
	// ThenFuture associates.
	inner := NewPromise[string]()
	u := NewPromise[int]()
	t4 := ThenFuture(u.Future(), func(int) *Future[string] { return inner.Future() })
	u.Set(1)
	if !t4.IsPending() {
		t.Fatalf("ThenFuture completed before inner future")
	}
	inner.Set("done")
	if v, _ := t4.Get(); v != "done" {
		t.Errorf("ThenFuture = %q, want done", v)
	}
}

func TestRecoverAbandoned(t *testing.T) {
	p := NewPromise[int]()
	r := Recover(p.Future(), func(err error) (int, error) {
		if errors.Is(err, ErrAbandoned) {
			return -1, nil
		}
		return 0, err
	})
	p.Abandon()
	if v, err := r.Get(); v != -1 || err != nil {
		t.Errorf("Recover(abandoned) = %v, %v; want -1, nil", v, err)
	}
}

func TestAwait(t *testing.T) {
	p := NewPromise[int]()
	go p.Set(42)
	v, err := p.Future().Await(context.Background())
	if v != 42 || err != nil {
		t.Errorf("Await = %v, %v; want 42, nil", v, err)
	}
	q := NewPromise[int]()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := q.Future().Await(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Await(cancelled) = %v, want context.Canceled", err)
	}
	r := NewPromise[int]()
	go r.Abandon()
	if _, err := r.Future().Await(context.Background()); !errors.Is(err, ErrAbandoned) {
		t.Errorf("Await(abandoned) = %v, want ErrAbandoned", err)
	}
}

func TestDroppedPromiseAbandonsFuture(t *testing.T) {
	f := func() *Future[int] {
		p := NewPromise[int]()
		return p.Future()
	}()
	done := make(chan struct{})
	f.OnAbandoned(func() { close(done) })
	// Cleanups run on the runtime's cleanup goroutine after a GC finds the promise
	// unreachable: collect until it has run, for at most 5 seconds.
	deadline := time.After(5 * time.Second)
	for {
		runtime.GC()
		select {
		case <-done:
			return
		case <-deadline:
			t.Fatal("future of a dropped promise was never abandoned")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func TestAfterOnPausedClock(t *testing.T) {
	c := NewClock()
	defer c.Close()
	c.Pause()
	p := NewPromise[int]()
	timedOut := After(c, p.Future(), 5*time.Second, func(f *Future[int]) *Future[int] {
		f.Discard()
		return FailedFuture[int](errors.New("timed out"))
	})
	c.Advance(4 * time.Second)
	if !timedOut.IsPending() {
		t.Fatalf("After fired before its deadline: %v", timedOut.State())
	}
	c.Advance(time.Second)
	if _, err := timedOut.Get(); err == nil || err.Error() != "timed out" {
		t.Errorf("After result = %v, want timed out", err)
	}
	if !p.Future().HasDiscard() {
		t.Errorf("After's callback did not discard the source")
	}

	// Completing first cancels the timer.
	q := NewPromise[int]()
	fired := false
	ok := After(c, q.Future(), time.Second, func(f *Future[int]) *Future[int] { fired = true; return f })
	q.Set(9)
	c.Advance(time.Hour)
	if v, _ := ok.Get(); v != 9 || fired {
		t.Errorf("After with early completion = %v (fired=%v), want 9 and not fired", v, fired)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
