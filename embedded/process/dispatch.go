package process

import (
	"time"
	"unsafe"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// Context is where a dispatch, defer or delay comes from: a *Runtime (from outside any
// process), a process's *Base (from inside its handlers), or a *Carried (from a
// goroutine working for a handler, see Carry), so observers can parent the dispatch to
// the handler that made it.
type Context interface {
	runtimeAndWorker() (*Runtime, *worker)
}

func (rt *Runtime) runtimeAndWorker() (*Runtime, *worker) { return rt, nil }
func (b *Base) runtimeAndWorker() (*Runtime, *worker)     { return b.rt, b.runningWorker() }

// dispatchTask is a DISPATCH event's body with a result: the future and the function
// share one allocation.
type dispatchTask[R any] struct {
	Future[R]
	fn func() (R, error)
}

func (t *dispatchTask[R]) run() {
	v, err := t.fn()
	if err != nil {
		var zero R
		t.complete(Failed, zero, err)
		return
	}
	t.complete(Ready, v, nil)
}

func (t *dispatchTask[R]) abandon()    { t.Future.abandon() }
func (t *dispatchTask[R]) pc() uintptr { return codePC(unsafe.Pointer(&t.fn)) }
func (t *dispatchTask[R]) fail(err error) {
	var zero R
	t.complete(Failed, zero, err)
}

// futureTask is a DISPATCH whose function returns a future.
type futureTask[R any] struct {
	Future[R]
	fn func() *Future[R]
}

func (t *futureTask[R]) run()        { t.associate(t.fn()) }
func (t *futureTask[R]) abandon()    { t.Future.abandon() }
func (t *futureTask[R]) pc() uintptr { return codePC(unsafe.Pointer(&t.fn)) }
func (t *futureTask[R]) fail(err error) {
	var zero R
	t.complete(Failed, zero, err)
}

// Dispatch runs fn on the process to, in order with its other events, and returns a
// future of its result (libprocess dispatch). The name labels the event for observers
// and traces ("generateOffers"). If the process does not exist or terminates before the
// event is served, the future is abandoned.
func Dispatch[R any](c Context, to PID, name string, fn func() (R, error)) *Future[R] {
	t := &dispatchTask[R]{fn: fn}
	dispatch(c, to, name, t)
	return &t.Future
}

// DispatchFuture is Dispatch for a function that itself returns a future: the returned
// future completes when that one does (libprocess's promise->associate).
func DispatchFuture[R any](c Context, to PID, name string, fn func() *Future[R]) *Future[R] {
	t := &futureTask[R]{fn: fn}
	dispatch(c, to, name, t)
	return &t.Future
}

// Do runs fn on the process to, with no result (a void dispatch). It reports whether the
// event was enqueued.
func Do(c Context, to PID, name string, fn func()) bool {
	return dispatch(c, to, name, funcTask(fn))
}

func dispatch(c Context, to PID, name string, t task) bool {
	rt, w := c.runtimeAndWorker()
	if rt == nil {
		t.abandon()
		return false
	}
	if !rt.isLocal(to) {
		// Dispatch is local only, as in libprocess: there is no wire format for closures.
		t.abandon()
		return false
	}
	p := rt.lookup(to.ID)
	e := event{kind: DispatchEvent, name: name, body: t}
	if rt.needs&observe.NeedMessages != 0 {
		var from *sender
		if w != nil && w.proc != nil {
			from = &w.proc.self
		}
		toText := ""
		if p != nil {
			toText = p.self.text
		}
		e.header = rt.observeSend(w, observe.KindDispatch, name, from, toText, false)
		if cc, ok := c.(*Carried); ok && e.header == nil {
			e.header = cc.carriedHeader()
		}
	}
	return rt.deliverTo(w, p, &e)
}

// Defer returns a function that, when called, dispatches fn(v) to the process behind c
// instead of running it in the caller (libprocess defer). Use it to run a future's
// continuation on a process:
//
//	fut.OnReady(process.Defer(&m.Base, "stateRecovered", m.stateRecovered))
func Defer[T any](b *Base, name string, fn func(T)) func(T) {
	return func(v T) {
		dispatch(b.rt, b.Self(), name, &deferTask[T]{fn: fn, v: v})
	}
}

// deferTask is a deferred call fn(v): observers see fn as the handler, not a wrapper.
type deferTask[T any] struct {
	fn func(T)
	v  T
}

func (t *deferTask[T]) run()        { t.fn(t.v) }
func (t *deferTask[T]) abandon()    {}
func (t *deferTask[T]) fail(error)  {}
func (t *deferTask[T]) pc() uintptr { return codePC(unsafe.Pointer(&t.fn)) }

// Delay dispatches fn to the process to after d on the runtime's clock (libprocess
// delay). The returned timer can be stopped.
func Delay(c Context, d time.Duration, to PID, name string, fn func()) *Timer {
	rt, _ := c.runtimeAndWorker()
	return rt.clock.AfterFunc(d, func() { Do(rt, to, name, fn) })
}

// AfterDuration returns a future that becomes ready after d on the runtime's clock
// (libprocess process::after). Discarding it cancels the timer.
func AfterDuration(rt *Runtime, d time.Duration) *Future[struct{}] {
	f := &Future[struct{}]{}
	t := rt.clock.AfterFunc(d, func() { f.complete(Ready, struct{}{}, nil) })
	f.OnDiscard(func() {
		if t.Stop() {
			f.complete(Discarded, struct{}{}, nil)
		}
	})
	return f
}
