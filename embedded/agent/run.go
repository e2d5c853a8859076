package agent

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/observe"
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

// runTaskGroup handles RunTaskGroupMessage. mesoscope has no default executor yet
// (Mesos launches each task of the group as a nested container under it), so every
// task of the group gets TASK_ERROR.
func (a *Agent) runTaskGroup(from process.PID, msg mesos.RunTaskGroupMessage) {
	if from != a.master {
		a.log.Warn("Ignoring run task group message: not from the expected master", "from", from.String(), "master", a.master.String())
		return
	}
	if msg.Framework.ID == nil {
		a.log.Error("Ignoring run task group message: it does not have a framework ID", "from", from.String())
		return
	}
	if a.state == StateRecovering || a.state == StateTerminating {
		a.log.Warn("Ignoring running task group", "state", a.state.String())
		return
	}
	f := a.ensureFramework(msg.Framework, "")
	for _, t := range msg.TaskGroup.Tasks {
		u := a.newAgentUpdate(f.id, msg.Executor.ExecutorID.Value, t.TaskID.Value, mesos.TaskError,
			"Task groups (LAUNCH_GROUP) are not supported by mesoscope's agent: it has no default executor",
			mesos.ReasonTaskGroupInvalid)
		a.statusUpdate(u, false)
	}
	if f.idle() {
		a.removeFramework(f)
	}
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
		// The executor runs one task only, as the command executor does.
		e.launchedTasks[task.TaskID.Value] = createTask(task, mesos.TaskStaging, f.id, e.id)
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
	a.launchExecutor(f, e, task)
}

// launchExecutor is Slave::launchExecutor plus the command executor's launch(): the
// sandbox is created and attached to /files, TASK_STARTING is sent, and the task's
// command is launched as the container; executorLaunched continues.
func (a *Agent) launchExecutor(f *framework, e *executor, task mesos.TaskInfo) {
	if err := os.MkdirAll(e.directory, 0o755); err != nil {
		a.log.Error("Failed to create executor directory", "dir", e.directory, "err", err)
	} else {
		a.attachSandbox(f, e)
	}
	a.log.Info("Launching executor", "executor", e.id, "framework", f.id, "container", e.containerID, "directory", e.directory)
	a.executorUpdate(f, e, e.taskID, mesos.TaskStarting, "", nil)

	if a.cont == nil {
		err := a.contErr
		if err == nil {
			err = fmt.Errorf("no containerizer")
		}
		a.launchFailed(f, e, err)
		return
	}
	cfg := a.containerConfig(f, e, task)
	fwID, exID, cid := f.id, e.id, e.containerID
	a.cont.Launch(containerizer.ContainerID{Value: cid}, cfg).OnAny(
		process.Defer(&a.Base, "executorLaunched", func(fut *process.Future[containerizer.LaunchResult]) {
			a.executorLaunched(fwID, exID, cid, fut)
		}))
}

// containerConfig builds the container of a task: the task's command (or, for an
// explicit executor, the executor's), the task's and executor's resources, the
// executor environment of Slave's executorEnvironment, and no kill grace of its own
// (the agent escalates SIGTERM to SIGKILL itself, as the command executor does).
func (a *Agent) containerConfig(f *framework, e *executor, task mesos.TaskInfo) containerizer.ContainerConfig {
	cmd := task.Command
	if cmd == nil && e.info.Command != nil {
		cmd = e.info.Command
	}
	var ci containerizer.CommandInfo
	if cmd != nil {
		ci = containerizer.CommandInfo{
			Shell:     cmd.GetShell(),
			Value:     cmd.GetValue(),
			Arguments: cmd.Arguments,
			User:      cmd.User,
		}
		for _, u := range cmd.URIs {
			ci.URIs = append(ci.URIs, containerizer.URI{
				Value:      u.Value,
				Executable: u.Executable != nil && *u.Executable,
				Extract:    u.GetExtract(),
				Cache:      u.Cache != nil && *u.Cache,
				OutputFile: u.OutputFile,
			})
		}
		if cmd.Environment != nil {
			env := &containerizer.Environment{}
			for _, v := range cmd.Environment.Variables {
				if v.Value != nil {
					env.Variables = append(env.Variables, containerizer.Variable{Name: v.Name, Value: *v.Value})
				}
			}
			ci.Environment = env
		}
	}
	all := task.Resources.Resources.Plus(e.info.Resources.Resources)
	var r containerizer.Resources
	r.CPUs, _ = all.Scalars().Named("cpus").ScalarValue("cpus")
	r.Mem, _ = all.Scalars().Named("mem").ScalarValue("mem")
	r.Disk, _ = all.Scalars().Named("disk").ScalarValue("disk")
	grace := int64(0)
	env := map[string]string{
		"MESOS_FRAMEWORK_ID":                   f.id,
		"MESOS_EXECUTOR_ID":                    e.id,
		"MESOS_DIRECTORY":                      e.directory,
		"MESOS_SLAVE_ID":                       a.agentID(),
		"MESOS_SLAVE_PID":                      a.Self().String(),
		"MESOS_AGENT_ENDPOINT":                 a.Self().Address.String(),
		"MESOS_CHECKPOINT":                     boolFlag(e.checkpoint),
		"MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD": formatDuration(a.shutdownGrace(e)),
	}
	if role := taskRole(task); role != "" {
		env["MESOS_ALLOCATION_ROLE"] = role
	}
	return containerizer.ContainerConfig{
		CommandInfo: ci,
		User:        f.info.User,
		Resources:   r,
		Directory:   e.directory,
		FrameworkID: f.id,
		ExecutorID:  e.id,
		KillPolicy:  &containerizer.KillPolicy{GracePeriod: &containerizer.DurationInfo{Nanoseconds: grace}},
		Environment: env,
	}
}

func boolFlag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// executorLaunched is Slave::executorLaunched plus the end of the command
// executor's launch(): on success the task is RUNNING (TASK_RUNNING) and the agent
// waits for the container to terminate; a kill requested meanwhile starts now.
func (a *Agent) executorLaunched(fwID, exID, cid string, fut *process.Future[containerizer.LaunchResult]) {
	res, err := fut.Get()
	if err == nil && res != containerizer.LaunchSuccess {
		err = fmt.Errorf("launch result %s", res)
	}
	e := a.executorOf(fwID, exID)
	if e == nil || e.containerID != cid {
		a.log.Warn("Killing container of an unknown executor", "executor", exID, "framework", fwID, "container", cid)
		if err == nil {
			a.cont.Destroy(containerizer.ContainerID{Value: cid})
		}
		return
	}
	f := a.frameworks[fwID]
	if err != nil {
		a.launchFailed(f, e, err)
		return
	}
	e.launched = true
	if st, err := a.cont.Containerizer().Status(context.Background(), containerizer.ContainerID{Value: cid}); err == nil {
		e.pid = st.ExecutorPID
	}
	a.cont.Wait(containerizer.ContainerID{Value: cid}).OnAny(
		process.Defer(&a.Base, "executorTerminated", func(fut *process.Future[*containerizer.Termination]) {
			a.containerTerminated(fwID, exID, cid, fut)
		}))
	if e.pendingKill != nil {
		grace := *e.pendingKill
		e.pendingKill = nil
		a.killWithGrace(f, e, grace)
		return
	}
	if e.state == executorRegistering {
		e.state = executorRunning
	}
	a.executorUpdate(f, e, e.taskID, mesos.TaskRunning, "", nil)
}

// launchFailed records a failed container launch (Slave::executorLaunched's failure
// branch) and terminates the executor: its task gets TASK_FAILED with
// REASON_CONTAINER_LAUNCH_FAILED.
func (a *Agent) launchFailed(f *framework, e *executor, err error) {
	a.log.Error("Container for executor failed to start", "container", e.containerID, "executor", e.id, "framework", f.id, "err", err)
	a.m.containerLaunchErrors.Inc()
	e.pendingTermination = &termination{
		state:   mesos.TaskFailed,
		reason:  mesos.ReasonContainerLaunchFailed,
		message: "Failed to launch container: " + err.Error(),
	}
	a.executorTerminated(f, e, nil, nil)
}

// containerTerminated handles the end of an executor's container: for a task still
// running, the command executor's reaped() reports how the command ended
// (TASK_FINISHED, TASK_FAILED, or TASK_KILLED after a kill, with "Command exited with
// status N" / "Command terminated with signal X"); a container the containerizer
// ended itself (a limitation) is reported by the agent (Slave::executorTerminated).
func (a *Agent) containerTerminated(fwID, exID, cid string, fut *process.Future[*containerizer.Termination]) {
	term, err := fut.Get()
	e := a.executorOf(fwID, exID)
	if e == nil || e.containerID != cid {
		return
	}
	f := a.frameworks[fwID]
	e.reaped = true
	e.killTimer.Stop()
	containerCaused := term != nil && term.Reason != ""
	if t := e.launchedTasks[e.taskID]; t != nil && !t.State.IsTerminal() && err == nil && !containerCaused && f.state == frameworkRunning {
		state, message := commandResult(term, e.killed)
		a.executorUpdate(f, e, e.taskID, state, message, nil)
	}
	a.executorTerminated(f, e, term, err)
}

// commandResult is the command executor's reaped(): the task state and message for a
// wait status.
func commandResult(term *containerizer.Termination, killed bool) (mesos.TaskState, string) {
	if term == nil || term.Status == nil {
		return mesos.TaskFailed, "Failed to get exit status for Command"
	}
	ws, _ := term.WaitStatus()
	state := mesos.TaskFailed
	switch {
	case killed:
		state = mesos.TaskKilled
	case ws.Exited() && ws.ExitStatus() == 0:
		state = mesos.TaskFinished
	}
	return state, "Command " + describeWaitStatus(ws)
}

// executorTerminated is Slave::executorTerminated: the executor is TERMINATED, its
// live tasks get TASK_FAILED (or the termination's state and reason) from the agent,
// and it is removed once it has no task awaiting acknowledgement.
func (a *Agent) executorTerminated(f *framework, e *executor, term *containerizer.Termination, waitErr error) {
	switch e.state {
	case executorRegistering, executorRunning, executorTerminating:
	default:
		return
	}
	a.m.executorsTerminatedCount.Inc()
	e.state = executorTerminated
	a.Event("executor.terminated",
		observe.Attr{Key: "executor_id", Value: e.id},
		observe.Attr{Key: "framework_id", Value: f.id},
		observe.Attr{Key: "container_id", Value: e.containerID})
	e.reaped = true
	e.killTimer.Stop()
	if f.state != frameworkTerminating {
		for _, t := range e.sortedLaunched() {
			if !t.State.IsTerminal() {
				a.sendExecutorTerminatedStatusUpdate(f, e, t.TaskID.Value, term, waitErr)
			}
		}
	} else {
		for id, t := range e.launchedTasks {
			delete(e.launchedTasks, id)
			e.terminatedTasks[id] = t
		}
	}
	if a.state == StateTerminating || f.state == frameworkTerminating || !e.incompleteTasks() {
		a.removeExecutor(f, e)
	}
	if f.idle() {
		a.removeFramework(f)
	}
}

// sendExecutorTerminatedStatusUpdate is Slave::sendExecutorTerminatedStatusUpdate.
func (a *Agent) sendExecutorTerminatedStatusUpdate(f *framework, e *executor, taskID string, term *containerizer.Termination, waitErr error) {
	state, reason := mesos.TaskFailed, mesos.ReasonExecutorTerminated
	var messages []string
	if p := e.pendingTermination; p != nil {
		state, reason = p.state, p.reason
		if p.message != "" {
			messages = append(messages, p.message)
		}
	}
	if term != nil {
		var s mesos.TaskState
		if term.State != "" && s.UnmarshalText([]byte(term.State)) == nil {
			state = s
		}
		var r mesos.TaskStatusReason
		if term.Reason != "" && r.UnmarshalText([]byte(term.Reason)) == nil {
			reason = r
		}
	}
	switch {
	case waitErr != nil:
		messages = append(messages, "Abnormal executor termination: "+waitErr.Error())
	case term == nil && e.pendingTermination == nil:
		messages = append(messages, "Abnormal executor termination: unknown container")
	case term != nil && term.Message != "":
		messages = append(messages, term.Message)
	}
	message := "Executor terminated"
	if len(messages) > 0 {
		message = strings.Join(messages, "; ")
	}
	u := a.newAgentUpdate(f.id, e.id, taskID, state, message, reason)
	a.statusUpdate(u, false)
}

// attachSandbox exposes an executor's sandbox through /files under the three paths
// Framework::addExecutor attaches: the real directory, the runs/latest path under
// work_dir and the virtual /frameworks/<fw>/executors/<ex>/runs/latest.
func (a *Agent) attachSandbox(f *framework, e *executor) {
	for _, v := range a.sandboxPaths(f, e) {
		AttachFile(&a.Base, a.files, e.directory, v)
		a.attached[v] = true
	}
}

// detachSandbox undoes attachSandbox, unless a newer run of the executor now owns the
// latest paths.
func (a *Agent) detachSandbox(f *framework, e *executor) {
	newer := f.executors[e.id] != nil
	for i, v := range a.sandboxPaths(f, e) {
		if i > 0 && newer {
			continue
		}
		DetachFile(&a.Base, a.files, v)
		delete(a.attached, v)
	}
}

func (a *Agent) sandboxPaths(f *framework, e *executor) []string {
	return []string{
		e.directory,
		executorLatestRunPath(a.cfg.WorkDir, a.agentID(), f.id, e.id),
		executorVirtualPath(f.id, e.id),
	}
}

// shutdownGrace is the executor's shutdown grace period: ExecutorInfo's, else
// --executor_shutdown_grace_period.
func (a *Agent) shutdownGrace(e *executor) time.Duration {
	if e.info.ShutdownGracePeriod != nil && e.info.ShutdownGracePeriod.Nanoseconds >= 0 {
		return e.info.ShutdownGracePeriod.Duration()
	}
	return a.cfg.ExecutorShutdownGracePeriod
}
