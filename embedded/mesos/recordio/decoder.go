package recordio

import (
	"fmt"
)

// Decoder is the push form of the format, modelled on stout's
// recordio::Decoder: feed it chunks as they arrive and it returns the
// records they complete. After an error it stays failed. It is not safe
// for concurrent use.
type Decoder struct {
	max    int
	header []byte
	record []byte
	size   int
	inBody bool
	failed error
}

// NewDecoder returns a Decoder accepting records up to maxSize bytes
// (MaxRecordSize if maxSize <= 0).
func NewDecoder(maxSize int) *Decoder {
	if maxSize <= 0 {
		maxSize = MaxRecordSize
	}
	return &Decoder{max: maxSize}
}

// Decode consumes chunk and returns the records it completes (possibly
// none). Returned records are the caller's.
func (d *Decoder) Decode(chunk []byte) ([][]byte, error) {
	if d.failed != nil {
		return nil, fmt.Errorf("recordio: decoder is in a failed state: %w", d.failed)
	}
	var out [][]byte
	for len(chunk) > 0 {
		if d.inBody {
			need := d.size - len(d.record)
			take := min(need, len(chunk))
			d.record = append(d.record, chunk[:take]...)
			chunk = chunk[take:]
			if len(d.record) == d.size {
				out = append(out, d.record)
				d.record, d.inBody = nil, false
			}
			continue
		}
		c := chunk[0]
		chunk = chunk[1:]
		if c != '\n' {
			if c < '0' || c > '9' {
				return out, d.fail(fmt.Errorf("recordio: read header %q: %w: unexpected byte %q", d.header, ErrBadHeader, c))
			}
			if len(d.header) == maxHeaderDigits {
				return out, d.fail(fmt.Errorf("recordio: read header %q...: %w: more than %d digits", d.header, ErrBadHeader, maxHeaderDigits))
			}
			d.header = append(d.header, c)
			continue
		}
		size, err := parseSize(d.header, d.max)
		if err != nil {
			return out, d.fail(err)
		}
		d.header = d.header[:0]
		if size == 0 {
			out = append(out, []byte{})
			continue
		}
		d.size, d.inBody = size, true
		d.record = make([]byte, 0, min(size, 1<<16))
	}
	return out, nil
}

// Pending reports whether the decoder holds a partial record or header,
// i.e. whether ending the stream now would truncate a record.
func (d *Decoder) Pending() bool { return d.inBody || len(d.header) > 0 }

func (d *Decoder) fail(err error) error {
	d.failed = err
	return err
}
