package recordio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// MaxRecordSize is the default limit on one record's data: 64 MiB, far
// above any Mesos event (a SUBSCRIBED event of a large cluster is a few
// MiB).
const MaxRecordSize = 64 << 20

// maxHeaderDigits is the length of the largest uint64 in decimal.
const maxHeaderDigits = 20

// ErrRecordTooLarge is wrapped by errors for records beyond the limit.
var ErrRecordTooLarge = errors.New("record too large")

// ErrBadHeader is wrapped by errors for malformed length headers.
var ErrBadHeader = errors.New("invalid record length")

// AppendRecord appends the framing of data to dst: "<len>\n<data>".
func AppendRecord(dst, data []byte) []byte {
	dst = strconv.AppendInt(dst, int64(len(data)), 10)
	dst = append(dst, '\n')
	return append(dst, data...)
}

// Writer writes RecordIO records to an io.Writer, one Write call per
// record (so a record is never interleaved with another writer's output on
// an HTTP stream that serialises Write calls). Writer is not safe for
// concurrent use.
type Writer struct {
	w   io.Writer
	buf []byte
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// WriteRecord writes one record.
func (w *Writer) WriteRecord(data []byte) error {
	w.buf = AppendRecord(w.buf[:0], data)
	if _, err := w.w.Write(w.buf); err != nil {
		return fmt.Errorf("recordio: write record: %w", err)
	}
	if cap(w.buf) > 1<<20 { // don't pin a huge buffer after one big record
		w.buf = nil
	}
	return nil
}

// Reader reads RecordIO records from an io.Reader. It is not safe for
// concurrent use.
type Reader struct {
	r   *bufio.Reader
	max int
	err error
}

// NewReader returns a Reader of r accepting records up to maxSize bytes
// (MaxRecordSize if maxSize <= 0).
func NewReader(r io.Reader, maxSize int) *Reader {
	if maxSize <= 0 {
		maxSize = MaxRecordSize
	}
	return &Reader{r: bufio.NewReader(r), max: maxSize}
}

// ReadRecord returns the next record. It returns io.EOF at a clean end of
// the stream, io.ErrUnexpectedEOF (wrapped) if the stream ends inside a
// record, and an error wrapping ErrBadHeader or ErrRecordTooLarge for bad
// input; after an error every call returns the same error. The returned
// slice is the caller's.
func (r *Reader) ReadRecord() ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	data, err := r.read()
	if err != nil {
		r.err = err
	}
	return data, err
}

func (r *Reader) read() ([]byte, error) {
	var header [maxHeaderDigits]byte
	n := 0
	for {
		c, err := r.r.ReadByte()
		if err == io.EOF {
			if n == 0 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("recordio: read header %q: %w", header[:n], io.ErrUnexpectedEOF)
		}
		if err != nil {
			return nil, fmt.Errorf("recordio: read header: %w", err)
		}
		if c == '\n' {
			break
		}
		if c < '0' || c > '9' {
			return nil, fmt.Errorf("recordio: read header %q: %w: unexpected byte %q", header[:n], ErrBadHeader, c)
		}
		if n == maxHeaderDigits {
			return nil, fmt.Errorf("recordio: read header %q...: %w: more than %d digits", header[:n], ErrBadHeader, maxHeaderDigits)
		}
		header[n] = c
		n++
	}
	size, err := parseSize(header[:n], r.max)
	if err != nil {
		return nil, err
	}
	// Read in steps rather than trusting the header with one allocation,
	// so a bogus length costs no more memory than the bytes that arrive.
	var data []byte
	if size <= 1<<16 {
		data = make([]byte, size)
		_, err = io.ReadFull(r.r, data)
	} else {
		data, err = io.ReadAll(io.LimitReader(r.r, int64(size)))
		if err == nil && len(data) < size {
			err = io.ErrUnexpectedEOF
		}
	}
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("recordio: read record of %d bytes: %w", size, err)
	}
	return data, nil
}

// parseSize parses a length header and checks it against max.
func parseSize(h []byte, max int) (int, error) {
	if len(h) == 0 {
		return 0, fmt.Errorf("recordio: read header \"\": %w: empty", ErrBadHeader)
	}
	v, err := strconv.ParseUint(string(h), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("recordio: read header %q: %w: %v", h, ErrBadHeader, err)
	}
	if v > uint64(max) {
		return 0, fmt.Errorf("recordio: read header %q: %w: %d bytes exceed the limit of %d", h, ErrRecordTooLarge, v, max)
	}
	return int(v), nil
}
