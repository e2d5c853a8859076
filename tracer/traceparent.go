package tracer

// W3C Trace Context "traceparent" header, version 00:
//
//	00-<32 hex trace-id>-<16 hex parent-id>-<2 hex flags>
//
// Parsing and formatting here never allocate on the parse side and allocate exactly one
// string on the format side, so the hot path can carry context cheaply.

const (
	headerTraceparent = "traceparent"
	headerTracestate  = "tracestate"
	traceparentLen    = 55
	flagSampled       = 0x01
)

// spanContext is the part of a W3C trace context the hot path needs.
type spanContext struct {
	traceID [16]byte
	spanID  [8]byte
	flags   byte
}

func (sc spanContext) sampled() bool { return sc.flags&flagSampled != 0 }

// parseTraceparent parses a traceparent header value. Future versions (other than
// "ff", which is invalid) are accepted when they are at least as long as version 00
// and the byte after the flags is a '-', as the W3C spec requires.
func parseTraceparent(s string) (spanContext, bool) {
	var sc spanContext
	if len(s) < traceparentLen {
		return sc, false
	}
	ver, ok := hexByte(s[0], s[1])
	if !ok || ver == 0xff || s[2] != '-' || s[35] != '-' || s[52] != '-' {
		return sc, false
	}
	if ver == 0 && len(s) != traceparentLen {
		return sc, false
	}
	if ver != 0 && len(s) > traceparentLen && s[traceparentLen] != '-' {
		return sc, false
	}
	// Table decoding, branch-free per digit: an invalid digit sets a high bit in bad.
	var bad byte
	for i := range sc.traceID {
		hi, lo := hexVal[s[3+2*i]], hexVal[s[4+2*i]]
		bad |= hi | lo
		sc.traceID[i] = hi<<4 | lo&0xf
	}
	for i := range sc.spanID {
		hi, lo := hexVal[s[36+2*i]], hexVal[s[37+2*i]]
		bad |= hi | lo
		sc.spanID[i] = hi<<4 | lo&0xf
	}
	if bad&0xf0 != 0 {
		return spanContext{}, false
	}
	if sc.traceID == ([16]byte{}) || sc.spanID == ([8]byte{}) {
		return sc, false
	}
	f, ok := hexByte(s[53], s[54])
	if !ok {
		return sc, false
	}
	sc.flags = f
	return sc, true
}

// formatTraceparent returns the version 00 header for sc.
func formatTraceparent(sc spanContext) string {
	const hexdigits = "0123456789abcdef"
	var b [traceparentLen]byte
	b[0], b[1], b[2] = '0', '0', '-'
	for i, v := range sc.traceID {
		b[3+2*i], b[4+2*i] = hexdigits[v>>4], hexdigits[v&0xf]
	}
	b[35] = '-'
	for i, v := range sc.spanID {
		b[36+2*i], b[37+2*i] = hexdigits[v>>4], hexdigits[v&0xf]
	}
	b[52] = '-'
	b[53], b[54] = hexdigits[sc.flags>>4], hexdigits[sc.flags&0xf]
	return string(b[:])
}

// hexVal maps a lowercase hex digit to its value and every other byte to 0xf0.
var hexVal = func() (t [256]byte) {
	for c := range t {
		v, ok := hexNibble(byte(c))
		if !ok {
			v = 0xf0
		}
		t[c] = v
	}
	return t
}()

// hexByte decodes two lowercase hex digits (W3C forbids uppercase).
func hexByte(hi, lo byte) (byte, bool) {
	h, ok1 := hexNibble(hi)
	l, ok2 := hexNibble(lo)
	return h<<4 | l, ok1 && ok2
}

func hexNibble(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}
