package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// recovery is what the agent keeps while it recovers: the executors it found alive
// in the checkpoints, and for tasks of default executors the child container and the
// task group the checkpoints name (the default executor's own memory in Mesos).
type recovery struct {
	executors []recoveredExecutor
	children  map[StreamKey]containerizer.ContainerID
	groups    map[StreamKey]*mesos.TaskGroupInfo
}

// recoveredExecutor is one executor whose latest run was not completed.
type recoveredExecutor struct {
	f *framework
	e *executor
}

// loadState reads the checkpointed state (Slave::initialize's state::recover, done in
// New so that its errors are New's) and checks the checkpointed SlaveInfo against the
// agent's configuration (Slave::recover with --reconfiguration_policy=equal): a
// mismatch fails, unless the host rebooted, in which case the agent registers as a
// new one and meta/slaves/latest is removed to record that decision.
func (a *Agent) loadState() error {
	boot, err := currentBootID()
	if err != nil {
		a.log.Warn("Could not retrieve boot id", "err", err)
	}
	st, err := readState(a.meta(), *a.cfg.Strict, boot, a.log)
	if err != nil {
		return err
	}
	if st.agent != nil && st.agent.info != nil {
		if err := compatibleAgentInfo(*st.agent.info, a.info); err != nil {
			if !st.rebooted {
				return fmt.Errorf("%w: %w", ErrRecovery, err)
			}
			a.log.Warn("Falling back to recover as a new agent due to error", "err", err)
			st.agent = nil
			if err := os.Remove(latestAgentPath(a.meta())); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%w: failed to remove latest symlink: %w", ErrRecovery, err)
			}
		}
	}
	a.recovered = st
	return nil
}

// compatibleAgentInfo is slave::compatibility::equal: the SlaveInfo an agent
// checkpointed and the one its flags give now must be the same (operator== of
// src/common/type_utils.cpp: hostname, port, resources, attributes as sets, domain).
func compatibleAgentInfo(prev, cur mesos.AgentInfo) error {
	var diffs []string
	if prev.Hostname != cur.Hostname {
		diffs = append(diffs, fmt.Sprintf("hostname %q is now %q", prev.Hostname, cur.Hostname))
	}
	if prev.GetPort() != cur.GetPort() {
		diffs = append(diffs, fmt.Sprintf("port %d is now %d", prev.GetPort(), cur.GetPort()))
	}
	if !prev.Resources.Resources.Equal(cur.Resources.Resources) {
		diffs = append(diffs, fmt.Sprintf("resources %s are now %s", prev.Resources.Resources, cur.Resources.Resources))
	}
	if pa, ca := attributeSet(prev.Attributes), attributeSet(cur.Attributes); !slices.Equal(pa, ca) {
		diffs = append(diffs, fmt.Sprintf("attributes %v are now %v", pa, ca))
	}
	if pd, cd := jsonOf(prev.Domain), jsonOf(cur.Domain); pd != cd {
		diffs = append(diffs, fmt.Sprintf("domain %s is now %s", pd, cd))
	}
	if len(diffs) > 0 {
		return fmt.Errorf("incompatible agent info detected: %s", strings.Join(diffs, "; "))
	}
	return nil
}

// attributeSet renders attributes as a sorted list (Attributes compare as sets).
func attributeSet(attrs []mesos.Attribute) []string {
	out := make([]string, len(attrs))
	for i, at := range attrs {
		out[i] = jsonOf(at)
	}
	slices.Sort(out)
	return out
}

func jsonOf(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// recover is Slave::recover: with no checkpointed agent the agent goes straight to
// the end of recovery. Otherwise it takes back its agent ID, rebuilds every
// checkpointing framework and the latest run of each of its executors with their
// tasks (their states replayed from task.updates) and status update streams
// (unacknowledged updates wait, in order, for the agent to re-register), and asks the
// containerizer to recover the containers of the runs not completed: live ones are
// re-attached, those that exited meanwhile reaped with their real status, unknown
// ones destroyed (Slave::_recoverContainerizer). containersRecovered continues.
func (a *Agent) recover() {
	a.state = StateRecovering
	a.updates.Pause()
	st := a.recovered
	a.recovered = recoveredState{}
	for range st.errors {
		a.m.recoveryErrors.Inc()
	}
	if st.agent == nil || st.agent.info == nil {
		a.finishRecovery()
		return
	}
	id := st.agent.id
	a.info.ID = &mesos.AgentID{Value: id}
	a.log.Info("Recovering agent", "agent_id", id, "rebooted", st.rebooted)
	a.ensureContainerizer()
	if a.cont == nil {
		a.recoveryFailed(fmt.Errorf("%w: no containerizer: %w", ErrRecovery, a.contErr))
		return
	}
	a.rec = &recovery{children: map[StreamKey]containerizer.ContainerID{}, groups: map[StreamKey]*mesos.TaskGroupInfo{}}
	known := []containerizer.ContainerID{}
	for _, fs := range sortedValues(st.agent.frameworks) {
		a.recoverFramework(fs)
	}
	for _, r := range a.rec.executors {
		known = append(known, containerizer.ContainerID{Value: r.e.containerID})
	}
	a.cont.Recover(known).OnAny(process.Defer(&a.Base, "_recover", a.containersRecovered))
}

// recoveryFailed is __recover's EXIT(EXIT_FAILURE): the agent logs why and
// terminates, leaving the containers running and the checkpoints in place.
func (a *Agent) recoveryFailed(err error) {
	a.log.Error("Failed to perform recovery", "err", err)
	a.exitErr = err
	a.rec = nil
	if !a.terminated {
		a.terminated = true
		a.rt.Terminate(a.Self(), false)
	}
}

// recoverFramework is Slave::recoverFramework: a framework with executors comes back
// with its checkpointed FrameworkInfo and PID (only checkpointing frameworks are on
// disk), then its executors; one left without executors is removed.
func (a *Agent) recoverFramework(fs *checkpointedFramework) {
	if len(fs.executors) == 0 || fs.info == nil || fs.pid == nil {
		return
	}
	info := *fs.info
	if info.ID == nil {
		info.ID = &mesos.FrameworkID{Value: fs.id}
	}
	if !info.Checkpoint {
		a.log.Warn("Skipping recovery of framework that does not checkpoint", "framework", fs.id)
		return
	}
	a.log.Info("Recovering framework", "framework", fs.id)
	f := newFramework(info, *fs.pid)
	a.frameworks[f.id] = f
	for _, es := range sortedValues(fs.executors) {
		a.recoverExecutor(f, es)
	}
	if f.idle() {
		a.removeFramework(f)
	}
}

// recoverExecutor is Framework::recoverExecutor: the latest run of the executor
// comes back with its tasks (Executor::recoverTask), its sandbox is attached to
// /files again and, unless the run completed (then the executor goes straight to the
// completed executors), the status update streams of its tasks are replayed
// (TaskStatusUpdateManagerProcess::recover). Older runs are left alone.
func (a *Agent) recoverExecutor(f *framework, es *checkpointedExecutor) {
	run := es.runs[es.latest]
	if run == nil || es.info == nil {
		a.log.Warn("Skipping recovery of executor because its latest run or executor info cannot be recovered",
			"executor", es.id, "framework", f.id)
		return
	}
	a.log.Info("Recovering executor", "executor", es.id, "framework", f.id, "container", es.latest)
	info := *es.info
	info.Resources = injectAllocationInfo(info.Resources, f.info)
	e := &executor{
		id:              es.id,
		frameworkID:     f.id,
		info:            info,
		containerID:     es.latest,
		directory:       executorRunPath(a.cfg.WorkDir, a.agentID(), f.id, es.id, es.latest),
		state:           executorRunning,
		commandTask:     es.generatedForCommandTask,
		checkpoint:      f.info.Checkpoint,
		launchedTasks:   map[string]*mesos.Task{},
		terminatedTasks: map[string]*mesos.Task{},
		launched:        true,
	}
	if info.Type == mesos.ExecutorDefault || slices.ContainsFunc(sortedValues(run.tasks), func(t *checkpointedTask) bool { return t.group != nil }) {
		e.defaultExec = true
		e.queuedTasks = map[string]mesos.TaskInfo{}
		e.children = map[string]*child{}
	}
	for _, ts := range sortedValues(run.tasks) {
		a.recoverTask(f, e, ts)
	}
	if !e.defaultExec {
		e.taskID = commandTaskID(e)
		if t := e.task(e.taskID); t != nil {
			e.killPolicy = t.KillPolicy
		}
	}
	a.attachSandbox(f, e)
	f.executors[e.id] = e
	if run.completed {
		a.m.executorsTerminatedCount.Inc()
		e.state = executorTerminated
		e.reaped = true
		for id, t := range e.launchedTasks {
			delete(e.launchedTasks, id)
			e.terminatedTasks[id] = t
		}
		a.removeExecutor(f, e)
		return
	}
	for _, ts := range sortedValues(run.tasks) {
		if len(ts.updates) == 0 {
			continue
		}
		key := StreamKey{FrameworkID: f.id, TaskID: ts.id}
		path := taskUpdatesPath(a.cfg.WorkDir, a.agentID(), f.id, e.id, e.containerID, ts.id)
		if _, err := a.updates.Recover(key, ts.updates, ts.acks, func() (io.WriteCloser, error) { return openUpdatesFile(path) }); err != nil {
			a.log.Error("Failed to recover status updates", "task", ts.id, "framework", f.id, "err", err)
		}
	}
	a.rec.executors = append(a.rec.executors, recoveredExecutor{f: f, e: e})
}

// task returns the executor's task, wherever it is (launched, terminated, completed).
func (e *executor) task(id string) *mesos.Task {
	if t := e.launchedTasks[id]; t != nil {
		return t
	}
	if t := e.terminatedTasks[id]; t != nil {
		return t
	}
	for _, t := range e.completedTasks {
		if t.TaskID.Value == id {
			return t
		}
	}
	return nil
}

// commandTaskID picks the task a recovered command executor runs: the one named
// after the executor (Slave::getExecutorInfo gives the command executor its task's
// ID), else the first by ID.
func commandTaskID(e *executor) string {
	if e.task(e.id) != nil {
		return e.id
	}
	var ids []string
	for _, m := range []map[string]*mesos.Task{e.launchedTasks, e.terminatedTasks} {
		for id := range m {
			ids = append(ids, id)
		}
	}
	for _, t := range e.completedTasks {
		ids = append(ids, t.TaskID.Value)
	}
	if len(ids) == 0 {
		return e.id
	}
	return slices.Min(ids)
}

// recoverTask is Executor::recoverTask: the checkpointed Task comes back as launched
// and takes, in order, the states of its checkpointed updates, up to the first
// terminal one; a terminal update that was acknowledged completes the task. For a
// default executor the task's child container (named in the ContainerStatus of its
// updates) and its group are remembered for containersRecovered.
func (a *Agent) recoverTask(f *framework, e *executor, ts *checkpointedTask) {
	if ts.info == nil {
		a.log.Warn("Skipping recovery of task because its info cannot be recovered", "task", ts.id, "framework", f.id)
		return
	}
	t := *ts.info
	t.Resources = injectAllocationInfo(t.Resources, f.info)
	e.launchedTasks[t.TaskID.Value] = &t
	scratch := discardMetrics()
	key := StreamKey{FrameworkID: f.id, TaskID: ts.id}
	for _, u := range ts.updates {
		if e.defaultExec {
			if cs := u.Status.ContainerStatus; cs != nil && cs.ContainerID != nil && cs.ContainerID.Parent != nil {
				if _, ok := a.rec.children[key]; !ok {
					a.rec.children[key] = fromMesosContainerID(*cs.ContainerID)
				}
			}
		}
		if err := e.updateTaskState(u.Status, &scratch); err != nil {
			a.log.Error("Failed to update state of recovered task", "task", ts.id, "state", u.Status.State.String(), "err", err)
			continue
		}
		if u.Status.State.IsTerminal() {
			if len(u.UUID) == 16 && ts.acks[[16]byte(u.UUID)] {
				e.completeTask(ts.id)
			}
			break
		}
	}
	if ts.group != nil {
		a.rec.groups[key] = ts.group
	}
}

// discardMetrics counts nothing: replayed updates were counted by the agent that
// received them.
func discardMetrics() metrics {
	n := nopCounter{}
	return metrics{validStatusUpdates: n, invalidStatusUpdates: n, containerLaunchErrors: n, executorsTerminatedCount: n,
		tasksFinished: n, tasksFailed: n, tasksKilled: n, tasksLost: n, tasksGone: n, recoveryErrors: n}
}

// fromMesosContainerID converts a ContainerID of a status update.
func fromMesosContainerID(id mesos.ContainerID) containerizer.ContainerID {
	out := containerizer.ContainerID{Value: id.Value}
	if id.Parent != nil {
		p := fromMesosContainerID(*id.Parent)
		out.Parent = &p
	}
	return out
}

// containersRecovered is Slave::_recover once the containerizer has recovered: the
// agent waits on every recovered executor's container again (executorTerminated
// follows its end, with its real exit status) and, playing the executors itself,
// takes them back at once — Mesos's executors reconnect within
// executor_reregistration_timeout; here none can be late. With --recover=reconnect
// the executors carry on (reconnectExecutor); with cleanup they are shut down and
// the agent terminates (finishRecovery).
func (a *Agent) containersRecovered(fut *process.Future[struct{}]) {
	if _, err := fut.Get(); err != nil {
		a.recoveryFailed(fmt.Errorf("%w: containerizer: %w", ErrRecovery, err))
		return
	}
	if a.rec == nil {
		return
	}
	alive := map[string]bool{}
	for _, s := range a.cont.Containerizer().Snapshot() {
		if s.State == containerizer.Running {
			alive[s.ContainerID.String()] = true
		}
	}
	for _, r := range a.rec.executors {
		a.reattachExecutor(r.f, r.e, alive)
	}
	if a.state != StateRecovering {
		// Stopped while recovering: the executors are being shut down, and the
		// waits above see their containers go.
		a.rec = nil
		return
	}
	if a.cfg.Recover == RecoverReconnect {
		for _, r := range a.rec.executors {
			if a.frameworks[r.f.id] == r.f && r.f.executors[r.e.id] == r.e {
				a.reconnectExecutor(r.f, r.e, alive)
			}
		}
	}
	a.finishRecovery()
}

// reattachExecutor rebuilds what the executor the agent plays knew about its
// container: its pid, the wait for its end and, for a default executor, the child
// container of each task it had launched, each waited on as well. Nothing is sent.
func (a *Agent) reattachExecutor(f *framework, e *executor, alive map[string]bool) {
	cid := containerizer.ContainerID{Value: e.containerID}
	if alive[cid.String()] {
		if st, err := a.cont.Containerizer().Status(context.Background(), cid); err == nil {
			e.pid = st.ExecutorPID
		}
	}
	fwID, exID := f.id, e.id
	a.cont.Wait(cid).OnAny(process.Defer(&a.Base, "executorTerminated", func(fut *process.Future[*containerizer.Termination]) {
		a.recoveredContainerTerminated(fwID, exID, cid.Value, fut)
	}))
	if !e.defaultExec {
		return
	}
	groups := map[string]*taskGroup{}
	for _, t := range e.sortedLaunched() {
		if t.State.IsTerminal() {
			continue
		}
		key := StreamKey{FrameworkID: f.id, TaskID: t.TaskID.Value}
		ccid, ok := a.rec.children[key]
		if !ok {
			continue // never handed to the executor
		}
		info, g := recoveredGroup(t, a.rec.groups[key], groups)
		c := &child{taskID: t.TaskID.Value, info: info, group: g, containerID: ccid, launchDone: true, launched: true}
		if alive[ccid.String()] {
			if st, err := a.cont.Containerizer().Status(context.Background(), ccid); err == nil {
				c.pid = st.ExecutorPID
			}
		}
		e.children[c.taskID] = c
		a.waitChild(f, e, c)
	}
}

// recoveredGroup returns a recovered task's TaskInfo and its group, shared by the
// tasks of one group. Without a checkpointed group the task is a group of its own,
// with the TaskInfo its Task still describes.
func recoveredGroup(t *mesos.Task, group *mesos.TaskGroupInfo, groups map[string]*taskGroup) (mesos.TaskInfo, *taskGroup) {
	if group != nil {
		for _, info := range group.Tasks {
			if info.TaskID.Value != t.TaskID.Value {
				continue
			}
			key := strings.Join(taskIDs(group.Tasks), "\x00")
			g := groups[key]
			if g == nil {
				g = &taskGroup{tasks: slices.Clone(group.Tasks)}
				groups[key] = g
			}
			return info, g
		}
	}
	info := mesos.TaskInfo{
		Name: t.Name, TaskID: t.TaskID, AgentID: t.AgentID, Resources: t.Resources, Labels: t.Labels,
		Discovery: t.Discovery, Container: t.Container, HealthCheck: t.HealthCheck, KillPolicy: t.KillPolicy,
	}
	return info, &taskGroup{tasks: []mesos.TaskInfo{info}}
}

// recoveredContainerTerminated handles the end of a recovered executor's container
// the way of a live one (containerTerminated): the command's real exit status. A
// container that ended without a wait status never ran its command, and ends the
// executor as Slave::executorTerminated does ("Executor terminated"). A
// container the containerizer no longer knows ended before the crash, after the
// containerizer had destroyed it but before the agent handled that: its termination
// is read back from the run's meta directory, where the containerizer left it. One
// without that (never forked, or gone with a reboot) ends the executor as
// Slave::executorTerminated does for a None termination ("Abnormal executor
// termination: unknown container").
func (a *Agent) recoveredContainerTerminated(fwID, exID, cid string, fut *process.Future[*containerizer.Termination]) {
	term, err := fut.Get()
	if err != nil || (term != nil && term.Status != nil) {
		a.containerTerminated(fwID, exID, cid, fut)
		return
	}
	e := a.executorOf(fwID, exID)
	if e == nil || e.containerID != cid {
		return
	}
	if term != nil {
		// Destroyed without a wait status: the agent died while launching it, before
		// its process was checkpointed, so the command never ran (the executor never
		// registered, in Mesos's terms): Slave::executorTerminated reports its tasks.
		e.reaped = true
		e.killTimer.Stop()
		a.executorTerminated(a.frameworks[fwID], e, term, nil)
		return
	}
	var kept containerizer.Termination
	path := filepath.Join(executorRunPath(a.meta(), a.agentID(), fwID, exID, cid), terminationFile)
	if found, err := readMessage(path, &kept); found && err == nil {
		a.log.Info("Recovered the termination of a container that ended before the agent restarted", "container", cid, "termination", kept.String())
		p := process.NewPromise[*containerizer.Termination]()
		p.Set(&kept)
		a.containerTerminated(fwID, exID, cid, p.Future())
		return
	}
	e.reaped = true
	e.killTimer.Stop()
	a.executorTerminated(a.frameworks[fwID], e, nil, nil)
}

// reconnectExecutor is the executor the agent plays taking up its work again
// (Slave::reregisterExecutor with the executor's unacknowledged updates, which here
// the agent generates itself). For a command executor whose container runs: a task
// still STARTING gets the TASK_RUNNING its launch completed, a task being killed
// (TASK_KILLING) is killed again with its full grace, and the health check restarts.
// A task still STAGING was never given to the executor: TASK_LOST (TASK_DROPPED for
// partition-aware frameworks), REASON_SLAVE_RESTARTED, "Task launched during agent
// restart", and an executor left with nothing to run shuts down. A default
// executor's children are treated alike. Containers that ended while the agent was
// down are reported by the waits reattachExecutor set up.
func (a *Agent) reconnectExecutor(f *framework, e *executor, alive map[string]bool) {
	if !alive[e.containerID] || e.state != executorRunning {
		return
	}
	if e.defaultExec {
		a.reconnectDefaultExecutor(f, e, alive)
		return
	}
	if !e.incompleteTasks() && len(e.completedTasks) == 0 {
		a.log.Warn("Shutting down reregistering executor because it has no tasks to run", "executor", e.id, "framework", f.id)
		a.shutdownExecutor(f, e)
		return
	}
	t := e.launchedTasks[e.taskID]
	if t == nil || t.State.IsTerminal() {
		return
	}
	switch t.State {
	case mesos.TaskStaging:
		a.restartedTaskLost(f, e, t.TaskID.Value)
		a.shutdownExecutor(f, e)
	case mesos.TaskStarting:
		a.startTaskHealthCheck(f, e)
		a.executorUpdate(f, e, e.taskID, mesos.TaskRunning, "", nil)
	case mesos.TaskKilling:
		grace := a.cfg.KillGracePeriod
		if e.killPolicy != nil && e.killPolicy.GracePeriod != nil {
			grace = max(e.killPolicy.GracePeriod.Duration(), 0)
		}
		a.log.Info("Killing the recovered task again", "task", e.taskID, "grace", grace.String())
		now := a.now()
		e.killed = true
		e.killStart, e.killDeadline = now, now.Add(grace)
		e.killTimer = a.escalation(f.id, e, grace)
		a.signalContainer(containerizer.ContainerID{Value: e.containerID}, syscall.SIGTERM)
	default:
		a.startTaskHealthCheck(f, e)
	}
}

// reconnectDefaultExecutor is reconnectExecutor for a default executor.
func (a *Agent) reconnectDefaultExecutor(f *framework, e *executor, alive map[string]bool) {
	var groups []*taskGroup
	for _, t := range e.sortedLaunched() {
		if t.State.IsTerminal() {
			continue
		}
		id := t.TaskID.Value
		c := e.children[id]
		if c == nil {
			a.restartedTaskLost(f, e, id)
			continue
		}
		if !slices.Contains(groups, c.group) {
			groups = append(groups, c.group)
		}
		if !alive[c.containerID.String()] {
			continue
		}
		switch t.State {
		case mesos.TaskStarting:
			if _, err := os.Lstat(filepath.Join(e.directory, tasksDir, id)); err != nil {
				a.linkTaskSandbox(e, c)
			}
			a.executorUpdate(f, e, id, mesos.TaskRunning, "", nil)
		case mesos.TaskKilling:
			grace := a.cfg.KillGracePeriod
			if c.info.KillPolicy != nil && c.info.KillPolicy.GracePeriod != nil {
				grace = max(c.info.KillPolicy.GracePeriod.Duration(), 0)
			}
			a.log.Info("Killing the recovered task again", "task", id, "grace", grace.String())
			c.killing = true
			c.killTimer = a.childEscalation(f.id, e, c, grace)
			a.signalContainer(c.containerID, syscall.SIGTERM)
		}
	}
	for _, g := range groups {
		if !a.startGroupHealthChecks(f, e, g) {
			return
		}
	}
	if len(e.children) == 0 {
		a.exitDefaultExecutor(f, e)
	}
}

// restartedTaskLost is reregisterExecutor's answer for a STAGING task the executor
// never received.
func (a *Agent) restartedTaskLost(f *framework, e *executor, taskID string) {
	state := mesos.TaskLost
	if f.partitionAware() {
		state = mesos.TaskDropped
	}
	a.log.Info("Transitioning STAGED task because it is unknown to the executor", "task", taskID, "state", state.String(), "executor", e.id)
	u := a.newAgentUpdate(f.id, e.id, taskID, state, "Task launched during agent restart", mesos.ReasonAgentRestarted)
	a.statusUpdate(u, false)
}

// finishRecovery is Slave::__recover: the boot ID is checkpointed and the recovery
// is over, which an "agent.recovered" point event reports (agent_id, recover mode,
// number of executors recovered). With --recover=reconnect the agent is DISCONNECTED and registers (a
// recovered agent re-registers with its ID, frameworks, executors and tasks); with
// cleanup it is TERMINATING, shuts every recovered framework down (killing their
// containers) and terminates once they are gone.
func (a *Agent) finishRecovery() {
	a.checkpointBootID()
	executors := 0
	if a.rec != nil {
		executors = len(a.rec.executors)
	}
	a.rec = nil
	a.log.Info("Finished recovery", "agent_id", a.agentID(), "executors", executors)
	a.Event("agent.recovered",
		observe.Attr{Key: "mesos.agent_id", Value: a.agentID()},
		observe.Attr{Key: "mesos.recover", Value: a.cfg.Recover},
		observe.Attr{Key: "mesos.executors", Value: strconv.Itoa(executors)})
	if a.cfg.Recover == RecoverCleanup {
		a.log.Info("Agent started in cleanup mode: shutting down the recovered executors")
		a.terminateAll(true)
		return
	}
	a.state = StateDisconnected
	a.detected()
}
