package master

import (
	"maps"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/master/readonly"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// snapshot takes the read-only view of the master on its queue: slices of
// pointers to immutable values and nothing else, so that the master is
// held up for pointer copies only. The returned finish function sorts,
// derives the roles and the state-summary counts; it must run before the
// snapshot is rendered, and it may (and should) run off the master's
// queue.
func (m *Master) snapshot() (*readonly.Snapshot, func()) {
	now := m.now()
	info := m.info
	s := &readonly.Snapshot{
		Info: info, Version: Version, StartTime: m.startTime, ElectedTime: m.electedTime,
		Leader: &info, Cluster: m.cfg.Cluster, Flags: m.flags(), Now: now,
		UnreachableAgents: len(m.unreachable),
		Build:             mesos.VersionInfo{Version: Version, BuildUser: "mesoscope"},
		Agents:            make([]*readonly.Agent, 0, len(m.agents)),
		Frameworks:        make([]*readonly.Framework, 0, len(m.frameworks)),
	}
	for _, a := range m.agents {
		s.Agents = append(s.Agents, m.agentView(a))
	}
	roleFrameworks := map[string][]string{}
	for _, f := range m.frameworks {
		v := m.frameworkView(f)
		s.Frameworks = append(s.Frameworks, v)
		for _, role := range f.info.AllRoles() {
			roleFrameworks[role] = append(roleFrameworks[role], f.id)
		}
	}
	for _, id := range sortedKeys(m.recovered) {
		s.RecoveredAgents = append(s.RecoveredAgents, m.recovered[id])
	}
	for _, f := range m.completedFrameworks {
		s.CompletedFrameworks = append(s.CompletedFrameworks, m.frameworkView(f))
	}
	weights := maps.Clone(m.cfg.Weights)
	quotas := maps.Clone(m.quotas)
	finish := func() {
		slices.SortFunc(s.Agents, func(a, b *readonly.Agent) int { return strings.Compare(a.Info.ID.Value, b.Info.ID.Value) })
		slices.SortFunc(s.Frameworks, func(a, b *readonly.Framework) int { return strings.Compare(a.Info.ID.Value, b.Info.ID.Value) })
		for _, list := range [][]*readonly.Framework{s.Frameworks, s.CompletedFrameworks} {
			for _, f := range list {
				slices.SortFunc(f.Tasks, func(a, b *mesos.Task) int { return strings.Compare(a.TaskID.Value, b.TaskID.Value) })
			}
		}
		s.Roles = roleViews(s, weights, quotas, roleFrameworks)
		readonly.Summarize(s)
	}
	return s, finish
}

// snapshotNow takes a finished snapshot on the queue (for the operator
// SUBSCRIBE's first event, which must be consistent with what follows).
func (m *Master) snapshotNow() *readonly.Snapshot {
	s, finish := m.snapshot()
	finish()
	return s
}

func (m *Master) agentView(a *agent) *readonly.Agent {
	return &readonly.Agent{
		Info: a.info, PID: a.pid.String(), Version: a.version, Capabilities: a.capabilities,
		RegisteredTime: a.registeredTime, ReregisteredTime: a.reregisteredTime,
		Active: a.active, Total: a.total, Allocated: a.usedTotal(), Offered: a.offered,
	}
}

// frameworkView lists the framework's tasks unsorted (finish sorts them).
func (m *Master) frameworkView(f *framework) *readonly.Framework {
	v := &readonly.Framework{
		Info: f.info, Active: f.active, Connected: f.connected, Recovered: f.recovered,
		RegisteredTime: f.registeredTime, ReregisteredTime: f.reregisteredTime, UnregisteredTime: f.unregisteredTime,
		UnreachableTasks: slices.Clone(f.unreachable), CompletedTasks: slices.Clone(f.completed),
	}
	v.Tasks = make([]*mesos.Task, 0, len(f.tasks))
	for _, t := range f.tasks {
		v.Tasks = append(v.Tasks, t)
	}
	for _, id := range sortedKeys(f.offers) {
		o := f.offers[id]
		v.Offers = append(v.Offers, o.stored)
		v.Offered.Add(o.resources)
	}
	for _, aid := range sortedKeys(f.executors) {
		for _, eid := range sortedKeys(f.executors[aid]) {
			v.Executors = append(v.Executors, readonly.Executor{Info: f.executors[aid][eid], AgentID: aid})
		}
	}
	for _, a := range m.agents {
		if u, ok := a.used[f.id]; ok {
			v.Allocated.Add(u)
		}
	}
	return v
}

// roleViews lists the known roles (Master::knownRoles): roles with a
// weight or quota, roles of frameworks, roles holding reservations or
// allocations, and their ancestors, from the snapshot's immutable agent
// views, each with its subtree's figures (readonly.WithSubroles). A role's
// own consumed quota is RoleResourceBreakdown::consumedQuota's: what is
// allocated to it plus its reservations nobody uses.
func roleViews(s *readonly.Snapshot, weights map[string]float64, quotas map[string]allocator.Quota, roleFrameworks map[string][]string) []readonly.Role {
	roles := map[string]*readonly.Role{}
	get := func(name string) *readonly.Role {
		r := roles[name]
		if r == nil {
			w := 1.0
			if v, ok := weights[name]; ok {
				w = v
			}
			r = &readonly.Role{Name: name, Weight: w}
			roles[name] = r
		}
		return r
	}
	for name := range weights {
		get(name)
	}
	for name := range quotas {
		get(name)
	}
	for name, ids := range roleFrameworks {
		get(name).Frameworks = slices.Sorted(slices.Values(ids))
	}
	usedReserved := map[string]*resources.Resources{}
	for _, a := range s.Agents {
		for r := range a.Total.All() {
			if n := len(r.Reservations); n > 0 {
				get(r.Reservations[n-1].Role).Reserved.AddResource(r)
			}
		}
		for r := range a.Allocated.All() {
			if r.AllocationInfo != nil {
				get(r.AllocationInfo.Role).Allocated.AddResource(r)
			}
			if n := len(r.Reservations); n > 0 {
				role := r.Reservations[n-1].Role
				u := usedReserved[role]
				if u == nil {
					u = &resources.Resources{}
					usedReserved[role] = u
				}
				u.AddResource(r)
			}
		}
		for r := range a.Offered.All() {
			if r.AllocationInfo != nil {
				get(r.AllocationInfo.Role).Offered.AddResource(r)
			}
		}
	}
	out := make([]readonly.Role, 0, len(roles))
	for _, name := range slices.Sorted(maps.Keys(roles)) {
		r := roles[name]
		if q, ok := quotas[name]; ok {
			r.Quota = &readonly.Quota{Guarantee: q.Guarantees, Limit: quotaLimits(q)}
		}
		unused := r.Reserved.ScalarQuantities()
		if u := usedReserved[name]; u != nil {
			unused.Subtract(u.ScalarQuantities())
		}
		r.Consumed = r.Allocated.ScalarQuantities().Plus(unused)
		out = append(out, *r)
	}
	return readonly.WithSubroles(out)
}

func quotaLimits(q allocator.Quota) resources.Quantities {
	var pairs []resources.Quantity
	for _, name := range slices.Sorted(maps.Keys(q.Limits)) {
		pairs = append(pairs, resources.Quantity{Name: name, Value: q.Limits[name]})
	}
	return resources.QuantitiesOf(pairs...)
}
