package operator

import (
	"strconv"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// DescribeEvent renders an operator event in one canonical, deterministic
// line (the SUBSCRIBED snapshot is summarised by its counts):
//
//	SUBSCRIBED agents=3 frameworks=1 tasks=2 executors=0 heartbeat=15s
//	TASK_ADDED task t-1 "web" framework fw-1 agent a-1 TASK_STAGING
//	TASK_UPDATED framework fw-1 state TASK_RUNNING: task t-1 TASK_RUNNING (SOURCE_EXECUTOR) agent a-1
//	AGENT_ADDED agent a-1 host1:5051: cpus:4; mem:8192
//	FRAMEWORK_ADDED framework fw-1 "marathon" user=root roles=[*] active connected
func DescribeEvent(e *Event) string {
	var b strings.Builder
	b.WriteString(e.Type.String())
	switch e.Type {
	case EventSubscribed:
		if s := e.Subscribed; s != nil {
			var agents, frameworks, tasks, executors int
			if st := s.GetState; st != nil {
				if st.GetAgents != nil {
					agents = len(st.GetAgents.Agents)
				}
				if st.GetFrameworks != nil {
					frameworks = len(st.GetFrameworks.Frameworks)
				}
				if st.GetTasks != nil {
					tasks = len(st.GetTasks.Tasks)
				}
				if st.GetExecutors != nil {
					executors = len(st.GetExecutors.Executors)
				}
			}
			b.WriteString(" agents=" + strconv.Itoa(agents) + " frameworks=" + strconv.Itoa(frameworks) +
				" tasks=" + strconv.Itoa(tasks) + " executors=" + strconv.Itoa(executors))
			if s.HeartbeatIntervalSeconds != nil {
				b.WriteString(" heartbeat=" + strconv.FormatFloat(*s.HeartbeatIntervalSeconds, 'f', -1, 64) + "s")
			}
		}
	case EventTaskAdded:
		if e.TaskAdded != nil {
			t := &e.TaskAdded.Task
			b.WriteString(" task " + t.TaskID.Value + " " + strconv.Quote(t.Name) + " framework " + t.FrameworkID.Value +
				" agent " + t.AgentID.Value + " " + t.State.String())
		}
	case EventTaskUpdated:
		if u := e.TaskUpdated; u != nil {
			b.WriteString(" framework " + u.FrameworkID.Value + " state " + u.State.String() + ": ")
			b.WriteString(mesos.DescribeTaskStatus(&u.Status))
		}
	case EventAgentAdded:
		if e.AgentAdded != nil {
			b.WriteByte(' ')
			b.WriteString(mesos.DescribeAgentInfo(&e.AgentAdded.Agent.AgentInfo))
		}
	case EventAgentRemoved:
		if e.AgentRemoved != nil {
			b.WriteString(" agent " + e.AgentRemoved.AgentID.Value)
		}
	case EventFrameworkAdded, EventFrameworkUpdated:
		fe := e.FrameworkAdded
		if e.Type == EventFrameworkUpdated {
			fe = e.FrameworkUpdated
		}
		if fe != nil {
			b.WriteByte(' ')
			b.WriteString(mesos.DescribeFrameworkInfo(&fe.Framework.FrameworkInfo))
			if fe.Framework.Active {
				b.WriteString(" active")
			}
			if fe.Framework.Connected {
				b.WriteString(" connected")
			}
			if fe.Framework.Recovered != nil && *fe.Framework.Recovered {
				b.WriteString(" recovered")
			}
		}
	case EventFrameworkRemoved:
		if e.FrameworkRemoved != nil {
			b.WriteByte(' ')
			b.WriteString(mesos.DescribeFrameworkInfo(&e.FrameworkRemoved.FrameworkInfo))
		}
	}
	return b.String()
}
