package marathon

import (
	"context"
	"errors"
	"sync"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// callQueue is an unbounded FIFO of actions for the workers that make the
// calls, so the core's goroutine never waits for the master. Every action
// pushed counts in pending until the worker that took it has made its call
// (Marathon.Activity).
type callQueue struct {
	mu      sync.Mutex
	items   []Action
	signal  chan struct{}
	pending *pendingCalls
}

func newCallQueue(p *pendingCalls) *callQueue {
	return &callQueue{signal: make(chan struct{}, 1), pending: p}
}

func (q *callQueue) push(as ...Action) {
	if len(as) == 0 {
		return
	}
	q.pending.add(len(as))
	q.mu.Lock()
	q.items = append(q.items, as...)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

// pop waits for an action; ok is false once ctx is done.
func (q *callQueue) pop(ctx context.Context) (Action, bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			a := q.items[0]
			q.items[0] = nil
			q.items = q.items[1:]
			more := len(q.items) > 0
			q.mu.Unlock()
			if more {
				select {
				case q.signal <- struct{}{}:
				default:
				}
			}
			return a, true
		}
		q.mu.Unlock()
		select {
		case <-q.signal:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// caller makes the calls of one worker.
type caller struct {
	client *schedclient.Client
	// launchFailed reports task ids whose ACCEPT failed back to the core.
	launchFailed func(taskIDs []string)
	logErr       func(call string, err error)
}

// run executes actions until ctx is done.
func (c *caller) run(ctx context.Context, q *callQueue) {
	for {
		a, ok := q.pop(ctx)
		if !ok {
			return
		}
		c.do(ctx, a)
		q.pending.done()
	}
}

// do makes the call of one action.
func (c *caller) do(ctx context.Context, a Action) {
	var err error
	name := ""
	switch a := a.(type) {
	case LaunchAction:
		name = "ACCEPT"
		zero := 0.0
		err = c.client.Accept(ctx, []mesos.OfferID{a.OfferID}, []mesos.OfferOperation{{
			Type: mesos.OperationLaunch, Launch: &mesos.LaunchOperation{TaskInfos: a.Tasks},
		}}, &mesos.Filters{RefuseSeconds: &zero})
		if err != nil && ctx.Err() == nil {
			ids := make([]string, len(a.Tasks))
			for i, t := range a.Tasks {
				ids[i] = t.TaskID.Value
			}
			c.launchFailed(ids)
		}
	case DeclineAction:
		name = "DECLINE"
		refuse := a.RefuseSeconds
		err = c.client.Decline(ctx, a.OfferIDs, &mesos.Filters{RefuseSeconds: &refuse})
	case KillAction:
		name = "KILL"
		err = c.client.Kill(ctx, a.TaskID, a.AgentID)
	case AckAction:
		name = "ACKNOWLEDGE"
		err = c.client.Acknowledge(ctx, &a.Status)
	case ReviveAction:
		name = "REVIVE"
		err = c.client.Revive(ctx, a.Roles...)
	case SuppressAction:
		name = "SUPPRESS"
		err = c.client.Suppress(ctx, a.Roles...)
	case ReconcileAction:
		name = "RECONCILE"
		err = c.client.Reconcile(ctx, a.Tasks...)
	}
	if err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
		c.logErr(name, err)
	}
}
