package readonly

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"
	"time"
)

func TestAppendFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{1, "1.0"},
		{2.5, "2.5"},
		{-3, "-3.0"},
		{0.1, "0.1"},
		{1024, "1024.0"},
		{604800000, "604800000.0"},
		{1470820172.07315, "1470820172.07315"},
		{1576452102.4698071, "1576452102.4698071"},
		{0.001, "0.001"},
		{0.000001, "0.000001"},
		{1e-7, "1e-7"},
		{1.5e-7, "1.5e-7"},
		{1e21, "1e21"},
		{1.25e22, "1.25e22"},
		{123456789012345678901, "123456789012345680000.0"},
		{math.MaxFloat64, "1.7976931348623157e308"},
		{math.SmallestNonzeroFloat64, "5e-324"},
		{math.NaN(), "null"},
		{math.Inf(1), "null"},
		{math.Inf(-1), "null"},
	}
	for _, tc := range tests {
		if got := string(appendFloat(nil, tc.in)); got != tc.want {
			t.Errorf("appendFloat(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAppendString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", `""`},
		{"plain", `"plain"`},
		{`q"b\s`, `"q\"b\\s"`},
		{"\b\f\n\r\t", `"\b\f\n\r\t"`},
		{"\x00\x1f\x7f", `"\u0000\u001F` + "\x7f" + `"`},
		{"<&>/", `"<&>/"`},
		{"héllo 世界", `"héllo 世界"`},
		{"bad\xffutf8", `"bad` + "\uFFFD" + `utf8"`},
		{"\xed\xa0\x80", `"` + "\uFFFD\uFFFD\uFFFD" + `"`},
	}
	for _, tc := range tests {
		if got := string(appendString(nil, tc.in)); got != tc.want {
			t.Errorf("appendString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestAppendSecs checks the zero time and nanosecond rounding.
func TestAppendSecs(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Time{}, "0.0"},
		{time.Unix(0, 0), "0.0"},
		{time.Unix(1470820172, 73150000), "1470820172.07315"},
		{time.Unix(1, 500000000), "1.5"},
	}
	for _, tc := range tests {
		if got := string(appendSecs(nil, tc.in)); got != tc.want {
			t.Errorf("appendSecs(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzAppendString checks that any string is written as valid JSON that
// decodes to what encoding/json's encoding of it decodes to.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a", "\"\\", "\x00\x1f", "\xff", "héllo", "\u2028", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendString(nil, s)
		if !json.Valid(out) {
			t.Fatalf("appendString(%q) = %s: invalid JSON", s, out)
		}
		var got, want string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		ref, _ := json.Marshal(s)
		if err := json.Unmarshal(ref, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("appendString(%q) decodes to %q, want %q", s, got, want)
		}
	})
}

// FuzzAppendFloat checks that finite doubles round-trip exactly and carry
// a decimal point or exponent, as rapidjson writes them.
func FuzzAppendFloat(f *testing.F) {
	for _, v := range []float64{0, 1, -1, 0.1, 1e21, 1e-7, 1470820172.07315, math.MaxFloat64} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		out := appendFloat(nil, v)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if string(out) != "null" {
				t.Fatalf("appendFloat(%v) = %s, want null", v, out)
			}
			return
		}
		got, err := strconv.ParseFloat(string(out), 64)
		if err != nil || got != v {
			t.Fatalf("appendFloat(%v) = %s, parses to %v (%v)", v, out, got, err)
		}
		if !json.Valid(out) {
			t.Fatalf("appendFloat(%v) = %s: invalid JSON", v, out)
		}
		dot := false
		for _, c := range out {
			if c == '.' || c == 'e' {
				dot = true
			}
		}
		if !dot {
			t.Errorf("appendFloat(%v) = %s: no decimal point or exponent", v, out)
		}
	})
}
