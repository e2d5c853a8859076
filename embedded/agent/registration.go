package agent

import (
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// capabilities are the agent capabilities advertised on (re-)registration: the
// subset of AGENT_CAPABILITIES() (src/slave/constants.cpp) that mesoscope's agent
// implements. RESOURCE_PROVIDER, RESIZE_VOLUME, AGENT_OPERATION_FEEDBACK,
// AGENT_DRAINING and TASK_RESOURCE_LIMITS are left out.
func capabilities() []mesos.AgentCapabilityType {
	return []mesos.AgentCapabilityType{
		mesos.AgentHierarchicalRole,
		mesos.AgentMultiRole,
		mesos.AgentReservationRefinement,
	}
}

// agentCapabilities returns the capabilities as AgentInfo.Capability messages.
func agentCapabilities() []mesos.AgentCapability {
	caps := capabilities()
	out := make([]mesos.AgentCapability, len(caps))
	for i, c := range caps {
		out[i] = mesos.AgentCapability{Type: c}
	}
	return out
}

// installHandlers installs the handlers of the master's messages (the install<...>
// calls of Slave::initialize).
func (a *Agent) installHandlers() {
	b := &a.Base
	process.Install(b, mesos.SlaveRegisteredMessageName, a.registered)
	process.Install(b, mesos.SlaveReregisteredMessageName, a.reregistered)
	InstallPing(b, a.ping)
	process.Install(b, mesos.RunTaskMessageName, a.runTask)
	process.Install(b, mesos.RunTaskGroupMessageName, a.runTaskGroup)
	process.Install(b, mesos.KillTaskMessageName, a.killTask)
	process.Install(b, mesos.StatusUpdateAcknowledgementMessageName, a.statusUpdateAcknowledgement)
	process.Install(b, mesos.ShutdownFrameworkMessageName, a.shutdownFrameworkMessage)
	process.Install(b, mesos.ShutdownExecutorMessageName, a.shutdownExecutorMessage)
	process.Install(b, mesos.UpdateFrameworkMessageName, a.updateFramework)
	process.Install(b, mesos.ShutdownMessageName, a.shutdownMessage)
}

// detected models Slave::detected for a master that is known and fixed (Mesos's
// StandaloneMasterDetector): the agent becomes DISCONNECTED, pauses its status
// updates and registers after a random delay in [0, registration_backoff_factor], with
// a first maximum backoff of twice the factor. Ping timeouts and a broken link to the
// master lead here too, as they make Mesos's detector report the master again.
func (a *Agent) detected() {
	if a.state != StateTerminating {
		a.state = StateDisconnected
	}
	a.updates.Pause()
	a.regTimer.Stop()
	a.pingTimer.Stop()
	if a.state == StateTerminating {
		return
	}
	factor := a.cfg.RegistrationBackoffFactor
	delay := time.Duration(float64(factor) * a.rand.Float64())
	a.regTimer = process.Delay(&a.Base, delay, a.Self(), "doReliableRegistration", func() {
		a.doReliableRegistration(factor * 2)
	})
}

// doReliableRegistration is Slave::doReliableRegistration: link to the master, send
// RegisterSlaveMessage (no ID yet) or ReregisterSlaveMessage (with the agent's
// frameworks, tasks and executors), and try again after a random delay in
// [0, maxBackoff] with maxBackoff doubling, capped at one minute, until registered.
func (a *Agent) doReliableRegistration(maxBackoff time.Duration) {
	if a.state == StateRunning || a.state == StateTerminating {
		return
	}
	a.Link(a.master)
	if a.info.ID == nil {
		a.Send(a.master, mesos.RegisterSlaveMessageName, mesos.RegisterSlaveMessage{
			Slave:             a.agentInfo(),
			Version:           Version,
			AgentCapabilities: agentCapabilities(),
		})
	} else {
		a.Send(a.master, mesos.ReregisterSlaveMessageName, a.reregisterMessage())
	}
	maxBackoff = min(maxBackoff, RegisterRetryIntervalMax)
	delay := time.Duration(float64(maxBackoff) * a.rand.Float64())
	a.regTimer = process.Delay(&a.Base, delay, a.Self(), "doReliableRegistration", func() {
		a.doReliableRegistration(maxBackoff * 2)
	})
}

// agentInfo returns a copy of the AgentInfo to send: resources in the
// pre-reservation-refinement format, as downgradeResources leaves them.
func (a *Agent) agentInfo() mesos.AgentInfo {
	info := a.info
	info.Resources = mesos.ResourcesOf(a.total.Clone()).WithFormat(resources.FormatPreRefinement)
	info.Attributes = slices.Clone(a.attributes)
	if a.info.ID != nil {
		id := *a.info.ID
		info.ID = &id
	}
	return info
}

// reregisterMessage builds ReregisterSlaveMessage: every framework, the tasks of
// every executor (queued ones as TASK_STAGING, launched and terminated ones with their
// latest state and status update state), the executor infos of non-command executors that have not
// terminated, and the completed frameworks with their completed tasks.
func (a *Agent) reregisterMessage() mesos.ReregisterSlaveMessage {
	msg := mesos.ReregisterSlaveMessage{
		Slave:             a.agentInfo(),
		Version:           Version,
		AgentCapabilities: agentCapabilities(),
	}
	for _, f := range a.sortedFrameworks() {
		msg.Frameworks = append(msg.Frameworks, f.info)
		for _, e := range f.sortedExecutors() {
			for _, t := range e.sortedQueued() {
				msg.Tasks = append(msg.Tasks, *t)
			}
			for _, t := range e.sortedLaunched() {
				msg.Tasks = append(msg.Tasks, cloneTask(t))
			}
			for _, t := range e.sortedTerminated() {
				msg.Tasks = append(msg.Tasks, cloneTask(t))
			}
			if !e.commandTask && e.state != executorTerminated {
				msg.ExecutorInfos = append(msg.ExecutorInfos, e.info)
			}
		}
	}
	for _, f := range a.completedFrameworks {
		af := mesos.ArchivedFramework{FrameworkInfo: f.info, PID: f.pid}
		for _, e := range f.completedExecutors {
			for _, t := range e.sortedTerminated() {
				af.Tasks = append(af.Tasks, cloneTask(t))
			}
			for _, t := range e.completedTasks {
				af.Tasks = append(af.Tasks, cloneTask(t))
			}
		}
		msg.CompletedFrameworks = append(msg.CompletedFrameworks, af)
	}
	return msg
}

// pingTimeoutOf reads MasterSlaveConnection.total_ping_timeout_seconds, truncated to
// whole seconds as Slave::registered does, defaulting to 75 s.
func pingTimeoutOf(c *mesos.MasterSlaveConnection) time.Duration {
	if c == nil || c.TotalPingTimeoutSeconds == nil {
		return DefaultMasterPingTimeout
	}
	return time.Duration(int64(*c.TotalPingTimeoutSeconds)) * time.Second
}

// registered is Slave::registered: the first SlaveRegisteredMessage gives the agent
// its ID; it becomes RUNNING, resumes its status updates and starts the ping timer.
func (a *Agent) registered(from process.PID, msg mesos.SlaveRegisteredMessage) {
	if from != a.master {
		a.log.Warn("Ignoring registration message: not from the expected master", "from", from.String(), "master", a.master.String())
		return
	}
	a.pingTimeout = pingTimeoutOf(msg.Connection)
	switch a.state {
	case StateDisconnected:
		if a.info.ID != nil && a.info.ID.Value != msg.SlaveID.Value {
			a.log.Error("Registered but got a different ID; ignoring", "id", msg.SlaveID.Value, "expected", a.info.ID.Value)
			return
		}
		a.log.Info("Registered with master; given agent ID", "master", from.String(), "agent_id", msg.SlaveID.Value)
		a.state = StateRunning
		a.regTimer.Stop()
		id := msg.SlaveID
		a.info.ID = &id
		a.m.setRegistered(true)
		a.checkpointAgentInfo()
		a.ensureContainerizer()
		a.resumeUpdates()
		a.resetPingTimer()
	case StateRunning:
		if a.info.ID.Value != msg.SlaveID.Value {
			a.log.Error("Registered but got wrong id; ignoring", "id", msg.SlaveID.Value, "expected", a.info.ID.Value)
			return
		}
		a.log.Warn("Already registered with master", "master", from.String())
	case StateTerminating:
		a.log.Warn("Ignoring registration because agent is terminating")
	}
}

// reregistered is Slave::reregistered: like registered, and then every task the
// master lists that the agent does not know gets a TASK_DROPPED (partition-aware
// frameworks) or TASK_LOST update with REASON_RECONCILIATION.
func (a *Agent) reregistered(from process.PID, msg mesos.SlaveReregisteredMessage) {
	if from != a.master {
		a.log.Warn("Ignoring re-registration message: not from the expected master", "from", from.String(), "master", a.master.String())
		return
	}
	if a.info.ID == nil || a.info.ID.Value != msg.SlaveID.Value {
		a.log.Error("Re-registered but got wrong id; ignoring", "id", msg.SlaveID.Value, "expected", a.agentID())
		return
	}
	a.pingTimeout = pingTimeoutOf(msg.Connection)
	switch a.state {
	case StateDisconnected:
		a.log.Info("Re-registered with master", "master", from.String())
		a.state = StateRunning
		a.regTimer.Stop()
		a.m.setRegistered(true)
		a.resumeUpdates()
		a.resetPingTimer()
	case StateRunning:
		a.log.Warn("Already reregistered with master", "master", from.String())
	case StateTerminating:
		a.log.Warn("Ignoring re-registration because agent is terminating")
		return
	}
	for _, rec := range msg.Reconciliations {
		f := a.frameworks[rec.FrameworkID.Value]
		for _, st := range rec.Statuses {
			if f != nil && f.hasTask(st.TaskID.Value) {
				continue
			}
			state := mesos.TaskLost
			if rec.Framework != nil && rec.Framework.HasCapability(mesos.FrameworkPartitionAware) {
				state = mesos.TaskDropped
			}
			a.log.Warn("Agent reconciling task: task unknown to the agent", "task", st.TaskID.Value, "framework", rec.FrameworkID.Value, "state", state.String())
			u := a.newAgentUpdate(rec.FrameworkID.Value, "", st.TaskID.Value, state,
				"Reconciliation: task unknown to the agent", mesos.ReasonReconciliation)
			// Not statusUpdate(): it drops updates of unknown frameworks.
			a.manage(u, nil)
		}
	}
}

// ping answers the master's health check (Slave::ping): a master that considers the
// agent disconnected while the agent thinks it is registered forces a
// re-registration; every ping restarts the ping timer.
func (a *Agent) ping(connected bool) {
	if !connected && a.state == StateRunning {
		a.log.Info("Master marked the agent as disconnected but the agent considers itself registered! Forcing re-registration.")
		a.detected()
		return
	}
	if a.state == StateRunning {
		a.resetPingTimer()
	}
}

// resetPingTimer (re)starts the timer after which, without a ping, the agent
// considers the master gone (Slave::pingTimeout).
func (a *Agent) resetPingTimer() {
	a.pingTimer.Stop()
	timeout := a.pingTimeout
	if timeout <= 0 {
		timeout = DefaultMasterPingTimeout
	}
	a.pingTimer = process.Delay(&a.Base, timeout, a.Self(), "pingTimeout", func() {
		if a.state != StateRunning {
			return
		}
		a.log.Info("No pings from master received", "within", timeout.String())
		a.detected()
	})
}

// Exited handles the EXITED event of the link to the master (Slave::exited). Mesos
// only logs it and waits for the detector; mesoscope's fixed master detector treats a
// broken link of a registered agent as a lost master and re-registers. While
// disconnected the registration retries already run.
func (a *Agent) Exited(pid process.PID) {
	if pid != a.master {
		return
	}
	a.log.Warn("Master disconnected! Waiting for a new master to be elected", "master", pid.String())
	if a.state == StateRunning {
		a.detected()
	}
}

// resumeUpdates resumes the status update manager and re-forwards every head.
func (a *Agent) resumeUpdates() {
	for _, fwd := range a.updates.Resume() {
		a.performForward(fwd)
	}
}
