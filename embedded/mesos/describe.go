package mesos

import (
	"strconv"
	"strings"
)

// The Describe functions give each state type its one canonical text
// rendering, used by logs, walkthrough scripts, the inspector and tests.
// They are deterministic: the same value always renders the same way,
// and values that differ from run to run (status update UUIDs,
// timestamps) are left out. Resources render as Mesos's operator<<
// ("cpus:2; mem:1024").

// DescribeTaskStatus renders a status update:
//
//	task t-1 TASK_FAILED (SOURCE_EXECUTOR, REASON_COMMAND_EXECUTOR_FAILED) agent a-1 executor e-1 healthy=false: "exit 1"
func DescribeTaskStatus(s *TaskStatus) string {
	var b strings.Builder
	b.WriteString("task ")
	b.WriteString(s.TaskID.Value)
	b.WriteByte(' ')
	b.WriteString(s.State.String())
	if s.Source != nil || s.Reason != nil {
		b.WriteString(" (")
		if s.Source != nil {
			b.WriteString(s.Source.String())
		}
		if s.Reason != nil {
			if s.Source != nil {
				b.WriteString(", ")
			}
			b.WriteString(s.Reason.String())
		}
		b.WriteByte(')')
	}
	if s.AgentID != nil {
		b.WriteString(" agent ")
		b.WriteString(s.AgentID.Value)
	}
	if s.ExecutorID != nil {
		b.WriteString(" executor ")
		b.WriteString(s.ExecutorID.Value)
	}
	if s.Healthy != nil {
		b.WriteString(" healthy=")
		b.WriteString(strconv.FormatBool(*s.Healthy))
	}
	if s.Message != "" {
		b.WriteString(": ")
		b.WriteString(strconv.Quote(s.Message))
	}
	return b.String()
}

// DescribeOffer renders an offer, with the role it is allocated to (or
// its framework for offers without allocation info):
//
//	offer o-3 agent a-1 (host1) → web: cpus:2; mem:1024
func DescribeOffer(o *Offer) string {
	var b strings.Builder
	b.WriteString("offer ")
	b.WriteString(o.ID.Value)
	b.WriteString(" agent ")
	b.WriteString(o.AgentID.Value)
	if o.Hostname != "" {
		b.WriteString(" (")
		b.WriteString(o.Hostname)
		b.WriteByte(')')
	}
	b.WriteString(" → ")
	if o.AllocationInfo != nil && o.AllocationInfo.Role != "" {
		b.WriteString(o.AllocationInfo.Role)
	} else {
		b.WriteString("framework ")
		b.WriteString(o.FrameworkID.Value)
	}
	b.WriteString(": ")
	b.WriteString(o.Resources.String())
	return b.String()
}

// DescribeTaskInfo renders a task to launch:
//
//	task t-1 "web" agent a-1: cpus:0.5; mem:128 command "sleep 100"
func DescribeTaskInfo(t *TaskInfo) string {
	var b strings.Builder
	b.WriteString("task ")
	b.WriteString(t.TaskID.Value)
	b.WriteByte(' ')
	b.WriteString(strconv.Quote(t.Name))
	b.WriteString(" agent ")
	b.WriteString(t.AgentID.Value)
	b.WriteString(": ")
	b.WriteString(t.Resources.String())
	if t.Command != nil {
		b.WriteByte(' ')
		b.WriteString(describeCommand(t.Command))
	}
	if t.Executor != nil {
		b.WriteString(" executor ")
		b.WriteString(t.Executor.ExecutorID.Value)
		if t.Executor.Command != nil {
			b.WriteByte(' ')
			b.WriteString(describeCommand(t.Executor.Command))
		}
	}
	if t.HealthCheck != nil {
		b.WriteString(" health_check ")
		b.WriteString(t.HealthCheck.Type.String())
	}
	if t.KillPolicy != nil && t.KillPolicy.GracePeriod != nil {
		b.WriteString(" grace_period ")
		b.WriteString(t.KillPolicy.GracePeriod.Duration().String())
	}
	return b.String()
}

func describeCommand(c *CommandInfo) string {
	if c.GetShell() {
		return "command " + strconv.Quote(c.GetValue())
	}
	parts := make([]string, 0, 1+len(c.Arguments))
	parts = append(parts, strconv.Quote(c.GetValue()))
	for _, a := range c.Arguments {
		parts = append(parts, strconv.Quote(a))
	}
	return "exec [" + strings.Join(parts, " ") + "]"
}

// DescribeFrameworkInfo renders a framework:
//
//	framework fw-1 "marathon" user=root roles=[web batch] capabilities=[MULTI_ROLE] checkpoint failover_timeout=604800s
//
// A framework without an ID (before its first SUBSCRIBED) shows "(new)".
func DescribeFrameworkInfo(f *FrameworkInfo) string {
	var b strings.Builder
	b.WriteString("framework ")
	if f.ID != nil && f.ID.Value != "" {
		b.WriteString(f.ID.Value)
	} else {
		b.WriteString("(new)")
	}
	b.WriteByte(' ')
	b.WriteString(strconv.Quote(f.Name))
	b.WriteString(" user=")
	b.WriteString(f.User)
	b.WriteString(" roles=[")
	b.WriteString(strings.Join(f.AllRoles(), " "))
	b.WriteByte(']')
	if len(f.Capabilities) > 0 {
		caps := make([]string, len(f.Capabilities))
		for i, c := range f.Capabilities {
			caps[i] = c.Type.String()
		}
		b.WriteString(" capabilities=[")
		b.WriteString(strings.Join(caps, " "))
		b.WriteByte(']')
	}
	if f.Principal != "" {
		b.WriteString(" principal=")
		b.WriteString(f.Principal)
	}
	if f.Checkpoint {
		b.WriteString(" checkpoint")
	}
	if f.FailoverTimeout != 0 {
		b.WriteString(" failover_timeout=")
		b.WriteString(strconv.FormatFloat(f.FailoverTimeout, 'f', -1, 64))
		b.WriteByte('s')
	}
	return b.String()
}

// DescribeAgentInfo renders an agent:
//
//	agent a-1 host1:5051: cpus:4; mem:8192; ports:[31000-32000] attributes: rack:r1; os:ubuntu
//
// An agent without an ID (before registration) shows "(new)".
func DescribeAgentInfo(a *AgentInfo) string {
	var b strings.Builder
	b.WriteString("agent ")
	if a.ID != nil && a.ID.Value != "" {
		b.WriteString(a.ID.Value)
	} else {
		b.WriteString("(new)")
	}
	b.WriteByte(' ')
	b.WriteString(a.Hostname)
	b.WriteByte(':')
	b.WriteString(strconv.Itoa(int(a.GetPort())))
	b.WriteString(": ")
	b.WriteString(a.Resources.String())
	if len(a.Attributes) > 0 {
		b.WriteString(" attributes: ")
		for i, at := range a.Attributes {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(at.String())
		}
	}
	if a.Domain != nil && a.Domain.FaultDomain != nil {
		b.WriteString(" domain: ")
		b.WriteString(a.Domain.FaultDomain.Region.Name)
		b.WriteByte('/')
		b.WriteString(a.Domain.FaultDomain.Zone.Name)
	}
	return b.String()
}
