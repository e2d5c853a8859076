package master

import (
	"maps"
	"slices"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/master/readonly"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// snapshot builds the read-only view of the master on its queue: slices
// of pointers to immutable values, so that rendering (which may take a
// while for big clusters) happens off the queue while the master goes on.
func (m *Master) snapshot() *readonly.Snapshot {
	now := m.now()
	info := m.info
	s := &readonly.Snapshot{
		Info: info, Version: Version, StartTime: m.startTime, ElectedTime: m.electedTime,
		Leader: &info, Cluster: m.cfg.Cluster, Flags: m.flags(), Now: now,
		UnreachableAgents: len(m.unreachable),
		Build:             mesos.VersionInfo{Version: Version, BuildUser: "mesoscope"},
	}
	for _, id := range sortedKeys(m.agents) {
		s.Agents = append(s.Agents, m.agentView(m.agents[id]))
	}
	for _, id := range sortedKeys(m.frameworks) {
		s.Frameworks = append(s.Frameworks, m.frameworkView(m.frameworks[id]))
	}
	for _, f := range m.completedFrameworks {
		s.CompletedFrameworks = append(s.CompletedFrameworks, m.frameworkView(f))
	}
	s.Roles = m.roleViews()
	readonly.Summarize(s)
	return s
}

func (m *Master) agentView(a *agent) *readonly.Agent {
	return &readonly.Agent{
		Info: a.info, PID: a.pid.String(), Version: a.version, Capabilities: a.capabilities,
		RegisteredTime: a.registeredTime, ReregisteredTime: a.reregisteredTime,
		Active: a.active, Total: a.total.Clone(), Allocated: a.usedTotal(), Offered: a.offered.Clone(),
	}
}

func (m *Master) frameworkView(f *framework) *readonly.Framework {
	v := &readonly.Framework{
		Info: f.info, Active: f.active, Connected: f.connected, Recovered: f.recovered,
		RegisteredTime: f.registeredTime, ReregisteredTime: f.reregisteredTime, UnregisteredTime: f.unregisteredTime,
		UnreachableTasks: slices.Clone(f.unreachable), CompletedTasks: slices.Clone(f.completed),
	}
	v.Tasks = make([]*mesos.Task, 0, len(f.tasks))
	for _, id := range sortedKeys(f.tasks) {
		v.Tasks = append(v.Tasks, f.tasks[id])
	}
	for _, id := range sortedKeys(f.offers) {
		o := f.offers[id]
		v.Offers = append(v.Offers, o.wire)
		v.Offered.Add(o.resources)
	}
	for _, aid := range sortedKeys(f.executors) {
		for _, eid := range sortedKeys(f.executors[aid]) {
			v.Executors = append(v.Executors, readonly.Executor{Info: f.executors[aid][eid], AgentID: aid})
		}
	}
	for _, aid := range sortedKeys(m.agents) {
		if u, ok := m.agents[aid].used[f.id]; ok {
			v.Allocated.Add(u)
		}
	}
	return v
}

// roleViews lists the known roles (Master::knownRoles): roles with a
// weight or quota, roles of frameworks, roles holding reservations or
// allocations.
func (m *Master) roleViews() []readonly.Role {
	roles := map[string]*readonly.Role{}
	get := func(name string) *readonly.Role {
		r := roles[name]
		if r == nil {
			w := 1.0
			if v, ok := m.cfg.Weights[name]; ok {
				w = v
			}
			r = &readonly.Role{Name: name, Weight: w}
			roles[name] = r
		}
		return r
	}
	for name := range m.cfg.Weights {
		get(name)
	}
	for name := range m.quotas {
		get(name)
	}
	for _, id := range sortedKeys(m.frameworks) {
		for _, role := range m.frameworks[id].info.AllRoles() {
			r := get(role)
			r.Frameworks = append(r.Frameworks, id)
		}
	}
	for _, aid := range sortedKeys(m.agents) {
		a := m.agents[aid]
		for role, rs := range a.total.Reservations() {
			get(role).Reserved.Add(rs)
		}
		for _, fw := range sortedKeys(a.used) {
			for role, rs := range a.used[fw].Allocations() {
				get(role).Allocated.Add(rs)
			}
		}
	}
	for _, oid := range sortedKeys(m.offers) {
		o := m.offers[oid]
		get(o.role).Offered.Add(o.resources)
	}
	out := make([]readonly.Role, 0, len(roles))
	for _, name := range slices.Sorted(maps.Keys(roles)) {
		r := roles[name]
		if q, ok := m.quotas[name]; ok {
			r.Quota = &readonly.Quota{Guarantee: q.Guarantees, Limit: quotaLimits(q)}
		}
		r.Consumed = r.Allocated.Plus(r.Reserved).ScalarQuantities()
		out = append(out, *r)
	}
	return out
}

func quotaLimits(q allocator.Quota) resources.Quantities {
	var pairs []resources.Quantity
	for _, name := range slices.Sorted(maps.Keys(q.Limits)) {
		pairs = append(pairs, resources.Quantity{Name: name, Value: q.Limits[name]})
	}
	return resources.QuantitiesOf(pairs...)
}
