package readonly

import (
	"slices"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// agentID returns the agent's id value ("" if unset).
func agentID(a *mesos.AgentInfo) string {
	if a.ID == nil {
		return ""
	}
	return a.ID.Value
}

// appendV0AgentInfo appends the members of json(JSON::ObjectWriter*,
// const SlaveInfo&) (src/common/http.cpp) after an opening brace: id,
// hostname, port, attributes, and domain when set.
func appendV0AgentInfo(b []byte, a *mesos.AgentInfo) []byte {
	b = append(b, `"id":`...)
	b = appendString(b, agentID(a))
	b = append(b, `,"hostname":`...)
	b = appendString(b, a.Hostname)
	b = append(b, `,"port":`...)
	b = appendInt(b, int64(a.GetPort()))
	b = append(b, `,"attributes":`...)
	b = appendV0Attributes(b, a.Attributes)
	if a.Domain != nil {
		b = append(b, `,"domain":`...)
		b = appendDomain(b, a.Domain)
	}
	return b
}

// appendV0Attributes appends attributes as a v0 object (json(JSON::
// ObjectWriter*, const Attributes&)): scalars as numbers, ranges, sets
// and text as strings ("[1-2, 5-6]", "{a, b}", "rack-1").
func appendV0Attributes(b []byte, attrs []mesos.Attribute) []byte {
	b = append(b, '{')
	n := 0
	for i := range attrs {
		a := &attrs[i]
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendString(b, a.Name)
		b = append(b, ':')
		switch {
		case a.Type == mesos.ValueScalar && a.Scalar != nil:
			b = appendFloat(b, a.Scalar.Value)
		case a.Type == mesos.ValueRanges && a.Ranges != nil:
			b = appendRangesText(b, a.Ranges.Range)
		case a.Type == mesos.ValueText && a.Text != nil:
			b = appendString(b, a.Text.Value)
		default:
			b = appendString(b, a.ValueString())
		}
	}
	return append(b, '}')
}

// appendDomain appends a DomainInfo (json(JSON::ObjectWriter*, const
// DomainInfo&); identical to its protobuf JSON).
func appendDomain(b []byte, d *mesos.DomainInfo) []byte {
	if d.FaultDomain == nil {
		return append(b, "{}"...)
	}
	b = append(b, `{"fault_domain":{"region":{"name":`...)
	b = appendString(b, d.FaultDomain.Region.Name)
	b = append(b, `},"zone":{"name":`...)
	b = appendString(b, d.FaultDomain.Zone.Name)
	return append(b, "}}}"...)
}

// appendV0MasterInfo appends a MasterInfo as v0 writes it (json(JSON::
// ObjectWriter*, const MasterInfo&)): id, pid, port, hostname, domain.
func appendV0MasterInfo(b []byte, m *mesos.MasterInfo) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, m.ID)
	b = append(b, `,"pid":`...)
	b = appendString(b, m.PID)
	b = append(b, `,"port":`...)
	b = appendUint(b, uint64(m.Port))
	b = append(b, `,"hostname":`...)
	b = appendString(b, m.Hostname)
	if m.Domain != nil {
		b = append(b, `,"domain":`...)
		b = appendDomain(b, m.Domain)
	}
	return append(b, '}')
}

// appendV0Agent appends the members SlaveWriter writes (src/master/
// readonly_handler.cpp) after an opening brace: the SlaveInfo members,
// pid, registered_time, reregistered_time (when set), resources,
// used_resources, offered_resources, reserved_resources (by role),
// unreserved_resources, active, deactivated, version, capabilities, and
// drain_info with estimated_drain_start_time_seconds when draining.
func appendV0Agent(b []byte, a *Agent) []byte {
	b = appendV0AgentInfo(b, &a.Info)
	b = append(b, `,"pid":`...)
	b = appendString(b, a.PID)
	b = append(b, `,"registered_time":`...)
	b = appendSecs(b, a.RegisteredTime)
	if !a.ReregisteredTime.IsZero() {
		b = append(b, `,"reregistered_time":`...)
		b = appendSecs(b, a.ReregisteredTime)
	}
	b = append(b, `,"resources":`...)
	b = appendV0Resources(b, a.Total, v0Filter{})
	b = append(b, `,"used_resources":`...)
	b = appendV0Resources(b, a.Allocated, v0Filter{})
	b = append(b, `,"offered_resources":`...)
	b = appendV0Resources(b, a.Offered, v0Filter{})
	b = append(b, `,"reserved_resources":{`...)
	var roleBuf [8]string
	for i, role := range reservationRoles(a.Total, roleBuf[:0]) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, role)
		b = append(b, ':')
		b = appendV0Resources(b, a.Total, v0Filter{mode: v0ReservedTo, role: role})
	}
	b = append(b, `},"unreserved_resources":`...)
	b = appendV0Resources(b, a.Total, v0Filter{mode: v0Unreserved})
	b = append(b, `,"active":`...)
	b = appendBool(b, a.Active)
	b = append(b, `,"deactivated":`...)
	b = appendBool(b, a.Deactivated)
	b = append(b, `,"version":`...)
	b = appendString(b, a.Version)
	b = append(b, `,"capabilities":[`...)
	for i, c := range a.Capabilities {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, c.Type.String())
	}
	b = append(b, ']')
	if a.DrainInfo != nil {
		b = append(b, `,"drain_info":`...)
		b = appendMarshal(b, a.DrainInfo)
		if !a.EstimatedDrainStartTime.IsZero() {
			b = append(b, `,"estimated_drain_start_time_seconds":`...)
			b = appendSecs(b, a.EstimatedDrainStartTime)
		}
	}
	return b
}

// reservationRoles appends to dst the distinct reservation roles of rs
// (the keys of Resources::reservations()), sorted.
func reservationRoles(rs resources.Resources, dst []string) []string {
	for i := range rs.Len() {
		r := rs.At(i)
		if len(r.Reservations) == 0 {
			continue
		}
		role := r.Reservations[len(r.Reservations)-1].Role
		if !slices.Contains(dst, role) {
			dst = append(dst, role)
		}
	}
	slices.Sort(dst)
	return dst
}

// appendV0AgentFull appends the extra members /master/slaves writes
// (SlavesWriter::writeSlave): reserved_resources_full (by role),
// unreserved_resources_full, used_resources_full and
// offered_resources_full, as v1 Resource arrays in ENDPOINT format.
func appendV0AgentFull(b []byte, a *Agent) []byte {
	b = append(b, `,"reserved_resources_full":{`...)
	var roleBuf [8]string
	for i, role := range reservationRoles(a.Total, roleBuf[:0]) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, role)
		b = append(b, ':')
		f := v0Filter{mode: v0ReservedTo, role: role}
		b = appendV1ResourceList(b, a.Total, resources.FormatEndpoint, f)
	}
	b = append(b, `},"unreserved_resources_full":`...)
	b = appendV1ResourceList(b, a.Total, resources.FormatEndpoint, v0Filter{mode: v0Unreserved})
	b = append(b, `,"used_resources_full":`...)
	b = appendV1ResourceList(b, a.Allocated, resources.FormatEndpoint, v0Filter{})
	b = append(b, `,"offered_resources_full":`...)
	b = appendV1ResourceList(b, a.Offered, resources.FormatEndpoint, v0Filter{})
	return b
}
