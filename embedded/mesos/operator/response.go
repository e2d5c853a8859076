package operator

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// Response is mesos.v1.master.Response: the body of a synchronous master
// operator call, {"type": "GET_X", "get_x": {...}}. Note that the numeric
// values of ResponseType differ from CallType's.
type Response struct {
	Type                   ResponseType            `json:"type,omitempty"`
	GetHealth              *GetHealth              `json:"get_health,omitempty"`
	GetFlags               *GetFlags               `json:"get_flags,omitempty"`
	GetVersion             *GetVersion             `json:"get_version,omitempty"`
	GetMetrics             *GetMetricsResponse     `json:"get_metrics,omitempty"`
	GetLoggingLevel        *GetLoggingLevel        `json:"get_logging_level,omitempty"`
	ListFiles              *ListFilesResponse      `json:"list_files,omitempty"`
	ReadFile               *ReadFileResponse       `json:"read_file,omitempty"`
	GetState               *GetState               `json:"get_state,omitempty"`
	GetAgents              *GetAgents              `json:"get_agents,omitempty"`
	GetFrameworks          *GetFrameworks          `json:"get_frameworks,omitempty"`
	GetExecutors           *GetExecutors           `json:"get_executors,omitempty"`
	GetOperations          *GetOperations          `json:"get_operations,omitempty"`
	GetTasks               *GetTasks               `json:"get_tasks,omitempty"`
	GetRoles               *GetRoles               `json:"get_roles,omitempty"`
	GetWeights             *GetWeights             `json:"get_weights,omitempty"`
	GetMaster              *GetMaster              `json:"get_master,omitempty"`
	GetMaintenanceStatus   *GetMaintenanceStatus   `json:"get_maintenance_status,omitempty"`
	GetMaintenanceSchedule *GetMaintenanceSchedule `json:"get_maintenance_schedule,omitempty"`
	GetQuota               *GetQuota               `json:"get_quota,omitempty"`
}

// DecodeResponse decodes a JSON master Response.
func DecodeResponse(data []byte) (*Response, error) {
	var r Response
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("operator: decode response: %w", enum.DecodeError(err))
	}
	return &r, nil
}

// GetHealth is Response.GetHealth.
type GetHealth struct {
	Healthy bool `json:"healthy"`
}

// GetFlags is Response.GetFlags.
type GetFlags struct {
	Flags []mesos.Flag `json:"flags,omitempty"`
}

// GetVersion is Response.GetVersion.
type GetVersion struct {
	VersionInfo mesos.VersionInfo `json:"version_info"`
}

// GetMetricsResponse is Response.GetMetrics.
type GetMetricsResponse struct {
	Metrics []mesos.Metric `json:"metrics,omitempty"`
}

// GetLoggingLevel is Response.GetLoggingLevel.
type GetLoggingLevel struct {
	Level uint32 `json:"level"`
}

// ListFilesResponse is Response.ListFiles.
type ListFilesResponse struct {
	FileInfos []mesos.FileInfo `json:"file_infos,omitempty"`
}

// ReadFileResponse is Response.ReadFile.
type ReadFileResponse struct {
	Size uint64 `json:"size"`
	Data []byte `json:"data"`
}

// GetState is Response.GetState: tasks, executors, frameworks and agents
// in one snapshot (also the body of the SUBSCRIBED event).
type GetState struct {
	GetTasks      *GetTasks      `json:"get_tasks,omitempty"`
	GetExecutors  *GetExecutors  `json:"get_executors,omitempty"`
	GetFrameworks *GetFrameworks `json:"get_frameworks,omitempty"`
	GetAgents     *GetAgents     `json:"get_agents,omitempty"`
}

// GetAgents is Response.GetAgents.
type GetAgents struct {
	Agents          []Agent           `json:"agents,omitempty"`
	RecoveredAgents []mesos.AgentInfo `json:"recovered_agents,omitempty"`
}

// Agent is Response.GetAgents.Agent. The master writes TotalResources,
// AllocatedResources and OfferedResources in ENDPOINT format.
type Agent struct {
	AgentInfo               mesos.AgentInfo         `json:"agent_info"`
	Active                  bool                    `json:"active"`
	Deactivated             *bool                   `json:"deactivated,omitempty"`
	Version                 string                  `json:"version"`
	PID                     string                  `json:"pid,omitempty"`
	RegisteredTime          *mesos.TimeInfo         `json:"registered_time,omitempty"`
	ReregisteredTime        *mesos.TimeInfo         `json:"reregistered_time,omitempty"`
	TotalResources          mesos.Resources         `json:"total_resources,omitzero"`
	AllocatedResources      mesos.Resources         `json:"allocated_resources,omitzero"`
	OfferedResources        mesos.Resources         `json:"offered_resources,omitzero"`
	Capabilities            []mesos.AgentCapability `json:"capabilities,omitempty"`
	ResourceProviders       []json.RawMessage       `json:"resource_providers,omitempty"`
	DrainInfo               *mesos.DrainInfo        `json:"drain_info,omitempty"`
	EstimatedDrainStartTime *mesos.TimeInfo         `json:"estimated_drain_start_time,omitempty"`
}

// GetFrameworks is Response.GetFrameworks.
type GetFrameworks struct {
	Frameworks          []Framework           `json:"frameworks,omitempty"`
	CompletedFrameworks []Framework           `json:"completed_frameworks,omitempty"`
	RecoveredFrameworks []mesos.FrameworkInfo `json:"recovered_frameworks,omitempty"`
}

// Framework is Response.GetFrameworks.Framework. Active, Connected and
// Recovered are required; Recovered is a pointer only so that payloads of
// masters older than 1.3 (which lack it) round-trip.
type Framework struct {
	FrameworkInfo      mesos.FrameworkInfo         `json:"framework_info"`
	Active             bool                        `json:"active"`
	Connected          bool                        `json:"connected"`
	Recovered          *bool                       `json:"recovered,omitempty"`
	RegisteredTime     *mesos.TimeInfo             `json:"registered_time,omitempty"`
	ReregisteredTime   *mesos.TimeInfo             `json:"reregistered_time,omitempty"`
	UnregisteredTime   *mesos.TimeInfo             `json:"unregistered_time,omitempty"`
	Offers             []mesos.Offer               `json:"offers,omitempty"`
	InverseOffers      []mesos.InverseOffer        `json:"inverse_offers,omitempty"`
	AllocatedResources mesos.Resources             `json:"allocated_resources,omitzero"`
	OfferedResources   mesos.Resources             `json:"offered_resources,omitzero"`
	OfferConstraints   *scheduler.OfferConstraints `json:"offer_constraints,omitempty"`
}

// GetExecutors is Response.GetExecutors.
type GetExecutors struct {
	Executors       []Executor `json:"executors,omitempty"`
	OrphanExecutors []Executor `json:"orphan_executors,omitempty"`
}

// Executor is Response.GetExecutors.Executor.
type Executor struct {
	ExecutorInfo mesos.ExecutorInfo `json:"executor_info"`
	AgentID      mesos.AgentID      `json:"agent_id"`
}

// GetOperations is Response.GetOperations.
type GetOperations struct {
	Operations []mesos.Operation `json:"operations,omitempty"`
}

// GetTasks is Response.GetTasks.
type GetTasks struct {
	PendingTasks     []mesos.Task `json:"pending_tasks,omitempty"`
	Tasks            []mesos.Task `json:"tasks,omitempty"`
	UnreachableTasks []mesos.Task `json:"unreachable_tasks,omitempty"`
	CompletedTasks   []mesos.Task `json:"completed_tasks,omitempty"`
	OrphanTasks      []mesos.Task `json:"orphan_tasks,omitempty"`
}

// GetRoles is Response.GetRoles.
type GetRoles struct {
	Roles []mesos.Role `json:"roles,omitempty"`
}

// GetWeights is Response.GetWeights.
type GetWeights struct {
	WeightInfos []mesos.WeightInfo `json:"weight_infos,omitempty"`
}

// GetMaster is Response.GetMaster; the times are float seconds.
type GetMaster struct {
	MasterInfo  *mesos.MasterInfo `json:"master_info,omitempty"`
	StartTime   *float64          `json:"start_time,omitempty"`
	ElectedTime *float64          `json:"elected_time,omitempty"`
}

// GetMaintenanceStatus is Response.GetMaintenanceStatus.
type GetMaintenanceStatus struct {
	Status ClusterStatus `json:"status"`
}

// GetMaintenanceSchedule is Response.GetMaintenanceSchedule.
type GetMaintenanceSchedule struct {
	Schedule Schedule `json:"schedule"`
}

// GetQuota is Response.GetQuota.
type GetQuota struct {
	Status QuotaStatus `json:"status"`
}

// ResponseType is mesos.v1.master.Response.Type.
type ResponseType int32

// Master response types.
const (
	ResponseUnknown                ResponseType = 0
	ResponseGetHealth              ResponseType = 1
	ResponseGetFlags               ResponseType = 2
	ResponseGetVersion             ResponseType = 3
	ResponseGetMetrics             ResponseType = 4
	ResponseGetLoggingLevel        ResponseType = 5
	ResponseListFiles              ResponseType = 6
	ResponseReadFile               ResponseType = 7
	ResponseGetState               ResponseType = 8
	ResponseGetAgents              ResponseType = 9
	ResponseGetFrameworks          ResponseType = 10
	ResponseGetExecutors           ResponseType = 11
	ResponseGetOperations          ResponseType = 19
	ResponseGetTasks               ResponseType = 12
	ResponseGetRoles               ResponseType = 13
	ResponseGetWeights             ResponseType = 14
	ResponseGetMaster              ResponseType = 15
	ResponseGetMaintenanceStatus   ResponseType = 16
	ResponseGetMaintenanceSchedule ResponseType = 17
	ResponseGetQuota               ResponseType = 18
)

var responseTypeEnum = enum.New("master.Response.Type", map[int32]string{
	int32(0):  "UNKNOWN",
	int32(1):  "GET_HEALTH",
	int32(2):  "GET_FLAGS",
	int32(3):  "GET_VERSION",
	int32(4):  "GET_METRICS",
	int32(5):  "GET_LOGGING_LEVEL",
	int32(6):  "LIST_FILES",
	int32(7):  "READ_FILE",
	int32(8):  "GET_STATE",
	int32(9):  "GET_AGENTS",
	int32(10): "GET_FRAMEWORKS",
	int32(11): "GET_EXECUTORS",
	int32(19): "GET_OPERATIONS",
	int32(12): "GET_TASKS",
	int32(13): "GET_ROLES",
	int32(14): "GET_WEIGHTS",
	int32(15): "GET_MASTER",
	int32(16): "GET_MAINTENANCE_STATUS",
	int32(17): "GET_MAINTENANCE_SCHEDULE",
	int32(18): "GET_QUOTA",
})

// String returns the Mesos name of the value ("master.Response.Type(<n>)" if unknown).
func (x ResponseType) String() string { return responseTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x ResponseType) IsKnown() bool { return responseTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x ResponseType) MarshalText() ([]byte, error) { return responseTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *ResponseType) UnmarshalText(b []byte) error {
	v, err := responseTypeEnum.Unmarshal(b, reflect.TypeFor[ResponseType]())
	if err != nil {
		return err
	}
	*x = ResponseType(v)
	return nil
}
