package inspector

import (
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// Framework is the inspector's view of a framework as the master sees it
// (v0 FullFrameworkWriter / Summary<Framework> in src/master/readonly_handler.cpp;
// v1 GetFrameworks.Framework with its FrameworkInfo).
type Framework struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	PID       string `json:"pid,omitempty"`
	Hostname  string `json:"hostname,omitempty"`
	User      string `json:"user,omitempty"`
	Principal string `json:"principal,omitempty"`
	WebUIURL  string `json:"webui_url,omitempty"`
	// Roles holds FrameworkInfo.roles for MULTI_ROLE frameworks, else the single
	// FrameworkInfo.role ("*" when unset, as Mesos defaults it).
	Roles []string `json:"roles"`

	Active     bool `json:"active"`
	Connected  bool `json:"connected"`
	Recovered  bool `json:"recovered,omitempty"`
	Checkpoint bool `json:"checkpoint,omitempty"`
	// Completed is true for frameworks from completed_frameworks.
	Completed bool `json:"completed,omitempty"`

	FailoverTimeout  time.Duration `json:"failover_timeout"`
	RegisteredTime   time.Time     `json:"registered_time,omitzero"`
	ReregisteredTime time.Time     `json:"reregistered_time,omitzero"`
	UnregisteredTime time.Time     `json:"unregistered_time,omitzero"`

	Used    Resources `json:"used"`
	Offered Resources `json:"offered"`

	Capabilities []string `json:"capabilities,omitempty"`
	Labels       []Label  `json:"labels,omitempty"`
	// SuppressedRoles lists roles the framework has suppressed offers for, from
	// the per-framework metric master/frameworks/<name>/<id>/roles/<role>/suppressed
	// or from a SUBSCRIBE call's suppressed_roles.
	SuppressedRoles []string `json:"suppressed_roles,omitempty"`
	// TaskCounts counts the framework's tasks by state.
	TaskCounts map[string]int `json:"task_counts,omitempty"`
	// OfferIDs lists the framework's outstanding offers.
	OfferIDs []string `json:"offer_ids,omitempty"`
	// AgentIDs lists agents running its tasks (state-summary slave_ids).
	AgentIDs []string `json:"agent_ids,omitempty"`
}

// DeepCopy returns a copy sharing no memory with f.
func (f Framework) DeepCopy() Framework {
	c := f
	c.Roles = slices.Clone(f.Roles)
	c.Used = f.Used.Clone()
	c.Offered = f.Offered.Clone()
	c.Capabilities = slices.Clone(f.Capabilities)
	c.Labels = slices.Clone(f.Labels)
	c.SuppressedRoles = slices.Clone(f.SuppressedRoles)
	c.TaskCounts = maps.Clone(f.TaskCounts)
	c.OfferIDs = slices.Clone(f.OfferIDs)
	c.AgentIDs = slices.Clone(f.AgentIDs)
	return c
}

// HasCapability reports whether the framework declared capability (e.g. "MULTI_ROLE",
// "GPU_RESOURCES").
func (f Framework) HasCapability(c string) bool { return slices.Contains(f.Capabilities, c) }

// HasRole reports whether the framework is subscribed to role.
func (f Framework) HasRole(role string) bool { return slices.Contains(f.Roles, role) }

// readFrameworkInfo reads a FrameworkInfo message into f.
func readFrameworkInfo(s *jsonscan.Scanner, f *Framework) {
	var role string
	s.Object(func(k []byte) {
		switch string(k) {
		case "id":
			f.ID = readID(s)
		case "name":
			f.Name = s.String()
		case "user":
			f.User = s.String()
		case "hostname":
			f.Hostname = s.String()
		case "principal":
			f.Principal = s.String()
		case "webui_url":
			f.WebUIURL = s.String()
		case "failover_timeout":
			f.FailoverTimeout = readDurationSeconds(s)
		case "checkpoint":
			f.Checkpoint = s.Bool()
		case "role":
			role = s.String()
		case "roles":
			f.Roles = readStrings(s)
		case "capabilities":
			f.Capabilities = readCapabilities(s)
		case "labels":
			f.Labels = readLabels(s)
		}
	})
	if len(f.Roles) == 0 && role != "" {
		f.Roles = []string{role}
	}
}

// readFramework reads one framework in the v0 shape (flat, with nested tasks,
// executors and offers) or the v1 shape (framework_info + flags + resource lists),
// or a bare FrameworkInfo (FRAMEWORK_REMOVED, SUBSCRIBE calls). Nested tasks,
// executors and offers are appended to sink, or skipped when sink is nil.
func readFramework(s *jsonscan.Scanner, sink *State) Framework {
	var f Framework
	var role string
	var hasConnected bool
	s.Object(func(k []byte) {
		switch string(k) {
		case "framework_info":
			readFrameworkInfo(s, &f)
		case "id":
			f.ID = readID(s)
		case "name":
			f.Name = s.String()
		case "pid":
			f.PID = s.String()
		case "hostname":
			f.Hostname = s.String()
		case "user":
			f.User = s.String()
		case "principal":
			f.Principal = s.String()
		case "webui_url":
			f.WebUIURL = s.String()
		case "role":
			role = s.Interned()
		case "roles":
			f.Roles = readStrings(s)
		case "active":
			f.Active = s.Bool()
		case "connected":
			f.Connected = s.Bool()
			hasConnected = true
		case "recovered":
			f.Recovered = s.Bool()
		case "checkpoint":
			f.Checkpoint = s.Bool()
		case "failover_timeout":
			f.FailoverTimeout = readDurationSeconds(s)
		case "registered_time":
			f.RegisteredTime = readTime(s)
		case "reregistered_time":
			f.ReregisteredTime = readTime(s)
		case "unregistered_time":
			f.UnregisteredTime = readTime(s)
		case "used_resources", "allocated_resources":
			f.Used = readResources(s)
		case "offered_resources":
			f.Offered = readResources(s)
		case "capabilities":
			f.Capabilities = readCapabilities(s)
		case "labels":
			f.Labels = readLabels(s)
		case "slave_ids", "agent_ids":
			f.AgentIDs = readIDs(s)
		case "suppressed_roles":
			f.SuppressedRoles = readStrings(s)
		case "tasks", "completed_tasks", "unreachable_tasks", "queued_tasks", "launched_tasks":
			if sink == nil {
				s.Skip()
				return
			}
			list := TaskList(string(k))
			s.Array(func(int) {
				t := readTask(s)
				t.List = list
				if t.FrameworkID == "" {
					t.FrameworkID = f.ID
				}
				sink.Tasks = append(sink.Tasks, t)
			})
		case "executors", "completed_executors":
			if sink == nil {
				s.Skip()
				return
			}
			completed := string(k) == "completed_executors"
			s.Array(func(int) {
				e, tasks := readExecutor(s)
				e.Completed = completed
				if e.FrameworkID == "" {
					e.FrameworkID = f.ID
				}
				for i := range tasks {
					if tasks[i].FrameworkID == "" {
						tasks[i].FrameworkID = f.ID
					}
				}
				sink.Executors = append(sink.Executors, e)
				sink.Tasks = append(sink.Tasks, tasks...)
			})
		case "offers":
			if sink == nil {
				s.Skip()
				return
			}
			s.Array(func(int) {
				o := readOffer(s)
				if o.FrameworkID == "" {
					o.FrameworkID = f.ID
				}
				f.OfferIDs = append(f.OfferIDs, o.ID)
				sink.Offers = append(sink.Offers, o)
			})
		default:
			if state := string(k); len(state) > 5 && state[:5] == "TASK_" {
				n, _ := s.Int()
				if n != 0 {
					if f.TaskCounts == nil {
						f.TaskCounts = map[string]int{}
					}
					f.TaskCounts[state] = int(n)
				}
			}
		}
	})
	if len(f.Roles) == 0 {
		if role == "" {
			role = "*"
		}
		f.Roles = []string{role}
	}
	if !hasConnected && f.Active {
		// Before Mesos 0.28 the v0 payload had no "connected"; an active
		// framework was connected.
		f.Connected = true
	}
	return f
}
