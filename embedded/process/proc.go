package process

import (
	"sync/atomic"
)

// procState is a process's lifecycle state, after libprocess's ProcessBase::State
// (BOTTOM, BLOCKED/READY, TERMINATING). Whether it is scheduled (READY: in the run queue
// or running) or idle (BLOCKED) is tracked separately in proc.sched.
type procState = uint32

const (
	stateBottom      procState = iota // spawned, Initialize not yet run
	stateRunning                      // initialized; BLOCKED or READY
	stateTerminating                  // the TERMINATE event is being served
	stateTerminated                   // cleaned up: new events are purged
)

// proc is the runtime's record of a spawned process: its queue and scheduling state.
type proc struct {
	rt   *Runtime
	pid  PID
	self sender // pid and its text, the sender of every message this process sends
	impl Process
	base *Base

	// mbox is the event queue and the BLOCKED/READY state in one word: the producer
	// whose push finds the process BLOCKED puts it on the run queue, and the worker
	// whose idle() succeeds stops touching it (see mailbox). So at most one worker
	// resumes a process, and an event is never left behind in an idle queue.
	mbox    mailbox
	state   atomic.Uint32 // procState; written only by the consumer
	purging atomic.Bool   // a TERMINATE with inject is queued: purge events before it

	current *worker // the worker running the process, while it runs (consumer only)

	done chan struct{} // closed when the process has terminated (libprocess's Gate)

	handled [5]atomic.Uint64 // events served, per kind
	dropped atomic.Uint64    // events purged or dropped
	busyNs  atomic.Int64     // total handler time, when times are recorded
}

// enqueue appends e to the queue and schedules the process if it was idle
// (libprocess ProcessBase::enqueue). It reports false if the process has already
// terminated; the caller then purges the event. An event that races with termination
// is enqueued and purged by the worker that resumes the terminated process, so every
// event is either served or purged, never lost. w is the worker running the caller
// (its node cache is used), or nil from outside the workers.
func (p *proc) enqueue(w *worker, e *event) bool {
	if p.state.Load() == stateTerminated {
		return false
	}
	if e.kind == TerminateEvent && e.inject {
		p.purging.Store(true)
	}
	if e.stamp == 0 && p.rt.stamp {
		e.stamp = p.rt.nanotime()
	}
	var n *node
	if w != nil {
		n = w.nodes.get()
	} else {
		n = p.rt.nodes.getOne()
	}
	n.ev = *e
	if p.mbox.push(n) {
		p.rt.schedule(w, p)
	}
	return true
}

// pending returns a copy of the events not yet served (for /__processes__).
func (p *proc) pending() []event { return p.mbox.pending() }
