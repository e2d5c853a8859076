package readonly

import (
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// appendV1FrameworkInfo appends a mesos.v1.FrameworkInfo: user, name, id,
// failover_timeout and checkpoint (always, they have proto defaults),
// then role, roles, hostname, principal, webui_url, capabilities, labels
// and offer_filters when set.
func appendV1FrameworkInfo(b []byte, f *mesos.FrameworkInfo) []byte {
	b = append(b, `{"user":`...)
	b = appendString(b, f.User)
	b = append(b, `,"name":`...)
	b = appendString(b, f.Name)
	if f.ID != nil {
		b = append(b, `,"id":`...)
		b = appendID(b, f.ID.Value)
	}
	b = append(b, `,"failover_timeout":`...)
	b = appendFloat(b, f.FailoverTimeout)
	b = append(b, `,"checkpoint":`...)
	b = appendBool(b, f.Checkpoint)
	if f.Role != "" {
		b = append(b, `,"role":`...)
		b = appendString(b, f.Role)
	}
	if len(f.Roles) > 0 {
		b = append(b, `,"roles":`...)
		b = appendStrings(b, f.Roles)
	}
	if f.Hostname != "" {
		b = append(b, `,"hostname":`...)
		b = appendString(b, f.Hostname)
	}
	if f.Principal != "" {
		b = append(b, `,"principal":`...)
		b = appendString(b, f.Principal)
	}
	if f.WebuiURL != "" {
		b = append(b, `,"webui_url":`...)
		b = appendString(b, f.WebuiURL)
	}
	if len(f.Capabilities) > 0 {
		b = append(b, `,"capabilities":[`...)
		for i, c := range f.Capabilities {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"type":`...)
			b = appendString(b, c.Type.String())
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if f.Labels != nil {
		b = append(b, `,"labels":`...)
		b = appendV1Labels(b, f.Labels)
	}
	if len(f.OfferFilters) > 0 {
		b = append(b, `,"offer_filters":`...)
		b = appendMarshal(b, f.OfferFilters)
	}
	return append(b, '}')
}

// appendV1Framework appends a Response.GetFrameworks.Framework as
// model(const Framework&) builds it (src/master/http.cpp):
// framework_info, active, connected, recovered, the non-zero times,
// offers, allocated_resources and offered_resources (ENDPOINT format,
// when not empty) and offer_constraints (always; {} when none).
func appendV1Framework(b []byte, f *Framework) []byte {
	b = append(b, `{"framework_info":`...)
	b = appendV1FrameworkInfo(b, &f.Info)
	b = appendV1FrameworkFlags(b, f)
	for _, x := range [...]struct {
		key string
		t   int64
	}{
		{`,"registered_time":{"nanoseconds":`, nanos(f.RegisteredTime)},
		{`,"reregistered_time":{"nanoseconds":`, nanos(f.ReregisteredTime)},
		{`,"unregistered_time":{"nanoseconds":`, nanos(f.UnregisteredTime)},
	} {
		if x.t != 0 {
			b = append(b, x.key...)
			b = appendInt(b, x.t)
			b = append(b, '}')
		}
	}
	n := 0
	for _, o := range f.Offers {
		if o == nil {
			continue
		}
		if n == 0 {
			b = append(b, `,"offers":[`...)
		} else {
			b = append(b, ',')
		}
		n++
		b = appendV1Offer(b, o)
	}
	if n > 0 {
		b = append(b, ']')
	}
	if !f.Allocated.IsEmpty() {
		b = append(b, `,"allocated_resources":`...)
		b = appendV1ResourceList(b, f.Allocated, resources.FormatEndpoint, v0Filter{})
	}
	if !f.Offered.IsEmpty() {
		b = append(b, `,"offered_resources":`...)
		b = appendV1ResourceList(b, f.Offered, resources.FormatEndpoint, v0Filter{})
	}
	b = append(b, `,"offer_constraints":`...)
	if f.OfferConstraints != nil {
		b = appendMarshal(b, f.OfferConstraints)
	} else {
		b = append(b, "{}"...)
	}
	return append(b, '}')
}

// appendV1FrameworkFlags appends ,"active":..,"connected":..,"recovered":..
func appendV1FrameworkFlags(b []byte, f *Framework) []byte {
	b = append(b, `,"active":`...)
	b = appendBool(b, f.Active)
	b = append(b, `,"connected":`...)
	b = appendBool(b, f.Connected)
	b = append(b, `,"recovered":`...)
	return appendBool(b, f.Recovered)
}

// appendV1FrameworkEvent appends the framework of FRAMEWORK_ADDED and
// FRAMEWORK_UPDATED as createFrameworkAdded/createFrameworkUpdated build
// it: framework_info, active, connected, recovered and the three times,
// always set (zero times as 0 nanoseconds).
func appendV1FrameworkEvent(b []byte, f *Framework) []byte {
	b = append(b, `{"framework_info":`...)
	b = appendV1FrameworkInfo(b, &f.Info)
	b = appendV1FrameworkFlags(b, f)
	b = append(b, `,"registered_time":`...)
	b = appendTimeInfo(b, f.RegisteredTime)
	b = append(b, `,"reregistered_time":`...)
	b = appendTimeInfo(b, f.ReregisteredTime)
	b = append(b, `,"unregistered_time":`...)
	b = appendTimeInfo(b, f.UnregisteredTime)
	return append(b, '}')
}

// appendV1Offer appends a mesos.v1.Offer.
func appendV1Offer(b []byte, o *mesos.Offer) []byte {
	b = append(b, `{"id":`...)
	b = appendID(b, o.ID.Value)
	b = append(b, `,"framework_id":`...)
	b = appendID(b, o.FrameworkID.Value)
	b = append(b, `,"agent_id":`...)
	b = appendID(b, o.AgentID.Value)
	b = append(b, `,"hostname":`...)
	b = appendString(b, o.Hostname)
	if o.URL != nil {
		b = append(b, `,"url":`...)
		b = appendMarshal(b, o.URL)
	}
	if o.Domain != nil {
		b = append(b, `,"domain":`...)
		b = appendDomain(b, o.Domain)
	}
	if !o.Resources.IsEmpty() {
		b = append(b, `,"resources":`...)
		b = appendV1ResourceList(b, o.Resources.Resources, o.Resources.Format, v0Filter{})
	}
	if len(o.Attributes) > 0 {
		b = append(b, `,"attributes":[`...)
		for i := range o.Attributes {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendV1Attribute(b, &o.Attributes[i])
		}
		b = append(b, ']')
	}
	if len(o.ExecutorIDs) > 0 {
		b = append(b, `,"executor_ids":[`...)
		for i, id := range o.ExecutorIDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendID(b, id.Value)
		}
		b = append(b, ']')
	}
	if o.Unavailability != nil {
		b = append(b, `,"unavailability":`...)
		b = appendMarshal(b, o.Unavailability)
	}
	if o.AllocationInfo != nil {
		b = append(b, `,"allocation_info":{`...)
		if o.AllocationInfo.Role != "" {
			b = append(b, `"role":`...)
			b = appendString(b, o.AllocationInfo.Role)
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendV1Executor appends a Response.GetExecutors.Executor:
// {"executor_info": ..., "agent_id": ...}.
func appendV1Executor(b []byte, e *Executor) []byte {
	b = append(b, `{"executor_info":`...)
	b = appendV1ExecutorInfo(b, &e.Info)
	b = append(b, `,"agent_id":`...)
	b = appendID(b, e.AgentID)
	return append(b, '}')
}

// appendV1ExecutorInfo appends a mesos.v1.ExecutorInfo.
func appendV1ExecutorInfo(b []byte, x *mesos.ExecutorInfo) []byte {
	b = append(b, '{')
	if x.Type != mesos.ExecutorUnknown {
		b = append(b, `"type":`...)
		b = appendString(b, x.Type.String())
		b = append(b, ',')
	}
	b = append(b, `"executor_id":`...)
	b = appendID(b, x.ExecutorID.Value)
	if x.FrameworkID != nil {
		b = append(b, `,"framework_id":`...)
		b = appendID(b, x.FrameworkID.Value)
	}
	if x.Command != nil {
		b = append(b, `,"command":`...)
		b = appendV1Command(b, x.Command)
	}
	if x.Container != nil {
		b = append(b, `,"container":`...)
		b = appendMarshal(b, x.Container)
	}
	if !x.Resources.IsEmpty() {
		b = append(b, `,"resources":`...)
		b = appendV1ResourceList(b, x.Resources.Resources, x.Resources.Format, v0Filter{})
	}
	if x.Name != "" {
		b = append(b, `,"name":`...)
		b = appendString(b, x.Name)
	}
	if x.Source != "" {
		b = append(b, `,"source":`...)
		b = appendString(b, x.Source)
	}
	if len(x.Data) > 0 {
		b = append(b, `,"data":`...)
		b = appendBytes(b, x.Data)
	}
	if x.Discovery != nil {
		b = append(b, `,"discovery":`...)
		b = appendMarshal(b, x.Discovery)
	}
	if x.ShutdownGracePeriod != nil {
		b = append(b, `,"shutdown_grace_period":{"nanoseconds":`...)
		b = appendInt(b, x.ShutdownGracePeriod.Nanoseconds)
		b = append(b, '}')
	}
	if x.Labels != nil {
		b = append(b, `,"labels":`...)
		b = appendV1Labels(b, x.Labels)
	}
	return append(b, '}')
}

// appendV1Command appends a mesos.v1.CommandInfo: uris, environment,
// shell (always; default true), value, arguments, user.
func appendV1Command(b []byte, c *mesos.CommandInfo) []byte {
	b = append(b, '{')
	if len(c.URIs) > 0 {
		b = append(b, `"uris":[`...)
		for i := range c.URIs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendV1URI(b, &c.URIs[i])
		}
		b = append(b, "],"...)
	}
	if c.Environment != nil {
		b = append(b, `"environment":`...)
		b = appendMarshal(b, c.Environment)
		b = append(b, ',')
	}
	b = append(b, `"shell":`...)
	b = appendBool(b, c.GetShell())
	if c.Value != nil {
		b = append(b, `,"value":`...)
		b = appendString(b, *c.Value)
	}
	if len(c.Arguments) > 0 {
		b = append(b, `,"arguments":`...)
		b = appendStrings(b, c.Arguments)
	}
	if c.User != "" {
		b = append(b, `,"user":`...)
		b = appendString(b, c.User)
	}
	return append(b, '}')
}

// appendV1URI appends a CommandInfo.URI (extract defaults to true).
func appendV1URI(b []byte, u *mesos.CommandURI) []byte {
	b = append(b, `{"value":`...)
	b = appendString(b, u.Value)
	if u.Executable != nil {
		b = append(b, `,"executable":`...)
		b = appendBool(b, *u.Executable)
	}
	b = append(b, `,"extract":`...)
	b = appendBool(b, u.GetExtract())
	if u.Cache != nil {
		b = append(b, `,"cache":`...)
		b = appendBool(b, *u.Cache)
	}
	if u.OutputFile != "" {
		b = append(b, `,"output_file":`...)
		b = appendString(b, u.OutputFile)
	}
	return append(b, '}')
}
