package containerizer

import (
	"fmt"
	"strconv"
)

// State is a container's state in the Mesos containerizer. It models the
// private enum MesosContainerizerProcess::State
// (src/slave/containerizer/mesos/containerizer.hpp): the numeric values and
// names are Mesos's, and a launch walks them in this order.
type State int

// The seven states, in enum (and launch) order.
const (
	// Starting: the container record exists; nothing has been done yet.
	Starting State = iota
	// Provisioning: the provisioner assembles the image rootfs (a no-op
	// without ContainerInfo.mesos.image).
	Provisioning
	// Preparing: the config is checkpointed, the sandbox created, isolators
	// prepare, and the launch helper (our shim) is forked blocked on a pipe.
	Preparing
	// Isolating: isolators isolate the helper's pid and start watching for
	// limitations.
	Isolating
	// Fetching: the fetcher downloads CommandInfo.uris into the sandbox.
	Fetching
	// Running: the helper was signalled through its pipe and exec'd the task.
	Running
	// Destroying: processes are killed, isolators cleaned up; reachable from
	// every other state.
	Destroying
)

// NumStates is the number of container states.
const NumStates = 7

// String returns Mesos's name for s (containerizer.cpp operator<<).
func (s State) String() string {
	switch s {
	case Starting:
		return "STARTING"
	case Provisioning:
		return "PROVISIONING"
	case Preparing:
		return "PREPARING"
	case Isolating:
		return "ISOLATING"
	case Fetching:
		return "FETCHING"
	case Running:
		return "RUNNING"
	case Destroying:
		return "DESTROYING"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// ParseState is the inverse of String.
func ParseState(name string) (State, error) {
	for s := Starting; s <= Destroying; s++ {
		if s.String() == name {
			return s, nil
		}
	}
	return 0, fmt.Errorf("containerizer: parse state %q: unknown state", name)
}

// Valid reports whether s is one of the seven states.
func (s State) Valid() bool { return s >= Starting && s <= Destroying }

// CanTransition reports whether the containerizer may move a container from s
// to next. Launch steps advance exactly one state at a time (launch → prepare
// → _launch/isolate → fetch → exec in containerizer.cpp, each guarded by
// CHECK_EQ(container->state, previous)); destroy() may start from any state
// except DESTROYING itself, which is terminal.
func (s State) CanTransition(next State) bool {
	if !s.Valid() || !next.Valid() {
		return false
	}
	if next == Destroying {
		return s != Destroying
	}
	return s != Destroying && next == s+1
}

// MarshalText renders the Mesos name, so JSON carries "RUNNING" not 5.
func (s State) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("containerizer: marshal state: invalid state %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText parses a Mesos state name.
func (s *State) UnmarshalText(b []byte) error {
	v, err := ParseState(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
