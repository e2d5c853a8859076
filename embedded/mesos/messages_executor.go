package mesos

// Messages between an agent and its executors (src/messages/messages.proto, the v0 executor protocol).
// Each message's name is the libprocess message name, the fully
// qualified protobuf name "mesos.internal.<Name>".
const (
	RegisterExecutorMessageName     = "mesos.internal.RegisterExecutorMessage"
	ExecutorRegisteredMessageName   = "mesos.internal.ExecutorRegisteredMessage"
	ReregisterExecutorMessageName   = "mesos.internal.ReregisterExecutorMessage"
	ExecutorReregisteredMessageName = "mesos.internal.ExecutorReregisteredMessage"
	ReconnectExecutorMessageName    = "mesos.internal.ReconnectExecutorMessage"
)

// RegisterExecutorMessage registers a launched executor with its agent.
type RegisterExecutorMessage struct {
	FrameworkID FrameworkID `json:"framework_id"`
	ExecutorID  ExecutorID  `json:"executor_id"`
}

// MessageName returns RegisterExecutorMessageName.
func (RegisterExecutorMessage) MessageName() string { return RegisterExecutorMessageName }

// ExecutorRegisteredMessage answers RegisterExecutorMessage.
type ExecutorRegisteredMessage struct {
	ExecutorInfo  ExecutorInfo  `json:"executor_info"`
	FrameworkID   FrameworkID   `json:"framework_id"`
	FrameworkInfo FrameworkInfo `json:"framework_info"`
	SlaveID       AgentID       `json:"slave_id"`
	SlaveInfo     AgentInfo     `json:"slave_info"`
}

// MessageName returns ExecutorRegisteredMessageName.
func (ExecutorRegisteredMessage) MessageName() string { return ExecutorRegisteredMessageName }

// ReregisterExecutorMessage re-registers an executor after agent recovery, with its unacknowledged tasks and updates.
type ReregisterExecutorMessage struct {
	ExecutorID  ExecutorID     `json:"executor_id"`
	FrameworkID FrameworkID    `json:"framework_id"`
	Tasks       []TaskInfo     `json:"tasks,omitempty"`
	Updates     []StatusUpdate `json:"updates,omitempty"`
}

// MessageName returns ReregisterExecutorMessageName.
func (ReregisterExecutorMessage) MessageName() string { return ReregisterExecutorMessageName }

// ExecutorReregisteredMessage answers ReregisterExecutorMessage.
type ExecutorReregisteredMessage struct {
	SlaveID   AgentID   `json:"slave_id"`
	SlaveInfo AgentInfo `json:"slave_info"`
}

// MessageName returns ExecutorReregisteredMessageName.
func (ExecutorReregisteredMessage) MessageName() string { return ExecutorReregisteredMessageName }

// ReconnectExecutorMessage asks executors to reconnect after agent recovery.
type ReconnectExecutorMessage struct {
	SlaveID AgentID `json:"slave_id"`
}

// MessageName returns ReconnectExecutorMessageName.
func (ReconnectExecutorMessage) MessageName() string { return ReconnectExecutorMessageName }
