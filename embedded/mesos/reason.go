package mesos

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// TaskStatusReason is mesos.proto TaskStatus.Reason: every reason of Mesos
// 1.11.0 with its numeric value (see docs/task-state-reasons.md).
type TaskStatusReason int32

// Task status reasons.
const (
	ReasonCommandExecutorFailed         TaskStatusReason = 0
	ReasonContainerLaunchFailed         TaskStatusReason = 21
	ReasonContainerLimitation           TaskStatusReason = 19
	ReasonContainerLimitationDisk       TaskStatusReason = 20
	ReasonContainerLimitationMemory     TaskStatusReason = 8
	ReasonContainerPreempted            TaskStatusReason = 17
	ReasonContainerUpdateFailed         TaskStatusReason = 22
	ReasonMaxCompletionTimeReached      TaskStatusReason = 33
	ReasonExecutorRegistrationTimeout   TaskStatusReason = 23
	ReasonExecutorReregistrationTimeout TaskStatusReason = 24
	ReasonExecutorTerminated            TaskStatusReason = 1
	ReasonExecutorUnregistered          TaskStatusReason = 2
	ReasonFrameworkRemoved              TaskStatusReason = 3
	ReasonGcError                       TaskStatusReason = 4
	ReasonInvalidFrameworkid            TaskStatusReason = 5
	ReasonInvalidOffers                 TaskStatusReason = 6
	ReasonIoSwitchboardExited           TaskStatusReason = 27
	ReasonMasterDisconnected            TaskStatusReason = 7
	ReasonReconciliation                TaskStatusReason = 9
	ReasonResourcesUnknown              TaskStatusReason = 18
	ReasonAgentDisconnected             TaskStatusReason = 10
	ReasonAgentDraining                 TaskStatusReason = 34
	ReasonAgentRemoved                  TaskStatusReason = 11
	ReasonAgentRemovedByOperator        TaskStatusReason = 31
	ReasonAgentReregistered             TaskStatusReason = 32
	ReasonAgentRestarted                TaskStatusReason = 12
	ReasonAgentUnknown                  TaskStatusReason = 13
	ReasonTaskKilledDuringLaunch        TaskStatusReason = 30
	ReasonTaskCheckStatusUpdated        TaskStatusReason = 28
	ReasonTaskHealthCheckStatusUpdated  TaskStatusReason = 29
	ReasonTaskGroupInvalid              TaskStatusReason = 25
	ReasonTaskGroupUnauthorized         TaskStatusReason = 26
	ReasonTaskInvalid                   TaskStatusReason = 14
	ReasonTaskUnauthorized              TaskStatusReason = 15
	ReasonTaskUnknown                   TaskStatusReason = 16
)

var reasonEnum = enum.New("TaskStatus.Reason", map[int32]string{
	int32(0):  "REASON_COMMAND_EXECUTOR_FAILED",
	int32(21): "REASON_CONTAINER_LAUNCH_FAILED",
	int32(19): "REASON_CONTAINER_LIMITATION",
	int32(20): "REASON_CONTAINER_LIMITATION_DISK",
	int32(8):  "REASON_CONTAINER_LIMITATION_MEMORY",
	int32(17): "REASON_CONTAINER_PREEMPTED",
	int32(22): "REASON_CONTAINER_UPDATE_FAILED",
	int32(33): "REASON_MAX_COMPLETION_TIME_REACHED",
	int32(23): "REASON_EXECUTOR_REGISTRATION_TIMEOUT",
	int32(24): "REASON_EXECUTOR_REREGISTRATION_TIMEOUT",
	int32(1):  "REASON_EXECUTOR_TERMINATED",
	int32(2):  "REASON_EXECUTOR_UNREGISTERED",
	int32(3):  "REASON_FRAMEWORK_REMOVED",
	int32(4):  "REASON_GC_ERROR",
	int32(5):  "REASON_INVALID_FRAMEWORKID",
	int32(6):  "REASON_INVALID_OFFERS",
	int32(27): "REASON_IO_SWITCHBOARD_EXITED",
	int32(7):  "REASON_MASTER_DISCONNECTED",
	int32(9):  "REASON_RECONCILIATION",
	int32(18): "REASON_RESOURCES_UNKNOWN",
	int32(10): "REASON_AGENT_DISCONNECTED",
	int32(34): "REASON_AGENT_DRAINING",
	int32(11): "REASON_AGENT_REMOVED",
	int32(31): "REASON_AGENT_REMOVED_BY_OPERATOR",
	int32(32): "REASON_AGENT_REREGISTERED",
	int32(12): "REASON_AGENT_RESTARTED",
	int32(13): "REASON_AGENT_UNKNOWN",
	int32(30): "REASON_TASK_KILLED_DURING_LAUNCH",
	int32(28): "REASON_TASK_CHECK_STATUS_UPDATED",
	int32(29): "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED",
	int32(25): "REASON_TASK_GROUP_INVALID",
	int32(26): "REASON_TASK_GROUP_UNAUTHORIZED",
	int32(14): "REASON_TASK_INVALID",
	int32(15): "REASON_TASK_UNAUTHORIZED",
	int32(16): "REASON_TASK_UNKNOWN",
})

// String returns the Mesos name of the value ("TaskStatus.Reason(<n>)" if unknown).
func (x TaskStatusReason) String() string { return reasonEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x TaskStatusReason) IsKnown() bool { return reasonEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x TaskStatusReason) MarshalText() ([]byte, error) { return reasonEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *TaskStatusReason) UnmarshalText(b []byte) error {
	v, err := reasonEnum.Unmarshal(b, reflect.TypeFor[TaskStatusReason]())
	if err != nil {
		return err
	}
	*x = TaskStatusReason(v)
	return nil
}
