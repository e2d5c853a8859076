package process

import (
	"slices"
	"sync/atomic"
)

// mailbox is a process's event queue: many producers, one consumer (the worker resuming
// the process). It plays the part of libprocess's EventQueue
// (3rdparty/libprocess/src/event_queue.hpp) and of the BLOCKED/READY half of
// ProcessBase::State: one word, top, is both the queue and the scheduling state, so a
// send is a single locked instruction that also tells the sender whether it must put
// the process on the run queue.
//
// Producers push nodes on a lock-free stack (Treiber's): write the event and the link
// into a node of their own, then one compare-and-swap of top publishes both. top is
//
//	nil          BLOCKED: idle, nothing queued. The producer whose push replaces nil
//	             schedules the process (push reports it), so exactly one does.
//	&q.running   READY, and nothing pushed since the consumer last took the stack.
//	a node       READY (or about to be), with events pushed since; the chain of next
//	             links ends at nil or &q.running.
//
// The consumer takes the whole stack with one swap (grab), lists it oldest first in a
// slice it owns (the nodes themselves are never relinked, so readers can walk them), and
// serves the batch with one atomic store per event (cur, below) and none for a batch of
// one. When a grab finds nothing
// it tries to compare-and-swap &q.running to nil (BLOCKED); a failure means a producer
// got in first, and it grabs again. So a process is resumed by at most one worker and an
// event is never left behind in an idle queue. Per-sender FIFO holds because the stack's
// order is the order of the successful compare-and-swaps.
//
// Readers of pending events (/__processes__) see the batch being served through head
// (its newest node, for batches of more than one event) and cur (the index of the event
// being served, published from the second event of a batch on and reset to 0 at its
// end), then the stack. A batch of one event, the common case for a process that
// receives one message at a time, costs the consumer no store per event at all.
// Nodes go back to the worker's node cache when a batch is done, unless a reader was
// active (readers > 0): those nodes are left to the garbage collector instead, so a
// reader never sees a node reused under it.
type mailbox struct {
	top atomic.Pointer[node] // producers push here
	_   [56]byte             // keep producers' and the consumer's fields on separate cache lines

	// Consumer side.
	batch []*node // the batch being served, oldest first

	// Published for readers.
	head    atomic.Pointer[node] // newest node of the batch being served, nil between batches
	cur     atomic.Uint32        // index in the batch of the event being served (see serving)
	readers atomic.Int32         // pending() calls in progress

	running node // sentinel: top's READY-and-empty value
}

// node is one queued event and its link to the event pushed before it.
type node struct {
	next   *node
	ev     event
	shared bool // from the runtime's pool (a send from outside the workers): goes back there
}

// maxKeptBatch is the largest batch slice a mailbox keeps between batches; a flood's
// larger slice is dropped so an idle process does not hold it.
const maxKeptBatch = 4096

// push adds n and reports whether the process was BLOCKED: the caller must then
// schedule it. Safe for concurrent producers; n must not be used by the caller again.
func (q *mailbox) push(n *node) bool {
	for {
		old := q.top.Load()
		n.next = old
		if q.top.CompareAndSwap(old, n) {
			return old == nil
		}
	}
}

// markReady sets the mailbox READY with nothing queued, for a process that is scheduled
// for another reason (Spawn schedules its initialization).
func (q *mailbox) markReady() { q.top.Store(&q.running) }

// grab takes every event pushed since the last grab into q.batch, oldest first, and
// publishes the batch for readers. A batch of one event is not published: while it is
// served nothing of it is pending, and a reader that reached its node through top
// holds readers up, so release will not recycle it. It reports false if nothing was
// pushed.
func (q *mailbox) grab() bool {
	if q.top.Load() == &q.running {
		return false
	}
	top := q.top.Swap(&q.running)
	if top == nil || top == &q.running {
		return false
	}
	for n := top; n != nil && n != &q.running; n = n.next {
		q.batch = append(q.batch, n)
	}
	if len(q.batch) > 1 {
		slices.Reverse(q.batch)
		q.head.Store(top)
	}
	return true
}

// serving publishes that the consumer is serving q.batch[i]. The first event of a batch
// needs no store: release leaves cur at 0. An index, not a node pointer, because a
// pointer store pays a write barrier check and a call on top of the locked instruction.
func (q *mailbox) serving(i int) {
	if i > 0 {
		q.cur.Store(uint32(i))
	}
}

// release ends the batch: it is unpublished and its nodes go back to c, or to the pool
// they came from (shared nodes), or, with a reader active, to the garbage collector.
func (q *mailbox) release(c *nodeCache) {
	if len(q.batch) > 1 {
		q.head.Store(nil)
		q.cur.Store(0) // the next batch starts at its first event
	}
	recycle := q.readers.Load() == 0
	var shared, last *node
	k := 0
	for i, n := range q.batch {
		q.batch[i] = nil
		if !recycle {
			continue
		}
		if !n.shared {
			c.put(n)
			continue
		}
		n.ev = event{}
		n.next = shared
		shared = n
		if last == nil {
			last = n
		}
		k++
	}
	if k > 0 {
		c.pool.give(shared, last, k)
	}
	if cap(q.batch) > maxKeptBatch {
		q.batch = nil
	} else {
		q.batch = q.batch[:0]
	}
}

// idle makes the mailbox BLOCKED if nothing was pushed since the last grab; on false a
// producer got in first and the consumer must grab again.
func (q *mailbox) idle() bool { return q.top.CompareAndSwap(&q.running, nil) }

// pending copies the events not yet served (for /__processes__): the rest of the batch
// being served (not the event being served), then the stack, oldest first. Like
// libprocess's own snapshot it is not atomic with respect to a consumer that is making
// progress; for a process busy in one handler it is exact.
func (q *mailbox) pending() []event {
	q.readers.Add(1)
	defer q.readers.Add(-1)
	var out []event
	// cur belongs to head's batch if head is the same before and after reading it; a
	// consumer racing through batches gets a few tries, then an approximate answer.
	head := q.head.Load()
	cur := int(q.cur.Load())
	for range 3 {
		again := q.head.Load()
		if again == head {
			break
		}
		head, cur = again, int(q.cur.Load())
	}
	if head != nil {
		batch := q.chain(head)
		if cur >= len(batch) {
			cur = 0
		}
		for _, n := range batch[cur+1:] {
			out = append(out, n.ev)
		}
	}
	for _, n := range q.chain(q.top.Load()) {
		out = append(out, n.ev)
	}
	return out
}

// chain lists the nodes reachable from n, oldest first.
func (q *mailbox) chain(n *node) []*node {
	var nodes []*node
	for ; n != nil && n != &q.running; n = n.next {
		nodes = append(nodes, n)
	}
	slices.Reverse(nodes)
	return nodes
}
