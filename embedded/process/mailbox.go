package process

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// mailbox is a process's event queue: many producers, one consumer (the worker resuming
// the process), lock-free on both sides, like libprocess's lock-free EventQueue
// (3rdparty/libprocess/src/event_queue.hpp with --enable-lock-free-event-queue).
//
// Events live in a chain of segments. A producer claims a slot with one compare-and-swap
// on the tail segment's claim word, writes the event, then marks the slot ready; the
// producer that claims the first slot past the end links a new segment. The consumer
// reads slots in order. Segments start small, so an idle process costs little, and
// double up to maxSegment slots. The consumer recycles one emptied segment for the next
// link, so a steady stream allocates nothing.
//
// Recycling is safe against the ABA problem because the claim word carries the
// segment's generation: a producer that loaded the tail before the segment was recycled
// fails its compare-and-swap (the generation moved on) and starts over from the tail.
type mailbox struct {
	tail atomic.Pointer[segment] // producers append here
	_    [56]byte                // keep producers' and the consumer's fields on separate cache lines

	// Consumer side.
	head *segment
	pos  int // next slot to read in head

	// Readers of pending events (/__processes__) walk from snapHead at snapPos. The
	// consumer publishes its position after each event and takes snapMu only when it
	// moves to the next segment.
	snapMu   sync.Mutex
	snapHead *segment
	snapPos  atomic.Int32

	freeMu sync.Mutex
	free   []*segment // emptied segments, ready to be linked again (at most maxFree)
}

// maxFree bounds the recycled segments a mailbox keeps.
const maxFree = 4

const (
	minSegment = 8
	maxSegment = 256
)

type slot struct {
	ready atomic.Uint32
	ev    event
}

// segment is a fixed array of slots. claim packs the generation (high 32 bits) and the
// next slot index to claim (low 32 bits).
type segment struct {
	claim atomic.Uint64
	next  atomic.Pointer[segment]
	slots []slot
}

func claimIndex(w uint64) int { return int(uint32(w)) }

func (q *mailbox) init() {
	s := &segment{slots: make([]slot, minSegment)}
	q.tail.Store(s)
	q.head = s
	q.snapHead = s
}

// push appends e; it is safe for concurrent producers. backlog is how many events are
// waiting (including e): a new segment is sized to it, so a process that receives one
// message at a time keeps small segments and a flooded one gets large ones.
func (q *mailbox) push(e *event, backlog int64) {
	for {
		seg := q.tail.Load()
		w := seg.claim.Load()
		if q.tail.Load() != seg {
			continue // seg was recycled or the tail moved on: start over
		}
		i := claimIndex(w)
		n := len(seg.slots)
		if i > n {
			// Another producer is linking the next segment.
			for j := 0; j < readySpins && q.tail.Load() == seg; j++ {
			}
			if q.tail.Load() == seg {
				runtime.Gosched()
			}
			continue
		}
		if !seg.claim.CompareAndSwap(w, w+1) {
			continue
		}
		if i < n {
			s := &seg.slots[i]
			s.ev = *e
			s.ready.Store(1)
			return
		}
		// i == n: this producer links the next segment, then retries there. The tail
		// moves first: the consumer recycles seg only once it sees seg.next, and by then
		// no producer can start a claim on seg (they would see the tail has moved).
		next := q.newSegment(segmentSize(backlog))
		q.tail.Store(next)
		seg.next.Store(next)
	}
}

// segmentSize is the power of two between minSegment and maxSegment nearest above the
// backlog.
func segmentSize(backlog int64) int {
	size := minSegment
	for int64(size) < backlog && size < maxSegment {
		size *= 2
	}
	return size
}

func (q *mailbox) newSegment(size int) *segment {
	q.freeMu.Lock()
	for i := len(q.free) - 1; i >= 0; i-- {
		if s := q.free[i]; len(s.slots) >= size && len(s.slots) <= 4*size {
			q.free = append(q.free[:i], q.free[i+1:]...)
			q.freeMu.Unlock()
			return s
		}
	}
	q.freeMu.Unlock()
	return &segment{slots: make([]slot, size)}
}

// peek returns the next event without consuming it, or nil if the queue is empty. It
// waits for a producer that has claimed the next slot but not yet written it.
func (q *mailbox) peek() *event {
	for {
		seg := q.head
		if q.pos == len(seg.slots) {
			next := seg.next.Load()
			if next == nil {
				if claimIndex(seg.claim.Load()) <= len(seg.slots) {
					return nil
				}
				// The next segment is being linked: a few instructions away, unless
				// the linking producer was descheduled.
				for i := 0; i < readySpins && seg.next.Load() == nil; i++ {
				}
				if seg.next.Load() == nil {
					runtime.Gosched()
				}
				continue
			}
			q.advance(seg, next)
			continue
		}
		s := &seg.slots[q.pos]
		if s.ready.Load() == 1 {
			return &s.ev
		}
		if q.pos >= claimIndex(seg.claim.Load()) {
			return nil
		}
		// Claimed, being written. Wait a moment; if the producer is descheduled,
		// report empty: the producer checks the process's scheduling state after
		// marking the slot ready, so it will schedule the process again.
		for range readySpins {
			if s.ready.Load() == 1 {
				return &s.ev
			}
		}
		return nil
	}
}

// readySpins bounds how long the consumer waits for a claimed slot to be written.
const readySpins = 256

// pop consumes the event peek returned; the pointer stays valid until the next peek.
func (q *mailbox) pop() {
	q.pos++
	q.snapPos.Store(int32(q.pos))
}

// advance moves the consumer to the next segment and recycles the old one: its slots are
// cleared (dropping references) and its generation bumped, so stale producers fail.
func (q *mailbox) advance(old, next *segment) {
	q.snapMu.Lock()
	q.head, q.pos = next, 0
	q.snapHead = next
	q.snapPos.Store(0)
	clear(old.slots)
	old.next.Store(nil)
	gen := old.claim.Load() >> 32
	old.claim.Store((gen + 1) << 32)
	q.snapMu.Unlock()
	q.freeMu.Lock()
	if len(q.free) < maxFree {
		q.free = append(q.free, old)
	} else if len(old.slots) > len(q.free[0].slots) {
		q.free[0] = old // keep the larger segments for bursts
	}
	q.freeMu.Unlock()
}

// pending copies the events not yet consumed (for /__processes__): the consumer's
// position is one past the event being served, so that event is not included.
func (q *mailbox) pending() []event {
	q.snapMu.Lock()
	defer q.snapMu.Unlock()
	var out []event
	seg := q.snapHead
	i := int(q.snapPos.Load())
	for seg != nil {
		for ; i < len(seg.slots); i++ {
			s := &seg.slots[i]
			if s.ready.Load() != 1 {
				return out
			}
			out = append(out, s.ev)
		}
		seg, i = seg.next.Load(), 0
	}
	return out
}
