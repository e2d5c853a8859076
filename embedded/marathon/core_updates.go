package marathon

import (
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// update handles an UPDATE event (TaskStatusUpdateProcessor): the
// instance's condition follows the task state; a task that ends is
// replaced while the goal is Running, with a launch delay for failures;
// tasks Marathon does not know are killed; updates with a uuid are
// acknowledged after they are processed.
func (c *core) update(now time.Time, st mesos.TaskStatus) {
	defer func() {
		if len(st.UUID) > 0 && st.AgentID != nil {
			c.emit(AckAction{Status: st})
		}
		c.settle(now)
	}()
	c.updates++
	if st.Reason != nil && *st.Reason == mesos.ReasonReconciliation {
		c.reconcileUpdates++
	}
	inst := c.byTask[st.TaskID.Value]
	if inst == nil {
		if !ended(st.State) && st.State != mesos.TaskUnreachable {
			// "Killing unknown task" (TaskStatusUpdateProcessor.killUnknownTaskTimer).
			c.emit(KillAction{TaskID: st.TaskID, AgentID: st.AgentID})
		}
		return
	}
	t := inst.Task
	t.LastStatusAt = now
	if st.Healthy != nil {
		c.health(now, t, *st.Healthy)
	}
	if ended(st.State) {
		c.taskEnded(now, inst, st)
		return
	}
	prev := inst.Cond
	t.State = st.State
	if cond := conditionOf(st.State); cond != prev {
		c.setCond(inst, cond, now)
	}
	if st.State == mesos.TaskRunning && t.StartedAt.IsZero() {
		t.StartedAt = now
	}
	switch st.State {
	case mesos.TaskStaging, mesos.TaskStarting, mesos.TaskRunning:
		if inst.Cond != prev {
			if app := c.appOf(inst.AppID); app != nil {
				c.limiter.AdvanceDelay(app, now)
			}
		}
	}
	if inst.Goal == GoalDecommissioned && inst.KillSentAt.IsZero() {
		c.kill(now, inst)
	}
	c.touch(inst.AppID)
}

// health records a health verdict (Mesos health checks report it in
// TaskStatus.healthy).
func (c *core) health(now time.Time, t *Task, healthy bool) {
	if t.Healthy == nil || *t.Healthy != healthy {
		c.dirty = true
	}
	h := healthy
	t.Healthy = &h
	if healthy {
		if t.FirstSuccess.IsZero() {
			t.FirstSuccess = now
		}
		t.LastSuccess = now
		t.ConsecutiveFailures = 0
	} else {
		t.LastFailure = now
		t.ConsecutiveFailures++
	}
}

// taskEnded handles the end of an instance's task: a failure is
// recorded and delays launches of the app's configuration; the instance
// is launched again if its goal is Running and it is of the app's current
// configuration, else it is dropped.
func (c *core) taskEnded(now time.Time, inst *Instance, st mesos.TaskStatus) {
	t := inst.Task
	app := c.appOf(inst.AppID)
	if failure(st.State) {
		f := &TaskFailure{AppID: inst.AppID, TaskID: t.ID, AgentID: t.AgentID, Host: t.Site.Hostname,
			State: st.State, Message: st.Message, Timestamp: now, Version: inst.Version}
		c.failures[inst.AppID] = f
	}
	if app != nil && limitWorthy(st.State) && inst.Goal == GoalRunning {
		c.limiter.AddDelay(app, now)
		c.delayed[app.ID] = true
	}
	if st.State == mesos.TaskKilled && st.Reason != nil && *st.Reason == mesos.ReasonAgentDraining && app != nil {
		c.limiter.ResetDelay(app) // NotifyRateLimiterStep.agentDraining
	}
	delete(c.byTask, t.ID)
	inst.Task = nil
	inst.KillSentAt = time.Time{}
	c.dirty = true
	if inst.Goal != GoalRunning || app == nil || c.deleted[app.ID] || !inst.Config.Equal(app.VersionInfo.LastConfigChangeAt) {
		c.removeInstance(inst)
		return
	}
	if c.scheduledCount(app.ID) == 0 {
		delete(c.stats, app.ID)
	}
	c.setCond(inst, Scheduled, now)
	inst.Version = app.Version
	c.rev.bump(inst.Role)
}
