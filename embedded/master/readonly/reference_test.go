package readonly

import (
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// The reference model: the v1 responses built as embedded/mesos/operator
// values, the straightforward (reflection-encoded) way. The tests check
// that the hand-written writers produce the same JSON values, and the
// benchmarks compare their speed.

func timeInfo(t interface{ IsZero() bool }, ns int64) *mesos.TimeInfo {
	if t.IsZero() {
		return nil
	}
	return &mesos.TimeInfo{Nanoseconds: ns}
}

func endpoint(rs resources.Resources) mesos.Resources {
	return mesos.Resources{Resources: rs, Format: resources.FormatEndpoint}
}

func refAgent(a *Agent) operator.Agent {
	out := operator.Agent{
		AgentInfo:          a.Info,
		Active:             a.Active,
		Deactivated:        ptr(a.Deactivated),
		Version:            a.Version,
		PID:                a.PID,
		RegisteredTime:     &mesos.TimeInfo{Nanoseconds: nanos(a.RegisteredTime)},
		ReregisteredTime:   timeInfo(a.ReregisteredTime, nanos(a.ReregisteredTime)),
		TotalResources:     endpoint(a.Total),
		AllocatedResources: endpoint(a.Allocated),
		OfferedResources:   endpoint(a.Offered),
		Capabilities:       a.Capabilities,
		DrainInfo:          a.DrainInfo,
	}
	if a.DrainInfo != nil {
		out.EstimatedDrainStartTime = timeInfo(a.EstimatedDrainStartTime, nanos(a.EstimatedDrainStartTime))
	}
	return out
}

func refFramework(f *Framework) operator.Framework {
	out := operator.Framework{
		FrameworkInfo:      f.Info,
		Active:             f.Active,
		Connected:          f.Connected,
		Recovered:          ptr(f.Recovered),
		AllocatedResources: endpoint(f.Allocated),
		OfferedResources:   endpoint(f.Offered),
		OfferConstraints:   f.OfferConstraints,
	}
	if out.OfferConstraints == nil {
		out.OfferConstraints = &scheduler.OfferConstraints{}
	}
	for _, x := range []struct {
		dst **mesos.TimeInfo
		ns  int64
	}{{&out.RegisteredTime, nanos(f.RegisteredTime)}, {&out.ReregisteredTime, nanos(f.ReregisteredTime)}, {&out.UnregisteredTime, nanos(f.UnregisteredTime)}} {
		if x.ns != 0 {
			*x.dst = &mesos.TimeInfo{Nanoseconds: x.ns}
		}
	}
	for _, o := range f.Offers {
		out.Offers = append(out.Offers, *o)
	}
	return out
}

func refTasks(fws [][]*Framework, pick func(*Framework) []*mesos.Task) []mesos.Task {
	var out []mesos.Task
	for _, list := range fws {
		for _, f := range list {
			for _, t := range pick(f) {
				out = append(out, *t)
			}
		}
	}
	return out
}

func refGetState(s *Snapshot) *operator.GetState {
	all := [][]*Framework{s.Frameworks, s.CompletedFrameworks}
	st := &operator.GetState{
		GetTasks: &operator.GetTasks{
			PendingTasks:     refTasks(all, func(f *Framework) []*mesos.Task { return f.PendingTasks }),
			Tasks:            refTasks(all, func(f *Framework) []*mesos.Task { return f.Tasks }),
			UnreachableTasks: refTasks(all, func(f *Framework) []*mesos.Task { return f.UnreachableTasks }),
			CompletedTasks:   refTasks(all, func(f *Framework) []*mesos.Task { return f.CompletedTasks }),
		},
		GetExecutors:  &operator.GetExecutors{},
		GetFrameworks: &operator.GetFrameworks{},
		GetAgents:     &operator.GetAgents{RecoveredAgents: s.RecoveredAgents},
	}
	for _, list := range all {
		for _, f := range list {
			for _, e := range f.Executors {
				st.GetExecutors.Executors = append(st.GetExecutors.Executors, operator.Executor{ExecutorInfo: e.Info, AgentID: mesos.AgentID{Value: e.AgentID}})
			}
		}
	}
	for _, f := range s.Frameworks {
		st.GetFrameworks.Frameworks = append(st.GetFrameworks.Frameworks, refFramework(f))
	}
	for _, f := range s.CompletedFrameworks {
		st.GetFrameworks.CompletedFrameworks = append(st.GetFrameworks.CompletedFrameworks, refFramework(f))
	}
	for _, a := range s.Agents {
		st.GetAgents.Agents = append(st.GetAgents.Agents, refAgent(a))
	}
	return st
}

func refGetRoles(s *Snapshot) *operator.GetRoles {
	out := &operator.GetRoles{}
	for _, r := range s.Roles {
		role := mesos.Role{Name: r.Name, Weight: r.Weight}
		for _, id := range r.Frameworks {
			role.Frameworks = append(role.Frameworks, mesos.FrameworkID{Value: id})
		}
		q := r.Allocated.Quantities().Plus(r.Offered.Quantities())
		var rs []resources.Resource
		for name, v := range q.All() {
			switch name {
			case "cpus", "mem", "disk", "gpus":
				rs = append(rs, resources.Resource{Name: name, Type: resources.TypeScalar, Scalar: v})
			}
		}
		role.Resources = mesos.ResourcesOf(resources.Must(rs...))
		out.Roles = append(out.Roles, role)
	}
	return out
}

// refResponses returns the reference response of every v1 renderer,
// keyed as renderers() keys them.
func refResponses(s *Snapshot) map[string]any {
	st := refGetState(s)
	flags := &operator.GetFlags{}
	for _, f := range s.Flags {
		if f.Value != nil {
			flags.Flags = append(flags.Flags, f)
		}
	}
	start, elected := float64(nanos(s.StartTime))/1e9, float64(nanos(s.ElectedTime))/1e9
	version := s.Build
	version.Version = s.Version
	running := s.Frameworks[0].Tasks[0]
	heartbeat := DefaultHeartbeatInterval.Seconds()
	return map[string]any{
		"GET_STATE.json":      &operator.Response{Type: operator.ResponseGetState, GetState: st},
		"GET_AGENTS.json":     &operator.Response{Type: operator.ResponseGetAgents, GetAgents: st.GetAgents},
		"GET_FRAMEWORKS.json": &operator.Response{Type: operator.ResponseGetFrameworks, GetFrameworks: st.GetFrameworks},
		"GET_EXECUTORS.json":  &operator.Response{Type: operator.ResponseGetExecutors, GetExecutors: st.GetExecutors},
		"GET_TASKS.json":      &operator.Response{Type: operator.ResponseGetTasks, GetTasks: st.GetTasks},
		"GET_ROLES.json":      &operator.Response{Type: operator.ResponseGetRoles, GetRoles: refGetRoles(s)},
		"GET_MASTER.json":     &operator.Response{Type: operator.ResponseGetMaster, GetMaster: &operator.GetMaster{MasterInfo: &s.Info, StartTime: &start, ElectedTime: &elected}},
		"GET_HEALTH.json":     &operator.Response{Type: operator.ResponseGetHealth, GetHealth: &operator.GetHealth{Healthy: true}},
		"GET_VERSION.json":    &operator.Response{Type: operator.ResponseGetVersion, GetVersion: &operator.GetVersion{VersionInfo: version}},
		"GET_FLAGS.json":      &operator.Response{Type: operator.ResponseGetFlags, GetFlags: flags},
		"event-SUBSCRIBED.json": &operator.Event{Type: operator.EventSubscribed, Subscribed: &operator.Subscribed{
			GetState: st, HeartbeatIntervalSeconds: &heartbeat}},
		"event-TASK_ADDED.json": &operator.Event{Type: operator.EventTaskAdded, TaskAdded: &operator.TaskAdded{Task: *running}},
		"event-TASK_UPDATED.json": &operator.Event{Type: operator.EventTaskUpdated, TaskUpdated: &operator.TaskUpdated{
			FrameworkID: running.FrameworkID, Status: running.Statuses[0], State: running.State}},
		"event-AGENT_ADDED.json":   &operator.Event{Type: operator.EventAgentAdded, AgentAdded: &operator.AgentAdded{Agent: refAgent(s.Agents[0])}},
		"event-AGENT_REMOVED.json": &operator.Event{Type: operator.EventAgentRemoved, AgentRemoved: &operator.AgentRemoved{AgentID: *s.Agents[1].Info.ID}},
		"event-FRAMEWORK_ADDED.json": &operator.Event{Type: operator.EventFrameworkAdded, FrameworkAdded: &operator.FrameworkEvent{
			Framework: refFrameworkEvent(s.Frameworks[0])}},
		"event-FRAMEWORK_UPDATED.json": &operator.Event{Type: operator.EventFrameworkUpdated, FrameworkUpdated: &operator.FrameworkEvent{
			Framework: refFrameworkEvent(s.Frameworks[1])}},
		"event-FRAMEWORK_REMOVED.json": &operator.Event{Type: operator.EventFrameworkRemoved, FrameworkRemoved: &operator.FrameworkRemoved{
			FrameworkInfo: s.CompletedFrameworks[0].Info}},
		"event-HEARTBEAT.json": &operator.Event{Type: operator.EventHeartbeat},
	}
}

// refFrameworkEvent is the framework of FRAMEWORK_ADDED/UPDATED: info,
// flags and all three times.
func refFrameworkEvent(f *Framework) operator.Framework {
	return operator.Framework{
		FrameworkInfo:    f.Info,
		Active:           f.Active,
		Connected:        f.Connected,
		Recovered:        ptr(f.Recovered),
		RegisteredTime:   &mesos.TimeInfo{Nanoseconds: nanos(f.RegisteredTime)},
		ReregisteredTime: &mesos.TimeInfo{Nanoseconds: nanos(f.ReregisteredTime)},
		UnregisteredTime: &mesos.TimeInfo{Nanoseconds: nanos(f.UnregisteredTime)},
	}
}
