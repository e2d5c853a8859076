package master

import (
	"errors"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// framework is the master's record of a framework (struct Framework in
// src/master/framework.hpp). Task values are immutable once stored: an
// update replaces the pointer, so snapshots can share them.
type framework struct {
	id   string
	info mesos.FrameworkInfo // never mutated once published

	stream   *eventStream // nil when disconnected
	streamID string

	active, connected, recovered bool
	registeredTime               time.Time
	reregisteredTime             time.Time
	unregisteredTime             time.Time

	suppressedRoles []string

	tasks       map[string]*mesos.Task
	unreachable []*mesos.Task // oldest first, bounded
	completed   []*mesos.Task // oldest first, bounded
	offers      map[string]*offer

	// executors by agent id, then executor id.
	executors map[string]map[string]mesos.ExecutorInfo

	failoverTimer *process.Timer
	heartbeat     *process.Timer
	gen           int // subscription generation, guards timers of old streams

	metrics frameworkMetrics
}

func (f *framework) partitionAware() bool {
	return f.info.HasCapability(mesos.FrameworkPartitionAware)
}

func (f *framework) addTask(t *mesos.Task) { f.tasks[t.TaskID.Value] = t }

// replaceTask swaps in a new version of a task wherever it is kept.
func (f *framework) replaceTask(t *mesos.Task) {
	if _, ok := f.tasks[t.TaskID.Value]; ok {
		f.tasks[t.TaskID.Value] = t
	}
}

// removeTask moves a task to the unreachable or completed history
// (Framework::removeTask / addCompletedTask / addUnreachableTask).
func (f *framework) removeTask(t *mesos.Task, unreachable bool, cfg Config) {
	delete(f.tasks, t.TaskID.Value)
	if unreachable {
		f.unreachable = appendBounded(f.unreachable, t, cfg.MaxUnreachableTasksPerFramework)
		return
	}
	f.completed = appendBounded(f.completed, t, cfg.MaxCompletedTasksPerFramework)
}

func (f *framework) removeUnreachable(id string) {
	f.unreachable = slices.DeleteFunc(f.unreachable, func(t *mesos.Task) bool { return t.TaskID.Value == id })
}

func (f *framework) unreachableTask(id string) *mesos.Task {
	for _, t := range f.unreachable {
		if t.TaskID.Value == id {
			return t
		}
	}
	return nil
}

func appendBounded[T any](s []T, v T, max int) []T {
	if len(s) >= max {
		s = slices.Delete(s, 0, len(s)-max+1)
	}
	return append(s, v)
}

func (f *framework) allocatorInfo() allocator.FrameworkInfo {
	return allocatorFrameworkInfo(f.id, &f.info)
}

func allocatorFrameworkInfo(id string, info *mesos.FrameworkInfo) allocator.FrameworkInfo {
	out := allocator.FrameworkInfo{ID: id, Name: info.Name, Roles: info.AllRoles(), Capabilities: allocator.Capabilities{
		MultiRole:             info.HasCapability(mesos.FrameworkMultiRole),
		GPUResources:          info.HasCapability(mesos.FrameworkGPUResources),
		RevocableResources:    info.HasCapability(mesos.FrameworkRevocableResources),
		ReservationRefinement: info.HasCapability(mesos.FrameworkReservationRefinement),
		SharedResources:       info.HasCapability(mesos.FrameworkSharedResources),
	}}
	for role, of := range info.OfferFilters {
		if of.MinAllocatableResources == nil {
			continue
		}
		if out.MinAllocatableResources == nil {
			out.MinAllocatableResources = map[string][]resources.Quantities{}
		}
		qs := []resources.Quantities{}
		for _, q := range of.MinAllocatableResources.Quantities {
			var pairs []resources.Quantity
			for _, name := range slices.Sorted(maps.Keys(q.Quantities)) {
				pairs = append(pairs, resources.Quantity{Name: name, Value: q.Quantities[name].Value})
			}
			qs = append(qs, resources.QuantitiesOf(pairs...))
		}
		out.MinAllocatableResources[role] = qs
	}
	return out
}

// usedByAgent returns what the framework's tasks hold on each agent, for
// the allocator's addFramework.
func (m *Master) usedByAgent(fwID string) map[string]resources.Resources {
	out := map[string]resources.Resources{}
	for id, a := range m.agents {
		if u, ok := a.used[fwID]; ok && !u.IsEmpty() {
			out[id] = u.Clone()
		}
	}
	return out
}

// subscribe is Master::subscribe(HttpConnection, Subscribe): a new
// framework is added; a known one fails over to the new connection (the
// old stream is closed, its offers rescinded); a framework that was
// removed gets an ERROR event.
func (m *Master) subscribe(s *eventStream, sub *scheduler.Subscribe) {
	info := sub.FrameworkInfo
	if err := m.validateRoles(&info); err != nil {
		m.sendError(s, err.Error())
		return
	}
	if err := m.authorizeRegistration(&info); err != nil {
		// Master::_subscribe: checkSubscribeAuthorization's error, as an ERROR event.
		m.log.Info("refusing subscription", "name", info.Name, "principal", info.Principal, "err", err)
		m.sendError(s, err.Error())
		return
	}
	if info.ID != nil && info.ID.Value != "" {
		id := info.ID.Value
		for _, c := range m.completedFrameworks {
			if c.id == id {
				m.sendError(s, "Framework has been removed")
				return
			}
		}
		if f, ok := m.frameworks[id]; ok {
			m.failoverFramework(f, s, sub)
			return
		}
	} else {
		info.ID = &mesos.FrameworkID{Value: m.newFrameworkID()}
	}
	now := m.now()
	f := &framework{
		id: info.ID.Value, info: info, registeredTime: now, reregisteredTime: now,
		tasks: map[string]*mesos.Task{}, offers: map[string]*offer{},
		executors: map[string]map[string]mesos.ExecutorInfo{}, suppressedRoles: sub.SuppressedRoles,
	}
	m.frameworks[f.id] = f
	m.attach(f, s)
	m.alloc.AddFramework(f.allocatorInfo(), m.usedByAgent(f.id), true, sub.SuppressedRoles)
	m.initFrameworkMetrics(f)
	m.log.Info("subscribed framework", "framework_id", f.id, "name", info.Name, "roles", info.AllRoles())
	m.sendSubscribed(f)
	m.publish(m.frameworkAddedEvent(f))
}

// validateRoles checks the framework's roles against --roles.
func (m *Master) validateRoles(info *mesos.FrameworkInfo) error {
	if len(m.cfg.Roles) == 0 {
		return nil
	}
	for _, r := range info.AllRoles() {
		if !slices.Contains(m.cfg.Roles, r) {
			return mesos.Invalid("framework_info.roles", "role '%s' is not present in the master's --roles", r)
		}
	}
	return nil
}

// recoverFramework adds a framework known only from a reregistering
// agent's report; it stays inactive and "recovered" until its scheduler
// subscribes (Master::recoverFramework, then
// connectAndActivateRecoveredFramework).
func (m *Master) recoverFramework(info mesos.FrameworkInfo) {
	if info.ID == nil || info.ID.Value == "" {
		return
	}
	if _, ok := m.frameworks[info.ID.Value]; ok {
		return
	}
	f := &framework{
		id: info.ID.Value, info: info, recovered: true,
		tasks: map[string]*mesos.Task{}, offers: map[string]*offer{},
		executors: map[string]map[string]mesos.ExecutorInfo{},
	}
	m.frameworks[f.id] = f
	m.alloc.AddFramework(f.allocatorInfo(), nil, false, nil)
	m.initFrameworkMetrics(f)
	m.publish(m.frameworkAddedEvent(f))
	// No failover timer: a recovered framework stays until its scheduler
	// subscribes or an operator tears it down, as in Mesos.
}

// failoverFramework is Master::failoverFramework for HTTP frameworks plus
// the "recovered" case: the new connection replaces the old one.
func (m *Master) failoverFramework(f *framework, s *eventStream, sub *scheduler.Subscribe) {
	if f.stream != nil {
		m.sendError(f.stream, "Framework failed over")
	}
	for _, o := range sortedOffers(f.offers) {
		m.rescindOffer(o, nil)
	}
	info := sub.FrameworkInfo
	info.ID = &mesos.FrameworkID{Value: f.id}
	f.info = info
	f.suppressedRoles = sub.SuppressedRoles
	f.reregisteredTime = m.now()
	if f.recovered {
		f.recovered = false
		if f.registeredTime.IsZero() {
			f.registeredTime = f.reregisteredTime
		}
	}
	if f.failoverTimer != nil {
		f.failoverTimer.Stop()
		f.failoverTimer = nil
	}
	m.attach(f, s)
	m.alloc.UpdateFramework(f.allocatorInfo(), sub.SuppressedRoles)
	m.alloc.ActivateFramework(f.id)
	m.log.Info("framework failed over", "framework_id", f.id)
	m.sendSubscribed(f)
	m.publish(m.frameworkUpdatedEvent(f))
	m.broadcastFrameworkInfo(f)
}

// attach makes s the framework's stream and starts its heartbeats.
func (m *Master) attach(f *framework, s *eventStream) {
	f.gen++
	gen := f.gen
	f.stream = s
	f.streamID = s.id
	f.connected, f.active = true, true
	s.onClose(func() {
		process.Do(m.rt, m.Self(), "disconnect", func() {
			if f.gen == gen && m.frameworks[f.id] == f {
				m.disconnect(f)
			}
		})
	})
	m.scheduleHeartbeat(f, gen)
}

func (m *Master) scheduleHeartbeat(f *framework, gen int) {
	f.heartbeat = process.Delay(&m.Base, m.cfg.HeartbeatInterval, m.Self(), "heartbeat", func() {
		if f.gen != gen || f.stream == nil {
			return
		}
		m.sendEvent(f, &scheduler.Event{Type: scheduler.EventHeartbeat})
		m.scheduleHeartbeat(f, gen)
	})
}

func (m *Master) sendSubscribed(f *framework) {
	hb := m.cfg.HeartbeatInterval.Seconds()
	info := m.info
	m.sendEvent(f, &scheduler.Event{Type: scheduler.EventSubscribed, Subscribed: &scheduler.Subscribed{
		FrameworkID: mesos.FrameworkID{Value: f.id}, HeartbeatIntervalSeconds: &hb, MasterInfo: &info,
	}})
}

func (m *Master) sendError(s *eventStream, msg string) {
	_ = s.send(&scheduler.Event{Type: scheduler.EventError, Error: &scheduler.Error{Message: msg}})
	s.Close()
}

// sendEvent writes an event to the framework's stream, if connected.
func (m *Master) sendEvent(f *framework, e *scheduler.Event) {
	if f.stream == nil {
		return
	}
	if err := f.stream.send(e); err != nil {
		if errors.Is(err, io.ErrClosedPipe) {
			// The framework closed its connection (it stopped, or is failing over):
			// Mesos notices it the same way, as a disconnection.
			m.log.Info("the stream of a framework is closed; disconnecting it", "framework_id", f.id)
		} else {
			m.log.Warn("closing the stream of a framework that does not keep up", "framework_id", f.id, "err", err)
		}
		f.stream.Close()
		m.disconnect(f)
		return
	}
	f.metrics.event(e.Type)
}

// disconnect is Master::disconnect + deactivate for an HTTP framework: no
// more offers, outstanding ones rescinded, and the failover timeout starts.
func (m *Master) disconnect(f *framework) {
	if !f.connected {
		return
	}
	m.log.Info("framework disconnected", "framework_id", f.id)
	f.connected, f.active = false, false
	f.stream = nil
	f.streamID = ""
	f.gen++
	f.unregisteredTime = m.now()
	m.alloc.DeactivateFramework(f.id)
	for _, o := range sortedOffers(f.offers) {
		m.rescindOffer(o, nil)
	}
	m.publish(m.frameworkUpdatedEvent(f))
	m.startFailoverTimer(f)
}

func (m *Master) startFailoverTimer(f *framework) {
	d := time.Duration(f.info.FailoverTimeout * float64(time.Second))
	if f.info.FailoverTimeout > float64(365*24*time.Hour/time.Second) {
		d = 365 * 24 * time.Hour
	}
	gen := f.gen
	f.failoverTimer = process.Delay(&m.Base, d, m.Self(), "frameworkFailoverTimeout", func() {
		if f.gen != gen || f.connected || m.frameworks[f.id] != f {
			return
		}
		m.log.Info("framework failover timeout, removing the framework", "framework_id", f.id)
		m.removeFramework(f)
	})
}

// removeFramework is Master::removeFramework: kill its tasks (agents shut
// its executors down), forget its offers, tell the allocator, keep it in
// the completed frameworks.
func (m *Master) removeFramework(f *framework) {
	if f.stream != nil {
		s := f.stream
		f.stream = nil
		s.Close()
	}
	f.gen++
	f.connected, f.active = false, false
	if f.failoverTimer != nil {
		f.failoverTimer.Stop()
	}
	for _, o := range sortedOffers(f.offers) {
		m.removeOffer(o, outcomeRescinded, nil)
		m.alloc.RecoverResources(f.id, o.agentID, o.resources, nil)
	}
	agentsWith := map[string]bool{}
	for _, a := range m.agents {
		if len(a.tasks[f.id]) > 0 || len(a.executors[f.id]) > 0 {
			agentsWith[a.id] = true
		}
	}
	for _, aid := range slices.Sorted(maps.Keys(agentsWith)) {
		a := m.agents[aid]
		m.Send(a.pid, mesos.ShutdownFrameworkMessageName, mesos.ShutdownFrameworkMessage{FrameworkID: mesos.FrameworkID{Value: f.id}})
	}
	for _, tid := range slices.Sorted(maps.Keys(f.tasks)) {
		t := f.tasks[tid]
		nt := t
		if !t.State.IsTerminal() {
			// Releases the task's resources (first terminal state).
			nt = m.withState(t, mesos.TaskKilled, mesos.ReasonFrameworkRemoved, "Framework "+f.id+" removed", false)
		}
		if a := m.agents[t.AgentID.Value]; a != nil {
			a.removeTask(nt)
		}
		f.removeTask(nt, false, m.cfg)
	}
	for aid := range f.executors {
		if a := m.agents[aid]; a != nil {
			delete(a.executors, f.id)
		}
	}
	f.executors = map[string]map[string]mesos.ExecutorInfo{}
	f.unregisteredTime = m.now()
	delete(m.frameworks, f.id)
	m.completedFrameworks = appendBounded(m.completedFrameworks, f, m.cfg.MaxCompletedFrameworks)
	m.alloc.RemoveFramework(f.id)
	m.removeFrameworkMetrics(f)
	m.publish(m.frameworkRemovedEvent(f))
	m.log.Info("removed framework", "framework_id", f.id)
}

// updateFramework is Master::updateFramework (UPDATE_FRAMEWORK): the new
// FrameworkInfo must keep the id, user, principal and checkpoint.
func (m *Master) updateFramework(f *framework, u *scheduler.UpdateFramework) error {
	info := u.FrameworkInfo
	if info.ID == nil || info.ID.Value != f.id {
		return mesos.Invalid("update_framework.framework_info.id", "must be the id of the framework (%s)", f.id)
	}
	if err := m.validateRoles(&info); err != nil {
		return err
	}
	for _, c := range []struct {
		field     string
		old, new_ string
	}{{"user", f.info.User, info.User}, {"principal", f.info.Principal, info.Principal}} {
		if c.old != c.new_ {
			return mesos.Invalid("update_framework.framework_info."+c.field, "cannot be changed (from '%s' to '%s')", c.old, c.new_)
		}
	}
	if f.info.Checkpoint != info.Checkpoint {
		return mesos.Invalid("update_framework.framework_info.checkpoint", "cannot be changed")
	}
	if err := m.authorizeRegistration(&info); err != nil {
		return err
	}
	f.info = info
	f.suppressedRoles = u.SuppressedRoles
	for _, o := range sortedOffers(f.offers) {
		if !slices.Contains(info.AllRoles(), o.role) {
			m.rescindOffer(o, nil)
		}
	}
	m.alloc.UpdateFramework(f.allocatorInfo(), u.SuppressedRoles)
	m.publish(m.frameworkUpdatedEvent(f))
	m.broadcastFrameworkInfo(f)
	return nil
}

// broadcastFrameworkInfo sends UpdateFrameworkMessage to every agent
// that runs something of the framework.
func (m *Master) broadcastFrameworkInfo(f *framework) {
	info := f.info
	for _, aid := range slices.Sorted(maps.Keys(m.agents)) {
		a := m.agents[aid]
		if len(a.tasks[f.id]) == 0 && len(a.executors[f.id]) == 0 {
			continue
		}
		m.Send(a.pid, mesos.UpdateFrameworkMessageName, mesos.UpdateFrameworkMessage{FrameworkID: mesos.FrameworkID{Value: f.id}, FrameworkInfo: &info})
	}
}
