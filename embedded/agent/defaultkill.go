package agent

import (
	"maps"
	"slices"
	"syscall"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// killGroupTask kills a task of a default executor. While the executor registers, the
// task's whole group is still queued and gets TASK_KILLED from the agent
// (Slave::kill). Otherwise it is DefaultExecutor::killTask: the task's child gets
// SIGTERM and, after the grace period (the KillTaskMessage's kill policy, else the
// task's, else --kill_grace_period, 3 s), SIGKILL; kills of a task already being
// killed, or of an executor shutting down, are ignored.
func (a *Agent) killGroupTask(f *framework, e *executor, taskID string, policy *mesos.KillPolicy) {
	if e.state == executorRegistering {
		if !a.killQueuedGroup(f, e, taskID) {
			a.log.Warn("Ignoring kill for task that is not queued on a registering executor", "task", taskID, "executor", e.id)
		}
		return
	}
	if e.shuttingDown {
		a.log.Warn("Ignoring kill for task since the executor is shutting down", "task", taskID, "executor", e.id)
		return
	}
	c := e.children[taskID]
	if c == nil {
		a.log.Warn("Ignoring kill for task as it is no longer active", "task", taskID, "executor", e.id)
		return
	}
	if c.killing {
		a.log.Warn("Ignoring kill for task as it is in the process of getting killed", "task", taskID, "executor", e.id)
		return
	}
	grace := a.cfg.KillGracePeriod
	switch {
	case policy != nil && policy.GracePeriod != nil:
		grace = policy.GracePeriod.Duration()
	case c.info.KillPolicy != nil && c.info.KillPolicy.GracePeriod != nil:
		grace = c.info.KillPolicy.GracePeriod.Duration()
	}
	a.killChild(f, e, c, max(grace, 0))
}

// killChild is DefaultExecutor::kill(container, gracePeriod): TASK_KILLING (to
// frameworks with TASK_KILLING_STATE, not for max_completion_time), SIGTERM to the
// child's task and the escalation to SIGKILL after the grace period on the runtime's
// clock. A child still launching is killed once its launch is answered.
func (a *Agent) killChild(f *framework, e *executor, c *child, grace time.Duration) {
	if !c.launched {
		if !c.launchDone && (c.pendingKill == nil || grace < *c.pendingKill) {
			c.pendingKill = &grace
		}
		return
	}
	if c.killing {
		return
	}
	c.maxCompletionTimer.Stop()
	c.killing = true
	a.log.Info("Killing task running in child container with SIGTERM signal", "task", c.taskID,
		"container", c.containerID.String(), "grace", grace.String())
	c.killTimer = a.childEscalation(f.id, e, c, grace)
	if !c.killedByCompletionTimeout && f.state == frameworkRunning && f.info.HasCapability(mesos.FrameworkTaskKillingState) {
		a.executorUpdate(f, e, c.taskID, mesos.TaskKilling, "", nil)
	}
	a.signalContainer(c.containerID, syscall.SIGTERM)
}

// childEscalation schedules DefaultExecutor::escalated: the child's container is
// destroyed (SIGKILL to all of it) if the task is still alive after the grace period.
func (a *Agent) childEscalation(fwID string, e *executor, c *child, after time.Duration) *process.Timer {
	exID, execCID, taskID, cid := e.id, e.containerID, c.taskID, c.containerID
	return process.Delay(&a.Base, after, a.Self(), "escalated", func() {
		if a.childOf(fwID, exID, execCID, taskID, cid) == nil {
			return
		}
		a.log.Info("Task did not terminate after its grace period, sending SIGKILL to the container", "task", taskID,
			"container", cid.String(), "grace", after.String())
		a.cont.Destroy(cid)
	})
}

// maxCompletion schedules DefaultExecutor::maxCompletion: a task still running after
// its max_completion_time is killed with no grace and FAILS with
// REASON_MAX_COMPLETION_TIME_REACHED.
func (a *Agent) maxCompletion(fwID string, e *executor, c *child, after time.Duration) *process.Timer {
	exID, execCID, taskID, cid := e.id, e.containerID, c.taskID, c.containerID
	return process.Delay(&a.Base, after, a.Self(), "maxCompletion", func() {
		c := a.childOf(fwID, exID, execCID, taskID, cid)
		if c == nil {
			return
		}
		a.log.Info("Killing task which exceeded its maximum completion time", "task", taskID, "max_completion_time", after.String())
		c.maxCompletionTimer = nil
		c.killedByCompletionTimeout = true
		a.killChild(a.frameworks[fwID], a.executorOf(fwID, exID), c, 0)
	})
}

// shutdownDefaultExecutor is Slave::_shutdownExecutor plus DefaultExecutor::shutdown:
// the agent destroys the executor's container if it is still there after the
// executor shutdown grace period (Slave::shutdownExecutorTimeout); the executor kills
// every child not being killed with the default grace (--kill_grace_period) and exits
// once none is left. An executor still launching shuts down when it registers.
func (a *Agent) shutdownDefaultExecutor(f *framework, e *executor) {
	fwID, exID, cid := f.id, e.id, e.containerID
	grace := a.shutdownGrace(e)
	e.shutdownTimer.Stop()
	e.shutdownTimer = process.Delay(&a.Base, grace, a.Self(), "shutdownExecutorTimeout", func() {
		e := a.executorOf(fwID, exID)
		if e == nil || e.containerID != cid || e.reaped || e.state != executorTerminating || a.cont == nil {
			return
		}
		a.log.Info("Killing executor because it did not shut down within its grace period", "executor", exID, "framework", fwID, "grace", grace.String())
		a.cont.Destroy(containerizer.ContainerID{Value: cid})
	})
	if !e.launched || e.shuttingDown {
		return
	}
	e.shuttingDown = true
	if len(e.children) == 0 {
		a.exitDefaultExecutor(f, e)
		return
	}
	for _, id := range slices.Sorted(maps.Keys(e.children)) {
		if c := e.children[id]; !c.killing {
			a.killChild(f, e, c, a.cfg.KillGracePeriod)
		}
	}
}

// exitDefaultExecutor is DefaultExecutor::_shutdown: with no child left the executor
// terminates. The agent has already handled every update it sent (Mesos's executor
// waits for the agent's acknowledgements, which come as soon as the update manager
// has an update), so it destroys the executor's container at once; its termination
// then goes through Slave::executorTerminated.
func (a *Agent) exitDefaultExecutor(f *framework, e *executor) {
	if e.exiting {
		return
	}
	e.exiting = true
	a.log.Info("Default executor has no child containers left; terminating", "executor", e.id, "framework", f.id)
	if e.launched && !e.reaped {
		a.cont.Destroy(containerizer.ContainerID{Value: e.containerID})
	}
}
