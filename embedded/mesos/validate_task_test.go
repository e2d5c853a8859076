package mesos

import (
	"errors"
	"strings"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

func validTask() TaskInfo {
	return TaskInfo{Name: "t", TaskID: TaskID{Value: "t-1"}, AgentID: AgentID{Value: "a-1"},
		Resources: ResourcesOf(resources.MustParse("cpus:1")), Command: ShellCommand("true")}
}

// checkErr reports whether err matches wantErr: "" means no error, else a
// substring of the message; every error must wrap ErrInvalid.
func checkErr(t *testing.T, what string, err error, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Errorf("%s = %v, want nil", what, err)
	case wantErr != "" && err == nil:
		t.Errorf("%s = nil, want an error containing %q", what, wantErr)
	case wantErr != "" && !strings.Contains(err.Error(), wantErr):
		t.Errorf("%s = %q, want an error containing %q", what, err, wantErr)
	case err != nil && !errors.Is(err, ErrInvalid):
		t.Errorf("%s = %v, which does not wrap ErrInvalid", what, err)
	}
}

func TestValidateTaskInfo(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(*TaskInfo)
		wantErr string
	}{
		{"valid", func(*TaskInfo) {}, ""},
		{"empty task id", func(ti *TaskInfo) { ti.TaskID.Value = "" }, "task_id.value: empty value"},
		{"slash in task id", func(ti *TaskInfo) { ti.TaskID.Value = "a/b" }, "task_id.value: 'a/b' contains invalid characters"},
		{"dot task id", func(ti *TaskInfo) { ti.TaskID.Value = ".." }, "'..' is disallowed"},
		{"long task id", func(ti *TaskInfo) { ti.TaskID.Value = strings.Repeat("x", 256) }, "greater than 255"},
		{"empty agent id", func(ti *TaskInfo) { ti.AgentID.Value = "" }, "agent_id.value: empty value"},
		{"neither command nor executor", func(ti *TaskInfo) { ti.Command = nil }, "at least one (but not both)"},
		{"both", func(ti *TaskInfo) { ti.Executor = &ExecutorInfo{ExecutorID: ExecutorID{Value: "e"}} }, "at least one (but not both)"},
		{"shell without value", func(ti *TaskInfo) { ti.Command = &CommandInfo{} }, "command.value: expecting 'value' to be present"},
		{"uri without value", func(ti *TaskInfo) { ti.Command.URIs = []CommandURI{{Value: "x"}, {}} }, "command.uris[1].value: empty value"},
		{"env value missing", func(ti *TaskInfo) {
			ti.Command.Environment = &Environment{Variables: []EnvironmentVariable{{Name: "A"}}}
		}, "command.environment.variables[0]: environment variable 'A' of type 'VALUE' must have a value set"},
		{"env secret invalid", func(ti *TaskInfo) {
			ti.Command.Environment = &Environment{Variables: []EnvironmentVariable{{Name: "S", Type: ptr(VariableSecret), Secret: &Secret{Type: SecretTypeValue}}}}
		}, "command.environment.variables[0].secret.value: secret of type VALUE must have the 'value' field set"},
		{"unknown env type", func(ti *TaskInfo) {
			ti.Command.Environment = &Environment{Variables: []EnvironmentVariable{{Name: "A", Type: ptr(VariableType(7)), Value: ptr("")}}}
		}, "command.environment.variables[0].type: unknown value Environment.Variable.Type(7)"},
		{"executor without id", func(ti *TaskInfo) { ti.Command = nil; ti.Executor = &ExecutorInfo{} }, "executor.executor_id.value: empty value"},
		{"custom executor without command", func(ti *TaskInfo) {
			ti.Command = nil
			ti.Executor = &ExecutorInfo{ExecutorID: ExecutorID{Value: "e"}, Type: ExecutorCustom}
		}, "executor.command: expecting 'command' to be present"},
		{"unknown container type", func(ti *TaskInfo) { ti.Container = &ContainerInfo{Type: 9} }, "container.type: unknown value"},
		{"health check without type", func(ti *TaskInfo) { ti.HealthCheck = &HealthCheck{} }, "health_check.type: HealthCheck must specify 'type'"},
		{"http check without body", func(ti *TaskInfo) { ti.HealthCheck = &HealthCheck{Type: HealthCheckHTTP} }, "health_check.http:"},
		{"http check bad path", func(ti *TaskInfo) {
			ti.HealthCheck = &HealthCheck{Type: HealthCheckHTTP, HTTP: &HTTPCheckInfo{Port: 80, Path: "health"}}
		}, "health_check.http.path: the path 'health' of HTTP health check must start with '/'"},
		{"negative interval", func(ti *TaskInfo) {
			ti.HealthCheck = &HealthCheck{Type: HealthCheckTCP, TCP: &TCPCheckInfo{Port: 1}, IntervalSeconds: ptr(-1.0)}
		}, "health_check.interval_seconds: expecting 'interval_seconds' to be non-negative"},
		{"negative grace period", func(ti *TaskInfo) { ti.KillPolicy = &KillPolicy{GracePeriod: &DurationInfo{Nanoseconds: -1}} }, "kill_policy.grace_period:"},
		{"negative max completion", func(ti *TaskInfo) { ti.MaxCompletionTime = &DurationInfo{Nanoseconds: -1} }, "max_completion_time: must be non-negative"},
		{"data too large", func(ti *TaskInfo) { ti.Data = make([]byte, MaxDataBytes+1) }, "data: 4194305 bytes exceed the limit"},
	}
	for _, tc := range tests {
		ti := validTask()
		tc.mod(&ti)
		checkErr(t, tc.name+": Validate()", ti.Validate(), tc.wantErr)
	}
}

func TestValidateTaskGroup(t *testing.T) {
	tests := []struct {
		name    string
		g       TaskGroupInfo
		wantErr string
	}{
		{"valid", TaskGroupInfo{Tasks: []TaskInfo{validTask()}}, ""},
		{"no command is fine", TaskGroupInfo{Tasks: []TaskInfo{{Name: "x", TaskID: TaskID{Value: "x"}, AgentID: AgentID{Value: "a"}}}}, ""},
		{"empty", TaskGroupInfo{}, "tasks: task group must contain at least one task"},
		{"duplicate", TaskGroupInfo{Tasks: []TaskInfo{validTask(), validTask()}}, "tasks[1].task_id: duplicate task ID \"t-1\""},
		{"bad task id", TaskGroupInfo{Tasks: []TaskInfo{validTask(), {AgentID: AgentID{Value: "a"}}}}, "tasks[1].task_id.value: empty value"},
		{"bad command", TaskGroupInfo{Tasks: []TaskInfo{{TaskID: TaskID{Value: "x"}, AgentID: AgentID{Value: "a"}, Command: &CommandInfo{}}}}, "tasks[0].command.value: expecting"},
	}
	for _, tc := range tests {
		checkErr(t, tc.name+": Validate()", tc.g.Validate(), tc.wantErr)
	}
}

func TestValidateOfferOperation(t *testing.T) {
	ex := ExecutorInfo{ExecutorID: ExecutorID{Value: "e"}, Type: ExecutorDefault}
	rs := ResourcesOf(resources.MustParse("cpus(web):1"))
	tests := []struct {
		name    string
		o       OfferOperation
		wantErr string
	}{
		{"launch", OfferOperation{Type: OperationLaunch, Launch: &LaunchOperation{TaskInfos: []TaskInfo{validTask()}}}, ""},
		{"launch group", OfferOperation{Type: OperationLaunchGroup, LaunchGroup: &LaunchGroupOperation{Executor: ex, TaskGroup: TaskGroupInfo{Tasks: []TaskInfo{validTask()}}}}, ""},
		{"reserve", OfferOperation{Type: OperationReserve, Reserve: &ReserveOperation{Resources: rs}}, ""},
		{"unreserve", OfferOperation{Type: OperationUnreserve, Unreserve: &UnreserveOperation{Resources: rs}}, ""},
		{"unknown type", OfferOperation{}, "type: unknown operation"},
		{"undefined type", OfferOperation{Type: 99}, "type: unknown value Offer.Operation.Type(99)"},
		{"bad id", OfferOperation{Type: OperationReserve, ID: &OperationID{}, Reserve: &ReserveOperation{Resources: rs}}, "id.value: empty value"},
		{"launch missing", OfferOperation{Type: OperationLaunch}, "launch: expecting 'launch' to be present"},
		{"launch bad task", OfferOperation{Type: OperationLaunch, Launch: &LaunchOperation{TaskInfos: []TaskInfo{validTask(), {}}}}, "launch.task_infos[1].task_id.value: empty value"},
		{"launch group missing", OfferOperation{Type: OperationLaunchGroup}, "launch_group: expecting"},
		{"launch group untyped executor", OfferOperation{Type: OperationLaunchGroup, LaunchGroup: &LaunchGroupOperation{Executor: ExecutorInfo{ExecutorID: ExecutorID{Value: "e"}}, TaskGroup: TaskGroupInfo{Tasks: []TaskInfo{validTask()}}}}, "launch_group.executor.type: 'ExecutorInfo.type' must be set"},
		{"launch group other executor", OfferOperation{Type: OperationLaunchGroup, LaunchGroup: &LaunchGroupOperation{Executor: ex, TaskGroup: TaskGroupInfo{Tasks: []TaskInfo{func() TaskInfo {
			ti := validTask()
			ti.Executor = &ExecutorInfo{ExecutorID: ExecutorID{Value: "other"}}
			return ti
		}()}}}}, "launch_group.task_group.tasks[0].executor: the ExecutorInfo of task 't-1' is different from executor 'e'"},
		{"launch group empty", OfferOperation{Type: OperationLaunchGroup, LaunchGroup: &LaunchGroupOperation{Executor: ex}}, "launch_group.task_group.tasks: task group must contain at least one task"},
		{"reserve missing", OfferOperation{Type: OperationReserve}, "reserve: expecting"},
		{"reserve empty", OfferOperation{Type: OperationReserve, Reserve: &ReserveOperation{}}, "reserve.resources: empty resources"},
		{"unreserve empty", OfferOperation{Type: OperationUnreserve, Unreserve: &UnreserveOperation{}}, "unreserve.resources: empty resources"},
		{"create empty", OfferOperation{Type: OperationCreate, Create: &CreateOperation{}}, "create.volumes: empty volumes"},
		{"destroy missing", OfferOperation{Type: OperationDestroy}, "destroy: expecting"},
		{"grow missing", OfferOperation{Type: OperationGrowVolume}, "grow_volume: expecting"},
		{"shrink zero", OfferOperation{Type: OperationShrinkVolume, ShrinkVolume: &ShrinkVolumeOperation{}}, "shrink_volume.subtract: value must be positive"},
		{"create disk missing", OfferOperation{Type: OperationCreateDisk}, "create_disk: expecting"},
		{"destroy disk missing", OfferOperation{Type: OperationDestroyDisk}, "destroy_disk: expecting"},
	}
	for _, tc := range tests {
		checkErr(t, tc.name+": Validate()", tc.o.Validate(), tc.wantErr)
	}
}
