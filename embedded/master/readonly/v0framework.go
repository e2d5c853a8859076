package readonly

import (
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// frameworkID returns the framework's id value ("" if unset).
func frameworkID(f *Framework) string {
	if f.Info.ID == nil {
		return ""
	}
	return f.Info.ID.Value
}

// appendV0FrameworkSummary appends the members of Summary<Framework>
// (json(JSON::ObjectWriter*, const Summary<Framework>&) in
// src/master/readonly_handler.cpp) after an opening brace: id, name, pid
// (omitted for HTTP frameworks), used_resources, offered_resources,
// capabilities, hostname, webui_url, active, connected, recovered.
func appendV0FrameworkSummary(b []byte, f *Framework) []byte {
	b = append(b, `"id":`...)
	b = appendString(b, frameworkID(f))
	b = append(b, `,"name":`...)
	b = appendString(b, f.Info.Name)
	if f.PID != "" {
		b = append(b, `,"pid":`...)
		b = appendString(b, f.PID)
	}
	b = append(b, `,"used_resources":`...)
	b = appendV0Resources(b, f.Allocated, v0Filter{})
	b = append(b, `,"offered_resources":`...)
	b = appendV0Resources(b, f.Offered, v0Filter{})
	b = append(b, `,"capabilities":[`...)
	for i, c := range f.Info.Capabilities {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, c.Type.String())
	}
	b = append(b, `],"hostname":`...)
	b = appendString(b, f.Info.Hostname)
	b = append(b, `,"webui_url":`...)
	b = appendString(b, f.Info.WebuiURL)
	b = append(b, `,"active":`...)
	b = appendBool(b, f.Active)
	b = append(b, `,"connected":`...)
	b = appendBool(b, f.Connected)
	b = append(b, `,"recovered":`...)
	b = appendBool(b, f.Recovered)
	return b
}

// appendV0Framework appends a framework as /master/state and
// /master/frameworks write it (FullFrameworkWriter): the summary, then
// user, failover_timeout, checkpoint, registered_time,
// unregistered_time, principal (when set), resources (used plus offered),
// reregistered_time (when it differs from registered_time), role or roles
// (MULTI_ROLE), tasks, unreachable_tasks, completed_tasks, offers,
// executors, labels (when set) and offer_constraints.
func appendV0Framework(b []byte, f *Framework) []byte {
	b = append(b, '{')
	b = appendV0FrameworkSummary(b, f)
	b = append(b, `,"user":`...)
	b = appendString(b, f.Info.User)
	b = append(b, `,"failover_timeout":`...)
	b = appendFloat(b, f.Info.FailoverTimeout)
	b = append(b, `,"checkpoint":`...)
	b = appendBool(b, f.Info.Checkpoint)
	b = append(b, `,"registered_time":`...)
	b = appendSecs(b, f.RegisteredTime)
	b = append(b, `,"unregistered_time":`...)
	b = appendSecs(b, f.UnregisteredTime)
	if f.Info.Principal != "" {
		b = append(b, `,"principal":`...)
		b = appendString(b, f.Info.Principal)
	}
	b = append(b, `,"resources":`...)
	switch {
	case f.Offered.IsEmpty():
		b = appendV0Resources(b, f.Allocated, v0Filter{})
	case f.Allocated.IsEmpty():
		b = appendV0Resources(b, f.Offered, v0Filter{})
	default:
		// Resources addition merges equal resources in fixed point before
		// the v0 map sums them, as totalUsedResources +
		// totalOfferedResources does.
		b = appendV0Resources(b, f.Allocated.Plus(f.Offered), v0Filter{})
	}
	if nanos(f.RegisteredTime) != nanos(f.ReregisteredTime) {
		b = append(b, `,"reregistered_time":`...)
		b = appendSecs(b, f.ReregisteredTime)
	}
	if f.Info.HasCapability(mesos.FrameworkMultiRole) {
		b = append(b, `,"roles":`...)
		b = appendStrings(b, f.Info.Roles)
	} else {
		b = append(b, `,"role":`...)
		role := f.Info.Role
		if role == "" {
			role = resources.DefaultRole
		}
		b = appendString(b, role)
	}
	b = append(b, `,"tasks":[`...)
	n := 0
	for _, t := range f.PendingTasks {
		b = appendV0TaskElem(b, t, &n)
	}
	for _, t := range f.Tasks {
		b = appendV0TaskElem(b, t, &n)
	}
	b = append(b, `],"unreachable_tasks":[`...)
	n = 0
	for _, t := range f.UnreachableTasks {
		b = appendV0TaskElem(b, t, &n)
	}
	b = append(b, `],"completed_tasks":[`...)
	n = 0
	for _, t := range f.CompletedTasks {
		b = appendV0TaskElem(b, t, &n)
	}
	b = append(b, `],"offers":[`...)
	n = 0
	for _, o := range f.Offers {
		if o == nil {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendV0Offer(b, o)
	}
	b = append(b, `],"executors":[`...)
	for i := range f.Executors {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendV0Executor(b, &f.Executors[i])
	}
	b = append(b, ']')
	if f.Info.Labels != nil {
		b = append(b, `,"labels":`...)
		b = appendV0Labels(b, f.Info.Labels)
	}
	b = append(b, `,"offer_constraints":`...)
	if f.OfferConstraints != nil {
		b = appendMarshal(b, f.OfferConstraints)
	} else {
		b = append(b, "{}"...)
	}
	return append(b, '}')
}

// appendV0TaskElem appends a non-nil task as an array element, counting
// elements in *n for the separators.
func appendV0TaskElem(b []byte, t *mesos.Task, n *int) []byte {
	if t == nil {
		return b
	}
	if *n > 0 {
		b = append(b, ',')
	}
	*n++
	return appendV0Task(b, t)
}

// appendV0Offer appends an offer as v0 writes it (json(JSON::
// ObjectWriter*, const Offer&)): id, framework_id, allocation_info,
// slave_id, resources.
func appendV0Offer(b []byte, o *mesos.Offer) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, o.ID.Value)
	b = append(b, `,"framework_id":`...)
	b = appendString(b, o.FrameworkID.Value)
	b = append(b, `,"allocation_info":{`...)
	if o.AllocationInfo != nil && o.AllocationInfo.Role != "" {
		b = append(b, `"role":`...)
		b = appendString(b, o.AllocationInfo.Role)
	}
	b = append(b, `},"slave_id":`...)
	b = appendString(b, o.AgentID.Value)
	b = append(b, `,"resources":`...)
	b = appendV0Resources(b, o.Resources.Resources, v0Filter{})
	return append(b, '}')
}

// appendV0Executor appends an executor as FullFrameworkWriter writes it
// (json(JSON::ObjectWriter*, const ExecutorInfo&) plus slave_id):
// executor_id, name, framework_id, command, resources, role (when there
// are resources), labels and type (when set), slave_id.
func appendV0Executor(b []byte, e *Executor) []byte {
	x := &e.Info
	b = append(b, `{"executor_id":`...)
	b = appendString(b, x.ExecutorID.Value)
	b = append(b, `,"name":`...)
	b = appendString(b, x.Name)
	b = append(b, `,"framework_id":`...)
	if x.FrameworkID != nil {
		b = appendString(b, x.FrameworkID.Value)
	} else {
		b = append(b, `""`...)
	}
	b = append(b, `,"command":`...)
	b = appendV0Command(b, x.Command)
	b = append(b, `,"resources":`...)
	b = appendV0Resources(b, x.Resources.Resources, v0Filter{})
	if x.Resources.Len() > 0 {
		b = append(b, `,"role":`...)
		b = appendString(b, x.Resources.At(0).AllocationRole())
	}
	if x.Labels != nil {
		b = append(b, `,"labels":`...)
		b = appendV0Labels(b, x.Labels)
	}
	if x.Type != mesos.ExecutorUnknown {
		b = append(b, `,"type":`...)
		b = appendString(b, x.Type.String())
	}
	b = append(b, `,"slave_id":`...)
	b = appendString(b, e.AgentID)
	return append(b, '}')
}

// appendV0Command appends a CommandInfo as v0 writes it (json(JSON::
// ObjectWriter*, const CommandInfo&)): shell and value when set, argv,
// environment when set, and uris as {value, executable}. An unset command
// is written as the empty CommandInfo.
func appendV0Command(b []byte, c *mesos.CommandInfo) []byte {
	if c == nil {
		return append(b, `{"argv":[],"uris":[]}`...)
	}
	b = append(b, '{')
	if c.Shell != nil {
		b = append(b, `"shell":`...)
		b = appendBool(b, *c.Shell)
		b = append(b, ',')
	}
	if c.Value != nil {
		b = append(b, `"value":`...)
		b = appendString(b, *c.Value)
		b = append(b, ',')
	}
	b = append(b, `"argv":`...)
	b = appendStrings(b, c.Arguments)
	if c.Environment != nil {
		b = append(b, `,"environment":`...)
		b = appendMarshal(b, c.Environment)
	}
	b = append(b, `,"uris":[`...)
	for i := range c.URIs {
		if i > 0 {
			b = append(b, ',')
		}
		u := &c.URIs[i]
		b = append(b, `{"value":`...)
		b = appendString(b, u.Value)
		b = append(b, `,"executable":`...)
		b = appendBool(b, u.Executable != nil && *u.Executable)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}
