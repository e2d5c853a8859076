package agent

import (
	"fmt"
	"strconv"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// containerHistoriesPath is the mesoscope extra serving the containerizer's
// per-container state histories.
const containerHistoriesPath = "/mesoscope/v1/containers"

// ContainerHistory is one container of /mesoscope/v1/containers: the
// containerizer's record of it (containerizer.Snapshot) with the states it went
// through and when. Live containers come first, then the last destroyed ones
// (Completed, with their Termination). Mesos has no such endpoint: it only logs
// the transitions (MesosContainerizerProcess::transition).
type ContainerHistory struct {
	// ContainerID is the container's value, as /containers serves it.
	ContainerID string `json:"container_id"`
	// ParentID is the full ID (parent chain joined by ".") of a nested
	// container's parent.
	ParentID string `json:"parent_id,omitempty"`
	// State is the container's current state; DESTROYING for a completed one.
	State containerizer.State `json:"state"`
	// History is every state entered, with its time.
	History containerizer.History `json:"history"`
	// Directory is the sandbox.
	Directory string `json:"directory,omitempty"`
	// PID is the container's init process (0 before the fork).
	PID int `json:"pid,omitempty"`
	// FrameworkID and ExecutorID are the executor's, for an executor's container
	// and the containers nested under it.
	FrameworkID string `json:"framework_id,omitempty"`
	ExecutorID  string `json:"executor_id,omitempty"`
	// Recovered is true for a container re-attached after an agent restart.
	Recovered bool `json:"recovered,omitempty"`
	// Completed is true once the container was destroyed.
	Completed bool `json:"completed"`
	// Termination is how a completed container ended: status (the raw wait
	// status), state, reason and message, as Containerizer::wait returns it.
	Termination *containerizer.Termination `json:"termination,omitempty"`
}

// containerHistories is the /mesoscope/v1/containers body.
type containerHistories struct {
	Containers []ContainerHistory `json:"containers"`
}

// serveContainerHistories serves /mesoscope/v1/containers on the agent:
// ?container_id=ID keeps one container (matched by value or by the full
// dotted ID; 404 if the containerizer does not know it), ?completed=false
// leaves the destroyed containers out.
func (a *Agent) serveContainerHistories(r *process.Request) process.Response {
	q := r.URL.Query()
	withCompleted := true
	if s, ok := q["completed"]; ok {
		v, err := strconv.ParseBool(lastValue(s))
		if err != nil {
			return process.BadRequest(fmt.Sprintf("agent: %s: invalid query parameter completed=%q: want true or false", containerHistoriesPath, lastValue(s)))
		}
		withCompleted = v
	}
	want, filtered := q["container_id"]
	var snaps []containerizer.Snapshot
	if a.cont != nil {
		m := a.cont.Containerizer()
		snaps = m.Snapshot()
		if withCompleted {
			snaps = append(snaps, m.Completed()...)
		}
	}
	out := containerHistories{Containers: []ContainerHistory{}}
	for _, h := range containerHistoryOf(snaps) {
		if filtered && h.ContainerID != lastValue(want) && h.fullID() != lastValue(want) {
			continue
		}
		out.Containers = append(out.Containers, h)
	}
	if filtered && len(out.Containers) == 0 {
		return process.NotFound(fmt.Sprintf("agent: %s: unknown container %q", containerHistoriesPath, lastValue(want)))
	}
	return process.JSON(out)
}

// containerHistoryOf converts snapshots, giving nested containers the framework
// and executor of their root (the executor's container) when it is among them.
func containerHistoryOf(snaps []containerizer.Snapshot) []ContainerHistory {
	type owner struct{ framework, executor string }
	roots := make(map[string]owner)
	for _, s := range snaps {
		if !s.ContainerID.HasParent() && s.Config.FrameworkID != "" {
			roots[s.ContainerID.String()] = owner{s.Config.FrameworkID, s.Config.ExecutorID}
		}
	}
	out := make([]ContainerHistory, 0, len(snaps))
	for _, s := range snaps {
		h := ContainerHistory{
			ContainerID: s.ContainerID.Value,
			State:       s.State,
			History:     s.History,
			Directory:   s.Directory,
			PID:         s.PID,
			FrameworkID: s.Config.FrameworkID,
			ExecutorID:  s.Config.ExecutorID,
			Recovered:   s.Recovered,
			Completed:   s.Completed,
			Termination: s.Termination,
		}
		if h.History == nil {
			h.History = containerizer.History{}
		}
		if s.ContainerID.HasParent() {
			h.ParentID = s.ContainerID.Parent.String()
			if o, ok := roots[s.ContainerID.Root().String()]; ok && h.FrameworkID == "" {
				h.FrameworkID, h.ExecutorID = o.framework, o.executor
			}
		}
		out = append(out, h)
	}
	return out
}

// fullID is the container's full ID, its parent chain joined by ".".
func (h ContainerHistory) fullID() string {
	if h.ParentID == "" {
		return h.ContainerID
	}
	return h.ParentID + "." + h.ContainerID
}

// lastValue is the last of a query parameter's values (the one url.Values.Get
// does not return; a repeated parameter's last value wins, as in libprocess's
// query decoding).
func lastValue(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}
