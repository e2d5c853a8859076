package inspector

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// State is a decoded master state document: what /master/state, /master/state-summary,
// /master/slaves, /master/frameworks, /master/tasks, GET_STATE, GET_AGENTS,
// GET_FRAMEWORKS, GET_TASKS or GET_EXECUTORS (any of them) says. Lists are flat: tasks,
// executors and offers nested in frameworks are lifted out and keep their
// framework id.
type State struct {
	Cluster    Cluster     `json:"cluster"`
	Agents     []Agent     `json:"agents"`
	Frameworks []Framework `json:"frameworks"`
	Tasks      []Task      `json:"tasks"`
	Executors  []Executor  `json:"executors"`
	Offers     []Offer     `json:"offers"`
}

// DecodeState decodes any master state shape of Mesos 0.28–1.11 (and mesoscope's
// master, which serves the same):
//
//   - v0 /master/state (and /state.json): "slaves", "recovered_slaves",
//     "frameworks" with nested "tasks", "completed_tasks", "executors", "offers";
//     flat resource maps; float-second times; ids as strings;
//   - v0 /master/state-summary: agents and frameworks with TASK_* counts;
//   - v0 /master/slaves, /master/frameworks, /master/tasks;
//   - v1 GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS, GET_EXECUTORS responses
//     and the get_state inside a SUBSCRIBED event: "agents", "agent_info",
//     resource lists, TimeInfo times, ids as {"value"}.
//
// Unknown fields are ignored and missing ones left zero. The result is sorted:
// agents by id, frameworks by (completed, id), tasks by (framework, id), executors
// and offers by id.
func DecodeState(data []byte) (*State, error) {
	s := newScanner(data)
	s.Intern(maxInternLen)
	if k := s.Peek(); k != jsonscan.Object {
		return nil, fmt.Errorf("decode state: %w: top level is %s, want object", ErrNotMesos, k)
	}
	st := &State{}
	st.Cluster.ActivatedAgents, st.Cluster.DeactivatedAgents, st.Cluster.UnreachableAgents = -1, -1, -1
	st.presize(data)
	known := st.readDoc(s)
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode state: %w", err)
	}
	if !known {
		return nil, fmt.Errorf("decode state: %w: no master state fields (slaves, agents, frameworks, tasks, get_state)", ErrNotMesos)
	}
	st.finish()
	return st, nil
}

// presize sets the capacity of the task and agent lists from a cheap count of keys
// every task ("statuses") and agent ("used_resources" in v0, "agent_info" in v1)
// has, so a large state is not copied over and over as the lists grow. The counts
// are only hints, bounded by the input size so hostile input cannot inflate them.
func (st *State) presize(data []byte) {
	if len(data) < 1<<16 {
		return
	}
	bound := len(data) / 64
	tasks := min(bytes.Count(data, []byte(`"statuses"`)), bound)
	agents := min(bytes.Count(data, []byte(`"used_resources"`))+bytes.Count(data, []byte(`"agent_info"`)), bound)
	st.Tasks = make([]Task, 0, tasks)
	st.Agents = make([]Agent, 0, agents)
}

// readDoc reads one object level of a state document and reports whether it held
// anything recognisable.
func (st *State) readDoc(s *jsonscan.Scanner) bool {
	known := false
	c := &st.Cluster
	s.Object(func(k []byte) {
		switch string(k) {
		// v1 wrappers.
		case "get_state", "get_agents", "get_frameworks", "get_tasks", "get_executors":
			if st.readDoc(s) {
				known = true
			}
		case "type":
			s.Skip()

		// Lists.
		case "slaves", "agents":
			known = true
			s.Array(func(int) {
				a := readAgent(s)
				st.Agents = append(st.Agents, a)
			})
		case "recovered_slaves", "recovered_agents":
			known = true
			s.Array(func(int) {
				a := readAgent(s)
				a.Status = AgentRecovered
				a.Active = false
				st.Agents = append(st.Agents, a)
			})
		case "frameworks", "completed_frameworks", "unregistered_frameworks":
			known = true
			completed := string(k) == "completed_frameworks"
			s.Array(func(int) {
				if s.Peek() != jsonscan.Object {
					s.Skip() // unregistered_frameworks was a list of ids
					return
				}
				f := readFramework(s, st)
				f.Completed = completed
				st.Frameworks = append(st.Frameworks, f)
			})
		case "tasks", "completed_tasks", "unreachable_tasks", "pending_tasks", "orphan_tasks",
			"launched_tasks", "queued_tasks", "terminated_tasks":
			known = true
			list := TaskList(string(k))
			s.Array(func(int) {
				t := readTask(s)
				t.List = list
				st.Tasks = append(st.Tasks, t)
			})
		case "executors", "orphan_executors":
			known = true
			s.Array(func(int) {
				e, tasks := readExecutor(s)
				st.Executors = append(st.Executors, e)
				st.Tasks = append(st.Tasks, tasks...)
			})

		// Master identity (v0 top level).
		case "id":
			c.MasterID = s.String()
		case "pid":
			c.PID = s.String()
		case "hostname":
			c.Hostname = s.String()
		case "port":
			n, _ := s.Int()
			c.Port = int(n)
		case "version":
			c.Version = s.String()
		case "git_sha":
			c.GitSHA = s.String()
		case "build_date":
			c.BuildDate = s.String()
		case "cluster":
			c.Name = s.String()
		case "leader":
			c.Leader = s.String()
		case "leader_info":
			s.Object(func(k []byte) {
				if string(k) == "pid" {
					c.Leader = s.String()
				}
			})
		case "start_time":
			c.StartTime = readTime(s)
		case "elected_time":
			c.ElectedTime = readTime(s)
		case "capabilities":
			c.Capabilities = readCapabilities(s)
		case "flags":
			c.Flags = readFlags(s)
		case "activated_slaves":
			n, _ := s.Int()
			c.ActivatedAgents = int(n)
		case "deactivated_slaves":
			n, _ := s.Int()
			c.DeactivatedAgents = int(n)
		case "unreachable_slaves":
			n, _ := s.Int()
			c.UnreachableAgents = int(n)
		}
	})
	return known
}

// readFlags reads a flags object ({"name": "value"}) or a GET_FLAGS list
// ([{"name", "value"}]).
func readFlags(s *jsonscan.Scanner) map[string]string {
	out := map[string]string{}
	switch s.Peek() {
	case jsonscan.Object:
		s.Object(func(k []byte) { out[string(k)] = s.String() })
	case jsonscan.Array:
		s.Array(func(int) {
			var name, value string
			s.Object(func(k []byte) {
				switch string(k) {
				case "name":
					name = s.String()
				case "value":
					value = s.String()
				}
			})
			if name != "" {
				out[name] = value
			}
		})
	default:
		s.Skip()
	}
	return out
}

// finish derives computed fields and sorts the lists.
func (st *State) finish() {
	for i := range st.Agents {
		st.Agents[i].finish()
	}
	// Agents: one entry per id; a registered agent wins over a recovered one.
	slices.SortStableFunc(st.Agents, func(a, b Agent) int { return cmp.Compare(a.ID, b.ID) })
	st.Agents = slices.CompactFunc(st.Agents, func(a, b Agent) bool { return a.ID == b.ID && a.ID != "" })
	slices.SortStableFunc(st.Frameworks, func(a, b Framework) int {
		if a.Completed != b.Completed {
			if a.Completed {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	slices.SortStableFunc(st.Tasks, func(a, b Task) int {
		return cmp.Or(cmp.Compare(a.FrameworkID, b.FrameworkID), cmp.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(st.Executors, func(a, b Executor) int {
		return cmp.Or(cmp.Compare(a.FrameworkID, b.FrameworkID), cmp.Compare(a.ID, b.ID), cmp.Compare(a.AgentID, b.AgentID))
	})
	slices.SortStableFunc(st.Offers, func(a, b Offer) int { return cmp.Compare(a.ID, b.ID) })
	// Tasks' role: v0 before 1.3 had none; take the framework's single role.
	roleOf := make(map[string]string, len(st.Frameworks))
	for _, f := range st.Frameworks {
		if len(f.Roles) == 1 {
			roleOf[f.ID] = f.Roles[0]
		}
	}
	for i := range st.Tasks {
		if st.Tasks[i].Role == "" {
			st.Tasks[i].Role = roleOf[st.Tasks[i].FrameworkID]
		}
	}
	st.summarize()
}
