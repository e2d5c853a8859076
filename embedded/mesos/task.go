package mesos

import "encoding/json"

// TaskInfo is mesos.proto TaskInfo: what a framework asks to launch.
// Exactly one of Executor and Command is set (checked by the master's
// task validation, not here). Check and Limits are carried as raw JSON.
type TaskInfo struct {
	Name              string          `json:"name"`
	TaskID            TaskID          `json:"task_id"`
	AgentID           AgentID         `json:"agent_id"`
	Resources         Resources       `json:"resources,omitzero"`
	Executor          *ExecutorInfo   `json:"executor,omitempty"`
	Command           *CommandInfo    `json:"command,omitempty"`
	Container         *ContainerInfo  `json:"container,omitempty"`
	HealthCheck       *HealthCheck    `json:"health_check,omitempty"`
	Check             json.RawMessage `json:"check,omitempty"`
	KillPolicy        *KillPolicy     `json:"kill_policy,omitempty"`
	Data              []byte          `json:"data,omitempty"`
	Labels            *Labels         `json:"labels,omitempty"`
	Discovery         *DiscoveryInfo  `json:"discovery,omitempty"`
	MaxCompletionTime *DurationInfo   `json:"max_completion_time,omitempty"`
	Limits            json.RawMessage `json:"limits,omitempty"`
}

// TaskGroupInfo is mesos.proto TaskGroupInfo: tasks launched together in
// one executor (LAUNCH_GROUP).
type TaskGroupInfo struct {
	Tasks []TaskInfo `json:"tasks,omitempty"`
}

// Task is mesos.proto Task: the master's and agent's record of a launched
// task, as the operator API returns it. StatusUpdateState and
// StatusUpdateUUID describe the update at the head of the agent's status
// update stream.
type Task struct {
	Name              string          `json:"name"`
	TaskID            TaskID          `json:"task_id"`
	FrameworkID       FrameworkID     `json:"framework_id"`
	ExecutorID        *ExecutorID     `json:"executor_id,omitempty"`
	AgentID           AgentID         `json:"agent_id"`
	State             TaskState       `json:"state"`
	Resources         Resources       `json:"resources,omitzero"`
	Statuses          []TaskStatus    `json:"statuses,omitempty"`
	StatusUpdateState *TaskState      `json:"status_update_state,omitempty"`
	StatusUpdateUUID  []byte          `json:"status_update_uuid,omitempty"`
	Labels            *Labels         `json:"labels,omitempty"`
	Discovery         *DiscoveryInfo  `json:"discovery,omitempty"`
	Container         *ContainerInfo  `json:"container,omitempty"`
	HealthCheck       *HealthCheck    `json:"health_check,omitempty"`
	KillPolicy        *KillPolicy     `json:"kill_policy,omitempty"`
	User              string          `json:"user,omitempty"`
	Limits            json.RawMessage `json:"limits,omitempty"`
}
