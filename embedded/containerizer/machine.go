package containerizer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"syscall"
	"time"
)

// container is the containerizer's record of one container. The state
// machine fields (state, history, children) are changed only by table
// methods; the rest belongs to the shell in containerizer.go. All fields
// are guarded by Mesos.mu.
type container struct {
	id        ContainerID
	key       string
	state     State
	since     time.Time
	history   History
	config    ContainerConfig
	resources Resources
	directory string
	parent    *container
	children  map[string]*container
	recovered bool

	pid       int      // the shim: the container's init process; 0 before fork
	startTime uint64   // /proc/<pid>/stat field 22, to detect pid reuse
	sigfd     int      // pidfd used to signal the shim; -1 if none
	pipe      *os.File // write end of the shim's go pipe until exec
	ready     *os.File // read end of the shim's ready pipe; nil once seen ready
	running   bool     // the go byte was written (the task was launched)

	supervised bool // the supervisor forked the task: pid is the task's
	lost       bool // supervised, but the supervisor is gone: no status

	launchCancel context.CancelFunc
	launchDone   chan struct{} // closed once Launch stops touching the container

	exited     chan struct{} // closed once the shim is gone
	exitStatus syscall.WaitStatus
	exitReaped bool

	backstop Timer // kills the shim if it outlives an escalation
	retry    Timer // repeats an escalation

	termination *Termination // why the containerizer is destroying it, if it chose to
	graceful    bool         // destroy with SIGTERM and a grace period
	destroyed   chan struct{}
	final       Termination
}

// table is the synchronous core of the containerizer: the set of
// containers, their states and the legal moves between them. It does no
// I/O, starts no goroutines and reads no clock; callers pass the time in.
// Transitions it makes are queued for the shell to report.
type table struct {
	containers map[string]*container
	pending    []Transition
}

func newTable() table { return table{containers: map[string]*container{}} }

// ErrUnknownContainer is returned for operations on containers the
// containerizer does not know.
var ErrUnknownContainer = errors.New("containerizer: unknown container")

// ErrIllegalTransition is wrapped when a state change is not allowed.
var ErrIllegalTransition = errors.New("containerizer: illegal state transition")

func (t *table) get(id ContainerID) *container { return t.containers[id.String()] }

// add records a new container in STARTING. A nested container must name a
// parent that exists and is not being destroyed.
func (t *table) add(id ContainerID, cfg ContainerConfig, now time.Time) (*container, error) {
	key := id.String()
	if _, ok := t.containers[key]; ok {
		return nil, fmt.Errorf("containerizer: add %s: already launched", key)
	}
	c := &container{
		id:        id.clone(),
		key:       key,
		state:     Starting,
		since:     now,
		history:   History{{State: Starting, Time: now}},
		config:    cfg,
		resources: cfg.Resources,
		sigfd:     -1,
		destroyed: make(chan struct{}),
	}
	if id.Parent != nil {
		p := t.get(*id.Parent)
		if p == nil {
			return nil, fmt.Errorf("containerizer: add %s: parent container %s does not exist", key, id.Parent)
		}
		if p.state == Destroying {
			return nil, fmt.Errorf("containerizer: add %s: parent container %s is in 'DESTROYING' state", key, id.Parent)
		}
		c.parent = p
		if p.children == nil {
			p.children = map[string]*container{}
		}
		p.children[key] = c
	}
	t.containers[key] = c
	return c, nil
}

// addRecovered records a container found by Recover, directly in RUNNING
// as MesosContainerizerProcess::recover does.
func (t *table) addRecovered(id ContainerID, cfg ContainerConfig, now time.Time) *container {
	c := &container{
		id:        id.clone(),
		key:       id.String(),
		state:     Running,
		since:     now,
		history:   History{{State: Running, Time: now, Recovered: true}},
		config:    cfg,
		resources: cfg.Resources,
		recovered: true,
		sigfd:     -1,
		destroyed: make(chan struct{}),
	}
	if id.Parent != nil {
		if p := t.get(*id.Parent); p != nil {
			c.parent = p
			if p.children == nil {
				p.children = map[string]*container{}
			}
			p.children[c.key] = c
		}
	}
	t.containers[c.key] = c
	return c
}

// transition moves c to next if the move is legal, appending to its
// history and queueing a Transition report.
func (t *table) transition(c *container, next State, now time.Time) error {
	if !c.state.CanTransition(next) {
		return fmt.Errorf("%w: container %s from %s to %s", ErrIllegalTransition, c.key, c.state, next)
	}
	tr := Transition{ContainerID: c.id.clone(), From: c.state, To: next, Time: now, Since: now.Sub(c.since)}
	c.state, c.since = next, now
	c.history = append(c.history, StateTime{State: next, Time: now})
	t.pending = append(t.pending, tr)
	return nil
}

// remove forgets c (after destroy finished).
func (t *table) remove(c *container) {
	delete(t.containers, c.key)
	if c.parent != nil {
		delete(c.parent.children, c.key)
	}
}

// takePending returns and clears the queued transitions.
func (t *table) takePending() []Transition {
	p := t.pending
	t.pending = nil
	return p
}

// ids returns every container ID, sorted by their dotted rendering.
func (t *table) ids() []ContainerID {
	out := make([]ContainerID, 0, len(t.containers))
	for _, c := range t.containers {
		out = append(out, c.id.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// childrenOf returns c's children sorted by key, for deterministic destroy order.
func childrenOf(c *container) []*container {
	out := make([]*container, 0, len(c.children))
	for _, ch := range c.children {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}
