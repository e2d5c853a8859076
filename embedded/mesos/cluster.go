package mesos

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// WeightInfo is mesos.proto WeightInfo.
type WeightInfo struct {
	Weight float64 `json:"weight"`
	Role   string  `json:"role,omitempty"`
}

// VersionInfo is mesos.proto VersionInfo (GET_VERSION).
type VersionInfo struct {
	Version   string  `json:"version"`
	BuildDate string  `json:"build_date,omitempty"`
	BuildTime float64 `json:"build_time,omitempty"`
	BuildUser string  `json:"build_user,omitempty"`
	GitSHA    string  `json:"git_sha,omitempty"`
	GitBranch string  `json:"git_branch,omitempty"`
	GitTag    string  `json:"git_tag,omitempty"`
}

// Flag is mesos.proto Flag (GET_FLAGS).
type Flag struct {
	Name  string  `json:"name"`
	Value *string `json:"value,omitempty"`
}

// Role is mesos.proto Role (GET_ROLES).
type Role struct {
	Name       string        `json:"name"`
	Weight     float64       `json:"weight"`
	Frameworks []FrameworkID `json:"frameworks,omitempty"`
	Resources  Resources     `json:"resources,omitzero"`
}

// Metric is mesos.proto Metric (GET_METRICS). Value is optional; Mesos
// sets it for every metric.
type Metric struct {
	Name  string   `json:"name"`
	Value *float64 `json:"value,omitempty"`
}

// FileInfo is mesos.proto FileInfo (LIST_FILES).
type FileInfo struct {
	Path  string    `json:"path"`
	Nlink int32     `json:"nlink,omitempty"`
	Size  uint64    `json:"size,omitempty"`
	Mtime *TimeInfo `json:"mtime,omitempty"`
	Mode  uint32    `json:"mode,omitempty"`
	UID   string    `json:"uid,omitempty"`
	GID   string    `json:"gid,omitempty"`
}

// MachineID is mesos.proto MachineID (maintenance).
type MachineID struct {
	Hostname string `json:"hostname,omitempty"`
	IP       string `json:"ip,omitempty"`
}

// DrainInfo is mesos.proto DrainInfo.
type DrainInfo struct {
	State  DrainState  `json:"state"`
	Config DrainConfig `json:"config"`
}

// DrainConfig is mesos.proto DrainConfig; MarkGone has the default false
// and is always written.
type DrainConfig struct {
	MaxGracePeriod *DurationInfo `json:"max_grace_period,omitempty"`
	MarkGone       bool          `json:"mark_gone"`
}

// ResourceStatistics is the commonly used part of mesos.proto
// ResourceStatistics (container usage; GET_CONTAINERS, /monitor/
// statistics). Timestamp is required; other fields are omitted when zero.
// Members this type does not model are dropped.
type ResourceStatistics struct {
	Timestamp          float64 `json:"timestamp"`
	Processes          uint32  `json:"processes,omitempty"`
	Threads            uint32  `json:"threads,omitempty"`
	CPUsUserTimeSecs   float64 `json:"cpus_user_time_secs,omitempty"`
	CPUsSystemTimeSecs float64 `json:"cpus_system_time_secs,omitempty"`
	CPUsLimit          float64 `json:"cpus_limit,omitempty"`
	MemTotalBytes      uint64  `json:"mem_total_bytes,omitempty"`
	MemRSSBytes        uint64  `json:"mem_rss_bytes,omitempty"`
	MemLimitBytes      uint64  `json:"mem_limit_bytes,omitempty"`
	DiskLimitBytes     uint64  `json:"disk_limit_bytes,omitempty"`
	DiskUsedBytes      uint64  `json:"disk_used_bytes,omitempty"`
}

// DrainState is mesos.proto DrainState.
type DrainState int32

// Drain states.
const (
	DrainUnknown  DrainState = 0
	DrainDraining DrainState = 1
	DrainDrained  DrainState = 2
)

var drainStateEnum = enum.New("DrainState", map[int32]string{
	int32(0): "UNKNOWN",
	int32(1): "DRAINING",
	int32(2): "DRAINED",
})

// String returns the Mesos name of the value ("DrainState(<n>)" if unknown).
func (x DrainState) String() string { return drainStateEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x DrainState) IsKnown() bool { return drainStateEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x DrainState) MarshalText() ([]byte, error) { return drainStateEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *DrainState) UnmarshalText(b []byte) error {
	v, err := drainStateEnum.Unmarshal(b, reflect.TypeFor[DrainState]())
	if err != nil {
		return err
	}
	*x = DrainState(v)
	return nil
}
