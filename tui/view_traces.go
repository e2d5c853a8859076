package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

func tracesDef() viewDef {
	return viewDef{
		name: "traces", title: "Traces", aliases: []string{"tr", "spans", "sp", "trace"}, top: true,
		about:    "recent spans from mesoscope's tracer (/mesoscope/v1/spans) grouped into traces; Enter shows the waterfall",
		sortCol:  4,
		sortDesc: true,
		need:     func(string) needs { return needs{spans: true} },
		build:    buildTraces,
		drill: func(r *row) (page, bool) {
			t, ok := r.obj.(traceSummary)
			return page{view: vTrace, arg: t.TraceID, label: shortID(t.TraceID)}, ok
		},
	}
}

// traceSummary is a traces-list row's object, for `y`.
type traceSummary struct {
	TraceID  string        `json:"trace_id"`
	Root     string        `json:"root"`
	Services []string      `json:"services"`
	Spans    int           `json:"spans"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration_ns"`
}

var traceCols = []column{
	{title: "TRACE", key: 'T'},
	{title: "ROOT", key: 'R', max: 50},
	{title: "SERVICES", key: 'V', max: 30},
	{title: "SPANS", key: 'N', numeric: true},
	{title: "START", key: 'S'},
	{title: "DURATION", key: 'D', numeric: true, flex: true},
}

func spansUnavailable(in *viewInput) string {
	m := in.m
	switch {
	case !m.snap.Mesoscope:
		return "this master does not serve /mesoscope/v1/spans (real Mesos); run `mesoscope trace --master URL` to export its events as spans"
	case m.spansErr != "":
		return "spans: " + m.spansErr
	}
	return ""
}

func buildTraces(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Traces")
	}
	m := in.m
	f := newFrame(p, "Traces")
	rows := make([]row, 0, len(m.traces))
	for _, t := range m.traces {
		d := t.end.Sub(t.start)
		ts := traceSummary{TraceID: t.id, Root: t.root.Name, Services: t.services, Spans: len(t.spans), Start: t.start, Duration: d}
		rows = append(rows, row{key: t.id, obj: ts, cells: []cell{
			toned(shortID(t.id), toneMuted),
			str(t.root.Name),
			str(strings.Join(t.services, ",")),
			intCell(len(t.spans)),
			str(t.start.UTC().Format("15:04:05.000000")),
			num(latency(d), d.Seconds()),
		}})
	}
	f.setTable(in, p, in.reg.def(vTraces), traceCols, rows, false)
	if msg := spansUnavailable(in); msg != "" {
		f.empty = msg
	} else {
		f.info = []line{tonedLine(fmt.Sprintf("%d spans in %d traces (the tracer has exported %d in all); SHIFT-N sorts by span count", len(m.spans), len(m.traces), m.spanTotal), toneMuted)}
		if len(rows) == 0 {
			f.empty = "no spans recorded yet"
		}
	}
	return f
}

func traceDef() viewDef {
	return viewDef{
		name: "trace", title: "Trace", sortCol: -1,
		about: "one trace as a waterfall: spans by start, indented under their parents",
		need:  func(string) needs { return needs{spans: true} },
		build: buildTrace,
	}
}

var waterfallCols = []column{
	{title: "SPAN", max: 56},
	{title: "SERVICE", max: 20},
	{title: "START", numeric: true},
	{title: "DURATION", numeric: true},
	{title: "EVENTS", numeric: true},
	{title: "TIMELINE", flex: true},
}

// maxEventRows bounds the event rows shown under one span.
const maxEventRows = 12

// eventAttrs renders a span event's attributes compactly, without the
// "mesos." prefix, the telling ones first (states, outcomes) and long ids
// shortened: "task_state=TASK_RUNNING task_id=web.1 agent_id=…-S1".
func eventAttrs(m map[string]string) string {
	rank := func(k string) int {
		switch strings.TrimPrefix(k, "mesos.") {
		case "task_state", "to", "state", "outcome", "offer.outcome", "container_state":
			return 0
		case "task_id", "reason", "role":
			return 1
		}
		return 2
	}
	keys := slices.SortedFunc(maps.Keys(m), func(a, b string) int {
		if c := rank(a) - rank(b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, strings.TrimPrefix(k, "mesos.")+"="+shortID(m[k]))
	}
	return strings.Join(parts, " ")
}

// spanRow is a waterfall row's object, for `y`.
type spanRow struct {
	TraceID  string            `json:"trace_id"`
	SpanID   string            `json:"span_id"`
	ParentID string            `json:"parent_span_id,omitempty"`
	Name     string            `json:"name"`
	Service  string            `json:"service,omitempty"`
	Start    time.Time         `json:"start"`
	Duration time.Duration     `json:"duration_ns"`
	Attrs    map[string]string `json:"attributes,omitempty"`
	Events   []string          `json:"events,omitempty"`
}

func buildTrace(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Trace")
	}
	m := in.m
	f := newFrame(p, "Trace "+shortID(p.arg))
	var t *traceView
	for _, tv := range m.traces {
		if tv.id == p.arg {
			t = tv
		}
	}
	if t == nil {
		f.empty = "the trace has left the tracer's buffer"
		if msg := spansUnavailable(in); msg != "" {
			f.empty = msg
		}
		return f
	}
	total := t.end.Sub(t.start)
	f.info = []line{
		{{text: "trace " + t.id, tone: toneHeader}},
		plain(fmt.Sprintf("%d spans from %s over %s, services %s", len(t.spans), t.start.UTC().Format("15:04:05.000000"), latency(total), strings.Join(t.services, ","))),
		plain(""),
	}
	rows := make([]row, 0, len(t.spans))
	for i, s := range t.spans {
		off := s.Start.Sub(t.start)
		d := s.duration()
		var a, b float64
		if total > 0 {
			a, b = float64(off)/float64(total), float64(off+d)/float64(total)
		}
		var evs []string
		for _, e := range s.Events {
			evs = append(evs, e.Name)
		}
		obj := spanRow{TraceID: s.TraceID, SpanID: s.SpanID, ParentID: s.ParentID, Name: s.Name, Service: s.Service,
			Start: s.Start, Duration: d, Attrs: s.Attrs, Events: evs}
		rows = append(rows, row{key: s.SpanID, obj: obj, depth: t.depths[i], cells: []cell{
			str(s.Name),
			toned(dash(s.Service), toneMuted),
			num("+"+latency(off), off.Seconds()),
			num(latency(d), d.Seconds()),
			intCell(len(s.Events)),
			{wf: &[2]float64{a, b}, num: a},
		}})
		// The span's events (task states, container transitions, offers) as
		// rows under it, each a point on the timeline.
		for j, e := range s.Events {
			if j == maxEventRows {
				rows = append(rows, row{key: s.SpanID + "/more", obj: obj, depth: t.depths[i] + 1, cells: []cell{
					toned(fmt.Sprintf("… %d more events", len(s.Events)-j), toneMuted), str(""), str(""), str(""), str(""), str(""),
				}})
				break
			}
			eo := e.Time.Sub(t.start)
			var p float64
			if total > 0 {
				p = float64(eo) / float64(total)
			}
			rows = append(rows, row{key: s.SpanID + "/" + itoa(j), obj: obj, depth: t.depths[i] + 1, cells: []cell{
				toned("• "+e.Name+" "+eventAttrs(e.Attrs), toneMuted),
				str(""),
				num("+"+latency(eo), eo.Seconds()),
				str(""),
				str(""),
				{wf: &[2]float64{p, p}, num: p, tone: toneMuted},
			}})
		}
	}
	f.setTable(in, p, in.reg.def(vTrace), waterfallCols, rows, true)
	// Events of the selected trace, compactly, under the waterfall.
	names := map[string]int{}
	for _, s := range t.spans {
		for _, e := range s.Events {
			names[e.Name]++
		}
	}
	if len(names) > 0 {
		keys := slices.Sorted(maps.Keys(names))
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s×%d", k, names[k]))
		}
		f.after = []line{tonedLine("span events: "+strings.Join(parts, ", "), toneMuted)}
	}
	return f
}
