package agent

import (
	"context"
	"syscall"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// killTask handles KillTaskMessage (Slave::killTask): a task of an unknown executor
// gets TASK_LOST (TASK_DROPPED for partition-aware frameworks) from the agent; a
// running one is killed as the command executor kills it.
func (a *Agent) killTask(from process.PID, msg mesos.KillTaskMessage) {
	if from != a.master {
		a.log.Warn("Ignoring kill task message: not from the expected master", "from", from.String(), "master", a.master.String())
		return
	}
	fwID, taskID := msg.FrameworkID.Value, msg.TaskID.Value
	a.log.Info("Asked to kill task", "task", taskID, "framework", fwID)
	if a.state == StateRecovering || a.state == StateTerminating {
		a.log.Warn("Cannot kill task", "task", taskID, "framework", fwID, "state", a.state.String())
		return
	}
	f := a.frameworks[fwID]
	if f == nil {
		a.log.Warn("Ignoring kill task because no such framework is running", "task", taskID, "framework", fwID)
		return
	}
	if f.state == frameworkTerminating {
		a.log.Warn("Ignoring kill task because the framework is terminating", "task", taskID, "framework", fwID)
		return
	}
	e := f.executorForTask(taskID)
	if e == nil {
		a.log.Warn("Cannot kill task because no corresponding executor is running", "task", taskID, "framework", fwID)
		state := mesos.TaskLost
		if f.partitionAware() {
			state = mesos.TaskDropped
		}
		u := a.newAgentUpdate(fwID, "", taskID, state, "Cannot find executor", mesos.ReasonExecutorTerminated)
		a.statusUpdate(u, false)
		return
	}
	switch e.state {
	case executorTerminating, executorTerminated:
		a.log.Warn("Ignoring kill task because the executor is "+e.state.String(), "task", taskID, "executor", e.id)
		return
	}
	if e.defaultExec {
		a.killGroupTask(f, e, taskID, msg.KillPolicy)
		return
	}
	if e.launchedTasks[taskID] == nil {
		return // already terminal: the executor ignores the kill
	}
	grace := a.cfg.KillGracePeriod
	switch {
	case msg.KillPolicy != nil && msg.KillPolicy.GracePeriod != nil:
		grace = msg.KillPolicy.GracePeriod.Duration()
	case e.killPolicy != nil && e.killPolicy.GracePeriod != nil:
		grace = e.killPolicy.GracePeriod.Duration()
	}
	a.killWithGrace(f, e, max(grace, 0))
}

// killWithGrace is the command executor's kill(taskId, gracePeriod): the first kill
// sends TASK_KILLING (to frameworks with TASK_KILLING_STATE) and SIGTERM to the task's
// process group, and schedules the escalation to SIGKILL after the grace period on
// the runtime's clock; a later kill can only shorten the remaining grace. A kill that
// arrives while the container is still launching takes effect once it runs.
func (a *Agent) killWithGrace(f *framework, e *executor, grace time.Duration) {
	if e.reaped {
		return
	}
	if !e.launched {
		if e.pendingKill == nil || grace < *e.pendingKill {
			e.pendingKill = &grace
		}
		return
	}
	now := a.now()
	if e.killed {
		if !e.killStart.Add(grace).Before(e.killDeadline) {
			return
		}
		remaining := max(grace-now.Sub(e.killStart), 0)
		a.log.Info("Rescheduling escalation to SIGKILL", "in", remaining.String(), "task", e.taskID)
		e.killTimer.Stop()
		e.killDeadline = now.Add(remaining)
		e.killTimer = a.escalation(f.id, e, remaining)
		return
	}
	if t := e.launchedTasks[e.taskID]; t != nil && f.info.HasCapability(mesos.FrameworkTaskKillingState) {
		a.executorUpdate(f, e, e.taskID, mesos.TaskKilling, "", nil)
	}
	a.log.Info("Sending SIGTERM to the task", "task", e.taskID, "container", e.containerID, "grace", grace.String())
	a.signalContainer(containerizer.ContainerID{Value: e.containerID}, syscall.SIGTERM)
	e.killed = true
	e.killStart = now
	e.killDeadline = now.Add(grace)
	e.killTimer = a.escalation(f.id, e, grace)
}

// escalation schedules the SIGKILL of a kill: the container is destroyed, which
// kills every process of it at once (the agent launches containers with no grace of
// their own).
func (a *Agent) escalation(fwID string, e *executor, after time.Duration) *process.Timer {
	exID, cid := e.id, e.containerID
	return process.Delay(&a.Base, after, a.Self(), "escalated", func() {
		e := a.executorOf(fwID, exID)
		if e == nil || e.containerID != cid || e.reaped {
			return
		}
		a.log.Info("Killing the task after its grace period", "task", e.taskID, "container", cid)
		a.cont.Destroy(containerizer.ContainerID{Value: cid})
	})
}

// signalContainer sends sig to a container's task on a goroutine the agent owns (the
// containerizer call waits for the launch shim to be ready).
func (a *Agent) signalContainer(id containerizer.ContainerID, sig syscall.Signal) {
	m := a.cont.Containerizer()
	log := a.log
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		if _, err := m.Kill(context.Background(), id, sig); err != nil {
			log.Warn("Failed to signal container", "container", id.String(), "signal", sig.String(), "err", err)
		}
	}()
}

// shutdownExecutor is Slave::_shutdownExecutor plus the command executor's
// shutdown(): the executor is TERMINATING and its task is killed with the shutdown
// grace period less the 2 s Mesos keeps for the executor to report (MAX_REAP_INTERVAL
// and 1 s). A default executor shuts down as shutdownDefaultExecutor says.
func (a *Agent) shutdownExecutor(f *framework, e *executor) {
	a.log.Info("Shutting down executor", "executor", e.id, "framework", f.id)
	e.state = executorTerminating
	if e.defaultExec {
		a.shutdownDefaultExecutor(f, e)
		return
	}
	grace := max(a.shutdownGrace(e)-2*time.Second, 0)
	a.killWithGrace(f, e, grace)
}

// shutdownFrameworkMessage handles ShutdownFrameworkMessage.
func (a *Agent) shutdownFrameworkMessage(from process.PID, msg mesos.ShutdownFrameworkMessage) {
	a.shutdownFramework(from, msg.FrameworkID.Value)
}

// shutdownFramework is Slave::shutdownFramework: the framework is TERMINATING and
// every executor of it is shut down; no status updates are sent for it any more
// (it cannot acknowledge them). A zero from means the agent itself asks.
func (a *Agent) shutdownFramework(from process.PID, fwID string) {
	if !from.IsZero() && from != a.master {
		a.log.Warn("Ignoring shutdown framework message: not from the registered master", "framework", fwID, "from", from.String())
		return
	}
	if a.state == StateRecovering || a.state == StateDisconnected {
		a.log.Warn("Ignoring shutdown framework message because the agent has not yet registered with the master", "framework", fwID)
		return
	}
	f := a.frameworks[fwID]
	if f == nil {
		return
	}
	if f.state == frameworkTerminating {
		a.log.Warn("Ignoring shutdown framework because it is terminating", "framework", fwID)
		return
	}
	a.log.Info("Shutting down framework", "framework", fwID)
	f.state = frameworkTerminating
	for _, e := range f.sortedExecutors() {
		switch e.state {
		case executorRegistering, executorRunning:
			a.shutdownExecutor(f, e)
		case executorTerminated:
			a.removeExecutor(f, e)
		}
	}
	if f.idle() {
		a.removeFramework(f)
	}
}

// shutdownExecutorMessage handles ShutdownExecutorMessage (Slave::shutdownExecutor).
func (a *Agent) shutdownExecutorMessage(from process.PID, msg mesos.ShutdownExecutorMessage) {
	if from != a.master {
		a.log.Warn("Ignoring shutdown executor message: not from the registered master", "from", from.String())
		return
	}
	if msg.FrameworkID == nil || msg.ExecutorID == nil {
		a.log.Warn("Ignoring shutdown executor message without framework_id and executor_id")
		return
	}
	if a.state == StateRecovering || a.state == StateDisconnected {
		a.log.Warn("Ignoring shutdown executor message because the agent has not yet registered with the master")
		return
	}
	f := a.frameworks[msg.FrameworkID.Value]
	if f == nil || f.state == frameworkTerminating {
		return
	}
	e := f.executors[msg.ExecutorID.Value]
	if e == nil || e.state == executorTerminating || e.state == executorTerminated {
		return
	}
	a.shutdownExecutor(f, e)
}

// updateFramework handles UpdateFrameworkMessage: the framework's new info and v0 PID,
// checkpointed again as Slave::updateFramework does.
func (a *Agent) updateFramework(from process.PID, msg mesos.UpdateFrameworkMessage) {
	if from != a.master {
		a.log.Warn("Ignoring update framework message: not from the registered master", "from", from.String())
		return
	}
	f := a.frameworks[msg.FrameworkID.Value]
	if f == nil {
		return
	}
	if msg.PID != "" {
		f.pid = msg.PID
	}
	if msg.FrameworkInfo != nil {
		f.info = *msg.FrameworkInfo
	}
	a.checkpointFramework(f)
}

// shutdownMessage handles ShutdownMessage (Slave::shutdown from the master): the
// agent shuts every framework down and terminates.
func (a *Agent) shutdownMessage(from process.PID, msg mesos.ShutdownMessage) {
	if from != a.master {
		a.log.Warn("Ignoring shutdown message: not from the registered master", "from", from.String())
		return
	}
	a.log.Info("Agent asked to shut down", "by", from.String(), "because", msg.Message)
	a.terminateAll(true)
}

// shutdown is Agent.Stop's half on the process (see Stop).
func (a *Agent) shutdown(killTasks bool) {
	if killTasks && a.info.ID != nil && a.state != StateTerminating {
		a.log.Info("Unregistering and shutting down")
		a.Send(a.master, mesos.UnregisterSlaveMessageName, mesos.UnregisterSlaveMessage{SlaveID: *a.info.ID})
	}
	a.terminateAll(killTasks)
}

// terminateAll moves the agent to TERMINATING and shuts its frameworks down (all of
// them, or only those that do not checkpoint); the agent terminates once they are gone.
func (a *Agent) terminateAll(all bool) {
	a.stopKill = a.stopKill || all
	a.state = StateTerminating
	a.m.setRegistered(false)
	a.regTimer.Stop()
	a.pingTimer.Stop()
	for _, f := range a.sortedFrameworks() {
		if all || !f.info.Checkpoint {
			a.shutdownFramework(process.PID{}, f.id)
		}
	}
	a.maybeTerminate()
}

// shutdownGrace is the executor's shutdown grace period: ExecutorInfo's, else
// --executor_shutdown_grace_period.
func (a *Agent) shutdownGrace(e *executor) time.Duration {
	if e.info.ShutdownGracePeriod != nil && e.info.ShutdownGracePeriod.Nanoseconds >= 0 {
		return e.info.ShutdownGracePeriod.Duration()
	}
	return a.cfg.ExecutorShutdownGracePeriod
}
