package mesos

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// TaskState is mesos.proto TaskState, with Mesos's names and numeric
// values (include/mesos/v1/mesos.proto:2407).
type TaskState int32

// Task states. The happy path is STAGING → STARTING → RUNNING → FINISHED.
const (
	TaskStaging        TaskState = 6  // initial, set by the master/agent
	TaskStarting       TaskState = 0  // the executor is launching the task
	TaskRunning        TaskState = 1  // running
	TaskKilling        TaskState = 8  // being killed (TASK_KILLING_STATE frameworks)
	TaskFinished       TaskState = 2  // terminal: finished successfully
	TaskFailed         TaskState = 3  // terminal: failed
	TaskKilled         TaskState = 4  // terminal: killed by the executor
	TaskError          TaskState = 7  // terminal: invalid task description
	TaskLost           TaskState = 5  // failed; sent to non-PARTITION_AWARE frameworks
	TaskDropped        TaskState = 9  // terminal: never launched
	TaskUnreachable    TaskState = 10 // the agent is partitioned away
	TaskGone           TaskState = 11 // terminal: the agent is gone
	TaskGoneByOperator TaskState = 12 // the operator marked the agent gone
	TaskUnknown        TaskState = 13 // reconciliation: the master does not know the task
)

var taskStateEnum = enum.New("TaskState", map[int32]string{
	int32(6):  "TASK_STAGING",
	int32(0):  "TASK_STARTING",
	int32(1):  "TASK_RUNNING",
	int32(8):  "TASK_KILLING",
	int32(2):  "TASK_FINISHED",
	int32(3):  "TASK_FAILED",
	int32(4):  "TASK_KILLED",
	int32(7):  "TASK_ERROR",
	int32(5):  "TASK_LOST",
	int32(9):  "TASK_DROPPED",
	int32(10): "TASK_UNREACHABLE",
	int32(11): "TASK_GONE",
	int32(12): "TASK_GONE_BY_OPERATOR",
	int32(13): "TASK_UNKNOWN",
})

// String returns the Mesos name of the value ("TaskState(<n>)" if unknown).
func (x TaskState) String() string { return taskStateEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x TaskState) IsKnown() bool { return taskStateEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x TaskState) MarshalText() ([]byte, error) { return taskStateEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *TaskState) UnmarshalText(b []byte) error {
	v, err := taskStateEnum.Unmarshal(b, reflect.TypeFor[TaskState]())
	if err != nil {
		return err
	}
	*x = TaskState(v)
	return nil
}

// IsTerminal reports whether s is terminal, as protobuf::isTerminalState
// (src/common/protobuf_utils.cpp) decides: FINISHED, FAILED, KILLED, LOST,
// ERROR, DROPPED, GONE and GONE_BY_OPERATOR. UNREACHABLE and UNKNOWN are
// not terminal.
func (x TaskState) IsTerminal() bool {
	switch x {
	case TaskFinished, TaskFailed, TaskKilled, TaskLost, TaskError, TaskDropped, TaskGone, TaskGoneByOperator:
		return true
	}
	return false
}

// TaskStatusSource is mesos.proto TaskStatus.Source.
type TaskStatusSource int32

// Status update sources.
const (
	SourceMaster   TaskStatusSource = 0
	SourceAgent    TaskStatusSource = 1
	SourceExecutor TaskStatusSource = 2
)

var sourceEnum = enum.New("TaskStatus.Source", map[int32]string{
	int32(0): "SOURCE_MASTER",
	int32(1): "SOURCE_AGENT",
	int32(2): "SOURCE_EXECUTOR",
})

// String returns the Mesos name of the value ("TaskStatus.Source(<n>)" if unknown).
func (x TaskStatusSource) String() string { return sourceEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x TaskStatusSource) IsKnown() bool { return sourceEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x TaskStatusSource) MarshalText() ([]byte, error) { return sourceEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *TaskStatusSource) UnmarshalText(b []byte) error {
	v, err := sourceEnum.Unmarshal(b, reflect.TypeFor[TaskStatusSource]())
	if err != nil {
		return err
	}
	*x = TaskStatusSource(v)
	return nil
}
