package recordio

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func TestWriterFormat(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, r := range []string{`{"type":"HEARTBEAT"}`, "", "x"} {
		if err := w.WriteRecord([]byte(r)); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := buf.String(), "20\n{\"type\":\"HEARTBEAT\"}0\n1\nx"; got != want {
		t.Errorf("Writer output = %q, want %q", got, want)
	}
}

func readAll(r *Reader) ([][]byte, error) {
	var out [][]byte
	for {
		rec, err := r.ReadRecord()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
}

func TestReader(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int
		want    []string
		wantErr error
	}{
		{name: "empty stream", in: "", want: nil},
		{name: "one", in: "5\nhello", want: []string{"hello"}},
		{name: "several", in: "5\nhello0\n3\nabc", want: []string{"hello", "", "abc"}},
		{name: "doc example", in: "20\n{\"type\":\"HEARTBEAT\"}", want: []string{`{"type":"HEARTBEAT"}`}},
		{name: "newline inside record", in: "3\na\nb", want: []string{"a\nb"}},
		{name: "truncated record", in: "5\nhel", want: nil, wantErr: io.ErrUnexpectedEOF},
		{name: "truncated header", in: "5\nhello12", want: []string{"hello"}, wantErr: io.ErrUnexpectedEOF},
		{name: "non digit", in: "5x\nhello", wantErr: ErrBadHeader},
		{name: "sign", in: "+5\nhello", wantErr: ErrBadHeader},
		{name: "empty header", in: "\nhello", wantErr: ErrBadHeader},
		{name: "too many digits", in: "000000000000000000005\nhello", wantErr: ErrBadHeader},
		{name: "uint64 overflow", in: "99999999999999999999\n", wantErr: ErrBadHeader},
		{name: "over limit", in: "11\nhello world", max: 10, wantErr: ErrRecordTooLarge},
		{name: "at limit", in: "10\nhelloworld", max: 10, want: []string{"helloworld"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// One byte at a time exercises records split across reads.
			for _, src := range []io.Reader{bytes.NewBufferString(tc.in), iotest.OneByteReader(bytes.NewBufferString(tc.in))} {
				got, err := readAll(NewReader(src, tc.max))
				if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
					t.Errorf("ReadRecord(%q) error = %v, want %v", tc.in, err, tc.wantErr)
				}
				if diff := cmp.Diff(tc.want, strs(got)); diff != "" {
					t.Errorf("ReadRecord(%q) records differ (-want +got):\n%s", tc.in, diff)
				}
			}
			// The push decoder agrees, also when fed byte by byte.
			for _, step := range []int{len(tc.in) + 1, 1, 3} {
				got, err, pending := decodeChunks(NewDecoder(tc.max), []byte(tc.in), step)
				if errors.Is(tc.wantErr, io.ErrUnexpectedEOF) {
					if err != nil || !pending {
						t.Errorf("Decode(%q, step %d) = err %v, pending %v; want nil, true", tc.in, step, err, pending)
					}
				} else if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
					t.Errorf("Decode(%q, step %d) error = %v, want %v", tc.in, step, err, tc.wantErr)
				}
				if diff := cmp.Diff(tc.want, strs(got)); diff != "" {
					t.Errorf("Decode(%q, step %d) records differ (-want +got):\n%s", tc.in, step, diff)
				}
			}
		})
	}
}

func decodeChunks(d *Decoder, in []byte, step int) ([][]byte, error, bool) {
	var out [][]byte
	for len(in) > 0 {
		n := min(step, len(in))
		recs, err := d.Decode(in[:n])
		out = append(out, recs...)
		if err != nil {
			return out, err, d.Pending()
		}
		in = in[n:]
	}
	return out, nil, d.Pending()
}

func strs(bs [][]byte) []string {
	if bs == nil {
		return nil
	}
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = string(b)
	}
	return out
}

func TestReaderStickyError(t *testing.T) {
	r := NewReader(bytes.NewBufferString("x\n1\na"), 0)
	_, err1 := r.ReadRecord()
	_, err2 := r.ReadRecord()
	if err1 == nil || err1 != err2 {
		t.Errorf("ReadRecord errors = %v, %v; want the same non-nil error twice", err1, err2)
	}
	d := NewDecoder(0)
	if _, err := d.Decode([]byte("x")); err == nil {
		t.Fatal("Decode(\"x\") error = nil, want an error")
	}
	if _, err := d.Decode([]byte("1\na")); !errors.Is(err, ErrBadHeader) {
		t.Errorf("Decode after failure error = %v, want one wrapping ErrBadHeader", err)
	}
}

func TestBogusLengthDoesNotAllocate(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r := NewReader(bytes.NewBufferString("60000000\nshort"), 0)
	if _, err := r.ReadRecord(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("ReadRecord error = %v, want io.ErrUnexpectedEOF", err)
	}
	d := NewDecoder(0)
	if _, err := d.Decode([]byte("60000000\nshort")); err != nil || !d.Pending() {
		t.Fatalf("Decode = %v, pending %v; want nil, true", err, d.Pending())
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
		t.Errorf("reading a truncated 60 MB record allocated %d bytes, want < 1 MiB", got)
	}
}
