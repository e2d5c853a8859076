package tui

import (
	"testing"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// FuzzDecodeSpans feeds /mesoscope/v1/spans bodies through the decoder and
// everything built from them: traces (parent cycles included) and container
// timelines. Nothing may panic, and every decoded span must land in exactly
// one trace.
func FuzzDecodeSpans(f *testing.F) {
	f.Add([]byte(`{"total":2,"spans":[{"trace_id":"a","span_id":"1","name":"x","start_unix_nano":1,"end_unix_nano":5},{"trace_id":"a","span_id":"2","parent_span_id":"1","start_unix_nano":2,"end_unix_nano":3,"events":[{"name":"container.state","time_unix_nano":2,"attributes":{"container_id":"c","from":"STARTING","to":"PROVISIONING","since":"1ms","at":"2026-01-01T00:00:00Z"}}]}]}`))
	f.Add([]byte(`{"spans":[{"trace_id":"b","span_id":"x","parent_span_id":"y"},{"trace_id":"b","span_id":"y","parent_span_id":"x"}]}`))
	f.Add([]byte(`{"spans":[{"trace_id":"c","span_id":"s","name":"RUNNING","attributes":{"mesos.container_id":"k"},"events":[{"name":"container.terminated","attributes":{"container_id":"k"}}]}]}`))
	f.Add([]byte(`{"spans":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		spans, _, err := decodeSpans(data)
		if err != nil {
			return
		}
		n := 0
		for _, tr := range groupTraces(spans) {
			n += len(tr.spans)
			if len(tr.depths) != len(tr.spans) || tr.root == nil {
				t.Fatalf("trace %q: %d depths for %d spans", tr.id, len(tr.depths), len(tr.spans))
			}
		}
		if n != len(spans) {
			t.Fatalf("traces hold %d spans, decoded %d", n, len(spans))
		}
		for id, tl := range containerTimelines(spans) {
			if id == "" || (len(tl.steps) == 0 && !tl.terminated) {
				t.Fatalf("empty timeline for %q", id)
			}
			for i := 1; i < len(tl.steps); i++ {
				if tl.steps[i].at.Before(tl.steps[i-1].at) {
					t.Fatalf("timeline of %q out of order", id)
				}
			}
		}
	})
}

// FuzzDecodeCycles feeds /mesoscope/v1/allocator bodies through the decoder
// and the DRF view's rendering of them.
func FuzzDecodeCycles(f *testing.F) {
	f.Add([]byte(`{"cycles":[{"seq":1,"time":"2026-11-26T06:08:53Z","duration_ns":10,"candidates":3,"offers":1,"roles":[{"role":"web","rank":0,"share":0.5,"weight":2,"counts":{"offered":1}}],"frameworks":[{"framework_id":"f","role":"web","rank":-1,"share":1e308,"counts":{"filtered":2},"offered":"cpus:1","filtered":[{"agent_id":"a","until":"2026-11-26T06:08:54Z"}]}]}]}`))
	f.Add([]byte(`{"cycles":[]}`))
	f.Add([]byte(`{"cycles":[{"frameworks":[{"counts":{"x":-1}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := decodeCycles(data)
		if err != nil {
			return
		}
		if len(cs) > maxCycles {
			t.Fatalf("kept %d cycles, bound is %d", len(cs), maxCycles)
		}
		m := &model{cycles: cs}
		for _, l := range cycleLines(m, 3) {
			if !utf8.ValidString(l.String()) && utf8.Valid(data) {
				t.Fatalf("invalid UTF-8 in %q", l.String())
			}
		}
	})
}

// FuzzFilter compiles arbitrary `/` text and matches arbitrary rows.
func FuzzFilter(f *testing.F) {
	f.Add("web", "web-frontend.1")
	f.Add("!^a(b", "ab")
	f.Add("(?i)x{1000}", "x")
	f.Fuzz(func(t *testing.T, text, s string) {
		flt := compileFilter(text)
		a := flt.match(s)
		if flt != nil && len(flt.text) > maxFilterLen {
			t.Fatalf("filter kept %d bytes, bound %d", len(flt.text), maxFilterLen)
		}
		if b := flt.match(s); a != b {
			t.Fatalf("match(%q) not deterministic", s)
		}
	})
}

// FuzzWrapLine wraps arbitrary text: no line may be wider than asked (unless
// one rune is), and no text may be lost.
func FuzzWrapLine(f *testing.F) {
	f.Add("alpha beta gamma", 10)
	f.Add("日本語のテキスト", 9)
	f.Add("", 3)
	f.Fuzz(func(t *testing.T, s string, w int) {
		if w < 0 || w > 500 || !utf8.ValidString(s) {
			return
		}
		out := wrapLine(plain(s), w)
		total := 0
		for i, l := range out {
			text := l.String()
			if i > 0 {
				text = text[2:] // the continuation indent
			}
			total += utf8.RuneCountInString(text)
			if w >= 8 && runewidth.StringWidth(l.String()) > w && utf8.RuneCountInString(text) > 1 {
				t.Fatalf("line %q is %d wide, limit %d", l.String(), runewidth.StringWidth(l.String()), w)
			}
		}
		if want := utf8.RuneCountInString(s); total != want {
			t.Fatalf("wrapLine(%q, %d) kept %d runes of %d", s, w, total, want)
		}
	})
}
