package walkthroughs

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestManualClock: Advance moves the clock to its end, then runs the callbacks due,
// in deadline order (then arming order), including ones armed by callbacks (relative
// to the new time) that are due too; stopped ones never run.
func TestManualClock(t *testing.T) {
	c := newManualClock(walkEpoch)
	var got []string
	c.AfterFunc(2*time.Second, func() { got = append(got, "b") })
	c.AfterFunc(time.Second, func() {
		got = append(got, "a")
		c.AfterFunc(0, func() { got = append(got, "a-now") })
		c.AfterFunc(5*time.Second, func() { got = append(got, "later") })
	})
	c.AfterFunc(2*time.Second, func() { got = append(got, "c") })
	stopped := c.AfterFunc(time.Second, func() { got = append(got, "stopped") })
	if !stopped.Stop() || stopped.Stop() {
		t.Error("Stop() = false on a pending timer, or true twice")
	}
	if n := c.Advance(2 * time.Second); n != 4 {
		t.Errorf("Advance(2s) ran %d callbacks, want 4", n)
	}
	if want := []string{"a", "b", "c", "a-now"}; !slices.Equal(got, want) {
		t.Errorf("callbacks ran %v, want %v", got, want)
	}
	if p := c.pending(); !slices.Equal(p, []time.Duration{5 * time.Second}) {
		t.Errorf("pending() = %v, want [5s]", p)
	}
	if !c.Now().Equal(walkEpoch.Add(2 * time.Second)) {
		t.Errorf("Now() = %v, want the epoch + 2s", c.Now())
	}
}

// TestManualClockWaitArmed: waitArmed returns once a timer is armed on another
// goroutine, and gives up at its timeout or when done is closed.
func TestManualClockWaitArmed(t *testing.T) {
	c := newManualClock(walkEpoch)
	go c.AfterFunc(3*time.Second, func() {})
	if !c.waitArmed(func(p []time.Duration) bool { return slices.Contains(p, 3*time.Second) }, nil, syncTimeout) {
		t.Error("waitArmed did not see the timer armed")
	}
	done := make(chan struct{})
	close(done)
	if c.waitArmed(func(p []time.Duration) bool { return len(p) > 5 }, done, syncTimeout) {
		t.Error("waitArmed with done closed = true, want false")
	}
	if c.waitArmed(func(p []time.Duration) bool { return len(p) > 5 }, nil, time.Millisecond) {
		t.Error("waitArmed past its timeout = true, want false")
	}
}

// TestFollowClock: readings follow the base clock in milliseconds and never repeat;
// fireDue runs what is due and waits for the re-arm a loop's wake-up makes.
func TestFollowClock(t *testing.T) {
	base := walkEpoch.Add(1500 * time.Microsecond)
	c := newFollowClock(func() time.Time { return base })
	a, b := c.Now(), c.Now()
	if !a.Equal(walkEpoch.Add(time.Millisecond)) || !b.Equal(a.Add(time.Nanosecond)) {
		t.Errorf("Now(), Now() = %v, %v, want the base truncated to ms, then a nanosecond later", a, b)
	}
	// A loop: each wake-up arms the next timer, an hour on.
	wake := make(chan struct{}, 1)
	loopDone := make(chan struct{})
	woken := 0
	go func() {
		defer close(loopDone)
		for range wake {
			woken++
			c.AfterFunc(time.Hour, func() { wake <- struct{}{} })
		}
	}()
	c.AfterFunc(time.Second, func() { wake <- struct{}{} })
	if n, err := c.fireDue(syncTimeout); n != 0 || err != nil {
		t.Errorf("fireDue() before the deadline = %d, %v, want 0, nil", n, err)
	}
	base = base.Add(time.Second)
	if n, err := c.fireDue(syncTimeout); n != 1 || err != nil {
		t.Errorf("fireDue() at the deadline = %d, %v, want 1, nil", n, err)
	}
	close(wake)
	<-loopDone
	if woken != 1 {
		t.Errorf("the loop woke %d times, want 1", woken)
	}
	// A callback that arms nothing: fireDue says so instead of waiting forever.
	c.AfterFunc(0, func() {})
	if _, err := c.fireDue(10 * time.Millisecond); err != errNoRearm {
		t.Errorf("fireDue() without a re-arm = %v, want errNoRearm", err)
	}
}

func TestUUIDLabels(t *testing.T) {
	l := newUUIDLabels()
	task, dep := "6f1c3a52-0f1e-4b5e-9a8d-0123456789ab", "0f1c3a52-0f1e-4b5e-9a8d-0123456789ab"
	l.set(task, "a1-1")
	l.set(task, "ignored")
	l.set(dep, "d1")
	got := l.replace("web." + task + " in " + dep + " and 1f1c3a52-0f1e-4b5e-9a8d-0123456789ab")
	if want := "web.a1-1 in d1 and <uuid>"; got != want {
		t.Errorf("replace() = %q, want %q", got, want)
	}
	if u, ok := l.lookup("d1"); !ok || u != dep {
		t.Errorf("lookup(d1) = %q, %v, want %q", u, ok, dep)
	}
	if _, ok := l.lookup("d2"); ok {
		t.Error("lookup(d2) found a uuid")
	}
}

func TestNaturalCompare(t *testing.T) {
	in := []string{"walk-O10 (a1)", "walk-O9 (g1)", "walk-O2", "web.a2-1", "web.a1-10", "web.a1-2", "b", "a"}
	slices.SortFunc(in, naturalCompare)
	want := "a b walk-O2 walk-O9 (g1) walk-O10 (a1) web.a1-2 web.a1-10 web.a2-1"
	if got := strings.Join(in, " "); got != want {
		t.Errorf("sorted = %q, want %q", got, want)
	}
}
