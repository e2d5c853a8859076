package walkthroughs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/tracer"
)

// traceMemory is how many spans each tracer keeps; a tour makes a few thousand.
const traceMemory = 200000

// maxTraceSpans bounds the spans one step's trace shows.
const maxTraceSpans = 60

// runtimeTracer is the tracer of one runtime a session started (Options.Trace).
type runtimeTracer struct {
	name string // "runtime", "allocator", "master"
	tr   *tracer.Tracer
	seen uint64 // spans already shown
}

// observer returns the observer a new runtime called name gets: base, plus a tracer
// when the session traces. attach must be called with the runtime once it exists.
func (s *Session) observer(name string, base observe.Observer) (obs observe.Observer, attach func(*process.Runtime), err error) {
	if !s.trace {
		return base, func(*process.Runtime) {}, nil
	}
	tr, err := tracer.New(
		tracer.WithServiceName("mesoscope-walk-"+name),
		tracer.WithEnv(func(string) string { return "" }), // no exporters but the memory
		tracer.WithSampler("always_on", ""),
		tracer.WithMemory(traceMemory),
		tracer.WithPprofLabels(false),
		tracer.WithLogger(s.logger),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("trace: %w", err)
	}
	rtr := &runtimeTracer{name: name, tr: tr}
	s.tracers = append(s.tracers, rtr)
	return observe.Multi(base, tr), func(rt *process.Runtime) { _ = tr.Attach(rt) }, nil
}

// Trace returns the spans recorded since the last call, from every runtime the
// session started, as indented trees: each dispatch a process handled, under the
// dispatch that sent its event; with the process, the event, the sender and the Go
// and Mesos functions that handled it. Durations are left out (they are wall-clock
// times, different on every run). It returns "" when the session does not trace.
func (s *Session) Trace() (string, error) {
	if !s.trace {
		return "", nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	var out []string
	total := 0
	for _, rt := range s.tracers {
		if err := rt.tr.Flush(ctx); err != nil {
			return "", err
		}
		mem := rt.tr.Memory()
		n := mem.Total()
		fresh := int(n - rt.seen)
		rt.seen = n
		if fresh <= 0 {
			continue
		}
		spans := mem.Spans()
		spans = slices.DeleteFunc(spans[max(0, len(spans)-fresh):], func(sp tracer.SpanData) bool {
			return sp.Attributes[tracer.AttrEventName] == syncName // the tour's own barriers
		})
		if len(spans) == 0 {
			continue
		}
		total += len(spans)
		out = append(out, renderSpanTree(rt.name, spans)...)
	}
	if total == 0 {
		return "trace: no spans (nothing ran on an actor runtime in this step)", nil
	}
	head := fmt.Sprintf("trace: %d spans", total)
	return head + "\n" + strings.Join(out, "\n"), nil
}

// renderSpanTree renders spans as trees, children under their parents, in start
// order; at most maxTraceSpans lines per runtime.
func renderSpanTree(runtime string, spans []tracer.SpanData) []string {
	byID := map[string]bool{}
	for _, sp := range spans {
		byID[sp.SpanID] = true
	}
	children := map[string][]tracer.SpanData{}
	var roots []tracer.SpanData
	for _, sp := range spans {
		if sp.ParentSpanID != "" && byID[sp.ParentSpanID] {
			children[sp.ParentSpanID] = append(children[sp.ParentSpanID], sp)
		} else {
			roots = append(roots, sp)
		}
	}
	byStart := func(a, b tracer.SpanData) int {
		return cmp.Or(cmp.Compare(a.StartUnixNano, b.StartUnixNano), strings.Compare(a.Name, b.Name))
	}
	slices.SortStableFunc(roots, byStart)
	out := []string{"  " + runtime + ":"}
	shown := 0
	var walk func(sp tracer.SpanData, depth int)
	walk = func(sp tracer.SpanData, depth int) {
		if shown == maxTraceSpans {
			return
		}
		shown++
		out = append(out, strings.Repeat("  ", depth+2)+describeSpan(sp))
		kids := children[sp.SpanID]
		slices.SortStableFunc(kids, byStart)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	if shown < len(spans) {
		out = append(out, fmt.Sprintf("    … %d more spans", len(spans)-shown))
	}
	return out
}

// describeSpan is one line of a trace: the span's name and its key attributes.
func describeSpan(sp tracer.SpanData) string {
	var b strings.Builder
	b.WriteString(sp.Name)
	a := sp.Attributes
	if from := a[tracer.AttrFrom]; from != "" {
		b.WriteString("  from " + from)
	}
	if fn := a["code.function.name"]; fn != "" {
		b.WriteString("  go " + shortGoName(fn))
	}
	if fn := a[tracer.AttrSourceFunction]; fn != "" {
		b.WriteString("  models " + fn)
	}
	for _, k := range []string{"offer.outcome", "mesos.task_state", "mesos.container_state"} {
		if v := a[k]; v != "" {
			b.WriteString("  " + k + "=" + v)
		}
	}
	return b.String()
}

// shortGoName drops the module path from a Go function name.
func shortGoName(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

// closeTracers shuts the tracers down; the runtimes must be stopped first.
func (s *Session) closeTracers(ctx context.Context) error {
	var errs []error
	for _, rt := range s.tracers {
		errs = append(errs, rt.tr.Shutdown(ctx))
	}
	s.tracers = nil
	return errors.Join(errs...)
}
