package tracer

import (
	"sync/atomic"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// record is one finished, sampled dispatch as the hot path stores it: fixed size, no
// pointers but the strings the runtime already owns (process id, event name, sender)
// and the rare slice of point events. The exporter goroutine turns it into an SDK
// span.
type record struct {
	sc         spanContext // trace id, this span's id, flags
	parent     [8]byte     // parent span id; zero for a root
	remote     bool        // the parent came in a header (another process or runtime)
	kind       observe.Kind
	worker     int32
	process    string
	name       string
	from       string
	traceState string
	enqueued   int64 // monotonic ns, as the runtime's Nanotime
	begin, end int64
	handler    uintptr      // entry PC of the Go handler (observe.Dispatch.Handler)
	events     []pointEvent // nil unless the dispatch had point events
}

// pointEvent is an observe.Event copied off the caller's slice.
type pointEvent struct {
	typ   string
	time  int64 // Unix ns
	attrs []observe.Attr
	// spanID is the id of the span this event opens, chosen on the hot path so that
	// messages sent later in the same dispatch can be its children (a task's
	// TASK_STAGING); zero otherwise.
	spanID [8]byte
}

// get returns the value of the first attribute named key.
func (e *pointEvent) get(key string) string {
	for _, a := range e.attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}

// ring is a single-producer single-consumer ring of records: the producer is one worker
// goroutine (or, for the shared ring, callers holding its lock), the consumer the
// exporter goroutine. A full ring drops the new record and counts it.
type ring struct {
	head atomic.Uint64 // next record to read (consumer)
	_    [56]byte      // keep head and tail on separate cache lines
	tail atomic.Uint64 // next slot to write (producer)
	_    [56]byte
	buf  []record
	mask uint64
}

func newRing(size int) *ring {
	n := 1
	for n < size {
		n <<= 1
	}
	return &ring{buf: make([]record, n), mask: uint64(n - 1)}
}

// slot returns the slot the producer may fill, or nil when the ring is full. The record
// becomes visible to the consumer at publish.
func (r *ring) slot() *record {
	t := r.tail.Load()
	if t-r.head.Load() >= uint64(len(r.buf)) {
		return nil
	}
	return &r.buf[t&r.mask]
}

// publish makes the slot filled after slot visible; it reports whether the ring has just
// become half full, when the producer should wake the consumer.
func (r *ring) publish() bool {
	t := r.tail.Add(1)
	return t-r.head.Load() == uint64(len(r.buf))/2
}

// drain calls fn for every published record, oldest first, then frees their slots.
func (r *ring) drain(fn func(*record)) int {
	h, t := r.head.Load(), r.tail.Load()
	for i := h; i < t; i++ {
		rec := &r.buf[i&r.mask]
		fn(rec)
		*rec = record{} // drop references to strings and events
	}
	r.head.Store(t)
	return int(t - h)
}
