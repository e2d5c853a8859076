package agent

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// defaultExecutorCommand is what runs in a default executor's container in place of
// mesos-default-executor (Slave's defaultExecutorCommandInfo): the agent plays the
// executor itself, so the container only needs a process that lives until the agent
// destroys it.
const defaultExecutorCommand = "exec sleep 2147483647"

// child is one task of a default executor and its nested container (the Container
// struct of src/launcher/default_executor.cpp).
type child struct {
	taskID      string
	info        mesos.TaskInfo
	group       *taskGroup
	containerID containerizer.ContainerID // nested under the executor's container

	launchDone bool   // the containerizer answered the launch
	launched   bool   // ... with success
	launchErr  string // ... with this error
	pid        uint32 // the nested container's init process

	killing                   bool // SIGTERM sent (killTask, the group's kill, shutdown)
	killingTaskGroup          bool // the group is being killed because one of it failed
	killedByCompletionTimeout bool // max_completion_time passed
	pendingKill               *time.Duration
	killTimer                 *process.Timer // escalation to SIGKILL
	maxCompletionTimer        *process.Timer
	health                    *healthChecker // the task's health check, if any
}

func (c *child) stopTimers() {
	c.killTimer.Stop()
	c.maxCompletionTimer.Stop()
	c.health.stop()
}

// launchDefaultExecutor is Slave::launchExecutor for a default executor: the sandbox
// is created and attached to /files and the executor's container is launched with the
// executor's resources plus those of its queued tasks (as Slave::_run does, so that
// the container is not starved); executorLaunched continues, and then
// defaultExecutorRegistered.
func (a *Agent) launchDefaultExecutor(f *framework, e *executor) {
	if err := os.MkdirAll(e.directory, 0o755); err != nil {
		a.log.Error("Failed to create executor directory", "dir", e.directory, "err", err)
	} else {
		a.attachSandbox(f, e)
	}
	a.log.Info("Launching executor", "executor", e.id, "framework", f.id, "container", e.containerID, "directory", e.directory)
	if a.cont == nil {
		err := a.contErr
		if err == nil {
			err = fmt.Errorf("no containerizer")
		}
		a.launchFailed(f, e, err)
		return
	}
	all := e.info.Resources.Resources.Clone()
	for _, id := range slices.Sorted(maps.Keys(e.queuedTasks)) {
		all.Add(e.queuedTasks[id].Resources.Resources)
	}
	cfg := containerizer.ContainerConfig{
		CommandInfo: containerizer.CommandInfo{Shell: true, Value: defaultExecutorCommand},
		User:        f.info.User,
		Resources:   containerResources(all),
		Directory:   e.directory,
		FrameworkID: f.id,
		ExecutorID:  e.id,
		KillPolicy:  noGrace(),
		Environment: a.executorEnvironment(f, e),
	}
	fwID, exID, cid := f.id, e.id, e.containerID
	a.cont.LaunchFrom(&a.Base, containerizer.ContainerID{Value: cid}, cfg).OnAny(
		process.Defer(&a.Base, "executorLaunched", func(fut *process.Future[containerizer.LaunchResult]) {
			a.executorLaunched(fwID, exID, cid, fut)
		}))
}

// defaultExecutorRegistered stands for the default executor subscribing
// (Slave::registerExecutor): a terminating executor shuts down at once, one whose
// queued tasks were all killed is shut down ("it has no tasks to run"), and otherwise
// it gets its queued task groups.
func (a *Agent) defaultExecutorRegistered(f *framework, e *executor) {
	if e.state == executorTerminating {
		a.log.Warn("Shutting down executor because it is terminating", "executor", e.id, "framework", f.id)
		e.shuttingDown = true
		a.exitDefaultExecutor(f, e)
		return
	}
	if len(e.queuedTasks) == 0 && len(e.launchedTasks) == 0 {
		a.log.Warn("Shutting down registering executor because it has no tasks to run", "executor", e.id, "framework", f.id)
		a.shutdownExecutor(f, e)
		return
	}
	a.dequeueGroups(f, e)
}

// launchGroup is DefaultExecutor::_launchGroup: every task of the group gets a child
// container nested under the executor's (a fresh UUID with the executor's container
// as parent) and TASK_STARTING, then all are launched together with the task's
// command, resources and MESOS_CONTAINER_IP and MESOS_ALLOCATION_ROLE added to its
// environment. groupLaunched continues once every launch is answered.
func (a *Agent) launchGroup(f *framework, e *executor, g *taskGroup) {
	if e.shuttingDown || e.exiting {
		a.log.Warn("Ignoring the launch group operation as the executor is shutting down", "tasks", taskIDs(g.tasks), "executor", e.id)
		return
	}
	parent := containerizer.ContainerID{Value: e.containerID}
	for _, t := range g.tasks {
		c := &child{
			taskID:      t.TaskID.Value,
			info:        t,
			group:       g,
			containerID: parent.Child(uuidString(newUUID(a.rand))),
		}
		e.children[c.taskID] = c
		a.executorUpdate(f, e, c.taskID, mesos.TaskStarting, "", nil)
	}
	g.pending = len(g.tasks)
	ip := a.Self().Address.Addr().String()
	fwID, exID, execCID := f.id, e.id, e.containerID
	for _, t := range g.tasks {
		c := e.children[t.TaskID.Value]
		taskID, cid := c.taskID, c.containerID
		a.cont.LaunchFrom(&a.Base, cid, nestedConfig(c.info, ip)).OnAny(
			process.Defer(&a.Base, "childLaunched", func(fut *process.Future[containerizer.LaunchResult]) {
				a.childLaunched(fwID, exID, execCID, taskID, cid, fut)
			}))
	}
}

// nestedConfig is the LAUNCH_CONTAINER call of DefaultExecutor::_launchGroup: the
// task's command and resources, MESOS_CONTAINER_IP (the agent's IP: mesoscope has no
// container networks) and MESOS_ALLOCATION_ROLE in the command's environment. The
// sandbox and the user come from the parent; there is no grace of its own (the agent
// escalates, as the default executor does).
func nestedConfig(task mesos.TaskInfo, ip string) containerizer.ContainerConfig {
	ci := commandInfo(task.Command)
	env := &containerizer.Environment{}
	if ci.Environment != nil {
		env.Variables = slices.Clone(ci.Environment.Variables)
	}
	env.Variables = append(env.Variables, containerizer.Variable{Name: "MESOS_CONTAINER_IP", Value: ip})
	role := ""
	if !task.Resources.IsEmpty() {
		role = task.Resources.At(0).AllocationRole()
	}
	env.Variables = append(env.Variables, containerizer.Variable{Name: "MESOS_ALLOCATION_ROLE", Value: role})
	ci.Environment = env
	return containerizer.ContainerConfig{
		CommandInfo: ci,
		Resources:   containerResources(task.Resources.Resources),
		KillPolicy:  noGrace(),
	}
}

// childLaunched records the answer to one child's launch; the last answer of a group
// continues with groupLaunched. A child whose executor or record is gone meanwhile is
// destroyed.
func (a *Agent) childLaunched(fwID, exID, execCID, taskID string, cid containerizer.ContainerID, fut *process.Future[containerizer.LaunchResult]) {
	res, err := fut.Get()
	if err == nil && res != containerizer.LaunchSuccess {
		err = fmt.Errorf("launch result %s", res)
	}
	c := a.childOf(fwID, exID, execCID, taskID, cid)
	if c == nil {
		if err == nil {
			a.log.Warn("Destroying child container of an unknown task", "task", taskID, "container", cid.String())
			a.cont.Destroy(cid)
		}
		return
	}
	c.launchDone = true
	if err != nil {
		a.log.Error("Failed to launch child container", "task", taskID, "container", cid.String(), "err", err)
		c.launchErr = err.Error()
	} else {
		c.launched = true
		if st, serr := a.cont.Containerizer().Status(context.Background(), cid); serr == nil {
			c.pid = st.ExecutorPID
		}
	}
	c.group.pending--
	if c.group.pending == 0 {
		a.groupLaunched(a.frameworks[fwID], a.executorOf(fwID, exID), c.group)
	}
}

// childOf finds a live child of a live executor, checking that both are the ones a
// callback was made for.
func (a *Agent) childOf(fwID, exID, execCID, taskID string, cid containerizer.ContainerID) *child {
	e := a.executorOf(fwID, exID)
	if e == nil || e.containerID != execCID || e.state == executorTerminated {
		return nil
	}
	c := e.children[taskID]
	if c == nil || !c.containerID.Equal(cid) {
		return nil
	}
	return c
}

// groupLaunched is DefaultExecutor::__launchGroup: each child that launched gets its
// sandbox linked at tasks/<task id> in the executor's sandbox (so /files reaches it
// under the executor's sandbox), TASK_RUNNING, and its max_completion_time timer;
// then every child is waited on, a child that failed to launch ending at once. Kills
// that came while the group was launching take effect now. An executor shutting down
// meanwhile destroys the children at once. Health checkers start first
// (startGroupHealthChecks).
func (a *Agent) groupLaunched(f *framework, e *executor, g *taskGroup) {
	if !a.startGroupHealthChecks(f, e, g) {
		return
	}
	for _, t := range g.tasks {
		c := e.children[t.TaskID.Value]
		if c == nil || !c.launched {
			continue
		}
		if e.shuttingDown {
			c.killing = true
			a.cont.Destroy(c.containerID)
			continue
		}
		a.linkTaskSandbox(e, c)
		if f.state == frameworkRunning {
			a.executorUpdate(f, e, c.taskID, mesos.TaskRunning, "", nil)
		}
		if mct := c.info.MaxCompletionTime; mct != nil && mct.Nanoseconds > 0 {
			c.maxCompletionTimer = a.maxCompletion(f.id, e, c, mct.Duration())
		}
	}
	a.log.Info("Finished launching tasks in child containers", "tasks", taskIDs(g.tasks), "executor", e.id)
	for _, t := range g.tasks {
		c := e.children[t.TaskID.Value]
		switch {
		case c == nil:
		case c.launched:
			a.waitChild(f, e, c)
		default:
			a.childTerminated(f, e, c, nil, nil)
		}
	}
	for _, t := range g.tasks {
		c := e.children[t.TaskID.Value]
		if c != nil && c.pendingKill != nil && !c.killing {
			grace := *c.pendingKill
			c.pendingKill = nil
			a.killChild(f, e, c, grace)
		}
	}
}

// linkTaskSandbox makes tasks/<task id> in the executor's sandbox a symlink to the
// child's sandbox, <sandbox>/containers/<container id>, as the default executor does
// for the web UI.
func (a *Agent) linkTaskSandbox(e *executor, c *child) {
	dir := filepath.Join(e.directory, tasksDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		a.log.Error("Unable to create task directory", "dir", dir, "err", err)
		return
	}
	target := filepath.Join(e.directory, containersDir, c.containerID.Value)
	if err := os.Symlink(target, filepath.Join(dir, c.taskID)); err != nil {
		a.log.Error("Unable to create symbolic link for the container of a task", "task", c.taskID, "container", c.containerID.String(), "err", err)
	}
}

// waitChild is DefaultExecutor::wait for one child (WAIT_NESTED_CONTAINER).
func (a *Agent) waitChild(f *framework, e *executor, c *child) {
	fwID, exID, execCID, taskID, cid := f.id, e.id, e.containerID, c.taskID, c.containerID
	a.cont.Wait(cid).OnAny(process.Defer(&a.Base, "childTerminated", func(fut *process.Future[*containerizer.Termination]) {
		term, err := fut.Get()
		c := a.childOf(fwID, exID, execCID, taskID, cid)
		if c == nil {
			return
		}
		if a.containerDestroying(containerizer.ContainerID{Value: execCID}) {
			// The executor's own container is going: the executor dies with it and
			// cannot report; Slave::executorTerminated reports its live tasks.
			return
		}
		a.childTerminated(a.frameworks[fwID], a.executorOf(fwID, exID), c, term, err)
	}))
}

// containerDestroying reports whether a container is DESTROYING or gone.
func (a *Agent) containerDestroying(id containerizer.ContainerID) bool {
	for _, s := range a.cont.Containerizer().Snapshot() {
		if s.ContainerID.Equal(id) {
			return s.State == containerizer.Destroying
		}
	}
	return true
}

// childTerminated is DefaultExecutor::waited: the task's terminal update, then — the
// default restart policy of a task group — a task that FAILED or was KILLED has the
// other live tasks of its group killed ("Killing task group"), unless the executor is
// shutting down or the group is being killed already. When no child is left, the
// executor exits.
func (a *Agent) childTerminated(f *framework, e *executor, c *child, term *containerizer.Termination, waitErr error) {
	c.stopTimers()
	state, reason, message := childResult(c, term, waitErr)
	if f.state == frameworkRunning {
		a.executorUpdate(f, e, c.taskID, state, message, reason)
	}
	a.log.Info("Child container of task completed", "task", c.taskID, "container", c.containerID.String(),
		"state", state.String(), "message", message)
	if !e.shuttingDown && !c.killingTaskGroup && (state == mesos.TaskFailed || state == mesos.TaskKilled) {
		a.log.Info("Killing task group", "tasks", taskIDs(c.group.tasks), "executor", e.id)
		c.killingTaskGroup = true
		for _, t := range c.group.tasks {
			o := e.children[t.TaskID.Value]
			if o == nil || o == c {
				continue
			}
			o.killingTaskGroup = true
			if o.killing {
				continue // already being killed (MESOS-8051)
			}
			a.killChild(f, e, o, a.cfg.KillGracePeriod)
		}
	}
	delete(e.children, c.taskID)
	if len(e.children) == 0 {
		a.exitDefaultExecutor(f, e)
	}
}

// childResult is the task state, reason and message DefaultExecutor::waited derives
// from a child's termination: KILLED after a kill, FINISHED on exit status 0, FAILED
// otherwise ("Command exited with status N" / "Command terminated with signal X"),
// FAILED with REASON_MAX_COMPLETION_TIME_REACHED after max_completion_time; the
// state, reason and message of the containerizer's termination (a limitation) take
// precedence. Without a termination (the launch failed) the task FAILED with the
// launch error.
func childResult(c *child, term *containerizer.Termination, waitErr error) (mesos.TaskState, *mesos.TaskStatusReason, string) {
	if waitErr != nil || term == nil {
		switch {
		case c.killing:
			return mesos.TaskKilled, nil, ""
		case c.launchErr != "":
			return mesos.TaskFailed, nil, c.launchErr
		}
		return mesos.TaskFailed, nil, "Unable to retrieve command's termination information"
	}
	state := mesos.TaskFailed
	var reason *mesos.TaskStatusReason
	message := ""
	if ws, ok := term.WaitStatus(); !ok {
		message = "Command terminated with unknown status"
		if c.launchErr != "" {
			message = c.launchErr
		}
	} else {
		switch {
		case c.killedByCompletionTimeout:
			reason = mesos.ReasonPtr(mesos.ReasonMaxCompletionTimeReached)
		case c.killing:
			state = mesos.TaskKilled
		case ws.Exited() && ws.ExitStatus() == 0:
			state = mesos.TaskFinished
		}
		message = "Command " + describeWaitStatus(ws)
	}
	var s mesos.TaskState
	if term.State != "" && s.UnmarshalText([]byte(term.State)) == nil {
		state = s
	}
	var r mesos.TaskStatusReason
	if term.Reason != "" && r.UnmarshalText([]byte(term.Reason)) == nil {
		reason = &r
	}
	if term.Message != "" {
		if message != "" {
			message += ": " + term.Message
		} else {
			message = term.Message
		}
	}
	return state, reason, message
}
