package readonly

import (
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// The events of the operator SUBSCRIBE stream (mesos.v1.master.Event) as
// the protobuf::master::event::create* functions of
// src/common/protobuf_utils.cpp build them. Each builder returns one JSON
// record; the caller frames it with RecordIO.

// DefaultHeartbeatInterval is DEFAULT_HEARTBEAT_INTERVAL (src/master/
// constants.hpp), the heartbeat_interval_seconds of SUBSCRIBED.
const DefaultHeartbeatInterval = 15 * time.Second

// Subscribed renders the SUBSCRIBED event: the full state (as GET_STATE)
// and the heartbeat interval (DefaultHeartbeatInterval when zero).
func Subscribed(s *Snapshot, heartbeat time.Duration) []byte {
	return AppendSubscribed(make([]byte, 0, estimateState(s, 1500)), s, heartbeat)
}

// AppendSubscribed appends the SUBSCRIBED event to dst.
func AppendSubscribed(dst []byte, s *Snapshot, heartbeat time.Duration) []byte {
	if heartbeat <= 0 {
		heartbeat = DefaultHeartbeatInterval
	}
	b := append(dst, `{"type":"SUBSCRIBED","subscribed":{"get_state":`...)
	b = appendGetStateBody(b, s)
	b = append(b, `,"heartbeat_interval_seconds":`...)
	b = appendFloat(b, heartbeat.Seconds())
	return append(b, "}}"...)
}

// TaskAdded renders TASK_ADDED (createTaskAdded): the task as GET_TASKS
// writes it.
func TaskAdded(t *mesos.Task) []byte {
	b := make([]byte, 0, 1024)
	b = append(b, `{"type":"TASK_ADDED","task_added":{"task":`...)
	b = appendV1Task(b, t)
	return append(b, "}}"...)
}

// TaskUpdated renders TASK_UPDATED (createTaskUpdated): the framework id,
// the status update being forwarded and the task's latest state, which
// differs from status.state while older updates are still being
// acknowledged.
func TaskUpdated(frameworkID string, status *mesos.TaskStatus, latest mesos.TaskState) []byte {
	b := make([]byte, 0, 512)
	b = append(b, `{"type":"TASK_UPDATED","task_updated":{"framework_id":`...)
	b = appendID(b, frameworkID)
	b = append(b, `,"status":`...)
	b = appendV1Status(b, status)
	b = append(b, `,"state":"`...)
	b = append(b, stateName(latest)...)
	return append(b, `"}}`...)
}

// AgentAdded renders AGENT_ADDED (createAgentAdded): the agent as
// GET_AGENTS writes it.
func AgentAdded(a *Agent) []byte {
	b := make([]byte, 0, 2048)
	b = append(b, `{"type":"AGENT_ADDED","agent_added":{"agent":`...)
	b = appendV1Agent(b, a)
	return append(b, "}}"...)
}

// AgentRemoved renders AGENT_REMOVED (createAgentRemoved).
func AgentRemoved(agentID string) []byte {
	b := make([]byte, 0, 128)
	b = append(b, `{"type":"AGENT_REMOVED","agent_removed":{"agent_id":`...)
	b = appendID(b, agentID)
	return append(b, "}}"...)
}

// FrameworkAdded renders FRAMEWORK_ADDED (createFrameworkAdded):
// framework_info, active, connected, recovered and the registered,
// reregistered and unregistered times (always written, zero as 0).
func FrameworkAdded(f *Framework) []byte {
	return frameworkEvent(`{"type":"FRAMEWORK_ADDED","framework_added":{"framework":`, f)
}

// FrameworkUpdated renders FRAMEWORK_UPDATED (createFrameworkUpdated),
// shaped as FrameworkAdded.
func FrameworkUpdated(f *Framework) []byte {
	return frameworkEvent(`{"type":"FRAMEWORK_UPDATED","framework_updated":{"framework":`, f)
}

func frameworkEvent(prefix string, f *Framework) []byte {
	b := make([]byte, 0, 1024)
	b = append(b, prefix...)
	b = appendV1FrameworkEvent(b, f)
	return append(b, "}}"...)
}

// FrameworkRemoved renders FRAMEWORK_REMOVED (createFrameworkRemoved):
// the removed framework's FrameworkInfo.
func FrameworkRemoved(info *mesos.FrameworkInfo) []byte {
	b := make([]byte, 0, 512)
	b = append(b, `{"type":"FRAMEWORK_REMOVED","framework_removed":{"framework_info":`...)
	b = appendV1FrameworkInfo(b, info)
	return append(b, "}}"...)
}

// Heartbeat renders HEARTBEAT.
func Heartbeat() []byte { return []byte(`{"type":"HEARTBEAT"}`) }
