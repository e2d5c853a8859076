package recordio

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzRecordIO reads arbitrary input with Reader and with Decoder (fed in
// chunks of a fuzzed size): neither panics, both agree on the records and
// on whether the input is valid, and re-encoding what was read gives the
// input back (the framing is canonical apart from leading zeros).
func FuzzRecordIO(f *testing.F) {
	f.Add([]byte("20\n{\"type\":\"HEARTBEAT\"}"), uint8(1))
	f.Add([]byte("5\nhello0\n3\nabc"), uint8(2))
	f.Add([]byte("5\nhel"), uint8(7))
	f.Add([]byte("x\n"), uint8(1))
	f.Add([]byte("99999999999999999999\n"), uint8(4))
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		const max = 1 << 12
		got, rerr := readAll(NewReader(bytes.NewReader(in), max))
		dec, derr, pending := decodeChunks(NewDecoder(max), in, int(step)+1)
		if diff := cmp.Diff(strs(got), strs(dec)); diff != "" {
			t.Fatalf("Reader and Decoder disagree on %q (-reader +decoder):\n%s", in, diff)
		}
		switch {
		case rerr == nil:
			if derr != nil || pending {
				t.Fatalf("Reader accepted %q, Decoder error %v pending %v", in, derr, pending)
			}
		case errors.Is(rerr, io.ErrUnexpectedEOF):
			if derr != nil || !pending {
				t.Fatalf("Reader found %q truncated, Decoder error %v pending %v", in, derr, pending)
			}
		default:
			if derr == nil {
				t.Fatalf("Reader rejected %q (%v), Decoder accepted it", in, rerr)
			}
		}
		if rerr != nil {
			return
		}
		var out []byte
		for _, r := range got {
			out = AppendRecord(out, r)
		}
		if !bytes.Equal(out, in) && !hasLeadingZeros(in) {
			t.Fatalf("re-encoding %q gave %q", in, out)
		}
	})
}

// hasLeadingZeros reports whether some header of a valid stream has a
// redundant leading zero ("05\n"), the one non-canonical framing.
func hasLeadingZeros(in []byte) bool {
	for len(in) > 0 {
		i := bytes.IndexByte(in, '\n')
		h := in[:i]
		if len(h) > 1 && h[0] == '0' {
			return true
		}
		n := 0
		for _, c := range h {
			n = n*10 + int(c-'0')
		}
		in = in[i+1+n:]
	}
	return false
}
