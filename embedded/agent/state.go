package agent

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// StateJSON is the agent's /state document (Http::state in src/slave/http.cpp), with
// v0 resource maps. Fields are in Mesos's order.
type StateJSON struct {
	Version                      string                     `json:"version"`
	BuildDate                    string                     `json:"build_date"`
	BuildTime                    float64                    `json:"build_time"`
	BuildUser                    string                     `json:"build_user"`
	StartTime                    float64                    `json:"start_time"`
	ID                           string                     `json:"id"`
	PID                          string                     `json:"pid"`
	Hostname                     string                     `json:"hostname"`
	Capabilities                 []string                   `json:"capabilities"`
	Resources                    resources.V0               `json:"resources"`
	ReservedResources            map[string]resources.V0    `json:"reserved_resources"`
	UnreservedResources          resources.V0               `json:"unreserved_resources"`
	ReservedResourcesFull        map[string]mesos.Resources `json:"reserved_resources_full"`
	UnreservedResourcesFull      json.RawMessage            `json:"unreserved_resources_full"`
	ReservedResourcesAllocated   map[string]resources.V0    `json:"reserved_resources_allocated"`
	UnreservedResourcesAllocated resources.V0               `json:"unreserved_resources_allocated"`
	ResourceProviders            []json.RawMessage          `json:"resource_providers"`
	Attributes                   AttributesJSON             `json:"attributes"`
	Flags                        map[string]string          `json:"flags"`
	Frameworks                   []FrameworkJSON            `json:"frameworks"`
	CompletedFrameworks          []FrameworkJSON            `json:"completed_frameworks"`
}

// AttributesJSON is the v0 attributes object (json(JSON::ObjectWriter*, Attributes)
// in src/common/http.cpp): name → number for scalars, the text form for ranges and
// text, in the attributes' order.
type AttributesJSON []mesos.Attribute

// MarshalJSON writes the object.
func (as AttributesJSON) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, a := range as {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(a.Name)
		b.Write(k)
		b.WriteByte(':')
		var v []byte
		if a.Type == mesos.ValueScalar && a.Scalar != nil {
			v = strconv.AppendFloat(nil, a.Scalar.Value, 'f', -1, 64)
		} else {
			v, _ = json.Marshal(a.ValueString())
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// FrameworkJSON is FrameworkWriter's output.
type FrameworkJSON struct {
	ID                 string         `json:"id"`
	Name               string         `json:"name"`
	User               string         `json:"user"`
	FailoverTimeout    float64        `json:"failover_timeout"`
	Checkpoint         bool           `json:"checkpoint"`
	Hostname           string         `json:"hostname"`
	Principal          string         `json:"principal,omitempty"`
	Role               *string        `json:"role,omitempty"`
	Roles              *[]string      `json:"roles,omitempty"`
	Executors          []ExecutorJSON `json:"executors"`
	CompletedExecutors []ExecutorJSON `json:"completed_executors"`
}

// ExecutorJSON is ExecutorWriter's output.
type ExecutorJSON struct {
	ID             string           `json:"id"`
	Name           string           `json:"name"`
	Source         string           `json:"source"`
	Container      string           `json:"container"`
	Directory      string           `json:"directory"`
	Resources      resources.V0     `json:"resources"`
	Role           string           `json:"role,omitempty"`
	Labels         []mesos.Label    `json:"labels,omitempty"`
	Type           string           `json:"type,omitempty"`
	Tasks          []TaskJSON       `json:"tasks"`
	QueuedTasks    []QueuedTaskJSON `json:"queued_tasks"`
	CompletedTasks []TaskJSON       `json:"completed_tasks"`
}

// QueuedTaskJSON is json(JSON::ObjectWriter*, const TaskInfo&) in src/slave/http.cpp:
// a task queued on an executor that has not registered yet.
type QueuedTaskJSON struct {
	ID         string               `json:"id"`
	Name       string               `json:"name"`
	SlaveID    string               `json:"slave_id"`
	Resources  resources.V0         `json:"resources"`
	Role       string               `json:"role"`
	Command    *CommandJSON         `json:"command,omitempty"`
	ExecutorID string               `json:"executor_id,omitempty"`
	Discovery  *mesos.DiscoveryInfo `json:"discovery,omitempty"`
}

// CommandJSON is json(JSON::ObjectWriter*, const CommandInfo&) in src/common/http.cpp.
type CommandJSON struct {
	Shell       *bool              `json:"shell,omitempty"`
	Value       *string            `json:"value,omitempty"`
	Argv        []string           `json:"argv"`
	Environment *mesos.Environment `json:"environment,omitempty"`
	URIs        []CommandURIJSON   `json:"uris"`
}

// CommandURIJSON is an element of CommandJSON's uris.
type CommandURIJSON struct {
	Value      string `json:"value"`
	Executable bool   `json:"executable"`
}

// TaskJSON is json(JSON::ObjectWriter*, const Task&) in src/common/http.cpp.
type TaskJSON struct {
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	FrameworkID string               `json:"framework_id"`
	ExecutorID  string               `json:"executor_id"`
	SlaveID     string               `json:"slave_id"`
	State       mesos.TaskState      `json:"state"`
	Resources   resources.V0         `json:"resources"`
	Role        string               `json:"role"`
	Statuses    []TaskStatusJSON     `json:"statuses"`
	User        string               `json:"user,omitempty"`
	Labels      []mesos.Label        `json:"labels,omitempty"`
	Discovery   *mesos.DiscoveryInfo `json:"discovery,omitempty"`
	Container   *mesos.ContainerInfo `json:"container,omitempty"`
	HealthCheck *mesos.HealthCheck   `json:"health_check,omitempty"`
}

// TaskStatusJSON is json(JSON::ObjectWriter*, const TaskStatus&).
type TaskStatusJSON struct {
	State           mesos.TaskState      `json:"state"`
	Timestamp       float64              `json:"timestamp"`
	Labels          []mesos.Label        `json:"labels,omitempty"`
	ContainerStatus *ContainerStatusJSON `json:"container_status,omitempty"`
	Healthy         *bool                `json:"healthy,omitempty"`
}

// ContainerStatusJSON is json(JSON::ObjectWriter*, const ContainerStatus&): the
// container ID and network infos (no executor pid).
type ContainerStatusJSON struct {
	ContainerID  *mesos.ContainerID  `json:"container_id,omitempty"`
	NetworkInfos []mesos.NetworkInfo `json:"network_infos,omitempty"`
}

// serveState serves /state.
func (a *Agent) serveState(*process.Request) process.Response {
	if a.state == StateRecovering {
		return process.Error(503, "Agent has not finished recovery")
	}
	body, err := mesos.Marshal(a.stateJSON())
	if err != nil {
		return process.InternalServerError("agent: encode /state: " + err.Error())
	}
	return process.OK(body, "application/json")
}

// stateJSON builds the /state document.
func (a *Agent) stateJSON() StateJSON {
	total := a.total
	var allocated resources.Resources
	for _, f := range a.sortedFrameworks() {
		allocated.Add(f.allocatedResources())
	}
	s := StateJSON{
		Version:                      Version,
		StartTime:                    float64(a.startTime.UnixNano()) / 1e9,
		ID:                           a.agentID(),
		PID:                          a.Self().String(),
		Hostname:                     a.info.Hostname,
		Resources:                    resources.V0(total),
		ReservedResources:            v0ByRole(total.Reservations()),
		UnreservedResources:          resources.V0(total.Unreserved()),
		ReservedResourcesFull:        map[string]mesos.Resources{},
		ReservedResourcesAllocated:   v0ByRole(allocated.Reservations()),
		UnreservedResourcesAllocated: resources.V0(allocated.Unreserved()),
		ResourceProviders:            []json.RawMessage{},
		Attributes:                   AttributesJSON(a.attributes),
		Flags:                        a.flags(),
		Frameworks:                   []FrameworkJSON{},
		CompletedFrameworks:          []FrameworkJSON{},
	}
	for _, c := range capabilities() {
		s.Capabilities = append(s.Capabilities, c.String())
	}
	for role, rs := range total.Reservations() {
		s.ReservedResourcesFull[role] = mesos.ResourcesOf(rs).WithFormat(resources.FormatEndpoint)
	}
	s.UnreservedResourcesFull, _ = total.Unreserved().AppendJSON(nil, resources.FormatEndpoint)
	if len(s.UnreservedResourcesFull) == 0 {
		s.UnreservedResourcesFull = json.RawMessage("[]")
	}
	for _, f := range a.sortedFrameworks() {
		s.Frameworks = append(s.Frameworks, frameworkJSON(f))
	}
	for _, f := range a.completedFrameworks {
		s.CompletedFrameworks = append(s.CompletedFrameworks, frameworkJSON(f))
	}
	return s
}

func v0ByRole(m map[string]resources.Resources) map[string]resources.V0 {
	out := make(map[string]resources.V0, len(m))
	for role, rs := range m {
		out[role] = resources.V0(rs)
	}
	return out
}

func frameworkJSON(f *framework) FrameworkJSON {
	j := FrameworkJSON{
		ID:                 f.id,
		Name:               f.info.Name,
		User:               f.info.User,
		FailoverTimeout:    f.info.FailoverTimeout,
		Checkpoint:         f.info.Checkpoint,
		Hostname:           f.info.Hostname,
		Principal:          f.info.Principal,
		Executors:          []ExecutorJSON{},
		CompletedExecutors: []ExecutorJSON{},
	}
	if f.info.HasCapability(mesos.FrameworkMultiRole) {
		roles := append([]string{}, f.info.Roles...)
		j.Roles = &roles
	} else {
		role := f.info.Role
		if role == "" {
			role = "*"
		}
		j.Role = &role
	}
	for _, e := range f.sortedExecutors() {
		j.Executors = append(j.Executors, executorJSON(e))
	}
	for _, e := range f.completedExecutors {
		j.CompletedExecutors = append(j.CompletedExecutors, executorJSON(e))
	}
	return j
}

func executorJSON(e *executor) ExecutorJSON {
	j := ExecutorJSON{
		ID:             e.id,
		Name:           e.info.Name,
		Source:         e.info.Source,
		Container:      e.containerID,
		Directory:      e.directory,
		Resources:      resources.V0(e.allocatedResources()),
		Tasks:          []TaskJSON{},
		QueuedTasks:    []QueuedTaskJSON{},
		CompletedTasks: []TaskJSON{},
	}
	if !e.info.Resources.IsEmpty() {
		j.Role = e.info.Resources.At(0).AllocationRole()
	}
	if e.info.Labels != nil {
		j.Labels = e.info.Labels.Labels
	}
	if e.info.Type != mesos.ExecutorUnknown {
		j.Type = e.info.Type.String()
	}
	for _, t := range e.sortedLaunched() {
		j.Tasks = append(j.Tasks, taskJSON(t))
	}
	for _, id := range slices.Sorted(maps.Keys(e.queuedTasks)) {
		j.QueuedTasks = append(j.QueuedTasks, queuedTaskJSON(e.queuedTasks[id]))
	}
	for _, t := range e.completedTasks {
		j.CompletedTasks = append(j.CompletedTasks, taskJSON(t))
	}
	for _, t := range e.sortedTerminated() {
		j.CompletedTasks = append(j.CompletedTasks, taskJSON(t))
	}
	return j
}

func queuedTaskJSON(t mesos.TaskInfo) QueuedTaskJSON {
	j := QueuedTaskJSON{
		ID:        t.TaskID.Value,
		Name:      t.Name,
		SlaveID:   t.AgentID.Value,
		Resources: resources.V0(t.Resources.Resources),
		Discovery: t.Discovery,
	}
	if !t.Resources.IsEmpty() {
		j.Role = t.Resources.At(0).AllocationRole()
	}
	if c := t.Command; c != nil {
		cj := &CommandJSON{Shell: c.Shell, Value: c.Value, Argv: c.Arguments, Environment: c.Environment, URIs: []CommandURIJSON{}}
		if cj.Argv == nil {
			cj.Argv = []string{}
		}
		for _, u := range c.URIs {
			cj.URIs = append(cj.URIs, CommandURIJSON{Value: u.Value, Executable: u.Executable != nil && *u.Executable})
		}
		j.Command = cj
	}
	if t.Executor != nil {
		j.ExecutorID = t.Executor.ExecutorID.Value
	}
	return j
}

func taskJSON(t *mesos.Task) TaskJSON {
	j := TaskJSON{
		ID:          t.TaskID.Value,
		Name:        t.Name,
		FrameworkID: t.FrameworkID.Value,
		SlaveID:     t.AgentID.Value,
		State:       t.State,
		Resources:   resources.V0(t.Resources.Resources),
		Statuses:    []TaskStatusJSON{},
		User:        t.User,
		Discovery:   t.Discovery,
		Container:   t.Container,
		HealthCheck: t.HealthCheck,
	}
	if t.ExecutorID != nil {
		j.ExecutorID = t.ExecutorID.Value
	}
	if !t.Resources.IsEmpty() {
		j.Role = t.Resources.At(0).AllocationRole()
	}
	if t.Labels != nil {
		j.Labels = t.Labels.Labels
	}
	for _, st := range t.Statuses {
		sj := TaskStatusJSON{State: st.State, Timestamp: st.Timestamp, Healthy: st.Healthy}
		if st.Labels != nil {
			sj.Labels = st.Labels.Labels
		}
		if cs := st.ContainerStatus; cs != nil {
			sj.ContainerStatus = &ContainerStatusJSON{ContainerID: cs.ContainerID, NetworkInfos: cs.NetworkInfos}
		}
		j.Statuses = append(j.Statuses, sj)
	}
	return j
}

// serveFlags serves /flags: {"flags": {...}} (Http::flags).
func (a *Agent) serveFlags(*process.Request) process.Response {
	return process.JSON(map[string]any{"flags": a.flags()})
}
