package readonly

import (
	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// The v1 writers produce what embedded/mesos encodes for the same value
// (the protobuf JSON of stout's JSON::protobuf, members in proto field
// order), except that doubles use rapidjson's format ("0.0", not "0") as a
// Mesos master writes them. They exist because reflection-based encoding
// of 100,000 tasks is several times too slow for GET_STATE; rarely present
// sub-messages still go through embedded/mesos (appendMarshal).

// appendV1Task appends a mesos.v1.Task.
func appendV1Task(b []byte, t *mesos.Task) []byte {
	b = append(b, `{"name":`...)
	b = appendString(b, t.Name)
	b = append(b, `,"task_id":`...)
	b = appendID(b, t.TaskID.Value)
	b = append(b, `,"framework_id":`...)
	b = appendID(b, t.FrameworkID.Value)
	if t.ExecutorID != nil {
		b = append(b, `,"executor_id":`...)
		b = appendID(b, t.ExecutorID.Value)
	}
	b = append(b, `,"agent_id":`...)
	b = appendID(b, t.AgentID.Value)
	b = append(b, `,"state":"`...)
	b = append(b, stateName(t.State)...)
	b = append(b, '"')
	if !t.Resources.IsEmpty() {
		b = append(b, `,"resources":`...)
		b = appendV1ResourceList(b, t.Resources.Resources, t.Resources.Format, v0Filter{})
	}
	if len(t.Statuses) > 0 {
		b = append(b, `,"statuses":[`...)
		for i := range t.Statuses {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendV1Status(b, &t.Statuses[i])
		}
		b = append(b, ']')
	}
	if t.StatusUpdateState != nil {
		b = append(b, `,"status_update_state":"`...)
		b = append(b, stateName(*t.StatusUpdateState)...)
		b = append(b, '"')
	}
	if len(t.StatusUpdateUUID) > 0 {
		b = append(b, `,"status_update_uuid":`...)
		b = appendBytes(b, t.StatusUpdateUUID)
	}
	if t.Labels != nil {
		b = append(b, `,"labels":`...)
		b = appendV1Labels(b, t.Labels)
	}
	if t.Discovery != nil {
		b = append(b, `,"discovery":`...)
		b = appendMarshal(b, t.Discovery)
	}
	if t.Container != nil {
		b = append(b, `,"container":`...)
		b = appendMarshal(b, t.Container)
	}
	if t.HealthCheck != nil {
		b = append(b, `,"health_check":`...)
		b = appendMarshal(b, t.HealthCheck)
	}
	if t.KillPolicy != nil {
		b = append(b, `,"kill_policy":`...)
		b = appendMarshal(b, t.KillPolicy)
	}
	if t.User != "" {
		b = append(b, `,"user":`...)
		b = appendString(b, t.User)
	}
	if validRaw(t.Limits) {
		b = append(b, `,"limits":`...)
		b = append(b, t.Limits...)
	}
	return append(b, '}')
}

// appendV1Status appends a mesos.v1.TaskStatus.
func appendV1Status(b []byte, s *mesos.TaskStatus) []byte {
	b = append(b, `{"task_id":`...)
	b = appendID(b, s.TaskID.Value)
	b = append(b, `,"state":"`...)
	b = append(b, stateName(s.State)...)
	b = append(b, '"')
	if s.Message != "" {
		b = append(b, `,"message":`...)
		b = appendString(b, s.Message)
	}
	if s.Source != nil {
		b = append(b, `,"source":`...)
		b = appendString(b, s.Source.String())
	}
	if s.Reason != nil {
		b = append(b, `,"reason":`...)
		b = appendString(b, s.Reason.String())
	}
	if len(s.Data) > 0 {
		b = append(b, `,"data":`...)
		b = appendBytes(b, s.Data)
	}
	if s.AgentID != nil {
		b = append(b, `,"agent_id":`...)
		b = appendID(b, s.AgentID.Value)
	}
	if s.ExecutorID != nil {
		b = append(b, `,"executor_id":`...)
		b = appendID(b, s.ExecutorID.Value)
	}
	if s.Timestamp != 0 {
		b = append(b, `,"timestamp":`...)
		b = appendFloat(b, s.Timestamp)
	}
	if len(s.UUID) > 0 {
		b = append(b, `,"uuid":`...)
		b = appendBytes(b, s.UUID)
	}
	if s.Healthy != nil {
		b = append(b, `,"healthy":`...)
		b = appendBool(b, *s.Healthy)
	}
	if validRaw(s.CheckStatus) {
		b = append(b, `,"check_status":`...)
		b = append(b, s.CheckStatus...)
	}
	if s.Labels != nil {
		b = append(b, `,"labels":`...)
		b = appendV1Labels(b, s.Labels)
	}
	if s.ContainerStatus != nil {
		b = append(b, `,"container_status":`...)
		b = appendV1ContainerStatus(b, s.ContainerStatus)
	}
	if s.UnreachableTime != nil {
		b = append(b, `,"unreachable_time":{"nanoseconds":`...)
		b = appendInt(b, s.UnreachableTime.Nanoseconds)
		b = append(b, '}')
	}
	if s.Limitation != nil {
		b = append(b, `,"limitation":{`...)
		if !s.Limitation.Resources.IsEmpty() {
			b = append(b, `"resources":`...)
			b = appendV1ResourceList(b, s.Limitation.Resources.Resources, s.Limitation.Resources.Format, v0Filter{})
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendV1Labels appends a mesos.v1.Labels message: {"labels":[...]}, or
// {} when empty.
func appendV1Labels(b []byte, l *mesos.Labels) []byte {
	if len(l.Labels) == 0 {
		return append(b, "{}"...)
	}
	b = append(b, `{"labels":`...)
	b = appendV0Labels(b, l)
	return append(b, '}')
}

// appendV1ContainerStatus appends a mesos.v1.ContainerStatus.
func appendV1ContainerStatus(b []byte, c *mesos.ContainerStatus) []byte {
	b = append(b, '{')
	sep := false
	if c.ContainerID != nil {
		b = append(b, `"container_id":`...)
		b = appendContainerID(b, c.ContainerID)
		sep = true
	}
	if len(c.NetworkInfos) > 0 {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"network_infos":[`...)
		for i := range c.NetworkInfos {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendV1NetworkInfo(b, &c.NetworkInfos[i])
		}
		b = append(b, ']')
		sep = true
	}
	if validRaw(c.CgroupInfo) {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"cgroup_info":`...)
		b = append(b, c.CgroupInfo...)
		sep = true
	}
	if c.ExecutorPID != nil {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"executor_pid":`...)
		b = appendUint(b, uint64(*c.ExecutorPID))
	}
	return append(b, '}')
}

// appendV1NetworkInfo appends a mesos.v1.NetworkInfo: ip_addresses, name,
// groups, labels, port_mappings, each when set.
func appendV1NetworkInfo(b []byte, n *mesos.NetworkInfo) []byte {
	b = append(b, '{')
	sep := false
	if len(n.IPAddresses) > 0 {
		b = append(b, `"ip_addresses":`...)
		b = appendIPAddresses(b, n.IPAddresses)
		sep = true
	}
	if n.Name != "" {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"name":`...)
		b = appendString(b, n.Name)
		sep = true
	}
	if len(n.Groups) > 0 {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"groups":`...)
		b = appendStrings(b, n.Groups)
		sep = true
	}
	if n.Labels != nil {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"labels":`...)
		b = appendV1Labels(b, n.Labels)
		sep = true
	}
	if len(n.PortMappings) > 0 {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"port_mappings":`...)
		b = appendPortMappings(b, n.PortMappings)
	}
	return append(b, '}')
}
