package mesos

// Message is implemented by every internal master/agent/executor message:
// MessageName is the libprocess message name ("mesos.internal.
// RunTaskMessage") under which the receiving process installs its handler
// (ProtobufProcess::install in 3rdparty/libprocess). Bodies travel as the
// JSON of this package (protobuf field names of src/messages/
// messages.proto, v1 types for the nested messages, so "slave_id" keeps
// its internal name while an AgentInfo stands in for SlaveInfo), not as
// serialized protobuf.
type Message interface {
	MessageName() string
}

// StatusUpdate is mesos.internal.StatusUpdate: a TaskStatus wrapped with
// its routing. Timestamp is float seconds; UUID is deprecated in favour of
// Status.UUID; LatestState is the newest state the agent knows (the head
// of the stream may be older), which the master uses to free resources
// early.
type StatusUpdate struct {
	FrameworkID FrameworkID `json:"framework_id"`
	ExecutorID  *ExecutorID `json:"executor_id,omitempty"`
	SlaveID     *AgentID    `json:"slave_id,omitempty"`
	Status      TaskStatus  `json:"status"`
	Timestamp   float64     `json:"timestamp"`
	UUID        []byte      `json:"uuid,omitempty"`
	LatestState *TaskState  `json:"latest_state,omitempty"`
}

// MasterSlaveConnection is mesos.internal.MasterSlaveConnection: if no
// ping arrives within TotalPingTimeoutSeconds (max_agent_ping_timeouts ×
// agent_ping_timeout) the agent assumes the master is gone.
type MasterSlaveConnection struct {
	TotalPingTimeoutSeconds *float64 `json:"total_ping_timeout_seconds,omitempty"`
}

// ResourceVersionUUID is mesos.internal.ResourceVersionUUID (no provider
// ID = the agent's own resources).
type ResourceVersionUUID struct {
	ResourceProviderID *ResourceProviderID `json:"resource_provider_id,omitempty"`
	UUID               UUID                `json:"uuid"`
}

// ArchivedFramework is mesos.internal.Archive.Framework: a completed
// framework an agent reports on re-registration.
type ArchivedFramework struct {
	FrameworkInfo FrameworkInfo `json:"framework_info"`
	PID           string        `json:"pid,omitempty"`
	Tasks         []Task        `json:"tasks,omitempty"`
}

// OperationList is UpdateSlaveMessage.Operations.
type OperationList struct {
	Operations []Operation `json:"operations,omitempty"`
}
