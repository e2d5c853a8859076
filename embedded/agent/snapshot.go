package agent

import (
	"context"
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// Snapshot is a deep copy of the agent's state for in-process readers (tests,
// walkthroughs, inspector/local): safe to keep and to read on any goroutine.
type Snapshot struct {
	State    State
	AgentID  string // empty until the first registration
	PID      process.PID
	Hostname string
	// Resources is the agent's total, in Mesos's text form.
	Resources string
	// Tasks are the queued (TASK_STAGING), launched and terminated (not yet
	// acknowledged) tasks of every framework, ordered by framework, executor and
	// task ID.
	Tasks []mesos.Task
	// CompletedTasks counts the tasks whose updates are all acknowledged and that
	// are kept for /state.
	CompletedTasks int
	// PendingUpdates counts the status updates not yet acknowledged.
	PendingUpdates int
}

// Snapshot returns a copy of the agent's state, taken on its process.
func (a *Agent) Snapshot(ctx context.Context) (Snapshot, error) {
	s, err := process.Dispatch(a.rt, a.Self(), "snapshot", func() (Snapshot, error) { return a.snapshot(), nil }).Await(ctx)
	if err != nil {
		return Snapshot{}, fmt.Errorf("agent %s: snapshot: %w", a.Self(), err)
	}
	return s, nil
}

func (a *Agent) snapshot() Snapshot {
	s := Snapshot{
		State:     a.state,
		AgentID:   a.agentID(),
		PID:       a.Self(),
		Hostname:  a.info.Hostname,
		Resources: a.total.String(),
	}
	completed := func(executors []*executor) {
		for _, e := range executors {
			s.CompletedTasks += len(e.completedTasks) + len(e.terminatedTasks)
		}
	}
	for _, f := range a.sortedFrameworks() {
		for _, e := range f.sortedExecutors() {
			for _, t := range e.sortedQueued() {
				s.Tasks = append(s.Tasks, *t)
			}
			for _, t := range e.sortedLaunched() {
				s.Tasks = append(s.Tasks, cloneTask(t))
			}
			for _, t := range e.sortedTerminated() {
				s.Tasks = append(s.Tasks, cloneTask(t))
			}
			s.CompletedTasks += len(e.completedTasks)
		}
		completed(f.completedExecutors)
	}
	for _, f := range a.completedFrameworks {
		completed(f.completedExecutors)
	}
	for _, st := range a.updates.streams {
		s.PendingUpdates += st.len()
	}
	return s
}
