package mesos

import (
	"testing"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

func TestDescribe(t *testing.T) {
	status := TaskStatus{TaskID: TaskID{Value: "t-1"}, State: TaskFailed, Source: SourcePtr(SourceExecutor),
		Reason: ReasonPtr(ReasonCommandExecutorFailed), AgentID: &AgentID{Value: "a-1"}, ExecutorID: &ExecutorID{Value: "e-1"},
		Healthy: ptr(false), Message: "exit 1", UUID: []byte("0123456789abcdef"), Timestamp: 1234.5}
	offer := Offer{ID: OfferID{Value: "o-3"}, FrameworkID: FrameworkID{Value: "f-1"}, AgentID: AgentID{Value: "a-1"}, Hostname: "host1",
		Resources: ResourcesOf(resources.MustParse("cpus:2;mem:1024")), AllocationInfo: &resources.AllocationInfo{Role: "web"}}
	task := TaskInfo{Name: "web", TaskID: TaskID{Value: "t-1"}, AgentID: AgentID{Value: "a-1"},
		Resources: ResourcesOf(resources.MustParse("cpus:0.5;mem:128")), Command: ShellCommand("sleep 100"),
		HealthCheck: &HealthCheck{Type: HealthCheckHTTP}, KillPolicy: &KillPolicy{GracePeriod: DurationOf(5e9)}}
	execTask := TaskInfo{Name: "x", TaskID: TaskID{Value: "t-2"}, AgentID: AgentID{Value: "a-1"},
		Executor: &ExecutorInfo{ExecutorID: ExecutorID{Value: "ex"}, Command: &CommandInfo{Shell: ptr(false), Value: ptr("/bin/ex"), Arguments: []string{"ex", "--v"}}}}
	fw := FrameworkInfo{User: "root", Name: "marathon", ID: &FrameworkID{Value: "fw-1"}, Roles: []string{"web", "batch"},
		Capabilities: []FrameworkCapability{{Type: FrameworkMultiRole}}, Checkpoint: true, FailoverTimeout: 604800, Principal: "ops"}
	agent := AgentInfo{Hostname: "host1", ID: &AgentID{Value: "a-1"}, Resources: ResourcesOf(resources.MustParse("cpus:4;mem:8192;ports:[31000-32000]")),
		Attributes: []Attribute{{Name: "rack", Type: ValueText, Text: &Text{Value: "r1"}}, {Name: "level", Type: ValueScalar, Scalar: &Scalar{Value: 2.5}},
			{Name: "slots", Type: ValueRanges, Ranges: &Ranges{Range: []Range{{Begin: 1, End: 4}}}}, {Name: "zones", Type: ValueSet, Set: &Set{Item: []string{"a", "b"}}}},
		Domain: &DomainInfo{FaultDomain: &FaultDomain{Region: NamedInfo{Name: "eu"}, Zone: NamedInfo{Name: "eu-1"}}}}
	tests := []struct {
		got, want string
	}{
		{DescribeTaskStatus(&status), `task t-1 TASK_FAILED (SOURCE_EXECUTOR, REASON_COMMAND_EXECUTOR_FAILED) agent a-1 executor e-1 healthy=false: "exit 1"`},
		{DescribeTaskStatus(&TaskStatus{TaskID: TaskID{Value: "t"}, State: TaskRunning}), `task t TASK_RUNNING`},
		{DescribeTaskStatus(&TaskStatus{TaskID: TaskID{Value: "t"}, State: TaskLost, Reason: ReasonPtr(ReasonReconciliation)}), `task t TASK_LOST (REASON_RECONCILIATION)`},
		{DescribeOffer(&offer), `offer o-3 agent a-1 (host1) → web: cpus:2; mem:1024`},
		{DescribeOffer(&Offer{ID: OfferID{Value: "o"}, FrameworkID: FrameworkID{Value: "f"}, AgentID: AgentID{Value: "a"}}), `offer o agent a → framework f: {}`},
		{DescribeTaskInfo(&task), `task t-1 "web" agent a-1: cpus:0.5; mem:128 command "sleep 100" health_check HTTP grace_period 5s`},
		{DescribeTaskInfo(&execTask), `task t-2 "x" agent a-1: {} executor ex exec ["/bin/ex" "ex" "--v"]`},
		{DescribeFrameworkInfo(&fw), `framework fw-1 "marathon" user=root roles=[web batch] capabilities=[MULTI_ROLE] principal=ops checkpoint failover_timeout=604800s`},
		{DescribeFrameworkInfo(&FrameworkInfo{User: "u", Name: "n"}), `framework (new) "n" user=u roles=[*]`},
		{DescribeAgentInfo(&agent), `agent a-1 host1:5051: cpus:4; mem:8192; ports:[31000-32000] attributes: rack:r1; level:2.5; slots:[1-4]; zones:{a, b} domain: eu/eu-1`},
		{DescribeAgentInfo(&AgentInfo{Hostname: "h", Port: 5052}), `agent (new) h:5052: {}`},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("Describe = %q, want %q", tc.got, tc.want)
		}
	}
}
