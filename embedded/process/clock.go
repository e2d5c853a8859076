package process

import (
	"container/heap"
	"sync"
	"time"
)

// Clock is the runtime's time source, modelled on libprocess's Clock
// (3rdparty/libprocess/include/process/clock.hpp). Every timer in the runtime (Delay,
// After, process timeouts) goes through it, so tests and walkthroughs can Pause time,
// Advance it by exact amounts, and Settle the runtime until nothing more happens.
//
// Running, the clock follows real time (plus whatever it was advanced by while paused).
// Paused, time stands still: timers fire only when Advance moves the clock past their
// deadline, and they fire synchronously inside Advance, in deadline order.
type Clock struct {
	mu      sync.Mutex
	paused  bool
	current time.Time     // the clock's time while paused
	offset  time.Duration // clock time - real time while running
	timers  timerHeap
	seq     uint64
	kick    chan struct{} // wakes the timer goroutine when the earliest deadline changes
	stop    chan struct{}
	stopped bool
	wg      sync.WaitGroup
	realNow func() time.Time
}

// Timer is a pending callback on a Clock.
type Timer struct {
	c     *Clock
	when  time.Time
	f     func()
	seq   uint64
	index int // in the heap; -1 when not scheduled
}

// Stop cancels the timer; it reports whether the timer was still pending.
func (t *Timer) Stop() bool {
	if t == nil {
		return false
	}
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&c.timers, t.index)
	return true
}

// When returns the clock time at which the timer fires.
func (t *Timer) When() time.Time { return t.when }

// newClock returns a running clock and starts its timer goroutine.
func newClock() *Clock {
	c := &Clock{
		kick:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		realNow: time.Now,
	}
	c.wg.Add(1)
	go c.loop()
	return c
}

// NewClock returns a clock that is not attached to a runtime, started and running. Stop
// it with Close.
func NewClock() *Clock { return newClock() }

// Close stops the timer goroutine; pending timers never fire.
func (c *Clock) Close() {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return
	}
	c.stopped = true
	close(c.stop)
	c.mu.Unlock()
	c.wg.Wait()
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.paused {
		return c.current
	}
	return c.realNow().Add(c.offset)
}

// Paused reports whether the clock is paused.
func (c *Clock) Paused() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paused
}

// Pause stops time. It is idempotent.
func (c *Clock) Pause() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused {
		return
	}
	c.current = c.nowLocked()
	c.paused = true
	c.kickLocked()
}

// Resume lets time run again from where it stood.
func (c *Clock) Resume() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.paused {
		return
	}
	c.offset = c.current.Sub(c.realNow())
	c.paused = false
	c.kickLocked()
}

// Advance moves a paused clock forward by d and fires, in deadline order and on the
// calling goroutine, every timer that is due. Callbacks that schedule timers already due
// fire too. Advancing a running clock shifts it forward by d the same way.
func (c *Clock) Advance(d time.Duration) {
	if d < 0 {
		d = 0
	}
	c.mu.Lock()
	if c.paused {
		c.current = c.current.Add(d)
	} else {
		c.offset += d
	}
	c.mu.Unlock()
	c.fireDue()
	c.mu.Lock()
	c.kickLocked()
	c.mu.Unlock()
}

// AfterFunc runs f on a clock goroutine (or inside Advance) once d has passed on the
// clock. f must not block; to run code on a process, f should dispatch to it (Delay does).
func (c *Clock) AfterFunc(d time.Duration, f func()) *Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &Timer{c: c, when: c.nowLocked().Add(d), f: f, seq: c.seq}
	heap.Push(&c.timers, t)
	if t.index == 0 {
		c.kickLocked()
	}
	return t
}

// dueLocked reports whether a timer is due now.
func (c *Clock) dueLocked() bool {
	return len(c.timers) > 0 && !c.timers[0].when.After(c.nowLocked())
}

// hasDue reports whether a timer is due now.
func (c *Clock) hasDue() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dueLocked()
}

// fireDue runs every due timer, in order, without holding the lock.
func (c *Clock) fireDue() {
	for {
		c.mu.Lock()
		if !c.dueLocked() {
			c.mu.Unlock()
			return
		}
		t := heap.Pop(&c.timers).(*Timer)
		c.mu.Unlock()
		t.f()
	}
}

func (c *Clock) kickLocked() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// loop fires timers in real time while the clock runs.
func (c *Clock) loop() {
	defer c.wg.Done()
	rt := time.NewTimer(time.Hour)
	defer rt.Stop()
	for {
		c.mu.Lock()
		armed := !c.paused && len(c.timers) > 0
		var wait time.Duration
		if armed {
			wait = c.timers[0].when.Sub(c.nowLocked())
		}
		c.mu.Unlock()
		if armed && wait <= 0 {
			c.fireDue()
			continue
		}
		var fire <-chan time.Time
		if armed {
			rt.Reset(wait)
			fire = rt.C
		}
		select {
		case <-c.stop:
			return
		case <-c.kick:
		case <-fire:
			c.fireDue()
		}
		rt.Stop()
	}
}

// timerHeap orders timers by deadline, then by creation.
type timerHeap []*Timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].when.Equal(h[j].when) {
		return h[i].when.Before(h[j].when)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
