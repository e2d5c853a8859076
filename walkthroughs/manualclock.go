package walkthroughs

import (
	"sort"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
)

// manualClock is a paused clock for code that takes an injectable clock of its own
// (the containerizer's containerizer.Clock, the Marathon-like scheduler's
// marathon.Clock): time moves only in Advance, which runs the callbacks that became
// due, in deadline order, on the calling goroutine. It also lets a command wait until
// a timer is armed, so that "the SIGKILL is now scheduled" is an observed fact rather
// than a guess.
type manualClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*manualTimer
	seq     int
	armed   chan struct{} // closed and replaced whenever a timer is armed
	onArmed func()        // called (outside mu) after a timer is armed, if set
}

// manualTimer is one AfterFunc of a manualClock.
type manualTimer struct {
	c       *manualClock
	at      time.Time
	d       time.Duration
	seq     int
	f       func()
	stopped bool
	fired   bool
}

// walkEpoch is where every manual clock starts: a fixed instant, so that nothing in
// an output depends on the day the tour runs (outputs show offsets from it anyway).
var walkEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func newManualClock(start time.Time) *manualClock {
	return &manualClock{now: start, armed: make(chan struct{})}
}

// Now returns the clock's time.
func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc arms a timer that fires once the clock reaches now+d.
func (c *manualClock) AfterFunc(d time.Duration, f func()) containerizer.Timer {
	return c.afterFunc(d, f)
}

func (c *manualClock) afterFunc(d time.Duration, f func()) *manualTimer {
	c.mu.Lock()
	c.seq++
	t := &manualTimer{c: c, at: c.now.Add(d), d: d, seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	close(c.armed)
	c.armed = make(chan struct{})
	hook := c.onArmed
	c.mu.Unlock()
	if hook != nil {
		hook()
	}
	return t
}

// Stop cancels the timer; it reports whether the timer was still pending.
func (t *manualTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped && !t.fired
	t.stopped = true
	return was
}

// Advance moves the clock forward by d and runs every callback that is due, in
// deadline order (then arming order), including callbacks armed by those callbacks
// that are due too. It returns how many callbacks ran.
func (c *manualClock) Advance(d time.Duration) int {
	c.mu.Lock()
	c.now = c.now.Add(max(d, 0))
	c.mu.Unlock()
	fired := 0
	for {
		t := c.nextDue()
		if t == nil {
			return fired
		}
		t.f()
		fired++
	}
}

// nextDue marks and returns the earliest due timer, or nil.
func (c *manualClock) nextDue() *manualTimer {
	c.mu.Lock()
	defer c.mu.Unlock()
	var due []*manualTimer
	live := c.timers[:0]
	for _, t := range c.timers {
		if t.stopped || t.fired {
			continue
		}
		live = append(live, t)
		if !t.at.After(c.now) {
			due = append(due, t)
		}
	}
	clear(c.timers[len(live):])
	c.timers = live
	if len(due) == 0 {
		return nil
	}
	sort.Slice(due, func(i, j int) bool {
		if due[i].at.Equal(due[j].at) {
			return due[i].seq < due[j].seq
		}
		return due[i].at.Before(due[j].at)
	})
	due[0].fired = true
	return due[0]
}

// pending returns the deadlines of the timers that have neither fired nor been
// stopped, as offsets from now, sorted.
func (c *manualClock) pending() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Duration
	for _, t := range c.timers {
		if !t.stopped && !t.fired {
			out = append(out, t.at.Sub(c.now))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// waitArmed waits until cond holds for the pending timers (offsets from now), or
// until done is closed or timeout passes; it reports whether cond held.
func (c *manualClock) waitArmed(cond func(pending []time.Duration) bool, done <-chan struct{}, timeout time.Duration) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		armed := c.armed
		c.mu.Unlock()
		if cond(c.pending()) {
			return true
		}
		select {
		case <-armed:
		case <-done:
			return cond(c.pending())
		case <-deadline.C:
			return false
		}
	}
}

var _ containerizer.Clock = (*manualClock)(nil)
