package agent

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// State is the agent's state (Slave::State in src/slave/slave.hpp).
type State int

// Agent states.
const (
	// StateRecovering: recovering checkpointed state (recover.go); the agent
	// answers its endpoints with 503 meanwhile.
	StateRecovering State = iota
	// StateDisconnected: not (re-)registered with the master.
	StateDisconnected
	// StateRunning: registered with the master.
	StateRunning
	// StateTerminating: shutting down.
	StateTerminating
)

// String returns Mesos's name of the state.
func (s State) String() string {
	switch s {
	case StateRecovering:
		return "RECOVERING"
	case StateDisconnected:
		return "DISCONNECTED"
	case StateRunning:
		return "RUNNING"
	case StateTerminating:
		return "TERMINATING"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Agent is the Mesos agent process, slave(N) (class Slave in src/slave/slave.cpp). It
// registers with the master, runs tasks in containers of the Mesos containerizer
// (playing the command executor itself), reliably forwards their status updates and
// serves the agent's HTTP endpoints. Create it with New; stop it with Stop.
//
// Every field is owned by the process: handlers, Defer'd continuations and timers
// (process.Delay on the runtime's clock) run on it one at a time.
type Agent struct {
	process.Base
	rt   *process.Runtime
	cfg  Config
	log  *slog.Logger
	rand *rand.Rand

	info        mesos.AgentInfo
	total       resources.Resources
	attributes  []mesos.Attribute
	state       State
	master      process.PID
	pingTimeout time.Duration
	regTimer    *process.Timer
	pingTimer   *process.Timer
	startTime   time.Time

	frameworks          map[string]*framework
	completedFrameworks []*framework

	updates     *UpdateManager
	retryTimers map[StreamKey]*process.Timer
	cont        *containerizer.Process
	contPID     process.PID
	contErr     error
	files       process.PID
	attached    map[string]bool // paths attached to the files process
	m           metrics
	stopKill    bool // Stop(killTasks): every framework is shut down, not only non-checkpointing ones
	stopCalls   sync.Once
	terminated  bool // Terminate was called on the agent itself

	recovered recoveredState // what New read from work_dir/meta
	rec       *recovery      // the recovery in progress, nil once it is over

	wg      sync.WaitGroup // goroutines the agent starts (containerizer signal calls)
	done    chan struct{}  // closed by Finalize
	exitErr error          // why the agent terminated on its own (Err); set before done closes
}

// New validates cfg, computes the agent's resources and attributes, creates the work
// directory, reads the state a previous agent checkpointed there (state::recover; a
// strict recovery's read errors and a changed configuration are returned) and spawns
// the agent on rt as slave(N). The agent recovers (recover.go), then starts
// registering with cfg.Master (after the first random backoff).
func New(rt *process.Runtime, cfg Config) (*Agent, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("agent: new: %w", err)
	}
	if err := os.MkdirAll(cfg.WorkDir, 0o755); err != nil {
		return nil, fmt.Errorf("agent: new: create work_dir: %w", err)
	}
	total, err := TotalResources(cfg.Resources, cfg.DefaultRole, DetectMachine(cfg.WorkDir))
	if err != nil {
		return nil, fmt.Errorf("agent: new: %w", err)
	}
	attrs, err := ParseAttributes(cfg.Attributes)
	if err != nil {
		return nil, fmt.Errorf("agent: new: %w", err)
	}
	if !cfg.Master.Address.IsValid() {
		cfg.Master = rt.PID(cfg.Master.ID) // a local master named by its id
	}
	host := cfg.Hostname
	if host == "" {
		if host, err = os.Hostname(); err != nil {
			return nil, fmt.Errorf("agent: new: hostname: %w", err)
		}
		cfg.Hostname = host
	}
	a := &Agent{
		rt:          rt,
		cfg:         cfg,
		log:         cfg.Logger,
		rand:        newRand(cfg.Seed),
		total:       total,
		attributes:  attrs,
		state:       StateRecovering,
		master:      cfg.Master,
		frameworks:  map[string]*framework{},
		attached:    map[string]bool{},
		retryTimers: map[StreamKey]*process.Timer{},
		updates:     NewUpdateManager(cfg.StatusUpdateRetryMin, cfg.StatusUpdateRetryMax),
		done:        make(chan struct{}),
	}
	a.info = mesos.AgentInfo{
		Hostname:   host,
		Port:       int32(rt.Address().Port()),
		Resources:  mesos.ResourcesOf(total),
		Attributes: attrs,
	}
	if err := a.loadState(); err != nil {
		return nil, fmt.Errorf("agent: new: %w", err)
	}
	id := cfg.ID
	if id == "" {
		id = rt.GenerateID("slave")
	}
	if _, err := rt.Spawn(id, a); err != nil {
		return nil, fmt.Errorf("agent: new: spawn: %w", err)
	}
	return a, nil
}

// Initialize installs the handlers, routes and metrics and starts recovering
// (Slave::initialize then Slave::recover); once recovered the agent is DISCONNECTED
// and detects its one master, as Slave::__recover and Slave::detected do.
func (a *Agent) Initialize() {
	a.startTime = a.rt.Clock().Now()
	a.log = a.log.With("agent", a.Self().String())
	a.installHandlers()
	a.installRoutes()
	a.initMetrics()
	files, err := SpawnFiles(a.rt, func(r *process.Request) *process.Response { return a.authenticate(r, RealmReadonly) })
	if err != nil {
		a.log.Error("Failed to spawn the files process", "err", err)
	}
	a.files = files
	a.recover()
}

// Finalize cancels the agent's timers, closes the status update streams, detaches its
// sandboxes and terminates its containerizer (Slave::finalize). Containers still
// running are left to the containerizer's checkpoints.
func (a *Agent) Finalize() {
	a.regTimer.Stop()
	a.pingTimer.Stop()
	for _, f := range a.frameworks {
		for _, e := range f.executors {
			e.killTimer.Stop()
			e.shutdownTimer.Stop()
			e.health.stop()
			for _, c := range e.children {
				c.stopTimers()
			}
		}
	}
	for _, t := range a.retryTimers {
		t.Stop()
	}
	a.updates.Close()
	for _, p := range slices.Sorted(maps.Keys(a.attached)) {
		DetachFile(&a.Base, a.files, p)
	}
	a.removeMetrics()
	if a.cont != nil {
		a.rt.Terminate(a.contPID, false)
	}
	close(a.done)
}

// Stop shuts the agent down and waits until it has terminated, or ctx is done.
//
// With killTasks, Stop does what a mesos-agent does on SIGUSR1 (Slave::shutdown): it
// unregisters from the master (UnregisterSlaveMessage), moves to TERMINATING and shuts
// down every framework, killing its tasks with the executor shutdown grace (no status
// updates are sent for frameworks being shut down, as in Mesos), and terminates once
// the last container is gone. Without killTasks it does what termination does to a
// Mesos agent (Slave::finalize): frameworks that do not checkpoint are shut down the
// same way, checkpointing ones keep their containers running for a future agent to
// recover, and the agent stays registered (the master will find it unreachable).
//
// If ctx ends first, the remaining containers of frameworks being shut down are
// destroyed at once (SIGKILL) before Stop returns ctx's error.
func (a *Agent) Stop(ctx context.Context, killTasks bool) error {
	a.stopCalls.Do(func() {
		process.Do(a.rt, a.Self(), "shutdown", func() { a.shutdown(killTasks) })
	})
	err := a.rt.Wait(ctx, a.Self())
	if err != nil {
		// Out of time: destroy the containers being shut down at once (SIGKILL); the
		// agent then terminates as their terminations come in.
		process.Do(a.rt, a.Self(), "forceShutdown", a.forceShutdown)
		wctx, cancel := context.WithTimeout(context.Background(), forceStopTimeout)
		if a.rt.Wait(wctx, a.Self()) != nil {
			a.rt.Terminate(a.Self(), true)
			a.rt.Wait(context.Background(), a.Self())
		}
		cancel()
	}
	if a.cont != nil {
		a.rt.Wait(context.Background(), a.contPID)
	}
	a.wg.Wait()
	if err != nil {
		return fmt.Errorf("agent %s: stop: %w", a.Self(), err)
	}
	return nil
}

// Crash stops the agent the way SIGKILL stops a mesos-agent, for tests of recovery:
// the agent process terminates at once, dropping the events it has queued, without
// unregistering, shutting any framework down, sending a status update or killing a
// container. Its containerizer is closed, leaving every container running, and every
// checkpoint stays, so that a new agent on the same work_dir (New with the same
// Config but a different Seed, and the same ID to keep the PID) recovers its tasks.
// Crash waits until the agent and its containerizer are gone, or ctx is done. After
// Stop or Crash, further calls only wait.
func (a *Agent) Crash(ctx context.Context) error {
	a.stopCalls.Do(func() { a.rt.Terminate(a.Self(), true) })
	if err := a.rt.Wait(ctx, a.Self()); err != nil {
		return fmt.Errorf("agent %s: crash: %w", a.Self(), err)
	}
	if a.cont != nil {
		if err := a.rt.Wait(ctx, a.contPID); err != nil {
			return fmt.Errorf("agent %s: crash: %w", a.Self(), err)
		}
	}
	a.wg.Wait()
	return nil
}

// forceStopTimeout bounds how long Stop waits for destroyed containers after its
// context ended.
const forceStopTimeout = 10 * time.Second

// forceShutdown destroys, without grace, the containers of every framework being
// shut down.
func (a *Agent) forceShutdown() {
	for _, f := range a.sortedFrameworks() {
		if f.state != frameworkTerminating {
			continue
		}
		for _, e := range f.sortedExecutors() {
			if e.launched && !e.reaped {
				a.cont.Destroy(containerizer.ContainerID{Value: e.containerID})
			}
		}
	}
}

// Done is closed when the agent process has terminated (after Stop, a
// ShutdownMessage, the end of a --recover=cleanup run, a failed recovery, or
// the runtime stopping).
func (a *Agent) Done() <-chan struct{} { return a.done }

// Err returns, once Done is closed, why the agent terminated if it failed: a
// recovery that could not complete (wrapping ErrRecovery), which makes a
// mesos-agent exit with EXIT_FAILURE (Slave::__recover). It is nil for every
// other end, and before Done is closed.
func (a *Agent) Err() error {
	select {
	case <-a.done:
		return a.exitErr
	default:
		return nil
	}
}

// ensureContainerizer spawns the agent's containerizer once the agent has an ID (it
// names sandboxes and checkpoints after it).
func (a *Agent) ensureContainerizer() {
	if a.cont != nil || a.contErr != nil {
		return
	}
	cfg := a.cfg.Containerizer
	if cfg.WorkDir == "" {
		cfg.WorkDir = a.cfg.WorkDir
	}
	cfg.AgentID = a.info.ID.Value
	if cfg.Logger == nil {
		cfg.Logger = a.log
	}
	if cfg.Launcher == "" {
		cfg.Launcher = containerizer.LauncherSupervisor
	}
	p, err := containerizer.SpawnProcess(a.rt, cfg)
	if err != nil {
		a.contErr = err
		a.log.Error("Failed to create the containerizer", "err", err)
		return
	}
	a.cont, a.contPID = p, p.Self()
}

// now returns the runtime clock's time.
func (a *Agent) now() time.Time { return a.rt.Clock().Now() }

// agentID returns the agent's ID ("" before the first registration).
func (a *Agent) agentID() string {
	if a.info.ID == nil {
		return ""
	}
	return a.info.ID.Value
}
