package process

import (
	"cmp"
	"slices"
	"sync"
	"sync/atomic"
	"time"
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
	events  eventStats       // handled and busy per event, when times are recorded
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

// maxEventNames bounds the distinct (kind, name) pairs a process keeps statistics
// for; later names are counted under "(other)" (HTTP paths are open-ended).
const maxEventNames = 256

// eventKey is an event's kind and name ("offer", "GET /master/state").
type eventKey struct {
	kind EventKind
	name string
}

// eventEntry is what a process's handlers did for one kind of event. Only the
// worker serving the process writes it; readers load the counters.
type eventEntry struct {
	key     eventKey
	handled atomic.Uint64
	busyNs  atomic.Int64
}

// eventStats keeps handled counts and handler time per event kind and name. The
// entry of the last event is kept aside: a process mostly handles runs of one kind
// of event, which then cost two atomic adds and no map lookup or lock.
type eventStats struct {
	last atomic.Pointer[eventEntry]
	mu   sync.Mutex
	m    map[eventKey]*eventEntry
}

// add records one handled event of kind and name that took d nanoseconds.
func (s *eventStats) add(kind EventKind, name string, d int64) {
	e := s.last.Load()
	if e == nil || e.key.kind != kind || e.key.name != name {
		e = s.entry(kind, name)
		s.last.Store(e)
	}
	e.handled.Add(1)
	e.busyNs.Add(d)
}

// entry returns the entry of kind and name, making it (or, past maxEventNames
// names, the kind's "(other)" entry) when there is none.
func (s *eventStats) entry(kind EventKind, name string) *eventEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[eventKey]*eventEntry)
	}
	k := eventKey{kind, name}
	e := s.m[k]
	if e != nil {
		return e
	}
	if len(s.m) >= maxEventNames {
		k.name = "(other)"
		if e = s.m[k]; e != nil {
			return e
		}
	}
	e = &eventEntry{key: k}
	s.m[k] = e
	return e
}

// snapshot returns the statistics sorted by kind, then name.
func (s *eventStats) snapshot() []EventStat {
	s.mu.Lock()
	out := make([]EventStat, 0, len(s.m))
	for k, e := range s.m {
		out = append(out, EventStat{Type: k.kind.String(), Name: k.name, Handled: e.handled.Load(),
			BusySeconds: time.Duration(e.busyNs.Load()).Seconds()})
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b EventStat) int { return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name)) })
	return out
}
