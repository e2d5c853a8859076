package readonly

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// The append helpers below write JSON the way stout's jsonify (rapidjson's
// Writer) does, without reflection and without allocating: callers append
// keys as literals ("\"name\":") and values with these.

// appendString appends s as a JSON string. Escapes follow rapidjson's
// Writer (\" \\ \b \f \n \r \t, other control characters as \u00XX);
// invalid UTF-8 is written as U+FFFD, as encoding/json does, so that the
// output is always valid JSON and decodes to what json.Marshal's output
// decodes to.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainByte[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				const hex = "0123456789ABCDEF"
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\uFFFD"...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainByte tells the ASCII bytes a JSON string carries unescaped. It is
// a constant table, never written after initialization.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendFloat appends v as rapidjson's Writer::Double prints it (the
// Grisu2 shortest digits with Prettify): "2.0", "0.5", "1470820172.07315",
// "1e21", "1.5e-7". NaN and infinities, which JSON cannot represent (and
// on which rapidjson fails), are written as null.
func appendFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	if v == 0 {
		if math.Signbit(v) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	if v < 1<<53 && v == float64(int64(v)) {
		// Integral: the shortest digits are the integer's, and rapidjson
		// writes "<int>.0" below 1e21.
		b = strconv.AppendInt(b, int64(v), 10)
		return append(b, '.', '0')
	}
	// Shortest round-trip digits d1...dn with v = 0.d1...dn × 10^kk.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], v, 'e', -1, 64)
	var digits [24]byte
	n := 0
	i := 0
	for ; i < len(e) && e[i] != 'e'; i++ {
		if e[i] != '.' {
			digits[n] = e[i]
			n++
		}
	}
	x := 0
	neg := false
	for i++; i < len(e); i++ {
		switch c := e[i]; {
		case c == '-':
			neg = true
		case c >= '0' && c <= '9':
			x = x*10 + int(c-'0')
		}
	}
	if neg {
		x = -x
	}
	d := digits[:n]
	kk := x + 1
	k := kk - n
	switch {
	case k >= 0 && kk <= 21:
		b = append(b, d...)
		for range k {
			b = append(b, '0')
		}
		return append(b, '.', '0')
	case kk > 0 && kk <= 21:
		b = append(b, d[:kk]...)
		b = append(b, '.')
		return append(b, d[kk:]...)
	case kk > -6 && kk <= 0:
		b = append(b, '0', '.')
		for range -kk {
			b = append(b, '0')
		}
		return append(b, d...)
	case n == 1:
		b = append(b, d[0], 'e')
		return strconv.AppendInt(b, int64(kk-1), 10)
	default:
		b = append(b, d[0], '.')
		b = append(b, d[1:]...)
		b = append(b, 'e')
		return strconv.AppendInt(b, int64(kk-1), 10)
	}
}

// appendInt appends an integer.
func appendInt(b []byte, v int64) []byte { return strconv.AppendInt(b, v, 10) }

// appendUint appends an unsigned integer.
func appendUint(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 10) }

// appendBool appends true or false.
func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// nanos returns t as nanoseconds since the epoch, 0 for the zero time
// (Mesos's Time of the epoch; time.Time's zero is year 1).
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// appendSecs appends t as float seconds since the epoch, as Mesos's
// Time::secs() (nanoseconds / 1e9 as a double).
func appendSecs(b []byte, t time.Time) []byte {
	return appendFloat(b, float64(nanos(t))/1e9)
}

// appendTimeInfo appends a v1 TimeInfo: {"nanoseconds":N}.
func appendTimeInfo(b []byte, t time.Time) []byte {
	b = append(b, `{"nanoseconds":`...)
	b = appendInt(b, nanos(t))
	return append(b, '}')
}

// appendBytes appends a protobuf bytes field: standard base64 in a string.
func appendBytes(b []byte, data []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, data)
	return append(b, '"')
}

// appendID appends a v1 ID message: {"value":"..."}.
func appendID(b []byte, v string) []byte {
	b = append(b, `{"value":`...)
	b = appendString(b, v)
	return append(b, '}')
}

// appendStrings appends a JSON array of strings.
func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendMarshal appends v encoded by embedded/mesos (reflection; used for
// the rarely present nested messages: discovery, container, health check,
// environment, drain info, ...). A value that cannot be encoded (an enum
// out of range) is written as {} so that the output stays valid JSON.
func appendMarshal(b []byte, v any) []byte {
	out, err := mesos.Marshal(v)
	if err != nil {
		return append(b, "{}"...)
	}
	return append(b, out...)
}

// validRaw reports whether raw is a JSON value that may be copied into
// the output (raw sub-messages such as check_status are kept as given).
func validRaw(raw json.RawMessage) bool { return len(raw) > 0 && json.Valid(raw) }

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// sortStrings sorts ss in place.
func sortStrings(ss []string) { slices.Sort(ss) }
