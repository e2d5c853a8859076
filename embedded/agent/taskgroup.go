package agent

import (
	"slices"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// taskGroup is one task group given to a default executor (TaskGroupInfo): queued on
// the executor until its container runs, then launched by the default executor as
// one nested container per task.
type taskGroup struct {
	tasks   []mesos.TaskInfo
	pending int // nested container launches not answered yet (DefaultExecutor::_launchGroup's collect)
}

// has reports whether the group contains the task.
func (g *taskGroup) has(taskID string) bool {
	return slices.ContainsFunc(g.tasks, func(t mesos.TaskInfo) bool { return t.TaskID.Value == taskID })
}

// runTaskGroup handles RunTaskGroupMessage (Slave::runTaskGroup): the master's
// checks, then run for the group.
func (a *Agent) runTaskGroup(from process.PID, msg mesos.RunTaskGroupMessage) {
	if from != a.master {
		a.log.Warn("Ignoring run task group message: not from the expected master", "from", from.String(), "master", a.master.String())
		return
	}
	if msg.Framework.ID == nil {
		a.log.Error("Ignoring run task group message: it does not have a framework ID", "from", from.String())
		return
	}
	if len(msg.TaskGroup.Tasks) == 0 {
		a.log.Error("Ignoring run task group message: it has no tasks", "from", from.String(), "framework", msg.Framework.ID.Value)
		return
	}
	a.runGroup(msg.Framework, msg.Executor, msg.TaskGroup, msg.LaunchExecutor)
}

// runGroup is Slave::run, _run and __run for a task group: the tasks are checked, the
// framework and the executor are found or created, and the group is queued on an
// executor whose container is still launching (launchDefaultExecutor) or handed to a
// running default executor at once (launchGroup).
func (a *Agent) runGroup(fw mesos.FrameworkInfo, exec mesos.ExecutorInfo, group mesos.TaskGroupInfo, launchExecutor *bool) {
	for _, t := range group.Tasks {
		if t.AgentID.Value != a.agentID() {
			a.log.Warn("Ignoring running task group: it was intended for another agent",
				"task", t.TaskID.Value, "intended_for", t.AgentID.Value)
			return
		}
	}
	if a.state == StateRecovering || a.state == StateTerminating {
		a.log.Warn("Ignoring running task group", "state", a.state.String())
		return
	}
	// The master's validation rules these out; the agent must not mix two tasks'
	// updates in one stream.
	seen := map[string]bool{}
	for _, t := range group.Tasks {
		id := t.TaskID.Value
		if seen[id] || (a.frameworks[fw.ID.Value] != nil && a.frameworks[fw.ID.Value].hasTask(id)) {
			a.log.Error("Ignoring running task group: duplicate task ID", "task", id, "framework", fw.ID.Value)
			return
		}
		seen[id] = true
	}
	f := a.ensureFramework(fw, "")
	if f.state == frameworkTerminating {
		a.log.Warn("Ignoring running task group: the framework is terminating", "framework", f.id)
		return
	}
	exec.Resources = injectAllocationInfo(exec.Resources, fw)
	if exec.FrameworkID == nil {
		exec.FrameworkID = fw.ID
	}
	g := &taskGroup{tasks: make([]mesos.TaskInfo, len(group.Tasks))}
	for i, t := range group.Tasks {
		t.Resources = injectAllocationInfo(t.Resources, fw)
		g.tasks[i] = t
	}
	a.log.Info("Got assigned task group", "tasks", taskIDs(g.tasks), "framework", f.id, "executor", exec.ExecutorID.Value)

	e := f.executors[exec.ExecutorID.Value]
	if launchExecutor != nil {
		// Slave::__run's launch_executor checks. mesoscope's master asks for a launch
		// with every group, so a live executor takes the group regardless (below).
		switch {
		case *launchExecutor && e != nil && e.state == executorTerminated:
			a.dropGroup(f, exec.ExecutorID.Value, g, "Master wants to launch executor, but one already exists")
			a.sendExitedExecutorMessage(f.id, e.id, -1)
			return
		case !*launchExecutor && e == nil:
			a.dropGroup(f, exec.ExecutorID.Value, g, "No executor is expected to launch and there is none running")
			return
		}
	}
	if e != nil {
		switch e.state {
		case executorTerminating:
			a.dropGroup(f, e.id, g, "Executor terminating")
			return
		case executorTerminated:
			a.dropGroup(f, e.id, g, "Executor terminated")
			return
		}
		if !e.defaultExec {
			// The command executor: "LAUNCH_GROUP event is not supported", and it
			// shuts down; the group's tasks fail with it.
			for _, t := range g.tasks {
				e.launchedTasks[t.TaskID.Value] = createTask(t, mesos.TaskStaging, f.id, e.id)
				a.checkpointTask(f, e, e.launchedTasks[t.TaskID.Value])
			}
			a.log.Error("Command executor does not support LAUNCH_GROUP; shutting it down", "executor", e.id)
			a.shutdownExecutor(f, e)
			return
		}
		a.queueOrLaunch(f, e, g)
		return
	}

	cid := uuidString(newUUID(a.rand))
	e = &executor{
		id:              exec.ExecutorID.Value,
		frameworkID:     f.id,
		info:            exec,
		containerID:     cid,
		directory:       executorRunPath(a.cfg.WorkDir, a.agentID(), f.id, exec.ExecutorID.Value, cid),
		state:           executorRegistering,
		checkpoint:      fw.Checkpoint,
		queuedTasks:     map[string]mesos.TaskInfo{},
		launchedTasks:   map[string]*mesos.Task{},
		terminatedTasks: map[string]*mesos.Task{},
		defaultExec:     true,
		children:        map[string]*child{},
	}
	f.executors[e.id] = e
	a.checkpointExecutor(f, e)
	a.queueOrLaunch(f, e, g)
	a.launchDefaultExecutor(f, e)
}

// queueOrLaunch is __run's hand-over of a group: its tasks are checkpointed
// (Executor::checkpointTask, with the group itself in task.group), then queued while
// the executor registers (Executor::enqueueTaskGroup) or launched by a running one.
func (a *Agent) queueOrLaunch(f *framework, e *executor, g *taskGroup) {
	for _, t := range g.tasks {
		a.checkpointTask(f, e, createTask(t, mesos.TaskStaging, f.id, e.id))
	}
	a.checkpointTaskGroup(f, e, g)
	if e.state == executorRegistering {
		for _, t := range g.tasks {
			e.queuedTasks[t.TaskID.Value] = t
		}
		e.queuedGroups = append(e.queuedGroups, g)
		a.log.Info("Queued task group for executor", "tasks", taskIDs(g.tasks), "executor", e.id)
		return
	}
	for _, t := range g.tasks {
		e.launchedTasks[t.TaskID.Value] = createTask(t, mesos.TaskStaging, f.id, e.id)
	}
	a.launchGroup(f, e, g)
}

// dropGroup answers every task of a group the agent will not run with TASK_DROPPED
// (TASK_LOST for frameworks that are not partition-aware) and
// REASON_EXECUTOR_TERMINATED (Slave::run's sendTaskDroppedUpdate).
func (a *Agent) dropGroup(f *framework, exID string, g *taskGroup, message string) {
	a.log.Warn("Dropping task group", "tasks", taskIDs(g.tasks), "executor", exID, "because", message)
	state := mesos.TaskLost
	if f.partitionAware() {
		state = mesos.TaskDropped
	}
	for _, t := range g.tasks {
		u := a.newAgentUpdate(f.id, exID, t.TaskID.Value, state, message, mesos.ReasonExecutorTerminated)
		a.statusUpdate(u, false)
	}
	if f.idle() {
		a.removeFramework(f)
	}
}

// dequeueGroups hands the queued groups of an executor that now runs to it
// (Slave::___run): a group whose tasks were all killed meanwhile is skipped.
func (a *Agent) dequeueGroups(f *framework, e *executor) {
	groups := e.queuedGroups
	e.queuedGroups = nil
	for _, g := range groups {
		queued := 0
		for _, t := range g.tasks {
			if _, ok := e.queuedTasks[t.TaskID.Value]; ok {
				queued++
			}
		}
		if queued == 0 {
			a.log.Warn("Ignoring sending queued task group to executor because the task group has been killed",
				"tasks", taskIDs(g.tasks), "executor", e.id)
			continue
		}
		for _, t := range g.tasks {
			delete(e.queuedTasks, t.TaskID.Value)
			e.launchedTasks[t.TaskID.Value] = createTask(t, mesos.TaskStaging, f.id, e.id)
		}
		a.launchGroup(f, e, g)
	}
}

// killQueuedGroup is Slave::kill for a task of an executor that has not registered
// yet: every task of its group gets TASK_KILLED with
// REASON_TASK_KILLED_DURING_LAUNCH from the agent, which takes them off the queue.
// It reports whether the task was queued.
func (a *Agent) killQueuedGroup(f *framework, e *executor, taskID string) bool {
	i := slices.IndexFunc(e.queuedGroups, func(g *taskGroup) bool { return g.has(taskID) })
	if i < 0 {
		return false
	}
	g := e.queuedGroups[i]
	e.queuedGroups = slices.Delete(e.queuedGroups, i, i+1)
	a.log.Warn("Transitioning the state of the task group to TASK_KILLED because the executor is not registered",
		"task", taskID, "tasks", taskIDs(g.tasks), "executor", e.id)
	for _, t := range g.tasks {
		if _, ok := e.queuedTasks[t.TaskID.Value]; !ok {
			continue
		}
		u := a.newAgentUpdate(f.id, e.id, t.TaskID.Value, mesos.TaskKilled,
			"A task within the task group was killed before delivery to the executor", mesos.ReasonTaskKilledDuringLaunch)
		a.statusUpdate(u, false)
	}
	return true
}

// taskIDs lists the IDs of tasks, for logs.
func taskIDs(tasks []mesos.TaskInfo) []string {
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.TaskID.Value
	}
	return out
}
