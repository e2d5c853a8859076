package agent

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// RecordType is StatusUpdateRecord.Type (src/messages/messages.proto).
type RecordType int32

// Status update record types.
const (
	RecordUpdate RecordType = 0 // UPDATE: a status update was received
	RecordAck    RecordType = 1 // ACK: the update with UUID was acknowledged
)

// String returns the protobuf enum name.
func (t RecordType) String() string {
	switch t {
	case RecordUpdate:
		return "UPDATE"
	case RecordAck:
		return "ACK"
	}
	return fmt.Sprintf("RecordType(%d)", int32(t))
}

// MarshalText writes the enum name.
func (t RecordType) MarshalText() ([]byte, error) {
	switch t {
	case RecordUpdate, RecordAck:
		return []byte(t.String()), nil
	}
	return nil, fmt.Errorf("agent: status update record type %d is not UPDATE or ACK", int32(t))
}

// UnmarshalText reads an enum name.
func (t *RecordType) UnmarshalText(b []byte) error {
	switch string(b) {
	case "UPDATE":
		*t = RecordUpdate
	case "ACK":
		*t = RecordAck
	default:
		return fmt.Errorf("agent: unknown status update record type %q", b)
	}
	return nil
}

// UpdateRecord is mesos.internal.StatusUpdateRecord: one entry of a task.updates
// checkpoint. An UPDATE carries the update, an ACK the acknowledged UUID.
type UpdateRecord struct {
	Type   RecordType          `json:"type"`
	Update *mesos.StatusUpdate `json:"update,omitempty"`
	UUID   []byte              `json:"uuid,omitempty"`
}

// MaxRecordBytes bounds one checkpointed record; a larger length prefix means a
// corrupt file.
const MaxRecordBytes = 16 << 20

// ErrCorruptRecord is wrapped by ReadRecords errors about a record that cannot be
// decoded.
var ErrCorruptRecord = errors.New("corrupt status update record")

// WriteRecord appends rec to w as stout's protobuf::write does: a 4-byte
// host-endian length, then the body — JSON here instead of the serialized
// protobuf. Both are written with one Write so a record is appended whole.
func WriteRecord(w io.Writer, rec UpdateRecord) error {
	body, err := mesos.Marshal(rec)
	if err != nil {
		return fmt.Errorf("agent: write status update record: %w", err)
	}
	if len(body) > MaxRecordBytes {
		return fmt.Errorf("agent: write status update record: %d bytes exceeds %d", len(body), MaxRecordBytes)
	}
	buf := make([]byte, 4+len(body))
	binary.NativeEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[4:], body)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("agent: write status update record: %w", err)
	}
	return nil
}

// ReadRecords reads every record of a task.updates file. A record cut short at the
// end of the data (an agent that died mid-write) ends the read with an error wrapping
// io.ErrUnexpectedEOF after the complete records; a record that does not decode is an
// error wrapping ErrCorruptRecord. Agent recovery reads task.updates with it
// (slave/state.cpp TaskState::recover; see state_recover.go).
func ReadRecords(r io.Reader) ([]UpdateRecord, error) {
	out, _, err := readRecords(r)
	return out, err
}

// readRecords is ReadRecords that also returns the length of the complete records
// read, where a file must be truncated to drop a torn or corrupt tail (as
// slave/state.cpp TaskState::recover truncates task.updates).
func readRecords(r io.Reader) ([]UpdateRecord, int64, error) {
	var out []UpdateRecord
	var size [4]byte
	var valid int64
	for i := 0; ; i++ {
		if _, err := io.ReadFull(r, size[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return out, valid, nil
			}
			return out, valid, fmt.Errorf("agent: read status update record %d: length: %w", i, err)
		}
		n := binary.NativeEndian.Uint32(size[:])
		if n > MaxRecordBytes {
			return out, valid, fmt.Errorf("agent: read status update record %d: %w: length %d exceeds %d", i, ErrCorruptRecord, n, MaxRecordBytes)
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return out, valid, fmt.Errorf("agent: read status update record %d: body: %w", i, err)
		}
		var rec UpdateRecord
		if err := json.Unmarshal(body, &rec); err != nil {
			return out, valid, fmt.Errorf("agent: read status update record %d: %w: %w", i, ErrCorruptRecord, err)
		}
		switch {
		case rec.Type == RecordUpdate && rec.Update == nil:
			return out, valid, fmt.Errorf("agent: read status update record %d: %w: UPDATE without 'update'", i, ErrCorruptRecord)
		case rec.Type == RecordAck && len(rec.UUID) == 0:
			return out, valid, fmt.Errorf("agent: read status update record %d: %w: ACK without 'uuid'", i, ErrCorruptRecord)
		}
		out = append(out, rec)
		valid += 4 + int64(n)
	}
}

// openUpdatesFile creates path's directory and opens path for appending, as
// TaskStatusUpdateStream's constructor does (O_CREAT|O_WRONLY|O_APPEND).
func openUpdatesFile(path string) (io.WriteCloser, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("failed to create '%s': %w", filepath.Dir(path), err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("failed to open '%s' for status updates: %w", path, err)
	}
	return f, nil
}
