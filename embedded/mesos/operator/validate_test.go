package operator

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

func ptr[T any](v T) *T { return &v }

var agentID = mesos.AgentID{Value: "a-1"}

func volume(t *testing.T) resources.Resource {
	t.Helper()
	var r resources.Resource
	if err := json.Unmarshal([]byte(`{"name":"disk","type":"SCALAR","scalar":{"value":64},"reservations":[{"type":"DYNAMIC","role":"web","principal":"ops"}],"disk":{"persistence":{"id":"v1","principal":"ops"},"volume":{"mode":"RW","container_path":"data"}}}`), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func checkValidate(t *testing.T, name string, err error, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Errorf("%s: Validate() = %v, want nil", name, err)
	case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
		t.Errorf("%s: Validate() = %v, want an error containing %q", name, err, wantErr)
	case err != nil && !errors.Is(err, mesos.ErrInvalid):
		t.Errorf("%s: Validate() = %v, which does not wrap mesos.ErrInvalid", name, err)
	}
}

func TestCallValidate(t *testing.T) {
	vol := volume(t)
	reserved := mesos.ResourcesOf(resources.MustParse("cpus(web):1"))
	vols := mesos.ResourcesOf(resources.Must(vol))
	tests := []struct {
		name    string
		call    Call
		wantErr string
	}{
		{"no type", Call{}, "operator: call UNKNOWN: type: expecting 'type' to be present"},
		{"undefined type", Call{Type: 30000}, "type: unknown value master.Call.Type(30000)"},
		{"GET_HEALTH", Call{Type: CallGetHealth}, ""},
		{"GET_FLAGS", Call{Type: CallGetFlags}, ""},
		{"GET_VERSION", Call{Type: CallGetVersion}, ""},
		{"GET_METRICS", Call{Type: CallGetMetrics, GetMetrics: &GetMetrics{Timeout: &mesos.DurationInfo{Nanoseconds: 5e9}}}, ""},
		{"GET_METRICS missing", Call{Type: CallGetMetrics}, "operator: call GET_METRICS: get_metrics: expecting 'get_metrics' to be present"},
		{"GET_METRICS negative", Call{Type: CallGetMetrics, GetMetrics: &GetMetrics{Timeout: &mesos.DurationInfo{Nanoseconds: -1}}}, "get_metrics.timeout: must be non-negative"},
		{"GET_LOGGING_LEVEL", Call{Type: CallGetLoggingLevel}, ""},
		{"SET_LOGGING_LEVEL", Call{Type: CallSetLoggingLevel, SetLoggingLevel: &SetLoggingLevel{Level: 1, Duration: mesos.DurationInfo{Nanoseconds: 6e10}}}, ""},
		{"SET_LOGGING_LEVEL missing", Call{Type: CallSetLoggingLevel}, "set_logging_level: expecting"},
		{"SET_LOGGING_LEVEL negative", Call{Type: CallSetLoggingLevel, SetLoggingLevel: &SetLoggingLevel{Duration: mesos.DurationInfo{Nanoseconds: -1}}}, "set_logging_level.duration: must be non-negative"},
		{"LIST_FILES", Call{Type: CallListFiles, ListFiles: &ListFiles{Path: "/master/log"}}, ""},
		{"LIST_FILES missing", Call{Type: CallListFiles}, "list_files: expecting"},
		{"LIST_FILES empty path", Call{Type: CallListFiles, ListFiles: &ListFiles{}}, "list_files.path: empty value"},
		{"READ_FILE", Call{Type: CallReadFile, ReadFile: &ReadFile{Path: "/master/log", Offset: 0, Length: ptr(uint64(100))}}, ""},
		{"READ_FILE missing", Call{Type: CallReadFile}, "read_file: expecting"},
		{"READ_FILE escape", Call{Type: CallReadFile, ReadFile: &ReadFile{Path: "../../etc/passwd"}}, `read_file.path: invalid path "../../etc/passwd"`},
		{"GET_STATE", Call{Type: CallGetState}, ""},
		{"GET_AGENTS", Call{Type: CallGetAgents}, ""},
		{"GET_FRAMEWORKS", Call{Type: CallGetFrameworks}, ""},
		{"GET_EXECUTORS", Call{Type: CallGetExecutors}, ""},
		{"GET_OPERATIONS", Call{Type: CallGetOperations}, ""},
		{"GET_TASKS", Call{Type: CallGetTasks}, ""},
		{"GET_ROLES", Call{Type: CallGetRoles}, ""},
		{"GET_WEIGHTS", Call{Type: CallGetWeights}, ""},
		{"UPDATE_WEIGHTS", Call{Type: CallUpdateWeights, UpdateWeights: &UpdateWeights{WeightInfos: []mesos.WeightInfo{{Role: "web", Weight: 2}}}}, ""},
		{"UPDATE_WEIGHTS missing", Call{Type: CallUpdateWeights}, "update_weights: expecting"},
		{"UPDATE_WEIGHTS zero", Call{Type: CallUpdateWeights, UpdateWeights: &UpdateWeights{WeightInfos: []mesos.WeightInfo{{Role: "web", Weight: 2}, {Role: "b", Weight: 0}}}}, "update_weights.weight_infos[1].weight: weight must be a positive number, got 0"},
		{"UPDATE_WEIGHTS no role", Call{Type: CallUpdateWeights, UpdateWeights: &UpdateWeights{WeightInfos: []mesos.WeightInfo{{Weight: 1}}}}, "update_weights.weight_infos[0].role: empty value"},
		{"GET_MASTER", Call{Type: CallGetMaster}, ""},
		{"SUBSCRIBE", Call{Type: CallSubscribe}, ""},
		{"RESERVE_RESOURCES", Call{Type: CallReserveResources, ReserveResources: &ReserveResources{AgentID: agentID, Resources: reserved}}, ""},
		{"RESERVE_RESOURCES missing", Call{Type: CallReserveResources}, "reserve_resources: expecting"},
		{"RESERVE_RESOURCES no agent", Call{Type: CallReserveResources, ReserveResources: &ReserveResources{Resources: reserved}}, "reserve_resources.agent_id.value: empty value"},
		{"RESERVE_RESOURCES empty", Call{Type: CallReserveResources, ReserveResources: &ReserveResources{AgentID: agentID}}, "reserve_resources.resources: empty resources"},
		{"UNRESERVE_RESOURCES", Call{Type: CallUnreserveResources, UnreserveResources: &UnreserveResources{AgentID: agentID, Resources: reserved}}, ""},
		{"UNRESERVE_RESOURCES missing", Call{Type: CallUnreserveResources}, "unreserve_resources: expecting"},
		{"UNRESERVE_RESOURCES empty", Call{Type: CallUnreserveResources, UnreserveResources: &UnreserveResources{AgentID: agentID}}, "unreserve_resources.resources: empty resources"},
		{"CREATE_VOLUMES", Call{Type: CallCreateVolumes, CreateVolumes: &CreateVolumes{AgentID: agentID, Volumes: vols}}, ""},
		{"CREATE_VOLUMES missing", Call{Type: CallCreateVolumes}, "create_volumes: expecting"},
		{"CREATE_VOLUMES not a volume", Call{Type: CallCreateVolumes, CreateVolumes: &CreateVolumes{AgentID: agentID, Volumes: reserved}}, "create_volumes.volumes[0]: not a persistent volume"},
		{"DESTROY_VOLUMES", Call{Type: CallDestroyVolumes, DestroyVolumes: &DestroyVolumes{AgentID: agentID, Volumes: vols}}, ""},
		{"DESTROY_VOLUMES missing", Call{Type: CallDestroyVolumes}, "destroy_volumes: expecting"},
		{"DESTROY_VOLUMES empty", Call{Type: CallDestroyVolumes, DestroyVolumes: &DestroyVolumes{AgentID: agentID}}, "destroy_volumes.volumes: empty volumes"},
		{"GROW_VOLUME", Call{Type: CallGrowVolume, GrowVolume: &GrowVolume{AgentID: &agentID, Volume: vol, Addition: reserved.At(0)}}, ""},
		{"GROW_VOLUME missing", Call{Type: CallGrowVolume}, "grow_volume: expecting"},
		{"GROW_VOLUME no agent", Call{Type: CallGrowVolume, GrowVolume: &GrowVolume{Volume: vol}}, "grow_volume.agent_id: expecting 'agent_id' to be present; only agent default resources are supported right now"},
		{"GROW_VOLUME invalid volume", Call{Type: CallGrowVolume, GrowVolume: &GrowVolume{AgentID: &agentID}}, "grow_volume.volume:"},
		{"SHRINK_VOLUME", Call{Type: CallShrinkVolume, ShrinkVolume: &ShrinkVolume{AgentID: &agentID, Volume: vol, Subtract: mesos.Scalar{Value: 1}}}, ""},
		{"SHRINK_VOLUME missing", Call{Type: CallShrinkVolume}, "shrink_volume: expecting"},
		{"SHRINK_VOLUME zero", Call{Type: CallShrinkVolume, ShrinkVolume: &ShrinkVolume{AgentID: &agentID, Volume: vol}}, "shrink_volume.subtract.value: must be positive"},
		{"GET_MAINTENANCE_STATUS", Call{Type: CallGetMaintenanceStatus}, ""},
		{"GET_MAINTENANCE_SCHEDULE", Call{Type: CallGetMaintenanceSchedule}, ""},
		{"UPDATE_MAINTENANCE_SCHEDULE", Call{Type: CallUpdateMaintenanceSchedule, UpdateMaintenanceSchedule: &UpdateMaintenanceSchedule{Schedule: Schedule{Windows: []Window{
			{MachineIDs: []mesos.MachineID{{Hostname: "h"}}, Unavailability: mesos.Unavailability{Start: mesos.TimeInfo{Nanoseconds: 1}}}}}}}, ""},
		{"UPDATE_MAINTENANCE_SCHEDULE missing", Call{Type: CallUpdateMaintenanceSchedule}, "update_maintenance_schedule: expecting"},
		{"UPDATE_MAINTENANCE_SCHEDULE empty window", Call{Type: CallUpdateMaintenanceSchedule, UpdateMaintenanceSchedule: &UpdateMaintenanceSchedule{Schedule: Schedule{Windows: []Window{{}}}}},
			"update_maintenance_schedule.schedule.windows[0].machine_ids: list of machines in the maintenance window is empty"},
		{"START_MAINTENANCE", Call{Type: CallStartMaintenance, StartMaintenance: &Machines{Machines: []mesos.MachineID{{IP: "10.0.0.1"}}}}, ""},
		{"START_MAINTENANCE missing", Call{Type: CallStartMaintenance}, "start_maintenance: expecting"},
		{"START_MAINTENANCE empty machine", Call{Type: CallStartMaintenance, StartMaintenance: &Machines{Machines: []mesos.MachineID{{}}}}, "start_maintenance.machines[0]: one of 'hostname' or 'ip' must be set"},
		{"STOP_MAINTENANCE", Call{Type: CallStopMaintenance, StopMaintenance: &Machines{}}, ""},
		{"STOP_MAINTENANCE missing", Call{Type: CallStopMaintenance}, "stop_maintenance: expecting"},
		{"DRAIN_AGENT", Call{Type: CallDrainAgent, DrainAgent: &DrainAgent{AgentID: agentID, MaxGracePeriod: &Duration{Seconds: 60}, MarkGone: true}}, ""},
		{"DRAIN_AGENT missing", Call{Type: CallDrainAgent}, "drain_agent: expecting"},
		{"DRAIN_AGENT negative", Call{Type: CallDrainAgent, DrainAgent: &DrainAgent{AgentID: agentID, MaxGracePeriod: &Duration{Seconds: -1}}}, "drain_agent.max_grace_period: must be non-negative"},
		{"DEACTIVATE_AGENT", Call{Type: CallDeactivateAgent, DeactivateAgent: &AgentRef{AgentID: agentID}}, ""},
		{"DEACTIVATE_AGENT missing", Call{Type: CallDeactivateAgent}, "deactivate_agent: expecting 'deactivate_agent' to be present"},
		{"REACTIVATE_AGENT", Call{Type: CallReactivateAgent, ReactivateAgent: &AgentRef{AgentID: agentID}}, ""},
		{"REACTIVATE_AGENT bad id", Call{Type: CallReactivateAgent, ReactivateAgent: &AgentRef{}}, "reactivate_agent.agent_id.value: empty value"},
		{"GET_QUOTA", Call{Type: CallGetQuota}, ""},
		{"UPDATE_QUOTA", Call{Type: CallUpdateQuota, UpdateQuota: &UpdateQuota{QuotaConfigs: []QuotaConfig{{Role: "web",
			Guarantees: map[string]mesos.Scalar{"cpus": {Value: 1}}, Limits: map[string]mesos.Scalar{"cpus": {Value: 2}}}}}}, ""},
		{"UPDATE_QUOTA missing", Call{Type: CallUpdateQuota}, "update_quota: expecting"},
		{"UPDATE_QUOTA star", Call{Type: CallUpdateQuota, UpdateQuota: &UpdateQuota{QuotaConfigs: []QuotaConfig{{Role: "*"}}}}, "update_quota.quota_configs[0].role: setting quota for the default '*' role is not supported"},
		{"UPDATE_QUOTA guarantee above limit", Call{Type: CallUpdateQuota, UpdateQuota: &UpdateQuota{QuotaConfigs: []QuotaConfig{{Role: "web",
			Guarantees: map[string]mesos.Scalar{"cpus": {Value: 3}, "mem": {Value: 1}}, Limits: map[string]mesos.Scalar{"cpus": {Value: 2}}}}}}, `update_quota.quota_configs[0].guarantees["cpus"]: guarantee 3 exceeds limit 2`},
		{"UPDATE_QUOTA negative", Call{Type: CallUpdateQuota, UpdateQuota: &UpdateQuota{QuotaConfigs: []QuotaConfig{{Role: "web", Limits: map[string]mesos.Scalar{"mem": {Value: -1}}}}}}, `update_quota.quota_configs[0].limits["mem"]: must be a non-negative number`},
		{"SET_QUOTA", Call{Type: CallSetQuota, SetQuota: &SetQuota{QuotaRequest: QuotaRequest{Role: "web", Guarantee: mesos.ResourcesOf(resources.MustParse("cpus:1"))}}}, ""},
		{"SET_QUOTA missing", Call{Type: CallSetQuota}, "set_quota: expecting"},
		{"SET_QUOTA bad role", Call{Type: CallSetQuota, SetQuota: &SetQuota{QuotaRequest: QuotaRequest{Role: "a b"}}}, "set_quota.quota_request.role: invalid role"},
		{"REMOVE_QUOTA", Call{Type: CallRemoveQuota, RemoveQuota: &RemoveQuota{Role: "web"}}, ""},
		{"REMOVE_QUOTA missing", Call{Type: CallRemoveQuota}, "remove_quota: expecting"},
		{"REMOVE_QUOTA empty", Call{Type: CallRemoveQuota, RemoveQuota: &RemoveQuota{}}, "remove_quota.role: empty value"},
		{"TEARDOWN", Call{Type: CallTeardown, Teardown: &Teardown{FrameworkID: mesos.FrameworkID{Value: "f"}}}, ""},
		{"TEARDOWN missing", Call{Type: CallTeardown}, "teardown: expecting 'teardown' to be present"},
		{"TEARDOWN empty id", Call{Type: CallTeardown, Teardown: &Teardown{}}, "teardown.framework_id.value: empty value"},
		{"MARK_AGENT_GONE", Call{Type: CallMarkAgentGone, MarkAgentGone: &AgentRef{AgentID: agentID}}, ""},
		{"MARK_AGENT_GONE missing", Call{Type: CallMarkAgentGone}, "mark_agent_gone: expecting"},
	}
	covered := map[CallType]bool{}
	for _, tc := range tests {
		covered[tc.call.Type] = true
		checkValidate(t, tc.name, tc.call.Validate(), tc.wantErr)
	}
	for v := CallType(1); v < 50; v++ {
		if v.IsKnown() && !covered[v] {
			t.Errorf("no validation case for %v", v)
		}
	}
}

func TestAgentCallValidate(t *testing.T) {
	tests := []struct {
		name    string
		call    AgentCall
		wantErr string
	}{
		{"no type", AgentCall{}, "operator: agent call UNKNOWN: type: expecting 'type' to be present"},
		{"undefined", AgentCall{Type: 999}, "type: unknown value"},
		{"GET_STATE", AgentCall{Type: AgentCallGetState}, ""},
		{"GET_CONTAINERS", AgentCall{Type: AgentCallGetContainers, GetContainers: &GetContainersCall{ShowNested: true}}, ""},
		{"GET_HEALTH", AgentCall{Type: AgentCallGetHealth}, ""},
		{"GET_TASKS", AgentCall{Type: AgentCallGetTasks}, ""},
		{"GET_EXECUTORS", AgentCall{Type: AgentCallGetExecutors}, ""},
		{"GET_FRAMEWORKS", AgentCall{Type: AgentCallGetFrameworks}, ""},
		{"GET_METRICS missing", AgentCall{Type: AgentCallGetMetrics}, "get_metrics: expecting"},
		{"SET_LOGGING_LEVEL missing", AgentCall{Type: AgentCallSetLoggingLevel}, "set_logging_level: expecting"},
		{"LIST_FILES empty", AgentCall{Type: AgentCallListFiles, ListFiles: &ListFiles{}}, "list_files.path: empty value"},
		{"READ_FILE missing", AgentCall{Type: AgentCallReadFile}, "read_file: expecting"},
		{"KILL_CONTAINER missing", AgentCall{Type: AgentCallKillContainer}, "kill_container: expecting 'kill_container' to be present"},
		{"KILL_CONTAINER", AgentCall{Type: AgentCallKillContainer, KillContainer: json.RawMessage(`{"container_id":{"value":"c"}}`)}, ""},
	}
	for _, tc := range tests {
		checkValidate(t, tc.name, tc.call.Validate(), tc.wantErr)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		decode  func([]byte) error
		in      string
		wantErr string
	}{
		{func(b []byte) error { _, err := DecodeCall(b); return err }, `{"type":"GET_EVERYTHING"}`, `operator: decode call: type: unknown master.Call.Type "GET_EVERYTHING"`},
		{func(b []byte) error { _, err := DecodeResponse(b); return err }, `{"type":"GET_STATE","get_state":{"get_tasks":{"tasks":[{"state":"TASK_EXPLODED"}]}}}`,
			`operator: decode response: get_state.get_tasks.tasks.state: unknown TaskState "TASK_EXPLODED"`},
		{func(b []byte) error { _, err := DecodeEvent(b); return err }, `{"type":"TASK_UPDATED","task_updated":{"status":{"source":"SOURCE_MOON"}}}`,
			`operator: decode event: task_updated.status.source: unknown TaskStatus.Source "SOURCE_MOON"`},
		{func(b []byte) error { _, err := DecodeAgentCall(b); return err }, `{"type":5}`, "operator: decode agent call: type: cannot use JSON number as operator.AgentCallType"},
		{func(b []byte) error { _, err := DecodeAgentResponse(b); return err }, `{"type":"GET_CONTAINERS","get_containers":{"containers":[{"container_id":{"value":1}}]}}`,
			`operator: decode agent response: get_containers.containers.container_id.value: cannot use JSON number as string`},
	}
	for _, tc := range tests {
		err := tc.decode([]byte(tc.in))
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("decode(%s) error = %v, want nil", tc.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("decode(%s) error = %v, want one containing %q", tc.in, err, tc.wantErr)
		}
	}
}
