package operator

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// AgentCall is mesos.v1.agent.Call: what an operator POSTs to an agent's
// /api/v1. The embedded agent serves the read calls (GET_HEALTH, GET_FLAGS,
// GET_VERSION, GET_METRICS, GET_STATE, GET_CONTAINERS, GET_FRAMEWORKS,
// GET_EXECUTORS, GET_TASKS, GET_AGENT); the bodies of the container and
// resource provider calls are kept as raw JSON.
type AgentCall struct {
	Type            AgentCallType      `json:"type,omitempty"`
	GetMetrics      *GetMetrics        `json:"get_metrics,omitempty"`
	SetLoggingLevel *SetLoggingLevel   `json:"set_logging_level,omitempty"`
	ListFiles       *ListFiles         `json:"list_files,omitempty"`
	ReadFile        *ReadFile          `json:"read_file,omitempty"`
	GetContainers   *GetContainersCall `json:"get_containers,omitempty"`

	LaunchNestedContainer        json.RawMessage `json:"launch_nested_container,omitempty"`
	WaitNestedContainer          json.RawMessage `json:"wait_nested_container,omitempty"`
	KillNestedContainer          json.RawMessage `json:"kill_nested_container,omitempty"`
	RemoveNestedContainer        json.RawMessage `json:"remove_nested_container,omitempty"`
	LaunchNestedContainerSession json.RawMessage `json:"launch_nested_container_session,omitempty"`
	AttachContainerInput         json.RawMessage `json:"attach_container_input,omitempty"`
	AttachContainerOutput        json.RawMessage `json:"attach_container_output,omitempty"`
	LaunchContainer              json.RawMessage `json:"launch_container,omitempty"`
	WaitContainer                json.RawMessage `json:"wait_container,omitempty"`
	KillContainer                json.RawMessage `json:"kill_container,omitempty"`
	RemoveContainer              json.RawMessage `json:"remove_container,omitempty"`
	AddResourceProviderConfig    json.RawMessage `json:"add_resource_provider_config,omitempty"`
	UpdateResourceProviderConfig json.RawMessage `json:"update_resource_provider_config,omitempty"`
	RemoveResourceProviderConfig json.RawMessage `json:"remove_resource_provider_config,omitempty"`
	MarkResourceProviderGone     json.RawMessage `json:"mark_resource_provider_gone,omitempty"`
	PruneImages                  json.RawMessage `json:"prune_images,omitempty"`
}

// DecodeAgentCall decodes a JSON agent Call without validating it.
func DecodeAgentCall(data []byte) (*AgentCall, error) {
	var c AgentCall
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("operator: decode agent call: %w", enum.DecodeError(err))
	}
	return &c, nil
}

// GetContainersCall is agent Call.GetContainers.
type GetContainersCall struct {
	ShowNested     bool `json:"show_nested,omitempty"`
	ShowStandalone bool `json:"show_standalone,omitempty"`
}

// AgentResponse is mesos.v1.agent.Response.
type AgentResponse struct {
	Type                 AgentResponseType   `json:"type,omitempty"`
	GetHealth            *GetHealth          `json:"get_health,omitempty"`
	GetFlags             *GetFlags           `json:"get_flags,omitempty"`
	GetVersion           *GetVersion         `json:"get_version,omitempty"`
	GetMetrics           *GetMetricsResponse `json:"get_metrics,omitempty"`
	GetLoggingLevel      *GetLoggingLevel    `json:"get_logging_level,omitempty"`
	ListFiles            *ListFilesResponse  `json:"list_files,omitempty"`
	ReadFile             *ReadFileResponse   `json:"read_file,omitempty"`
	GetState             *AgentGetState      `json:"get_state,omitempty"`
	GetContainers        *GetContainers      `json:"get_containers,omitempty"`
	GetFrameworks        *AgentGetFrameworks `json:"get_frameworks,omitempty"`
	GetExecutors         *AgentGetExecutors  `json:"get_executors,omitempty"`
	GetOperations        *GetOperations      `json:"get_operations,omitempty"`
	GetTasks             *AgentGetTasks      `json:"get_tasks,omitempty"`
	GetAgent             *GetAgent           `json:"get_agent,omitempty"`
	GetResourceProviders json.RawMessage     `json:"get_resource_providers,omitempty"`
	WaitNestedContainer  json.RawMessage     `json:"wait_nested_container,omitempty"`
	WaitContainer        json.RawMessage     `json:"wait_container,omitempty"`
}

// DecodeAgentResponse decodes a JSON agent Response.
func DecodeAgentResponse(data []byte) (*AgentResponse, error) {
	var r AgentResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("operator: decode agent response: %w", enum.DecodeError(err))
	}
	return &r, nil
}

// AgentGetState is agent Response.GetState.
type AgentGetState struct {
	GetTasks      *AgentGetTasks      `json:"get_tasks,omitempty"`
	GetExecutors  *AgentGetExecutors  `json:"get_executors,omitempty"`
	GetFrameworks *AgentGetFrameworks `json:"get_frameworks,omitempty"`
}

// GetContainers is agent Response.GetContainers.
type GetContainers struct {
	Containers []Container `json:"containers,omitempty"`
}

// Container is agent Response.GetContainers.Container. The agent always
// sets ExecutorName (possibly empty), so it is always written.
type Container struct {
	FrameworkID        *mesos.FrameworkID        `json:"framework_id,omitempty"`
	ExecutorID         *mesos.ExecutorID         `json:"executor_id,omitempty"`
	ExecutorName       string                    `json:"executor_name"`
	ContainerID        mesos.ContainerID         `json:"container_id"`
	ContainerStatus    *mesos.ContainerStatus    `json:"container_status,omitempty"`
	ResourceStatistics *mesos.ResourceStatistics `json:"resource_statistics,omitempty"`
}

// AgentGetFrameworks is agent Response.GetFrameworks.
type AgentGetFrameworks struct {
	Frameworks          []AgentFramework `json:"frameworks,omitempty"`
	CompletedFrameworks []AgentFramework `json:"completed_frameworks,omitempty"`
}

// AgentFramework is agent Response.GetFrameworks.Framework.
type AgentFramework struct {
	FrameworkInfo mesos.FrameworkInfo `json:"framework_info"`
}

// AgentGetExecutors is agent Response.GetExecutors.
type AgentGetExecutors struct {
	Executors          []AgentExecutor `json:"executors,omitempty"`
	CompletedExecutors []AgentExecutor `json:"completed_executors,omitempty"`
}

// AgentExecutor is agent Response.GetExecutors.Executor.
type AgentExecutor struct {
	ExecutorInfo mesos.ExecutorInfo `json:"executor_info"`
}

// AgentGetTasks is agent Response.GetTasks.
type AgentGetTasks struct {
	PendingTasks    []mesos.Task `json:"pending_tasks,omitempty"`
	QueuedTasks     []mesos.Task `json:"queued_tasks,omitempty"`
	LaunchedTasks   []mesos.Task `json:"launched_tasks,omitempty"`
	TerminatedTasks []mesos.Task `json:"terminated_tasks,omitempty"`
	CompletedTasks  []mesos.Task `json:"completed_tasks,omitempty"`
}

// GetAgent is agent Response.GetAgent.
type GetAgent struct {
	AgentInfo               *mesos.AgentInfo   `json:"agent_info,omitempty"`
	DrainConfig             *mesos.DrainConfig `json:"drain_config,omitempty"`
	EstimatedDrainStartTime *mesos.TimeInfo    `json:"estimated_drain_start_time,omitempty"`
}

// AgentCallType is mesos.v1.agent.Call.Type.
type AgentCallType int32

// Agent call types.
const (
	AgentCallUnknown                      AgentCallType = 0
	AgentCallGetHealth                    AgentCallType = 1
	AgentCallGetFlags                     AgentCallType = 2
	AgentCallGetVersion                   AgentCallType = 3
	AgentCallGetMetrics                   AgentCallType = 4
	AgentCallGetLoggingLevel              AgentCallType = 5
	AgentCallSetLoggingLevel              AgentCallType = 6
	AgentCallListFiles                    AgentCallType = 7
	AgentCallReadFile                     AgentCallType = 8
	AgentCallGetState                     AgentCallType = 9
	AgentCallGetContainers                AgentCallType = 10
	AgentCallGetFrameworks                AgentCallType = 11
	AgentCallGetExecutors                 AgentCallType = 12
	AgentCallGetOperations                AgentCallType = 31
	AgentCallGetTasks                     AgentCallType = 13
	AgentCallGetAgent                     AgentCallType = 20
	AgentCallGetResourceProviders         AgentCallType = 26
	AgentCallLaunchNestedContainer        AgentCallType = 14
	AgentCallWaitNestedContainer          AgentCallType = 15
	AgentCallKillNestedContainer          AgentCallType = 16
	AgentCallRemoveNestedContainer        AgentCallType = 21
	AgentCallLaunchNestedContainerSession AgentCallType = 17
	AgentCallAttachContainerInput         AgentCallType = 18
	AgentCallAttachContainerOutput        AgentCallType = 19
	AgentCallLaunchContainer              AgentCallType = 22
	AgentCallWaitContainer                AgentCallType = 23
	AgentCallKillContainer                AgentCallType = 24
	AgentCallRemoveContainer              AgentCallType = 25
	AgentCallAddResourceProviderConfig    AgentCallType = 27
	AgentCallUpdateResourceProviderConfig AgentCallType = 28
	AgentCallRemoveResourceProviderConfig AgentCallType = 29
	AgentCallMarkResourceProviderGone     AgentCallType = 32
	AgentCallPruneImages                  AgentCallType = 30
)

var agentCallTypeEnum = enum.New("agent.Call.Type", map[int32]string{
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
	int32(10): "GET_CONTAINERS",
	int32(11): "GET_FRAMEWORKS",
	int32(12): "GET_EXECUTORS",
	int32(31): "GET_OPERATIONS",
	int32(13): "GET_TASKS",
	int32(20): "GET_AGENT",
	int32(26): "GET_RESOURCE_PROVIDERS",
	int32(14): "LAUNCH_NESTED_CONTAINER",
	int32(15): "WAIT_NESTED_CONTAINER",
	int32(16): "KILL_NESTED_CONTAINER",
	int32(21): "REMOVE_NESTED_CONTAINER",
	int32(17): "LAUNCH_NESTED_CONTAINER_SESSION",
	int32(18): "ATTACH_CONTAINER_INPUT",
	int32(19): "ATTACH_CONTAINER_OUTPUT",
	int32(22): "LAUNCH_CONTAINER",
	int32(23): "WAIT_CONTAINER",
	int32(24): "KILL_CONTAINER",
	int32(25): "REMOVE_CONTAINER",
	int32(27): "ADD_RESOURCE_PROVIDER_CONFIG",
	int32(28): "UPDATE_RESOURCE_PROVIDER_CONFIG",
	int32(29): "REMOVE_RESOURCE_PROVIDER_CONFIG",
	int32(32): "MARK_RESOURCE_PROVIDER_GONE",
	int32(30): "PRUNE_IMAGES",
})

// String returns the Mesos name of the value ("agent.Call.Type(<n>)" if unknown).
func (x AgentCallType) String() string { return agentCallTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x AgentCallType) IsKnown() bool { return agentCallTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x AgentCallType) MarshalText() ([]byte, error) { return agentCallTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *AgentCallType) UnmarshalText(b []byte) error {
	v, err := agentCallTypeEnum.Unmarshal(b, reflect.TypeFor[AgentCallType]())
	if err != nil {
		return err
	}
	*x = AgentCallType(v)
	return nil
}

// AgentResponseType is mesos.v1.agent.Response.Type.
type AgentResponseType int32

// Agent response types.
const (
	AgentResponseUnknown              AgentResponseType = 0
	AgentResponseGetHealth            AgentResponseType = 1
	AgentResponseGetFlags             AgentResponseType = 2
	AgentResponseGetVersion           AgentResponseType = 3
	AgentResponseGetMetrics           AgentResponseType = 4
	AgentResponseGetLoggingLevel      AgentResponseType = 5
	AgentResponseListFiles            AgentResponseType = 6
	AgentResponseReadFile             AgentResponseType = 7
	AgentResponseGetState             AgentResponseType = 8
	AgentResponseGetContainers        AgentResponseType = 9
	AgentResponseGetFrameworks        AgentResponseType = 10
	AgentResponseGetExecutors         AgentResponseType = 11
	AgentResponseGetOperations        AgentResponseType = 17
	AgentResponseGetTasks             AgentResponseType = 12
	AgentResponseGetAgent             AgentResponseType = 14
	AgentResponseGetResourceProviders AgentResponseType = 16
	AgentResponseWaitNestedContainer  AgentResponseType = 13
	AgentResponseWaitContainer        AgentResponseType = 15
)

var agentResponseTypeEnum = enum.New("agent.Response.Type", map[int32]string{
	int32(0):  "UNKNOWN",
	int32(1):  "GET_HEALTH",
	int32(2):  "GET_FLAGS",
	int32(3):  "GET_VERSION",
	int32(4):  "GET_METRICS",
	int32(5):  "GET_LOGGING_LEVEL",
	int32(6):  "LIST_FILES",
	int32(7):  "READ_FILE",
	int32(8):  "GET_STATE",
	int32(9):  "GET_CONTAINERS",
	int32(10): "GET_FRAMEWORKS",
	int32(11): "GET_EXECUTORS",
	int32(17): "GET_OPERATIONS",
	int32(12): "GET_TASKS",
	int32(14): "GET_AGENT",
	int32(16): "GET_RESOURCE_PROVIDERS",
	int32(13): "WAIT_NESTED_CONTAINER",
	int32(15): "WAIT_CONTAINER",
})

// String returns the Mesos name of the value ("agent.Response.Type(<n>)" if unknown).
func (x AgentResponseType) String() string { return agentResponseTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x AgentResponseType) IsKnown() bool { return agentResponseTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x AgentResponseType) MarshalText() ([]byte, error) {
	return agentResponseTypeEnum.Marshal(int32(x))
}

// UnmarshalText reads an enum name; unknown names are an error.
func (x *AgentResponseType) UnmarshalText(b []byte) error {
	v, err := agentResponseTypeEnum.Unmarshal(b, reflect.TypeFor[AgentResponseType]())
	if err != nil {
		return err
	}
	*x = AgentResponseType(v)
	return nil
}
