package containerizer

import (
	"sort"
	"sync"
	"time"
)

// fakeClock is a manual Clock: AfterFunc callbacks run synchronously in
// Advance, in deadline order.
type fakeClock struct {
	mu     sync.Mutex
	cond   *sync.Cond
	now    time.Time
	timers []*fakeTimer
	seq    int
}

type fakeTimer struct {
	c       *fakeClock
	at      time.Time
	seq     int
	f       func()
	stopped bool
	fired   bool
}

func newFakeClock() *fakeClock { return newFakeClockAt(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }

// newFakeClockAt starts at now (GC compares the clock with file mtimes).
func newFakeClockAt(now time.Time) *fakeClock {
	c := &fakeClock{now: now}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &fakeTimer{c: c, at: c.now.Add(d), seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	c.cond.Broadcast()
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped && !t.fired
	t.stopped = true
	return was
}

// pending counts timers that have neither fired nor been stopped.
func (c *fakeClock) pendingLocked() int {
	n := 0
	for _, t := range c.timers {
		if !t.stopped && !t.fired {
			n++
		}
	}
	return n
}

// waitPending blocks until at least n timers are pending.
func (c *fakeClock) waitPending(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.pendingLocked() < n {
		c.cond.Wait()
	}
}

// Advance moves time forward and runs every timer that became due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []*fakeTimer
	for _, t := range c.timers {
		if !t.stopped && !t.fired && !t.at.After(c.now) {
			t.fired = true
			due = append(due, t)
		}
	}
	sort.Slice(due, func(i, j int) bool {
		if due[i].at.Equal(due[j].at) {
			return due[i].seq < due[j].seq
		}
		return due[i].at.Before(due[j].at)
	})
	c.mu.Unlock()
	for _, t := range due {
		t.f()
	}
}

var _ Clock = (*fakeClock)(nil)
