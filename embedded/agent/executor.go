package agent

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

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
	a.cont.LaunchFrom(&a.Base, containerizer.ContainerID{Value: cid}, cfg).OnAny(
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
	cfg := containerizer.ContainerConfig{
		CommandInfo: commandInfo(cmd),
		User:        f.info.User,
		Resources:   containerResources(task.Resources.Resources.Plus(e.info.Resources.Resources)),
		Directory:   e.directory,
		FrameworkID: f.id,
		ExecutorID:  e.id,
		KillPolicy:  noGrace(),
		Environment: a.executorEnvironment(f, e),
	}
	if role := taskRole(task); role != "" {
		cfg.Environment["MESOS_ALLOCATION_ROLE"] = role
	}
	return cfg
}

// commandInfo converts a task's CommandInfo for the containerizer (VALUE variables
// only).
func commandInfo(cmd *mesos.CommandInfo) containerizer.CommandInfo {
	var ci containerizer.CommandInfo
	if cmd == nil {
		return ci
	}
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
	return ci
}

// containerResources are the scalar requests of resources.
func containerResources(all resources.Resources) containerizer.Resources {
	var r containerizer.Resources
	r.CPUs, _ = all.Scalars().Named("cpus").ScalarValue("cpus")
	r.Mem, _ = all.Scalars().Named("mem").ScalarValue("mem")
	r.Disk, _ = all.Scalars().Named("disk").ScalarValue("disk")
	return r
}

// noGrace is the kill policy of the agent's containers: a destroy kills at once, the
// agent having sent SIGTERM and waited out the grace period itself.
func noGrace() *containerizer.KillPolicy {
	return &containerizer.KillPolicy{GracePeriod: &containerizer.DurationInfo{Nanoseconds: 0}}
}

// executorEnvironment is Slave's executorEnvironment: the MESOS_* variables an
// executor's container gets.
func (a *Agent) executorEnvironment(f *framework, e *executor) map[string]string {
	return map[string]string{
		"MESOS_FRAMEWORK_ID":                   f.id,
		"MESOS_EXECUTOR_ID":                    e.id,
		"MESOS_DIRECTORY":                      e.directory,
		"MESOS_SLAVE_ID":                       a.agentID(),
		"MESOS_SLAVE_PID":                      a.Self().String(),
		"MESOS_AGENT_ENDPOINT":                 a.Self().Address.String(),
		"MESOS_CHECKPOINT":                     boolFlag(e.checkpoint),
		"MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD": formatDuration(a.shutdownGrace(e)),
	}
}

func boolFlag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// executorLaunched is Slave::executorLaunched plus the end of the command
// executor's launch(): on success the task's health checker starts
// (startTaskHealthCheck), the task is RUNNING (TASK_RUNNING) and the agent
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
	if e.state == executorRegistering {
		e.state = executorRunning
	}
	if e.defaultExec {
		a.defaultExecutorRegistered(f, e)
		return
	}
	if e.pendingKill != nil {
		grace := *e.pendingKill
		e.pendingKill = nil
		a.killWithGrace(f, e, grace)
		return
	}
	a.startTaskHealthCheck(f, e)
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
	if e.defaultExec {
		// The default executor reports its tasks as their child containers end; what
		// is still live when its own container ends, the agent reports below.
		a.executorTerminated(f, e, term, err)
		return
	}
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
// live (launched or queued) tasks get TASK_FAILED (or the termination's state and
// reason) from the agent, the master gets ExitedExecutorMessage unless the executor
// was generated for a command task, and the executor is removed once it has no task
// awaiting acknowledgement.
func (a *Agent) executorTerminated(f *framework, e *executor, term *containerizer.Termination, waitErr error) {
	switch e.state {
	case executorRegistering, executorRunning, executorTerminating:
	default:
		return
	}
	a.m.executorsTerminatedCount.Inc()
	e.state = executorTerminated
	a.Event("executor.terminated",
		observe.Attr{Key: "mesos.executor_id", Value: e.id},
		observe.Attr{Key: "mesos.framework_id", Value: f.id},
		observe.Attr{Key: "mesos.container_id", Value: e.containerID})
	e.reaped = true
	e.killTimer.Stop()
	e.shutdownTimer.Stop()
	e.health.stop()
	for _, c := range e.children {
		c.stopTimers()
	}
	if f.state != frameworkTerminating {
		for _, t := range e.sortedLaunched() {
			if !t.State.IsTerminal() {
				a.sendExecutorTerminatedStatusUpdate(f, e, t.TaskID.Value, term, waitErr)
			}
		}
		for _, t := range e.sortedQueued() {
			a.sendExecutorTerminatedStatusUpdate(f, e, t.TaskID.Value, term, waitErr)
		}
	} else {
		for id, t := range e.launchedTasks {
			delete(e.launchedTasks, id)
			e.terminatedTasks[id] = t
		}
		for _, t := range e.sortedQueued() {
			delete(e.queuedTasks, t.TaskID.Value)
			e.terminatedTasks[t.TaskID.Value] = t
		}
	}
	e.queuedGroups = nil
	if !e.commandTask {
		a.sendExitedExecutorMessage(f.id, e.id, exitStatus(e, term, waitErr))
	}
	if a.state == StateTerminating || f.state == frameworkTerminating || !e.incompleteTasks() {
		a.removeExecutor(f, e)
	}
	if f.idle() {
		a.removeFramework(f)
	}
}

// exitStatus is the status ExitedExecutorMessage reports (Slave::executorTerminated):
// the container's wait status, -1 when there is none. A default executor that ended
// because its last task did exits cleanly in Mesos; the agent, which destroys the
// stand-in process of its container, reports that clean exit (0).
func exitStatus(e *executor, term *containerizer.Termination, waitErr error) int32 {
	switch {
	case e.exiting && waitErr == nil && term != nil && term.Reason == "":
		return 0
	case waitErr != nil || term == nil || term.Status == nil:
		return -1
	}
	return *term.Status
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

// sendExitedExecutorMessage is Slave::sendExitedExecutorMessage: the master releases
// the executor's resources and tells the scheduler (a FAILURE event). status is the
// executor's wait status, -1 if unknown.
func (a *Agent) sendExitedExecutorMessage(fwID, exID string, status int32) {
	if a.info.ID == nil {
		return
	}
	a.Send(a.master, mesos.ExitedExecutorMessageName, mesos.ExitedExecutorMessage{
		SlaveID:     *a.info.ID,
		FrameworkID: mesos.FrameworkID{Value: fwID},
		ExecutorID:  mesos.ExecutorID{Value: exID},
		Status:      status,
	})
}
