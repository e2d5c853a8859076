package inspector

import (
	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// Executor is the inspector's view of an executor (Mesos ExecutorInfo plus where it
// runs; v0 master json(ExecutorInfo) + slave_id, agent /state executors, v1
// GetExecutors.Executor).
type Executor struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	FrameworkID string `json:"framework_id"`
	AgentID     string `json:"agent_id,omitempty"`
	Source      string `json:"source,omitempty"`
	Type        string `json:"type,omitempty"`
	Role        string `json:"role,omitempty"`
	// Command is the executor's command line (CommandInfo.value).
	Command   string    `json:"command,omitempty"`
	Resources Resources `json:"resources"`
	// ContainerID and Directory are known from the agent's /state.
	ContainerID string `json:"container_id,omitempty"`
	Directory   string `json:"directory,omitempty"`
	// Completed is true for completed_executors.
	Completed bool `json:"completed,omitempty"`
	// Tasks counts the executor's tasks in the agent's /state (active + queued).
	Tasks int `json:"tasks,omitempty"`
}

// DeepCopy returns a copy sharing no memory with e.
func (e Executor) DeepCopy() Executor {
	c := e
	c.Resources = e.Resources.Clone()
	return c
}

// readExecutor reads an executor in any shape and returns the tasks nested in it
// (agent /state nests tasks, queued_tasks and completed_tasks).
func readExecutor(s *jsonscan.Scanner) (Executor, []Task) {
	var e Executor
	var tasks []Task
	readInfo := func() {
		s.Object(func(k []byte) {
			readExecutorField(s, k, &e)
		})
	}
	s.Object(func(k []byte) {
		switch string(k) {
		case "executor_info":
			readInfo()
		case "id":
			// Agent /state uses "id" for the executor id.
			e.ID = readID(s)
		case "slave_id", "agent_id":
			e.AgentID = readRef(s)
		case "container":
			// Agent /state: the container id as a string; master: ContainerInfo.
			if s.Peek() == jsonscan.String {
				e.ContainerID = s.String()
			} else {
				s.Skip()
			}
		case "directory":
			e.Directory = s.String()
		case "tasks", "queued_tasks", "completed_tasks":
			list := TaskList(string(k))
			s.Array(func(int) {
				t := readTask(s)
				t.List = list
				if t.ExecutorID == "" {
					t.ExecutorID = e.ID
				}
				if list != TasksCompleted {
					e.Tasks++
				}
				tasks = append(tasks, t)
			})
		default:
			readExecutorField(s, k, &e)
		}
	})
	return e, tasks
}

func readExecutorField(s *jsonscan.Scanner, k []byte, e *Executor) {
	switch string(k) {
	case "executor_id":
		e.ID = readID(s)
	case "name":
		e.Name = s.String()
	case "framework_id":
		e.FrameworkID = readRef(s)
	case "source":
		e.Source = s.String()
	case "type":
		e.Type = s.String()
	case "role":
		e.Role = s.String()
	case "command":
		s.Object(func(k []byte) {
			if string(k) == "value" {
				e.Command = s.String()
			}
		})
	case "resources":
		var d resourceDetail
		e.Resources, d = readResourcesDetail(s, true)
		if e.Role == "" {
			for r := range d.allocated {
				e.Role = r
			}
		}
	}
}
