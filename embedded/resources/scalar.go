package resources

import (
	"math"
	"strconv"
)

// Mesos keeps scalar values as doubles but does every comparison and every
// addition or subtraction in a fixed-point representation with three
// decimal digits (src/common/values.cpp, convertToFixed/convertToFloating).
// The helpers below reproduce those conversions bit for bit: llround rounds
// half away from zero like math.Round, and the conversion back divides only
// the remainder by 1000, exactly as Mesos does.

// toFixed models convertToFixed: std::llround(v * 1000). For NaN and for
// results outside int64 llround's result is unspecified; glibc on x86
// returns LLONG_MIN, and so do we on every platform, so that such values
// compare as negative exactly as they do in a Mesos master.
func toFixed(v float64) int64 {
	f := math.Round(v * 1000)
	if !(f > -0x1p63 && f < 0x1p63) {
		return math.MinInt64
	}
	return int64(f)
}

// fromFixed models convertToFloating: quotient plus remainder/1000.
func fromFixed(f int64) float64 {
	return float64(f/1000) + float64(f%1000)/1000.0
}

// maxExactInt bounds the whole numbers addFixed adds directly: below it
// v*1000 and every sum of two such values are exact in float64.
const maxExactInt = 1 << 42

// addFixed is fromFixed(toFixed(a) + toFixed(b)), with a shortcut for the
// common case of two whole numbers (cpus:24, mem:4096), where the
// fixed-point round trip is exact and gives a+b bit for bit.
func addFixed(a, b float64) float64 {
	if a > -maxExactInt && a < maxExactInt && b > -maxExactInt && b < maxExactInt &&
		float64(int64(a)) == a && float64(int64(b)) == b {
		if s := a + b; s != 0 {
			return s
		}
		return 0 // fromFixed(0) is +0, while -0 + -0 is -0
	}
	return fromFixed(toFixed(a) + toFixed(b))
}

// ScalarAdd returns a+b computed like Mesos's Value::Scalar operator+=.
func ScalarAdd(a, b float64) float64 { return fromFixed(toFixed(a) + toFixed(b)) }

// ScalarSub returns a-b computed like Mesos's Value::Scalar operator-=.
func ScalarSub(a, b float64) float64 { return fromFixed(toFixed(a) - toFixed(b)) }

// ScalarEqual reports whether a and b are equal at Mesos's three-decimal
// precision (Value::Scalar operator==).
func ScalarEqual(a, b float64) bool { return toFixed(a) == toFixed(b) }

// ScalarLess reports a < b at Mesos's three-decimal precision.
func ScalarLess(a, b float64) bool { return toFixed(a) < toFixed(b) }

// ScalarLessEqual reports a <= b at Mesos's three-decimal precision.
func ScalarLessEqual(a, b float64) bool { return toFixed(a) <= toFixed(b) }

// RoundScalar returns v with any precision beyond three decimals discarded
// by rounding, the value Mesos prints and returns from Resources::get.
func RoundScalar(v float64) float64 { return fromFixed(toFixed(v)) }

// FormatScalar renders a scalar the way Mesos's operator<< for
// Value::Scalar does: rounded to three decimals, then printed with 15
// significant digits in the shortest of fixed or exponent notation
// (std::ostream default floatfield with precision digits10).
func FormatScalar(v float64) string {
	return string(appendScalar(nil, v))
}

func appendScalar(dst []byte, v float64) []byte {
	return strconv.AppendFloat(dst, RoundScalar(v), 'g', 15, 64)
}
