package inspector

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// AgentState is what one agent says about itself: its own /state (v0,
// src/slave/http.cpp Http::state) or GET_STATE on the agent's /api/v1, plus the
// containers from /containers when fetched.
type AgentState struct {
	ID             string            `json:"id"`
	Hostname       string            `json:"hostname,omitempty"`
	PID            string            `json:"pid,omitempty"`
	Version        string            `json:"version,omitempty"`
	MasterHostname string            `json:"master_hostname,omitempty"`
	StartTime      time.Time         `json:"start_time,omitzero"`
	Resources      Resources         `json:"resources"`
	Attributes     map[string]string `json:"attributes,omitempty"`
	Flags          map[string]string `json:"flags,omitempty"`
	Frameworks     []Framework       `json:"frameworks,omitempty"`
	Executors      []Executor        `json:"executors,omitempty"`
	Tasks          []Task            `json:"tasks,omitempty"`
	Containers     []Container       `json:"containers,omitempty"`
}

// DeepCopy returns a copy sharing no memory with a.
func (a AgentState) DeepCopy() AgentState {
	c := a
	c.Resources = a.Resources.Clone()
	c.Attributes = maps.Clone(a.Attributes)
	c.Flags = maps.Clone(a.Flags)
	c.Frameworks = deepCopyAll(a.Frameworks, Framework.DeepCopy)
	c.Executors = deepCopyAll(a.Executors, Executor.DeepCopy)
	c.Tasks = deepCopyAll(a.Tasks, Task.DeepCopy)
	c.Containers = deepCopyAll(a.Containers, Container.DeepCopy)
	return c
}

func deepCopyAll[T any](in []T, cp func(T) T) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = cp(v)
	}
	return out
}

// DecodeAgentState decodes an agent's /state (or /slave(1)/state.json) or the agent's
// GET_STATE response. Executors are listed flat with their framework id; tasks
// nested in executors are lifted out.
func DecodeAgentState(data []byte) (*AgentState, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return nil, fmt.Errorf("decode agent state: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	var a AgentState
	sink := &State{}
	known := false
	var readDoc func()
	readDoc = func() {
		s.Object(func(k []byte) {
			switch string(k) {
			case "get_state", "get_frameworks", "get_executors", "get_tasks":
				known = true
				readDoc()
			case "id":
				a.ID = readID(s)
			case "hostname":
				a.Hostname = s.String()
			case "pid":
				a.PID = s.String()
			case "version":
				a.Version = s.String()
			case "master_hostname":
				a.MasterHostname = s.String()
			case "start_time":
				a.StartTime = readTime(s)
			case "resources":
				a.Resources = readResources(s)
			case "attributes":
				a.Attributes = readAttributes(s)
			case "flags":
				a.Flags = readFlags(s)
			case "frameworks", "completed_frameworks":
				known = true
				completed := string(k) == "completed_frameworks"
				s.Array(func(int) {
					f := readFramework(s, sink)
					f.Completed = completed
					a.Frameworks = append(a.Frameworks, f)
				})
			case "executors", "completed_executors":
				known = true
				completed := string(k) == "completed_executors"
				s.Array(func(int) {
					e, tasks := readExecutor(s)
					e.Completed = completed
					sink.Executors = append(sink.Executors, e)
					sink.Tasks = append(sink.Tasks, tasks...)
				})
			case "launched_tasks", "queued_tasks", "pending_tasks", "terminated_tasks", "completed_tasks", "tasks":
				known = true
				list := TaskList(string(k))
				s.Array(func(int) {
					t := readTask(s)
					t.List = list
					sink.Tasks = append(sink.Tasks, t)
				})
			}
		})
	}
	readDoc()
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode agent state: %w", err)
	}
	if !known && a.ID == "" {
		return nil, fmt.Errorf("decode agent state: %w: no agent state fields (id, frameworks, get_state)", ErrNotMesos)
	}
	a.Executors = sink.Executors
	a.Tasks = sink.Tasks
	for i := range a.Executors {
		if a.Executors[i].AgentID == "" {
			a.Executors[i].AgentID = a.ID
		}
	}
	for i := range a.Tasks {
		if a.Tasks[i].AgentID == "" {
			a.Tasks[i].AgentID = a.ID
		}
	}
	slices.SortStableFunc(a.Frameworks, func(x, y Framework) int { return cmp.Compare(x.ID, y.ID) })
	slices.SortStableFunc(a.Executors, func(x, y Executor) int {
		return cmp.Or(cmp.Compare(x.FrameworkID, y.FrameworkID), cmp.Compare(x.ID, y.ID))
	})
	slices.SortStableFunc(a.Tasks, func(x, y Task) int {
		return cmp.Or(cmp.Compare(x.FrameworkID, y.FrameworkID), cmp.Compare(x.ID, y.ID))
	})
	return &a, nil
}
