package tracer

import (
	"encoding/hex"
	"strings"
	"testing"
)

func TestParseTraceparent(t *testing.T) {
	const valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	tests := []struct {
		in      string
		ok      bool
		sampled bool
	}{
		{valid, true, true},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true, false},
		{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", true, true}, // future version
		{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true, true},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", false, false}, // v00 is exactly 55
		{"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x", false, false},
		{"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false, false},
		{"00-00000000000000000000000000000000-00f067aa0ba902b7-01", false, false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false, false},
		{"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", false, false},
		{"00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false, false},
		{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g", false, false},
		{"", false, false},
		{"00-4bf9", false, false},
	}
	for _, tt := range tests {
		sc, ok := parseTraceparent(tt.in)
		if ok != tt.ok || (ok && sc.sampled() != tt.sampled) {
			t.Errorf("parseTraceparent(%q) = ok %v sampled %v, want ok %v sampled %v", tt.in, ok, sc.sampled(), tt.ok, tt.sampled)
		}
	}
	sc, _ := parseTraceparent(valid)
	if got := formatTraceparent(sc); got != valid {
		t.Errorf("formatTraceparent(parseTraceparent(%q)) = %q, want it back", valid, got)
	}
}

func FuzzTraceparent(f *testing.F) {
	f.Add("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	f.Add("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-x")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		sc, ok := parseTraceparent(s)
		// An independent reading of version 00: lowercase hex ids, not all zero.
		lowerHex := func(x string) bool {
			return x != "" && strings.Trim(x, "0123456789abcdef") == ""
		}
		if len(s) == traceparentLen && s[:3] == "00-" && s[35] == '-' && s[52] == '-' &&
			lowerHex(s[3:35]) && lowerHex(s[36:52]) && lowerHex(s[53:55]) &&
			strings.Trim(s[3:35], "0") != "" && strings.Trim(s[36:52], "0") != "" && !ok {
			t.Fatalf("parseTraceparent(%q) rejected a valid version 00 header", s)
		}
		if !ok {
			return
		}
		if got, want := hex.EncodeToString(sc.traceID[:]), s[3:35]; got != want {
			t.Fatalf("parseTraceparent(%q): trace id %s, want %s", s, got, want)
		}
		if got, want := hex.EncodeToString(sc.spanID[:]), s[36:52]; got != want {
			t.Fatalf("parseTraceparent(%q): span id %s, want %s", s, got, want)
		}
		out := formatTraceparent(sc)
		back, ok := parseTraceparent(out)
		if !ok || back != sc {
			t.Fatalf("parseTraceparent(formatTraceparent(%+v)) = %+v, %v; want it back (from %q)", sc, back, ok, s)
		}
	})
}

func TestProcessKindAndSpanName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"slave-observer(12)", "slave-observer"},
		{"master", "master"},
		{"slave(1)", "slave"},
		{"x()", "x()"},
		{"(1)", "(1)"},
		{"a(b)", "a(b)"},
		{"a(1", "a(1"},
	}
	for _, tt := range tests {
		if got := processKind(tt.in); got != tt.want {
			t.Errorf("processKind(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSampler(t *testing.T) {
	tests := []struct {
		name, arg string
		wantErr   bool
		parent    bool
		ratio     float64
	}{
		{"", "", false, true, 1},
		{"always_on", "", false, false, 1},
		{"always_off", "", false, false, 0},
		{"traceidratio", "0.25", false, false, 0.25},
		{"parentbased_traceidratio", "0.01", false, true, 0.01},
		{"parentbased_always_off", "", false, true, 0},
		{"parentbased_traceidratio", "", false, true, 1},
		{"traceidratio", "1.5", true, false, 0},
		{"traceidratio", "x", true, false, 0},
		{"jaeger_remote", "", true, false, 0},
	}
	for _, tt := range tests {
		s, err := newSampler(tt.name, tt.arg)
		if (err != nil) != tt.wantErr {
			t.Errorf("newSampler(%q, %q) error = %v, want error %v", tt.name, tt.arg, err, tt.wantErr)
			continue
		}
		if err == nil && (s.parentBased != tt.parent || s.ratio != tt.ratio) {
			t.Errorf("newSampler(%q, %q) = parent %v ratio %v, want %v %v", tt.name, tt.arg, s.parentBased, s.ratio, tt.parent, tt.ratio)
		}
	}
	// The ratio rule samples about ratio of random trace ids.
	s, _ := newSampler("traceidratio", "0.25")
	n := 0
	for i := range 4000 {
		var tid [16]byte
		tid[15], tid[14], tid[8] = byte(i), byte(i>>8), byte(i*37)
		if s.root(&tid) {
			n++
		}
	}
	if n < 800 || n > 1200 {
		t.Errorf("traceidratio 0.25 sampled %d of 4000 ids, want about 1000", n)
	}
	// Parent-based children follow the flag, whatever the ratio.
	ps, _ := newSampler("parentbased_always_off", "")
	if !ps.child(spanContext{flags: flagSampled}) || ps.child(spanContext{}) {
		t.Errorf("parentbased child decisions do not follow the sampled flag")
	}
}
