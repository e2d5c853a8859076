package mesos

// Messages the master sends to agents (src/messages/messages.proto).
// Each message's name is the libprocess message name, the fully
// qualified protobuf name "mesos.internal.<Name>".
const (
	SlaveRegisteredMessageName             = "mesos.internal.SlaveRegisteredMessage"
	SlaveReregisteredMessageName           = "mesos.internal.SlaveReregisteredMessage"
	PingSlaveMessageName                   = "mesos.internal.PingSlaveMessage"
	RunTaskMessageName                     = "mesos.internal.RunTaskMessage"
	RunTaskGroupMessageName                = "mesos.internal.RunTaskGroupMessage"
	KillTaskMessageName                    = "mesos.internal.KillTaskMessage"
	StatusUpdateAcknowledgementMessageName = "mesos.internal.StatusUpdateAcknowledgementMessage"
	ShutdownFrameworkMessageName           = "mesos.internal.ShutdownFrameworkMessage"
	ShutdownExecutorMessageName            = "mesos.internal.ShutdownExecutorMessage"
	UpdateFrameworkMessageName             = "mesos.internal.UpdateFrameworkMessage"
	ReconcileTasksMessageName              = "mesos.internal.ReconcileTasksMessage"
	CheckpointResourcesMessageName         = "mesos.internal.CheckpointResourcesMessage"
	FrameworkToExecutorMessageName         = "mesos.internal.FrameworkToExecutorMessage"
	DrainSlaveMessageName                  = "mesos.internal.DrainSlaveMessage"
	ShutdownMessageName                    = "mesos.internal.ShutdownMessage"
)

// SlaveRegisteredMessage answers RegisterSlaveMessage with the agent's new ID.
type SlaveRegisteredMessage struct {
	SlaveID    AgentID                `json:"slave_id"`
	Connection *MasterSlaveConnection `json:"connection,omitempty"`
}

// MessageName returns SlaveRegisteredMessageName.
func (SlaveRegisteredMessage) MessageName() string { return SlaveRegisteredMessageName }

// SlaveReregisteredMessage answers ReregisterSlaveMessage; Reconciliations lists the tasks the master believes run on the agent (the agent answers TASK_DROPPED for unknown ones).
type SlaveReregisteredMessage struct {
	SlaveID         AgentID                 `json:"slave_id"`
	Reconciliations []ReconcileTasksMessage `json:"reconciliations,omitempty"`
	Connection      *MasterSlaveConnection  `json:"connection,omitempty"`
}

// MessageName returns SlaveReregisteredMessageName.
func (SlaveReregisteredMessage) MessageName() string { return SlaveReregisteredMessageName }

// PingSlaveMessage is the master's periodic health ping (SlaveObserver); Connected tells the agent whether the master considers it connected.
type PingSlaveMessage struct {
	Connected bool `json:"connected"`
}

// MessageName returns PingSlaveMessageName.
func (PingSlaveMessage) MessageName() string { return PingSlaveMessageName }

// RunTaskMessage launches a task (LAUNCH). FrameworkID is deprecated; PID is the v0 scheduler's (empty for v1 frameworks); LaunchExecutor tells the agent whether to start the executor.
type RunTaskMessage struct {
	FrameworkID          *FrameworkID          `json:"framework_id,omitempty"`
	Framework            FrameworkInfo         `json:"framework"`
	Task                 TaskInfo              `json:"task"`
	ResourceVersionUUIDs []ResourceVersionUUID `json:"resource_version_uuids,omitempty"`
	PID                  string                `json:"pid,omitempty"`
	LaunchExecutor       *bool                 `json:"launch_executor,omitempty"`
}

// MessageName returns RunTaskMessageName.
func (RunTaskMessage) MessageName() string { return RunTaskMessageName }

// RunTaskGroupMessage launches a task group (LAUNCH_GROUP).
type RunTaskGroupMessage struct {
	Framework            FrameworkInfo         `json:"framework"`
	Executor             ExecutorInfo          `json:"executor"`
	TaskGroup            TaskGroupInfo         `json:"task_group"`
	ResourceVersionUUIDs []ResourceVersionUUID `json:"resource_version_uuids,omitempty"`
	LaunchExecutor       *bool                 `json:"launch_executor,omitempty"`
}

// MessageName returns RunTaskGroupMessageName.
func (RunTaskGroupMessage) MessageName() string { return RunTaskGroupMessageName }

// KillTaskMessage kills a task (scheduler KILL); KillPolicy overrides the task's.
type KillTaskMessage struct {
	FrameworkID FrameworkID `json:"framework_id"`
	TaskID      TaskID      `json:"task_id"`
	KillPolicy  *KillPolicy `json:"kill_policy,omitempty"`
}

// MessageName returns KillTaskMessageName.
func (KillTaskMessage) MessageName() string { return KillTaskMessageName }

// StatusUpdateAcknowledgementMessage forwards a scheduler's ACKNOWLEDGE to the agent's status update manager.
type StatusUpdateAcknowledgementMessage struct {
	SlaveID     AgentID     `json:"slave_id"`
	FrameworkID FrameworkID `json:"framework_id"`
	TaskID      TaskID      `json:"task_id"`
	UUID        []byte      `json:"uuid"`
}

// MessageName returns StatusUpdateAcknowledgementMessageName.
func (StatusUpdateAcknowledgementMessage) MessageName() string {
	return StatusUpdateAcknowledgementMessageName
}

// ShutdownFrameworkMessage tells an agent to shut down all executors of a framework.
type ShutdownFrameworkMessage struct {
	FrameworkID FrameworkID `json:"framework_id"`
}

// MessageName returns ShutdownFrameworkMessageName.
func (ShutdownFrameworkMessage) MessageName() string { return ShutdownFrameworkMessageName }

// ShutdownExecutorMessage tells an agent (and the executor) to shut an executor down.
type ShutdownExecutorMessage struct {
	ExecutorID  *ExecutorID  `json:"executor_id,omitempty"`
	FrameworkID *FrameworkID `json:"framework_id,omitempty"`
}

// MessageName returns ShutdownExecutorMessageName.
func (ShutdownExecutorMessage) MessageName() string { return ShutdownExecutorMessageName }

// UpdateFrameworkMessage broadcasts a framework's new FrameworkInfo (and v0 PID) to agents.
type UpdateFrameworkMessage struct {
	FrameworkID   FrameworkID    `json:"framework_id"`
	PID           string         `json:"pid,omitempty"`
	FrameworkInfo *FrameworkInfo `json:"framework_info,omitempty"`
}

// MessageName returns UpdateFrameworkMessageName.
func (UpdateFrameworkMessage) MessageName() string { return UpdateFrameworkMessageName }

// ReconcileTasksMessage asks for the state of tasks: from a v0 scheduler to the master, or from the master to an agent (then Framework is set). Empty Statuses means implicit reconciliation.
type ReconcileTasksMessage struct {
	FrameworkID FrameworkID    `json:"framework_id"`
	Statuses    []TaskStatus   `json:"statuses,omitempty"`
	Framework   *FrameworkInfo `json:"framework,omitempty"`
}

// MessageName returns ReconcileTasksMessageName.
func (ReconcileTasksMessage) MessageName() string { return ReconcileTasksMessageName }

// CheckpointResourcesMessage tells the agent which resources to checkpoint (persistent volumes, dynamic reservations).
type CheckpointResourcesMessage struct {
	Resources Resources `json:"resources,omitzero"`
}

// MessageName returns CheckpointResourcesMessageName.
func (CheckpointResourcesMessage) MessageName() string { return CheckpointResourcesMessageName }

// FrameworkToExecutorMessage carries framework → executor bytes (scheduler MESSAGE call).
type FrameworkToExecutorMessage struct {
	SlaveID     AgentID     `json:"slave_id"`
	FrameworkID FrameworkID `json:"framework_id"`
	ExecutorID  ExecutorID  `json:"executor_id"`
	Data        []byte      `json:"data"`
}

// MessageName returns FrameworkToExecutorMessageName.
func (FrameworkToExecutorMessage) MessageName() string { return FrameworkToExecutorMessageName }

// DrainSlaveMessage tells the agent to start draining (DRAIN_AGENT).
type DrainSlaveMessage struct {
	Config DrainConfig `json:"config"`
}

// MessageName returns DrainSlaveMessageName.
func (DrainSlaveMessage) MessageName() string { return DrainSlaveMessageName }

// ShutdownMessage tells the agent to shut down (e.g. it was marked gone).
type ShutdownMessage struct {
	Message string `json:"message,omitempty"`
}

// MessageName returns ShutdownMessageName.
func (ShutdownMessage) MessageName() string { return ShutdownMessageName }
