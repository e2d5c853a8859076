package agent

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// frameworkState is Framework::State (src/slave/slave.hpp).
type frameworkState int

const (
	frameworkRunning frameworkState = iota
	frameworkTerminating
)

// framework is the agent's record of a framework with work on it (struct Framework in
// src/slave/slave.hpp).
type framework struct {
	id                 string
	info               mesos.FrameworkInfo
	pid                string // the v0 scheduler's PID, if any
	state              frameworkState
	executors          map[string]*executor
	completedExecutors []*executor // oldest first, at most MaxCompletedExecutorsPerFramework
}

func newFramework(info mesos.FrameworkInfo, pid string) *framework {
	return &framework{id: info.ID.Value, info: info, pid: pid, executors: map[string]*executor{}}
}

// idle is Framework::idle: no executors (mesoscope has no pending tasks).
func (f *framework) idle() bool { return len(f.executors) == 0 }

// partitionAware reports the PARTITION_AWARE capability.
func (f *framework) partitionAware() bool {
	return f.info.HasCapability(mesos.FrameworkPartitionAware)
}

// executorForTask is Framework::getExecutor(TaskID): the executor that has the task
// queued, launched or terminated.
func (f *framework) executorForTask(taskID string) *executor {
	// A command task's executor has the task's id (the command executor's
	// ExecutorID is the TaskID): one lookup for the common case.
	if e := f.executors[taskID]; e != nil && e.hasTask(taskID) {
		return e
	}
	// A task id is unique within a framework, so at most one executor has it and
	// the map's order does not matter.
	for _, e := range f.executors {
		if e.hasTask(taskID) {
			return e
		}
	}
	return nil
}

// hasTask is Framework::hasTask.
func (f *framework) hasTask(taskID string) bool { return f.executorForTask(taskID) != nil }

func (f *framework) sortedExecutors() []*executor {
	out := make([]*executor, 0, len(f.executors))
	for _, id := range slices.Sorted(maps.Keys(f.executors)) {
		out = append(out, f.executors[id])
	}
	return out
}

// allocatedResources is Framework::allocatedResources: the sum over its executors.
func (f *framework) allocatedResources() resources.Resources {
	var rs resources.Resources
	for _, e := range f.sortedExecutors() {
		rs.Add(e.allocatedResources())
	}
	return rs
}

// executorState is Executor::State.
type executorState int

const (
	executorRegistering executorState = iota // the container is launching
	executorRunning
	executorTerminating
	executorTerminated
)

func (s executorState) String() string {
	switch s {
	case executorRegistering:
		return "REGISTERING"
	case executorRunning:
		return "RUNNING"
	case executorTerminating:
		return "TERMINATING"
	case executorTerminated:
		return "TERMINATED"
	}
	return fmt.Sprintf("executorState(%d)", int(s))
}

// termination is ContainerTermination's state, reason and message, as the agent keeps
// them in Executor::pendingTermination.
type termination struct {
	state   mesos.TaskState
	reason  mesos.TaskStatusReason
	message string
}

// executor is an executor and its container (struct Executor in src/slave/slave.hpp),
// plus the state of the executor that the agent plays for it: the command executor
// (src/launcher/executor.cpp CommandExecutor) or, for task groups, the default
// executor (src/launcher/default_executor.cpp DefaultExecutor, see defaultexecutor.go).
type executor struct {
	id          string
	frameworkID string
	info        mesos.ExecutorInfo
	containerID string
	directory   string
	state       executorState
	commandTask bool // generated for a command task (isGeneratedForCommandTask)
	checkpoint  bool

	// queuedTasks are tasks waiting for the executor to register (its container to
	// run), by task ID, and queuedGroups the task groups they came in, in order
	// (Executor::queuedTasks and queuedTaskGroups). Only default executors queue.
	queuedTasks  map[string]mesos.TaskInfo
	queuedGroups []*taskGroup

	launchedTasks   map[string]*mesos.Task
	terminatedTasks map[string]*mesos.Task
	completedTasks  []*mesos.Task // oldest first, at most MaxCompletedTasksPerExecutor

	// The default executor's state (nil children for a command executor).
	defaultExec   bool              // the agent plays the default executor
	children      map[string]*child // live child containers by task ID (DefaultExecutor::containers)
	shuttingDown  bool              // DefaultExecutor::shuttingDown
	exiting       bool              // no child left: the executor exits, its container is destroyed
	shutdownTimer *process.Timer    // Slave::shutdownExecutorTimeout

	// The command executor's state.
	taskID             string
	killPolicy         *mesos.KillPolicy
	launched           bool           // the container is RUNNING
	pid                uint32         // the container's init process (executor_pid)
	killed             bool           // SIGTERM sent
	pendingKill        *time.Duration // kill requested while the container was launching
	killStart          time.Time
	killDeadline       time.Time
	killTimer          *process.Timer
	reaped             bool // the container terminated
	pendingTermination *termination

	// Health checking (healthchecker.go): the command executor's checker, and the
	// default executor's flag that one of its tasks was killed as unhealthy.
	health    *healthChecker
	unhealthy bool
}

// allocatedResources is Executor::allocatedResources: the executor's own resources
// plus those of its queued and launched tasks.
func (e *executor) allocatedResources() resources.Resources {
	rs := e.info.Resources.Resources.Clone()
	for _, id := range slices.Sorted(maps.Keys(e.queuedTasks)) {
		rs.Add(e.queuedTasks[id].Resources.Resources)
	}
	for _, t := range e.sortedLaunched() {
		rs.Add(t.Resources.Resources)
	}
	return rs
}

// incompleteTasks is Executor::incompleteTasks.
func (e *executor) incompleteTasks() bool {
	return len(e.queuedTasks) > 0 || len(e.launchedTasks) > 0 || len(e.terminatedTasks) > 0
}

// hasTask reports whether the task is queued, launched or terminated on e.
func (e *executor) hasTask(taskID string) bool {
	_, queued := e.queuedTasks[taskID]
	return queued || e.launchedTasks[taskID] != nil || e.terminatedTasks[taskID] != nil
}

// sortedQueued returns the queued tasks as Tasks in TASK_STAGING, ordered by ID (the
// Task protobuf::createTask makes of a queued TaskInfo).
func (e *executor) sortedQueued() []*mesos.Task {
	out := make([]*mesos.Task, 0, len(e.queuedTasks))
	for _, id := range slices.Sorted(maps.Keys(e.queuedTasks)) {
		out = append(out, createTask(e.queuedTasks[id], mesos.TaskStaging, e.frameworkID, e.id))
	}
	return out
}

func (e *executor) sortedLaunched() []*mesos.Task   { return sortedTasks(e.launchedTasks) }
func (e *executor) sortedTerminated() []*mesos.Task { return sortedTasks(e.terminatedTasks) }

func sortedTasks(m map[string]*mesos.Task) []*mesos.Task {
	out := make([]*mesos.Task, 0, len(m))
	for _, id := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[id])
	}
	return out
}

// updateTaskState is Executor::updateTaskState: the task takes the update's state,
// its statuses gain the update (replacing a last one of the same state), and a
// terminal update moves it from the queued or launched to the terminated tasks and
// counts it in the slave/tasks_* metrics. A queued task only takes terminal states.
func (e *executor) updateTaskState(status mesos.TaskStatus, m *metrics) error {
	id := status.TaskID.Value
	terminal := status.State.IsTerminal()
	var t *mesos.Task
	if info, ok := e.queuedTasks[id]; ok {
		if !terminal {
			return fmt.Errorf("queued tasks can only be transitioned to terminal states, not %s", status.State)
		}
		delete(e.queuedTasks, id)
		t = createTask(info, mesos.TaskStaging, e.frameworkID, e.id)
		e.terminatedTasks[id] = t
	}
	switch {
	case t != nil:
	case e.launchedTasks[id] != nil:
		t = e.launchedTasks[id]
		if terminal {
			delete(e.launchedTasks, id)
			e.terminatedTasks[id] = t
		}
	case e.terminatedTasks[id] != nil:
		return fmt.Errorf("task is already terminated with state %s", e.terminatedTasks[id].State)
	default:
		return fmt.Errorf("task is unknown")
	}
	if n := len(t.Statuses); n > 0 && t.Statuses[n-1].State == status.State {
		t.Statuses = t.Statuses[:n-1]
	}
	t.Statuses = append(t.Statuses, status)
	t.State = status.State
	if terminal {
		m.taskTerminated(status.State)
	}
	return nil
}

// completeTask is Executor::completeTask: a terminated task whose updates are all
// acknowledged moves to the bounded completed tasks.
func (e *executor) completeTask(taskID string) {
	t := e.terminatedTasks[taskID]
	if t == nil {
		return
	}
	delete(e.terminatedTasks, taskID)
	e.completedTasks = appendBounded(e.completedTasks, t, MaxCompletedTasksPerExecutor)
}

// appendBounded appends v, dropping the oldest entries beyond limit (a
// boost::circular_buffer).
func appendBounded[T any](s []T, v T, limit int) []T {
	s = append(s, v)
	if len(s) > limit {
		var zero T
		for i := range len(s) - limit {
			s[i] = zero
		}
		s = slices.Delete(s, 0, len(s)-limit)
	}
	return s
}

// createTask is protobuf::createTask: the Task the agent records for a TaskInfo.
func createTask(info mesos.TaskInfo, state mesos.TaskState, frameworkID, executorID string) *mesos.Task {
	t := &mesos.Task{
		Name:        info.Name,
		TaskID:      info.TaskID,
		FrameworkID: mesos.FrameworkID{Value: frameworkID},
		AgentID:     info.AgentID,
		State:       state,
		Resources:   mesos.ResourcesOf(info.Resources.Resources.Clone()),
		Labels:      info.Labels,
		Discovery:   info.Discovery,
		Container:   info.Container,
		HealthCheck: info.HealthCheck,
		KillPolicy:  info.KillPolicy,
		Limits:      info.Limits,
	}
	if executorID != "" {
		t.ExecutorID = &mesos.ExecutorID{Value: executorID}
	}
	if info.Command != nil && info.Command.User != "" {
		t.User = info.Command.User
	} else if info.Executor != nil && info.Executor.Command != nil && info.Executor.Command.User != "" {
		t.User = info.Executor.Command.User
	}
	return t
}

// cloneTask returns a copy of t whose slices the receiver may keep.
func cloneTask(t *mesos.Task) mesos.Task {
	c := *t
	c.Statuses = slices.Clone(t.Statuses)
	c.Resources = mesos.ResourcesOf(t.Resources.Resources.Clone())
	return c
}

// sortedFrameworks returns the frameworks ordered by ID.
func (a *Agent) sortedFrameworks() []*framework {
	out := make([]*framework, 0, len(a.frameworks))
	for _, id := range slices.Sorted(maps.Keys(a.frameworks)) {
		out = append(out, a.frameworks[id])
	}
	return out
}

// executorOf returns the executor id of framework fw, or nil.
func (a *Agent) executorOf(frameworkID, executorID string) *executor {
	f := a.frameworks[frameworkID]
	if f == nil {
		return nil
	}
	return f.executors[executorID]
}

// removeExecutor is Slave::removeExecutor: the terminated executor's run is marked
// completed (executor.sentinel, for checkpointing frameworks) and the executor moves
// to its framework's completed executors. Its sandbox stays attached to /files (in
// Mesos until the sandbox is garbage collected) until it falls out of the bounded
// list of completed executors.
func (a *Agent) removeExecutor(f *framework, e *executor) {
	a.checkpointSentinel(f, e)
	e.killTimer.Stop()
	delete(f.executors, e.id)
	f.completedExecutors = append(f.completedExecutors, e)
	if n := len(f.completedExecutors) - MaxCompletedExecutorsPerFramework; n > 0 {
		for _, old := range f.completedExecutors[:n] {
			a.detachSandbox(f, old)
		}
		clear(f.completedExecutors[:n])
		f.completedExecutors = slices.Delete(f.completedExecutors, 0, n)
	}
}

// removeFramework is Slave::removeFramework: an idle framework's status update streams
// are closed and it moves to the completed frameworks. A terminating agent whose
// last framework is gone terminates.
func (a *Agent) removeFramework(f *framework) {
	a.log.Info("Cleaning up framework", "framework", f.id)
	a.updates.Cleanup(f.id)
	for key, t := range a.retryTimers {
		if key.FrameworkID == f.id {
			t.Stop()
			delete(a.retryTimers, key)
		}
	}
	delete(a.frameworks, f.id)
	a.completedFrameworks = appendBounded(a.completedFrameworks, f, MaxCompletedFrameworks)
	a.maybeTerminate()
}

// maybeTerminate terminates a TERMINATING agent once no framework it is shutting down
// is left.
func (a *Agent) maybeTerminate() {
	if a.state != StateTerminating {
		return
	}
	for _, f := range a.frameworks {
		if a.stopKill || !f.info.Checkpoint {
			return
		}
	}
	if !a.terminated {
		a.terminated = true
		a.rt.Terminate(a.Self(), false)
	}
}
