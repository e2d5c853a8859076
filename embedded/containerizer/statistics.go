package containerizer

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ResourceStatistics is a container's resource usage snapshot. It models
// include/mesos/mesos.proto ResourceStatistics with the JSON field names the
// agent's /monitor/statistics endpoint serves; only the fields the posix and
// cgroups v2 isolators fill are declared. Unset (zero) optional fields are
// omitted, as Mesos omits unset protobuf fields; Timestamp is required and
// always present. cpus_user_time_secs and cpus_system_time_secs are set
// (present even when 0) whenever a CPU isolator measured the container, as
// src/usage/usage.cpp usage(pid, mem, cpus) sets both when cpus is true for
// posix/cpu (isolators/posix.hpp PosixCpuIsolatorProcess::usage) and the
// cgroups cpuacct subsystem does: HasCPUTimes records that.
type ResourceStatistics struct {
	// Timestamp is seconds since the Epoch.
	Timestamp float64 `json:"timestamp"`
	Processes uint32  `json:"processes,omitempty"`
	Threads   uint32  `json:"threads,omitempty"`

	CPUsUserTimeSecs   float64 `json:"cpus_user_time_secs,omitempty"`
	CPUsSystemTimeSecs float64 `json:"cpus_system_time_secs,omitempty"`
	CPUsLimit          float64 `json:"cpus_limit,omitempty"`
	CPUsSoftLimit      float64 `json:"cpus_soft_limit,omitempty"`
	// CFS bandwidth statistics (cgroups v2 cpu.stat).
	CPUsNrPeriods         uint32  `json:"cpus_nr_periods,omitempty"`
	CPUsNrThrottled       uint32  `json:"cpus_nr_throttled,omitempty"`
	CPUsThrottledTimeSecs float64 `json:"cpus_throttled_time_secs,omitempty"`

	MemTotalBytes     uint64 `json:"mem_total_bytes,omitempty"`
	MemLimitBytes     uint64 `json:"mem_limit_bytes,omitempty"`
	MemSoftLimitBytes uint64 `json:"mem_soft_limit_bytes,omitempty"`
	MemFileBytes      uint64 `json:"mem_file_bytes,omitempty"`
	MemAnonBytes      uint64 `json:"mem_anon_bytes,omitempty"`
	MemRSSBytes       uint64 `json:"mem_rss_bytes,omitempty"`

	DiskLimitBytes uint64 `json:"disk_limit_bytes,omitempty"`

	// HasCPUTimes is true when a CPU isolator (posix/cpu, cgroups/cpu) set
	// CPUsUserTimeSecs and CPUsSystemTimeSecs: they are then marshalled even
	// when 0, like protobuf fields that were set. Unmarshalling sets it when
	// either key is present.
	HasCPUTimes bool `json:"-"`
}

// resourceStatisticsFields is ResourceStatistics without its JSON methods.
type resourceStatisticsFields ResourceStatistics

// MarshalJSON writes the set fields: the omitempty ones when non-zero, the
// CPU times also when zero if HasCPUTimes.
func (s ResourceStatistics) MarshalJSON() ([]byte, error) {
	if !s.HasCPUTimes {
		return json.Marshal(resourceStatisticsFields(s))
	}
	// The outer fields shadow the embedded omitempty ones of the same name.
	return json.Marshal(struct {
		resourceStatisticsFields
		CPUsUserTimeSecs   float64 `json:"cpus_user_time_secs"`
		CPUsSystemTimeSecs float64 `json:"cpus_system_time_secs"`
	}{resourceStatisticsFields(s), s.CPUsUserTimeSecs, s.CPUsSystemTimeSecs})
}

// UnmarshalJSON reads the fields and sets HasCPUTimes when the payload has
// cpus_user_time_secs or cpus_system_time_secs.
func (s *ResourceStatistics) UnmarshalJSON(b []byte) error {
	var f resourceStatisticsFields
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("containerizer: decode resource statistics: %w", err)
	}
	var has struct {
		User   *float64 `json:"cpus_user_time_secs"`
		System *float64 `json:"cpus_system_time_secs"`
	}
	if err := json.Unmarshal(b, &has); err != nil {
		return fmt.Errorf("containerizer: decode resource statistics: %w", err)
	}
	*s = ResourceStatistics(f)
	s.HasCPUTimes = has.User != nil || has.System != nil
	return nil
}

// reportsCPUTimes reports whether the isolator named name measures CPU
// time: posix/cpu, or the cgroups isolator when it has the cpu controller.
func reportsCPUTimes(name string) bool {
	for n := range strings.SplitSeq(name, ",") {
		if n == "posix/cpu" || n == "cgroups/cpu" {
			return true
		}
	}
	return false
}

// merge copies the non-zero fields of o into s, like protobuf MergeFrom in
// MesosContainerizerProcess::usage's _usage.
func (s *ResourceStatistics) merge(o ResourceStatistics) {
	set := func(dst *float64, v float64) {
		if v != 0 {
			*dst = v
		}
	}
	setU := func(dst *uint64, v uint64) {
		if v != 0 {
			*dst = v
		}
	}
	set32 := func(dst *uint32, v uint32) {
		if v != 0 {
			*dst = v
		}
	}
	set32(&s.Processes, o.Processes)
	set32(&s.Threads, o.Threads)
	if o.HasCPUTimes {
		// A CPU isolator's times are set even when 0.
		s.CPUsUserTimeSecs, s.CPUsSystemTimeSecs, s.HasCPUTimes = o.CPUsUserTimeSecs, o.CPUsSystemTimeSecs, true
	} else {
		set(&s.CPUsUserTimeSecs, o.CPUsUserTimeSecs)
		set(&s.CPUsSystemTimeSecs, o.CPUsSystemTimeSecs)
	}
	set(&s.CPUsLimit, o.CPUsLimit)
	set(&s.CPUsSoftLimit, o.CPUsSoftLimit)
	set32(&s.CPUsNrPeriods, o.CPUsNrPeriods)
	set32(&s.CPUsNrThrottled, o.CPUsNrThrottled)
	set(&s.CPUsThrottledTimeSecs, o.CPUsThrottledTimeSecs)
	setU(&s.MemTotalBytes, o.MemTotalBytes)
	setU(&s.MemLimitBytes, o.MemLimitBytes)
	setU(&s.MemSoftLimitBytes, o.MemSoftLimitBytes)
	setU(&s.MemFileBytes, o.MemFileBytes)
	setU(&s.MemAnonBytes, o.MemAnonBytes)
	setU(&s.MemRSSBytes, o.MemRSSBytes)
	setU(&s.DiskLimitBytes, o.DiskLimitBytes)
}

// ContainerStatus models include/mesos/mesos.proto ContainerStatus (without
// network and cgroup info): the container and the pid of its init process
// (our launch shim).
type ContainerStatus struct {
	ContainerID ContainerID `json:"container_id"`
	ExecutorPID uint32      `json:"executor_pid,omitempty"`
}
