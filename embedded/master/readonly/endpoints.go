package readonly

import (
	"slices"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Frameworks renders /master/frameworks (Master::ReadOnlyHandler::
// frameworks): {"frameworks": [...], "completed_frameworks": [...],
// "unregistered_frameworks": []}, the frameworks written as in
// /master/state and selected by the framework_id filter.
func Frameworks(s *Snapshot, frameworkID IDFilter) []byte {
	b := make([]byte, 0, 1024)
	b = append(b, `{"frameworks":`...)
	b = appendV0Frameworks(b, s.Frameworks, frameworkID)
	b = append(b, `,"completed_frameworks":`...)
	b = appendV0Frameworks(b, s.CompletedFrameworks, frameworkID)
	return append(b, `,"unregistered_frameworks":[]}`...)
}

// Slaves renders /master/slaves (Master::ReadOnlyHandler::slaves with
// SlavesWriter): {"slaves": [...], "recovered_slaves": [...]}, each agent
// written as in /master/state plus reserved_resources_full,
// unreserved_resources_full, used_resources_full and
// offered_resources_full (v1 resources in ENDPOINT format), selected by
// the slave_id filter.
func Slaves(s *Snapshot, slaveID IDFilter) []byte {
	b := make([]byte, 0, 1024+2000*len(s.Agents))
	b = append(b, `{"slaves":[`...)
	n := 0
	for _, a := range s.Agents {
		if a == nil || !slaveID.Accept(agentID(&a.Info)) {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, '{')
		b = appendV0Agent(b, a)
		b = appendV0AgentFull(b, a)
		b = append(b, '}')
	}
	b = append(b, `],"recovered_slaves":`...)
	b = appendV0RecoveredAgents(b, s, slaveID)
	return append(b, '}')
}

// Tasks renders /master/tasks (Master::ReadOnlyHandler::tasks):
// {"tasks": [...]} with the active, unreachable and completed tasks of
// the registered and then the completed frameworks that q selects, sorted
// by the timestamp of their first status (tasks without statuses first
// when ascending, last when descending; ties keep that collection order,
// where Mesos's std::sort leaves it unspecified), then cut to
// [Offset, Offset+Limit).
func Tasks(s *Snapshot, q TasksQuery) []byte {
	var tasks []*mesos.Task
	collect := func(fws []*Framework) {
		for _, f := range fws {
			if f == nil || !q.FrameworkID.Accept(frameworkID(f)) {
				continue
			}
			for _, ts := range [...][]*mesos.Task{f.PendingTasks, f.Tasks, f.UnreachableTasks, f.CompletedTasks} {
				for _, t := range ts {
					if t != nil && q.TaskID.Accept(t.TaskID.Value) {
						tasks = append(tasks, t)
					}
				}
			}
		}
	}
	collect(s.Frameworks)
	collect(s.CompletedFrameworks)
	asc := q.Order == OrderAscending
	slices.SortStableFunc(tasks, func(x, y *mesos.Task) int {
		hx, hy := len(x.Statuses) > 0, len(y.Statuses) > 0
		switch {
		case !hx && !hy:
			return 0
		case !hx:
			if asc {
				return -1
			}
			return 1
		case !hy:
			if asc {
				return 1
			}
			return -1
		}
		tx, ty := x.Statuses[0].Timestamp, y.Statuses[0].Timestamp
		switch {
		case tx < ty:
			if asc {
				return -1
			}
			return 1
		case tx > ty:
			if asc {
				return 1
			}
			return -1
		}
		return 0
	})
	start := min(max(q.Offset, 0), len(tasks))
	end := min(start+max(q.Limit, 0), len(tasks))
	b := make([]byte, 0, 64+700*(end-start))
	b = append(b, `{"tasks":[`...)
	for i, t := range tasks[start:end] {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendV0Task(b, t)
	}
	return append(b, "]}"...)
}

// Roles renders /master/roles (Master::ReadOnlyHandler::roles):
// {"roles": [{name, weight, quota: {role, guarantee, limit, consumed},
// resources (allocated plus offered), allocated, offered, reserved,
// frameworks}]}, resources written as quantity maps.
func Roles(s *Snapshot) []byte {
	b := make([]byte, 0, 256+512*len(s.Roles))
	b = append(b, `{"roles":[`...)
	for i := range s.Roles {
		r := &s.Roles[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendString(b, r.Name)
		b = append(b, `,"weight":`...)
		b = appendFloat(b, r.Weight)
		b = append(b, `,"quota":{"role":`...)
		b = appendString(b, r.Name)
		var guarantee, limit resources.Quantities
		if r.Quota != nil {
			guarantee, limit = r.Quota.Guarantee, r.Quota.Limit
		}
		b = append(b, `,"guarantee":`...)
		b = appendV0Quantities(b, guarantee)
		b = append(b, `,"limit":`...)
		b = appendV0Quantities(b, limit)
		b = append(b, `,"consumed":`...)
		b = appendV0Quantities(b, r.Consumed)
		allocated, offered := r.Allocated.Quantities(), r.Offered.Quantities()
		b = append(b, `},"resources":`...)
		b = appendV0Quantities(b, allocated.Plus(offered))
		b = append(b, `,"allocated":`...)
		b = appendV0Quantities(b, allocated)
		b = append(b, `,"offered":`...)
		b = appendV0Quantities(b, offered)
		b = append(b, `,"reserved":`...)
		b = appendV0Quantities(b, r.Reserved.Quantities())
		b = append(b, `,"frameworks":`...)
		b = appendStrings(b, r.Frameworks)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}
