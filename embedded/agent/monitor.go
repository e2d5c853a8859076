package agent

import (
	"context"
	"sync/atomic"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// ContainerEntry is one container of /containers, /monitor/statistics and
// GET_CONTAINERS (Http::__containers): the executor's metadata, copied on the agent,
// and its status and statistics from the containerizer. It is exported for programs
// that serve the same JSON shape without an agent (the walkthroughs' TUI stand-in).
type ContainerEntry struct {
	FrameworkID  string                            `json:"framework_id,omitempty"`
	ExecutorID   string                            `json:"executor_id,omitempty"`
	ExecutorName string                            `json:"executor_name"`
	Source       string                            `json:"source"`
	ContainerID  string                            `json:"container_id"`
	Status       *containerizer.ContainerStatus    `json:"status,omitempty"`
	Statistics   *containerizer.ResourceStatistics `json:"statistics,omitempty"`

	id containerizer.ContainerID
}

// statisticsEntry is an element of /monitor/statistics (Http::_statistics).
type statisticsEntry struct {
	ExecutorID   string                           `json:"executor_id"`
	ExecutorName string                           `json:"executor_name"`
	FrameworkID  string                           `json:"framework_id"`
	Source       string                           `json:"source"`
	Statistics   containerizer.ResourceStatistics `json:"statistics"`
}

// containerEntries collects the containers of the agent's live executors (and, with
// nested, the containerizer's nested containers under them), then asks the
// containerizer for their status and usage. The future completes off the agent.
func (a *Agent) containerEntries(nested bool) *process.Future[[]ContainerEntry] {
	if a.cont == nil {
		return process.NewFuture([]ContainerEntry(nil))
	}
	var entries []ContainerEntry
	roots := map[string]bool{}
	for _, f := range a.sortedFrameworks() {
		for _, e := range f.sortedExecutors() {
			if e.state == executorTerminated {
				continue
			}
			roots[e.containerID] = true
			entries = append(entries, ContainerEntry{
				FrameworkID:  f.id,
				ExecutorID:   e.id,
				ExecutorName: e.info.Name,
				Source:       e.info.Source,
				ContainerID:  e.containerID,
				id:           containerizer.ContainerID{Value: e.containerID},
			})
		}
	}
	m := a.cont.Containerizer()
	if nested {
		for _, s := range m.Snapshot() {
			if s.ContainerID.HasParent() && roots[s.ContainerID.Root().Value] {
				entries = append(entries, ContainerEntry{ContainerID: s.ContainerID.Value, id: s.ContainerID})
			}
		}
	}
	if len(entries) == 0 {
		return process.NewFuture([]ContainerEntry(nil))
	}
	p := process.NewPromise[[]ContainerEntry]()
	left := atomic.Int64{}
	left.Store(int64(len(entries)))
	for i := range entries {
		e := &entries[i]
		if st, err := m.Status(context.Background(), e.id); err == nil {
			e.Status = &st
		}
		a.cont.Usage(e.id).OnAny(func(f *process.Future[containerizer.ResourceStatistics]) {
			if s, err := f.Get(); err == nil {
				e.Statistics = &s
			}
			if left.Add(-1) == 0 {
				p.Set(entries)
			}
		})
	}
	return p.Future()
}

// v1 converts an entry to GET_CONTAINERS's Container.
func (e ContainerEntry) v1() operator.Container {
	c := operator.Container{ExecutorName: e.ExecutorName, ContainerID: toMesosContainerID(e.id)}
	if e.FrameworkID != "" {
		c.FrameworkID = &mesos.FrameworkID{Value: e.FrameworkID}
		c.ExecutorID = &mesos.ExecutorID{Value: e.ExecutorID}
	}
	if e.Status != nil {
		cs := &mesos.ContainerStatus{}
		id := toMesosContainerID(e.Status.ContainerID)
		cs.ContainerID = &id
		if e.Status.ExecutorPID != 0 {
			pid := e.Status.ExecutorPID
			cs.ExecutorPID = &pid
		}
		c.ContainerStatus = cs
	}
	if s := e.Statistics; s != nil {
		c.ResourceStatistics = &mesos.ResourceStatistics{
			Timestamp:          s.Timestamp,
			Processes:          s.Processes,
			Threads:            s.Threads,
			CPUsUserTimeSecs:   s.CPUsUserTimeSecs,
			CPUsSystemTimeSecs: s.CPUsSystemTimeSecs,
			CPUsLimit:          s.CPUsLimit,
			MemTotalBytes:      s.MemTotalBytes,
			MemRSSBytes:        s.MemRSSBytes,
			MemLimitBytes:      s.MemLimitBytes,
			DiskLimitBytes:     s.DiskLimitBytes,
		}
	}
	return c
}

func toMesosContainerID(id containerizer.ContainerID) mesos.ContainerID {
	out := mesos.ContainerID{Value: id.Value}
	if id.Parent != nil {
		p := toMesosContainerID(*id.Parent)
		out.Parent = &p
	}
	return out
}

// serveContainers serves /containers (Http::containers): the executors' containers
// with status and statistics.
func (a *Agent) serveContainers(r *process.Request) *process.Future[process.Response] {
	want := r.URL.Query().Get("container_id")
	return process.Then(a.containerEntries(false), func(entries []ContainerEntry) (process.Response, error) {
		out := []ContainerEntry{}
		for _, e := range entries {
			if want == "" || e.ContainerID == want {
				out = append(out, e)
			}
		}
		return process.JSON(out), nil
	})
}

// serveStatistics serves /monitor/statistics (Http::statistics): the resource usage
// of every live executor's container.
func (a *Agent) serveStatistics(*process.Request) *process.Future[process.Response] {
	return process.Then(a.containerEntries(false), func(entries []ContainerEntry) (process.Response, error) {
		out := []statisticsEntry{}
		for _, e := range entries {
			if e.Statistics == nil {
				continue
			}
			out = append(out, statisticsEntry{
				ExecutorID:   e.ExecutorID,
				ExecutorName: e.ExecutorName,
				FrameworkID:  e.FrameworkID,
				Source:       e.Source,
				Statistics:   *e.Statistics,
			})
		}
		return process.JSON(out), nil
	})
}
