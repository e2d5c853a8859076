package readonly

import (
	"encoding/json"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// taskStateNames are the TaskState names by numeric value.
var taskStateNames = [NumTaskStates]string{
	"TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED", "TASK_FAILED",
	"TASK_KILLED", "TASK_LOST", "TASK_STAGING", "TASK_ERROR",
	"TASK_KILLING", "TASK_DROPPED", "TASK_UNREACHABLE", "TASK_GONE",
	"TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN",
}

// stateName returns the enum name of s ("TaskState(<n>)" if unknown).
func stateName(s mesos.TaskState) string {
	if s >= 0 && int(s) < NumTaskStates {
		return taskStateNames[s]
	}
	return s.String()
}

// appendV0Task appends a task as /master/state and /master/tasks write it
// (json(JSON::ObjectWriter*, const Task&) in src/common/http.cpp): id,
// name, framework_id, executor_id ("" when none), slave_id, state,
// resources (v0 map), limits (when set), role (the allocation role of the
// first resource), statuses, then user, labels, discovery, container and
// health_check when set.
func appendV0Task(b []byte, t *mesos.Task) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, t.TaskID.Value)
	b = append(b, `,"name":`...)
	b = appendString(b, t.Name)
	b = append(b, `,"framework_id":`...)
	b = appendString(b, t.FrameworkID.Value)
	b = append(b, `,"executor_id":`...)
	if t.ExecutorID != nil {
		b = appendString(b, t.ExecutorID.Value)
	} else {
		b = append(b, `""`...)
	}
	b = append(b, `,"slave_id":`...)
	b = appendString(b, t.AgentID.Value)
	b = append(b, `,"state":"`...)
	b = append(b, stateName(t.State)...)
	b = append(b, `","resources":`...)
	b = appendV0Resources(b, t.Resources.Resources, v0Filter{})
	if validRaw(t.Limits) {
		b = appendV0Limits(b, t.Limits)
	}
	// Tasks do not mix allocation roles (MESOS-6636): the first
	// resource's role is the task's. Mesos dereferences begin() of an
	// empty collection; we write "".
	role := ""
	if t.Resources.Len() > 0 {
		role = t.Resources.At(0).AllocationRole()
	}
	b = append(b, `,"role":`...)
	b = appendString(b, role)
	b = append(b, `,"statuses":[`...)
	for i := range t.Statuses {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendV0Status(b, &t.Statuses[i])
	}
	b = append(b, ']')
	if t.User != "" {
		b = append(b, `,"user":`...)
		b = appendString(b, t.User)
	}
	if t.Labels != nil {
		b = append(b, `,"labels":`...)
		b = appendV0Labels(b, t.Labels)
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
	return append(b, '}')
}

// appendV0Limits appends ,"limits":{name: value} from the v1 map
// {name: {"value": v}} (json of google::protobuf::Map<string,
// Value_Scalar>); the values are copied as given (stout accepts
// "Infinity" there). Names are sorted; Mesos writes them in its map order.
func appendV0Limits(b []byte, raw json.RawMessage) []byte {
	var m map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
		return b
	}
	b = append(b, `,"limits":{`...)
	first := true
	for _, name := range sortedKeys(m) {
		v := m[name].Value
		if !validRaw(v) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, name)
		b = append(b, ':')
		b = append(b, v...)
	}
	return append(b, '}')
}

// appendV0Status appends a status as v0 tasks carry it (json(JSON::
// ObjectWriter*, const TaskStatus&)): state, timestamp, then labels,
// container_status and healthy when set.
func appendV0Status(b []byte, s *mesos.TaskStatus) []byte {
	b = append(b, `{"state":"`...)
	b = append(b, stateName(s.State)...)
	b = append(b, `","timestamp":`...)
	b = appendFloat(b, s.Timestamp)
	if s.Labels != nil {
		b = append(b, `,"labels":`...)
		b = appendV0Labels(b, s.Labels)
	}
	if s.ContainerStatus != nil {
		b = append(b, `,"container_status":`...)
		b = appendV0ContainerStatus(b, s.ContainerStatus)
	}
	if s.Healthy != nil {
		b = append(b, `,"healthy":`...)
		b = appendBool(b, *s.Healthy)
	}
	return append(b, '}')
}

// appendV0Labels appends Labels as v0 writes them: an array of Label
// messages [{"key":...,"value":...}] (json(JSON::ArrayWriter*, Labels)).
func appendV0Labels(b []byte, l *mesos.Labels) []byte {
	b = append(b, '[')
	for i := range l.Labels {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendLabel(b, &l.Labels[i])
	}
	return append(b, ']')
}

// appendLabel appends one Label message.
func appendLabel(b []byte, l *mesos.Label) []byte {
	b = append(b, `{"key":`...)
	b = appendString(b, l.Key)
	if l.Value != nil {
		b = append(b, `,"value":`...)
		b = appendString(b, *l.Value)
	}
	return append(b, '}')
}

// appendV0ContainerStatus appends a ContainerStatus as v0 writes it
// (json(JSON::ObjectWriter*, const ContainerStatus&)): container_id,
// network_infos and cgroup_info when set; executor_pid is not written.
func appendV0ContainerStatus(b []byte, c *mesos.ContainerStatus) []byte {
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
			b = appendV0NetworkInfo(b, &c.NetworkInfos[i])
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
	}
	return append(b, '}')
}

// appendContainerID appends a ContainerID message (value, parent).
func appendContainerID(b []byte, id *mesos.ContainerID) []byte {
	for depth := 0; id != nil; depth++ {
		b = append(b, `{"value":`...)
		b = appendString(b, id.Value)
		id = id.Parent
		if id == nil {
			for range depth + 1 {
				b = append(b, '}')
			}
			return b
		}
		b = append(b, `,"parent":`...)
	}
	return b
}

// appendV0NetworkInfo appends a NetworkInfo as v0 writes it (json(JSON::
// ObjectWriter*, const NetworkInfo&)): groups, labels, ip_addresses, name,
// port_mappings, each when set.
func appendV0NetworkInfo(b []byte, n *mesos.NetworkInfo) []byte {
	b = append(b, '{')
	sep := false
	comma := func() {
		if sep {
			b = append(b, ',')
		}
		sep = true
	}
	if len(n.Groups) > 0 {
		comma()
		b = append(b, `"groups":`...)
		b = appendStrings(b, n.Groups)
	}
	if n.Labels != nil {
		comma()
		b = append(b, `"labels":`...)
		b = appendV0Labels(b, n.Labels)
	}
	if len(n.IPAddresses) > 0 {
		comma()
		b = append(b, `"ip_addresses":`...)
		b = appendIPAddresses(b, n.IPAddresses)
	}
	if n.Name != "" {
		comma()
		b = append(b, `"name":`...)
		b = appendString(b, n.Name)
	}
	if len(n.PortMappings) > 0 {
		comma()
		b = append(b, `"port_mappings":`...)
		b = appendPortMappings(b, n.PortMappings)
	}
	return append(b, '}')
}

// appendIPAddresses appends NetworkInfo.IPAddress messages; protocol has
// the default IPv4 and is always written.
func appendIPAddresses(b []byte, ips []mesos.IPAddress) []byte {
	b = append(b, '[')
	for i := range ips {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"protocol":`...)
		if ips[i].Protocol == mesos.ProtocolIPv6 {
			b = append(b, `"IPv6"`...)
		} else {
			b = append(b, `"IPv4"`...)
		}
		if ips[i].IPAddress != "" {
			b = append(b, `,"ip_address":`...)
			b = appendString(b, ips[i].IPAddress)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendPortMappings appends NetworkInfo.PortMapping messages.
func appendPortMappings(b []byte, pms []mesos.PortMapping) []byte {
	b = append(b, '[')
	for i := range pms {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"host_port":`...)
		b = appendUint(b, uint64(pms[i].HostPort))
		b = append(b, `,"container_port":`...)
		b = appendUint(b, uint64(pms[i].ContainerPort))
		if pms[i].Protocol != "" {
			b = append(b, `,"protocol":`...)
			b = appendString(b, pms[i].Protocol)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}
