package tracer

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// Point event types the lifecycle spans are made of (emitted by embedded/master,
// embedded/agent, embedded/allocator and embedded/containerizer).
const (
	EventOfferCreated        = "offer.created"        // master: an offer was sent
	EventOfferClosed         = "offer.closed"         // master: accepted, declined or rescinded
	EventTaskState           = "task.state"           // master or agent: a task entered a state
	EventContainerState      = "container.state"      // containerizer: a container changed state
	EventContainerTerminated = "container.terminated" // containerizer: a container is gone
	EventAllocationCycle     = "allocation.cycle"     // allocator: one allocation run
	EventAllocationDecision  = "allocation.decision"  // allocator: one framework's outcome in it
)

// Attribute keys of the lifecycle events and spans (the mesos.* keys are those the
// embedded Mesos puts on its events).
const (
	AttrOfferID         = "mesos.offer_id"
	AttrFrameworkID     = "mesos.framework_id"
	AttrAgentID         = "mesos.agent_id"
	AttrTaskID          = "mesos.task_id"
	AttrTaskState       = "mesos.task_state"
	AttrReason          = "mesos.reason"
	AttrContainerID     = "mesos.container_id"
	AttrContainerState  = "mesos.container_state"               // the state entered
	AttrContainerFrom   = "mesos.container_state_from"          // the state left
	AttrContainerTime   = "mesos.container_state_time"          // RFC 3339 time of the move
	AttrContainerSince  = "mesos.container_state_from_duration" // time spent in the state left
	AttrOfferOutcome    = "offer.outcome"                       // accepted, declined, rescinded, timed_out, outstanding
	AttrOfferRefuse     = "offer.refuse_seconds"                // the filter an ACCEPT or DECLINE set on what it left
	AttrOutstanding     = "mesoscope.outstanding"               // a task or container still open at shutdown
	AttrAllocationDurMs = "allocation.duration_ms"              // how long the allocation cycle ran
	AttrAllocationDRF   = "allocation.drf_order"                // the roles in DRF order, when the allocator gives it
	AttrLinkReason      = "mesoscope.link"                      // on a link: why the span links there
)

const (
	taskStaging          = "TASK_STAGING"          // mesos.proto TaskState
	maxOpenLifecycle     = 1 << 16                 // open spans of each kind before new ones are dropped
	maxLinks             = 32                      // links of one task span (its status updates' dispatches)
	lifecycleMargin      = int64(time.Millisecond) // clock slack of the reorder cut-off
	outcomeOutstanding   = "outstanding"           // offer.outcome of offers open at shutdown
	containerStatePrefix = "container "            // "container RUNNING"
	cycleSpanSuffix      = " allocation cycle"     // "allocator allocation cycle"
)

// lifecycleEvent reports whether events of type typ feed offer, task or container spans.
func lifecycleEvent(typ string) bool {
	switch typ {
	case EventOfferCreated, EventOfferClosed, EventTaskState, EventContainerState, EventContainerTerminated:
		return true
	}
	return false
}

// launchesTask reports whether a message sent by the master launches the task (group)
// whose span the dispatch opened.
func launchesTask(name string) bool {
	return name == mesos.RunTaskMessageName || name == mesos.RunTaskGroupMessageName
}

// taskTerminal reports whether a task state name is terminal (protobuf::isTerminalState).
func taskTerminal(state string) bool {
	var s mesos.TaskState
	return s.UnmarshalText([]byte(state)) == nil && s.IsTerminal()
}

// lcEvent is a lifecycle event waiting to be applied, with the dispatch it happened in.
type lcEvent struct {
	order   int64  // the dispatch's begin (or the event's time outside a sampled dispatch), monotonic ns
	seq     uint64 // arrival order, for equal orders
	sampled bool   // sc is a sampled span (the dispatch's, or the event's own)
	sc      spanContext
	process string // the dispatch's process id ("" when unknown)
	name    string // the dispatch's event name
	ev      pointEvent
}

// lcSpan is an offer, task or container span (or a container state) being built: the
// SDK span is created when it ends, with the ids chosen when it began.
type lcSpan struct {
	name   string
	tid    [16]byte
	sid    [8]byte
	parent [8]byte
	start  time.Time
	attrs  []attribute.KeyValue
	events []lcSpanEvent
	links  []trace.Link
}

type lcSpanEvent struct {
	name  string
	at    time.Time
	attrs []attribute.KeyValue
}

// taskSpan is an open task span.
type taskSpan struct {
	lcSpan
	state, reason string
}

// containerSpan is an open container span, or a tombstone (sampled false) for a
// container first seen in an unsampled dispatch, whose later events are ignored.
type containerSpan struct {
	lcSpan
	sampled bool
	state   string    // the current state
	entered time.Time // when it entered it
}

// lifecycles builds offer, task and container spans out of lifecycle events. Only the
// exporter goroutine (holding drainMu) uses it.
//
// Events of one entity come from different dispatches, on different workers, so they
// arrive through different rings and a drain may see a later one first. Every event
// is therefore queued with its dispatch's begin time and applied in that order, and a
// periodic drain applies only events that began before the previous drain started:
// anything that causally precedes them (a dispatch that ended before they began) was
// published by then, so the previous drain or this one has collected it. Only a
// dispatch running longer than a flush interval can still be applied out of order; the
// state machines then ignore what they cannot place.
type lifecycles struct {
	c          *converter
	queue      []lcEvent
	seq        uint64
	prev       int64 // monotonic ns at which the previous drain began
	offers     map[string]*lcSpan
	tasks      map[string]*taskSpan
	containers map[string]*containerSpan
}

func (l *lifecycles) init(c *converter) {
	l.c = c
	l.offers = map[string]*lcSpan{}
	l.tasks = map[string]*taskSpan{}
	l.containers = map[string]*containerSpan{}
}

// cutoff returns the order below which queued events may be applied by a drain
// beginning at now (monotonic ns), and remembers now for the next drain.
func (l *lifecycles) cutoff(now int64, final bool) int64 {
	c := l.prev - lifecycleMargin
	l.prev = now
	if final {
		return math.MaxInt64
	}
	return c
}

// add queues a lifecycle event of record r (its dispatch, or the event itself).
func (l *lifecycles) add(r *record, e pointEvent) {
	l.seq++
	le := lcEvent{order: r.begin, seq: l.seq, process: r.process, name: r.name, ev: e}
	if r.kind != kindLifecycle {
		le.sampled, le.sc = true, r.sc
	}
	l.queue = append(l.queue, le)
}

// apply applies, in order, the queued events ordered before cutoff.
func (l *lifecycles) apply(cutoff int64) {
	if len(l.queue) == 0 {
		return
	}
	slices.SortFunc(l.queue, func(a, b lcEvent) int {
		if c := cmp.Compare(a.order, b.order); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	n := 0
	for n < len(l.queue) && l.queue[n].order < cutoff {
		l.applyOne(&l.queue[n])
		n++
	}
	rest := copy(l.queue, l.queue[n:])
	clear(l.queue[rest:])
	l.queue = l.queue[:rest]
}

func (l *lifecycles) applyOne(e *lcEvent) {
	switch e.ev.typ {
	case EventOfferCreated:
		l.offerCreated(e)
	case EventOfferClosed:
		l.offerClosed(e)
	case EventTaskState:
		l.taskState(e)
	case EventContainerState:
		l.containerState(e)
	case EventContainerTerminated:
		l.containerTerminated(e)
	}
}

// full counts a lifecycle span that is not opened because too many are open.
func (l *lifecycles) full(n int) bool {
	if n < maxOpenLifecycle {
		return false
	}
	l.c.t.dropped.Add(1)
	return true
}

// offerCreated opens an offer span, a child of the dispatch that made the offer
// (Master::offer).
func (l *lifecycles) offerCreated(e *lcEvent) {
	id := e.ev.get(AttrOfferID)
	if !e.sampled || id == "" || l.offers[id] != nil || l.full(len(l.offers)) {
		return
	}
	s := &lcSpan{name: "offer", tid: e.sc.traceID, parent: e.sc.spanID, start: time.Unix(0, e.ev.time),
		attrs: stringAttrs(nil, e.ev)}
	newSpanID(&s.sid)
	l.offers[id] = s
}

// offerClosed ends an offer span: its outcome, a link to the dispatch that accepted,
// declined or rescinded it (when that one is sampled), and an event naming it.
func (l *lifecycles) offerClosed(e *lcEvent) {
	id := e.ev.get(AttrOfferID)
	s := l.offers[id]
	if s == nil {
		return
	}
	delete(l.offers, id)
	at := time.Unix(0, e.ev.time)
	s.attrs = append(s.attrs, attribute.String(AttrOfferOutcome, e.ev.get(AttrOfferOutcome)))
	if refuse := e.ev.get(AttrOfferRefuse); refuse != "" {
		if v, err := strconv.ParseFloat(refuse, 64); err == nil {
			s.attrs = append(s.attrs, attribute.Float64(AttrOfferRefuse, v))
		}
	}
	s.events = append(s.events, lcSpanEvent{name: EventOfferClosed, at: at, attrs: dispatchAttrs(e)})
	if e.sampled {
		s.links = append(s.links, link(e.sc, EventOfferClosed))
	}
	l.c.endSpan(s, at)
}

// taskState opens a task span at the master's TASK_STAGING (a child of the dispatch
// handling the ACCEPT, with the id the hot path chose), adds every state the master or
// an agent reports as an event (linking the reporting dispatch), and ends it at the
// master's terminal state (Master::updateTask).
func (l *lifecycles) taskState(e *lcEvent) {
	key := e.ev.get(AttrFrameworkID) + "\x00" + e.ev.get(AttrTaskID)
	state := e.ev.get(AttrTaskState)
	master := fromMaster(e)
	at := time.Unix(0, e.ev.time)
	ts := l.tasks[key]
	if ts == nil {
		if !master || state != taskStaging || !e.sampled || l.full(len(l.tasks)) {
			return
		}
		ts = &taskSpan{lcSpan: lcSpan{name: "task", tid: e.sc.traceID, parent: e.sc.spanID, sid: e.ev.spanID, start: at}}
		if ts.sid == ([8]byte{}) {
			newSpanID(&ts.sid)
		}
		for _, k := range []string{AttrTaskID, AttrFrameworkID, AttrAgentID} {
			if v := e.ev.get(k); v != "" {
				ts.attrs = append(ts.attrs, attribute.String(k, v))
			}
		}
		l.tasks[key] = ts
	} else if e.sampled && len(ts.links) < maxLinks {
		ts.links = append(ts.links, link(e.sc, EventTaskState))
	}
	ts.events = append(ts.events, lcSpanEvent{name: state, at: at, attrs: append(stringAttrs(nil, e.ev), dispatchAttrs(e)...)})
	ts.state = state
	if r := e.ev.get(AttrReason); r != "" {
		ts.reason = r
	}
	if master && taskTerminal(state) {
		delete(l.tasks, key)
		l.endTask(ts, at, false)
	}
}

func (l *lifecycles) endTask(ts *taskSpan, at time.Time, outstanding bool) {
	ts.attrs = append(ts.attrs, attribute.String(AttrTaskState, ts.state))
	if ts.reason != "" {
		ts.attrs = append(ts.attrs, attribute.String(AttrReason, ts.reason))
	}
	if outstanding {
		ts.attrs = append(ts.attrs, attribute.Bool(AttrOutstanding, true))
	}
	l.c.endSpan(&ts.lcSpan, at)
}

// fromMaster reports whether a task.state event is the master's: its process, or when
// the process is not known, the agent id only the master's events carry.
func fromMaster(e *lcEvent) bool {
	if e.process != "" {
		return processKind(e.process) == "master"
	}
	return e.ev.get(AttrAgentID) != ""
}

// containerState handles a move of a container (MesosContainerizerProcess::transition):
// the first one seen opens the container span, starting when the container entered the
// state it leaves; each ends the current state's child span and begins the next.
func (l *lifecycles) containerState(e *lcEvent) {
	id := e.ev.get(AttrContainerID)
	if id == "" {
		return
	}
	at := time.Unix(0, e.ev.time)
	if v := e.ev.get(AttrContainerTime); v != "" {
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			at = t
		}
	}
	cs := l.containers[id]
	if cs == nil {
		if l.full(len(l.containers)) {
			return
		}
		cs = &containerSpan{sampled: e.sampled}
		l.containers[id] = cs
		if !e.sampled {
			return // a tombstone until the container terminates
		}
		start := at
		if d, err := time.ParseDuration(e.ev.get(AttrContainerSince)); err == nil && d > 0 {
			start = at.Add(-d)
		}
		cs.lcSpan = lcSpan{name: "container", tid: e.sc.traceID, parent: e.sc.spanID, start: start,
			attrs: []attribute.KeyValue{attribute.String(AttrContainerID, id)}}
		newSpanID(&cs.sid)
		cs.state, cs.entered = e.ev.get(AttrContainerFrom), start
	}
	if !cs.sampled {
		return
	}
	l.endContainerState(cs, id, at)
	cs.state, cs.entered = e.ev.get(AttrContainerState), at
}

// endContainerState ends the child span of the container's current state.
func (l *lifecycles) endContainerState(cs *containerSpan, id string, at time.Time) {
	if cs.state == "" {
		return
	}
	child := &lcSpan{name: containerStatePrefix + cs.state, tid: cs.tid, parent: cs.sid, start: cs.entered,
		attrs: []attribute.KeyValue{attribute.String(AttrContainerID, id), attribute.String(AttrContainerState, cs.state)}}
	newSpanID(&child.sid)
	l.c.endSpan(child, at)
}

// containerTerminated ends the container span with how it terminated.
func (l *lifecycles) containerTerminated(e *lcEvent) {
	id := e.ev.get(AttrContainerID)
	cs := l.containers[id]
	if cs == nil {
		return
	}
	delete(l.containers, id)
	if !cs.sampled {
		return
	}
	at := time.Unix(0, e.ev.time)
	if at.Before(cs.entered) {
		at = cs.entered // the containerizer's clock and the runtime's may differ
	}
	l.endContainerState(cs, id, at)
	cs.attrs = append(cs.attrs, attribute.String(AttrContainerState, cs.state))
	for _, a := range e.ev.attrs {
		if a.Key != AttrContainerID && a.Value != "" {
			cs.attrs = append(cs.attrs, attribute.String(a.Key, a.Value))
		}
	}
	l.c.endSpan(&cs.lcSpan, at)
}

// closeAll ends every span still open, at now: offers as outstanding, tasks and
// containers marked mesoscope.outstanding.
func (l *lifecycles) closeAll(now time.Time) {
	for _, id := range sortedKeys(l.offers) {
		s := l.offers[id]
		s.attrs = append(s.attrs, attribute.String(AttrOfferOutcome, outcomeOutstanding))
		l.c.endSpan(s, now)
	}
	for _, k := range sortedKeys(l.tasks) {
		l.endTask(l.tasks[k], now, true)
	}
	for _, id := range sortedKeys(l.containers) {
		cs := l.containers[id]
		if !cs.sampled {
			continue
		}
		l.endContainerState(cs, id, now)
		cs.attrs = append(cs.attrs, attribute.String(AttrContainerState, cs.state), attribute.Bool(AttrOutstanding, true))
		l.c.endSpan(&cs.lcSpan, now)
	}
	clear(l.offers)
	clear(l.tasks)
	clear(l.containers)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// stringAttrs appends the event's attributes to dst.
func stringAttrs(dst []attribute.KeyValue, e pointEvent) []attribute.KeyValue {
	for _, a := range e.attrs {
		dst = append(dst, attribute.String(a.Key, a.Value))
	}
	return dst
}

// dispatchAttrs names the dispatch an event happened in.
func dispatchAttrs(e *lcEvent) []attribute.KeyValue {
	if e.process == "" {
		return nil
	}
	return []attribute.KeyValue{attribute.String(AttrProcessID, e.process), attribute.String(AttrEventName, e.name)}
}

func link(sc spanContext, why string) trace.Link {
	return trace.Link{
		SpanContext: trace.NewSpanContext(trace.SpanContextConfig{TraceID: sc.traceID, SpanID: sc.spanID, TraceFlags: trace.FlagsSampled}),
		Attributes:  []attribute.KeyValue{attribute.String(AttrLinkReason, why)},
	}
}

// endSpan creates the SDK span of s, with the ids chosen when it began, and ends it.
func (c *converter) endSpan(s *lcSpan, end time.Time) {
	c.preset.tid, c.preset.sid = s.tid, s.sid
	ctx := c.base
	if s.parent != ([8]byte{}) {
		ctx = trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: s.tid, SpanID: s.parent, TraceFlags: trace.FlagsSampled,
		}))
	}
	if end.Before(s.start) {
		end = s.start
	}
	_, span := c.t.otel.Start(ctx, s.name, trace.WithTimestamp(s.start), trace.WithAttributes(s.attrs...),
		trace.WithLinks(s.links...))
	for _, e := range s.events {
		span.AddEvent(e.name, trace.WithTimestamp(e.at), trace.WithAttributes(e.attrs...))
	}
	span.End(trace.WithTimestamp(end))
	c.t.spans.Add(1)
}

// cycleSpan is an allocation cycle (HierarchicalAllocatorProcess::_generateOffers) as a
// child of its dispatch: it ends at the allocation.cycle event and lasts the cycle's
// allocation.duration_ms; the allocation.decision events that follow it in the
// dispatch become its span events.
func (c *converter) cycleSpan(parent context.Context, r *record, e pointEvent) trace.Span {
	at := time.Unix(0, e.time)
	start := at
	if v := e.get(AttrAllocationDurMs); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < 1e9 {
			start = at.Add(-time.Duration(ms * 1e6))
		}
	}
	c.preset.sid = [8]byte{}
	newSpanID(&c.preset.sid)
	_, span := c.t.otel.Start(parent, processKind(r.process)+cycleSpanSuffix, trace.WithTimestamp(start),
		trace.WithAttributes(stringAttrs(nil, e)...))
	return span
}
