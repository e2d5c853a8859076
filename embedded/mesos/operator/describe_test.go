package operator

import (
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

func TestDescribeEvent(t *testing.T) {
	fw := mesos.FrameworkInfo{User: "root", Name: "marathon", ID: &mesos.FrameworkID{Value: "fw-1"}}
	tests := []struct {
		e    Event
		want string
	}{
		{Event{Type: EventSubscribed, Subscribed: &Subscribed{GetState: getState(3, 2).GetState, HeartbeatIntervalSeconds: ptr(15.0)}},
			"SUBSCRIBED agents=3 frameworks=10 tasks=2 executors=0 heartbeat=15s"},
		{Event{Type: EventSubscribed, Subscribed: &Subscribed{}}, "SUBSCRIBED agents=0 frameworks=0 tasks=0 executors=0"},
		{Event{Type: EventTaskAdded, TaskAdded: &TaskAdded{Task: mesos.Task{Name: "web", TaskID: mesos.TaskID{Value: "t-1"},
			FrameworkID: *fw.ID, AgentID: agentID, State: mesos.TaskStaging}}},
			`TASK_ADDED task t-1 "web" framework fw-1 agent a-1 TASK_STAGING`},
		{Event{Type: EventTaskUpdated, TaskUpdated: &TaskUpdated{FrameworkID: *fw.ID, State: mesos.TaskFinished, Status: mesos.TaskStatus{
			TaskID: mesos.TaskID{Value: "t-1"}, State: mesos.TaskRunning, Source: mesos.SourcePtr(mesos.SourceExecutor), AgentID: &agentID}}},
			"TASK_UPDATED framework fw-1 state TASK_FINISHED: task t-1 TASK_RUNNING (SOURCE_EXECUTOR) agent a-1"},
		{Event{Type: EventAgentAdded, AgentAdded: &AgentAdded{Agent: Agent{AgentInfo: mesos.AgentInfo{Hostname: "host1", ID: &agentID,
			Resources: mesos.ResourcesOf(resources.MustParse("cpus:4;mem:8192"))}}}},
			"AGENT_ADDED agent a-1 host1:5051: cpus:4; mem:8192"},
		{Event{Type: EventAgentRemoved, AgentRemoved: &AgentRemoved{AgentID: agentID}}, "AGENT_REMOVED agent a-1"},
		{Event{Type: EventFrameworkAdded, FrameworkAdded: &FrameworkEvent{Framework: Framework{FrameworkInfo: fw, Active: true, Connected: true}}},
			`FRAMEWORK_ADDED framework fw-1 "marathon" user=root roles=[*] active connected`},
		{Event{Type: EventFrameworkUpdated, FrameworkUpdated: &FrameworkEvent{Framework: Framework{FrameworkInfo: fw, Recovered: ptr(true)}}},
			`FRAMEWORK_UPDATED framework fw-1 "marathon" user=root roles=[*] recovered`},
		{Event{Type: EventFrameworkRemoved, FrameworkRemoved: &FrameworkRemoved{FrameworkInfo: fw}}, `FRAMEWORK_REMOVED framework fw-1 "marathon" user=root roles=[*]`},
		{Event{Type: EventHeartbeat}, "HEARTBEAT"},
	}
	for _, tc := range tests {
		if got := DescribeEvent(&tc.e); got != tc.want {
			t.Errorf("DescribeEvent(%v) = %q, want %q", tc.e.Type, got, tc.want)
		}
	}
}
