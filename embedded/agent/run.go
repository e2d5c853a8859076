package agent

import (
	"strconv"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Executor overhead of the command executor (DEFAULT_EXECUTOR_CPUS and
// DEFAULT_EXECUTOR_MEM in src/slave/constants.hpp).
const (
	executorCPUs  = 0.1
	executorMemMB = 32
)

// runTask handles RunTaskMessage (Slave::handleRunTaskMessage and runTask): a task
// with a command gets a generated command executor whose ID is the task's; a task
// with an ExecutorInfo runs that executor's command as its container.
func (a *Agent) runTask(from process.PID, msg mesos.RunTaskMessage) {
	if from != a.master {
		a.log.Warn("Ignoring run task message: not from the expected master", "from", from.String(), "master", a.master.String())
		return
	}
	if msg.Framework.ID == nil {
		a.log.Error("Ignoring run task message: it does not have a framework ID", "from", from.String())
		return
	}
	task := msg.Task
	if (task.Executor == nil) == (task.Command == nil) {
		// Mesos CHECK-fails here; the master's task validation rules it out.
		a.log.Error("Ignoring run task message: the task must have either CommandInfo or ExecutorInfo set but not both",
			"task", task.TaskID.Value)
		return
	}
	var exec mesos.ExecutorInfo
	if task.Executor != nil {
		exec = *task.Executor
	} else {
		exec = commandExecutorInfo(msg.Framework, task)
	}
	a.run(msg.Framework, msg.PID, exec, task)
}

// commandExecutorInfo is Slave::getExecutorInfo for a command task: the executor
// shares the task's ID, is named after the command, takes the task's URIs,
// environment, user, labels and discovery, and gets the executor overhead (0.1 cpus,
// 32 MB) allocated to the task's role. Its command is the task's own command: the
// agent plays mesos-executor and runs the task directly as the container.
func commandExecutorInfo(fw mesos.FrameworkInfo, task mesos.TaskInfo) mesos.ExecutorInfo {
	e := mesos.ExecutorInfo{
		ExecutorID:  mesos.ExecutorID{Value: task.TaskID.Value},
		FrameworkID: fw.ID,
		Container:   task.Container,
		Name:        "Command Executor " + commandExecutorName(task),
		Source:      task.TaskID.Value,
		Labels:      task.Labels,
		Discovery:   task.Discovery,
	}
	if task.Command != nil {
		c := *task.Command
		e.Command = &c
	}
	if task.KillPolicy != nil && task.KillPolicy.GracePeriod != nil {
		// Slave::getExecutorInfo adds MAX_REAP_INTERVAL (1 s) and 1 s.
		g := task.KillPolicy.GracePeriod.Nanoseconds + 2e9
		e.ShutdownGracePeriod = &mesos.DurationInfo{Nanoseconds: g}
	}
	overhead, err := resources.Parse("cpus:"+strconv.FormatFloat(executorCPUs, 'g', -1, 64)+";mem:"+strconv.Itoa(executorMemMB), "*")
	if err == nil {
		if role := taskRole(task); role != "" {
			overhead.Allocate(role)
		}
		e.Resources = mesos.ResourcesOf(overhead)
	}
	return e
}

// commandExecutorName is the "(Task: id) (Command: ...)" part of the command
// executor's name, truncated as Slave::getExecutorInfo truncates it.
func commandExecutorName(task mesos.TaskInfo) string {
	name := "(Task: " + task.TaskID.Value + ") "
	c := task.Command
	switch {
	case c.GetShell() && c.Value == nil:
		name += "(Command: NO COMMAND)"
	case c.GetShell():
		v := *c.Value
		if len(v) > 15 {
			name += "(Command: sh -c '" + v[:12] + "...')"
		} else {
			name += "(Command: sh -c '" + v + "')"
		}
	case c.Value == nil:
		name += "(Command: NO EXECUTABLE)"
	default:
		args := *c.Value + ", " + strings.Join(c.Arguments, ", ")
		if len(args) > 15 {
			name += "(Command: [" + args[:12] + "...])"
		} else {
			name += "(Command: [" + args + "])"
		}
	}
	return name
}

// taskRole returns the allocation role of a task's resources ("" if none).
func taskRole(task mesos.TaskInfo) string {
	for r := range task.Resources.All() {
		if role := r.AllocationRole(); role != "" {
			return role
		}
	}
	return ""
}

// ensureFramework returns the agent's record of a framework, creating it (and taking
// back its completed executors if it had completed before) as Slave::run does.
func (a *Agent) ensureFramework(info mesos.FrameworkInfo, pid string) *framework {
	id := info.ID.Value
	if f := a.frameworks[id]; f != nil {
		return f
	}
	f := newFramework(info, pid)
	for i, old := range a.completedFrameworks {
		if old.id == id {
			f.completedExecutors = old.completedExecutors
			a.completedFrameworks = append(a.completedFrameworks[:i:i], a.completedFrameworks[i+1:]...)
			break
		}
	}
	a.frameworks[id] = f
	a.checkpointFramework(f)
	return f
}

// injectAllocationInfo allocates resources without allocation info to the
// framework's role, as Slave::run's injectAllocationInfo does for frameworks with a
// single role (MULTI_ROLE frameworks get allocation info from the master).
func injectAllocationInfo(rs mesos.Resources, fw mesos.FrameworkInfo) mesos.Resources {
	roles := fw.AllRoles()
	if len(roles) != 1 {
		return rs
	}
	out := rs.Resources.Clone()
	var fixed resources.Resources
	for r := range out.All() {
		if r.AllocationInfo == nil {
			r.AllocationInfo = &resources.AllocationInfo{Role: roles[0]}
		}
		fixed.AddResource(r)
	}
	return mesos.Resources{Resources: fixed, Format: rs.Format}
}

// run is Slave::run, _run and __run for one task and its executor.
func (a *Agent) run(fw mesos.FrameworkInfo, pid string, exec mesos.ExecutorInfo, task mesos.TaskInfo) {
	if task.AgentID.Value != a.agentID() {
		a.log.Warn("Ignoring running task: it was intended for another agent",
			"task", task.TaskID.Value, "intended_for", task.AgentID.Value)
		return
	}
	if a.state == StateRecovering || a.state == StateTerminating {
		a.log.Warn("Ignoring running task", "task", task.TaskID.Value, "state", a.state.String())
		return
	}
	f := a.ensureFramework(fw, pid)
	if f.state == frameworkTerminating {
		a.log.Warn("Ignoring running task: the framework is terminating", "task", task.TaskID.Value, "framework", f.id)
		return
	}
	task.Resources = injectAllocationInfo(task.Resources, fw)
	exec.Resources = injectAllocationInfo(exec.Resources, fw)
	if exec.FrameworkID == nil {
		exec.FrameworkID = fw.ID
	}
	a.log.Info("Got assigned task", "task", task.TaskID.Value, "framework", f.id)

	if e := f.executors[exec.ExecutorID.Value]; e != nil {
		if e.state == executorTerminating || e.state == executorTerminated {
			state := mesos.TaskLost
			if f.partitionAware() {
				state = mesos.TaskDropped
			}
			u := a.newAgentUpdate(f.id, e.id, task.TaskID.Value, state, "Executor terminating", mesos.ReasonExecutorTerminated)
			a.statusUpdate(u, false)
			return
		}
		e.launchedTasks[task.TaskID.Value] = createTask(task, mesos.TaskStaging, f.id, e.id)
		a.checkpointTask(f, e, e.launchedTasks[task.TaskID.Value])
		if e.defaultExec {
			// DefaultExecutor::received: "LAUNCH event is not supported", and it
			// shuts down; the task fails with the executor.
			a.log.Error("Default executor does not support LAUNCH; shutting it down", "task", task.TaskID.Value, "executor", e.id)
			a.shutdownExecutor(f, e)
			return
		}
		// The executor runs one task only, as the command executor does.
		a.executorUpdate(f, e, task.TaskID.Value, mesos.TaskFailed,
			`Attempted to run multiple tasks using a "command" executor`, nil)
		return
	}

	cid := uuidString(newUUID(a.rand))
	e := &executor{
		id:              exec.ExecutorID.Value,
		frameworkID:     f.id,
		info:            exec,
		containerID:     cid,
		directory:       executorRunPath(a.cfg.WorkDir, a.agentID(), f.id, exec.ExecutorID.Value, cid),
		state:           executorRegistering,
		commandTask:     task.Executor == nil,
		checkpoint:      fw.Checkpoint,
		launchedTasks:   map[string]*mesos.Task{},
		terminatedTasks: map[string]*mesos.Task{},
		taskID:          task.TaskID.Value,
		killPolicy:      task.KillPolicy,
	}
	e.launchedTasks[e.taskID] = createTask(task, mesos.TaskStaging, f.id, e.id)
	f.executors[e.id] = e
	a.checkpointExecutor(f, e)
	a.checkpointTask(f, e, e.launchedTasks[e.taskID])
	a.launchExecutor(f, e, task)
}
