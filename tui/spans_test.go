package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeSpans(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		spans   int
		total   uint64
		wantErr string
	}{
		{"empty", `{"total":0,"spans":[]}`, 0, 0, ""},
		{"one", `{"total":7,"spans":[{"trace_id":"t","span_id":"s","name":"master x","start_unix_nano":10,"end_unix_nano":20}]}`, 1, 7, ""},
		{"no total counts the spans", `{"spans":[{"trace_id":"t","span_id":"s"}]}`, 1, 1, ""},
		{"ids required", `{"spans":[{"trace_id":"","span_id":"s"},{"trace_id":"t"}]}`, 0, 0, ""},
		{"no spans array", `{"total":3}`, 0, 0, `spans: decode: no "spans" array`},
		{"not json", `<html>`, 0, 0, "spans: decode: invalid character"},
		{"wrong type", `{"spans":{}}`, 0, 0, "spans: decode: json: cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := decodeSpans([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("decodeSpans(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("decodeSpans(%q) = %v", tt.in, err)
			}
			if len(got) != tt.spans || total != tt.total {
				t.Errorf("decodeSpans(%q) = %d spans, total %d; want %d, %d", tt.in, len(got), total, tt.spans, tt.total)
			}
		})
	}
}

func TestDecodeSpansClampsAndBounds(t *testing.T) {
	spans, _, err := decodeSpans([]byte(`{"spans":[{"trace_id":"t","span_id":"s","start_unix_nano":50,"end_unix_nano":10}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if d := spans[0].duration(); d != 0 {
		t.Errorf("a span ending before it starts has duration %v, want 0", d)
	}
	var b strings.Builder
	b.WriteString(`{"spans":[`)
	for i := range maxSpans + 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"trace_id":"t","span_id":"s` + itoa(i) + `"}`)
	}
	b.WriteString(`]}`)
	spans, _, err = decodeSpans([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) != maxSpans || spans[0].SpanID != "s10" {
		t.Errorf("decodeSpans kept %d spans from %s, want the newest %d from s10", len(spans), spans[0].SpanID, maxSpans)
	}
}

func mkSpan(trace, id, parent, name string, start, end int) span {
	t0 := time.Unix(0, 0).UTC()
	return span{TraceID: trace, SpanID: id, ParentID: parent, Name: name, Service: "svc",
		Start: t0.Add(time.Duration(start) * time.Microsecond), End: t0.Add(time.Duration(end) * time.Microsecond)}
}

func TestGroupTraces(t *testing.T) {
	spans := []span{
		mkSpan("a", "2", "1", "child late", 30, 40),
		mkSpan("a", "1", "", "root", 0, 50),
		mkSpan("a", "3", "1", "child early", 10, 20),
		mkSpan("a", "4", "3", "grandchild", 12, 15),
		mkSpan("a", "5", "missing", "orphan", 5, 6),
		mkSpan("b", "x", "y", "cycle x", 100, 110),
		mkSpan("b", "y", "x", "cycle y", 101, 105),
		mkSpan("b", "z", "z", "self parent", 102, 103),
	}
	traces := groupTraces(spans)
	type flat struct {
		Name  string
		Depth int
	}
	got := map[string][]flat{}
	for _, tr := range traces {
		for i, s := range tr.spans {
			got[tr.id] = append(got[tr.id], flat{s.Name, tr.depths[i]})
		}
	}
	want := map[string][]flat{
		"a": {{"root", 0}, {"child early", 1}, {"grandchild", 2}, {"child late", 1}, {"orphan", 0}},
		"b": {{"self parent", 0}, {"cycle x", 0}, {"cycle y", 1}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("groupTraces (-want +got):\n%s", diff)
	}
	if traces[0].id != "b" {
		t.Errorf("newest trace first: got %s, want b", traces[0].id)
	}
	if d := traces[1].end.Sub(traces[1].start); d != 50*time.Microsecond {
		t.Errorf("trace a lasts %v, want 50µs", d)
	}
}

func TestContainerTimelines(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ev := func(name string, at time.Duration, attrs map[string]string) spanEvent {
		return spanEvent{Name: name, Time: t0.Add(at), Attrs: attrs}
	}
	spans := []span{
		{TraceID: "t", SpanID: "1", Events: []spanEvent{
			ev("container.state", 10*time.Millisecond, map[string]string{"container_id": "c1", "from": "PROVISIONING", "to": "PREPARING", "since": "4ms"}),
			ev("container.state", 2*time.Millisecond, map[string]string{"container_id": "c1", "from": "STARTING", "to": "PROVISIONING", "since": "2ms"}),
			ev("container.state", 20*time.Millisecond, map[string]string{"mesos.container_id": "c1", "mesos.container_state": "RUNNING"}),
			ev("container.state", 20*time.Millisecond, map[string]string{"container_id": "c2", "to": "BOGUS"}),
			ev("task.state", 20*time.Millisecond, map[string]string{"container_id": "c3", "to": "RUNNING"}),
		}},
		{TraceID: "t", SpanID: "2", Events: []spanEvent{
			ev("container.terminated", 30*time.Millisecond, map[string]string{"container_id": "c1", "reason": "exited"}),
		}},
		{TraceID: "t", SpanID: "3", Name: "FETCHING", Start: t0.Add(15 * time.Millisecond), Attrs: map[string]string{"mesos.container_id": "c4"}},
	}
	tl := containerTimelines(spans)
	if _, ok := tl["c2"]; ok {
		t.Errorf("an unknown state made a timeline for c2")
	}
	if _, ok := tl["c3"]; ok {
		t.Errorf("a task.state event made a container timeline")
	}
	var states []string
	for _, s := range tl["c1"].steps {
		states = append(states, s.state)
	}
	if want := []string{"STARTING", "PROVISIONING", "PREPARING", "RUNNING"}; !cmp.Equal(states, want) {
		t.Errorf("c1 steps = %v, want %v", states, want)
	}
	if got := tl["c1"].current(); got != "TERMINATED" || tl["c1"].reason != "exited" {
		t.Errorf("c1 current = %q reason %q, want TERMINATED, exited", got, tl["c1"].reason)
	}
	if got := tl["c1"].steps[0].at; !got.Equal(t0) {
		t.Errorf("c1 STARTING at %v, want %v (dated from the first transition's since)", got, t0)
	}
	if got := tl["c4"].current(); got != "FETCHING" {
		t.Errorf("c4 (a per-state span) current = %q, want FETCHING", got)
	}
}

func TestDecodeCycles(t *testing.T) {
	in := `{"cycles":[{"seq":3,"time":"2026-11-26T06:08:53Z","duration_ns":1500,"candidates":3,"offers":1,` +
		`"roles":[{"role":"web","rank":0,"share":0.175,"weight":2,"counts":{"offered":1,"filtered":-2}}],` +
		`"frameworks":[{"framework_id":"f1","role":"web","rank":1,"share":0.2,"counts":{"offered":1,"incapable":1},"offered":"cpus:2",` +
		`"filtered":[{"agent_id":"S1","until":"2026-11-26T06:08:54Z","refused":"cpus:0.5"}]}]}]}`
	cs, err := decodeCycles([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Seq != 3 || cs[0].Duration != 1500 || cs[0].Frameworks[0].Offered != "cpus:2" {
		t.Fatalf("decodeCycles = %+v", cs)
	}
	if got := cs[0].Roles[0].Counts; !cmp.Equal(got, map[string]int{"offered": 1}) {
		t.Errorf("negative counts kept: %v", got)
	}
	if got := countsText(cs[0].Frameworks[0].Counts); got != "offered 1, incapable 1" {
		t.Errorf("countsText = %q", got)
	}
	for _, bad := range []string{`{}`, `[]`, `{"cycles":[{"seq":-1}]}`, `{"cycles":"x"}`} {
		if _, err := decodeCycles([]byte(bad)); err == nil || !strings.HasPrefix(err.Error(), "allocator cycles: decode:") {
			t.Errorf("decodeCycles(%q) error = %v, want an allocator cycles error", bad, err)
		}
	}
}

func TestMergeTimelines(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tl := func(id string, gone time.Duration, states ...string) *containerTimeline {
		c := &containerTimeline{id: id}
		for i, s := range states {
			c.steps = append(c.steps, stateStep{state: s, at: t0.Add(time.Duration(i) * time.Second)})
		}
		if gone > 0 {
			c.terminated, c.terminatedAt = true, t0.Add(gone)
		}
		return c
	}
	old := map[string]*containerTimeline{
		"kept":    tl("kept", 0, "STARTING", "RUNNING"),
		"both":    tl("both", 0, "STARTING", "PROVISIONING"),
		"forgot":  tl("forgot", time.Second, "RUNNING"),
		"recent":  tl("recent", 20*time.Minute, "RUNNING"),
		"renewed": tl("renewed", 0, "STARTING"),
	}
	cur := map[string]*containerTimeline{
		"both": {id: "both", steps: []stateStep{{"PROVISIONING", t0.Add(time.Second)}, {"RUNNING", t0.Add(5 * time.Second)}}},
		"new":  tl("new", 0, "STARTING"),
	}
	got := mergeTimelines(old, cur, t0.Add(25*time.Minute))
	var ids []string
	for id := range got {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if want := []string{"both", "kept", "new", "recent", "renewed"}; !cmp.Equal(ids, want) {
		t.Errorf("merged ids = %v, want %v", ids, want)
	}
	var states []string
	for _, s := range got["both"].steps {
		states = append(states, s.state)
	}
	if want := []string{"STARTING", "PROVISIONING", "RUNNING"}; !cmp.Equal(states, want) {
		t.Errorf("both's steps = %v, want %v", states, want)
	}
}

// The containerizer's own attribute names (recordTransition): the state left is dated
// by mesos.container_state_time minus mesos.container_state_from_duration, so a
// container's timeline runs in order even when one read sees only its last moves.
func TestContainerTimelinesContainerizerAttributes(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	move := func(from, to string, at, since time.Duration) spanEvent {
		return spanEvent{Name: "container.state", Time: t0.Add(at + time.Millisecond), Attrs: map[string]string{
			"mesos.container_id": "c1", "mesos.container_state_from": from, "mesos.container_state": to,
			"mesos.container_state_time":          t0.Add(at).Format(time.RFC3339Nano),
			"mesos.container_state_from_duration": since.String(),
		}}
	}
	read := containerTimelines([]span{{TraceID: "t", SpanID: "1", Events: []spanEvent{
		move("RUNNING", "DESTROYING", 500*time.Millisecond, 480*time.Millisecond),
	}}})
	c := read["c1"]
	var got []string
	for _, s := range c.steps {
		got = append(got, s.state+"@"+s.at.Sub(t0).String())
	}
	if want := []string{"RUNNING@20ms", "DESTROYING@500ms"}; !cmp.Equal(got, want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
}
