package inspector

import (
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// TaskList names the list a task came from in the master's or agent's state; the
// names are the JSON field names Mesos uses.
type TaskList string

// Task lists in /master/state (per framework), GET_TASKS (master) and the agent.
const (
	TasksActive      TaskList = "tasks"
	TasksCompleted   TaskList = "completed_tasks"
	TasksUnreachable TaskList = "unreachable_tasks"
	TasksPending     TaskList = "pending_tasks"
	TasksOrphan      TaskList = "orphan_tasks"
	TasksQueued      TaskList = "queued_tasks"
	TasksLaunched    TaskList = "launched_tasks"
	TasksTerminated  TaskList = "terminated_tasks"
)

// TaskStatus is one status update in a task's history (Mesos TaskStatus; v0 carries
// only state, timestamp, healthy, labels and container_status).
type TaskStatus struct {
	State     string    `json:"state"`
	Timestamp time.Time `json:"timestamp,omitzero"`
	Source    string    `json:"source,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	Message   string    `json:"message,omitempty"`
	Healthy   *bool     `json:"healthy,omitempty"`
	// ContainerID is container_status.container_id.
	ContainerID string `json:"container_id,omitempty"`
	// IPAddresses lists container_status.network_infos[].ip_addresses[].ip_address
	// (and the pre-1.0 single ip_address).
	IPAddresses []string `json:"ip_addresses,omitempty"`
	// TaskID, AgentID and ExecutorID are set when the status stands alone
	// (scheduler UPDATE and operator TASK_UPDATED events).
	TaskID     string `json:"task_id,omitempty"`
	AgentID    string `json:"agent_id,omitempty"`
	ExecutorID string `json:"executor_id,omitempty"`
}

// Task is the inspector's view of one task (Mesos Task; v0 json(Task) in
// src/common/http.cpp).
type Task struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	FrameworkID string `json:"framework_id"`
	AgentID     string `json:"agent_id,omitempty"`
	ExecutorID  string `json:"executor_id,omitempty"`
	State       string `json:"state"`
	// StatusUpdateState is the state of the latest update not yet acknowledged
	// by the framework (v1 only).
	StatusUpdateState string `json:"status_update_state,omitempty"`
	Role              string `json:"role,omitempty"`
	User              string `json:"user,omitempty"`
	// List is where the task was found (active, completed, unreachable, ...).
	List      TaskList     `json:"list"`
	Resources Resources    `json:"resources"`
	Statuses  []TaskStatus `json:"statuses,omitempty"`
	Labels    []Label      `json:"labels,omitempty"`
	// ContainerID is the latest container id reported in a status.
	ContainerID string `json:"container_id,omitempty"`
	// Healthy is the latest health check result, when the task has one.
	Healthy *bool `json:"healthy,omitempty"`
}

// DeepCopy returns a copy sharing no memory with t.
func (t Task) DeepCopy() Task {
	c := t
	c.Resources = t.Resources.Clone()
	c.Statuses = make([]TaskStatus, len(t.Statuses))
	for i, st := range t.Statuses {
		c.Statuses[i] = st.DeepCopy()
	}
	if t.Statuses == nil {
		c.Statuses = nil
	}
	c.Labels = slices.Clone(t.Labels)
	c.Healthy = clonePtr(t.Healthy)
	return c
}

// DeepCopy returns a copy sharing no memory with st.
func (st TaskStatus) DeepCopy() TaskStatus {
	c := st
	c.Healthy = clonePtr(st.Healthy)
	c.IPAddresses = slices.Clone(st.IPAddresses)
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Latest returns the most recent status, or false if the task has none.
func (t Task) Latest() (TaskStatus, bool) {
	if len(t.Statuses) == 0 {
		return TaskStatus{}, false
	}
	return t.Statuses[len(t.Statuses)-1], true
}

// IsTerminal reports whether state is a terminal task state
// (src/common/protobuf_utils.cpp isTerminalState).
func IsTerminal(state string) bool {
	switch state {
	case "TASK_FINISHED", "TASK_FAILED", "TASK_KILLED", "TASK_LOST", "TASK_ERROR",
		"TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR":
		return true
	}
	return false
}

// readTaskStatus reads a TaskStatus in either shape.
func readTaskStatus(s *jsonscan.Scanner) TaskStatus {
	var st TaskStatus
	s.Object(func(k []byte) {
		switch string(k) {
		case "state":
			st.State = s.Interned()
		case "timestamp":
			st.Timestamp = readTime(s)
		case "source":
			st.Source = s.Interned()
		case "reason":
			st.Reason = s.Interned()
		case "message":
			st.Message = s.String()
		case "healthy":
			h := s.Bool()
			st.Healthy = &h
		case "task_id":
			st.TaskID = readID(s)
		case "agent_id", "slave_id":
			st.AgentID = readRef(s)
		case "executor_id":
			st.ExecutorID = readRef(s)
		case "container_status":
			st.ContainerID, st.IPAddresses = readContainerStatus(s)
		}
	})
	return st
}

// readContainerStatus reads a ContainerStatus's container id and IP addresses.
func readContainerStatus(s *jsonscan.Scanner) (id string, ips []string) {
	s.Object(func(k []byte) {
		switch string(k) {
		case "container_id":
			id = readID(s)
		case "network_infos":
			s.Array(func(int) {
				s.Object(func(k []byte) {
					switch string(k) {
					case "ip_address":
						if ip := s.String(); ip != "" && !slices.Contains(ips, ip) {
							ips = append(ips, ip)
						}
					case "ip_addresses":
						s.Array(func(int) {
							s.Object(func(k []byte) {
								if string(k) == "ip_address" {
									if ip := s.String(); ip != "" && !slices.Contains(ips, ip) {
										ips = append(ips, ip)
									}
								}
							})
						})
					}
				})
			})
		}
	})
	return id, ips
}

// readTask reads one task in the v0 shape (id, slave_id, flat resources) or the v1
// shape (task_id, agent_id, resource list).
func readTask(s *jsonscan.Scanner) Task {
	var t Task
	var buf [4]TaskStatus
	statuses := buf[:0]
	s.Object(func(k []byte) {
		switch string(k) {
		case "id", "task_id":
			t.ID = readID(s)
		case "name":
			t.Name = s.Interned()
		case "framework_id":
			t.FrameworkID = readRef(s)
		case "slave_id", "agent_id":
			t.AgentID = readRef(s)
		case "executor_id":
			t.ExecutorID = readRef(s)
		case "state":
			t.State = s.Interned()
		case "status_update_state":
			t.StatusUpdateState = s.Interned()
		case "role":
			t.Role = s.Interned()
		case "user":
			t.User = s.Interned()
		case "resources":
			var d resourceDetail
			t.Resources, d = readResourcesDetail(s, true)
			if t.Role == "" {
				for r := range d.allocated {
					t.Role = r
				}
			}
		case "statuses":
			s.Array(func(int) {
				statuses = append(statuses, readTaskStatus(s))
			})
		case "labels":
			t.Labels = readLabels(s)
		}
	})
	if len(statuses) > 0 {
		t.Statuses = slices.Clone(statuses) // one exact allocation
	}
	for _, st := range t.Statuses {
		if st.ContainerID != "" {
			t.ContainerID = st.ContainerID
		}
		if st.Healthy != nil {
			t.Healthy = st.Healthy
		}
	}
	if t.State == "" {
		if st, ok := t.Latest(); ok {
			t.State = st.State
		}
	}
	return t
}
