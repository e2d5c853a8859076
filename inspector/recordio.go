package inspector

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxRecordBytes bounds one RecordIO record unless configured otherwise. A
// SUBSCRIBED event carries the whole GET_STATE, so the bound is generous.
const DefaultMaxRecordBytes = 256 << 20

// maxHeaderDigits bounds the length header: a uint64 has at most 20 digits.
const maxHeaderDigits = 20

// RecordReader reads Mesos RecordIO: records of the form "<decimal length>\n<bytes>"
// (docs/recordio.md). It follows the decoder Mesos itself uses (stout's
// recordio::Decoder): the header is digits only up to the newline, a zero length
// is an empty record, and any malformed header is fatal for the stream. Unlike
// that decoder it rejects records longer than a configured maximum instead of
// buffering them.
type RecordReader struct {
	r   *bufio.Reader
	max int64
	err error
}

// NewRecordReader returns a reader of records from r; maxRecord ≤ 0 means
// DefaultMaxRecordBytes.
func NewRecordReader(r io.Reader, maxRecord int64) *RecordReader {
	if maxRecord <= 0 {
		maxRecord = DefaultMaxRecordBytes
	}
	return &RecordReader{r: bufio.NewReaderSize(r, 64<<10), max: maxRecord}
}

// Next returns the next record. It returns io.EOF when the stream ends cleanly
// between records, io.ErrUnexpectedEOF when it ends inside one, and an error
// wrapping ErrTooLarge for an oversized record. Errors are sticky.
func (rr *RecordReader) Next() ([]byte, error) {
	if rr.err != nil {
		return nil, rr.err
	}
	rec, err := rr.next()
	if err != nil {
		rr.err = err
	}
	return rec, err
}

func (rr *RecordReader) next() ([]byte, error) {
	var n uint64
	digits := 0
	for {
		c, err := rr.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if digits == 0 {
					return nil, io.EOF
				}
				return nil, io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("recordio: read header: %w", err)
		}
		if c == '\n' {
			break
		}
		if c < '0' || c > '9' {
			return nil, fmt.Errorf("recordio: invalid length header: unexpected byte %q after %d digits", c, digits)
		}
		digits++
		if digits > maxHeaderDigits {
			return nil, fmt.Errorf("recordio: invalid length header: more than %d digits", maxHeaderDigits)
		}
		d := uint64(c - '0')
		if n > (^uint64(0)-d)/10 {
			return nil, fmt.Errorf("recordio: invalid length header: overflows uint64")
		}
		n = n*10 + d
	}
	if digits == 0 {
		return nil, fmt.Errorf("recordio: invalid length header: empty")
	}
	if n > uint64(rr.max) {
		return nil, fmt.Errorf("recordio: record of %d bytes exceeds limit %d: %w", n, rr.max, ErrTooLarge)
	}
	rec := make([]byte, n)
	if _, err := io.ReadFull(rr.r, rec); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("recordio: read %d-byte record: %w", n, err)
	}
	return rec, nil
}

// AppendRecord appends data framed as one RecordIO record to dst.
func AppendRecord(dst, data []byte) []byte {
	dst = fmt.Appendf(dst, "%d\n", len(data))
	return append(dst, data...)
}
