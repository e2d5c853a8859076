package process

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// FutureState is the state of a Future, as in libprocess's Future<T>::State
// (3rdparty/libprocess/include/process/future.hpp). "Abandoned" is not a state of its own:
// it is a pending future whose promise is gone, so it can never complete (IsAbandoned).
type FutureState uint8

// The four libprocess future states.
const (
	Pending FutureState = iota
	Ready
	Failed
	Discarded
)

func (s FutureState) String() string {
	switch s {
	case Pending:
		return "PENDING"
	case Ready:
		return "READY"
	case Failed:
		return "FAILED"
	case Discarded:
		return "DISCARDED"
	}
	return fmt.Sprintf("FutureState(%d)", uint8(s))
}

// Errors returned by Future.Await and Future.Get.
var (
	// ErrDiscarded is returned for a discarded future.
	ErrDiscarded = errors.New("process: future discarded")
	// ErrAbandoned is returned for an abandoned future: its promise was dropped without
	// being completed, e.g. a dispatch to a process that terminated first.
	ErrAbandoned = errors.New("process: future abandoned")
	// ErrPending is returned by Get for a future that is still pending.
	ErrPending = errors.New("process: future pending")
)

// Future is the read side of an asynchronous result, with libprocess semantics:
//
//   - it completes at most once: ready with a value, failed with an error, or discarded;
//   - a pending future whose promise is dropped is abandoned and never completes;
//   - Discard only requests a discard (the producer sees it through OnDiscard and decides);
//   - callbacks run synchronously: immediately in the caller of OnReady/OnAny/... when the
//     future is already complete, otherwise in the goroutine that completes it. Use Defer
//     to run a continuation on a process instead.
//
// A Future is safe for concurrent use.
type Future[T any] struct {
	mu         sync.Mutex
	state      FutureState
	abandoned  bool
	discarding bool // a discard was requested
	value      T
	err        error
	callbacks  []func()
	onDiscard  []func()
	onAbandon  []func()
	done       chan struct{} // created lazily by Await; closed on completion or abandonment
}

// NewFuture returns a future that is already ready with v.
func NewFuture[T any](v T) *Future[T] {
	return &Future[T]{state: Ready, value: v}
}

// FailedFuture returns a future that has already failed with err.
func FailedFuture[T any](err error) *Future[T] {
	return &Future[T]{state: Failed, err: err}
}

// State returns the current state.
func (f *Future[T]) State() FutureState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}

// IsPending reports whether the future has not completed (it may be abandoned).
func (f *Future[T]) IsPending() bool { return f.State() == Pending }

// IsReady reports whether the future completed with a value.
func (f *Future[T]) IsReady() bool { return f.State() == Ready }

// IsFailed reports whether the future failed.
func (f *Future[T]) IsFailed() bool { return f.State() == Failed }

// IsDiscarded reports whether the future was discarded.
func (f *Future[T]) IsDiscarded() bool { return f.State() == Discarded }

// IsAbandoned reports whether the future is pending and can never complete.
func (f *Future[T]) IsAbandoned() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state == Pending && f.abandoned
}

// HasDiscard reports whether a discard was requested.
func (f *Future[T]) HasDiscard() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.discarding
}

// Get returns the result without blocking: the value when ready, the error when failed,
// ErrDiscarded, ErrAbandoned, or ErrPending.
func (f *Future[T]) Get() (T, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.resultLocked()
}

func (f *Future[T]) resultLocked() (T, error) {
	var zero T
	switch f.state {
	case Ready:
		return f.value, nil
	case Failed:
		return zero, f.err
	case Discarded:
		return zero, ErrDiscarded
	}
	if f.abandoned {
		return zero, ErrAbandoned
	}
	return zero, ErrPending
}

// Await blocks until the future completes or is abandoned, or ctx is done, and returns
// the result. It must not be called from inside a process handler for a future that the
// same process completes (that would deadlock the process, as libprocess's await does).
func (f *Future[T]) Await(ctx context.Context) (T, error) {
	f.mu.Lock()
	if f.state != Pending || f.abandoned {
		defer f.mu.Unlock()
		return f.resultLocked()
	}
	if f.done == nil {
		f.done = make(chan struct{})
	}
	done := f.done
	f.mu.Unlock()
	select {
	case <-done:
		return f.Get()
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("process: await future: %w", ctx.Err())
	}
}

// OnAny registers cb to run once the future completes (ready, failed or discarded).
func (f *Future[T]) OnAny(cb func(*Future[T])) *Future[T] {
	f.on(func() { cb(f) })
	return f
}

// OnReady registers cb to run with the value if the future becomes ready.
func (f *Future[T]) OnReady(cb func(T)) *Future[T] {
	f.on(func() {
		if f.state == Ready {
			cb(f.value)
		}
	})
	return f
}

// OnFailed registers cb to run with the error if the future fails.
func (f *Future[T]) OnFailed(cb func(error)) *Future[T] {
	f.on(func() {
		if f.state == Failed {
			cb(f.err)
		}
	})
	return f
}

// OnDiscarded registers cb to run if the future is discarded.
func (f *Future[T]) OnDiscarded(cb func()) *Future[T] {
	f.on(func() {
		if f.state == Discarded {
			cb()
		}
	})
	return f
}

// OnAbandoned registers cb to run if the future is abandoned.
func (f *Future[T]) OnAbandoned(cb func()) *Future[T] {
	f.mu.Lock()
	if f.state == Pending && !f.abandoned {
		f.onAbandon = append(f.onAbandon, cb)
		f.mu.Unlock()
		return f
	}
	run := f.state == Pending && f.abandoned
	f.mu.Unlock()
	if run {
		cb()
	}
	return f
}

// OnDiscard registers cb to run when a discard is requested (immediately if one was).
// Producers use it to stop work nobody wants any more.
func (f *Future[T]) OnDiscard(cb func()) *Future[T] {
	f.mu.Lock()
	if !f.discarding {
		if f.state == Pending {
			f.onDiscard = append(f.onDiscard, cb)
		}
		f.mu.Unlock()
		return f
	}
	f.mu.Unlock()
	cb()
	return f
}

// Discard requests that the producer discard the future. It returns false if the future
// already completed. The future itself changes state only if the producer discards it.
func (f *Future[T]) Discard() bool {
	f.mu.Lock()
	if f.state != Pending || f.discarding {
		f.mu.Unlock()
		return false
	}
	f.discarding = true
	cbs := f.onDiscard
	f.onDiscard = nil
	f.mu.Unlock()
	for _, cb := range cbs {
		cb()
	}
	return true
}

// on runs cb with f.mu not held, now if the future is complete, otherwise at completion.
// cb reads f's fields without the lock: they no longer change after completion.
func (f *Future[T]) on(cb func()) {
	f.mu.Lock()
	if f.state == Pending {
		f.callbacks = append(f.callbacks, cb)
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	cb()
}

// complete moves a pending future to a final state; it reports false if it was not pending.
func (f *Future[T]) complete(state FutureState, v T, err error) bool {
	f.mu.Lock()
	if f.state != Pending {
		f.mu.Unlock()
		return false
	}
	f.state, f.value, f.err = state, v, err
	cbs := f.callbacks
	f.callbacks, f.onDiscard, f.onAbandon = nil, nil, nil
	done := f.done
	f.mu.Unlock()
	// Callbacks run before waiters wake, as libprocess's await is itself an onAny
	// callback registered after them.
	for _, cb := range cbs {
		cb()
	}
	if done != nil {
		close(done)
	}
	return true
}

// abandon marks a pending future as abandoned and runs OnAbandoned callbacks.
func (f *Future[T]) abandon() {
	f.mu.Lock()
	if f.state != Pending || f.abandoned {
		f.mu.Unlock()
		return
	}
	f.abandoned = true
	cbs := f.onAbandon
	f.onAbandon = nil
	f.callbacks = nil
	if f.done != nil {
		close(f.done)
	}
	f.mu.Unlock()
	for _, cb := range cbs {
		cb()
	}
}

// associate completes f when g completes, and forwards discard requests from f to g.
func (f *Future[T]) associate(g *Future[T]) {
	f.OnDiscard(func() { g.Discard() })
	g.OnAny(func(g *Future[T]) { f.complete(g.state, g.value, g.err) })
	g.OnAbandoned(f.abandon)
}

// Promise is the write side of a Future. If a Promise made by NewPromise becomes
// unreachable while its future is still pending, the future is abandoned (checked when the
// garbage collector finds the promise unreachable, as libprocess does in ~Promise).
type Promise[T any] struct {
	f *Future[T]
}

// NewPromise returns a promise with a pending future.
func NewPromise[T any]() *Promise[T] {
	p := &Promise[T]{f: &Future[T]{}}
	runtime.AddCleanup(p, func(f *Future[T]) { f.abandon() }, p.f)
	return p
}

// Future returns the promise's future.
func (p *Promise[T]) Future() *Future[T] { return p.f }

// Set completes the future with v; it reports false if the future was not pending.
func (p *Promise[T]) Set(v T) bool { return p.f.complete(Ready, v, nil) }

// Fail fails the future with err; it reports false if the future was not pending.
func (p *Promise[T]) Fail(err error) bool {
	var zero T
	if err == nil {
		err = errors.New("process: promise failed with a nil error")
	}
	return p.f.complete(Failed, zero, err)
}

// Discard moves the future to DISCARDED; it reports false if the future was not pending.
func (p *Promise[T]) Discard() bool {
	var zero T
	return p.f.complete(Discarded, zero, nil)
}

// Associate completes this promise's future when g completes (libprocess
// Promise::associate), and forwards discard requests to g.
func (p *Promise[T]) Associate(g *Future[T]) { p.f.associate(g) }

// Abandon abandons the future now instead of waiting for the garbage collector.
func (p *Promise[T]) Abandon() { p.f.abandon() }

// Then returns a future completed with fn(v) when f becomes ready, with f's failure or
// discard otherwise. fn runs synchronously in whoever completes f (libprocess then
// semantics); wrap it with Defer to run it on a process. Discard requests on the returned
// future are forwarded to f.
func Then[T, U any](f *Future[T], fn func(T) (U, error)) *Future[U] {
	out := &Future[U]{}
	out.OnDiscard(func() { f.Discard() })
	f.OnAny(func(f *Future[T]) {
		var zero U
		switch f.state {
		case Ready:
			v, err := fn(f.value)
			if err != nil {
				out.complete(Failed, zero, err)
			} else {
				out.complete(Ready, v, nil)
			}
		case Failed:
			out.complete(Failed, zero, f.err)
		case Discarded:
			out.complete(Discarded, zero, nil)
		}
	})
	f.OnAbandoned(out.abandon)
	return out
}

// ThenFuture is Then for a continuation that itself returns a future.
func ThenFuture[T, U any](f *Future[T], fn func(T) *Future[U]) *Future[U] {
	out := &Future[U]{}
	out.OnDiscard(func() { f.Discard() })
	f.OnAny(func(f *Future[T]) {
		var zero U
		switch f.state {
		case Ready:
			out.associate(fn(f.value))
		case Failed:
			out.complete(Failed, zero, f.err)
		case Discarded:
			out.complete(Discarded, zero, nil)
		}
	})
	f.OnAbandoned(out.abandon)
	return out
}

// Recover returns a future that is f's value when f is ready, and fn's result when f
// fails, is discarded or is abandoned (libprocess Future::recover). fn receives the error
// (ErrDiscarded or ErrAbandoned for those cases).
func Recover[T any](f *Future[T], fn func(error) (T, error)) *Future[T] {
	out := &Future[T]{}
	out.OnDiscard(func() { f.Discard() })
	finish := func(err error) {
		v, err := fn(err)
		if err != nil {
			var zero T
			out.complete(Failed, zero, err)
			return
		}
		out.complete(Ready, v, nil)
	}
	f.OnAny(func(f *Future[T]) {
		switch f.state {
		case Ready:
			out.complete(Ready, f.value, nil)
		case Failed:
			finish(f.err)
		case Discarded:
			finish(ErrDiscarded)
		}
	})
	f.OnAbandoned(func() { finish(ErrAbandoned) })
	return out
}

// After calls fn if f is still pending after d on the clock c (libprocess
// Future::after), typically to discard f and return a failure; the returned future is
// f's result if f completes first, else fn's. The timer is cancelled when f completes.
func After[T any](c *Clock, f *Future[T], d time.Duration, fn func(*Future[T]) *Future[T]) *Future[T] {
	out := &Future[T]{}
	var once sync.Once
	t := c.AfterFunc(d, func() {
		once.Do(func() { out.associate(fn(f)) })
	})
	f.OnAny(func(f *Future[T]) {
		once.Do(func() {
			t.Stop()
			out.complete(f.state, f.value, f.err)
		})
	})
	f.OnAbandoned(func() {
		once.Do(func() {
			t.Stop()
			out.abandon()
		})
	})
	out.OnDiscard(func() { f.Discard() })
	return out
}
