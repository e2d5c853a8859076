package tracer

import (
	"context"
	"encoding/binary"
	"math/rand/v2"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// maxWorkers is libprocess's upper bound on worker threads (LIBPROCESS_NUM_WORKER_THREADS),
// and so the number of per-worker states a Tracer may hold.
const maxWorkers = 1024

// workerState is what one worker goroutine of the runtime owns: the dispatch it is
// running, the ring its finished spans go to, and its pprof label cache. Only that
// worker touches cur and labels; the ring is shared with the exporter goroutine.
type workerState struct {
	cur    active
	ring   *ring
	labels map[labelKey]context.Context
	// The last traceparent parsed and its result: an unsampled chain forwards one
	// header value through many dispatches, so most receptions parse nothing.
	lastTP     string
	lastParent spanContext
	lastOK     bool
}

// parent parses tp, or returns the result of the last parse if tp is the same value.
func (ws *workerState) parent(tp string) (spanContext, bool) {
	if tp != ws.lastTP || tp == "" {
		ws.lastParent, ws.lastOK = parseTraceparent(tp)
		ws.lastTP = tp
	}
	return ws.lastParent, ws.lastOK
}

// active is the dispatch a worker is running.
type active struct {
	sampled    bool
	sc         spanContext
	parent     [8]byte
	remote     bool
	traceState string
	begin      int64
	tp         string         // this span's traceparent, formatted on the first send
	fwd        observe.Header // what an unsampled dispatch forwards
	events     []pointEvent
	child      [8]byte // a task span opened here, parent of the next task launch message
}

// Needs asks for the dispatch, message and event hooks and, unless no root can be
// sampled, for enqueue stamps (a span's queue wait). It does not ask the runtime to
// time every handler: a sampled dispatch reads the clock itself at begin and end (an
// unsampled one costs no clock read), nor for sends made outside any dispatch, which
// carry nothing (see MessageSend). When no root can be sampled, a dispatch sampled by a
// remote parent has no queue wait.
//
// When no root can be sampled, only a dispatch whose event carries a context (a
// remote parent) can be, so the dispatch hooks run around those only (every
// dispatch with pprof labels on). When nothing can ever be sampled (always_off, or a
// ratio of 0, not parent-based), the tracer asks for no hook at all and the runtime
// runs as if it had no observer.
func (t *Tracer) Needs() observe.Needs {
	switch {
	case t.sampler.never() && !t.sampler.parentBased:
		if t.cfg.labels {
			return observe.NeedDispatch
		}
		return 0
	case t.sampler.never():
		if t.cfg.labels {
			return observe.NeedDispatch | observe.NeedMessages | observe.NeedEvents
		}
		return observe.NeedHeaderDispatch | observe.NeedMessages | observe.NeedEvents
	}
	return observe.NeedDispatch | observe.NeedMessages | observe.NeedEvents | observe.NeedQueueTimes
}

// worker returns the state of worker i, creating it on first use.
func (t *Tracer) worker(i int) *workerState {
	if uint(i) >= maxWorkers {
		return nil
	}
	if ws := t.workers[i].Load(); ws != nil {
		return ws
	}
	ws := &workerState{ring: newRing(t.cfg.ringSize)}
	if !t.workers[i].CompareAndSwap(nil, ws) {
		return t.workers[i].Load()
	}
	for {
		n := t.nworkers.Load()
		if int32(i) < n || t.nworkers.CompareAndSwap(n, int32(i)+1) {
			return ws
		}
	}
}

// DispatchBegin decides whether the dispatch is sampled (following the traceparent the
// event carries, else the root sampler), gives a sampled one a span id, and labels the
// goroutine for pprof. It neither allocates nor creates SDK spans.
func (t *Tracer) DispatchBegin(d *observe.Dispatch) {
	ws := t.worker(d.Worker)
	if ws == nil {
		return
	}
	if t.cfg.labels {
		ws.setLabels(d.Process, d.Name)
	}
	a := &ws.cur
	// An unsampled dispatch sets only what DispatchEnd, MessageSend and Event read of
	// it; a sampled one starts from a clean record.
	a.sampled, a.fwd = false, nil
	d.Span = ws
	var parent spanContext
	hasParent := false
	if d.Header != nil {
		if tp, ok := d.Header[headerTraceparent]; ok {
			parent, hasParent = ws.parent(tp)
		}
	}
	if hasParent {
		if !t.sampler.child(parent) {
			a.fwd = d.Header
			return
		}
		*a = active{sampled: true, parent: parent.spanID, remote: true, traceState: d.Header[headerTracestate]}
		a.sc.traceID = parent.traceID
	} else {
		if t.sampler.never() {
			return
		}
		var tid [16]byte
		newTraceID(&tid)
		if !t.sampler.root(&tid) {
			a.fwd = t.unsampled
			return
		}
		*a = active{sampled: true}
		a.sc.traceID = tid
	}
	a.sc.flags = flagSampled
	newSpanID(&a.sc.spanID)
	a.begin = d.Begin
	if a.begin == 0 {
		a.begin = t.nanotime()
	}
}

// DispatchEnd stores a sampled dispatch as one record in the worker's ring, counting it
// as dropped when the ring is full, and clears the goroutine's pprof labels.
func (t *Tracer) DispatchEnd(d *observe.Dispatch) {
	if t.cfg.labels {
		clearLabels()
	}
	ws, ok := d.Span.(*workerState)
	if !ok {
		return
	}
	a := &ws.cur
	if !a.sampled {
		a.fwd = nil
		return
	}
	r := ws.ring.slot()
	if r == nil {
		t.dropped.Add(1)
		a.events = nil
		return
	}
	end := d.End
	if end == 0 {
		end = t.nanotime()
	}
	*r = record{
		sc: a.sc, parent: a.parent, remote: a.remote, kind: d.Kind, worker: int32(d.Worker),
		process: d.Process, name: d.Name, from: d.From, traceState: a.traceState,
		enqueued: d.Enqueued, begin: a.begin, end: end, handler: d.Handler, events: a.events,
	}
	if ws.ring.publish() {
		t.wakeExporter()
	}
	a.events, a.tp, a.traceState = nil, "", ""
}

// MessageSend injects the sending dispatch's context as W3C traceparent (and
// tracestate) into the message's header. A sampled dispatch sends its own span as the
// parent; an unsampled one forwards what it received (or, for a root, a traceparent
// with the sampled flag clear) so that the whole chain stays unsampled. A send made
// outside any dispatch carries nothing: the receiving dispatch starts a trace.
func (t *Tracer) MessageSend(parent *observe.Dispatch, m *observe.Message) {
	if parent == nil {
		return
	}
	ws, ok := parent.Span.(*workerState)
	if !ok {
		return
	}
	a := &ws.cur
	if !a.sampled {
		if a.fwd == nil {
			return
		}
		if m.Header == nil {
			m.Header = a.fwd // shared and read-only: never written by this package
			return
		}
		m.Header[headerTraceparent] = a.fwd[headerTraceparent]
		return
	}
	if a.tp == "" {
		a.tp = formatTraceparent(a.sc)
	}
	tp := a.tp
	if a.child != ([8]byte{}) && launchesTask(m.Name) {
		// The task span opened in this dispatch (TASK_STAGING) is the parent of the
		// message that launches it, so ACCEPT → task → the agent's RunTaskMessage
		// handler is one chain.
		tp = formatTraceparent(spanContext{traceID: a.sc.traceID, spanID: a.child, flags: flagSampled})
		a.child = [8]byte{}
	}
	if m.Header == nil {
		m.Header = make(observe.Header, 2)
	}
	m.Header[headerTraceparent] = tp
	if a.traceState != "" {
		m.Header[headerTracestate] = a.traceState
	}
}

// Event attaches a point event to the dispatch it happened in (a span event, or a child
// span for the types given to WithEventSpans). An event outside any dispatch becomes a
// short span of its own, sampled as a root.
//
// The events that offer, task and container spans are made of (offer.created,
// offer.closed, task.state, container.state, container.terminated) also reach the
// exporter goroutine from unsampled dispatches, without a span of their own, so a span
// opened in a sampled dispatch is closed whichever dispatch closes it. A task's
// TASK_STAGING in a sampled dispatch gets its span id here, for MessageSend.
func (t *Tracer) Event(parent *observe.Dispatch, e observe.Event) {
	lc := lifecycleEvent(e.Type)
	if parent != nil {
		if ws, ok := parent.Span.(*workerState); ok {
			a := &ws.cur
			if !a.sampled {
				if lc && t.forwardUnsampled() {
					t.pushShared(record{kind: kindLifecycle, process: parent.Process, name: parent.Name,
						begin: t.nanotime(), events: []pointEvent{copyEvent(e)}})
				}
				return
			}
			pe := copyEvent(e)
			if lc {
				t.sawLifecycle()
				if e.Type == EventTaskState && pe.get(AttrTaskState) == taskStaging {
					newSpanID(&pe.spanID)
					if a.child == ([8]byte{}) {
						a.child = pe.spanID
					}
				}
			}
			a.events = append(a.events, pe)
			return
		}
	}
	// parent.Process is not used below: a parent with no Span is a stale record
	// (Initialize runs outside DispatchBegin/End), so it may name another process.
	var tid [16]byte
	newTraceID(&tid)
	if t.sampler.never() || !t.sampler.root(&tid) {
		if lc && t.forwardUnsampled() {
			t.pushShared(record{kind: kindLifecycle, begin: t.nanotime(), events: []pointEvent{copyEvent(e)}})
		}
		return
	}
	if lc {
		t.sawLifecycle()
	}
	rec := record{sc: spanContext{traceID: tid, flags: flagSampled}, kind: kindEvent, begin: t.nanotime(),
		events: []pointEvent{copyEvent(e)}}
	newSpanID(&rec.sc.spanID)
	t.pushShared(rec)
}

// copyEvent copies e off the caller's attribute slice.
func copyEvent(e observe.Event) pointEvent {
	return pointEvent{typ: e.Type, time: e.Time, attrs: append([]observe.Attr(nil), e.Attrs...)}
}

// pushShared stores a record made outside the worker rings (an event outside any
// dispatch, or a lifecycle event of an unsampled one), counting it when the ring is full.
func (t *Tracer) pushShared(rec record) {
	t.sharedMu.Lock()
	r := t.shared.slot()
	if r != nil {
		*r = rec
		if t.shared.publish() {
			t.wakeExporter()
		}
	}
	t.sharedMu.Unlock()
	if r == nil {
		t.dropped.Add(1)
	}
}

// forwardUnsampled reports whether lifecycle events of unsampled dispatches must reach
// the exporter goroutine: whenever a root can be sampled, and once a lifecycle span may
// have been opened under a sampled remote parent. With sampling off, nothing is sent.
func (t *Tracer) forwardUnsampled() bool {
	return !t.sampler.never() || t.lifecycleSeen.Load()
}

// sawLifecycle notes that a sampled dispatch recorded a lifecycle event.
func (t *Tracer) sawLifecycle() {
	if !t.lifecycleSeen.Load() {
		t.lifecycleSeen.Store(true)
	}
}

// Record kinds beyond libprocess's five.
const (
	// kindEvent marks a record that is a point event with no dispatch around it: a
	// zero-length span of its own.
	kindEvent observe.Kind = 0xff
	// kindLifecycle marks a lifecycle event of an unsampled dispatch: it updates offer,
	// task and container spans but is no span itself.
	kindLifecycle observe.Kind = 0xfe
)

func newTraceID(id *[16]byte) {
	for *id == ([16]byte{}) {
		binary.BigEndian.PutUint64(id[:8], rand.Uint64())
		binary.BigEndian.PutUint64(id[8:], rand.Uint64())
	}
}

func newSpanID(id *[8]byte) {
	for *id == ([8]byte{}) {
		binary.BigEndian.PutUint64(id[:], rand.Uint64())
	}
}
