package mesos

import "encoding/json"

// Messages the agent sends to the master (src/messages/messages.proto).
// Each message's name is the libprocess message name, the fully
// qualified protobuf name "mesos.internal.<Name>".
const (
	RegisterSlaveMessageName         = "mesos.internal.RegisterSlaveMessage"
	ReregisterSlaveMessageName       = "mesos.internal.ReregisterSlaveMessage"
	UnregisterSlaveMessageName       = "mesos.internal.UnregisterSlaveMessage"
	StatusUpdateMessageName          = "mesos.internal.StatusUpdateMessage"
	ExitedExecutorMessageName        = "mesos.internal.ExitedExecutorMessage"
	UpdateSlaveMessageName           = "mesos.internal.UpdateSlaveMessage"
	UpdateOperationStatusMessageName = "mesos.internal.UpdateOperationStatusMessage"
	PongSlaveMessageName             = "mesos.internal.PongSlaveMessage"
	ExecutorToFrameworkMessageName   = "mesos.internal.ExecutorToFrameworkMessage"
)

// RegisterSlaveMessage registers a new agent (Slave::doReliableRegistration when the agent has no ID). Slave.Resources use the pre-reservation-refinement format.
type RegisterSlaveMessage struct {
	Slave                 AgentInfo         `json:"slave"`
	CheckpointedResources Resources         `json:"checkpointed_resources,omitzero"`
	Version               string            `json:"version,omitempty"`
	AgentCapabilities     []AgentCapability `json:"agent_capabilities,omitempty"`
	ResourceVersionUUID   *UUID             `json:"resource_version_uuid,omitempty"`
}

// MessageName returns RegisterSlaveMessageName.
func (RegisterSlaveMessage) MessageName() string { return RegisterSlaveMessageName }

// ReregisterSlaveMessage re-registers a known agent with its full state after a master failover or a ping timeout.
type ReregisterSlaveMessage struct {
	Slave                 AgentInfo           `json:"slave"`
	CheckpointedResources Resources           `json:"checkpointed_resources,omitzero"`
	ExecutorInfos         []ExecutorInfo      `json:"executor_infos,omitempty"`
	Tasks                 []Task              `json:"tasks,omitempty"`
	Frameworks            []FrameworkInfo     `json:"frameworks,omitempty"`
	CompletedFrameworks   []ArchivedFramework `json:"completed_frameworks,omitempty"`
	Version               string              `json:"version,omitempty"`
	AgentCapabilities     []AgentCapability   `json:"agent_capabilities,omitempty"`
	ResourceVersionUUID   *UUID               `json:"resource_version_uuid,omitempty"`
}

// MessageName returns ReregisterSlaveMessageName.
func (ReregisterSlaveMessage) MessageName() string { return ReregisterSlaveMessageName }

// UnregisterSlaveMessage tells the master the agent is shutting down.
type UnregisterSlaveMessage struct {
	SlaveID AgentID `json:"slave_id"`
}

// MessageName returns UnregisterSlaveMessageName.
func (UnregisterSlaveMessage) MessageName() string { return UnregisterSlaveMessageName }

// StatusUpdateMessage carries a status update (agent → master, master → v0 scheduler). PID, if set, is where the v0 driver sends the acknowledgement.
type StatusUpdateMessage struct {
	Update StatusUpdate `json:"update"`
	PID    string       `json:"pid,omitempty"`
}

// MessageName returns StatusUpdateMessageName.
func (StatusUpdateMessage) MessageName() string { return StatusUpdateMessageName }

// ExitedExecutorMessage reports an executor's exit (agent → master → scheduler FAILURE).
type ExitedExecutorMessage struct {
	SlaveID     AgentID     `json:"slave_id"`
	FrameworkID FrameworkID `json:"framework_id"`
	ExecutorID  ExecutorID  `json:"executor_id"`
	Status      int32       `json:"status"`
}

// MessageName returns ExitedExecutorMessageName.
func (ExitedExecutorMessage) MessageName() string { return ExitedExecutorMessageName }

// UpdateSlaveMessage reports changed oversubscribed or total resources and pending operations.
type UpdateSlaveMessage struct {
	SlaveID                       AgentID         `json:"slave_id"`
	UpdateOversubscribedResources *bool           `json:"update_oversubscribed_resources,omitempty"`
	OversubscribedResources       Resources       `json:"oversubscribed_resources,omitzero"`
	Operations                    *OperationList  `json:"operations,omitempty"`
	ResourceVersionUUID           *UUID           `json:"resource_version_uuid,omitempty"`
	ResourceProviders             json.RawMessage `json:"resource_providers,omitempty"`
}

// MessageName returns UpdateSlaveMessageName.
func (UpdateSlaveMessage) MessageName() string { return UpdateSlaveMessageName }

// UpdateOperationStatusMessage reports an offer operation's status.
type UpdateOperationStatusMessage struct {
	FrameworkID   *FrameworkID     `json:"framework_id,omitempty"`
	SlaveID       *AgentID         `json:"slave_id,omitempty"`
	Status        OperationStatus  `json:"status"`
	LatestStatus  *OperationStatus `json:"latest_status,omitempty"`
	OperationUUID *UUID            `json:"operation_uuid,omitempty"`
}

// MessageName returns UpdateOperationStatusMessageName.
func (UpdateOperationStatusMessage) MessageName() string { return UpdateOperationStatusMessageName }

// PongSlaveMessage answers PingSlaveMessage.
type PongSlaveMessage struct {
}

// MessageName returns PongSlaveMessageName.
func (PongSlaveMessage) MessageName() string { return PongSlaveMessageName }

// ExecutorToFrameworkMessage carries executor → framework bytes (scheduler MESSAGE event).
type ExecutorToFrameworkMessage struct {
	SlaveID     AgentID     `json:"slave_id"`
	FrameworkID FrameworkID `json:"framework_id"`
	ExecutorID  ExecutorID  `json:"executor_id"`
	Data        []byte      `json:"data"`
}

// MessageName returns ExecutorToFrameworkMessageName.
func (ExecutorToFrameworkMessage) MessageName() string { return ExecutorToFrameworkMessageName }
