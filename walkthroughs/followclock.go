package walkthroughs

import (
	"errors"
	"sort"
	"sync"
	"time"
)

// followClock is the Marathon-like scheduler's clock in the Goodbye Waiting tour: it
// follows the master's paused clock, so Marathon's times (app versions, "since",
// "lastUnusedOfferAt") line up with the master's, and its timers fire only when the
// tour advances that clock, and only when the tour fires them (fireDue).
//
// Two readings of Now are never equal: each is at least a nanosecond after the one
// before. Marathon holds a second REVIVE or SUPPRESS back until
// --min_revive_offers_interval after the first; with the interval at a nanosecond,
// a directive is held back only within one turn of its loop and goes out at the next,
// instead of waiting for the tour to move the master's clock. Outputs round times to
// milliseconds, so the nanoseconds never show.
type followClock struct {
	base func() time.Time

	mu     sync.Mutex
	last   time.Time
	timers []*followTimer
	arms   int           // AfterFunc calls so far
	armed  chan struct{} // closed and replaced by every AfterFunc
}

// followTimer is one AfterFunc of a followClock.
type followTimer struct {
	c       *followClock
	at      time.Time
	seq     int
	f       func()
	stopped bool
	fired   bool
}

func newFollowClock(base func() time.Time) *followClock {
	return &followClock{base: base, armed: make(chan struct{})}
}

// Now returns the base clock's time truncated to milliseconds (Marathon's JSON has
// milliseconds), or a nanosecond after the previous reading.
func (c *followClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *followClock) nowLocked() time.Time {
	t := c.base().Truncate(time.Millisecond)
	if !t.After(c.last) {
		t = c.last.Add(time.Nanosecond)
	}
	c.last = t
	return t
}

// AfterFunc arms a timer for Now()+d; fireDue runs it once the base clock is there.
func (c *followClock) AfterFunc(d time.Duration, f func()) interface{ Stop() bool } {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.arms++
	t := &followTimer{c: c, at: c.nowLocked().Add(d), seq: c.arms, f: f}
	c.timers = append(c.timers, t)
	close(c.armed)
	c.armed = make(chan struct{})
	return t
}

// Stop cancels the timer; it reports whether it was still pending.
func (t *followTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped && !t.fired
	t.stopped = true
	return was
}

// maxWakeups bounds the wake-ups one fireDue runs.
const maxWakeups = 100

// errNoRearm is returned by fireDue when the scheduler's loop did not take a wake-up.
var errNoRearm = errors.New("the scheduler's loop did not take its wake-up")

// fireDue runs the timers that are due by the base clock's time (or within a
// millisecond of the last reading, which is how Marathon asks for "as soon as
// possible"), one at a time. Marathon's only timer is its loop's wake-up; handling a
// wake-up always arms the next one (the reconciliation is always scheduled), so after
// each callback fireDue waits for that AfterFunc: then the loop has run its tick.
func (c *followClock) fireDue(timeout time.Duration) (int, error) {
	fired := 0
	for {
		c.mu.Lock()
		by := c.dueByLocked()
		var due []*followTimer
		live := c.timers[:0]
		for _, t := range c.timers {
			if t.stopped || t.fired {
				continue
			}
			live = append(live, t)
			if !t.at.After(by) {
				due = append(due, t)
			}
		}
		clear(c.timers[len(live):])
		c.timers = live
		if len(due) == 0 {
			c.mu.Unlock()
			return fired, nil
		}
		sort.Slice(due, func(i, j int) bool {
			if due[i].at.Equal(due[j].at) {
				return due[i].seq < due[j].seq
			}
			return due[i].at.Before(due[j].at)
		})
		t := due[0]
		t.fired = true
		arms, armed := c.arms, c.armed
		c.mu.Unlock()
		t.f()
		fired++
		if fired > maxWakeups {
			return fired, errors.New("the scheduler keeps asking to be woken at once")
		}
		if err := c.waitArms(arms, armed, timeout); err != nil {
			return fired, err
		}
	}
}

// dueBy is the latest time a timer can be set for and be run by fireDue now.
func (c *followClock) dueBy() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dueByLocked()
}

func (c *followClock) dueByLocked() time.Time {
	now := c.base().Truncate(time.Millisecond)
	if c.last.After(now) {
		now = c.last
	}
	return now.Add(time.Millisecond)
}

// waitArms waits until AfterFunc has been called more than arms times.
func (c *followClock) waitArms(arms int, armed chan struct{}, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		select {
		case <-armed:
		case <-deadline.C:
			return errNoRearm
		}
		c.mu.Lock()
		n := c.arms
		armed = c.armed
		c.mu.Unlock()
		if n > arms {
			return nil
		}
	}
}
