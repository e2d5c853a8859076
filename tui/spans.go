package tui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// span is one finished span as mesoscope's tracer serves it at
// /mesoscope/v1/spans ({"total": N, "spans": [...]}, newest last; the memory
// exporter of tracer/memory.go). Real Mesos has no such endpoint: there the
// Traces view says so and `mesoscope trace` is the way to get spans.
type span struct {
	TraceID  string            `json:"trace_id"`
	SpanID   string            `json:"span_id"`
	ParentID string            `json:"parent_span_id,omitempty"`
	Name     string            `json:"name"`
	Service  string            `json:"service,omitempty"`
	Kind     string            `json:"kind,omitempty"`
	Start    time.Time         `json:"start"`
	End      time.Time         `json:"end"`
	Attrs    map[string]string `json:"attributes,omitempty"`
	Events   []spanEvent       `json:"events,omitempty"`
}

// spanEvent is a point event inside a span.
type spanEvent struct {
	Name  string            `json:"name"`
	Time  time.Time         `json:"time"`
	Attrs map[string]string `json:"attributes,omitempty"`
}

// duration is the span's length, never negative.
func (s *span) duration() time.Duration { return max(s.End.Sub(s.Start), 0) }

// maxSpans bounds how many spans the TUI keeps from one read (the newest).
const maxSpans = 5000

// wireSpan is the JSON shape of one span.
type wireSpan struct {
	TraceID       string            `json:"trace_id"`
	SpanID        string            `json:"span_id"`
	ParentSpanID  string            `json:"parent_span_id"`
	Name          string            `json:"name"`
	Service       string            `json:"service"`
	Kind          string            `json:"kind"`
	StartUnixNano int64             `json:"start_unix_nano"`
	EndUnixNano   int64             `json:"end_unix_nano"`
	Attributes    map[string]string `json:"attributes"`
	Events        []struct {
		Name         string            `json:"name"`
		TimeUnixNano int64             `json:"time_unix_nano"`
		Attributes   map[string]string `json:"attributes"`
	} `json:"events"`
}

// decodeSpans decodes a /mesoscope/v1/spans body. It keeps the newest maxSpans
// spans and returns the exporter's running total. A span whose end precedes
// its start is given zero length; spans without a trace or span id are skipped.
func decodeSpans(data []byte) ([]span, uint64, error) {
	var body struct {
		Total *uint64     `json:"total"`
		Spans *[]wireSpan `json:"spans"`
	}
	d := json.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(&body); err != nil {
		return nil, 0, fmt.Errorf("spans: decode: %w", err)
	}
	if body.Spans == nil {
		return nil, 0, fmt.Errorf("spans: decode: no \"spans\" array")
	}
	ws := *body.Spans
	if len(ws) > maxSpans {
		ws = ws[len(ws)-maxSpans:]
	}
	out := make([]span, 0, len(ws))
	for _, w := range ws {
		if w.TraceID == "" || w.SpanID == "" {
			continue
		}
		s := span{
			TraceID: w.TraceID, SpanID: w.SpanID, ParentID: w.ParentSpanID,
			Name: w.Name, Service: w.Service, Kind: w.Kind,
			Start: time.Unix(0, w.StartUnixNano).UTC(), End: time.Unix(0, w.EndUnixNano).UTC(),
			Attrs: w.Attributes,
		}
		if s.End.Before(s.Start) {
			s.End = s.Start
		}
		for _, e := range w.Events {
			s.Events = append(s.Events, spanEvent{Name: e.Name, Time: time.Unix(0, e.TimeUnixNano).UTC(), Attrs: e.Attributes})
		}
		out = append(out, s)
	}
	total := uint64(len(out))
	if body.Total != nil {
		total = *body.Total
	}
	return out, total, nil
}

// traceView is one trace: its spans in waterfall order (depth-first from the
// roots, children by start time) with their depths.
type traceView struct {
	id       string
	spans    []*span
	depths   []int
	start    time.Time
	end      time.Time
	root     *span
	services []string
}

// groupTraces groups spans by trace id, newest trace (by start) first. Spans
// whose parent is not among them are roots; parent cycles, which a bad payload
// can contain, are broken by visiting each span once.
func groupTraces(spans []span) []*traceView {
	byTrace := map[string][]*span{}
	var order []string
	for i := range spans {
		s := &spans[i]
		if _, ok := byTrace[s.TraceID]; !ok {
			order = append(order, s.TraceID)
		}
		byTrace[s.TraceID] = append(byTrace[s.TraceID], s)
	}
	out := make([]*traceView, 0, len(order))
	for _, id := range order {
		out = append(out, newTraceView(id, byTrace[id]))
	}
	slices.SortStableFunc(out, func(a, b *traceView) int {
		if c := b.start.Compare(a.start); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return out
}

func newTraceView(id string, ss []*span) *traceView {
	byStart := func(a, b *span) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.SpanID, b.SpanID)
	}
	slices.SortStableFunc(ss, byStart)
	t := &traceView{id: id, start: ss[0].Start, end: ss[0].End}
	ids := make(map[string]bool, len(ss))
	for _, s := range ss {
		ids[s.SpanID] = true
		t.start = minTime(t.start, s.Start)
		if s.End.After(t.end) {
			t.end = s.End
		}
		if s.Service != "" && !slices.Contains(t.services, s.Service) {
			t.services = append(t.services, s.Service)
		}
	}
	slices.Sort(t.services)
	children := map[string][]*span{}
	var roots []*span
	for _, s := range ss {
		if s.ParentID == "" || s.ParentID == s.SpanID || !ids[s.ParentID] {
			roots = append(roots, s)
			continue
		}
		children[s.ParentID] = append(children[s.ParentID], s)
	}
	seen := make(map[*span]bool, len(ss))
	var walk func(s *span, depth int)
	walk = func(s *span, depth int) {
		if seen[s] {
			return
		}
		seen[s] = true
		t.spans = append(t.spans, s)
		t.depths = append(t.depths, depth)
		for _, c := range children[s.SpanID] {
			walk(c, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	// Spans only reachable through a parent cycle become roots.
	for _, s := range ss {
		if !seen[s] {
			walk(s, 0)
		}
	}
	t.root = t.spans[0]
	return t
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// containerStates are the Mesos containerizer's seven states in order
// (src/slave/containerizer/mesos/containerizer.hpp MesosContainerizerProcess::
// Container::State).
var containerStates = [...]string{"STARTING", "PROVISIONING", "PREPARING", "ISOLATING", "FETCHING", "RUNNING", "DESTROYING"}

// isContainerState reports whether s is one of the seven states.
func isContainerState(s string) bool { return slices.Contains(containerStates[:], s) }

// stateStep is one state a container entered, and when.
type stateStep struct {
	state string
	at    time.Time
}

// containerTimeline is what the spans say about one container's states.
type containerTimeline struct {
	id    string
	steps []stateStep
	// terminated is set when the containerizer reported the container gone.
	terminated   bool
	terminatedAt time.Time
	reason       string
}

// current is the latest state, "TERMINATED" once the container is gone.
func (c *containerTimeline) current() string {
	if c.terminated {
		return "TERMINATED"
	}
	if len(c.steps) == 0 {
		return ""
	}
	return c.steps[len(c.steps)-1].state
}

// firstAttr returns the first non-empty attribute among keys.
func firstAttr(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}

// Bounds on the container timelines the TUI remembers across reads.
const (
	maxTimelines   = 5000
	timelineForget = 10 * time.Minute
)

// mergeTimelines keeps what earlier reads learnt about containers whose
// transitions have since left the tracer's window of recent spans: the
// timelines of cur, plus those of old not in cur, except containers gone for
// longer than timelineForget; at most maxTimelines, the newest kept. A
// container in both gets the union of its steps.
func mergeTimelines(old, cur map[string]*containerTimeline, now time.Time) map[string]*containerTimeline {
	if len(old) == 0 {
		return cur
	}
	out := make(map[string]*containerTimeline, len(old)+len(cur))
	for id, c := range old {
		if c.terminated && now.Sub(c.terminatedAt) > timelineForget {
			continue
		}
		out[id] = c
	}
	for id, c := range cur {
		o, ok := out[id]
		if !ok {
			out[id] = c
			continue
		}
		// The same history read again (the spans are all kept) adds nothing: a step
		// already known, same state at the same time, is not added twice, so that
		// states entered at one instant (a paused clock) do not repeat.
		steps := slices.Clone(o.steps)
		for _, st := range c.steps {
			if !slices.ContainsFunc(o.steps, func(k stateStep) bool { return k.state == st.state && k.at.Equal(st.at) }) {
				steps = append(steps, st)
			}
		}
		m := &containerTimeline{id: id, steps: steps,
			terminated: o.terminated || c.terminated, terminatedAt: c.terminatedAt, reason: c.reason}
		if !c.terminated {
			m.terminatedAt, m.reason = o.terminatedAt, o.reason
		}
		slices.SortStableFunc(m.steps, func(a, b stateStep) int { return a.at.Compare(b.at) })
		m.steps = slices.CompactFunc(m.steps, func(a, b stateStep) bool { return a.state == b.state })
		out[id] = m
	}
	if len(out) > maxTimelines {
		type aged struct {
			id   string
			last time.Time
		}
		all := make([]aged, 0, len(out))
		for id, c := range out {
			last := c.terminatedAt
			if n := len(c.steps); n > 0 && c.steps[n-1].at.After(last) {
				last = c.steps[n-1].at
			}
			all = append(all, aged{id, last})
		}
		slices.SortFunc(all, func(a, b aged) int { return b.last.Compare(a.last) })
		for _, a := range all[maxTimelines:] {
			delete(out, a.id)
		}
	}
	return out
}

// containerTimelines collects container state changes from spans: the
// containerizer's "container.state" and "container.terminated" point events
// (keys container_id/from/to/at, or the mesos.* spellings), and spans named
// after a state that carry a container id (a per-state child span). A
// transition also dates the state it left ("from", entered "since" before);
// steps are sorted by time and repeats merged.
func containerTimelines(spans []span) map[string]*containerTimeline {
	out := map[string]*containerTimeline{}
	get := func(id string) *containerTimeline {
		c, ok := out[id]
		if !ok {
			c = &containerTimeline{id: id}
			out[id] = c
		}
		return c
	}
	for i := range spans {
		s := &spans[i]
		if isContainerState(s.Name) {
			if id := firstAttr(s.Attrs, "mesos.container_id", "container_id"); id != "" {
				c := get(id)
				c.steps = append(c.steps, stateStep{state: s.Name, at: s.Start})
			}
		}
		for _, e := range s.Events {
			id := firstAttr(e.Attrs, "mesos.container_id", "container_id")
			if id == "" {
				continue
			}
			at := e.Time
			// The containerizer's names (embedded/containerizer recordTransition),
			// then the short ones older captures used.
			if v := firstAttr(e.Attrs, "mesos.container_state_time", "at"); v != "" {
				if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
					at = t.UTC()
				}
			}
			switch e.Name {
			case "container.state":
				to := firstAttr(e.Attrs, "mesos.container_state", "to", "state")
				if !isContainerState(to) {
					continue
				}
				c := get(id)
				if from := firstAttr(e.Attrs, "mesos.container_state_from", "from"); isContainerState(from) {
					since, _ := time.ParseDuration(firstAttr(e.Attrs, "mesos.container_state_from_duration", "since"))
					c.steps = append(c.steps, stateStep{state: from, at: at.Add(-since)})
				}
				c.steps = append(c.steps, stateStep{state: to, at: at})
			case "container.terminated":
				c := get(id)
				c.terminated, c.terminatedAt = true, at
				c.reason = firstAttr(e.Attrs, "mesos.reason", "reason", "message")
			}
		}
	}
	for _, c := range out {
		slices.SortStableFunc(c.steps, func(a, b stateStep) int { return a.at.Compare(b.at) })
		c.steps = slices.CompactFunc(c.steps, func(a, b stateStep) bool { return a.state == b.state })
	}
	return out
}
