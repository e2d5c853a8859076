package mesos

import "encoding/json"

// TaskStatus is mesos.proto TaskStatus: one status update. Timestamp is
// float seconds since the epoch (0 = unset, omitted); UUID and Data are
// bytes (base64 in JSON). Healthy is optional (nil = unknown). CheckStatus
// is carried as raw JSON.
type TaskStatus struct {
	TaskID          TaskID                  `json:"task_id"`
	State           TaskState               `json:"state"`
	Message         string                  `json:"message,omitempty"`
	Source          *TaskStatusSource       `json:"source,omitempty"`
	Reason          *TaskStatusReason       `json:"reason,omitempty"`
	Data            []byte                  `json:"data,omitempty"`
	AgentID         *AgentID                `json:"agent_id,omitempty"`
	ExecutorID      *ExecutorID             `json:"executor_id,omitempty"`
	Timestamp       float64                 `json:"timestamp,omitempty"`
	UUID            []byte                  `json:"uuid,omitempty"`
	Healthy         *bool                   `json:"healthy,omitempty"`
	CheckStatus     json.RawMessage         `json:"check_status,omitempty"`
	Labels          *Labels                 `json:"labels,omitempty"`
	ContainerStatus *ContainerStatus        `json:"container_status,omitempty"`
	UnreachableTime *TimeInfo               `json:"unreachable_time,omitempty"`
	Limitation      *TaskResourceLimitation `json:"limitation,omitempty"`
}

// TaskResourceLimitation is mesos.proto TaskResourceLimitation.
type TaskResourceLimitation struct {
	Resources Resources `json:"resources,omitzero"`
}

// SourcePtr returns a pointer to s, for TaskStatus.Source.
func SourcePtr(s TaskStatusSource) *TaskStatusSource { return &s }

// ReasonPtr returns a pointer to r, for TaskStatus.Reason.
func ReasonPtr(r TaskStatusReason) *TaskStatusReason { return &r }

// StatePtr returns a pointer to s, for Task.StatusUpdateState.
func StatePtr(s TaskState) *TaskState { return &s }
