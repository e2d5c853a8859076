package master

import (
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// agent is the master's record of a registered agent (struct Slave in
// src/master/master.hpp).
type agent struct {
	id           string
	info         mesos.AgentInfo // with ID set; never mutated once published
	pid          process.PID
	version      string
	capabilities []mesos.AgentCapability

	registeredTime, reregisteredTime time.Time
	connected, active                bool

	total resources.Resources
	// used is what tasks and executors hold, per framework; usedSum is
	// their sum (nil when stale). Like total and offered, the values are
	// replaced, never changed in place, so snapshots can share them.
	used    map[string]resources.Resources
	usedSum *resources.Resources
	// offered is the sum of outstanding offers on this agent.
	offered resources.Resources

	// tasks by framework id, then task id (non-terminal or not yet
	// acknowledged terminal tasks).
	tasks     map[string]map[string]*mesos.Task
	executors map[string]map[string]mesos.ExecutorInfo
	offers    map[string]*offer

	observer *SlaveObserver
}

func (a *agent) pidKey() string { return a.pid.String() }

func (a *agent) usedTotal() resources.Resources {
	if a.usedSum != nil {
		return *a.usedSum
	}
	var out resources.Resources
	for _, fw := range slices.Sorted(maps.Keys(a.used)) {
		out.Add(a.used[fw])
	}
	a.usedSum = &out
	return out
}

// setUsed replaces a framework's used resources.
func (a *agent) setUsed(fw string, u resources.Resources) {
	if u.IsEmpty() {
		delete(a.used, fw)
	} else {
		a.used[fw] = u
	}
	a.usedSum = nil
}

func (a *agent) addTask(t *mesos.Task) {
	fw := t.FrameworkID.Value
	if a.tasks[fw] == nil {
		a.tasks[fw] = map[string]*mesos.Task{}
	}
	a.tasks[fw][t.TaskID.Value] = t
	a.setUsed(fw, a.used[fw].Plus(t.Resources.Resources))
}

// releaseTask returns a task's resources (on its first terminal state).
func (a *agent) releaseTask(t *mesos.Task) {
	fw := t.FrameworkID.Value
	if u, ok := a.used[fw]; ok {
		a.setUsed(fw, u.Minus(t.Resources.Resources))
	}
}

func (a *agent) removeTask(t *mesos.Task) {
	fw := t.FrameworkID.Value
	if ts := a.tasks[fw]; ts != nil {
		delete(ts, t.TaskID.Value)
		if len(ts) == 0 {
			delete(a.tasks, fw)
		}
	}
}

func (a *agent) task(fw, id string) *mesos.Task {
	return a.tasks[fw][id]
}

// registerSlave handles RegisterSlaveMessage (Master::registerSlave and
// __registerSlave): a known PID gets its SlaveRegisteredMessage again, a
// new agent gets an id, is added to the allocator and gets a health
// checker.
func (m *Master) registerSlave(from process.PID, msg mesos.RegisterSlaveMessage) {
	m.m.registerSlave.Inc()
	if a, ok := m.agentsByPID[from.String()]; ok {
		// Mesos: "agent is already registered" — resend the ack.
		m.log.Info("agent re-sent registration", "agent_id", a.id, "pid", from.String())
		m.Send(from, mesos.SlaveRegisteredMessageName, m.registered(a.id))
		return
	}
	if err := validateAgentInfo(&msg.Slave); err != nil {
		m.log.Warn("refusing agent registration", "pid", from.String(), "err", err)
		m.Send(from, mesos.ShutdownMessageName, mesos.ShutdownMessage{Message: "invalid agent registration: " + err.Error()})
		return
	}
	info := msg.Slave
	id := m.newAgentID()
	info.ID = &mesos.AgentID{Value: id}
	a := m.newAgent(info, from, msg.Version, msg.AgentCapabilities)
	m.addAgent(a, nil)
	m.m.slaveRegistrations.Inc()
	m.log.Info("registered agent", "agent_id", id, "pid", from.String(), "resources", a.total.String())
	m.Send(from, mesos.SlaveRegisteredMessageName, m.registered(id))
}

func (m *Master) registered(id string) mesos.SlaveRegisteredMessage {
	total := m.cfg.AgentPingTimeout.Seconds() * float64(m.cfg.MaxAgentPingTimeouts)
	return mesos.SlaveRegisteredMessage{SlaveID: mesos.AgentID{Value: id}, Connection: &mesos.MasterSlaveConnection{TotalPingTimeoutSeconds: &total}}
}

func validateAgentInfo(info *mesos.AgentInfo) error {
	if info.Hostname == "" {
		return mesos.Missing("slave.hostname")
	}
	if err := resources.ValidateAll(info.Resources.Slice()); err != nil {
		return mesos.In("slave.resources", err)
	}
	return nil
}

func (m *Master) newAgent(info mesos.AgentInfo, pid process.PID, version string, caps []mesos.AgentCapability) *agent {
	now := m.now()
	total := info.Resources.Resources.Clone()
	if version == "" {
		version = Version
	}
	return &agent{
		id: info.ID.Value, info: info, pid: pid, version: version, capabilities: caps,
		registeredTime: now, connected: true, active: true, total: total,
		used: map[string]resources.Resources{}, tasks: map[string]map[string]*mesos.Task{},
		executors: map[string]map[string]mesos.ExecutorInfo{}, offers: map[string]*offer{},
	}
}

// addAgent is Master::addSlave: record, link, health-check, tell the
// allocator (with what is already in use) and the operator subscribers.
func (m *Master) addAgent(a *agent, used map[string]resources.Resources) {
	m.agents[a.id] = a
	m.agentsByPID[a.pidKey()] = a
	delete(m.unreachable, a.id)
	delete(m.recovered, a.id)
	info := a.info
	m.reg.append(registryOp{Op: "admit", Agent: &info})
	m.Link(a.pid)
	obs := NewSlaveObserver(ObserverConfig{
		Agent: a.pid, AgentID: a.id,
		PingTimeout: m.cfg.AgentPingTimeout, MaxPingTimeouts: m.cfg.MaxAgentPingTimeouts,
		Unreachable: func(id string) {
			process.Do(m.rt, m.Self(), "markUnreachable", func() { m.markUnreachable(id, "health check timed out") })
		},
	})
	if _, err := m.rt.Spawn(m.rt.GenerateID("slave-observer"), obs); err == nil {
		a.observer = obs
	}
	m.alloc.AddAgent(a.id, a.total.Clone(), used)
	m.publish(m.agentAddedEvent(a))
}

// reregisterSlave handles ReregisterSlaveMessage (Master::reregisterSlave
// and its continuations): a registered agent is reconnected; an agent the
// master marked unreachable, or that it does not know (this master
// restarted with an in-memory registry), is re-admitted with its tasks and
// frameworks; an agent marked gone is shut down.
func (m *Master) reregisterSlave(from process.PID, msg mesos.ReregisterSlaveMessage) {
	m.m.reregisterSlave.Inc()
	if msg.Slave.ID == nil || msg.Slave.ID.Value == "" {
		m.log.Warn("refusing agent reregistration without an id", "pid", from.String())
		m.Send(from, mesos.ShutdownMessageName, mesos.ShutdownMessage{Message: "invalid agent reregistration: slave.id is missing"})
		return
	}
	id := msg.Slave.ID.Value
	if _, gone := m.gone[id]; gone {
		m.Send(from, mesos.ShutdownMessageName, mesos.ShutdownMessage{Message: "Agent has been marked gone"})
		return
	}
	if err := validateAgentInfo(&msg.Slave); err != nil {
		m.Send(from, mesos.ShutdownMessageName, mesos.ShutdownMessage{Message: "invalid agent reregistration: " + err.Error()})
		return
	}
	if a, ok := m.agents[id]; ok {
		// Known and registered: the agent restarted or lost its
		// connection (Master::___reregisterSlave's "already registered" path).
		// The master always links again, as Mesos does: an agent restarted at
		// the same PID broke the old link, whose EXITED has fired.
		if a.pidKey() != from.String() {
			delete(m.agentsByPID, a.pidKey())
			a.pid = from
			m.agentsByPID[a.pidKey()] = a
		}
		m.Link(from)
		a.reregisteredTime = m.now()
		if !a.connected {
			a.connected = true
			a.active = true
			m.alloc.ActivateAgent(id)
			if a.observer != nil {
				obs := a.observer
				process.Do(m.rt, obs.Self(), "reconnect", obs.Reconnect)
			}
		}
		m.m.slaveReregistrations.Inc()
		reply := m.reregistered(a)
		reply.Reconciliations = m.reconciliations(a, msg.Tasks)
		m.Send(from, mesos.SlaveReregisteredMessageName, reply)
		m.publish(m.agentAddedEvent(a))
		return
	}
	// Unreachable, recovered from the registry, or unknown: re-admit
	// with its tasks.
	_, wasUnreachable := m.unreachable[id]
	_, wasRecovered := m.recovered[id]
	info := msg.Slave
	a := m.newAgent(info, from, msg.Version, msg.AgentCapabilities)
	a.reregisteredTime = a.registeredTime
	for i := range msg.Frameworks {
		if !m.isCompletedFramework(msg.Frameworks[i].ID) {
			m.recoverFramework(msg.Frameworks[i])
		}
	}
	used := map[string]resources.Resources{}
	for i := range msg.Tasks {
		t := msg.Tasks[i]
		fw := m.frameworks[t.FrameworkID.Value]
		if fw == nil || m.isCompletedFramework(&t.FrameworkID) {
			continue
		}
		// Master::__reregisterSlave: every task comes back, whether or
		// not its framework is partition-aware (Mesos 1.11 no longer shuts
		// down the others', see partition_tests.cpp
		// ReregisterSlaveNotPartitionAware), and unless the agent was
		// recovered from the registry its framework hears of it from the
		// master, REASON_SLAVE_REREGISTERED, without a uuid.
		if !wasRecovered {
			msgText := "Unknown agent reregistered"
			if wasUnreachable {
				msgText = "Unreachable agent re-reregistered"
			}
			m.forwardMasterStatus(fw, t.TaskID, &mesos.AgentID{Value: id}, t.ExecutorID, t.State, mesos.ReasonAgentReregistered, msgText)
		}
		if t.State.IsTerminal() {
			continue
		}
		tp := &t
		a.addTask(tp)
		fw.addTask(tp)
		fw.removeUnreachable(t.TaskID.Value)
		used[fw.id] = used[fw.id].Plus(t.Resources.Resources)
		m.publish(m.taskAddedEvent(tp))
	}
	for i := range msg.ExecutorInfos {
		e := msg.ExecutorInfos[i]
		if e.FrameworkID == nil {
			continue
		}
		a.addExecutor(e.FrameworkID.Value, e)
	}
	m.addAgent(a, used)
	// Frameworks torn down while the agent was away are shut down there.
	for _, fwInfo := range msg.Frameworks {
		if m.isCompletedFramework(fwInfo.ID) {
			m.Send(from, mesos.ShutdownFrameworkMessageName, mesos.ShutdownFrameworkMessage{FrameworkID: *fwInfo.ID})
		}
	}
	m.m.slaveReregistrations.Inc()
	m.log.Info("reregistered agent", "agent_id", id, "pid", from.String(), "tasks", len(msg.Tasks), "was_unreachable", wasUnreachable)
	m.Send(from, mesos.SlaveReregisteredMessageName, m.reregistered(a))
}

// isCompletedFramework reports whether a framework was removed (torn
// down, or its failover timeout passed): Master::isCompletedFramework.
func (m *Master) isCompletedFramework(id *mesos.FrameworkID) bool {
	if id == nil {
		return false
	}
	for _, c := range m.completedFrameworks {
		if c.id == id.Value {
			return true
		}
	}
	return false
}

func (m *Master) reregistered(a *agent) mesos.SlaveReregisteredMessage {
	r := m.registered(a.id)
	return mesos.SlaveReregisteredMessage{SlaveID: r.SlaveID, Connection: r.Connection}
}

// reconciliations is the first half of Master::reconcileKnownSlave: the tasks the
// master believes are on a reconnecting agent that its reregistration does not report
// go back to the agent in SlaveReregisteredMessage, one ReconcileTasksMessage per
// framework (with its FrameworkInfo, so the agent can tell a partition-aware one).
// The master does not declare them lost itself: the launch may have been dropped
// (the agent failed over), or it may have raced the reregistration, and then the
// agent has the task. The agent answers TASK_DROPPED or TASK_LOST only for tasks it
// does not know (Slave::reregistered); later updates of the others flow as usual.
func (m *Master) reconciliations(a *agent, reported []mesos.Task) []mesos.ReconcileTasksMessage {
	have := map[string]bool{}
	for i := range reported {
		have[reported[i].FrameworkID.Value+"/"+reported[i].TaskID.Value] = true
	}
	var out []mesos.ReconcileTasksMessage
	for _, fwID := range slices.Sorted(maps.Keys(a.tasks)) {
		var rec mesos.ReconcileTasksMessage
		for _, tid := range slices.Sorted(maps.Keys(a.tasks[fwID])) {
			t := a.tasks[fwID][tid]
			if have[fwID+"/"+tid] {
				continue
			}
			m.log.Warn("Task unknown to the agent during re-registration: reconciling with the agent",
				"task", tid, "framework", fwID, "agent", a.id)
			st := m.masterStatus(t.TaskID, &mesos.AgentID{Value: a.id}, nil, t.State, mesos.ReasonReconciliation, "Reconciliation request")
			rec.Statuses = append(rec.Statuses, st)
		}
		if len(rec.Statuses) == 0 {
			continue
		}
		rec.FrameworkID = mesos.FrameworkID{Value: fwID}
		if fw := m.frameworks[fwID]; fw != nil {
			info := fw.info
			rec.Framework = &info
		}
		out = append(out, rec)
	}
	return out
}

func (a *agent) addExecutor(fw string, e mesos.ExecutorInfo) {
	if a.executors[fw] == nil {
		a.executors[fw] = map[string]mesos.ExecutorInfo{}
	}
	a.executors[fw][e.ExecutorID.Value] = e
}

// unregisterSlave handles UnregisterSlaveMessage: the agent is shutting
// down (Master::unregisterSlave → removeSlave).
func (m *Master) unregisterSlave(from process.PID, msg mesos.UnregisterSlaveMessage) {
	a, ok := m.agents[msg.SlaveID.Value]
	if !ok || a.pidKey() != from.String() {
		m.log.Warn("ignoring unregistration of an unknown agent", "agent_id", msg.SlaveID.Value, "pid", from.String())
		return
	}
	m.reg.append(registryOp{Op: "remove", ID: a.id})
	m.removeAgent(a, "agent unregistered", mesos.ReasonAgentRemoved, false)
}

// Exited is called when a linked process (an agent) goes away: the agent
// is disconnected (Master::exited → disconnect for agents); its health
// checker decides later whether it becomes unreachable.
func (m *Master) Exited(pid process.PID) {
	a, ok := m.agentsByPID[pid.String()]
	if !ok || !a.connected {
		return
	}
	m.log.Info("agent disconnected", "agent_id", a.id, "pid", pid.String())
	a.connected = false
	a.active = false
	m.alloc.DeactivateAgent(a.id)
	for _, o := range sortedOffers(a.offers) {
		m.rescindOffer(o, nil)
	}
	if a.observer != nil {
		obs := a.observer
		process.Do(m.rt, obs.Self(), "disconnect", obs.Disconnect)
	}
}

// markUnreachable is Master::markUnreachable (+_markUnreachable): the agent
// is removed from the allocator, its tasks become TASK_UNREACHABLE
// (partition-aware frameworks) or TASK_LOST, its offers are rescinded.
func (m *Master) markUnreachable(id, why string) {
	a, ok := m.agents[id]
	if !ok {
		return
	}
	m.m.slaveUnreachableScheduled.Inc()
	m.m.slaveUnreachableCompleted.Inc()
	m.log.Warn("marking agent unreachable", "agent_id", id, "reason", why)
	now := m.now()
	m.unreachable[id] = unreachableAgent{info: a.info, at: now}
	m.reg.append(registryOp{Op: "unreachable", ID: id, Time: now.UnixNano()})
	m.removeAgent(a, why, mesos.ReasonAgentRemoved, true)
}

// markGone is MARK_AGENT_GONE: the agent is shut down and its tasks are
// TASK_GONE_BY_OPERATOR.
func (m *Master) markGone(id string) error {
	a, ok := m.agents[id]
	if _, unreachable := m.unreachable[id]; !ok && !unreachable {
		return errNotFound("agent " + id)
	}
	m.gone[id] = m.now()
	m.reg.append(registryOp{Op: "gone", ID: id, Time: m.gone[id].UnixNano()})
	delete(m.unreachable, id)
	if ok {
		m.Send(a.pid, mesos.ShutdownMessageName, mesos.ShutdownMessage{Message: "Agent has been marked gone"})
		m.removeAgent(a, "agent marked gone by the operator", mesos.ReasonAgentRemovedByOperator, false)
	}
	return nil
}

// removeAgent is Master::removeSlave / _markUnreachable: every task gets a
// master-generated terminal (or unreachable) update, offers are rescinded,
// the allocator forgets the agent and the health checker stops.
func (m *Master) removeAgent(a *agent, why string, reason mesos.TaskStatusReason, unreachable bool) {
	for _, o := range sortedOffers(a.offers) {
		m.rescindOffer(o, nil)
	}
	for _, fwID := range slices.Sorted(maps.Keys(a.tasks)) {
		fw := m.frameworks[fwID]
		for _, tid := range slices.Sorted(maps.Keys(a.tasks[fwID])) {
			t := a.tasks[fwID][tid]
			var state mesos.TaskState
			switch {
			case reason == mesos.ReasonAgentRemovedByOperator:
				state = mesos.TaskGoneByOperator
			case fw != nil && fw.partitionAware() && unreachable:
				state = mesos.TaskUnreachable
			case fw != nil && fw.partitionAware():
				state = mesos.TaskGone
			default:
				state = mesos.TaskLost
			}
			msg := "Agent " + a.info.Hostname + " removed: " + why
			if unreachable {
				msg = "Agent " + a.info.Hostname + " is unreachable: " + why
			}
			nt := m.masterUpdate(t, state, reason, msg)
			a.removeTask(nt)
			if fw != nil {
				fw.removeTask(nt, unreachable, m.cfg)
			}
		}
	}
	delete(m.agents, a.id)
	delete(m.agentsByPID, a.pidKey())
	m.Unlink(a.pid)
	if a.observer != nil {
		m.rt.Terminate(a.observer.Self(), false)
	}
	m.alloc.RemoveAgent(a.id)
	m.m.slaveRemovals.Inc()
	m.publish(m.agentRemovedEvent(a.id))
}

// updateSlave handles UpdateSlaveMessage: only oversubscribed resources
// are modelled (total = declared + oversubscribed revocable resources).
func (m *Master) updateSlave(from process.PID, msg mesos.UpdateSlaveMessage) {
	a, ok := m.agents[msg.SlaveID.Value]
	if !ok || a.pidKey() != from.String() {
		return
	}
	if msg.UpdateOversubscribedResources == nil || !*msg.UpdateOversubscribedResources {
		return
	}
	total := a.info.Resources.Resources.NonRevocable().Plus(msg.OversubscribedResources.Resources.Revocable())
	a.total = total
	m.alloc.UpdateAgent(a.id, total.Clone())
}

func sortedOffers(os map[string]*offer) []*offer {
	out := make([]*offer, 0, len(os))
	for _, k := range slices.Sorted(maps.Keys(os)) {
		out = append(out, os[k])
	}
	return out
}
