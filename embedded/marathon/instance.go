package marathon

import (
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// Condition is where an instance is in its life (core/condition/
// Condition.scala, reduced to what a command-executor app goes through).
type Condition int

// Conditions. Scheduled instances wait for an offer; Provisioned ones have
// been launched (ACCEPT sent) and wait for their first status update.
const (
	Scheduled Condition = iota
	Provisioned
	Staging
	Starting
	Running
	Killing
	Unreachable
)

var conditionNames = [...]string{"Scheduled", "Provisioned", "Staging", "Starting", "Running", "Killing", "Unreachable"}

// String returns Marathon's name of the condition.
func (c Condition) String() string {
	if c >= 0 && int(c) < len(conditionNames) {
		return conditionNames[c]
	}
	return "Unknown"
}

// Goal is what Marathon wants of an instance (core/instance/Goal.scala):
// keep it running, or get rid of it.
type Goal int

// Goals.
const (
	GoalRunning Goal = iota
	GoalDecommissioned
)

// Instance is one of an app's instances: a slot Marathon keeps filled
// with a task. A task that ends is replaced by a new one of the same
// instance (new task id) while the goal is Running.
type Instance struct {
	ID    string
	AppID string
	// Version is the app version the instance was scheduled with
	// (runSpecVersion); Config is that version's LastConfigChangeAt: an
	// instance whose Config differs from its app's is of an old
	// configuration and gets replaced by a restart.
	Version time.Time
	Config  time.Time
	Role    string
	Goal    Goal
	Cond    Condition
	// Since is when the instance entered Cond (for Scheduled: since when
	// it waits for an offer).
	Since time.Time
	// Task is the current task; nil while Scheduled.
	Task *Task
	// KillSentAt is when the last KILL was sent (kills are retried).
	KillSentAt time.Time

	schedSeq uint64 // its current entry in the app's scheduled FIFO
}

// Task is the Mesos task of an instance.
type Task struct {
	ID           string
	AgentID      string
	Site         Site
	HostPorts    []uint64
	ServicePorts []int
	State        mesos.TaskState
	StagedAt     time.Time
	StartedAt    time.Time
	// Healthy is Mesos's verdict of the health checks (TaskStatus.healthy);
	// nil until the first one.
	Healthy             *bool
	FirstSuccess        time.Time
	LastSuccess         time.Time
	LastFailure         time.Time
	ConsecutiveFailures int
	// LastStatusAt is when the last status update arrived.
	LastStatusAt time.Time
}

// active reports whether the instance has a task that has not ended.
func (i *Instance) active() bool { return i.Task != nil && i.Cond != Scheduled }

// ready reports whether the instance counts as up for deployments: its
// task is RUNNING and, when the app has health checks, healthy
// (Instance.consideredHealthy).
func (i *Instance) ready(app *App) bool {
	if i.Task == nil || i.Cond != Running {
		return false
	}
	if app.hasHealthChecks() {
		return i.Task.Healthy != nil && *i.Task.Healthy
	}
	return true
}

// consideredHealthy is Instance.consideredHealthy: not known to be
// unhealthy (used to order kills in restarts).
func (i *Instance) consideredHealthy() bool {
	return i.Task == nil || i.Task.Healthy == nil || *i.Task.Healthy
}

// conditionOf maps a Mesos task state to a condition.
func conditionOf(s mesos.TaskState) Condition {
	switch s {
	case mesos.TaskStaging:
		return Staging
	case mesos.TaskStarting:
		return Starting
	case mesos.TaskRunning:
		return Running
	case mesos.TaskKilling:
		return Killing
	case mesos.TaskUnreachable:
		return Unreachable
	}
	return Provisioned
}

// ended reports whether a status ends the task: a terminal state, and
// TASK_UNKNOWN (the master does not know it; Marathon treats it as gone).
func ended(s mesos.TaskState) bool { return s.IsTerminal() || s == mesos.TaskUnknown }

// limitWorthy reports whether a task ending in s delays further launches
// (NotifyRateLimiterStep.limitWorthy: dropped, error, failed, gone,
// finished).
func limitWorthy(s mesos.TaskState) bool {
	switch s {
	case mesos.TaskDropped, mesos.TaskError, mesos.TaskFailed, mesos.TaskGone, mesos.TaskGoneByOperator, mesos.TaskFinished:
		return true
	}
	return false
}

// failure reports whether a task ending in s is a task failure
// (lastTaskFailure): everything but FINISHED and KILLED.
func failure(s mesos.TaskState) bool {
	return ended(s) && s != mesos.TaskFinished && s != mesos.TaskKilled
}

// TaskFailure is an app's last task failure (lastTaskFailure).
type TaskFailure struct {
	AppID     string
	TaskID    string
	AgentID   string
	Host      string
	State     mesos.TaskState
	Message   string
	Timestamp time.Time
	Version   time.Time
}
