package mesos

import (
	"encoding/json"
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// ContainerInfo is mesos.proto ContainerInfo. The Mesos containerizer
// (type MESOS) is modelled; Docker, volumes, Linux, rlimit and TTY infos
// are carried as raw JSON so that they round-trip untouched.
type ContainerInfo struct {
	Type         ContainerType     `json:"type"`
	Volumes      []json.RawMessage `json:"volumes,omitempty"`
	Hostname     string            `json:"hostname,omitempty"`
	Docker       json.RawMessage   `json:"docker,omitempty"`
	Mesos        *MesosInfo        `json:"mesos,omitempty"`
	NetworkInfos []NetworkInfo     `json:"network_infos,omitempty"`
	LinuxInfo    json.RawMessage   `json:"linux_info,omitempty"`
	RLimitInfo   json.RawMessage   `json:"rlimit_info,omitempty"`
	TTYInfo      json.RawMessage   `json:"tty_info,omitempty"`
}

// MesosInfo is ContainerInfo.MesosInfo; Image is kept as raw JSON.
type MesosInfo struct {
	Image json.RawMessage `json:"image,omitempty"`
}

// ContainerType is ContainerInfo.Type. The zero value is not a Mesos value
// (DOCKER=1, MESOS=2) and is rejected when written.
type ContainerType int32

// Container types.
const (
	ContainerDocker ContainerType = 1
	ContainerMesos  ContainerType = 2
)

var containerTypeEnum = enum.New("ContainerInfo.Type", map[int32]string{
	int32(1): "DOCKER",
	int32(2): "MESOS",
})

// String returns the Mesos name of the value ("ContainerInfo.Type(<n>)" if unknown).
func (x ContainerType) String() string { return containerTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x ContainerType) IsKnown() bool { return containerTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x ContainerType) MarshalText() ([]byte, error) { return containerTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *ContainerType) UnmarshalText(b []byte) error {
	v, err := containerTypeEnum.Unmarshal(b, reflect.TypeFor[ContainerType]())
	if err != nil {
		return err
	}
	*x = ContainerType(v)
	return nil
}

// ContainerStatus is mesos.proto ContainerStatus.
type ContainerStatus struct {
	ContainerID  *ContainerID    `json:"container_id,omitempty"`
	NetworkInfos []NetworkInfo   `json:"network_infos,omitempty"`
	CgroupInfo   json.RawMessage `json:"cgroup_info,omitempty"`
	ExecutorPID  *uint32         `json:"executor_pid,omitempty"`
}

// NetworkInfo is mesos.proto NetworkInfo.
type NetworkInfo struct {
	IPAddresses  []IPAddress   `json:"ip_addresses,omitempty"`
	Name         string        `json:"name,omitempty"`
	Groups       []string      `json:"groups,omitempty"`
	Labels       *Labels       `json:"labels,omitempty"`
	PortMappings []PortMapping `json:"port_mappings,omitempty"`
}

// IPAddress is NetworkInfo.IPAddress. Protocol has the default IPv4 (the
// zero value is written as IPv4).
type IPAddress struct {
	Protocol  NetworkProtocol `json:"protocol"`
	IPAddress string          `json:"ip_address,omitempty"`
}

// PortMapping is NetworkInfo.PortMapping.
type PortMapping struct {
	HostPort      uint32 `json:"host_port"`
	ContainerPort uint32 `json:"container_port"`
	Protocol      string `json:"protocol,omitempty"`
}

// NetworkProtocol is NetworkInfo.Protocol. Its zero value means "unset"
// and is written as the proto default, IPv4.
type NetworkProtocol int32

// Network protocols.
const (
	ProtocolIPv4 NetworkProtocol = 1
	ProtocolIPv6 NetworkProtocol = 2
)

var networkProtocolEnum = enum.New("NetworkInfo.Protocol", map[int32]string{
	int32(1): "IPv4",
	int32(2): "IPv6",
})

// String returns the Mesos name of the value ("NetworkInfo.Protocol(<n>)" if unknown).
func (x NetworkProtocol) String() string { return networkProtocolEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x NetworkProtocol) IsKnown() bool { return networkProtocolEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x NetworkProtocol) MarshalText() ([]byte, error) {
	if x == 0 {
		x = ProtocolIPv4
	}
	return networkProtocolEnum.Marshal(int32(x))
}

// UnmarshalText reads an enum name; unknown names are an error.
func (x *NetworkProtocol) UnmarshalText(b []byte) error {
	v, err := networkProtocolEnum.Unmarshal(b, reflect.TypeFor[NetworkProtocol]())
	if err != nil {
		return err
	}
	*x = NetworkProtocol(v)
	return nil
}
