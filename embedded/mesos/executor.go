package mesos

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// ExecutorInfo is mesos.proto ExecutorInfo. Source is deprecated but still
// written by agents (see the agent GET_EXECUTORS payload).
type ExecutorInfo struct {
	Type                ExecutorType   `json:"type,omitempty"`
	ExecutorID          ExecutorID     `json:"executor_id"`
	FrameworkID         *FrameworkID   `json:"framework_id,omitempty"`
	Command             *CommandInfo   `json:"command,omitempty"`
	Container           *ContainerInfo `json:"container,omitempty"`
	Resources           Resources      `json:"resources,omitzero"`
	Name                string         `json:"name,omitempty"`
	Source              string         `json:"source,omitempty"`
	Data                []byte         `json:"data,omitempty"`
	Discovery           *DiscoveryInfo `json:"discovery,omitempty"`
	ShutdownGracePeriod *DurationInfo  `json:"shutdown_grace_period,omitempty"`
	Labels              *Labels        `json:"labels,omitempty"`
}

// ExecutorType is ExecutorInfo.Type; UNKNOWN (zero) is omitted.
type ExecutorType int32

// Executor types.
const (
	ExecutorUnknown ExecutorType = 0
	ExecutorDefault ExecutorType = 1
	ExecutorCustom  ExecutorType = 2
)

var executorTypeEnum = enum.New("ExecutorInfo.Type", map[int32]string{
	int32(0): "UNKNOWN",
	int32(1): "DEFAULT",
	int32(2): "CUSTOM",
})

// String returns the Mesos name of the value ("ExecutorInfo.Type(<n>)" if unknown).
func (x ExecutorType) String() string { return executorTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x ExecutorType) IsKnown() bool { return executorTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x ExecutorType) MarshalText() ([]byte, error) { return executorTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *ExecutorType) UnmarshalText(b []byte) error {
	v, err := executorTypeEnum.Unmarshal(b, reflect.TypeFor[ExecutorType]())
	if err != nil {
		return err
	}
	*x = ExecutorType(v)
	return nil
}

// DiscoveryInfo is mesos.proto DiscoveryInfo (service discovery hints).
type DiscoveryInfo struct {
	Visibility  Visibility `json:"visibility"`
	Name        string     `json:"name,omitempty"`
	Environment string     `json:"environment,omitempty"`
	Location    string     `json:"location,omitempty"`
	Version     string     `json:"version,omitempty"`
	Ports       *Ports     `json:"ports,omitempty"`
	Labels      *Labels    `json:"labels,omitempty"`
}

// Ports is mesos.proto Ports.
type Ports struct {
	Ports []Port `json:"ports,omitempty"`
}

// Port is mesos.proto Port.
type Port struct {
	Number     uint32      `json:"number"`
	Name       string      `json:"name,omitempty"`
	Protocol   string      `json:"protocol,omitempty"`
	Visibility *Visibility `json:"visibility,omitempty"`
	Labels     *Labels     `json:"labels,omitempty"`
}

// Visibility is DiscoveryInfo.Visibility.
type Visibility int32

// Visibilities.
const (
	VisibilityFramework Visibility = 0
	VisibilityCluster   Visibility = 1
	VisibilityExternal  Visibility = 2
)

var visibilityEnum = enum.New("DiscoveryInfo.Visibility", map[int32]string{
	int32(0): "FRAMEWORK",
	int32(1): "CLUSTER",
	int32(2): "EXTERNAL",
})

// String returns the Mesos name of the value ("DiscoveryInfo.Visibility(<n>)" if unknown).
func (x Visibility) String() string { return visibilityEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x Visibility) IsKnown() bool { return visibilityEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x Visibility) MarshalText() ([]byte, error) { return visibilityEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *Visibility) UnmarshalText(b []byte) error {
	v, err := visibilityEnum.Unmarshal(b, reflect.TypeFor[Visibility]())
	if err != nil {
		return err
	}
	*x = Visibility(v)
	return nil
}
