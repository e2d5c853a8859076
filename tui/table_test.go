package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCompileFilter(t *testing.T) {
	tests := []struct {
		text  string
		in    string
		match bool
		err   bool
	}{
		{"", "anything", true, false},
		{"!", "anything", true, false},
		{"web", "WEB-frontend", true, false},
		{"^web", "api-web", false, false},
		{"!web", "api-web", false, false},
		{"!web", "kafka", true, false},
		{"a|b", "xbx", true, false},
		{"web[", "web[1]", true, true},
		{"!web[", "web[1]", false, true},
		{strings.Repeat("a", 5000), strings.Repeat("a", 1024), true, false},
	}
	for _, tt := range tests {
		f := compileFilter(tt.text)
		if got := f.match(tt.in); got != tt.match {
			t.Errorf("compileFilter(%q).match(%q) = %v, want %v", clip(tt.text, 20), clip(tt.in, 20), got, tt.match)
		}
		if got := f != nil && f.err != nil; got != tt.err {
			t.Errorf("compileFilter(%q) literal fallback = %v, want %v", clip(tt.text, 20), got, tt.err)
		}
	}
}

// A row matches on one cell alone (anchors hold) or on the whole line (a pattern
// may span cells); "!" keeps the rows that match neither.
func TestRowMatches(t *testing.T) {
	r := &row{key: "batch-etl.7", cells: []cell{{text: "batch-etl.7"}, {text: "TASK_FAILED"}, {text: "agent-1"}}}
	tests := []struct {
		filter string
		want   bool
	}{
		{"FAILED$", true},
		{"^TASK_", true},
		{"^batch", true},
		{"etl.*FAILED", true},
		{"^FAILED", false},
		{"!^batch|gpu", false},
		{"!^gpu", true},
		{"!FAILED$", false},
	}
	for _, tt := range tests {
		if got := rowMatches(r, compileFilter(tt.filter)); got != tt.want {
			t.Errorf("rowMatches(%q) = %v, want %v", tt.filter, got, tt.want)
		}
	}
}

func TestFinishSortsFiltersMeasures(t *testing.T) {
	cols := []column{{title: "NAME"}, {title: "N", numeric: true}}
	rows := []row{
		{key: "c", cells: []cell{str("charlie"), num("3", 3)}},
		{key: "a", cells: []cell{str("alpha"), num("10", 10)}},
		{key: "b", cells: []cell{str("bravo"), num("3", 3)}},
	}
	keys := func(t *tableData) []string {
		var out []string
		for _, r := range t.rows {
			out = append(out, r.key)
		}
		return out
	}
	tests := []struct {
		name string
		col  int
		desc bool
		flt  string
		tree bool
		want []string
	}{
		{"by name", 0, false, "", false, []string{"a", "b", "c"}},
		{"numbers, ties by key", 1, false, "", false, []string{"b", "c", "a"}},
		{"numbers descending, ties by key", 1, true, "", false, []string{"a", "b", "c"}},
		{"filtered", 0, false, "^[ab]", false, []string{"a", "b"}},
		{"tree keeps order", 0, false, "", true, []string{"c", "a", "b"}},
		{"no sort column", -1, false, "", false, []string{"c", "a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td := finish(cols, append([]row(nil), rows...), compileFilter(tt.flt), tt.col, tt.desc, tt.tree)
			if got := keys(td); !cmp.Equal(got, tt.want) {
				t.Errorf("rows = %v, want %v", got, tt.want)
			}
			if td.total != 3 {
				t.Errorf("total = %d, want 3", td.total)
			}
		})
	}
	td := finish(cols, rows, nil, 0, false, false)
	if want := []int{7, 2}; !cmp.Equal(td.widths, want) {
		t.Errorf("widths = %v, want %v (widest cell or title+arrow)", td.widths, want)
	}
}

func TestFitWidths(t *testing.T) {
	cols := []column{{title: "A"}, {title: "B", flex: true}, {title: "C"}}
	tests := []struct {
		natural []int
		width   int
		want    []int
	}{
		{[]int{5, 10, 5}, 40, []int{5, 28, 5}},  // spare to the flex column
		{[]int{5, 10, 5}, 16, []int{5, 4, 5}},   // the flex column shrinks first
		{[]int{10, 10, 10}, 15, []int{4, 4, 5}}, // then the widest, never below 4
		{[]int{4, 4, 4}, 3, []int{4, 4, 4}},     // nothing left to cut
	}
	for _, tt := range tests {
		if got := fitWidths(cols, tt.natural, tt.width); !cmp.Equal(got, tt.want) {
			t.Errorf("fitWidths(%v, %d) = %v, want %v", tt.natural, tt.width, got, tt.want)
		}
	}
}

func TestWrapLine(t *testing.T) {
	l := line{{text: "alpha beta ", tone: toneOK}, {text: "gamma delta epsilon"}}
	got := wrapLine(l, 12)
	var texts []string
	for _, g := range got {
		texts = append(texts, g.String())
	}
	if want := []string{"alpha beta ", "  gamma ", "  delta ", "  epsilon"}; !cmp.Equal(texts, want) {
		t.Errorf("wrapLine = %q, want %q", texts, want)
	}
	if got[0][0].tone != toneOK {
		t.Errorf("wrapLine lost the tone of the first part")
	}
	if got := wrapLine(plain(strings.Repeat("x", 30)), 10); len(got) != 4 {
		t.Errorf("a word longer than the width wraps into %d lines, want 4", len(got))
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{age(1500 * time.Millisecond), "1s"},
		{age(90 * time.Second), "1m30s"},
		{age(25 * time.Hour), "1d1h"},
		{age(-time.Second), "0ms"},
		{latency(1500 * time.Nanosecond), "1.5µs"},
		{latency(2 * time.Second), "2s"},
		{mib(2048), "2GiB"},
		{mib(512), "512MiB"},
		{bytesText(1536), "1.5KiB"},
		{shortID("1f92b9a0-e7a2-429d-8b57-35cbcebf3280-S2"), "…-S2"},
		{shortID("e2c304fa-75cd-4123-9a11-56229f0f4246"), "e2c304fa…"},
		{shortID("web.1"), "web.1"},
		{clip("abcdef", 4), "abc…"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	var got []time.Duration
	for n := 1; n <= 7; n++ {
		got = append(got, backoff(n))
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	if !cmp.Equal(got, want) {
		t.Errorf("backoff = %v, want %v", got, want)
	}
}

func TestHubEventRing(t *testing.T) {
	h := newHub(10)
	for i := range 25 {
		h.addEvent(streamEvent{at: time.Unix(int64(i), 0)})
	}
	h.show(page{view: vEvents}, needs{})
	_, _, evs, st := h.input()
	if len(evs) > 10 || evs[len(evs)-1].seq != 25 || st.received != 25 {
		t.Errorf("ring holds %d events, last #%d, received %d; want ≤ 10, #25, 25", len(evs), evs[len(evs)-1].seq, st.received)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].seq != evs[i-1].seq+1 {
			t.Errorf("ring not in order: %d after %d", evs[i].seq, evs[i-1].seq)
		}
	}
}
