package process

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPendingMidBatch: a process held in the handler of the third event of a batch
// shows exactly the events after it as pending, as libprocess pops an event before
// serving it.
func TestPendingMidBatch(t *testing.T) {
	for _, workers := range []int{1, 2} {
		rt := newTestRuntime(t, Config{Workers: workers})
		entered, release := make(chan int), make(chan struct{})
		p := &struct{ Base }{}
		Install(&p.Base, "m", func(_ PID, i int) {
			if i == 0 || i == 3 {
				entered <- i
				<-release
			}
		})
		pid := mustSpawn(t, rt, "held", p)
		rt.Send(pid, "m", 0)
		<-entered // held in its first batch; what follows forms the next one
		for i := 1; i <= 5; i++ {
			rt.Send(pid, "m", i)
		}
		release <- struct{}{}
		<-entered // held at event 3 of the batch 1..5
		var got []any
		for _, e := range rt.lookup(pid.ID).pending() {
			got = append(got, e.body)
		}
		if diff := cmp.Diff([]any{4, 5}, got); diff != "" {
			t.Errorf("workers=%d: pending() held at event 3 (-want +got):\n%s", workers, diff)
		}
		release <- struct{}{}
		rt.Settle()
	}
}

// TestSendDuringSpawn: messages sent while the process is being spawned are either
// dropped (no such process yet) or served after Initialize, never lost or served twice.
func TestSendDuringSpawn(t *testing.T) {
	const sends = 2000
	rt := newTestRuntime(t, Config{Workers: 2})
	c := &initCounter{}
	Install(&c.Base, "m", func(PID, struct{}) {
		if !c.initialized {
			c.early++
		}
		c.got++
	})
	pid := rt.PID("late")
	var wg sync.WaitGroup
	wg.Go(func() {
		for range sends {
			rt.Send(pid, "m", struct{}{})
		}
	})
	mustSpawn(t, rt, "late", c)
	wg.Wait()
	rt.Settle()
	got := 0
	Do(rt, pid, "read", func() { got = c.got })
	rt.Settle()
	if dropped := int(rt.dropped.Load()); got+dropped != sends {
		t.Errorf("served %d + dropped %d = %d, want %d", got, dropped, got+dropped, sends)
	}
	if c.early != 0 {
		t.Errorf("%d messages served before Initialize, want 0", c.early)
	}
}

// initCounter counts messages, and those served before its Initialize.
type initCounter struct {
	Base
	initialized bool
	early, got  int
}

func (c *initCounter) Initialize() { c.initialized = true }
