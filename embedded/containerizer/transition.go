package containerizer

import (
	"fmt"
	"time"
)

// Transition records one move of a container between states. It models the
// "Transitioning the state of container X from A to B after T" line that
// MesosContainerizerProcess::transition (containerizer.cpp) logs, as data.
type Transition struct {
	// ContainerID is the container that moved.
	ContainerID ContainerID `json:"container_id"`
	// From and To are the states before and after.
	From State `json:"from"`
	To   State `json:"to"`
	// Time is when the move happened, from the containerizer's Clock.
	Time time.Time `json:"time"`
	// Since is how long the container spent in From.
	Since time.Duration `json:"since"`
}

// String is the canonical one-line rendering, the same words Mesos logs.
func (t Transition) String() string {
	return fmt.Sprintf("container %s: %s -> %s after %s", t.ContainerID, t.From, t.To, t.Since)
}

// StateTime is one entry of a container's state history: the state entered
// and when.
type StateTime struct {
	State State     `json:"state"`
	Time  time.Time `json:"time"`
	// Recovered marks the first entry of a container re-attached by Recover,
	// which (like Mesos) starts directly in RUNNING.
	Recovered bool `json:"recovered,omitempty"`
}

// History is a container's states in the order entered, starting with
// STARTING (or RUNNING for a recovered container).
type History []StateTime

// States returns just the states of h.
func (h History) States() []State {
	out := make([]State, len(h))
	for i, e := range h {
		out[i] = e.State
	}
	return out
}
