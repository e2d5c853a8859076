package mesos

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// OfferOperation is mesos.proto Offer.Operation: one thing to do with
// accepted offers. Type selects which of the bodies is set.
type OfferOperation struct {
	Type         OperationType          `json:"type,omitempty"`
	ID           *OperationID           `json:"id,omitempty"`
	Launch       *LaunchOperation       `json:"launch,omitempty"`
	LaunchGroup  *LaunchGroupOperation  `json:"launch_group,omitempty"`
	Reserve      *ReserveOperation      `json:"reserve,omitempty"`
	Unreserve    *UnreserveOperation    `json:"unreserve,omitempty"`
	Create       *CreateOperation       `json:"create,omitempty"`
	Destroy      *DestroyOperation      `json:"destroy,omitempty"`
	GrowVolume   *GrowVolumeOperation   `json:"grow_volume,omitempty"`
	ShrinkVolume *ShrinkVolumeOperation `json:"shrink_volume,omitempty"`
	CreateDisk   *CreateDiskOperation   `json:"create_disk,omitempty"`
	DestroyDisk  *DestroyDiskOperation  `json:"destroy_disk,omitempty"`
}

// LaunchOperation is Offer.Operation.Launch.
type LaunchOperation struct {
	TaskInfos []TaskInfo `json:"task_infos,omitempty"`
}

// LaunchGroupOperation is Offer.Operation.LaunchGroup.
type LaunchGroupOperation struct {
	Executor  ExecutorInfo  `json:"executor"`
	TaskGroup TaskGroupInfo `json:"task_group"`
}

// ReserveOperation is Offer.Operation.Reserve.
type ReserveOperation struct {
	Source    Resources `json:"source,omitzero"`
	Resources Resources `json:"resources,omitzero"`
}

// UnreserveOperation is Offer.Operation.Unreserve.
type UnreserveOperation struct {
	Resources Resources `json:"resources,omitzero"`
}

// CreateOperation is Offer.Operation.Create (persistent volumes).
type CreateOperation struct {
	Volumes Resources `json:"volumes,omitzero"`
}

// DestroyOperation is Offer.Operation.Destroy.
type DestroyOperation struct {
	Volumes Resources `json:"volumes,omitzero"`
}

// GrowVolumeOperation is Offer.Operation.GrowVolume.
type GrowVolumeOperation struct {
	Volume   resources.Resource `json:"volume"`
	Addition resources.Resource `json:"addition"`
}

// ShrinkVolumeOperation is Offer.Operation.ShrinkVolume.
type ShrinkVolumeOperation struct {
	Volume   resources.Resource `json:"volume"`
	Subtract Scalar             `json:"subtract"`
}

// CreateDiskOperation is Offer.Operation.CreateDisk.
type CreateDiskOperation struct {
	Source        resources.Resource       `json:"source"`
	TargetType    resources.DiskSourceType `json:"target_type"`
	TargetProfile string                   `json:"target_profile,omitempty"`
}

// DestroyDiskOperation is Offer.Operation.DestroyDisk.
type DestroyDiskOperation struct {
	Source resources.Resource `json:"source"`
}

// OperationType is Offer.Operation.Type.
type OperationType int32

// Operation types.
const (
	OperationUnknown      OperationType = 0
	OperationLaunch       OperationType = 1
	OperationLaunchGroup  OperationType = 6
	OperationReserve      OperationType = 2
	OperationUnreserve    OperationType = 3
	OperationCreate       OperationType = 4
	OperationDestroy      OperationType = 5
	OperationGrowVolume   OperationType = 11
	OperationShrinkVolume OperationType = 12
	OperationCreateDisk   OperationType = 13
	OperationDestroyDisk  OperationType = 14
)

var operationTypeEnum = enum.New("Offer.Operation.Type", map[int32]string{
	int32(0):  "UNKNOWN",
	int32(1):  "LAUNCH",
	int32(6):  "LAUNCH_GROUP",
	int32(2):  "RESERVE",
	int32(3):  "UNRESERVE",
	int32(4):  "CREATE",
	int32(5):  "DESTROY",
	int32(11): "GROW_VOLUME",
	int32(12): "SHRINK_VOLUME",
	int32(13): "CREATE_DISK",
	int32(14): "DESTROY_DISK",
})

// String returns the Mesos name of the value ("Offer.Operation.Type(<n>)" if unknown).
func (x OperationType) String() string { return operationTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x OperationType) IsKnown() bool { return operationTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x OperationType) MarshalText() ([]byte, error) { return operationTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *OperationType) UnmarshalText(b []byte) error {
	v, err := operationTypeEnum.Unmarshal(b, reflect.TypeFor[OperationType]())
	if err != nil {
		return err
	}
	*x = OperationType(v)
	return nil
}

// Operation is mesos.proto Operation: the master's record of an offer
// operation with feedback (GET_OPERATIONS).
type Operation struct {
	FrameworkID  *FrameworkID      `json:"framework_id,omitempty"`
	AgentID      *AgentID          `json:"agent_id,omitempty"`
	Info         OfferOperation    `json:"info"`
	LatestStatus OperationStatus   `json:"latest_status"`
	Statuses     []OperationStatus `json:"statuses,omitempty"`
	UUID         UUID              `json:"uuid"`
}

// OperationStatus is mesos.proto OperationStatus.
type OperationStatus struct {
	OperationID        *OperationID        `json:"operation_id,omitempty"`
	State              OperationState      `json:"state"`
	Message            string              `json:"message,omitempty"`
	ConvertedResources Resources           `json:"converted_resources,omitzero"`
	UUID               *UUID               `json:"uuid,omitempty"`
	AgentID            *AgentID            `json:"agent_id,omitempty"`
	ResourceProviderID *ResourceProviderID `json:"resource_provider_id,omitempty"`
}

// OperationState is mesos.proto OperationState.
type OperationState int32

// Operation states.
const (
	OperationUnsupported    OperationState = 0
	OperationPending        OperationState = 1
	OperationFinished       OperationState = 2
	OperationFailed         OperationState = 3
	OperationError          OperationState = 4
	OperationDropped        OperationState = 5
	OperationUnreachable    OperationState = 6
	OperationGoneByOperator OperationState = 7
	OperationRecovering     OperationState = 8
	OperationStateUnknown   OperationState = 9
)

var operationStateEnum = enum.New("OperationState", map[int32]string{
	int32(0): "OPERATION_UNSUPPORTED",
	int32(1): "OPERATION_PENDING",
	int32(2): "OPERATION_FINISHED",
	int32(3): "OPERATION_FAILED",
	int32(4): "OPERATION_ERROR",
	int32(5): "OPERATION_DROPPED",
	int32(6): "OPERATION_UNREACHABLE",
	int32(7): "OPERATION_GONE_BY_OPERATOR",
	int32(8): "OPERATION_RECOVERING",
	int32(9): "OPERATION_UNKNOWN",
})

// String returns the Mesos name of the value ("OperationState(<n>)" if unknown).
func (x OperationState) String() string { return operationStateEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x OperationState) IsKnown() bool { return operationStateEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x OperationState) MarshalText() ([]byte, error) { return operationStateEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *OperationState) UnmarshalText(b []byte) error {
	v, err := operationStateEnum.Unmarshal(b, reflect.TypeFor[OperationState]())
	if err != nil {
		return err
	}
	*x = OperationState(v)
	return nil
}
