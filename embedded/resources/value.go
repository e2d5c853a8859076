package resources

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ValueType is mesos.proto's Value.Type.
type ValueType int32

// The Value.Type enum, with Mesos's numbers.
const (
	TypeScalar ValueType = 0 // SCALAR
	TypeRanges ValueType = 1 // RANGES
	TypeSet    ValueType = 2 // SET
	TypeText   ValueType = 3 // TEXT (never valid for a Resource)
)

var valueTypeNames = [...]string{"SCALAR", "RANGES", "SET", "TEXT"}

// String returns the protobuf enum name ("SCALAR", ...).
func (t ValueType) String() string {
	if t >= 0 && int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return strconv.Itoa(int(t))
}

// valid mirrors Value::Type_IsValid.
func (t ValueType) valid() bool { return t >= TypeScalar && t <= TypeText }

// Value is a parsed resource value (mesos.proto Value): exactly one of the
// fields matching Type is meaningful.
type Value struct {
	Type   ValueType
	Scalar float64
	Ranges []Range
	Set    []string
	Text   string
}

// ParseValue parses the value half of a text resource ("4", "[1-10]",
// "{a,b}") exactly like Mesos's internal::values::parse
// (src/common/values.cpp): spaces are removed, brackets must balance, a
// leading '[' means RANGES (coalesced), a leading '{' means SET, a number
// means SCALAR (validated by validateInputScalarValue) and anything else is
// TEXT.
func ParseValue(text string) (Value, error) {
	v, err := parseValue(text)
	if err != nil {
		return Value{}, fmt.Errorf("resources: parse value %q: %w", text, err)
	}
	return v, nil
}

func parseValue(text string) (Value, error) {
	temp := strings.ReplaceAll(text, " ", "")
	if temp == "" {
		return Value{}, errors.New("expecting non-empty string")
	}
	if !bracketsMatch(temp, '{', '}') || !bracketsMatch(temp, '[', ']') ||
		!bracketsMatch(temp, '(', ')') {
		return Value{}, errors.New("mismatched brackets")
	}

	switch idx := strings.IndexByte(temp, '['); {
	case idx == 0:
		tokens := tokenize(temp, "[]-,\n")
		if len(tokens)%2 != 0 {
			return Value{}, errors.New(`expecting one or more "ranges"`)
		}
		ranges := make([]Range, 0, len(tokens)/2)
		for i := 0; i < len(tokens); i += 2 {
			begin, err1 := numifyUint(tokens[i])
			end, err2 := numifyUint(tokens[i+1])
			if err1 != nil || err2 != nil {
				return Value{}, fmt.Errorf("expecting non-negative integers in '%s'", tokens[i])
			}
			ranges = append(ranges, Range{Begin: begin, End: end})
		}
		// Mesos coalesces parsed ranges; an inverted range such as [5-1]
		// survives coalescing and is rejected later by validation.
		return Value{Type: TypeRanges, Ranges: coalesceInPlace(ranges)}, nil
	case idx > 0:
		return Value{}, errors.New("unexpected '[' found")
	}

	switch idx := strings.IndexByte(temp, '{'); {
	case idx == 0:
		tokens := tokenize(temp, "{},\n")
		if len(tokens) == 0 {
			tokens = nil
		}
		return Value{Type: TypeSet, Set: tokens}, nil
	case idx > 0:
		return Value{}, errors.New("unexpected '{' found")
	}

	f, ok := numifyFloat(temp)
	if !ok {
		return Value{Type: TypeText, Text: temp}, nil
	}
	if err := validateInputScalarValue(f); err != nil {
		return Value{}, fmt.Errorf("invalid scalar value '%s':%w", temp, err)
	}
	return Value{Type: TypeScalar, Scalar: f}, nil
}

// validateInputScalarValue models
// common::validation::validateInputScalarValue (src/common/validation.cpp).
func validateInputScalarValue(v float64) error {
	switch {
	case math.IsInf(v, 0):
		return errors.New("infinite values not supported")
	case math.IsNaN(v):
		return errors.New("NaN not supported")
	case v == 0:
		return nil
	case math.Abs(v) < 0x1p-1022:
		return errors.New("subnormal values not supported")
	case v < 0:
		return errors.New("negative values not supported")
	}
	return nil
}

// bracketsMatch models strings::checkBracketsMatching.
func bracketsMatch(s string, open, closing byte) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case open:
			n++
		case closing:
			n--
		}
		if n < 0 {
			return false
		}
	}
	return n == 0
}

// tokenize models strings::tokenize: split on any delimiter byte, dropping
// empty tokens.
func tokenize(s, delims string) []string {
	var out []string
	start := -1
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(delims, s[i]) >= 0 {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// numifyFloat models numify<double> (boost::lexical_cast): decimal and
// exponent notation, "nan", "inf" and "infinity" in any case, an optional
// sign; hexadecimal and Go-only syntaxes (underscores) are rejected.
func numifyFloat(s string) (float64, bool) {
	if s == "" || strings.ContainsAny(s, "_xXpP") && !isInfOrNaN(s) {
		return 0, false
	}
	if t := strings.ToLower(strings.TrimLeft(s, "+-")); t == "nan" && len(s)-len(t) <= 1 {
		// boost::lexical_cast accepts a signed NaN; strconv does not.
		return math.NaN(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

func isInfOrNaN(s string) bool {
	s = strings.ToLower(strings.TrimLeft(s, "+-"))
	return s == "nan" || s == "inf" || s == "infinity"
}

// numifyUint models numify<uint64_t> for range bounds (which never carry a
// '-' because '-' is a range delimiter): decimal digits with an optional
// leading '+', or a 0x hexadecimal number.
func numifyUint(s string) (uint64, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return strconv.ParseUint(s[2:], 16, 64)
	}
	return strconv.ParseUint(strings.TrimPrefix(s, "+"), 10, 64)
}
