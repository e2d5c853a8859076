package schedclient

import (
	"bytes"
	"fmt"
	"io"

	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// EventReader reads the body of a SUBSCRIBE response: RecordIO records of
// JSON scheduler Events (models the recordio::Reader<Event> of
// MesosProcess). It is not safe for concurrent use.
type EventReader struct {
	r *recordio.Reader
}

// NewEventReader returns a reader of r accepting events of up to maxSize
// bytes (recordio.MaxRecordSize if maxSize <= 0). Memory use is bounded by
// maxSize plus what actually arrives, whatever a length header claims.
func NewEventReader(r io.Reader, maxSize int) *EventReader {
	return &EventReader{r: recordio.NewReader(r, maxSize)}
}

// Read returns the next event, which is the caller's. At a clean end of
// the stream it returns io.EOF. A framing error (a bad or oversized length
// header, a stream cut inside a record, a read error) is wrapped and
// returned by every later call too. A record that is not an Event yields
// an error wrapping ErrBadEvent; the stream stays in step and Read may be
// called again.
func (r *EventReader) Read() (*scheduler.Event, error) {
	rec, err := r.r.ReadRecord()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("schedclient: read event: %w", err)
	}
	if t := bytes.TrimLeft(rec, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		// stout parses an Event from a JSON object only; encoding/json
		// would take "null" for an empty Event.
		return nil, fmt.Errorf("schedclient: read event: %w: not a JSON object: %q", ErrBadEvent, truncate(rec, 32))
	}
	ev, err := scheduler.DecodeEvent(rec)
	if err != nil {
		return nil, fmt.Errorf("schedclient: read event: %w: %w", ErrBadEvent, err)
	}
	return ev, nil
}

// truncate returns at most n bytes of b, for error messages.
func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
