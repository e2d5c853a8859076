package marathon

import (
	"context"
	"sync"
	"time"
)

// Activity is what the scheduler still has to do of its own accord, as
// Marathon.Activity reads it between two turns of its loop. Events from the
// master and REST requests not yet taken by the loop are not in it: whoever
// drives the scheduler knows about those.
type Activity struct {
	// Calls counts the calls the loop decided on (ACCEPT, DECLINE, KILL,
	// ACKNOWLEDGE, REVIVE, SUPPRESS, RECONCILE) that a call worker has not
	// finished making: queued, or sent and not answered yet.
	Calls int
	// Wakeup is when the loop's own timer is set to wake it (a launch
	// backoff or a held-back REVIVE running out, a kill retry, a launch
	// timeout, reconciliation, a state save); zero when no timer is set.
	Wakeup time.Time
	// Changed is closed when one of the calls counted in Calls has been
	// made; read Activity again then.
	Changed <-chan struct{}
}

// QuietUntil reports whether the scheduler has no call queued or in flight
// and nothing scheduled at or before t: left alone until the clock passes
// t, it makes no call.
func (a Activity) QuietUntil(t time.Time) bool {
	return a.Calls == 0 && (a.Wakeup.IsZero() || a.Wakeup.After(t))
}

// Activity reads the scheduler's activity on its loop, between two turns,
// so that every call decided in an earlier turn is counted (queued or in
// flight) and its timer is the one set at the end of the last turn. It
// returns ErrStopped when the scheduler is not running, or ctx's error.
//
// This is mesoscope's hook for driving the scheduler step by step (the
// walkthroughs): Marathon has nothing like it.
func (m *Marathon) Activity(ctx context.Context) (Activity, error) {
	var a Activity
	err := m.do(ctx, func(_ *core, _ time.Time) {
		a.Calls, a.Changed = m.pending.read()
		a.Wakeup = m.wakeAt
	})
	if err != nil {
		return Activity{}, err
	}
	return a, nil
}

// pendingCalls counts the actions handed to the call workers that are not
// done yet: the loop adds them as it queues them (callQueue.push), a worker
// subtracts one once it has made its call.
type pendingCalls struct {
	mu      sync.Mutex
	n       int
	changed chan struct{} // closed and replaced whenever n decreases
}

func newPendingCalls() *pendingCalls { return &pendingCalls{changed: make(chan struct{})} }

func (p *pendingCalls) add(n int) {
	p.mu.Lock()
	p.n += n
	p.mu.Unlock()
}

func (p *pendingCalls) done() {
	p.mu.Lock()
	p.n--
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
}

func (p *pendingCalls) read() (int, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n, p.changed
}
