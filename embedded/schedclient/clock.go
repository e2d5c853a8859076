package schedclient

import "time"

// Clock is the client's source of timers. *time.Timer satisfies Timer.
type Clock interface {
	// AfterFunc calls f in its own goroutine once d has elapsed, as
	// time.AfterFunc does, unless the returned Timer is stopped first.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a timer made by Clock.AfterFunc.
type Timer interface {
	// Stop prevents the call if it has not happened; it reports whether it
	// did so.
	Stop() bool
	// Reset schedules the call d from now (again, if it already happened);
	// it reports whether the timer had been active.
	Reset(d time.Duration) bool
}

// realClock is Clock over the time package.
type realClock struct{}

// AfterFunc implements Clock with time.AfterFunc.
func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }
