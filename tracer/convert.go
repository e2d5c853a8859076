package tracer

import (
	"context"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// Span attribute keys.
const (
	AttrProcessID      = "mesos.process.id"      // full process id, "slave-observer(3)"
	AttrEventType      = "mesos.event.type"      // MESSAGE, DISPATCH, HTTP, EXITED, TERMINATE
	AttrEventName      = "mesos.event.name"      // message, dispatch or route name
	AttrFrom           = "mesos.message.from"    // sender PID
	AttrQueueWait      = "mesos.queue.wait_ns"   // time the event waited in the process's queue
	AttrWorker         = "mesos.worker"          // index of the worker goroutine
	AttrSourcePath     = "mesos.source.path"     // Mesos 1.11.0 file the event's handler models
	AttrSourceFunction = "mesos.source.function" // Mesos 1.11.0 function the event's handler models
)

// converter turns records into SDK spans; only the exporter goroutine (holding
// drainMu) uses it.
type converter struct {
	t       *Tracer
	preset  *preset
	base    context.Context
	attrs   []attribute.KeyValue
	names   map[convKey]convInfo
	evAttrs []attribute.KeyValue
	code    codeLocs
	lc      lifecycles
}

type convKey struct {
	process string
	kind    observe.Kind
	name    string
}

// convInfo is what the converter caches per (process, kind, name).
type convInfo struct {
	span   string
	source Source
	known  bool
}

func (c *converter) init(t *Tracer) {
	c.t = t
	c.preset = &preset{}
	c.base = context.WithValue(context.Background(), presetKey{}, c.preset)
	c.names = map[convKey]convInfo{}
	c.code = newCodeLocs()
	c.lc.init(c)
}

func (c *converter) info(r *record) convInfo {
	k := convKey{r.process, r.kind, r.name}
	if in, ok := c.names[k]; ok {
		return in
	}
	if len(c.names) >= maxLabelCache {
		clear(c.names)
	}
	in := convInfo{span: spanName(r.process, r.kind, r.name)}
	in.source, in.known = lookupSource(r.process, r.kind, r.name)
	c.names[k] = in
	return in
}

// emit turns one record into an SDK span (plus an allocation cycle's span and child
// spans for WithEventSpans types), and queues its lifecycle events.
func (c *converter) emit(r *record) {
	t := c.t
	if r.kind == kindLifecycle {
		for _, e := range r.events {
			c.lc.add(r, e)
		}
		return
	}
	c.preset.tid, c.preset.sid = r.sc.traceID, r.sc.spanID
	ctx := c.base
	if r.parent != ([8]byte{}) {
		ts, _ := trace.ParseTraceState(r.traceState)
		ctx = trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{
			TraceID: r.sc.traceID, SpanID: r.parent, TraceFlags: trace.FlagsSampled,
			TraceState: ts, Remote: r.remote,
		}))
	}
	if r.kind == kindEvent {
		e := r.events[0]
		at := time.Unix(0, e.time)
		c.attrs = append(c.attrs[:0], c.eventAttrs(e)...)
		_, span := t.otel.Start(ctx, e.typ, trace.WithTimestamp(at), trace.WithAttributes(c.attrs...))
		span.End(trace.WithTimestamp(at))
		t.spans.Add(1)
		if lifecycleEvent(e.typ) {
			c.lc.add(r, e)
		}
		return
	}
	in := c.info(r)
	c.attrs = append(c.attrs[:0],
		attribute.String(AttrProcessID, r.process),
		attribute.String(AttrEventType, r.kind.String()),
		attribute.String(AttrEventName, r.name),
		attribute.Int(AttrWorker, int(r.worker)),
	)
	if r.enqueued > 0 && r.begin >= r.enqueued {
		c.attrs = append(c.attrs, attribute.Int64(AttrQueueWait, r.begin-r.enqueued))
	}
	if r.from != "" {
		c.attrs = append(c.attrs, attribute.String(AttrFrom, r.from))
	}
	if in.known {
		c.attrs = append(c.attrs,
			attribute.String(AttrSourcePath, in.source.Path),
			attribute.String(AttrSourceFunction, in.source.Function))
	}
	if loc, ok := c.code.resolve(r.handler); ok {
		if c.code.loadErr != nil && !c.code.logged {
			c.code.logged = true
			t.log.Info("tracer: method handlers get code.function.name without code.file.path and code.line.number", "err", c.code.loadErr)
		}
		c.attrs = append(c.attrs, attribute.String(AttrCodeFunction, loc.function))
		if loc.file != "" {
			c.attrs = append(c.attrs, attribute.String(AttrCodeFile, loc.file), attribute.Int(AttrCodeLine, loc.line))
		}
	}
	kind := trace.SpanKindInternal
	switch r.kind {
	case observe.KindMessage:
		kind = trace.SpanKindConsumer
	case observe.KindHTTP:
		kind = trace.SpanKindServer
	}
	// Attributes are set on the span rather than passed to Start, which would copy
	// them once more into the start configuration (the sampler does not need them).
	sctx, span := t.otel.Start(ctx, in.span, trace.WithTimestamp(t.wall(r.begin)), trace.WithSpanKind(kind))
	span.SetAttributes(c.attrs...)
	var cycle trace.Span // the allocation cycle the next decisions belong to
	var cycleEnd time.Time
	for _, e := range r.events {
		at := time.Unix(0, e.time)
		if lifecycleEvent(e.typ) {
			c.lc.add(r, e)
		}
		switch {
		case e.typ == EventAllocationCycle:
			if cycle != nil {
				cycle.End(trace.WithTimestamp(cycleEnd))
				t.spans.Add(1)
			}
			cycle, cycleEnd = c.cycleSpan(sctx, r, e), at
			continue
		case e.typ == EventAllocationDecision && cycle != nil:
			cycle.AddEvent(e.typ, trace.WithTimestamp(at), trace.WithAttributes(c.eventAttrs(e)...))
			continue
		case !t.cfg.eventSpans[e.typ]:
			span.AddEvent(e.typ, trace.WithTimestamp(at), trace.WithAttributes(c.eventAttrs(e)...))
			continue
		}
		start := at
		if d := e.get("duration_ns"); d != "" {
			if ns, err := strconv.ParseInt(d, 10, 64); err == nil && ns > 0 {
				start = at.Add(-time.Duration(ns))
			}
		}
		c.preset.sid = [8]byte{}
		newSpanID(&c.preset.sid)
		_, child := t.otel.Start(sctx, processKind(r.process)+" "+e.typ, trace.WithTimestamp(start),
			trace.WithAttributes(c.eventAttrs(e)...))
		child.End(trace.WithTimestamp(at))
		t.spans.Add(1)
	}
	if cycle != nil {
		cycle.End(trace.WithTimestamp(cycleEnd))
		t.spans.Add(1)
	}
	span.End(trace.WithTimestamp(t.wall(r.end)))
	t.spans.Add(1)
}

func (c *converter) eventAttrs(e pointEvent) []attribute.KeyValue {
	c.evAttrs = c.evAttrs[:0]
	for _, a := range e.attrs {
		c.evAttrs = append(c.evAttrs, attribute.String(a.Key, a.Value))
	}
	return c.evAttrs
}

// preset carries the ids the hot path chose for the span being converted.
type preset struct {
	tid [16]byte
	sid [8]byte
}

type presetKey struct{}

func presetFrom(ctx context.Context) (*preset, bool) {
	p, ok := ctx.Value(presetKey{}).(*preset)
	return p, ok
}

// presetIDs is the SDK's IDGenerator: it returns the ids the hot path chose when the
// context carries them, and random ids otherwise (spans started through Provider).
type presetIDs struct{}

func (presetIDs) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	if p, ok := presetFrom(ctx); ok {
		return p.tid, p.sid
	}
	var tid [16]byte
	var sid [8]byte
	newTraceID(&tid)
	newSpanID(&sid)
	return tid, sid
}

func (presetIDs) NewSpanID(ctx context.Context, _ trace.TraceID) trace.SpanID {
	if p, ok := presetFrom(ctx); ok {
		return p.sid
	}
	var sid [8]byte
	newSpanID(&sid)
	return sid
}

// presetSampler samples every converted record (the hot path already decided) and
// defers to the configured sampler for spans started through Provider.
type presetSampler struct{ fallback sdktrace.Sampler }

func (s presetSampler) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	if _, ok := presetFrom(p.ParentContext); ok {
		return sdktrace.SamplingResult{
			Decision:   sdktrace.RecordAndSample,
			Tracestate: trace.SpanContextFromContext(p.ParentContext).TraceState(),
		}
	}
	return s.fallback.ShouldSample(p)
}

func (s presetSampler) Description() string { return "mesoscope{" + s.fallback.Description() + "}" }

// sdkSampler is the SDK sampler equivalent to s.
func sdkSampler(s sampler) sdktrace.Sampler {
	var base sdktrace.Sampler
	switch {
	case s.bound == 1<<63:
		base = sdktrace.AlwaysSample()
	case s.bound == 0:
		base = sdktrace.NeverSample()
	default:
		base = sdktrace.TraceIDRatioBased(s.ratio)
	}
	if s.parentBased {
		return sdktrace.ParentBased(base)
	}
	return base
}
