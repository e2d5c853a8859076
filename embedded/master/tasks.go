package master

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// accept is Master::accept and _accept: the offers are validated (they
// exist, belong to the framework, share one agent), each operation is
// applied in order against what is left of them, tasks that fail
// validation get TASK_ERROR, and whatever is not used goes back to the
// allocator with the call's filters (an implicit decline).
func (m *Master) accept(f *framework, acc *scheduler.Accept) {
	m.m.messagesLaunchTasks.Inc()
	var (
		offered resources.Resources
		agentID string
		role    string
		invalid string
	)
	var used []*offer
	seen := map[string]bool{}
	for _, oid := range acc.OfferIDs {
		o := m.offers[oid.Value]
		switch {
		case seen[oid.Value]:
			invalid = "Duplicate offer " + oid.Value + " in ACCEPT"
		case o == nil:
			invalid = "Offer " + oid.Value + " is no longer valid"
		case o.frameworkID != f.id:
			invalid = "Offer " + oid.Value + " has invalid framework"
		case agentID != "" && o.agentID != agentID:
			invalid = "Aggregated offers must belong to one single agent. Offer " + oid.Value + " uses agent " + o.agentID + " and agent " + agentID
		case role != "" && o.role != role:
			invalid = "Aggregated offers must be allocated to the same role. Offer " + oid.Value + " uses role " + o.role + " and role " + role
		}
		seen[oid.Value] = true
		if o == nil || o.frameworkID != f.id {
			continue
		}
		if agentID == "" {
			agentID, role = o.agentID, o.role
		}
		used = append(used, o)
	}
	if len(acc.OfferIDs) == 0 {
		invalid = "No offers specified"
	}
	filters := allocatorFilters(acc.Filters)
	for _, o := range used {
		f.metrics.offersAccepted.Inc()
		m.removeOffer(o, outcomeAccepted, filters)
		offered.Add(o.resources)
	}
	if invalid != "" {
		for _, o := range used {
			m.alloc.RecoverResources(f.id, o.agentID, o.resources, nil)
		}
		m.dropLaunches(f, acc.Operations, mesos.ReasonInvalidOffers, "Task launched with invalid offers: "+invalid)
		return
	}
	a := m.agents[agentID]
	if a == nil || !a.connected {
		reason, why := mesos.ReasonAgentRemoved, "Agent "+agentID+" is removed"
		if a != nil {
			reason, why = mesos.ReasonAgentDisconnected, "Agent "+agentID+" is disconnected"
		}
		m.dropLaunches(f, acc.Operations, reason, why)
		if a != nil {
			m.alloc.RecoverResources(f.id, agentID, offered, nil)
		}
		return
	}
	multiRole := f.info.HasCapability(mesos.FrameworkMultiRole)
	for i := range acc.Operations {
		op := &acc.Operations[i]
		switch op.Type {
		case mesos.OperationLaunch:
			if op.Launch == nil {
				continue
			}
			for j := range op.Launch.TaskInfos {
				m.launch(f, a, &op.Launch.TaskInfos[j], &offered, role, multiRole)
			}
		case mesos.OperationLaunchGroup:
			if op.LaunchGroup != nil {
				m.launchGroup(f, a, op.LaunchGroup, &offered, role, multiRole)
			}
		case mesos.OperationReserve:
			if op.Reserve != nil {
				m.reserve(f, a, op.Reserve.Source, op.Reserve.Resources, &offered, role, multiRole)
			}
		case mesos.OperationUnreserve:
			if op.Unreserve != nil {
				m.unreserve(f, a, op.Unreserve.Resources, &offered, role, multiRole)
			}
		default:
			m.log.Warn("ignoring unsupported offer operation", "type", op.Type.String(), "framework_id", f.id)
		}
	}
	if !offered.IsEmpty() {
		m.alloc.RecoverResources(f.id, agentID, offered, filters)
	}
}

// dropLaunches answers every task of the operations with TASK_DROPPED
// (partition-aware frameworks) or TASK_LOST.
func (m *Master) dropLaunches(f *framework, ops []mesos.OfferOperation, reason mesos.TaskStatusReason, msg string) {
	state := mesos.TaskLost
	if f.partitionAware() {
		state = mesos.TaskDropped
	}
	for _, t := range launchTasks(ops) {
		m.forwardMasterStatus(f, t.TaskID, &t.AgentID, nil, state, reason, msg)
	}
}

func launchTasks(ops []mesos.OfferOperation) []mesos.TaskInfo {
	var out []mesos.TaskInfo
	for _, op := range ops {
		switch {
		case op.Type == mesos.OperationLaunch && op.Launch != nil:
			out = append(out, op.Launch.TaskInfos...)
		case op.Type == mesos.OperationLaunchGroup && op.LaunchGroup != nil:
			out = append(out, op.LaunchGroup.TaskGroup.Tasks...)
		}
	}
	return out
}

// withAllocation returns rs allocated to role, as Master::accept's
// injectAllocationInfo does for non-MULTI_ROLE frameworks.
func withAllocation(rs resources.Resources, role string, multiRole bool) resources.Resources {
	rs = rs.Clone()
	if !multiRole {
		rs.Allocate(role)
	}
	return rs
}

// validateTask is validation::task::validate against the framework, the
// agent and what is left of the offers.
func (m *Master) validateTask(f *framework, a *agent, t *mesos.TaskInfo, need, offered resources.Resources) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if t.AgentID.Value != a.id {
		return taskErrorf("Task uses invalid agent: %s", t.AgentID.Value)
	}
	if _, dup := f.tasks[t.TaskID.Value]; dup {
		return taskErrorf("Task has duplicate ID: %s", t.TaskID.Value)
	}
	if err := resources.ValidateAll(t.Resources.Slice()); err != nil {
		return taskErrorf("Task uses invalid resources: %v", err)
	}
	if f.info.HasCapability(mesos.FrameworkMultiRole) {
		for r := range t.Resources.All() {
			if r.AllocationInfo == nil {
				return taskErrorf("Resource %s of a MULTI_ROLE framework's task has no allocation_info", resources.Must(r).String())
			}
		}
	}
	if t.Resources.IsEmpty() && (t.Executor == nil || t.Executor.Resources.IsEmpty()) {
		return taskErrorf("Task and its executor use no resources")
	}
	if t.Executor != nil && t.Executor.FrameworkID != nil && t.Executor.FrameworkID.Value != f.id {
		return taskErrorf("ExecutorInfo has an invalid FrameworkID (Actual: %s vs Expected: %s)", t.Executor.FrameworkID.Value, f.id)
	}
	if !offered.Contains(need) {
		return taskErrorf("Task uses more resources %s than available %s", unallocated(need), unallocated(offered))
	}
	return nil
}

// launch is the LAUNCH case of Master::_accept for one task.
func (m *Master) launch(f *framework, a *agent, ti *mesos.TaskInfo, offered *resources.Resources, role string, multiRole bool) {
	need := withAllocation(ti.Resources.Resources, role, multiRole)
	var exec *mesos.ExecutorInfo
	if ti.Executor != nil {
		e := *ti.Executor
		if e.FrameworkID == nil {
			e.FrameworkID = &mesos.FrameworkID{Value: f.id}
		}
		exec = &e
		if _, running := a.executors[f.id][e.ExecutorID.Value]; !running {
			need = need.Plus(withAllocation(e.Resources.Resources, role, multiRole))
		}
	}
	if msg, ok := m.authorizeTask(f, ti); !ok {
		m.log.Info("refusing unauthorized task", "task_id", ti.TaskID.Value, "framework_id", f.id, "err", msg)
		m.forwardMasterStatus(f, ti.TaskID, &ti.AgentID, nil, mesos.TaskError, mesos.ReasonTaskUnauthorized, msg)
		return
	}
	if err := m.validateTask(f, a, ti, need, *offered); err != nil {
		m.log.Info("refusing invalid task", "task_id", ti.TaskID.Value, "framework_id", f.id, "err", err)
		m.forwardMasterStatus(f, ti.TaskID, &ti.AgentID, nil, mesos.TaskError, mesos.ReasonTaskInvalid, err.Error())
		return
	}
	offered.Subtract(need)
	task := m.newTask(f, a, ti, role, multiRole)
	// launch_executor: the agent starts the executor only when the master
	// does not know it to be running there (Master::_accept).
	launchExecutor := true
	if exec != nil {
		if _, running := a.executors[f.id][exec.ExecutorID.Value]; running {
			launchExecutor = false
		} else {
			m.addExecutor(f, a, *exec, role, multiRole)
		}
	}
	m.addTask(f, a, task)
	msg := mesos.RunTaskMessage{
		FrameworkID: &mesos.FrameworkID{Value: f.id}, Framework: f.info, Task: *ti, LaunchExecutor: &launchExecutor,
	}
	msg.Task.Resources = mesos.Resources{Resources: withAllocation(ti.Resources.Resources, role, multiRole)}
	if exec != nil {
		e := *exec
		e.Resources = mesos.Resources{Resources: withAllocation(exec.Resources.Resources, role, multiRole)}
		msg.Task.Executor = &e
	}
	m.Send(a.pid, mesos.RunTaskMessageName, msg)
}

// launchGroup is the LAUNCH_GROUP case: all tasks or none.
func (m *Master) launchGroup(f *framework, a *agent, lg *mesos.LaunchGroupOperation, offered *resources.Resources, role string, multiRole bool) {
	fail := func(reason mesos.TaskStatusReason, err error) {
		for _, t := range lg.TaskGroup.Tasks {
			m.forwardMasterStatus(f, t.TaskID, &t.AgentID, &lg.Executor.ExecutorID, mesos.TaskError, reason, err.Error())
		}
	}
	// Master::_accept: every task of the group must be authorized; the error
	// reported is the last one found (the loop does not stop at the first).
	var unauthorized string
	for i := range lg.TaskGroup.Tasks {
		t := &lg.TaskGroup.Tasks[i]
		if _, ok := m.authorizeTask(f, t); !ok {
			unauthorized = "Task '" + t.TaskID.Value + "' is not authorized to" + launchObject(f, t)
		}
	}
	if unauthorized != "" {
		m.log.Info("refusing unauthorized task group", "framework_id", f.id, "err", unauthorized)
		fail(mesos.ReasonTaskGroupUnauthorized, errors.New(unauthorized))
		return
	}
	if err := lg.TaskGroup.Validate(); err != nil {
		fail(mesos.ReasonTaskGroupInvalid, err)
		return
	}
	exec := lg.Executor
	if exec.FrameworkID == nil {
		exec.FrameworkID = &mesos.FrameworkID{Value: f.id}
	}
	if err := exec.Validate(); err != nil {
		fail(mesos.ReasonTaskGroupInvalid, mesos.In("executor", err))
		return
	}
	if exec.Type != mesos.ExecutorDefault {
		fail(mesos.ReasonTaskGroupInvalid, taskErrorf("Expecting executor type to be DEFAULT"))
		return
	}
	var need resources.Resources
	if _, running := a.executors[f.id][exec.ExecutorID.Value]; !running {
		need = withAllocation(exec.Resources.Resources, role, multiRole)
	}
	for i := range lg.TaskGroup.Tasks {
		ti := &lg.TaskGroup.Tasks[i]
		tneed := withAllocation(ti.Resources.Resources, role, multiRole)
		if err := m.validateTask(f, a, &mesos.TaskInfo{Name: ti.Name, TaskID: ti.TaskID, AgentID: ti.AgentID, Resources: ti.Resources, Command: orEmptyCommand(ti.Command)}, tneed, *offered); err != nil {
			fail(mesos.ReasonTaskGroupInvalid, err)
			return
		}
		need.Add(tneed)
	}
	if !offered.Contains(need) {
		fail(mesos.ReasonTaskGroupInvalid, taskErrorf("Task group uses more resources %s than available %s", unallocated(need), unallocated(*offered)))
		return
	}
	offered.Subtract(need)
	_, running := a.executors[f.id][exec.ExecutorID.Value]
	if !running {
		m.addExecutor(f, a, exec, role, multiRole)
	}
	msg := mesos.RunTaskGroupMessage{Framework: f.info, Executor: exec}
	msg.Executor.Resources = mesos.Resources{Resources: withAllocation(exec.Resources.Resources, role, multiRole)}
	for i := range lg.TaskGroup.Tasks {
		ti := lg.TaskGroup.Tasks[i]
		ti.Executor = &exec
		task := m.newTask(f, a, &ti, role, multiRole)
		m.addTask(f, a, task)
		ti.Executor = nil
		ti.Resources = mesos.Resources{Resources: withAllocation(ti.Resources.Resources, role, multiRole)}
		msg.TaskGroup.Tasks = append(msg.TaskGroup.Tasks, ti)
	}
	launch := !running
	msg.LaunchExecutor = &launch
	m.Send(a.pid, mesos.RunTaskGroupMessageName, msg)
}

func orEmptyCommand(c *mesos.CommandInfo) *mesos.CommandInfo {
	if c != nil {
		return c
	}
	shell := false
	return &mesos.CommandInfo{Shell: &shell}
}

func (m *Master) newTask(f *framework, a *agent, ti *mesos.TaskInfo, role string, multiRole bool) *mesos.Task {
	user := f.info.User
	if ti.Command != nil && ti.Command.User != "" {
		user = ti.Command.User
	}
	t := &mesos.Task{
		Name: ti.Name, TaskID: ti.TaskID, FrameworkID: mesos.FrameworkID{Value: f.id}, AgentID: mesos.AgentID{Value: a.id},
		State: mesos.TaskStaging, Resources: mesos.Resources{Resources: withAllocation(ti.Resources.Resources, role, multiRole)},
		Labels: ti.Labels, Discovery: ti.Discovery, Container: ti.Container, HealthCheck: ti.HealthCheck,
		KillPolicy: ti.KillPolicy, User: user, Limits: ti.Limits,
	}
	if ti.Executor != nil {
		id := ti.Executor.ExecutorID
		t.ExecutorID = &id
	}
	return t
}

func (m *Master) addTask(f *framework, a *agent, t *mesos.Task) {
	f.addTask(t)
	a.addTask(t)
	m.m.taskState(t.State, 1)
	f.metrics.taskState(t.State, 1)
	m.taskEvent(t, nil)
	m.publish(m.taskAddedEvent(t))
}

func (m *Master) addExecutor(f *framework, a *agent, e mesos.ExecutorInfo, role string, multiRole bool) {
	e.Resources = mesos.Resources{Resources: withAllocation(e.Resources.Resources, role, multiRole)}
	a.addExecutor(f.id, e)
	if f.executors[a.id] == nil {
		f.executors[a.id] = map[string]mesos.ExecutorInfo{}
	}
	f.executors[a.id][e.ExecutorID.Value] = e
	a.setUsed(f.id, a.used[f.id].Plus(e.Resources.Resources))
}

// reserve and unreserve apply RESERVE/UNRESERVE to what is left of the
// offers: the allocator moves the allocation, the agent's total changes
// and the agent checkpoints its new reservations (Master::_apply).
func (m *Master) reserve(f *framework, a *agent, source, result mesos.Resources, offered *resources.Resources, role string, multiRole bool) {
	to := withAllocation(result.Resources, role, multiRole)
	from := withAllocation(source.Resources, role, multiRole)
	if source.IsZero() {
		from = to.PopReservation()
	}
	m.applyConversion(f, a, from, to, offered, "RESERVE")
}

func (m *Master) unreserve(f *framework, a *agent, rs mesos.Resources, offered *resources.Resources, role string, multiRole bool) {
	from := withAllocation(rs.Resources, role, multiRole)
	to := from.PopReservation()
	m.applyConversion(f, a, from, to, offered, "UNRESERVE")
}

func (m *Master) applyConversion(f *framework, a *agent, from, to resources.Resources, offered *resources.Resources, op string) {
	if from.IsEmpty() || !offered.Contains(from) || !from.Quantities().Equal(to.Quantities()) {
		m.log.Info("dropping invalid operation", "operation", op, "framework_id", f.id, "from", from.String(), "to", to.String())
		return
	}
	offered.Subtract(from)
	offered.Add(to)
	m.alloc.UpdateAllocation(f.id, a.id, from, to)
	uf, ut := from.Clone(), to.Clone()
	uf.Unallocate()
	ut.Unallocate()
	a.total = a.total.Minus(uf).Plus(ut)
	var checkpointed resources.Resources
	for r := range a.total.All() {
		if len(r.Reservations) > 0 && r.Reservations[len(r.Reservations)-1].Type == resources.ReservationDynamic {
			checkpointed.AddResource(r)
		}
	}
	m.Send(a.pid, mesos.CheckpointResourcesMessageName, mesos.CheckpointResourcesMessage{Resources: mesos.Resources{Resources: checkpointed}})
}

// statusUpdateMessage handles StatusUpdateMessage from an agent
// (Master::statusUpdate and updateTask): the task's state becomes the
// update's latest_state (or its state), resources are released on the
// first terminal state, the update goes to the framework, and operator
// subscribers see TASK_UPDATED when the state changed.
func (m *Master) statusUpdateMessage(from process.PID, msg mesos.StatusUpdateMessage) {
	m.m.messagesStatusUpdate.Inc()
	u := msg.Update
	a := m.agentsByPID[from.String()]
	if a == nil || (u.SlaveID != nil && u.SlaveID.Value != a.id) {
		m.m.invalidStatusUpdates.Inc()
		m.log.Warn("ignoring status update from an unknown agent", "pid", from.String(), "task_id", u.Status.TaskID.Value)
		return
	}
	f := m.frameworks[u.FrameworkID.Value]
	if f == nil {
		m.m.invalidStatusUpdates.Inc()
		m.log.Warn("ignoring status update for an unknown framework", "framework_id", u.FrameworkID.Value, "task_id", u.Status.TaskID.Value)
		return
	}
	m.m.validStatusUpdates.Inc()
	st := u.Status
	if st.AgentID == nil {
		st.AgentID = &mesos.AgentID{Value: a.id}
	}
	if t := f.tasks[st.TaskID.Value]; t != nil {
		latest := st.State
		if u.LatestState != nil {
			latest = *u.LatestState
		}
		nt := m.applyStatus(t, st, latest, len(st.UUID) > 0)
		_ = nt
	}
	f.metrics.updates.Inc()
	m.sendEvent(f, &scheduler.Event{Type: scheduler.EventUpdate, Update: &scheduler.Update{Status: st}})
}

// applyStatus is Master::updateTask: it returns the new version of the
// task, which has replaced the old one everywhere.
func (m *Master) applyStatus(t *mesos.Task, st mesos.TaskStatus, latest mesos.TaskState, hasUUID bool) *mesos.Task {
	nt := *t
	changed := latest != t.State
	terminated := !t.State.IsTerminal() && latest.IsTerminal()
	nt.State = latest
	if hasUUID {
		s := st.State
		nt.StatusUpdateState = &s
		nt.StatusUpdateUUID = st.UUID
	}
	stored := st
	stored.Data = nil
	statuses := slices.Clip(t.Statuses)
	if n := len(statuses); n > 0 && statuses[n-1].State == stored.State {
		statuses = append(slices.Clone(statuses[:n-1]), stored)
	} else {
		statuses = append(statuses, stored)
	}
	nt.Statuses = statuses
	ntp := &nt
	m.replaceTask(ntp)
	if changed {
		m.m.taskState(t.State, -1)
		m.m.taskState(latest, 1)
		if f := m.frameworks[t.FrameworkID.Value]; f != nil {
			f.metrics.taskState(t.State, -1)
			f.metrics.taskState(latest, 1)
		}
	}
	if terminated {
		m.releaseTask(ntp)
	}
	if changed {
		m.taskEvent(ntp, &st)
		m.publish(m.taskUpdatedEvent(ntp, st))
	}
	return ntp
}

func (m *Master) replaceTask(t *mesos.Task) {
	if f := m.frameworks[t.FrameworkID.Value]; f != nil {
		f.replaceTask(t)
	}
	if a := m.agents[t.AgentID.Value]; a != nil {
		if a.task(t.FrameworkID.Value, t.TaskID.Value) != nil {
			a.tasks[t.FrameworkID.Value][t.TaskID.Value] = t
		}
	}
}

// releaseTask gives a task's resources back to the allocator (the first
// time it reaches a terminal state).
func (m *Master) releaseTask(t *mesos.Task) {
	a := m.agents[t.AgentID.Value]
	if a == nil {
		return
	}
	a.releaseTask(t)
	m.alloc.RecoverResources(t.FrameworkID.Value, a.id, t.Resources.Resources, nil)
}

// withState applies a master-generated status (no uuid) and returns the
// new task; used where the master decides a task's fate itself.
func (m *Master) withState(t *mesos.Task, state mesos.TaskState, reason mesos.TaskStatusReason, msg string, forward bool) *mesos.Task {
	st := m.masterStatus(t.TaskID, &t.AgentID, t.ExecutorID, state, reason, msg)
	nt := m.applyStatus(t, st, state, false)
	if forward {
		if f := m.frameworks[t.FrameworkID.Value]; f != nil {
			m.sendEvent(f, &scheduler.Event{Type: scheduler.EventUpdate, Update: &scheduler.Update{Status: st}})
		}
	}
	return nt
}

// masterUpdate applies and forwards a master-generated update.
func (m *Master) masterUpdate(t *mesos.Task, state mesos.TaskState, reason mesos.TaskStatusReason, msg string) *mesos.Task {
	return m.withState(t, state, reason, msg, true)
}

func (m *Master) masterStatus(taskID mesos.TaskID, agentID *mesos.AgentID, execID *mesos.ExecutorID, state mesos.TaskState, reason mesos.TaskStatusReason, msg string) mesos.TaskStatus {
	src := mesos.SourceMaster
	r := reason
	st := mesos.TaskStatus{TaskID: taskID, State: state, Message: msg, Source: &src, Reason: &r, Timestamp: seconds(m.now()), ExecutorID: execID}
	if agentID != nil && agentID.Value != "" {
		id := *agentID
		st.AgentID = &id
	}
	if state == mesos.TaskUnreachable {
		st.UnreachableTime = mesos.TimeOf(m.now())
	}
	return st
}

// forwardMasterStatus sends a status for a task the master does not keep
// (invalid launches, reconciliation answers).
func (m *Master) forwardMasterStatus(f *framework, taskID mesos.TaskID, agentID *mesos.AgentID, execID *mesos.ExecutorID, state mesos.TaskState, reason mesos.TaskStatusReason, msg string) {
	st := m.masterStatus(taskID, agentID, execID, state, reason, msg)
	m.sendEvent(f, &scheduler.Event{Type: scheduler.EventUpdate, Update: &scheduler.Update{Status: st}})
}

// acknowledge is Master::acknowledge: a terminal task whose terminal
// update is acknowledged is removed, and the acknowledgement goes to the
// agent's status update manager.
func (m *Master) acknowledge(f *framework, ack *scheduler.Acknowledge) {
	m.m.messagesStatusUpdateAck.Inc()
	a := m.agents[ack.AgentID.Value]
	if a == nil {
		m.log.Info("cannot forward an acknowledgement to an unknown agent", "agent_id", ack.AgentID.Value, "task_id", ack.TaskID.Value)
		return
	}
	if t := a.task(f.id, ack.TaskID.Value); t != nil {
		if t.StatusUpdateState != nil && t.StatusUpdateState.IsTerminal() && bytes.Equal(t.StatusUpdateUUID, ack.UUID) {
			m.removeTask(f, a, t)
		}
	}
	if !a.connected {
		return
	}
	m.Send(a.pid, mesos.StatusUpdateAcknowledgementMessageName, mesos.StatusUpdateAcknowledgementMessage{
		SlaveID: ack.AgentID, FrameworkID: mesos.FrameworkID{Value: f.id}, TaskID: ack.TaskID, UUID: ack.UUID,
	})
}

// removeTask is Master::removeTask for a completed task.
func (m *Master) removeTask(f *framework, a *agent, t *mesos.Task) {
	if !t.State.IsTerminal() {
		m.releaseTask(t)
	}
	a.removeTask(t)
	f.removeTask(t, false, m.cfg)
}

// kill is Master::kill: a known task is killed by its agent; an unknown
// one is answered through reconciliation.
func (m *Master) kill(f *framework, k *scheduler.Kill) {
	t := f.tasks[k.TaskID.Value]
	if t == nil {
		m.log.Info("cannot kill an unknown task; reconciling", "task_id", k.TaskID.Value, "framework_id", f.id)
		m.reconcile(f, &scheduler.Reconcile{Tasks: []scheduler.ReconcileTask{{TaskID: k.TaskID, AgentID: k.AgentID}}})
		return
	}
	a := m.agents[t.AgentID.Value]
	if a == nil || !a.connected {
		m.log.Info("cannot kill a task on a disconnected agent yet", "task_id", k.TaskID.Value, "agent_id", t.AgentID.Value)
		return
	}
	m.Send(a.pid, mesos.KillTaskMessageName, mesos.KillTaskMessage{FrameworkID: mesos.FrameworkID{Value: f.id}, TaskID: k.TaskID, KillPolicy: k.KillPolicy})
}

// reconcile is Master::reconcileTasks / Master::reconcile. Implicit (no tasks):
// the latest state of every task the master knows. Explicit: per task,
// its latest state, or what the master can infer about an unknown task
// from its agent.
func (m *Master) reconcile(f *framework, r *scheduler.Reconcile) {
	latest := func(t *mesos.Task) {
		st := m.masterStatus(t.TaskID, &t.AgentID, t.ExecutorID, t.State, mesos.ReasonReconciliation, "Reconciliation: Latest task state")
		if t.State == mesos.TaskUnreachable && len(t.Statuses) > 0 {
			st.UnreachableTime = t.Statuses[len(t.Statuses)-1].UnreachableTime
		}
		m.sendEvent(f, &scheduler.Event{Type: scheduler.EventUpdate, Update: &scheduler.Update{Status: st}})
	}
	if len(r.Tasks) == 0 {
		for _, id := range sortedKeys(f.tasks) {
			latest(f.tasks[id])
		}
		for _, t := range f.unreachable {
			latest(t)
		}
		return
	}
	pa := f.partitionAware()
	for _, rt := range r.Tasks {
		if t := f.tasks[rt.TaskID.Value]; t != nil {
			latest(t)
			continue
		}
		if t := f.unreachableTask(rt.TaskID.Value); t != nil {
			latest(t)
			continue
		}
		if rt.AgentID != nil && hasKey(m.recovered, rt.AgentID.Value) || rt.AgentID == nil && len(m.recovered) > 0 {
			// Master::reconcile case (2): the task is unknown but its agent (or,
			// without an agent id, some agent) of the registry has not reregistered
			// since this master started: no answer; the framework retries, and gets
			// one once the agent reregisters or is marked unreachable.
			m.log.Info("dropping reconciliation of a task: its agent has not reregistered yet",
				"task_id", rt.TaskID.Value, "framework_id", f.id)
			continue
		}
		var state mesos.TaskState
		reason := mesos.ReasonReconciliation
		msg := "Reconciliation: Task is unknown"
		switch {
		case rt.AgentID != nil && m.agents[rt.AgentID.Value] != nil:
			state = pick(pa, mesos.TaskGone, mesos.TaskLost)
			msg = "Reconciliation: Task is unknown to the agent"
		case rt.AgentID != nil && hasKey(m.unreachable, rt.AgentID.Value):
			state = pick(pa, mesos.TaskUnreachable, mesos.TaskLost)
			msg = "Reconciliation: Task is unreachable"
		case rt.AgentID != nil && hasKey(m.gone, rt.AgentID.Value):
			state = pick(pa, mesos.TaskGoneByOperator, mesos.TaskLost)
			msg = "Reconciliation: Task is gone"
		default:
			state = pick(pa, mesos.TaskUnknown, mesos.TaskLost)
		}
		m.forwardMasterStatus(f, rt.TaskID, rt.AgentID, nil, state, reason, msg)
	}
}

func pick[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}

func hasKey[K comparable, V any](m map[K]V, k K) bool { _, ok := m[k]; return ok }

// shutdown is Master::shutdown (SHUTDOWN call): the agent shuts the
// executor down.
func (m *Master) shutdown(f *framework, s *scheduler.Shutdown) {
	a := m.agents[s.AgentID.Value]
	if a == nil || !a.connected {
		return
	}
	fid := mesos.FrameworkID{Value: f.id}
	eid := s.ExecutorID
	m.Send(a.pid, mesos.ShutdownExecutorMessageName, mesos.ShutdownExecutorMessage{ExecutorID: &eid, FrameworkID: &fid})
}

// message is Master::message (MESSAGE call): bytes to an executor.
func (m *Master) message(f *framework, msg *scheduler.Message) {
	a := m.agents[msg.AgentID.Value]
	if a == nil || !a.connected {
		return
	}
	m.Send(a.pid, mesos.FrameworkToExecutorMessageName, mesos.FrameworkToExecutorMessage{
		SlaveID: msg.AgentID, FrameworkID: mesos.FrameworkID{Value: f.id}, ExecutorID: msg.ExecutorID, Data: msg.Data,
	})
}

// exitedExecutor handles ExitedExecutorMessage: the executor's resources
// are released and the framework gets a FAILURE event.
func (m *Master) exitedExecutor(from process.PID, msg mesos.ExitedExecutorMessage) {
	a := m.agentsByPID[from.String()]
	if a == nil {
		return
	}
	fid, eid := msg.FrameworkID.Value, msg.ExecutorID.Value
	if e, ok := a.executors[fid][eid]; ok {
		delete(a.executors[fid], eid)
		if len(a.executors[fid]) == 0 {
			delete(a.executors, fid)
		}
		if u, ok := a.used[fid]; ok {
			a.setUsed(fid, u.Minus(e.Resources.Resources))
		}
		m.alloc.RecoverResources(fid, a.id, e.Resources.Resources, nil)
	}
	f := m.frameworks[fid]
	if f == nil {
		return
	}
	if ex := f.executors[a.id]; ex != nil {
		delete(ex, eid)
	}
	status := msg.Status
	aid, exid := mesos.AgentID{Value: a.id}, msg.ExecutorID
	m.sendEvent(f, &scheduler.Event{Type: scheduler.EventFailure, Failure: &scheduler.Failure{AgentID: &aid, ExecutorID: &exid, Status: &status}})
}

// executorMessage forwards ExecutorToFrameworkMessage as a MESSAGE event.
func (m *Master) executorMessage(from process.PID, msg mesos.ExecutorToFrameworkMessage) {
	f := m.frameworks[msg.FrameworkID.Value]
	if f == nil {
		return
	}
	m.sendEvent(f, &scheduler.Event{Type: scheduler.EventMessage, Message: &scheduler.FrameworkMessage{AgentID: msg.SlaveID, ExecutorID: msg.ExecutorID, Data: msg.Data}})
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func unallocated(rs resources.Resources) resources.Resources {
	rs = rs.Clone()
	rs.Unallocate()
	return rs
}

// taskError is the message of a TASK_ERROR: Mesos's wording, which starts
// with a capital letter ("Task uses more resources ...").
type taskError string

func (e taskError) Error() string { return string(e) }

func taskErrorf(format string, args ...any) error { return taskError(fmt.Sprintf(format, args...)) }
