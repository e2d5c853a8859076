package tracer

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// hooks drives the tracer's hooks as a runtime would, with chosen workers and times.
type hooks struct {
	t    *testing.T
	tr   *Tracer
	base int64 // Unix ns of event time 0
	now  int64 // monotonic ns of the next dispatch
}

func newHooks(t *testing.T, tr *Tracer) *hooks {
	return &hooks{t: t, tr: tr, base: time.Now().UnixNano(), now: tr.nanotime()}
}

// dispatch runs one dispatch of process on worker, carrying in; body emits events and
// sends from it. It returns the dispatch's span id (zero when unsampled).
func (h *hooks) dispatch(worker int, process, name string, in observe.Header, body func(d *observe.Dispatch)) [8]byte {
	h.now += 1000
	d := &observe.Dispatch{Process: process, Kind: observe.KindMessage, Name: name, Header: in,
		Worker: worker, Enqueued: h.now - 10, Begin: h.now}
	h.tr.DispatchBegin(d)
	var sid [8]byte
	if ws, ok := d.Span.(*workerState); ok && ws.cur.sampled {
		sid = ws.cur.sc.spanID
	}
	if body != nil {
		body(d)
	}
	d.End = h.now + 500
	h.tr.DispatchEnd(d)
	return sid
}

// event emits a point event at time at (µs after base) from inside d.
func (h *hooks) event(d *observe.Dispatch, typ string, at int64, kv ...string) {
	attrs := make([]observe.Attr, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		attrs = append(attrs, observe.Attr{Key: kv[i], Value: kv[i+1]})
	}
	h.tr.Event(d, observe.Event{Type: typ, Time: h.base + at*1000, Attrs: attrs})
}

// send sends a message from d and returns its header.
func (h *hooks) send(d *observe.Dispatch, name string) observe.Header {
	m := &observe.Message{Kind: observe.KindMessage, Name: name}
	h.tr.MessageSend(d, m)
	return m.Header
}

func spanNamed(t *testing.T, spans []sdktrace.ReadOnlySpan, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	var found sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == name {
			if found != nil {
				t.Fatalf("more than one span named %q", name)
			}
			found = s
		}
	}
	if found == nil {
		var names []string
		for _, s := range spans {
			names = append(names, s.Name())
		}
		t.Fatalf("no span named %q among %v", name, names)
	}
	return found
}

func eventNames(s sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, e := range s.Events() {
		out = append(out, e.Name)
	}
	return out
}

// The offer is created on worker 1 and closed on worker 0, so the drain meets the close
// first: the offer span still runs from creation to close, a child of the creating
// dispatch, linked to the closing one.
func TestOfferSpan(t *testing.T) {
	tr, rec := newTestTracer(t)
	h := newHooks(t, tr)
	created := h.dispatch(1, "master", "offer", nil, func(d *observe.Dispatch) {
		h.event(d, EventOfferCreated, 10, AttrOfferID, "O1", AttrFrameworkID, "F1", AttrAgentID, "A1",
			"mesos.role", "web", "mesos.resources", "cpus:1")
	})
	closedBy := h.dispatch(0, "master", "POST /master/api/v1/scheduler", nil, func(d *observe.Dispatch) {
		h.event(d, EventOfferClosed, 50, AttrOfferID, "O1", AttrFrameworkID, "F1", AttrOfferOutcome, "accepted")
	})
	flush(t, tr)

	o := spanNamed(t, rec.Ended(), "offer")
	if o.Parent().SpanID() != created {
		t.Errorf("offer span parent = %s, want the creating dispatch %x", o.Parent().SpanID(), created)
	}
	if d := o.EndTime().Sub(o.StartTime()); d != 40*time.Microsecond {
		t.Errorf("offer span lasts %v, want 40µs (created at 10µs, closed at 50µs)", d)
	}
	for k, want := range map[string]string{AttrOfferID: "O1", "mesos.role": "web", "mesos.resources": "cpus:1", AttrOfferOutcome: "accepted"} {
		if got := attr(o, k); got != want {
			t.Errorf("offer span %s = %q, want %q", k, got, want)
		}
	}
	if l := o.Links(); len(l) != 1 || l[0].SpanContext.SpanID() != closedBy {
		t.Errorf("offer span links = %v, want one to the closing dispatch %x", l, closedBy)
	}
	if got := eventNames(o); !cmp.Equal(got, []string{EventOfferClosed}) {
		t.Errorf("offer span events = %v, want [offer.closed]", got)
	}
}

// Only the first dispatch is sampled (by its remote parent; roots are not): the task
// span it opens is the parent of the RunTaskMessage it sends, collects every status
// update as an event, including those of unsampled dispatches, and ends at the
// master's terminal update.
func TestTaskSpan(t *testing.T) {
	tr, rec := newTestTracer(t, WithSampler("parentbased_traceidratio", "0"))
	h := newHooks(t, tr)
	in := observe.Header{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
	task := []string{AttrTaskID, "T1", AttrFrameworkID, "F1"}
	var launch, other observe.Header
	accept := h.dispatch(0, "master", "POST /master/api/v1/scheduler", in, func(d *observe.Dispatch) {
		h.event(d, EventTaskState, 10, append(task, AttrAgentID, "A1", AttrTaskState, "TASK_STAGING")...)
		other = h.send(d, "mesos.internal.SomethingElse")
		launch = h.send(d, "mesos.internal.RunTaskMessage")
	})
	runTask := h.dispatch(1, "slave(1)", "mesos.internal.RunTaskMessage", launch, func(d *observe.Dispatch) {
		h.event(d, EventTaskState, 20, append(task, AttrTaskState, "TASK_STARTING")...)
	})
	h.dispatch(1, "slave(1)", "executorLaunched", nil, func(d *observe.Dispatch) { // unsampled root
		h.event(d, EventTaskState, 30, append(task, AttrTaskState, "TASK_RUNNING")...)
	})
	h.dispatch(0, "master", "mesos.internal.StatusUpdateMessage", nil, func(d *observe.Dispatch) {
		h.event(d, EventTaskState, 40, append(task, AttrAgentID, "A1", AttrTaskState, "TASK_RUNNING")...)
	})
	h.dispatch(1, "slave(1)", "executorTerminated", nil, func(d *observe.Dispatch) {
		h.event(d, EventTaskState, 50, append(task, AttrTaskState, "TASK_FINISHED")...)
	})
	h.dispatch(0, "master", "mesos.internal.StatusUpdateMessage", nil, func(d *observe.Dispatch) {
		h.event(d, EventTaskState, 60, append(task, AttrAgentID, "A1", AttrTaskState, "TASK_FINISHED")...)
	})
	flush(t, tr)

	spans := rec.Ended()
	ts := spanNamed(t, spans, "task")
	if ts.Parent().SpanID() != accept {
		t.Errorf("task span parent = %s, want the ACCEPT dispatch %x", ts.Parent().SpanID(), accept)
	}
	if !strings.Contains(launch["traceparent"], ts.SpanContext().SpanID().String()) {
		t.Errorf("RunTaskMessage traceparent = %q, want the task span %s as parent", launch["traceparent"], ts.SpanContext().SpanID())
	}
	if !strings.Contains(other["traceparent"], "-"+hexID(accept)+"-") {
		t.Errorf("other message's traceparent = %q, want the dispatch %x as parent", other["traceparent"], accept)
	}
	rt := spanNamed(t, spans, "slave mesos.internal.RunTaskMessage")
	if rt.Parent().SpanID() != ts.SpanContext().SpanID() || rt.SpanContext().SpanID() != runTask {
		t.Errorf("RunTaskMessage dispatch parent = %s, want the task span %s", rt.Parent().SpanID(), ts.SpanContext().SpanID())
	}
	want := []string{"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_RUNNING", "TASK_FINISHED", "TASK_FINISHED"}
	if got := eventNames(ts); !cmp.Equal(got, want) {
		t.Errorf("task span events = %v, want %v", got, want)
	}
	if got := attr(ts, AttrTaskState); got != "TASK_FINISHED" {
		t.Errorf("task span %s = %q, want TASK_FINISHED", AttrTaskState, got)
	}
	if d := ts.EndTime().Sub(ts.StartTime()); d != 50*time.Microsecond {
		t.Errorf("task span lasts %v, want 50µs (STAGING at 10µs to the master's FINISHED at 60µs)", d)
	}
	if n := len(spans); n != 3 {
		t.Errorf("%d spans, want 3 (ACCEPT, task, RunTaskMessage; the rest are unsampled)", n)
	}
	if l := ts.Links(); len(l) != 1 || l[0].SpanContext.SpanID() != runTask {
		t.Errorf("task span links = %v, want one to the sampled RunTaskMessage dispatch", l)
	}
}

func hexID(id [8]byte) string { return trace.SpanID(id).String() }

// A container's states arrive from separate dispatches on alternating workers; the
// container span starts when it entered its first state and has one child per state,
// in order, the last ending at termination.
func TestContainerSpan(t *testing.T) {
	tr, rec := newTestTracer(t)
	h := newHooks(t, tr)
	states := []string{"STARTING", "PROVISIONING", "PREPARING", "ISOLATING", "FETCHING", "RUNNING", "DESTROYING"}
	t0 := time.Unix(0, h.base).UTC()
	var first [8]byte
	for i := 1; i < len(states); i++ {
		at := t0.Add(time.Duration(i) * time.Millisecond)
		sid := h.dispatch(i%2, "mesos-containerizer(1)", "transition", nil, func(d *observe.Dispatch) {
			h.event(d, EventContainerState, int64(i)*1000, AttrContainerID, "C1", AttrContainerFrom, states[i-1],
				AttrContainerState, states[i], AttrContainerTime, at.Format(time.RFC3339Nano),
				AttrContainerSince, (time.Millisecond).String())
		})
		if i == 1 {
			first = sid
		}
	}
	h.dispatch(0, "mesos-containerizer(1)", "terminated", nil, func(d *observe.Dispatch) {
		h.event(d, EventContainerTerminated, 8000, AttrContainerID, "C1", AttrTaskState, "TASK_FINISHED", AttrReason, "")
	})
	flush(t, tr)

	spans := rec.Ended()
	c := spanNamed(t, spans, "container")
	if c.Parent().SpanID() != first {
		t.Errorf("container span parent = %s, want the first transition's dispatch %x", c.Parent().SpanID(), first)
	}
	if !c.StartTime().Equal(t0) || !c.EndTime().Equal(t0.Add(8*time.Millisecond)) {
		t.Errorf("container span = [%v, %v], want [%v, +8ms]", c.StartTime(), c.EndTime(), t0)
	}
	for k, want := range map[string]string{AttrContainerID: "C1", AttrContainerState: "DESTROYING", AttrTaskState: "TASK_FINISHED"} {
		if got := attr(c, k); got != want {
			t.Errorf("container span %s = %q, want %q", k, got, want)
		}
	}
	var children []string
	var last time.Time
	for _, s := range spans {
		if s.Parent().SpanID() != c.SpanContext().SpanID() {
			continue
		}
		if s.StartTime().Before(last) {
			t.Errorf("container state span %q starts before the previous one ended", s.Name())
		}
		last = s.EndTime()
		children = append(children, strings.TrimPrefix(s.Name(), "container "))
	}
	if !cmp.Equal(children, states) {
		t.Errorf("container state spans = %v, want %v in order", children, states)
	}
}

// Spans still open when the tracer shuts down are ended then and say so.
func TestOutstandingAtShutdown(t *testing.T) {
	tr, rec := newTestTracer(t)
	h := newHooks(t, tr)
	h.dispatch(0, "master", "offer", nil, func(d *observe.Dispatch) {
		h.event(d, EventOfferCreated, 10, AttrOfferID, "O1")
	})
	h.dispatch(0, "master", "POST /master/api/v1/scheduler", nil, func(d *observe.Dispatch) {
		h.event(d, EventTaskState, 10, AttrTaskID, "T1", AttrFrameworkID, "F1", AttrAgentID, "A1", AttrTaskState, "TASK_STAGING")
	})
	h.dispatch(0, "mesos-containerizer(1)", "transition", nil, func(d *observe.Dispatch) {
		h.event(d, EventContainerState, 10, AttrContainerID, "C1", AttrContainerFrom, "STARTING", AttrContainerState, "PROVISIONING")
	})
	flush(t, tr)
	for _, s := range rec.Ended() {
		if s.Name() == "offer" || s.Name() == "task" || s.Name() == "container" {
			t.Errorf("span %q ended before shutdown", s.Name())
		}
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := rec.Ended()
	if got := attr(spanNamed(t, spans, "offer"), AttrOfferOutcome); got != "outstanding" {
		t.Errorf("offer.outcome = %q, want outstanding", got)
	}
	for _, name := range []string{"task", "container"} {
		if got := attr(spanNamed(t, spans, name), AttrOutstanding); got != "true" {
			t.Errorf("%s span %s = %q, want true", name, AttrOutstanding, got)
		}
	}
	spanNamed(t, spans, "container PROVISIONING")
}

// lifecycles applies events in dispatch order, holding back those a periodic drain
// cannot yet be sure of, and ignores events it cannot place.
func TestLifecycleOrdering(t *testing.T) {
	tr, rec := newTestTracer(t)
	tr.drainMu.Lock()
	defer tr.drainMu.Unlock()
	l := &tr.conv.lc
	sampled := record{sc: spanContext{traceID: [16]byte{1}, spanID: [8]byte{2}, flags: flagSampled}, kind: observe.KindMessage, process: "master"}
	ev := func(typ string, kv ...string) pointEvent {
		e := pointEvent{typ: typ, time: time.Now().UnixNano()}
		for i := 0; i+1 < len(kv); i += 2 {
			e.attrs = append(e.attrs, observe.Attr{Key: kv[i], Value: kv[i+1]})
		}
		return e
	}
	at := func(begin int64, kind observe.Kind) *record {
		r := sampled
		r.begin, r.kind = begin, kind
		return &r
	}
	// The close (begun at 20) arrives first; a drain whose cut-off is 15 keeps it.
	l.add(at(20, observe.KindMessage), ev(EventOfferClosed, AttrOfferID, "O1", AttrOfferOutcome, "declined"))
	l.apply(15)
	if len(l.queue) != 1 {
		t.Fatalf("queue = %d events after a cut-off before them, want 1 held back", len(l.queue))
	}
	l.add(at(10, observe.KindMessage), ev(EventOfferCreated, AttrOfferID, "O1"))
	// Events of unknown entities, and an unsampled creation, open nothing.
	l.add(at(11, observe.KindMessage), ev(EventOfferClosed, AttrOfferID, "nope"))
	l.add(at(12, kindLifecycle), ev(EventOfferCreated, AttrOfferID, "O2"))
	l.add(at(13, observe.KindMessage), ev(EventContainerTerminated, AttrContainerID, "nope"))
	l.add(at(14, observe.KindMessage), ev(EventTaskState, AttrTaskID, "T", AttrTaskState, "TASK_RUNNING"))
	l.add(at(15, observe.KindMessage), ev(EventContainerState)) // no container id
	l.apply(math.MaxInt64)
	if len(l.queue) != 0 || len(l.offers) != 0 || len(l.tasks) != 0 || len(l.containers) != 0 {
		t.Errorf("after applying everything: queue %d, offers %d, tasks %d, containers %d; want all 0",
			len(l.queue), len(l.offers), len(l.tasks), len(l.containers))
	}
	tr.drainMu.Unlock()
	flush(t, tr)
	tr.drainMu.Lock()
	o := spanNamed(t, rec.Ended(), "offer")
	if got := attr(o, AttrOfferOutcome); got != "declined" {
		t.Errorf("offer.outcome = %q, want declined", got)
	}
	// The first cut-off is before any drain: nothing can be applied yet.
	l2 := lifecycles{}
	if c := l2.cutoff(1e9, false); c >= 0 {
		t.Errorf("first cutoff = %d, want < 0", c)
	}
	if c := l2.cutoff(2e9, false); c != 1e9-lifecycleMargin {
		t.Errorf("second cutoff = %d, want the first drain's start less the margin", c)
	}
}

func TestTaskTerminal(t *testing.T) {
	for state, want := range map[string]bool{
		"TASK_FINISHED": true, "TASK_FAILED": true, "TASK_KILLED": true, "TASK_LOST": true, "TASK_ERROR": true,
		"TASK_DROPPED": true, "TASK_GONE": true, "TASK_GONE_BY_OPERATOR": true,
		"TASK_STAGING": false, "TASK_RUNNING": false, "TASK_UNREACHABLE": false, "TASK_UNKNOWN": false, "junk": false, "": false,
	} {
		if got := taskTerminal(state); got != want {
			t.Errorf("taskTerminal(%q) = %v, want %v", state, got, want)
		}
	}
}
