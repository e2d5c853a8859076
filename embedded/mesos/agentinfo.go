package mesos

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// DefaultAgentPort is AgentInfo.port's proto default.
const DefaultAgentPort = 5051

// AgentInfo is mesos.proto AgentInfo (SlaveInfo in the internal protos).
// Port has the proto default 5051: zero means unset (GetPort) and is
// written as 5051, since stout always writes defaulted fields.
type AgentInfo struct {
	Hostname   string      `json:"hostname"`
	Port       int32       `json:"port"`
	Resources  Resources   `json:"resources,omitzero"`
	Attributes []Attribute `json:"attributes,omitempty"`
	ID         *AgentID    `json:"id,omitempty"`
	Domain     *DomainInfo `json:"domain,omitempty"`
}

// MarshalJSON writes the agent info, with the default port if unset.
func (a AgentInfo) MarshalJSON() ([]byte, error) {
	type plain AgentInfo
	if a.Port == 0 {
		a.Port = DefaultAgentPort
	}
	return Marshal(plain(a))
}

// GetPort returns Port, or its default 5051 when unset (zero).
func (a *AgentInfo) GetPort() int32 {
	if a.Port == 0 {
		return DefaultAgentPort
	}
	return a.Port
}

// AgentCapability is AgentInfo.Capability.
type AgentCapability struct {
	Type AgentCapabilityType `json:"type"`
}

// AgentCapabilityType is AgentInfo.Capability.Type.
type AgentCapabilityType int32

// Agent capabilities.
const (
	AgentUnknownCapability      AgentCapabilityType = 0
	AgentMultiRole              AgentCapabilityType = 1
	AgentHierarchicalRole       AgentCapabilityType = 2
	AgentReservationRefinement  AgentCapabilityType = 3
	AgentResourceProvider       AgentCapabilityType = 4
	AgentResizeVolume           AgentCapabilityType = 5
	AgentAgentOperationFeedback AgentCapabilityType = 6
	AgentAgentDraining          AgentCapabilityType = 7
	AgentTaskResourceLimits     AgentCapabilityType = 8
)

var agentCapEnum = enum.New("AgentInfo.Capability.Type", map[int32]string{
	int32(0): "UNKNOWN",
	int32(1): "MULTI_ROLE",
	int32(2): "HIERARCHICAL_ROLE",
	int32(3): "RESERVATION_REFINEMENT",
	int32(4): "RESOURCE_PROVIDER",
	int32(5): "RESIZE_VOLUME",
	int32(6): "AGENT_OPERATION_FEEDBACK",
	int32(7): "AGENT_DRAINING",
	int32(8): "TASK_RESOURCE_LIMITS",
})

// String returns the Mesos name of the value ("AgentInfo.Capability.Type(<n>)" if unknown).
func (x AgentCapabilityType) String() string { return agentCapEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x AgentCapabilityType) IsKnown() bool { return agentCapEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x AgentCapabilityType) MarshalText() ([]byte, error) { return agentCapEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *AgentCapabilityType) UnmarshalText(b []byte) error {
	v, err := agentCapEnum.Unmarshal(b, reflect.TypeFor[AgentCapabilityType]())
	if err != nil {
		return err
	}
	*x = AgentCapabilityType(v)
	return nil
}
