package resources

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestScalarArithmeticIsFixedPoint(t *testing.T) {
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"0.1+0.2", ScalarAdd(0.1, 0.2), 0.3},
		{"3.5+3.5", ScalarAdd(3.5, 3.5), 7},
		{"1.001*3-2", ScalarSub(ScalarAdd(ScalarAdd(1.001, 1.001), 1.001), 2.002), 1.001},
		{"round half away", RoundScalar(1.5015), 1.502},
		{"round down", RoundScalar(1.5011), 1.501},
		{"negative", ScalarSub(1, 1.5), -0.5},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if !ScalarEqual(1.0004, 1) || ScalarEqual(1.0005, 1) {
		t.Errorf("ScalarEqual at three decimals is wrong")
	}
	if !ScalarLess(1, 1.001) || ScalarLess(1, 1.0004) || !ScalarLessEqual(1, 1.0004) {
		t.Errorf("ScalarLess/ScalarLessEqual at three decimals is wrong")
	}
}

func TestToFixedOutOfRange(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 1e20, -1e20} {
		if got := toFixed(v); got != math.MinInt64 {
			t.Errorf("toFixed(%v) = %d, want %d", v, got, int64(math.MinInt64))
		}
	}
}

// Ports ResourcesTest.PrintingScalarPrecision.
func TestFormatScalar(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{1.234, "1.234"},
		{1.2345, "1.235"},
		{1.2344, "1.234"},
		{1.1, "1.1"},
		{1000001, "1000001"},
		{99999999999.9994, "99999999999.999"},
		{0, "0"},
		{4, "4"},
		{0.001, "0.001"},
		{123456789012345, "123456789012345"},
		{1234567890123456, "1.23456789012346e+15"},
	}
	for _, tc := range tests {
		if got := FormatScalar(tc.in); got != tc.want {
			t.Errorf("FormatScalar(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAddFixedMatchesFixedPoint checks addFixed's whole-number shortcut
// against the fixed-point round trip, bit for bit, on the edges of the
// shortcut and on random values.
func TestAddFixedMatchesFixedPoint(t *testing.T) {
	slow := func(a, b float64) float64 { return fromFixed(toFixed(a) + toFixed(b)) }
	edges := []float64{0, math.Copysign(0, -1), 1, -1, 24, 4096, 0.5, 1.0005, -2.5,
		maxExactInt - 1, maxExactInt, -(maxExactInt - 1), 1 << 50, 1e300, math.Inf(1), math.NaN()}
	check := func(a, b float64) {
		t.Helper()
		got, want := addFixed(a, b), slow(a, b)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("addFixed(%v, %v) = %v, want %v", a, b, got, want)
		}
	}
	for _, a := range edges {
		for _, b := range edges {
			check(a, b)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		a := float64(rng.Int64N(1<<44) - 1<<43)
		b := float64(rng.Int64N(1<<20)) / float64(1+rng.IntN(4)*999)
		check(a, b)
		check(b, a)
		check(a, -a)
	}
}
