package schedclient

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// TestDeduplicateUpdates plays the master's side of Mesos's at-least-once delivery
// (the same update, same uuid, sent again when an acknowledgement was lost) and checks
// what the framework's handler sees and what the client acknowledges.
func TestDeduplicateUpdates(t *testing.T) {
	type step struct {
		task, state, uuid string
		failAck           bool // the master answers this update's acknowledgement with 503
	}
	tests := []struct {
		name     string
		dedup    bool
		autoAck  bool
		frameAck bool // the handler acknowledges (explicit acknowledgements)
		terminal int  // Config.DedupTerminalTasks
		steps    []step
		// handled is what the handler saw, "task state uuid"; acks the uuids
		// acknowledged, in order; dropped the retries kept from the handler.
		handled []string
		acks    []string
		dropped int64
	}{
		{
			name: "without dedup a retry reaches the framework", autoAck: true,
			steps:   []step{{"t1", "RUNNING", "a", false}, {"t1", "RUNNING", "a", false}},
			handled: []string{"t1 RUNNING a", "t1 RUNNING a"}, acks: []string{"a", "a"},
		},
		{
			name: "auto-ack: a retry is acknowledged again, not handed on", dedup: true, autoAck: true,
			steps:   []step{{"t1", "RUNNING", "a", false}, {"t1", "RUNNING", "a", false}, {"t1", "FINISHED", "b", false}, {"t1", "FINISHED", "b", false}, {"t1", "FINISHED", "b", false}},
			handled: []string{"t1 RUNNING a", "t1 FINISHED b"}, acks: []string{"a", "a", "b", "b", "b"}, dropped: 3,
		},
		{
			name: "explicit acknowledgement through the client", dedup: true, frameAck: true,
			steps:   []step{{"t1", "RUNNING", "a", false}, {"t1", "RUNNING", "a", false}, {"t2", "RUNNING", "c", false}},
			handled: []string{"t1 RUNNING a", "t2 RUNNING c"}, acks: []string{"a", "a", "c"}, dropped: 1,
		},
		{
			name: "not acknowledged by the framework: the retry is delivered", dedup: true,
			steps:   []step{{"t1", "RUNNING", "a", false}, {"t1", "RUNNING", "a", false}},
			handled: []string{"t1 RUNNING a", "t1 RUNNING a"},
		},
		{
			name: "acknowledgement refused: the client acknowledges the retry itself", dedup: true, autoAck: true,
			steps:   []step{{"t1", "RUNNING", "a", true}, {"t1", "RUNNING", "a", false}, {"t1", "RUNNING", "a", false}},
			handled: []string{"t1 RUNNING a"}, acks: []string{"a", "a", "a"}, dropped: 2,
		},
		{
			name: "updates without a uuid are never deduplicated", dedup: true, autoAck: true,
			steps:   []step{{"t1", "LOST", "", false}, {"t1", "LOST", "", false}},
			handled: []string{"t1 LOST ", "t1 LOST "},
		},
		{
			name: "ended tasks beyond the bound are forgotten", dedup: true, autoAck: true, terminal: 1,
			steps: []step{{"t1", "FINISHED", "a", false}, {"t2", "FAILED", "b", false}, {"t2", "FAILED", "b", false}, {"t1", "FINISHED", "a", false}},
			// t2's retry is kept back; t1 was forgotten when t2 ended: its retry is delivered.
			handled: []string{"t1 FINISHED a", "t2 FAILED b", "t1 FINISHED a"}, acks: []string{"a", "b", "b", "a"}, dropped: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				m := h.master("m1:5050")
				var mu sync.Mutex
				var acks []string
				failNext := map[string]bool{}
				m.callHook = func(call *scheduler.Call) (int, string) {
					if call.Type != scheduler.CallAcknowledge {
						return 0, ""
					}
					mu.Lock()
					defer mu.Unlock()
					u := string(call.Acknowledge.UUID[:1])
					acks = append(acks, u)
					if failNext[u] {
						delete(failNext, u)
						return http.StatusServiceUnavailable, "Master is not the leader"
					}
					return 0, ""
				}
				c := h.client(Config{AutoAck: tc.autoAck, DeduplicateUpdates: tc.dedup, DedupTerminalTasks: tc.terminal})
				var handled []string
				handle := func(ctx context.Context, ev *scheduler.Event) {
					if ev.Type != scheduler.EventUpdate {
						return
					}
					s := ev.Update.Status
					handled = append(handled, strings.Join([]string{s.TaskID.Value, strings.TrimPrefix(s.State.String(), "TASK_"), short(s.UUID)}, " "))
					if tc.frameAck && len(s.UUID) > 0 {
						if err := c.Acknowledge(ctx, &s); err != nil {
							t.Errorf("Acknowledge(%s) = %v, want nil", s.TaskID.Value, err)
						}
					}
				}
				run(t, c, handle)
				synctest.Wait()
				for _, st := range tc.steps {
					var state mesos.TaskState
					if err := state.UnmarshalText([]byte("TASK_" + st.state)); err != nil {
						t.Fatal(err)
					}
					if st.failAck {
						mu.Lock()
						failNext[st.uuid[:1]] = true
						mu.Unlock()
					}
					var uuid []byte
					if st.uuid != "" {
						uuid = []byte(strings.Repeat(st.uuid, 16)) // a UUID is 16 bytes
					}
					m.send(&scheduler.Event{Type: scheduler.EventUpdate, Update: &scheduler.Update{Status: mesos.TaskStatus{
						TaskID: mesos.TaskID{Value: st.task}, State: state, AgentID: &mesos.AgentID{Value: "a-1"}, UUID: uuid,
					}}})
					synctest.Wait()
				}
				if diff := cmp.Diff(tc.handled, handled); diff != "" {
					t.Errorf("updates handed to the framework mismatch (-want +got):\n%s", diff)
				}
				mu.Lock()
				gotAcks := append([]string(nil), acks...)
				mu.Unlock()
				if diff := cmp.Diff(tc.acks, gotAcks); diff != "" {
					t.Errorf("acknowledgements mismatch (-want +got):\n%s", diff)
				}
				if got := c.DuplicateUpdates(); got != tc.dropped {
					t.Errorf("DuplicateUpdates() = %d, want %d", got, tc.dropped)
				}
			})
		})
	}
}

func TestDedupConfig(t *testing.T) {
	if _, err := New(Config{Master: "http://m1:5050", Framework: testFramework(), DeduplicateUpdates: true, DedupTerminalTasks: -1}); err == nil ||
		!strings.Contains(err.Error(), "dedup terminal tasks") {
		t.Errorf("New(DedupTerminalTasks: -1) = %v, want an error naming dedup terminal tasks", err)
	}
}

// short is the test's one-letter name of a uuid (its first byte), "" for none.
func short(uuid []byte) string {
	if len(uuid) == 0 {
		return ""
	}
	return string(uuid[:1])
}
