package resources

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// Helpers shared by the v1 and v0 JSON codecs. Decoding follows stout's
// protobuf JSON parser (3rdparty/stout/include/stout/protobuf.hpp): unknown
// fields are ignored, null means unset, enums are given by name, doubles
// and integers may also be given as strings. Encoding follows stout's
// JSON::protobuf with rapidjson's number format ("2.0", "0.5", "1e21").

type object map[string]json.RawMessage

func decodeObject(raw json.RawMessage) (object, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, errors.New("expecting a JSON object")
	}
	var o object
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// field returns the value of key, treating null as absent.
func (o object) field(key string) (json.RawMessage, bool) {
	v, ok := o[key]
	if !ok || isNull(v) {
		return nil, false
	}
	return v, true
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

func (o object) str(key string) (string, bool, error) {
	v, ok := o.field(key)
	if !ok {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false, fmt.Errorf("field '%s': expecting a JSON string", key)
	}
	return s, true, nil
}

func (o object) double(key string) (float64, bool, error) {
	v, ok := o.field(key)
	if !ok {
		return 0, false, nil
	}
	if len(v) > 0 && v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return 0, false, fmt.Errorf("field '%s': %w", key, err)
		}
		switch s {
		case "Infinity":
			return math.Inf(1), true, nil
		case "-Infinity":
			return math.Inf(-1), true, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !json.Valid([]byte(s)) {
			return 0, false, fmt.Errorf("field '%s': failed to parse '%s' as a JSON number", key, s)
		}
		return f, true, nil
	}
	var f float64
	if err := json.Unmarshal(v, &f); err != nil {
		return 0, false, fmt.Errorf("field '%s': expecting a JSON number", key)
	}
	return f, true, nil
}

func (o object) uint64(key string) (uint64, bool, error) {
	v, ok := o.field(key)
	if !ok {
		return 0, false, nil
	}
	if len(v) > 0 && v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return 0, false, fmt.Errorf("field '%s': %w", key, err)
		}
		v = json.RawMessage(s)
	}
	n, err := strconv.ParseUint(string(bytes.TrimSpace(v)), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("field '%s': expecting a non-negative integer, got %s", key, v)
	}
	return n, true, nil
}

// enum decodes an enum given by name. An unknown name is an error for a
// required field and is discarded (reported absent) for an optional one,
// as proto2 and stout do.
func (o object) enum(key string, names []string, required bool) (int, bool, error) {
	s, ok, err := o.str(key)
	if err != nil || !ok {
		return 0, ok, err
	}
	for i, n := range names {
		if n == s {
			return i, true, nil
		}
	}
	if required {
		return 0, false, fmt.Errorf("field '%s': failed to find enum for '%s'", key, s)
	}
	return 0, false, nil
}

func (o object) obj(key string) (object, bool, error) {
	v, ok := o.field(key)
	if !ok {
		return nil, false, nil
	}
	sub, err := decodeObject(v)
	if err != nil {
		return nil, false, fmt.Errorf("field '%s': %w", key, err)
	}
	return sub, true, nil
}

func (o object) array(key string) ([]json.RawMessage, error) {
	v, ok := o.field(key)
	if !ok {
		return nil, nil
	}
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] != '[' {
		return nil, fmt.Errorf("field '%s': expecting a JSON array", key)
	}
	var out []json.RawMessage
	if err := json.Unmarshal(v, &out); err != nil {
		return nil, fmt.Errorf("field '%s': %w", key, err)
	}
	return out, nil
}

// appendJSONString appends s as a JSON string literal.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// errNonFinite is returned when encoding a NaN or infinite scalar, which
// JSON cannot represent (rapidjson refuses them too).
var errNonFinite = errors.New("scalar value is NaN or infinite")

// appendJSONFloat appends v the way rapidjson's Writer::Double prints it:
// shortest round-trip digits, always with a decimal point or exponent
// ("2.0", "0.001", "1e21", "1.5e-7").
func appendJSONFloat(dst []byte, v float64) ([]byte, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dst, errNonFinite
	}
	if v == 0 {
		if math.Signbit(v) {
			return append(dst, "-0.0"...), nil
		}
		return append(dst, "0.0"...), nil
	}
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	// Shortest digits d1d2...dn and exponent: v = 0.d1...dn × 10^kk.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], v, 'e', -1, 64)
	mant, exp, _ := bytes.Cut(e, []byte{'e'})
	digits := make([]byte, 0, len(mant))
	for _, c := range mant {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	x, _ := strconv.Atoi(string(exp))
	length := len(digits)
	kk := x + 1 // position of the decimal point after the first kk digits
	k := kk - length
	switch {
	case k >= 0 && kk <= 21:
		dst = append(dst, digits...)
		for range k {
			dst = append(dst, '0')
		}
		return append(dst, '.', '0'), nil
	case kk > 0 && kk <= 21:
		dst = append(dst, digits[:kk]...)
		dst = append(dst, '.')
		return append(dst, digits[kk:]...), nil
	case kk > -6 && kk <= 0:
		dst = append(dst, '0', '.')
		for range -kk {
			dst = append(dst, '0')
		}
		return append(dst, digits...), nil
	case length == 1:
		dst = append(dst, digits[0], 'e')
		return strconv.AppendInt(dst, int64(kk-1), 10), nil
	default:
		dst = append(dst, digits[0], '.')
		dst = append(dst, digits[1:]...)
		dst = append(dst, 'e')
		return strconv.AppendInt(dst, int64(kk-1), 10), nil
	}
}
