package walkthroughs

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mesoscope/mesoscope/tracer"
)

// TestTraceLibprocessStep checks that --trace shows a step's dispatch spans: the
// libprocess tour's "send" step has alpha's three pings, and beta's ping nested under
// the dispatch of alpha that sent it; tracing changes no output.
func TestTraceLibprocessStep(t *testing.T) {
	s, err := LoadTour("libprocess")
	if err != nil {
		t.Fatal(err)
	}
	p := NewPlayer(s, PlayerOptions{Trace: true})
	defer func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	}()
	var step string
	for i := range 3 {
		if step, err = p.Step(i); err != nil {
			t.Fatal(err)
		}
	}
	_, trace, ok := strings.Cut(step, "\ntrace: ")
	if !ok {
		t.Fatalf("Step(2) has no trace:\n%s", step)
	}
	for _, want := range []string{
		"  runtime:\n",
		"    alpha ping  go walkthroughs.newActor.func1\n",
		"    alpha send ping  go walkthroughs.(*Session).sendCmd.func1\n      beta ping  from alpha@127.0.0.1:5050",
	} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace of step 3 does not contain %q:\n%s", want, trace)
		}
	}
	if n := strings.Count(trace, "alpha ping"); n != 3 {
		t.Errorf("trace of step 3 has %d \"alpha ping\" spans, want 3:\n%s", n, trace)
	}
	if strings.Contains(trace, syncName) {
		t.Errorf("trace shows the tour's barriers:\n%s", trace)
	}
	if got := p.Drifted(); got != 0 {
		t.Errorf("Drifted() with tracing = %d, want 0", got)
	}
}

// TestTraceOff: a session that does not trace has no trace.
func TestTraceOff(t *testing.T) {
	s := NewSession(Options{})
	defer s.Close()
	if got, err := s.Trace(); got != "" || err != nil {
		t.Errorf("Trace() without Options.Trace = %q, %v, want \"\", nil", got, err)
	}
}

func TestRenderSpanTree(t *testing.T) {
	span := func(id, parent, name string, start int64) tracer.SpanData {
		return tracer.SpanData{SpanID: id, ParentSpanID: parent, Name: name, StartUnixNano: start,
			Attributes: map[string]string{tracer.AttrSourceFunction: "F" + id}}
	}
	tests := []struct {
		name  string
		spans []tracer.SpanData
		want  string
	}{
		{"nested in start order", []tracer.SpanData{
			span("2", "1", "b", 20), span("1", "", "a", 10), span("3", "1", "c", 15), span("4", "3", "d", 16),
		}, "  rt:\n    a  models F1\n      c  models F3\n        d  models F4\n      b  models F2"},
		{"parent outside the step is a root", []tracer.SpanData{
			span("5", "x", "late", 30), span("6", "", "early", 5),
		}, "  rt:\n    early  models F6\n    late  models F5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(renderSpanTree("rt", tc.spans), "\n"); got != tc.want {
				t.Errorf("renderSpanTree() =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	var many []tracer.SpanData
	for i := range maxTraceSpans + 5 {
		many = append(many, span(fmt.Sprint(i), "", "s", int64(i)))
	}
	lines := renderSpanTree("rt", many)
	if got, want := lines[len(lines)-1], "    … 5 more spans"; got != want {
		t.Errorf("renderSpanTree(%d spans) last line = %q, want %q", len(many), got, want)
	}
}
