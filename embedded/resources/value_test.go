package resources

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Ports ValuesTest.ValidInput from src/tests/values_tests.cpp.
func TestParseValueValidInput(t *testing.T) {
	tests := []struct {
		in   string
		want Value
	}{
		{"45.55", Value{Type: TypeScalar, Scalar: 45.55}},
		{"[10000-20000, 30000-50000]", Value{Type: TypeRanges, Ranges: []Range{{10000, 20000}, {30000, 50000}}}},
		{"{sda1, sda2}", Value{Type: TypeSet, Set: []string{"sda1", "sda2"}}},
		{"123abc,s", Value{Type: TypeText, Text: "123abc,s"}},
		{"[]", Value{Type: TypeRanges}},
		{"0", Value{Type: TypeScalar}},
		{"1e3", Value{Type: TypeScalar, Scalar: 1000}},
		{"[0x10-0x20]", Value{Type: TypeRanges, Ranges: []Range{{16, 32}}}},
		{"0x10", Value{Type: TypeText, Text: "0x10"}},
	}
	for _, tc := range tests {
		got, err := ParseValue(tc.in)
		if err != nil {
			t.Errorf("ParseValue(%q) error: %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseValue(%q) mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
}

// Ports ValuesTest.InvalidInput.
func TestParseValueInvalidInput(t *testing.T) {
	tests := []struct{ in, want string }{
		{"{aa,b}}", "mismatched brackets"},
		{"[1-2]]", "mismatched brackets"},
		{"[1-2b]", "expecting non-negative integers in '1'"},
		{"  ", "expecting non-empty string"},
		{"nan", "invalid scalar value 'nan':NaN not supported"},
		{"-nan", "invalid scalar value '-nan':NaN not supported"},
		{"inf", "invalid scalar value 'inf':infinite values not supported"},
		{"-inf", "invalid scalar value '-inf':infinite values not supported"},
		{"infinity", "invalid scalar value 'infinity':infinite values not supported"},
		{"-infinity", "invalid scalar value '-infinity':infinite values not supported"},
		{"-1", "invalid scalar value '-1':negative values not supported"},
		{"1e-310", "invalid scalar value '1e-310':subnormal values not supported"},
		{"[1-2-3]", `expecting one or more "ranges"`},
		{"a[1-2]", "unexpected '[' found"},
		{"a{b}", "unexpected '{' found"},
	}
	for _, tc := range tests {
		_, err := ParseValue(tc.in)
		if err == nil {
			t.Errorf("ParseValue(%q) = nil error, want %q", tc.in, tc.want)
			continue
		}
		if got := errors.Unwrap(err); got == nil || got.Error() != tc.want {
			t.Errorf("ParseValue(%q) error = %v, want cause %q", tc.in, err, tc.want)
		}
	}
}

// Ports ValuesTest.SetSubtraction.
func TestSetSubtraction(t *testing.T) {
	set1 := []string{"sda1", "sda2", "sda3"}
	set2 := []string{"sda2", "sda3"}
	set3 := []string{"sda4"}
	set1 = subtractSet(set1, set2)
	if want := []string{"sda1"}; !setEqual(set1, want) {
		t.Errorf("subtractSet = %v, want %v", set1, want)
	}
	set3 = subtractSet(set3, set1)
	if want := []string{"sda4"}; !setEqual(set3, want) {
		t.Errorf("subtractSet = %v, want %v", set3, want)
	}
}

func TestSetEqualIgnoresOrder(t *testing.T) {
	if !setEqual([]string{"a", "b"}, []string{"b", "a"}) {
		t.Errorf("setEqual({a,b}, {b,a}) = false, want true")
	}
	if setEqual([]string{"a", "b"}, []string{"a", "c"}) {
		t.Errorf("setEqual({a,b}, {a,c}) = true, want false")
	}
}

func TestValueTypeString(t *testing.T) {
	tests := []struct {
		in   ValueType
		want string
	}{{TypeScalar, "SCALAR"}, {TypeRanges, "RANGES"}, {TypeSet, "SET"}, {TypeText, "TEXT"}, {9, "9"}}
	for _, tc := range tests {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("ValueType(%d).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
}
