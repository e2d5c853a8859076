package mesos

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// MasterInfo is mesos.proto MasterInfo. IP is the IPv4 address as a
// uint32 in network byte order read as little-endian (Mesos's
// net::IP::in().s_addr), Port is required (default 5050).
type MasterInfo struct {
	ID           string             `json:"id"`
	IP           uint32             `json:"ip"`
	Port         uint32             `json:"port"`
	PID          string             `json:"pid,omitempty"`
	Hostname     string             `json:"hostname,omitempty"`
	Version      string             `json:"version,omitempty"`
	Address      *Address           `json:"address,omitempty"`
	Domain       *DomainInfo        `json:"domain,omitempty"`
	Capabilities []MasterCapability `json:"capabilities,omitempty"`
}

// Address is mesos.proto Address.
type Address struct {
	Hostname string `json:"hostname,omitempty"`
	IP       string `json:"ip,omitempty"`
	Port     int32  `json:"port"`
}

// URL is mesos.proto URL.
type URL struct {
	Scheme   string      `json:"scheme"`
	Address  Address     `json:"address"`
	Path     string      `json:"path,omitempty"`
	Query    []Parameter `json:"query,omitempty"`
	Fragment string      `json:"fragment,omitempty"`
}

// Parameter is mesos.proto Parameter.
type Parameter struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Unavailability is mesos.proto Unavailability (maintenance windows).
type Unavailability struct {
	Start    TimeInfo      `json:"start"`
	Duration *DurationInfo `json:"duration,omitempty"`
}

// DomainInfo is mesos.proto DomainInfo (fault domain: region and zone).
type DomainInfo struct {
	FaultDomain *FaultDomain `json:"fault_domain,omitempty"`
}

// FaultDomain is DomainInfo.FaultDomain.
type FaultDomain struct {
	Region NamedInfo `json:"region"`
	Zone   NamedInfo `json:"zone"`
}

// NamedInfo is FaultDomain.RegionInfo / ZoneInfo: {"name": "..."}.
type NamedInfo struct {
	Name string `json:"name"`
}

// MasterCapability is MasterInfo.Capability.
type MasterCapability struct {
	Type MasterCapabilityType `json:"type"`
}

// MasterCapabilityType is MasterInfo.Capability.Type.
type MasterCapabilityType int32

// Master capabilities.
const (
	MasterUnknownCapability MasterCapabilityType = 0
	MasterAgentUpdate       MasterCapabilityType = 1
	MasterAgentDraining     MasterCapabilityType = 2
)

var masterCapEnum = enum.New("MasterInfo.Capability.Type", map[int32]string{
	int32(0): "UNKNOWN",
	int32(1): "AGENT_UPDATE",
	int32(2): "AGENT_DRAINING",
})

// String returns the Mesos name of the value ("MasterInfo.Capability.Type(<n>)" if unknown).
func (x MasterCapabilityType) String() string { return masterCapEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x MasterCapabilityType) IsKnown() bool { return masterCapEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x MasterCapabilityType) MarshalText() ([]byte, error) { return masterCapEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *MasterCapabilityType) UnmarshalText(b []byte) error {
	v, err := masterCapEnum.Unmarshal(b, reflect.TypeFor[MasterCapabilityType]())
	if err != nil {
		return err
	}
	*x = MasterCapabilityType(v)
	return nil
}
