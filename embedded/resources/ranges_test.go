package resources

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func ranges(t testing.TB, text string) []Range {
	t.Helper()
	v, err := ParseValue(text)
	if err != nil || v.Type != TypeRanges {
		t.Fatalf("ParseValue(%q) = %v, %v, want ranges", text, v, err)
	}
	return v.Ranges
}

// Ports ValuesTest.RangesParse, RangesCoalesce and RangesCoalesceParse.
func TestRangesCoalesce(t *testing.T) {
	tests := []struct {
		in   []Range
		want []Range
	}{
		{[]Range{{1, 4}, {3, 5}, {7, 8}, {8, 10}}, []Range{{1, 5}, {7, 10}}},
		{[]Range{{1, 10}}, []Range{{1, 10}}},
		{nil, nil},
		{[]Range{{5, 6}, {1, 2}}, []Range{{1, 2}, {5, 6}}},
		{[]Range{{0, ^uint64(0)}, {5, 6}}, []Range{{0, ^uint64(0)}}},
	}
	for _, tc := range tests {
		if got := CoalesceRanges(tc.in); !cmp.Equal(got, tc.want) {
			t.Errorf("CoalesceRanges(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}

	parsed := []struct{ in, want string }{
		{"[1-10]", "[1-10]"},
		{"[4-6, 6-8, 5-9, 3-4, 2-5, 4-6, 1-1, 10-10, 4-6]", "[1-10]"},
		{"[4-6, 6-8]", "[4-8]"},
		{"[6-8, 4-6]", "[4-8]"},
		{"[1-10, 8-10]", "[1-10]"},
		{"[1-11, 8-10]", "[1-11]"},
		{"[1-4, 4-5, 7-8, 8-10]", "[1-5, 7-10]"},
		{"[7-8, 1-4, [8-10], 4-5]", "[1-5, 7-10]"},
		{"[4-6, 7-8]", "[4-8]"},
		{"[4-6, 7-7]", "[4-7]"},
		{"[4-6, 7-7, 8-8, 9-9]", "[4-9]"},
		{"[4-6, 7-7, 9-10, 9-11]", "[4-7, 9-11]"},
		{"[6-8, 6-8, 4-6, 6-8]", "[4-8]"},
	}
	for _, tc := range parsed {
		if got := FormatRanges(ranges(t, tc.in)); got != tc.want {
			t.Errorf("ParseValue(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// Ports ValuesTest.AddRangeCoalesce.
func TestAddRangeCoalesce(t *testing.T) {
	rs := []Range{{1, 4}, {8, 10}}
	steps := []struct {
		add  Range
		want []Range
	}{
		{Range{4, 8}, []Range{{1, 10}}},
		{Range{5, 7}, []Range{{1, 10}}},
		{Range{5, 7}, []Range{{1, 10}}},
		{Range{20, 21}, []Range{{1, 10}, {20, 21}}},
	}
	for _, s := range steps {
		rs = addRanges(rs, []Range{s.add})
		if !cmp.Equal(rs, s.want) {
			t.Errorf("after adding %v: %v, want %v", s.add, rs, s.want)
		}
	}
}

// Ports ValuesTest.RangesAddition.
func TestRangesAddition(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"[3-8]", "[4-10]", "[3-10]"},
		{"[3-8]", "[1-4]", "[1-8]"},
		{"[2-3]", "[1-4]", "[1-4]"},
		{"[2-3]", "[4-6]", "[2-6]"},
		{"[3-5]", "[1-2]", "[1-5]"},
		{"[3-5, 7-8]", "[6-6]", "[3-8]"},
		{"[1-4, 9-10, 20-22, 26-30]", "[5-8, 23-25]", "[1-10, 20-30]"},
	}
	for _, tc := range tests {
		got := addRanges(ranges(t, tc.a), ranges(t, tc.b))
		if s := FormatRanges(got); s != tc.want {
			t.Errorf("%s + %s = %s, want %s", tc.a, tc.b, s, tc.want)
		}
	}
}

// Ports ValuesTest.RangesSubtraction.
func TestRangesSubtraction(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"[]", "[1-10]", "[]"},
		{"[3-8]", "[]", "[3-8]"},
		{"[3-8]", "[1-10]", "[]"},
		{"[3-8]", "[3-5]", "[6-8]"},
		{"[3-8]", "[5-8]", "[3-4]"},
		{"[3-8]", "[5-6]", "[3-4, 7-8]"},
		{"[3-8]", "[1-3]", "[4-8]"},
		{"[3-8]", "[5-10]", "[3-4]"},
		{"[3-8]", "[9-10]", "[3-8]"},
		{"[3-8]", "[1-2]", "[3-8]"},
		{"[1-10, 20-30, 40-50]", "[2-9, 15-45, 48-50]", "[1-1, 10-10, 46-47]"},
		{"[0-18446744073709551615]", "[0-0]", "[1-18446744073709551615]"},
	}
	for _, tc := range tests {
		got := subtractRanges(ranges(t, tc.a), ranges(t, tc.b))
		if s := FormatRanges(got); s != tc.want {
			t.Errorf("%s - %s = %s, want %s", tc.a, tc.b, s, tc.want)
		}
	}
}

func TestRangesSubset(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"[2-2, 4-5]", "[1-10]", true},
		{"[1-10]", "[2-2, 4-5]", false},
		{"[2-3]", "[2-2, 4-5]", false},
		{"[2-2, 4-5]", "[1-2, 4-6]", true},
		{"[]", "[]", true},
		{"[1-1]", "[]", false},
	}
	for _, tc := range tests {
		if got := rangesSubset(ranges(t, tc.a), ranges(t, tc.b)); got != tc.want {
			t.Errorf("rangesSubset(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
