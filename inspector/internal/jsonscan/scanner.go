package jsonscan

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the JSON type of the next value.
type Kind uint8

// The kinds of JSON values. Invalid means end of input or a syntax error.
const (
	Invalid Kind = iota
	Null
	Bool
	Number
	String
	Object
	Array
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "bool"
	case Number:
		return "number"
	case String:
		return "string"
	case Object:
		return "object"
	case Array:
		return "array"
	}
	return "invalid"
}

// DefaultMaxDepth bounds object/array nesting unless Scanner.MaxDepth is set.
const DefaultMaxDepth = 256

// Scanner reads one JSON document from a byte slice. It is not safe for concurrent
// use. The byte slice must not be modified while the scanner (or any key slice it
// returned) is in use.
type Scanner struct {
	// MaxDepth bounds nesting; zero means DefaultMaxDepth.
	MaxDepth int

	data      []byte
	pos       int
	depth     int
	n         uint64 // values consumed, to detect callbacks that consumed nothing
	err       error
	intern    map[string]string
	internMax int
	scratch   []byte
}

// New returns a scanner over data.
func New(data []byte) *Scanner {
	return &Scanner{data: data}
}

// Intern makes Interned share one copy of each distinct string value up to maxLen
// bytes long. Use it for large documents with many repeated ids.
func (s *Scanner) Intern(maxLen int) {
	if s.intern == nil {
		s.intern = make(map[string]string, 1024)
	}
	s.internMax = maxLen
}

// Err returns the first syntax error, or nil.
func (s *Scanner) Err() error { return s.err }

// Offset returns the current byte offset.
func (s *Scanner) Offset() int { return s.pos }

func (s *Scanner) failf(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("json: offset %d: %s", s.pos, fmt.Sprintf(format, args...))
	}
	s.pos = len(s.data)
}

func (s *Scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// Peek returns the kind of the next value without consuming it.
func (s *Scanner) Peek() Kind {
	if s.err != nil {
		return Invalid
	}
	s.ws()
	if s.pos >= len(s.data) {
		return Invalid
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return Object
	case c == '[':
		return Array
	case c == '"':
		return String
	case c == 't' || c == 'f':
		return Bool
	case c == 'n':
		return Null
	case c == '-' || (c >= '0' && c <= '9'):
		return Number
	}
	return Invalid
}

// Finish checks that only whitespace follows the document.
func (s *Scanner) Finish() error {
	if s.err != nil {
		return s.err
	}
	s.ws()
	if s.pos < len(s.data) {
		s.failf("unexpected %q after top-level value", s.data[s.pos])
	}
	return s.err
}

func (s *Scanner) maxDepth() int {
	if s.MaxDepth > 0 {
		return s.MaxDepth
	}
	return DefaultMaxDepth
}

func (s *Scanner) enter() bool {
	s.depth++
	if s.depth > s.maxDepth() {
		s.failf("nesting deeper than %d", s.maxDepth())
		return false
	}
	return true
}

// Object iterates over the members of an object, calling fn with each key. fn should
// consume the member's value with one of the value methods; a value fn leaves
// untouched is skipped. The key slice is only valid during the call. If the next
// value is not an object it is skipped and Object returns false.
func (s *Scanner) Object(fn func(key []byte)) bool {
	if s.Peek() != Object {
		s.Skip()
		return false
	}
	if !s.enter() {
		return false
	}
	s.pos++
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		s.depth--
		s.n++
		return true
	}
	for s.err == nil {
		s.ws()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			s.failf("expected object key")
			return true
		}
		key := s.readString()
		s.ws()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			s.failf("expected ':' after object key")
			return true
		}
		s.pos++
		before := s.n
		fn(key)
		if s.err != nil {
			return true
		}
		if s.endMember(before, '}', "object") {
			return true
		}
	}
	return true
}

// Array iterates over the elements of an array, calling fn for each; fn should
// consume the element (an untouched element is skipped). If the next value is not an
// array it is skipped and Array returns false.
func (s *Scanner) Array(fn func(i int)) bool {
	if s.Peek() != Array {
		s.Skip()
		return false
	}
	if !s.enter() {
		return false
	}
	s.pos++
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		s.n++
		return true
	}
	for i := 0; s.err == nil; i++ {
		before := s.n
		if s.Peek() == Invalid {
			s.failf("expected array element")
			return true
		}
		fn(i)
		if s.err != nil {
			return true
		}
		if s.endMember(before, ']', "array") {
			return true
		}
	}
	return true
}

// endMember finishes one member of an object or element of an array: it skips a value
// the callback left untouched (before is the value count when the callback started),
// then consumes the ',' that continues the container or the closing byte that ends it.
// It reports whether the container is finished (closed, or an error was recorded).
func (s *Scanner) endMember(before uint64, closing byte, what string) bool {
	if s.n == before {
		s.Skip()
	}
	s.ws()
	if s.pos >= len(s.data) {
		s.failf("unterminated %s", what)
		return true
	}
	switch s.data[s.pos] {
	case ',':
		s.pos++
		return false
	case closing:
		s.pos++
		s.depth--
		s.n++
		return true
	}
	s.failf("expected ',' or '%c' in %s, found %q", closing, what, s.data[s.pos])
	return true
}

// Skip consumes the next value whatever its kind, checking its syntax.
func (s *Scanner) Skip() {
	switch s.Peek() {
	case Object:
		s.Object(func([]byte) {})
	case Array:
		s.Array(func(int) {})
	case String:
		s.readString()
		s.n++
	case Number:
		s.readNumber()
		s.n++
	case Bool, Null:
		s.readLiteral()
		s.n++
	default:
		if s.err == nil {
			if s.pos >= len(s.data) {
				s.failf("unexpected end of input")
			} else {
				s.failf("unexpected %q", s.data[s.pos])
			}
		}
	}
}

// Raw consumes the next value and returns its bytes as they appear in the input.
func (s *Scanner) Raw() []byte {
	s.ws()
	start := s.pos
	s.Skip()
	if s.err != nil {
		return nil
	}
	return s.data[start:s.pos]
}

func (s *Scanner) readLiteral() (isTrue, isNull bool) {
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(s.data)-s.pos >= len(lit) && string(s.data[s.pos:s.pos+len(lit)]) == lit {
			s.pos += len(lit)
			return lit == "true", lit == "null"
		}
	}
	s.failf("invalid literal")
	return false, false
}

// readNumber consumes a JSON number and returns its literal bytes.
func (s *Scanner) readNumber() []byte {
	start := s.pos
	d := s.data
	i := s.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	intStart := i
	if n := digits(); n == 0 || (n > 1 && d[intStart] == '0') {
		s.failf("invalid number")
		return nil
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			s.failf("invalid number fraction")
			return nil
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			s.failf("invalid number exponent")
			return nil
		}
	}
	s.pos = i
	return d[start:i]
}

// readString consumes a JSON string and returns its unescaped bytes: a view into
// the input when it has no escapes, else the scanner's scratch buffer.
func (s *Scanner) readString() []byte {
	d := s.data
	s.pos++ // opening quote
	start := s.pos
	for i := start; i < len(d); i++ {
		c := d[i]
		if c == '"' {
			s.pos = i + 1
			return d[start:i]
		}
		if c == '\\' {
			return s.readEscaped(start, i)
		}
		if c < 0x20 {
			s.pos = i
			s.failf("control character in string")
			return nil
		}
	}
	s.failf("unterminated string")
	return nil
}

func (s *Scanner) readEscaped(start, i int) []byte {
	d := s.data
	buf := append(s.scratch[:0], d[start:i]...)
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			s.pos = i + 1
			s.scratch = buf
			return buf
		case c < 0x20:
			s.pos = i
			s.failf("control character in string")
			return nil
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		if i+1 >= len(d) {
			break
		}
		e := d[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := hex4(d, i)
			if !ok {
				s.pos = i
				s.failf("invalid \\u escape")
				return nil
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(d, i+2); ok && i+1 < len(d) && d[i] == '\\' && d[i+1] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			s.pos = i - 1
			s.failf("invalid escape '\\%c'", e)
			return nil
		}
	}
	s.failf("unterminated string")
	return nil
}

func hex4(d []byte, i int) (rune, bool) {
	if i+4 > len(d) {
		return 0, false
	}
	var r rune
	for _, c := range d[i : i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// Bytes consumes a string value and returns its unescaped bytes, valid until the
// next call on the scanner. Numbers and booleans give their literal text; null and
// other kinds give nil (the value is skipped).
func (s *Scanner) Bytes() []byte {
	switch s.Peek() {
	case String:
		b := s.readString()
		s.n++
		return b
	case Number:
		b := s.readNumber()
		s.n++
		return b
	case Bool:
		t, _ := s.readLiteral()
		s.n++
		if t {
			return []byte("true")
		}
		return []byte("false")
	}
	s.Skip()
	return nil
}

// String consumes a value as a string. Numbers and booleans give their literal text
// (v0 attributes may be numbers); null, objects and arrays give "" (skipped).
func (s *Scanner) String() string {
	b := s.Bytes()
	if len(b) == 0 {
		return ""
	}
	return string(b)
}

// Interned is String, sharing one copy of each distinct value when Intern was
// called. Use it for fields that repeat across a document (ids that other objects
// refer to, states, roles), not for unique ones, which would only grow the table.
func (s *Scanner) Interned() string {
	b := s.Bytes()
	if len(b) == 0 {
		return ""
	}
	if s.intern != nil && len(b) <= s.internMax {
		if v, ok := s.intern[string(b)]; ok {
			return v
		}
		v := string(b)
		s.intern[v] = v
		return v
	}
	return string(b)
}

// InternBytes returns b as a string, interned like Interned (for object keys that
// repeat, such as attribute names and role names in maps).
func (s *Scanner) InternBytes(b []byte) string {
	if s.intern != nil && len(b) <= s.internMax {
		if v, ok := s.intern[string(b)]; ok {
			return v
		}
		v := string(b)
		s.intern[v] = v
		return v
	}
	return string(b)
}

// Float consumes a value as a float64. Strings holding a number, "Infinity",
// "-Infinity" or "NaN" (as stout accepts) are converted; booleans give 0 or 1;
// anything else gives 0 and ok=false.
func (s *Scanner) Float() (v float64, ok bool) {
	switch s.Peek() {
	case Number:
		b := s.readNumber()
		s.n++
		if s.err != nil {
			return 0, false
		}
		return parseFloat(b)
	case String:
		b := s.readString()
		s.n++
		switch string(b) {
		case "Infinity", "+Infinity", "inf", "+inf":
			return math.Inf(1), true
		case "-Infinity", "-inf":
			return math.Inf(-1), true
		case "NaN", "nan":
			return math.NaN(), true
		}
		return parseFloat(b)
	case Bool:
		t, _ := s.readLiteral()
		s.n++
		if t {
			return 1, true
		}
		return 0, true
	}
	s.Skip()
	return 0, false
}

func parseFloat(b []byte) (float64, bool) {
	// Fast path for small integers, the common case in Mesos payloads.
	if len(b) > 0 && len(b) < 16 {
		neg := b[0] == '-'
		digits := b
		if neg {
			digits = b[1:]
		}
		var n int64
		ok := len(digits) > 0
		for _, c := range digits {
			if c < '0' || c > '9' {
				ok = false
				break
			}
			n = n*10 + int64(c-'0')
		}
		if ok {
			if neg {
				n = -n
			}
			return float64(n), true
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, false
	}
	return f, true
}

// Int consumes a value as an int64, exactly for integer literals (nanosecond
// timestamps exceed float64 precision). Fractions are truncated; strings holding a
// number are converted; anything else gives 0 and ok=false.
func (s *Scanner) Int() (v int64, ok bool) {
	k := s.Peek()
	if k != Number && k != String {
		f, ok := s.Float()
		return int64(f), ok
	}
	var b []byte
	if k == Number {
		b = s.readNumber()
	} else {
		b = s.readString()
	}
	s.n++
	if s.err != nil {
		return 0, false
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		return n, true
	}
	f, ok := parseFloat(b)
	if !ok || math.IsNaN(f) || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}

// Bool consumes a value as a boolean. Numbers are true when non-zero and the
// strings "true"/"false" are accepted; anything else gives false.
func (s *Scanner) Bool() bool {
	switch s.Peek() {
	case Bool:
		t, _ := s.readLiteral()
		s.n++
		return t
	case Number:
		f, _ := s.Float()
		return f != 0
	case String:
		b := s.readString()
		s.n++
		return string(b) == "true" || string(b) == "1"
	}
	s.Skip()
	return false
}

// IsNull consumes a null and reports true, or consumes nothing and reports false.
func (s *Scanner) IsNull() bool {
	if s.Peek() == Null {
		s.readLiteral()
		s.n++
		return true
	}
	return false
}
