package containerizer

import "time"

// Clock is where the containerizer gets time: transition timestamps, the
// kill grace period, usage polling and sandbox GC. Tests inject a fake;
// the lead's actor runtime can inject its paused libprocess-style clock.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f on its own goroutine once d has elapsed.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call if it has not started; it reports whether it did.
	Stop() bool
}

// RealClock is the wall clock; its zero value is ready to use.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// AfterFunc wraps time.AfterFunc.
func (RealClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

var _ Clock = RealClock{}
