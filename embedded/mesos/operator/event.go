package operator

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// Event is mesos.v1.master.Event: one record of the operator SUBSCRIBE
// stream.
type Event struct {
	Type             EventType         `json:"type,omitempty"`
	Subscribed       *Subscribed       `json:"subscribed,omitempty"`
	TaskAdded        *TaskAdded        `json:"task_added,omitempty"`
	TaskUpdated      *TaskUpdated      `json:"task_updated,omitempty"`
	AgentAdded       *AgentAdded       `json:"agent_added,omitempty"`
	AgentRemoved     *AgentRemoved     `json:"agent_removed,omitempty"`
	FrameworkAdded   *FrameworkEvent   `json:"framework_added,omitempty"`
	FrameworkUpdated *FrameworkEvent   `json:"framework_updated,omitempty"`
	FrameworkRemoved *FrameworkRemoved `json:"framework_removed,omitempty"`
}

// DecodeEvent decodes a JSON operator Event.
func DecodeEvent(data []byte) (*Event, error) {
	var e Event
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("operator: decode event: %w", enum.DecodeError(err))
	}
	return &e, nil
}

// Subscribed is Event.Subscribed: the full state, then deltas follow.
type Subscribed struct {
	GetState                 *GetState `json:"get_state,omitempty"`
	HeartbeatIntervalSeconds *float64  `json:"heartbeat_interval_seconds,omitempty"`
}

// TaskAdded is Event.TaskAdded.
type TaskAdded struct {
	Task mesos.Task `json:"task"`
}

// TaskUpdated is Event.TaskUpdated (protobuf::master::event::
// createTaskUpdated): Status is the update being forwarded, State the
// task's latest state.
type TaskUpdated struct {
	FrameworkID mesos.FrameworkID `json:"framework_id"`
	Status      mesos.TaskStatus  `json:"status"`
	State       mesos.TaskState   `json:"state"`
}

// AgentAdded is Event.AgentAdded.
type AgentAdded struct {
	Agent Agent `json:"agent"`
}

// AgentRemoved is Event.AgentRemoved.
type AgentRemoved struct {
	AgentID mesos.AgentID `json:"agent_id"`
}

// FrameworkEvent is Event.FrameworkAdded and Event.FrameworkUpdated.
type FrameworkEvent struct {
	Framework Framework `json:"framework"`
}

// FrameworkRemoved is Event.FrameworkRemoved.
type FrameworkRemoved struct {
	FrameworkInfo mesos.FrameworkInfo `json:"framework_info"`
}

// EventType is mesos.v1.master.Event.Type.
type EventType int32

// Operator event types.
const (
	EventUnknown          EventType = 0
	EventSubscribed       EventType = 1
	EventTaskAdded        EventType = 2
	EventTaskUpdated      EventType = 3
	EventAgentAdded       EventType = 4
	EventAgentRemoved     EventType = 5
	EventFrameworkAdded   EventType = 6
	EventFrameworkUpdated EventType = 7
	EventFrameworkRemoved EventType = 8
	EventHeartbeat        EventType = 9
)

var eventTypeEnum = enum.New("master.Event.Type", map[int32]string{
	int32(0): "UNKNOWN",
	int32(1): "SUBSCRIBED",
	int32(2): "TASK_ADDED",
	int32(3): "TASK_UPDATED",
	int32(4): "AGENT_ADDED",
	int32(5): "AGENT_REMOVED",
	int32(6): "FRAMEWORK_ADDED",
	int32(7): "FRAMEWORK_UPDATED",
	int32(8): "FRAMEWORK_REMOVED",
	int32(9): "HEARTBEAT",
})

// String returns the Mesos name of the value ("master.Event.Type(<n>)" if unknown).
func (x EventType) String() string { return eventTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x EventType) IsKnown() bool { return eventTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x EventType) MarshalText() ([]byte, error) { return eventTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *EventType) UnmarshalText(b []byte) error {
	v, err := eventTypeEnum.Unmarshal(b, reflect.TypeFor[EventType]())
	if err != nil {
		return err
	}
	*x = EventType(v)
	return nil
}
