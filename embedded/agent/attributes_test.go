package agent

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

func TestParseAttributes(t *testing.T) {
	tests := []struct {
		in      string
		want    []string // "name:TYPE:value"
		wantErr string
	}{
		{"", nil, ""},
		{"rack:r1;zone:a;gpu:true", []string{"rack:TEXT:r1", "zone:TEXT:a", "gpu:TEXT:true"}, ""},
		{"cores:8;load:0.5", []string{"cores:SCALAR:8", "load:SCALAR:0.5"}, ""},
		{"ports:[1-10,20-30]", []string{"ports:RANGES:[1-10, 20-30]"}, ""},
		{"ports:[1-5, 3-10]", []string{"ports:RANGES:[1-10]"}, ""},
		{"rack: r 1", []string{"rack:TEXT:r1"}, ""},
		{"a:x\nb:y;;", []string{"a:TEXT:x", "b:TEXT:y"}, ""},
		{"url:http://x:80", []string{"url:TEXT:http://x:80"}, ""},
		{"rack", nil, "invalid attribute key:value pair 'rack'"},
		{":x", nil, "invalid attribute key:value pair ':x'"},
		{"x:", nil, "invalid attribute key:value pair 'x:'"},
		{"os:{a,b}", nil, "bad type SET"},
		{"ports:[1-2", nil, "mismatched brackets"},
		{"ports:[a-b]", nil, "expecting non-negative integers"},
		{"n:-1", nil, "negative values not supported"},
		{"n:  ", nil, "expecting non-empty string"},
	}
	for _, tc := range tests {
		got, err := ParseAttributes(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.wantErr)) {
				t.Errorf("ParseAttributes(%q) = %v, %v; want error containing %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAttributes(%q) = %v", tc.in, err)
			continue
		}
		var s []string
		for _, a := range got {
			s = append(s, a.Name+":"+a.Type.String()+":"+a.ValueString())
		}
		if diff := cmp.Diff(tc.want, s); diff != "" {
			t.Errorf("ParseAttributes(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func ExampleParseAttributes() {
	attrs, err := ParseAttributes("rack:r1;cores:8;ports:[31000-32000]")
	if err != nil {
		panic(err)
	}
	for _, a := range attrs {
		fmt.Println(a.Type, a)
	}
	// Output:
	// TEXT rack:r1
	// SCALAR cores:8
	// RANGES ports:[31000-32000]
}

func FuzzParseAttributes(f *testing.F) {
	for _, s := range []string{"rack:r1;zone:a", "cores:8", "p:[1-2,5-9]", "s:{a,b}", "a\nb:c", "x:1e400", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		attrs, err := ParseAttributes(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "agent: parse attributes") {
				t.Errorf("ParseAttributes(%q) error %q lacks the operation prefix", s, err)
			}
			return
		}
		for _, a := range attrs {
			if a.Name == "" {
				t.Errorf("ParseAttributes(%q) gave an attribute without a name", s)
			}
			switch a.Type {
			case mesos.ValueScalar:
				if a.Scalar == nil || a.Scalar.Value < 0 {
					t.Errorf("ParseAttributes(%q) scalar %v", s, a.Scalar)
				}
			case mesos.ValueRanges:
				if a.Ranges == nil {
					t.Errorf("ParseAttributes(%q) ranges nil", s)
				}
			case mesos.ValueText:
				if a.Text == nil || a.Text.Value == "" {
					t.Errorf("ParseAttributes(%q) empty text", s)
				}
			default:
				t.Errorf("ParseAttributes(%q) type %v", s, a.Type)
			}
		}
		// The rendered attributes parse back to the same values. Scalars are
		// rendered here rather than with Attribute.String, whose fixed-point
		// formatting (resources.FormatScalar) cannot show values beyond ~9.2e15,
		// which Mesos accepts as attributes.
		var parts []string
		for _, a := range attrs {
			if a.Type == mesos.ValueScalar {
				parts = append(parts, a.Name+":"+strconv.FormatFloat(a.Scalar.Value, 'f', -1, 64))
			} else {
				parts = append(parts, a.String())
			}
		}
		again, err := ParseAttributes(strings.Join(parts, ";"))
		if err != nil {
			t.Fatalf("ParseAttributes(%q) rendered as %q does not parse: %v", s, strings.Join(parts, ";"), err)
		}
		if len(again) != len(attrs) {
			t.Fatalf("ParseAttributes round trip of %q: %d attributes, want %d", s, len(again), len(attrs))
		}
	})
}
