package process

import (
	"testing"
	"testing/synctest"
	"time"
)

func TestClockPausedTimersFireInOrderOnAdvance(t *testing.T) {
	c := NewClock()
	defer c.Close()
	c.Pause()
	start := c.Now()
	var fired []string
	c.AfterFunc(3*time.Second, func() { fired = append(fired, "3s") })
	c.AfterFunc(time.Second, func() {
		fired = append(fired, "1s")
		// A timer scheduled from a callback that is already due fires in the same Advance.
		c.AfterFunc(0, func() { fired = append(fired, "1s+0") })
	})
	stopped := c.AfterFunc(2*time.Second, func() { fired = append(fired, "2s") })
	c.AfterFunc(time.Second, func() { fired = append(fired, "1s-second") })
	if !stopped.Stop() {
		t.Errorf("Stop() of a pending timer = false")
	}
	if stopped.Stop() {
		t.Errorf("second Stop() = true")
	}

	c.Advance(999 * time.Millisecond)
	if len(fired) != 0 {
		t.Fatalf("timers fired early: %v", fired)
	}
	c.Advance(time.Millisecond)
	want := []string{"1s", "1s-second", "1s+0"}
	if !equal(fired, want) {
		t.Fatalf("after 1s: %v, want %v", fired, want)
	}
	c.Advance(5 * time.Second)
	want = append(want, "3s")
	if !equal(fired, want) {
		t.Fatalf("after 6s: %v, want %v", fired, want)
	}
	if got := c.Now().Sub(start); got != 6*time.Second {
		t.Errorf("Now() advanced by %v, want 6s", got)
	}
}

func TestClockRealTimeInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := NewClock()
		defer c.Close()
		done := make(chan time.Time, 1)
		start := time.Now()
		c.AfterFunc(5*time.Second, func() { done <- time.Now() })
		at := <-done
		if got := at.Sub(start); got != 5*time.Second {
			t.Errorf("real-time timer fired after %v, want 5s", got)
		}
	})
}

func TestClockPauseResumeKeepsTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := NewClock()
		defer c.Close()
		c.Pause()
		t0 := c.Now()
		time.Sleep(time.Hour) // fake time in the bubble: the paused clock must not move
		if got := c.Now(); !got.Equal(t0) {
			t.Fatalf("paused clock moved by %v", got.Sub(t0))
		}
		c.Advance(10 * time.Second)
		c.Resume()
		time.Sleep(time.Second)
		if got := c.Now().Sub(t0); got != 11*time.Second {
			t.Errorf("after advance 10s and 1s running: clock moved %v, want 11s", got)
		}
		fired := make(chan struct{})
		c.AfterFunc(2*time.Second, func() { close(fired) })
		<-fired
		if got := c.Now().Sub(t0); got != 13*time.Second {
			t.Errorf("timer after resume fired at +%v, want +13s", got)
		}
	})
}
