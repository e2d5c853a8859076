package process

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a test process that logs what happens to it. Its log is only touched on
// its own goroutine; tests read it through Dispatch (or after it terminated).
type recorder struct {
	Base
	log     []string
	release chan struct{} // "block" messages wait on it, to hold events in the queue
	blocked chan struct{} // signalled when a "block" message starts waiting
}

func newRecorder() *recorder {
	r := &recorder{release: make(chan struct{}), blocked: make(chan struct{}, 16)}
	Install(&r.Base, "note", func(from PID, s string) { r.log = append(r.log, "note:"+s) })
	Install(&r.Base, "block", func(PID, struct{}) {
		r.blocked <- struct{}{}
		<-r.release
		r.log = append(r.log, "unblocked")
	})
	return r
}

func (r *recorder) Initialize() { r.log = append(r.log, "initialize") }
func (r *recorder) Finalize()   { r.log = append(r.log, "finalize") }
func (r *recorder) Exited(pid PID) {
	r.log = append(r.log, "exited:"+pid.ID)
}

// logOf reads a running recorder's log on its own goroutine.
func logOf(t *testing.T, rt *Runtime, r *recorder) []string {
	t.Helper()
	f := Dispatch(rt, r.Self(), "log", func() ([]string, error) { return append([]string(nil), r.log...), nil })
	v, err := f.Await(context.Background())
	if err != nil {
		t.Fatalf("reading log of %s: %v", r.Self(), err)
	}
	return v
}

func mustSpawn(t *testing.T, rt *Runtime, id string, p Process) PID {
	t.Helper()
	pid, err := rt.Spawn(id, p)
	if err != nil {
		t.Fatalf("Spawn(%q) = %v", id, err)
	}
	return pid
}

func TestSpawnInitializeMessagesFinalize(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 2})
	r := newRecorder()
	pid := mustSpawn(t, rt, "rec", r)
	if want := (PID{ID: "rec", Address: rt.Address()}); pid != want {
		t.Errorf("Spawn pid = %v, want %v", pid, want)
	}
	for i := range 5 {
		rt.Send(pid, "note", fmt.Sprint(i))
	}
	rt.Terminate(pid, false)
	if err := rt.Wait(context.Background(), pid); err != nil {
		t.Fatal(err)
	}
	want := []string{"initialize", "note:0", "note:1", "note:2", "note:3", "note:4", "finalize"}
	if !equal(r.log, want) {
		t.Errorf("log = %v, want %v", r.log, want)
	}
	if rt.Exists(pid) {
		t.Errorf("Exists(%v) after termination = true", pid)
	}
	// The id is free again.
	mustSpawn(t, rt, "rec", newRecorder())
}

func TestSpawnErrors(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 1})
	mustSpawn(t, rt, "dup", newRecorder())
	tests := []struct {
		id   string
		p    Process
		want string
	}{
		{"dup", newRecorder(), "already exists"},
		{"", newRecorder(), "empty id"},
		{"a/b", newRecorder(), "contains '/'"},
	}
	for _, tc := range tests {
		_, err := rt.Spawn(tc.id, tc.p)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Spawn(%q) = %v, want error containing %q", tc.id, err, tc.want)
		}
	}
	r := newRecorder()
	mustSpawn(t, rt, "once", r)
	if _, err := rt.Spawn("twice", r); err == nil || !strings.Contains(err.Error(), "already spawned") {
		t.Errorf("Spawn of a spawned process = %v, want already spawned", err)
	}
}

func TestFIFOFromOneSender(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 2})
	r := newRecorder()
	pid := mustSpawn(t, rt, "rec", r)
	const n = 2000
	for i := range n {
		rt.Send(pid, "note", fmt.Sprint(i))
	}
	rt.Terminate(pid, false)
	rt.Wait(context.Background(), pid)
	if len(r.log) != n+2 {
		t.Fatalf("got %d log entries, want %d", len(r.log), n+2)
	}
	for i := range n {
		if want := "note:" + fmt.Sprint(i); r.log[i+1] != want {
			t.Fatalf("log[%d] = %q, want %q (messages from one sender must stay in order)", i+1, r.log[i+1], want)
		}
	}
}

// TestNeverConcurrentWithItself floods one process from many goroutines; the handler
// mutates state without locks, which the race detector would flag if two workers ran it
// at once, and checks an in-handler flag.
func TestNeverConcurrentWithItself(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 4})
	type counter struct {
		Base
		inside bool
		n      int
	}
	c := &counter{}
	var overlap bool
	Install(&c.Base, "inc", func(PID, struct{}) {
		if c.inside {
			overlap = true
		}
		c.inside = true
		c.n++
		c.inside = false
	})
	pid := mustSpawn(t, rt, "counter", c)
	const senders, each = 8, 500
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for range each {
				rt.Send(pid, "inc", struct{}{})
			}
		})
	}
	wg.Wait()
	got, err := Dispatch(rt, pid, "read", func() (int, error) { return c.n, nil }).Await(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != senders*each || overlap {
		t.Errorf("count = %d (overlap=%v), want %d and no overlap", got, overlap, senders*each)
	}
}

func TestTerminateInjectPurgesQueuedEvents(t *testing.T) {
	for _, inject := range []bool{true, false} {
		t.Run(fmt.Sprintf("inject=%v", inject), func(t *testing.T) {
			rt := newTestRuntime(t, Config{Workers: 2})
			r := newRecorder()
			pid := mustSpawn(t, rt, "rec", r)
			rt.Send(pid, "block", struct{}{})
			<-r.blocked // the process is busy; what follows stays queued
			rt.Send(pid, "note", "a")
			queued := Dispatch(rt, pid, "queued", func() (int, error) { return 1, nil })
			rt.Send(pid, "note", "b")
			rt.Terminate(pid, inject)
			close(r.release)
			rt.Wait(context.Background(), pid)

			var want []string
			if inject {
				want = []string{"initialize", "unblocked", "finalize"}
				if !queued.IsAbandoned() {
					t.Errorf("dispatch purged by inject: State=%v abandoned=%v, want abandoned", queued.State(), queued.IsAbandoned())
				}
			} else {
				want = []string{"initialize", "unblocked", "note:a", "note:b", "finalize"}
				if v, err := queued.Get(); v != 1 || err != nil {
					t.Errorf("dispatch before non-inject terminate = %v, %v; want 1, nil", v, err)
				}
			}
			if !equal(r.log, want) {
				t.Errorf("log = %v, want %v", r.log, want)
			}
		})
	}
}

func TestDispatchToMissingOrTerminatedProcessIsAbandoned(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 1})
	f := Dispatch(rt, rt.PID("nobody"), "x", func() (int, error) { return 1, nil })
	if _, err := f.Await(context.Background()); !errors.Is(err, ErrAbandoned) {
		t.Errorf("dispatch to unknown process: %v, want ErrAbandoned", err)
	}
	r := newRecorder()
	pid := mustSpawn(t, rt, "gone", r)
	rt.Terminate(pid, true)
	rt.Wait(context.Background(), pid)
	f = Dispatch(rt, pid, "x", func() (int, error) { return 1, nil })
	if _, err := f.Await(context.Background()); !errors.Is(err, ErrAbandoned) {
		t.Errorf("dispatch to terminated process: %v, want ErrAbandoned", err)
	}
	if Do(rt, pid, "x", func() {}) {
		t.Errorf("Do to terminated process = true, want false")
	}
}

func TestDispatchPanicFailsFutureAndProcessContinues(t *testing.T) {
	var panics []string
	var mu sync.Mutex
	rt := newTestRuntime(t, Config{Workers: 1, OnPanic: func(id string, r any, _ []byte) {
		mu.Lock()
		panics = append(panics, fmt.Sprintf("%s:%v", id, r))
		mu.Unlock()
	}})
	r := newRecorder()
	pid := mustSpawn(t, rt, "rec", r)
	f := Dispatch(rt, pid, "bad", func() (int, error) { panic("kaboom") })
	if _, err := f.Await(context.Background()); err == nil || !strings.Contains(err.Error(), "kaboom") {
		t.Errorf("panicking dispatch = %v, want failure mentioning kaboom", err)
	}
	rt.Send(pid, "note", "after")
	got := logOf(t, rt, r)
	if want := []string{"initialize", "note:after"}; !equal(got, want) {
		t.Errorf("log = %v, want %v", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(panics) != 1 || panics[0] != "rec:kaboom" {
		t.Errorf("OnPanic calls = %v, want [rec:kaboom]", panics)
	}
}

func TestDispatchFutureAndDefer(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 2})
	r := newRecorder()
	pid := mustSpawn(t, rt, "rec", r)
	p := NewPromise[string]()
	f := DispatchFuture(rt, pid, "later", func() *Future[string] { return p.Future() })
	// The continuation is deferred onto the process: it appends to r.log, which only
	// the process may touch.
	f.OnReady(Defer(&r.Base, "continue", func(v string) { r.log = append(r.log, "deferred:"+v) }))
	p.Set("v")
	if v, err := f.Await(context.Background()); v != "v" || err != nil {
		t.Fatalf("DispatchFuture = %q, %v", v, err)
	}
	rt.Terminate(pid, false)
	rt.Wait(context.Background(), pid)
	if want := []string{"initialize", "deferred:v", "finalize"}; !equal(r.log, want) {
		t.Errorf("log = %v, want %v", r.log, want)
	}
}

func TestLinkExited(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 2})
	watcher := newRecorder()
	wpid := mustSpawn(t, rt, "watcher", watcher)
	target := mustSpawn(t, rt, "target", newRecorder())
	linked := Dispatch(rt, wpid, "link", func() (bool, error) {
		watcher.Link(rt.PID("never-existed"))
		watcher.Link(target)
		return true, nil
	})
	if _, err := linked.Await(context.Background()); err != nil {
		t.Fatal(err)
	}
	rt.Terminate(target, true)
	rt.Wait(context.Background(), target)
	rt.Settle() // the EXITED event reaches the watcher before it is told to terminate
	rt.Terminate(wpid, false)
	rt.Wait(context.Background(), wpid)
	want := []string{"initialize", "exited:never-existed", "exited:target", "finalize"}
	if !equal(watcher.log, want) {
		t.Errorf("log = %v, want %v", watcher.log, want)
	}
}

func TestUnlink(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 1})
	watcher := newRecorder()
	wpid := mustSpawn(t, rt, "watcher", watcher)
	target := mustSpawn(t, rt, "target", newRecorder())
	Do(rt, wpid, "link", func() { watcher.Link(target); watcher.Unlink(target) })
	rt.Settle()
	rt.Terminate(target, true)
	rt.Wait(context.Background(), target)
	if got := logOf(t, rt, watcher); !equal(got, []string{"initialize"}) {
		t.Errorf("log after unlink and terminate = %v, want no exited", got)
	}
	_ = wpid
}

func TestDelayAndSettleOnPausedClock(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 2})
	rt.Clock().Pause()
	r := newRecorder()
	pid := mustSpawn(t, rt, "rec", r)
	Delay(rt, 10*time.Second, pid, "tick", func() { r.log = append(r.log, "tick") })
	stopped := Delay(rt, 5*time.Second, pid, "never", func() { r.log = append(r.log, "never") })
	stopped.Stop()
	after := AfterDuration(rt, 20*time.Second)

	rt.Clock().Advance(9 * time.Second)
	rt.Settle()
	if got := logOf(t, rt, r); !equal(got, []string{"initialize"}) {
		t.Fatalf("after 9s: %v, want nothing fired", got)
	}
	rt.Clock().Advance(time.Second)
	rt.Settle()
	if got := logOf(t, rt, r); !equal(got, []string{"initialize", "tick"}) {
		t.Fatalf("after 10s: %v, want tick", got)
	}
	if !after.IsPending() {
		t.Fatalf("AfterDuration(20s) completed at 10s")
	}
	rt.Clock().Advance(10 * time.Second)
	if !after.IsReady() {
		t.Errorf("AfterDuration(20s) not ready at 20s: %v", after.State())
	}
}

func TestWaitFor(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 1})
	rt.Clock().Pause()
	r := newRecorder()
	pid := mustSpawn(t, rt, "rec", r)
	result := make(chan bool)
	go func() { result <- rt.WaitFor(pid, time.Minute) }()
	// WaitFor registers its timer before blocking; advance until it gives up.
	for {
		rt.Clock().Advance(time.Minute)
		select {
		case got := <-result:
			if got {
				t.Errorf("WaitFor on a live process = true, want false after the timeout")
			}
			rt.Terminate(pid, true)
			if !rt.WaitFor(pid, time.Minute) {
				// may still be terminating: wait properly
				rt.Wait(context.Background(), pid)
			}
			return
		default:
		}
	}
}

func TestWaitContext(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 1})
	pid := mustSpawn(t, rt, "rec", newRecorder())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := rt.Wait(ctx, pid); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait(cancelled) = %v, want context.Canceled", err)
	}
	if err := rt.Wait(context.Background(), rt.PID("missing")); err != nil {
		t.Errorf("Wait(missing) = %v, want nil", err)
	}
}

func TestMessageBodyDecoding(t *testing.T) {
	type ping struct {
		Seq int `json:"seq"`
	}
	rt := newTestRuntime(t, Config{Workers: 1, Logger: nil})
	got := make(chan ping, 4)
	b := &struct{ Base }{}
	Install(&b.Base, "ping", func(_ PID, p ping) { got <- p })
	pid := mustSpawn(t, rt, "p", b)
	rt.Send(pid, "ping", ping{Seq: 1})                 // Go value
	rt.Send(pid, "ping", []byte(`{"seq":2}`))          // bytes, as from the wire
	rt.Send(pid, "ping", []byte(`not json`))           // undecodable: dropped, not a panic
	rt.Send(pid, "ping", "a string is the wrong type") // wrong type: dropped
	rt.Send(pid, "ping", ping{Seq: 3})
	for _, want := range []int{1, 2, 3} {
		if p := <-got; p.Seq != want {
			t.Errorf("received seq %d, want %d", p.Seq, want)
		}
	}
	rt.Settle()
	stats := statFor(t, rt, "p")
	if stats.Dropped != 2 {
		t.Errorf("dropped = %d, want 2", stats.Dropped)
	}
}

func TestDelegateMessages(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 1})
	target := newRecorder()
	tpid := mustSpawn(t, rt, "target", target)
	front := &struct{ Base }{}
	front.Delegate("note", tpid)
	fpid := mustSpawn(t, rt, "front", front)
	rt.Send(fpid, "note", "via-delegate")
	rt.Settle()
	if got := logOf(t, rt, target); !equal(got, []string{"initialize", "note:via-delegate"}) {
		t.Errorf("target log = %v", got)
	}
}

func TestWorkerCount(t *testing.T) {
	tests := []struct {
		cfg     int
		env     string
		want    int
		wantErr string
	}{
		{3, "", 3, ""},
		{0, "5", 5, ""},
		{0, "0", 0, "between 1 and 1024"},
		{0, "abc", 0, "between 1 and 1024"},
		{2000, "", 0, "between 1 and 1024"},
	}
	for _, tc := range tests {
		t.Setenv("LIBPROCESS_NUM_WORKER_THREADS", tc.env)
		got, err := workerCount(tc.cfg)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("workerCount(%d, env=%q) = %d, %v; want error %q", tc.cfg, tc.env, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("workerCount(%d, env=%q) = %d, %v; want %d", tc.cfg, tc.env, got, err, tc.want)
		}
	}
}

func statFor(t *testing.T, rt *Runtime, id string) ProcessStat {
	t.Helper()
	for _, s := range rt.ProcessStats() {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no process %q in ProcessStats", id)
	return ProcessStat{}
}
