package readonly

import "github.com/mesoscope/mesoscope/embedded/mesos"

// summaryStates are the task states /master/state-summary counts, in the
// order Mesos writes them (TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_DROPPED
// and TASK_UNKNOWN are counted but not written).
var summaryStates = [...]mesos.TaskState{
	mesos.TaskStaging, mesos.TaskStarting, mesos.TaskRunning, mesos.TaskKilling,
	mesos.TaskFinished, mesos.TaskKilled, mesos.TaskFailed, mesos.TaskLost,
	mesos.TaskError, mesos.TaskUnreachable,
}

// StateSummary renders /master/state-summary (Master::ReadOnlyHandler::
// stateSummary).
func StateSummary(s *Snapshot) []byte {
	return AppendStateSummary(make([]byte, 0, 4096+1500*len(s.Agents)+800*len(s.Frameworks)), s)
}

// AppendStateSummary appends the /master/state-summary body: hostname,
// cluster (when set), slaves (SlaveWriter members, TASK_* counts and
// framework_ids) and frameworks (Summary<Framework> members, TASK_* counts
// and slave_ids). Only registered frameworks are summarized.
func AppendStateSummary(dst []byte, s *Snapshot) []byte {
	b := dst
	b = append(b, `{"hostname":`...)
	b = appendString(b, s.Info.Hostname)
	if s.Cluster != "" {
		b = append(b, `,"cluster":`...)
		b = appendString(b, s.Cluster)
	}
	b = append(b, `,"slaves":[`...)
	n := 0
	for _, a := range s.Agents {
		if a == nil {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, '{')
		b = appendV0Agent(b, a)
		b = appendTaskCounts(b, &a.TaskCounts)
		b = append(b, `,"framework_ids":`...)
		b = appendStrings(b, a.FrameworkIDs)
		b = append(b, '}')
	}
	b = append(b, `],"frameworks":[`...)
	n = 0
	for _, f := range s.Frameworks {
		if f == nil {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, '{')
		b = appendV0FrameworkSummary(b, f)
		b = appendTaskCounts(b, &f.TaskCounts)
		b = append(b, `,"slave_ids":`...)
		b = appendStrings(b, f.AgentIDs)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendTaskCounts appends ,"TASK_STAGING":n,... for the summary states.
func appendTaskCounts(b []byte, c *TaskCounts) []byte {
	for _, st := range summaryStates {
		b = append(b, `,"`...)
		b = append(b, taskStateNames[st]...)
		b = append(b, `":`...)
		b = appendInt(b, int64(c[st]))
	}
	return b
}

// Summarize fills the state-summary fields of a snapshot being built:
// the per-state task counts and the agent ⇄ framework mappings of the
// registered frameworks' tasks (active, unreachable and completed), as
// TaskStateSummaries and SlaveFrameworkMapping compute them. It mutates
// the Agent and Framework values, so the master must call it before
// publishing the snapshot (or maintain the fields itself). Tasks on
// agents that are not in s.Agents are counted for their framework only.
// The id lists come out sorted.
func Summarize(s *Snapshot) {
	agents := make(map[string]*Agent, len(s.Agents))
	for _, a := range s.Agents {
		if a == nil {
			continue
		}
		a.TaskCounts = TaskCounts{}
		a.FrameworkIDs = nil
		agents[agentID(&a.Info)] = a
	}
	for _, f := range s.Frameworks {
		if f == nil {
			continue
		}
		f.TaskCounts = TaskCounts{}
		f.AgentIDs = nil
		fid := frameworkID(f)
		seen := map[string]bool{}
		for _, ts := range [...][]*mesos.Task{f.Tasks, f.UnreachableTasks, f.CompletedTasks} {
			for _, t := range ts {
				if t == nil {
					continue
				}
				aid := t.AgentID.Value
				if t.State >= 0 && int(t.State) < NumTaskStates {
					f.TaskCounts[t.State]++
				}
				a := agents[aid]
				if a != nil && t.State >= 0 && int(t.State) < NumTaskStates {
					a.TaskCounts[t.State]++
				}
				if seen[aid] {
					continue
				}
				seen[aid] = true
				f.AgentIDs = append(f.AgentIDs, aid)
				if a != nil {
					a.FrameworkIDs = append(a.FrameworkIDs, fid)
				}
			}
		}
		sortStrings(f.AgentIDs)
	}
	for _, a := range s.Agents {
		if a != nil {
			sortStrings(a.FrameworkIDs)
		}
	}
}
