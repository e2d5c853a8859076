package operator

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Call is mesos.v1.master.Call: what an operator POSTs to the master's
// /api/v1. Type selects the body.
type Call struct {
	Type                      CallType                   `json:"type,omitempty"`
	GetMetrics                *GetMetrics                `json:"get_metrics,omitempty"`
	SetLoggingLevel           *SetLoggingLevel           `json:"set_logging_level,omitempty"`
	ListFiles                 *ListFiles                 `json:"list_files,omitempty"`
	ReadFile                  *ReadFile                  `json:"read_file,omitempty"`
	UpdateWeights             *UpdateWeights             `json:"update_weights,omitempty"`
	ReserveResources          *ReserveResources          `json:"reserve_resources,omitempty"`
	UnreserveResources        *UnreserveResources        `json:"unreserve_resources,omitempty"`
	CreateVolumes             *CreateVolumes             `json:"create_volumes,omitempty"`
	DestroyVolumes            *DestroyVolumes            `json:"destroy_volumes,omitempty"`
	GrowVolume                *GrowVolume                `json:"grow_volume,omitempty"`
	ShrinkVolume              *ShrinkVolume              `json:"shrink_volume,omitempty"`
	UpdateMaintenanceSchedule *UpdateMaintenanceSchedule `json:"update_maintenance_schedule,omitempty"`
	StartMaintenance          *Machines                  `json:"start_maintenance,omitempty"`
	StopMaintenance           *Machines                  `json:"stop_maintenance,omitempty"`
	DrainAgent                *DrainAgent                `json:"drain_agent,omitempty"`
	DeactivateAgent           *AgentRef                  `json:"deactivate_agent,omitempty"`
	ReactivateAgent           *AgentRef                  `json:"reactivate_agent,omitempty"`
	UpdateQuota               *UpdateQuota               `json:"update_quota,omitempty"`
	Teardown                  *Teardown                  `json:"teardown,omitempty"`
	MarkAgentGone             *AgentRef                  `json:"mark_agent_gone,omitempty"`
	SetQuota                  *SetQuota                  `json:"set_quota,omitempty"`
	RemoveQuota               *RemoveQuota               `json:"remove_quota,omitempty"`
}

// DecodeCall decodes a JSON master Call without validating it.
func DecodeCall(data []byte) (*Call, error) {
	var c Call
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("operator: decode call: %w", enum.DecodeError(err))
	}
	return &c, nil
}

// GetMetrics is Call.GetMetrics; Timeout bounds the metrics snapshot.
type GetMetrics struct {
	Timeout *mesos.DurationInfo `json:"timeout,omitempty"`
}

// SetLoggingLevel is Call.SetLoggingLevel (glog verbosity for Duration).
type SetLoggingLevel struct {
	Level    uint32             `json:"level"`
	Duration mesos.DurationInfo `json:"duration"`
}

// ListFiles is Call.ListFiles.
type ListFiles struct {
	Path string `json:"path"`
}

// ReadFile is Call.ReadFile.
type ReadFile struct {
	Path   string  `json:"path"`
	Offset uint64  `json:"offset"`
	Length *uint64 `json:"length,omitempty"`
}

// UpdateWeights is Call.UpdateWeights.
type UpdateWeights struct {
	WeightInfos []mesos.WeightInfo `json:"weight_infos,omitempty"`
}

// ReserveResources is Call.ReserveResources.
type ReserveResources struct {
	AgentID   mesos.AgentID   `json:"agent_id"`
	Source    mesos.Resources `json:"source,omitzero"`
	Resources mesos.Resources `json:"resources,omitzero"`
}

// UnreserveResources is Call.UnreserveResources.
type UnreserveResources struct {
	AgentID   mesos.AgentID   `json:"agent_id"`
	Resources mesos.Resources `json:"resources,omitzero"`
}

// CreateVolumes is Call.CreateVolumes.
type CreateVolumes struct {
	AgentID mesos.AgentID   `json:"agent_id"`
	Volumes mesos.Resources `json:"volumes,omitzero"`
}

// DestroyVolumes is Call.DestroyVolumes.
type DestroyVolumes struct {
	AgentID mesos.AgentID   `json:"agent_id"`
	Volumes mesos.Resources `json:"volumes,omitzero"`
}

// GrowVolume is Call.GrowVolume.
type GrowVolume struct {
	AgentID  *mesos.AgentID     `json:"agent_id,omitempty"`
	Volume   resources.Resource `json:"volume"`
	Addition resources.Resource `json:"addition"`
}

// ShrinkVolume is Call.ShrinkVolume.
type ShrinkVolume struct {
	AgentID  *mesos.AgentID     `json:"agent_id,omitempty"`
	Volume   resources.Resource `json:"volume"`
	Subtract mesos.Scalar       `json:"subtract"`
}

// UpdateMaintenanceSchedule is Call.UpdateMaintenanceSchedule.
type UpdateMaintenanceSchedule struct {
	Schedule Schedule `json:"schedule"`
}

// Machines is Call.StartMaintenance / Call.StopMaintenance.
type Machines struct {
	Machines []mesos.MachineID `json:"machines,omitempty"`
}

// DrainAgent is Call.DrainAgent. MarkGone has the default false and is
// always written.
type DrainAgent struct {
	AgentID        mesos.AgentID `json:"agent_id"`
	MaxGracePeriod *Duration     `json:"max_grace_period,omitempty"`
	MarkGone       bool          `json:"mark_gone"`
}

// Duration is google.protobuf.Duration as stout writes it (a message, not
// the proto3 JSON string).
type Duration struct {
	Seconds int64 `json:"seconds,omitempty"`
	Nanos   int32 `json:"nanos,omitempty"`
}

// AgentRef is the body of DEACTIVATE_AGENT, REACTIVATE_AGENT and
// MARK_AGENT_GONE: {"agent_id": {...}}.
type AgentRef struct {
	AgentID mesos.AgentID `json:"agent_id"`
}

// UpdateQuota is Call.UpdateQuota.
type UpdateQuota struct {
	Force        bool          `json:"force,omitempty"`
	QuotaConfigs []QuotaConfig `json:"quota_configs,omitempty"`
}

// SetQuota is Call.SetQuota (deprecated).
type SetQuota struct {
	QuotaRequest QuotaRequest `json:"quota_request"`
}

// RemoveQuota is Call.RemoveQuota (deprecated).
type RemoveQuota struct {
	Role string `json:"role"`
}

// Teardown is Call.Teardown.
type Teardown struct {
	FrameworkID mesos.FrameworkID `json:"framework_id"`
}

// QuotaConfig is mesos.quota.QuotaConfig.
type QuotaConfig struct {
	Role       string                  `json:"role"`
	Guarantees map[string]mesos.Scalar `json:"guarantees,omitempty"`
	Limits     map[string]mesos.Scalar `json:"limits,omitempty"`
}

// QuotaRequest is mesos.quota.QuotaRequest (deprecated SET_QUOTA).
type QuotaRequest struct {
	Force     bool            `json:"force,omitempty"`
	Role      string          `json:"role,omitempty"`
	Guarantee mesos.Resources `json:"guarantee,omitzero"`
}

// QuotaInfo is mesos.quota.QuotaInfo.
type QuotaInfo struct {
	Role      string          `json:"role,omitempty"`
	Principal string          `json:"principal,omitempty"`
	Guarantee mesos.Resources `json:"guarantee,omitzero"`
}

// QuotaStatus is mesos.quota.QuotaStatus (GET_QUOTA).
type QuotaStatus struct {
	Infos   []QuotaInfo   `json:"infos,omitempty"`
	Configs []QuotaConfig `json:"configs,omitempty"`
}

// Schedule is mesos.maintenance.Schedule.
type Schedule struct {
	Windows []Window `json:"windows,omitempty"`
}

// Window is mesos.maintenance.Window.
type Window struct {
	MachineIDs     []mesos.MachineID    `json:"machine_ids,omitempty"`
	Unavailability mesos.Unavailability `json:"unavailability"`
}

// ClusterStatus is mesos.maintenance.ClusterStatus; the per-machine
// inverse offer statuses are kept as raw JSON.
type ClusterStatus struct {
	DrainingMachines []DrainingMachine `json:"draining_machines,omitempty"`
	DownMachines     []mesos.MachineID `json:"down_machines,omitempty"`
}

// DrainingMachine is ClusterStatus.DrainingMachine.
type DrainingMachine struct {
	ID       mesos.MachineID   `json:"id"`
	Statuses []json.RawMessage `json:"statuses,omitempty"`
}

// CallType is mesos.v1.master.Call.Type.
type CallType int32

// Master call types.
const (
	CallUnknown                   CallType = 0
	CallGetHealth                 CallType = 1
	CallGetFlags                  CallType = 2
	CallGetVersion                CallType = 3
	CallGetMetrics                CallType = 4
	CallGetLoggingLevel           CallType = 5
	CallSetLoggingLevel           CallType = 6
	CallListFiles                 CallType = 7
	CallReadFile                  CallType = 8
	CallGetState                  CallType = 9
	CallGetAgents                 CallType = 10
	CallGetFrameworks             CallType = 11
	CallGetExecutors              CallType = 12
	CallGetOperations             CallType = 33
	CallGetTasks                  CallType = 13
	CallGetRoles                  CallType = 14
	CallGetWeights                CallType = 15
	CallUpdateWeights             CallType = 16
	CallGetMaster                 CallType = 17
	CallSubscribe                 CallType = 18
	CallReserveResources          CallType = 19
	CallUnreserveResources        CallType = 20
	CallCreateVolumes             CallType = 21
	CallDestroyVolumes            CallType = 22
	CallGrowVolume                CallType = 34
	CallShrinkVolume              CallType = 35
	CallGetMaintenanceStatus      CallType = 23
	CallGetMaintenanceSchedule    CallType = 24
	CallUpdateMaintenanceSchedule CallType = 25
	CallStartMaintenance          CallType = 26
	CallStopMaintenance           CallType = 27
	CallDrainAgent                CallType = 37
	CallDeactivateAgent           CallType = 38
	CallReactivateAgent           CallType = 39
	CallGetQuota                  CallType = 28
	CallUpdateQuota               CallType = 36
	CallSetQuota                  CallType = 29
	CallRemoveQuota               CallType = 30
	CallTeardown                  CallType = 31
	CallMarkAgentGone             CallType = 32
)

var callTypeEnum = enum.New("master.Call.Type", map[int32]string{
	int32(0):  "UNKNOWN",
	int32(1):  "GET_HEALTH",
	int32(2):  "GET_FLAGS",
	int32(3):  "GET_VERSION",
	int32(4):  "GET_METRICS",
	int32(5):  "GET_LOGGING_LEVEL",
	int32(6):  "SET_LOGGING_LEVEL",
	int32(7):  "LIST_FILES",
	int32(8):  "READ_FILE",
	int32(9):  "GET_STATE",
	int32(10): "GET_AGENTS",
	int32(11): "GET_FRAMEWORKS",
	int32(12): "GET_EXECUTORS",
	int32(33): "GET_OPERATIONS",
	int32(13): "GET_TASKS",
	int32(14): "GET_ROLES",
	int32(15): "GET_WEIGHTS",
	int32(16): "UPDATE_WEIGHTS",
	int32(17): "GET_MASTER",
	int32(18): "SUBSCRIBE",
	int32(19): "RESERVE_RESOURCES",
	int32(20): "UNRESERVE_RESOURCES",
	int32(21): "CREATE_VOLUMES",
	int32(22): "DESTROY_VOLUMES",
	int32(34): "GROW_VOLUME",
	int32(35): "SHRINK_VOLUME",
	int32(23): "GET_MAINTENANCE_STATUS",
	int32(24): "GET_MAINTENANCE_SCHEDULE",
	int32(25): "UPDATE_MAINTENANCE_SCHEDULE",
	int32(26): "START_MAINTENANCE",
	int32(27): "STOP_MAINTENANCE",
	int32(37): "DRAIN_AGENT",
	int32(38): "DEACTIVATE_AGENT",
	int32(39): "REACTIVATE_AGENT",
	int32(28): "GET_QUOTA",
	int32(36): "UPDATE_QUOTA",
	int32(29): "SET_QUOTA",
	int32(30): "REMOVE_QUOTA",
	int32(31): "TEARDOWN",
	int32(32): "MARK_AGENT_GONE",
})

// String returns the Mesos name of the value ("master.Call.Type(<n>)" if unknown).
func (x CallType) String() string { return callTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x CallType) IsKnown() bool { return callTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x CallType) MarshalText() ([]byte, error) { return callTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *CallType) UnmarshalText(b []byte) error {
	v, err := callTypeEnum.Unmarshal(b, reflect.TypeFor[CallType]())
	if err != nil {
		return err
	}
	*x = CallType(v)
	return nil
}
