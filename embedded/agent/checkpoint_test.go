package agent

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

func TestRecordsRoundTrip(t *testing.T) {
	u := update("fw", "t", mesos.TaskRunning, 1)
	u.Status.Message = "hello <world> & co"
	recs := []UpdateRecord{
		{Type: RecordUpdate, Update: &u},
		{Type: RecordAck, UUID: u.UUID},
	}
	var buf bytes.Buffer
	for _, r := range recs {
		if err := WriteRecord(&buf, r); err != nil {
			t.Fatal(err)
		}
	}
	// The length prefix is 4 host-endian bytes, as stout's protobuf::write writes it.
	if n := binary.NativeEndian.Uint32(buf.Bytes()[:4]); int(n) <= 0 || int(n) >= buf.Len() {
		t.Errorf("first length prefix = %d of %d bytes", n, buf.Len())
	}
	whole := buf.Bytes()
	got, err := ReadRecords(bytes.NewReader(whole))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(recs, got); diff != "" {
		t.Errorf("ReadRecords (-want +got):\n%s", diff)
	}

	// An agent that died mid-write leaves a partial record: the complete ones are
	// returned with io.ErrUnexpectedEOF.
	for cut := 1; cut < 8; cut++ {
		got, err := ReadRecords(bytes.NewReader(whole[:len(whole)-cut]))
		if !errors.Is(err, io.ErrUnexpectedEOF) || len(got) != 1 {
			t.Errorf("ReadRecords(cut %d) = %d records, %v; want 1 and io.ErrUnexpectedEOF", cut, len(got), err)
		}
	}
}

func TestReadRecordsCorrupt(t *testing.T) {
	frame := func(body string) []byte {
		b := binary.NativeEndian.AppendUint32(nil, uint32(len(body)))
		return append(b, body...)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"not json", frame("{")},
		{"bad type", frame(`{"type":"NOPE"}`)},
		{"update without update", frame(`{"type":"UPDATE"}`)},
		{"ack without uuid", frame(`{"type":"ACK"}`)},
		{"huge length", binary.NativeEndian.AppendUint32(nil, MaxRecordBytes+1)},
	}
	for _, tc := range tests {
		if _, err := ReadRecords(bytes.NewReader(tc.data)); !errors.Is(err, ErrCorruptRecord) {
			t.Errorf("ReadRecords(%s) = %v, want ErrCorruptRecord", tc.name, err)
		}
	}
}

func FuzzReadRecords(f *testing.F) {
	var buf bytes.Buffer
	u := update("fw", "t", mesos.TaskFinished, 2)
	WriteRecord(&buf, UpdateRecord{Type: RecordUpdate, Update: &u})
	WriteRecord(&buf, UpdateRecord{Type: RecordAck, UUID: u.UUID})
	f.Add(buf.Bytes())
	f.Add([]byte{})
	f.Add([]byte{4, 0, 0, 0, '{', '}', 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ReadRecords(bytes.NewReader(data))
		if err != nil {
			return
		}
		// What decodes writes back and decodes to the same records.
		var out bytes.Buffer
		for _, r := range recs {
			if err := WriteRecord(&out, r); err != nil {
				t.Fatalf("WriteRecord(%+v) = %v", r, err)
			}
		}
		again, err := ReadRecords(&out)
		if err != nil {
			t.Fatalf("ReadRecords(rewritten) = %v", err)
		}
		if len(again) != len(recs) {
			t.Fatalf("rewritten records = %d, want %d", len(again), len(recs))
		}
	})
}
