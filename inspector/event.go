package inspector

import (
	"fmt"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// Operator API event types (include/mesos/v1/master/master.proto Event.Type).
const (
	EventSubscribed       = "SUBSCRIBED"
	EventTaskAdded        = "TASK_ADDED"
	EventTaskUpdated      = "TASK_UPDATED"
	EventAgentAdded       = "AGENT_ADDED"
	EventAgentRemoved     = "AGENT_REMOVED"
	EventFrameworkAdded   = "FRAMEWORK_ADDED"
	EventFrameworkUpdated = "FRAMEWORK_UPDATED"
	EventFrameworkRemoved = "FRAMEWORK_REMOVED"
	EventHeartbeat        = "HEARTBEAT"
)

// Event is one event of the operator API's SUBSCRIBE stream, decoded into view
// models. Exactly the fields for Type are set.
type Event struct {
	Type string `json:"type"`
	// SUBSCRIBED: the initial state and the heartbeat interval.
	State             *State        `json:"state,omitempty"`
	HeartbeatInterval time.Duration `json:"heartbeat_interval,omitempty"`
	// TASK_ADDED: the task.
	Task *Task `json:"task,omitempty"`
	// TASK_UPDATED: the forwarded status, the framework, and the task's latest
	// state (which may differ from Status.State).
	Status      *TaskStatus `json:"status,omitempty"`
	FrameworkID string      `json:"framework_id,omitempty"`
	TaskState   string      `json:"task_state,omitempty"`
	// AGENT_ADDED: the agent; AGENT_REMOVED: its id.
	Agent   *Agent `json:"agent,omitempty"`
	AgentID string `json:"agent_id,omitempty"`
	// FRAMEWORK_ADDED, FRAMEWORK_UPDATED, FRAMEWORK_REMOVED.
	Framework *Framework `json:"framework,omitempty"`
}

// DecodeEvent decodes one operator event record. TASK_UPDATED is accepted in the
// shape the code emits ({framework_id, status, state}, createTaskUpdated in
// src/common/protobuf_utils.cpp) and in the older documented one (task_id,
// agent_id, executor_id at the top).
func DecodeEvent(data []byte) (Event, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return Event{}, fmt.Errorf("decode event: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	var e Event
	s.Object(func(k []byte) {
		switch string(k) {
		case "type":
			e.Type = s.String()
		case "subscribed":
			s.Object(func(k []byte) {
				switch string(k) {
				case "get_state":
					st := &State{}
					st.Cluster.ActivatedAgents, st.Cluster.DeactivatedAgents, st.Cluster.UnreachableAgents = -1, -1, -1
					st.readDoc(s)
					st.finish()
					e.State = st
				case "heartbeat_interval_seconds":
					e.HeartbeatInterval = readDurationSeconds(s)
				}
			})
		case "task_added":
			s.Object(func(k []byte) {
				if string(k) == "task" {
					t := readTask(s)
					t.List = TasksActive
					e.Task = &t
				}
			})
		case "task_updated":
			st := TaskStatus{}
			s.Object(func(k []byte) {
				switch string(k) {
				case "framework_id":
					e.FrameworkID = readID(s)
				case "status":
					st = readTaskStatus(s)
				case "state":
					e.TaskState = s.String()
				case "task_id":
					st.TaskID = readID(s)
				case "agent_id":
					st.AgentID = readID(s)
				case "executor_id":
					st.ExecutorID = readID(s)
				}
			})
			if st.State == "" {
				st.State = e.TaskState
			}
			e.Status = &st
		case "agent_added":
			s.Object(func(k []byte) {
				if string(k) == "agent" {
					a := readAgent(s)
					a.finish()
					e.Agent = &a
				}
			})
		case "agent_removed":
			s.Object(func(k []byte) {
				if string(k) == "agent_id" {
					e.AgentID = readID(s)
				}
			})
		case "framework_added", "framework_updated":
			s.Object(func(k []byte) {
				if string(k) == "framework" {
					f := readFramework(s, nil)
					e.Framework = &f
				}
			})
		case "framework_removed":
			s.Object(func(k []byte) {
				if string(k) == "framework_info" {
					var f Framework
					readFrameworkInfo(s, &f)
					if len(f.Roles) == 0 {
						f.Roles = []string{"*"}
					}
					e.Framework = &f
				}
			})
		}
	})
	if err := s.Finish(); err != nil {
		return Event{}, fmt.Errorf("decode event: %w", err)
	}
	if e.Type == "" {
		return Event{}, fmt.Errorf("decode event: %w: no \"type\"", ErrNotMesos)
	}
	return e, nil
}
