package readonly

import (
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// appendV1AgentInfo appends a mesos.v1.AgentInfo: hostname, port (5051
// when unset), resources (in Info.Resources.Format), attributes, id,
// domain.
func appendV1AgentInfo(b []byte, a *mesos.AgentInfo) []byte {
	b = append(b, `{"hostname":`...)
	b = appendString(b, a.Hostname)
	b = append(b, `,"port":`...)
	b = appendInt(b, int64(a.GetPort()))
	if !a.Resources.IsEmpty() {
		b = append(b, `,"resources":`...)
		b = appendV1ResourceList(b, a.Resources.Resources, a.Resources.Format, v0Filter{})
	}
	if len(a.Attributes) > 0 {
		b = append(b, `,"attributes":[`...)
		for i := range a.Attributes {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendV1Attribute(b, &a.Attributes[i])
		}
		b = append(b, ']')
	}
	if a.ID != nil {
		b = append(b, `,"id":`...)
		b = appendID(b, a.ID.Value)
	}
	if a.Domain != nil {
		b = append(b, `,"domain":`...)
		b = appendDomain(b, a.Domain)
	}
	return append(b, '}')
}

// appendV1Attribute appends a mesos.v1.Attribute: name, type and the
// value of that type.
func appendV1Attribute(b []byte, a *mesos.Attribute) []byte {
	b = append(b, `{"name":`...)
	b = appendString(b, a.Name)
	b = append(b, `,"type":`...)
	b = appendString(b, a.Type.String())
	if a.Scalar != nil {
		b = append(b, `,"scalar":{"value":`...)
		b = appendFloat(b, a.Scalar.Value)
		b = append(b, '}')
	}
	if a.Ranges != nil {
		b = append(b, `,"ranges":{`...)
		if len(a.Ranges.Range) > 0 {
			b = append(b, `"range":[`...)
			for i, r := range a.Ranges.Range {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"begin":`...)
				b = appendUint(b, r.Begin)
				b = append(b, `,"end":`...)
				b = appendUint(b, r.End)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	if a.Set != nil {
		b = append(b, `,"set":{`...)
		if len(a.Set.Item) > 0 {
			b = append(b, `"item":`...)
			b = appendStrings(b, a.Set.Item)
		}
		b = append(b, '}')
	}
	if a.Text != nil {
		b = append(b, `,"text":{"value":`...)
		b = appendString(b, a.Text.Value)
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendV1Agent appends a Response.GetAgents.Agent as
// protobuf::master::event::createAgentResponse builds it
// (src/common/protobuf_utils.cpp): agent_info, active, deactivated,
// version, pid, registered_time, reregistered_time (when set),
// total_resources, allocated_resources and offered_resources (ENDPOINT
// format, when not empty), capabilities, and drain_info with
// estimated_drain_start_time when draining.
func appendV1Agent(b []byte, a *Agent) []byte {
	b = append(b, `{"agent_info":`...)
	b = appendV1AgentInfo(b, &a.Info)
	b = append(b, `,"active":`...)
	b = appendBool(b, a.Active)
	b = append(b, `,"deactivated":`...)
	b = appendBool(b, a.Deactivated)
	b = append(b, `,"version":`...)
	b = appendString(b, a.Version)
	if a.PID != "" {
		b = append(b, `,"pid":`...)
		b = appendString(b, a.PID)
	}
	b = append(b, `,"registered_time":`...)
	b = appendTimeInfo(b, a.RegisteredTime)
	if !a.ReregisteredTime.IsZero() {
		b = append(b, `,"reregistered_time":`...)
		b = appendTimeInfo(b, a.ReregisteredTime)
	}
	for _, x := range [...]struct {
		key string
		rs  resources.Resources
	}{
		{`,"total_resources":`, a.Total},
		{`,"allocated_resources":`, a.Allocated},
		{`,"offered_resources":`, a.Offered},
	} {
		if !x.rs.IsEmpty() {
			b = append(b, x.key...)
			b = appendV1ResourceList(b, x.rs, resources.FormatEndpoint, v0Filter{})
		}
	}
	if len(a.Capabilities) > 0 {
		b = append(b, `,"capabilities":[`...)
		for i, c := range a.Capabilities {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"type":`...)
			b = appendString(b, c.Type.String())
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if a.DrainInfo != nil {
		b = append(b, `,"drain_info":`...)
		b = appendMarshal(b, a.DrainInfo)
		if !a.EstimatedDrainStartTime.IsZero() {
			b = append(b, `,"estimated_drain_start_time":`...)
			b = appendTimeInfo(b, a.EstimatedDrainStartTime)
		}
	}
	return append(b, '}')
}
