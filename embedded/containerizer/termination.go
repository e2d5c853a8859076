package containerizer

import (
	"fmt"
	"strconv"
	"syscall"
)

// Reason is a TaskStatus.Reason name (include/mesos/mesos.proto). Only the
// reasons a containerizer produces are declared here.
type Reason string

// Reasons a container termination can carry.
const (
	// ReasonContainerLaunchFailed: a launch step (sandbox, isolator, fetch,
	// fork) failed.
	ReasonContainerLaunchFailed Reason = "REASON_CONTAINER_LAUNCH_FAILED"
	// ReasonContainerLimitation: a generic isolator limitation.
	ReasonContainerLimitation Reason = "REASON_CONTAINER_LIMITATION"
	// ReasonContainerLimitationMemory: the container exceeded its memory limit.
	ReasonContainerLimitationMemory Reason = "REASON_CONTAINER_LIMITATION_MEMORY"
	// ReasonContainerLimitationDisk: the container exceeded its disk quota.
	ReasonContainerLimitationDisk Reason = "REASON_CONTAINER_LIMITATION_DISK"
	// ReasonExecutorTerminated: the process tree is gone for another reason.
	ReasonExecutorTerminated Reason = "REASON_EXECUTOR_TERMINATED"
)

// TaskState is a TaskState name (include/mesos/mesos.proto); a termination
// caused by a limitation or a failed launch carries TASK_FAILED.
type TaskState string

// TaskFailed is the state Mesos puts in limitation terminations.
const TaskFailed TaskState = "TASK_FAILED"

// Termination says how a container ended. It models
// include/mesos/slave/containerizer.proto ContainerTermination: Status is the
// raw wait(2) status of the container's init process (absent if it never
// ran), and State, Reason and Message explain a termination the
// containerizer itself caused (a limitation, a failed launch).
type Termination struct {
	Status  *int32    `json:"status,omitempty"`
	State   TaskState `json:"state,omitempty"`
	Reason  Reason    `json:"reason,omitempty"`
	Message string    `json:"message,omitempty"`
}

// WaitStatus returns the raw status as a syscall.WaitStatus and whether one
// is present.
func (t Termination) WaitStatus() (syscall.WaitStatus, bool) {
	if t.Status == nil {
		return 0, false
	}
	return syscall.WaitStatus(uint32(*t.Status)), true
}

// Exited reports whether the process exited normally; code is its exit code.
func (t Termination) Exited() (code int, ok bool) {
	ws, has := t.WaitStatus()
	if !has || !ws.Exited() {
		return 0, false
	}
	return ws.ExitStatus(), true
}

// Signaled reports whether the process was killed by a signal, and which.
func (t Termination) Signaled() (syscall.Signal, bool) {
	ws, has := t.WaitStatus()
	if !has || !ws.Signaled() {
		return 0, false
	}
	return ws.Signal(), true
}

// String is the canonical rendering, e.g. "exited with status 3" or
// "terminated with signal killed; REASON_CONTAINER_LIMITATION_MEMORY: ...".
func (t Termination) String() string {
	s := "no status"
	if ws, ok := t.WaitStatus(); ok {
		s = DescribeWaitStatus(ws)
	}
	if t.Reason != "" {
		s += "; " + string(t.Reason)
	}
	if t.Message != "" {
		s += ": " + t.Message
	}
	return s
}

// DescribeWaitStatus renders a wait status like Mesos's WSTRINGIFY
// (src/common/status_utils.hpp).
func DescribeWaitStatus(ws syscall.WaitStatus) string {
	switch {
	case ws.Exited():
		return "exited with status " + strconv.Itoa(ws.ExitStatus())
	case ws.Signaled():
		s := "terminated with signal " + ws.Signal().String()
		if ws.CoreDump() {
			s += " (core dumped)"
		}
		return s
	case ws.Stopped():
		return "stopped on signal " + ws.StopSignal().String()
	}
	return fmt.Sprintf("wait status %d", uint32(ws))
}

// exitStatus builds the raw status W_EXITCODE(code, 0).
func exitStatus(code int) int32 { return int32((code & 0xff) << 8) }

// signalStatus builds the raw status W_EXITCODE(0, sig).
func signalStatus(sig syscall.Signal) int32 { return int32(sig) & 0x7f }

func int32p(v int32) *int32 { return &v }
