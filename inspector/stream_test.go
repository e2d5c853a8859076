package inspector

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// subscribedFromGetState wraps a GET_STATE response's get_state into a SUBSCRIBED
// event, as the master's first event carries it.
func subscribedFromGetState(t *testing.T, getState []byte) []byte {
	t.Helper()
	s := jsonscan.New(getState)
	var inner []byte
	s.Object(func(k []byte) {
		if string(k) == "get_state" {
			inner = bytes.Clone(s.Raw())
		}
	})
	if inner == nil {
		t.Fatalf("no get_state in fixture")
	}
	return append(append([]byte(`{"type":"SUBSCRIBED","subscribed":{"heartbeat_interval_seconds":15,"get_state":`), inner...), "}}"...)
}

func TestSubscribeDecodesOperatorEvents(t *testing.T) {
	events := [][]byte{subscribedFromGetState(t, fixtureBytes(t, "operator-GET_STATE.response.json"))}
	wantTypes := []string{EventSubscribed}
	for _, name := range []string{
		"operator-event-TASK_ADDED.json", "operator-event-TASK_UPDATED.json", "operator-event-AGENT_ADDED.jsonc",
		"operator-event-AGENT_REMOVED.json", "operator-event-FRAMEWORK_ADDED.json", "operator-event-FRAMEWORK_UPDATED.json",
		"operator-event-FRAMEWORK_REMOVED.json", "operator-event-HEARTBEAT.jsonc",
	} {
		data := fixtureBytes(t, name)
		e, err := DecodeEvent(data)
		if err != nil {
			t.Fatalf("DecodeEvent(%s) error = %v", name, err)
		}
		events = append(events, data)
		wantTypes = append(wantTypes, e.Type)
	}

	fm := newFakeMaster(t)
	fm.handle("POST /api/v1 SUBSCRIBE", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Mesos-Stream-Id", "130ae4e3-6b13-4ef4-baa9-9f2e85c3e9af")
		w.WriteHeader(http.StatusOK)
		fl := w.(http.Flusher)
		for _, e := range events {
			rec := AppendRecord(nil, e)
			// Split each record across two chunks: framing must not depend on
			// chunk boundaries.
			w.Write(rec[:len(rec)/2])
			fl.Flush()
			w.Write(rec[len(rec)/2:])
			fl.Flush()
		}
		<-r.Context().Done()
	})
	srv := httptest.NewServer(fm)
	defer srv.Close()
	c, _ := testClient(t, srv.URL, nil)
	stream, err := c.Subscribe(context.Background())
	if err != nil {
		t.Fatalf("Subscribe() error = %v", err)
	}
	if stream.StreamID == "" {
		t.Errorf("Subscribe().StreamID is empty, want the Mesos-Stream-Id header")
	}
	var got []Event
	for range wantTypes {
		e, err := stream.Next()
		if err != nil {
			t.Fatalf("Next() after %d events error = %v", len(got), err)
		}
		got = append(got, e)
	}
	if err := stream.Close(); err != nil {
		t.Errorf("Close() error = %v", err)
	}
	if err := stream.Close(); err != nil {
		t.Errorf("second Close() error = %v, want nil", err)
	}
	for i, e := range got {
		if e.Type != wantTypes[i] {
			t.Errorf("event %d type = %s, want %s", i, e.Type, wantTypes[i])
		}
	}
	sub := got[0]
	if sub.State == nil || len(sub.State.Agents) != 1 || len(sub.State.Tasks) != 1 || sub.HeartbeatInterval.Seconds() != 15 {
		t.Errorf("SUBSCRIBED = %+v, want the GET_STATE with 1 agent and 1 task, heartbeat 15s", sub)
	}
	if got[1].Task == nil || got[1].Task.Name != "dummy-task" {
		t.Errorf("TASK_ADDED task = %+v, want dummy-task", got[1].Task)
	}
	if st := got[2].Status; st == nil || st.TaskID != "42154f1b-adcd-4421-bf13-8bd11adfafaf" || st.State != "TASK_RUNNING" {
		t.Errorf("TASK_UPDATED status = %+v, want the task id and TASK_RUNNING", st)
	}
	if a := got[3].Agent; a == nil || a.Version != "1.4.0" || len(a.Capabilities) != 3 {
		t.Errorf("AGENT_ADDED agent = %+v", a)
	}
	if got[4].AgentID != "c3946a13-75b4-4d3c-9d0e-fc10038dca85-S3" {
		t.Errorf("AGENT_REMOVED agent id = %q", got[4].AgentID)
	}
	if f := got[7].Framework; f == nil || f.Name != "inverse-offer-example-framework" {
		t.Errorf("FRAMEWORK_REMOVED framework = %+v", f)
	}
}

func TestTaskUpdatedCodeShape(t *testing.T) {
	// The shape createTaskUpdated (src/common/protobuf_utils.cpp) really emits.
	e, err := DecodeEvent([]byte(`{"type":"TASK_UPDATED","task_updated":{"framework_id":{"value":"F"},
		"status":{"task_id":{"value":"T"},"agent_id":{"value":"A"},"state":"TASK_FAILED","source":"SOURCE_EXECUTOR",
		"reason":"REASON_COMMAND_EXECUTOR_FAILED","message":"exit 1","timestamp":1500000000.25},"state":"TASK_FAILED"}}`))
	if err != nil {
		t.Fatalf("DecodeEvent() error = %v", err)
	}
	want := "event TASK_UPDATED framework F task_state TASK_FAILED\n  status task T 2017-07-14T02:40:00.25Z TASK_FAILED SOURCE_EXECUTOR REASON_COMMAND_EXECUTOR_FAILED: exit 1 agent A"
	if got := DescribeEvent(e); got != want {
		t.Errorf("DescribeEvent() =\n%s\nwant\n%s", got, want)
	}
}

func TestEventStreamFromReader(t *testing.T) {
	var buf []byte
	buf = AppendRecord(buf, []byte(`{"type":"HEARTBEAT"}`))
	buf = AppendRecord(buf, nil) // a zero-length record is skipped
	buf = AppendRecord(buf, []byte(`{"type":"AGENT_REMOVED","agent_removed":{"agent_id":{"value":"S1"}}}`))
	buf = AppendRecord(buf, []byte(`not json`))
	s := NewEventStream(io.NopCloser(bytes.NewReader(buf)), 0)
	defer s.Close()
	for _, want := range []string{EventHeartbeat, EventAgentRemoved} {
		e, err := s.Next()
		if err != nil || e.Type != want {
			t.Fatalf("Next() = %+v, %v, want %s", e, err, want)
		}
	}
	if _, err := s.Next(); err == nil || errors.Is(err, io.EOF) {
		t.Errorf("Next() on garbage error = %v, want a decode error", err)
	}
}

func TestSubscribeNoLeader(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "No leader elected", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c, _ := testClient(t, srv.URL, func(cfg *Config) { cfg.Retry.MaxAttempts = 2 })
	if _, err := c.Subscribe(context.Background()); !errors.Is(err, ErrNoLeader) {
		t.Errorf("Subscribe() error = %v, want ErrNoLeader", err)
	}
}
