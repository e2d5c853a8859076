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

	mbox mailbox
	// queued counts events pushed and not yet served. A producer that raises it from 0
	// puts the process on the run queue (BLOCKED -> READY); the worker that lowers it to
	// 0 stops touching the process (READY -> BLOCKED). So at most one worker resumes a
	// process, and an event is never left behind in an idle queue.
	queued  atomic.Int64
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
// event is either served or purged, never lost.
func (p *proc) enqueue(e *event) bool {
	if p.state.Load() == stateTerminated {
		return false
	}
	if e.kind == TerminateEvent && e.inject {
		p.purging.Store(true)
	}
	if e.stamp == 0 && p.rt.stamp {
		e.stamp = p.rt.nanotime()
	}
	n := p.queued.Add(1)
	p.mbox.push(e, n)
	if n == 1 {
		p.rt.schedule(p)
	}
	return true
}

// pending returns a copy of the events not yet served (for /__processes__).
func (p *proc) pending() []event { return p.mbox.pending() }
