package schedclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// fixture reads a payload of /work/shared/fixtures/mesos (the scheduler
// events of docs/scheduler-http-api.md), or skips the test.
func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	_, file, _, _ := runtime.Caller(0)
	for _, dir := range []string{
		filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "fixtures", "mesos"),
		"/work/shared/fixtures/mesos",
	} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return b
		}
	}
	tb.Skipf("fixture %s not found", name)
	return nil
}

// frame RecordIO-frames records into one stream.
func frame(records ...[]byte) []byte {
	var out []byte
	for _, r := range records {
		out = recordio.AppendRecord(out, r)
	}
	return out
}

// nestOffers repairs the doc's OFFERS example, which puts the offer array
// directly under "offers": Event.offers is the Offers message, so a real
// master writes {"offers": {"offers": [...]}} (the flat form is an
// ErrBadEvent, see TestEventReaderErrors).
func nestOffers(tb testing.TB, data []byte) []byte {
	tb.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		tb.Fatal(err)
	}
	if len(doc["offers"]) == 0 || doc["offers"][0] != '[' {
		tb.Fatal("OFFERS fixture no longer has the doc's flat offers array")
	}
	doc["offers"] = append(append([]byte(`{"offers":`), doc["offers"]...), '}')
	out, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestEventReaderFixtures reads the doc's events, framed as a master
// sends them, one byte per read (record boundaries have nothing to do
// with reads or HTTP chunks).
func TestEventReaderFixtures(t *testing.T) {
	stream := frame(
		fixture(t, "scheduler-event-SUBSCRIBED.json"),
		nestOffers(t, fixture(t, "scheduler-event-OFFERS.json")),
		fixture(t, "scheduler-event-UPDATE.json"),
		fixture(t, "scheduler-event-HEARTBEAT.json"),
	)
	r := NewEventReader(iotest.OneByteReader(bytes.NewReader(stream)), 0)
	var got []string
	var evs []*scheduler.Event
	for {
		ev, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Read() = %v", err)
		}
		got = append(got, ev.Type.String())
		evs = append(evs, ev)
	}
	if diff := cmp.Diff([]string{"SUBSCRIBED", "OFFERS", "UPDATE", "HEARTBEAT"}, got); diff != "" {
		t.Fatalf("event types mismatch (-want +got):\n%s", diff)
	}
	if got := heartbeatInterval(evs[0].Subscribed).Seconds(); got != 15 {
		t.Errorf("SUBSCRIBED heartbeat = %vs, want 15s", got)
	}
	if got := evs[1].Offers.Offers[0].ID.Value; got != "12214-23523-O235235" {
		t.Errorf("offer id = %q, want %q", got, "12214-23523-O235235")
	}
	if got := len(evs[2].Update.Status.UUID); got != 18 {
		t.Errorf("UPDATE uuid = %d bytes, want the 18 its base64 holds", got)
	}
	if _, err := r.Read(); err != io.EOF {
		t.Errorf("Read() after the end = %v, want io.EOF", err)
	}
}

func TestEventReaderErrors(t *testing.T) {
	type outcome struct {
		event string // event type, or "" for an error
		is    error  // the error it wraps (io.EOF: exactly io.EOF)
	}
	ok := func(typ string) outcome { return outcome{event: typ} }
	fail := func(err error) outcome { return outcome{is: err} }
	tests := []struct {
		name   string
		stream string
		max    int
		want   []outcome
	}{
		{"empty stream", "", 0, []outcome{fail(io.EOF), fail(io.EOF)}},
		{"empty object", "2\n{}", 0, []outcome{ok("UNKNOWN"), fail(io.EOF)}},
		{"bad event keeps step", `18` + "\n" + `{"type":"EXPLODE"}20` + "\n" + `{"type":"HEARTBEAT"}`, 0,
			[]outcome{fail(ErrBadEvent), ok("HEARTBEAT"), fail(io.EOF)}},
		{"null", "4\nnull", 0, []outcome{fail(ErrBadEvent), fail(io.EOF)}},
		{"empty record", "0\n", 0, []outcome{fail(ErrBadEvent), fail(io.EOF)}},
		{"json array", "2\n[]", 0, []outcome{fail(ErrBadEvent)}},
		{"doc's flat offers", `29` + "\n" + `{"type":"OFFERS","offers":[]}`, 0, []outcome{fail(ErrBadEvent), fail(io.EOF)}},
		{"wrong field type", `12` + "\n" + `{"type":true}`, 0, []outcome{fail(ErrBadEvent)}},
		{"bad header is sticky", "x\n{}", 0, []outcome{fail(recordio.ErrBadHeader), fail(recordio.ErrBadHeader)}},
		{"cut record", "10\n{}", 0, []outcome{fail(io.ErrUnexpectedEOF), fail(io.ErrUnexpectedEOF)}},
		{"cut header", "10", 0, []outcome{fail(io.ErrUnexpectedEOF)}},
		{"too large", "101\n", 100, []outcome{fail(recordio.ErrRecordTooLarge)}},
		{"at the limit", "20\n" + `{"type":"HEARTBEAT"}`, 20, []outcome{ok("HEARTBEAT"), fail(io.EOF)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewEventReader(strings.NewReader(tc.stream), tc.max)
			for i, want := range tc.want {
				ev, err := r.Read()
				switch {
				case want.event != "":
					if err != nil || ev.Type.String() != want.event {
						t.Fatalf("Read() #%d = %v, %v, want a %s event", i, ev, err, want.event)
					}
				case want.is == io.EOF:
					if err != io.EOF {
						t.Fatalf("Read() #%d = %v, %v, want io.EOF", i, ev, err)
					}
				case !errors.Is(err, want.is) || ev != nil:
					t.Fatalf("Read() #%d = %v, %v, want an error wrapping %v", i, ev, err, want.is)
				case !strings.HasPrefix(err.Error(), "schedclient: read event: "):
					t.Errorf("Read() #%d error %q, want the prefix \"schedclient: read event: \"", i, err)
				}
			}
		})
	}
}
