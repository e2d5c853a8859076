package master_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// Every malformed scheduler call is refused with Mesos's status code and
// a message naming what is wrong, and the master keeps its state.
func TestSchedulerBadInput(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	c.addAgent("slave(1)", "cpus:2;mem:1024")
	s := c.subscribe(framework("fw"))
	fw := s.frameworkID
	tests := []struct {
		name     string
		method   string
		ctype    string
		accept   string
		streamID string
		body     string
		code     int
		want     string
	}{
		{name: "GET", method: http.MethodGet, code: 405, want: "Expecting one of { 'POST' }"},
		{name: "no content type", ctype: "-", body: `{}`, code: 400, want: "Expecting 'Content-Type' to be present"},
		{name: "text body", ctype: "text/plain", body: `{}`, code: 415, want: "Expecting 'Content-Type' of application/json"},
		{name: "protobuf", ctype: "application/x-protobuf", body: "\x08\x01", code: 415, want: "protobuf"},
		{name: "not json", body: `{"type":`, code: 400, want: "Failed to parse body into JSON"},
		{name: "wrong type", body: `{"type": 3.5}`, code: 400, want: "type"},
		{name: "unknown enum", body: `{"type": "SUBSCRIBE_ME"}`, code: 400, want: "SUBSCRIBE_ME"},
		{name: "subscribe without framework_info", body: `{"type": "SUBSCRIBE"}`, code: 400, want: "subscribe"},
		{name: "subscribe without user", body: `{"type": "SUBSCRIBE", "subscribe": {"framework_info": {"name": "x"}}}`, code: 400, want: "user"},
		{name: "subscribe with stream id", streamID: "abc", body: `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"}}}`, code: 400, want: "should not include the 'Mesos-Stream-Id'"},
		{name: "subscribe accepting text", accept: "text/plain", body: `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"}}}`, code: 406, want: "Expecting 'Accept' to allow"},
		{name: "call without framework_id", streamID: s.streamID, body: `{"type":"REVIVE"}`, code: 400, want: "framework_id"},
		{name: "unknown framework", streamID: s.streamID, body: `{"type":"REVIVE","framework_id":{"value":"nope"}}`, code: 400, want: "Framework cannot be found"},
		{name: "no stream id", body: `{"type":"REVIVE","framework_id":{"value":"` + fw + `"}}`, code: 400, want: "should include the 'Mesos-Stream-Id' header"},
		{name: "wrong stream id", streamID: "other", body: `{"type":"REVIVE","framework_id":{"value":"` + fw + `"}}`, code: 400, want: "didn't match the stream ID"},
		{name: "accept without offers", streamID: s.streamID, body: `{"type":"ACCEPT","framework_id":{"value":"` + fw + `"}}`, code: 400, want: "accept"},
		{name: "acknowledge without uuid", streamID: s.streamID, body: `{"type":"ACKNOWLEDGE","framework_id":{"value":"` + fw + `"},"acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"}}}`, code: 400, want: "uuid"},
		{name: "decline with NaN-ish filter", streamID: s.streamID, body: `{"type":"DECLINE","framework_id":{"value":"` + fw + `"},"decline":{"offer_ids":[{"value":"x"}],"filters":{"refuse_seconds":"soon"}}}`, code: 400, want: "refuse_seconds"},
		{name: "task without command", streamID: s.streamID, body: `{"type":"ACCEPT","framework_id":{"value":"` + fw + `"},"accept":{"offer_ids":[{"value":"M-O0"}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"t","task_id":{"value":"t"},"agent_id":{"value":"M-S0"}}]}}]}}`, code: 400, want: "task_infos[0]: task should have at least one"},
		{name: "kill without task", streamID: s.streamID, body: `{"type":"KILL","framework_id":{"value":"` + fw + `"},"kill":{}}`, code: 400, want: "task_id"},
		{name: "unsupported operation feedback", streamID: s.streamID, body: `{"type":"RECONCILE_OPERATIONS","framework_id":{"value":"` + fw + `"},"reconcile_operations":{}}`, code: 501},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, c.url+"/api/v1/scheduler", bytes.NewReader([]byte(tt.body)))
			if err != nil {
				t.Fatal(err)
			}
			switch tt.ctype {
			case "":
				req.Header.Set("Content-Type", "application/json")
			case "-":
			default:
				req.Header.Set("Content-Type", tt.ctype)
			}
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			if tt.streamID != "" {
				req.Header.Set("Mesos-Stream-Id", tt.streamID)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.code || !strings.Contains(string(body), tt.want) {
				t.Errorf("%s: got %d %q, want %d containing %q", tt.name, resp.StatusCode, body, tt.code, tt.want)
			}
		})
	}
	// The master is intact: the framework still gets its offers.
	c.advance(time.Second)
	if got := describeOffers(s.next(scheduler.EventOffers).Offers.Offers); !strings.Contains(got, "cpus:2") {
		t.Errorf("offers after bad input = %q, want the whole agent", got)
	}
}

// A body above the runtime's limit is refused before it reaches the master.
func TestSchedulerOversizedBody(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	big := `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"` + strings.Repeat("x", 17<<20) + `"}}}`
	resp, err := c.post("/api/v1/scheduler", big, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "exceeds") {
		t.Errorf("oversized body: %d %q, want 413 saying the body exceeds the limit", resp.StatusCode, body)
	}
}
