package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// RuntimeDemoConfig configures the runtime demo. The zero value (plus a Listener) works.
type RuntimeDemoConfig struct {
	// Listener serves the runtime's HTTP endpoints; required.
	Listener net.Listener
	// Workers is the runtime's worker count (0: LIBPROCESS_NUM_WORKER_THREADS or CPUs).
	Workers int
	// Agents is how many "slave(N)" processes to run; zero means 3.
	Agents int
	// PingTimeout and MaxPingTimeouts are the master's --agent_ping_timeout and
	// --max_agent_ping_timeouts (zero: Mesos's 15 s and 5).
	PingTimeout     time.Duration
	MaxPingTimeouts int
	// KillAgentAfter, if positive, terminates the last agent after that long, so the
	// master's observer marks it unreachable after MaxPingTimeouts missed pings.
	KillAgentAfter time.Duration
	// Observer receives the runtime's hooks (nil: none).
	Observer observe.Observer
	// Logger receives what happens (agent killed, marked unreachable); nil discards.
	Logger *slog.Logger
	// AllocationInterval is the allocator's --allocation_interval (zero: 1 s).
	AllocationInterval time.Duration
	// Seed makes the workload (task durations, the allocator's agent shuffle)
	// reproducible.
	Seed uint64
}

// RuntimeDemo is a running runtime demo.
type RuntimeDemo struct {
	rt     *process.Runtime
	log    *slog.Logger
	master *demoMaster
	agents []process.PID
	alloc  *allocator.Allocator
}

// demoMaster is the master side: it spawns the observers and counts agents.
type demoMaster struct {
	process.Base
	active, unreachable *process.Gauge
	scheduled           *process.Counter
	work                *workload
	mu                  sync.Mutex
	unreachableIDs      []string
}

// StartRuntimeDemo starts the runtime and its processes.
func StartRuntimeDemo(cfg RuntimeDemoConfig) (*RuntimeDemo, error) {
	if cfg.Listener == nil {
		return nil, errors.New("cluster: runtime demo: a listener is required")
	}
	if cfg.Agents <= 0 {
		cfg.Agents = 3
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	rt, err := process.New(process.Config{
		Listener: cfg.Listener, Workers: cfg.Workers, Delegate: "master",
		Observer: cfg.Observer, Logger: logger, StampQueues: true,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: runtime demo: %w", err)
	}
	d := &RuntimeDemo{rt: rt, log: logger}
	fail := func(err error) (*RuntimeDemo, error) {
		rt.Stop(context.Background())
		return nil, fmt.Errorf("cluster: runtime demo: %w", err)
	}
	m := &demoMaster{}
	if m.active, err = rt.Metrics().NewGauge("master/slaves_active"); err != nil {
		return fail(err)
	}
	if m.unreachable, err = rt.Metrics().NewGauge("master/slaves_unreachable"); err != nil {
		return fail(err)
	}
	if m.scheduled, err = rt.Metrics().NewCounter("master/slave_unreachable_scheduled", 0); err != nil {
		return fail(err)
	}
	m.RouteFunc("/health", "Returns 200 OK while the master is up (Mesos /master/health).",
		func(*process.Request) process.Response { return process.OK(nil, "") })
	if _, err := rt.Spawn("master", m); err != nil {
		return fail(err)
	}
	d.master = m
	alloc, err := allocator.New(rt, allocator.Config{
		AllocationInterval: cfg.AllocationInterval, Seed: cfg.Seed, Logger: logger,
		OfferCallback: func(frameworkID string, offers []allocator.Offer) {
			process.Do(rt, m.Self(), "offers", func() { m.work.offers(frameworkID, offers) })
		},
	})
	if err != nil {
		return fail(err)
	}
	d.alloc = alloc
	rt.Alias("/mesoscope/v1/allocator", alloc.Self(), "/mesoscope/v1/allocator")
	m.work = newWorkload(m, alloc, logger, cfg.Seed)
	var agentIDs []string
	for i := range cfg.Agents {
		a := &demoAgent{}
		agent.InstallPing(&a.Base, nil)
		pid, err := rt.Spawn(rt.GenerateID("slave"), a)
		if err != nil {
			return fail(err)
		}
		d.agents = append(d.agents, pid)
		agentID := fmt.Sprintf("S%d", i)
		obs := master.NewSlaveObserver(master.ObserverConfig{
			Agent: pid, AgentID: agentID,
			PingTimeout: cfg.PingTimeout, MaxPingTimeouts: cfg.MaxPingTimeouts,
			Unreachable: func(id string) { m.markUnreachable(rt, logger, id) },
		})
		if _, err := rt.Spawn(rt.GenerateID("slave-observer"), obs); err != nil {
			return fail(err)
		}
		m.active.Add(1)
		agentIDs = append(agentIDs, agentID)
	}
	started := process.Dispatch(rt, m.Self(), "startWorkload", func() (struct{}, error) {
		return struct{}{}, m.work.start(agentIDs)
	})
	if _, err := started.Await(context.Background()); err != nil {
		return fail(err)
	}
	if cfg.KillAgentAfter > 0 {
		victim := d.agents[len(d.agents)-1]
		process.Delay(rt, cfg.KillAgentAfter, rt.PID("master"), "killAgent", func() {
			logger.Info("terminating an agent; its observer will miss pings", "agent", victim.String())
			rt.Terminate(victim, true)
		})
	}
	return d, nil
}

type demoAgent struct{ process.Base }

// markUnreachable runs on an observer's goroutine; it dispatches to the master, as
// SlaveObserver::_markUnreachable dispatches Master::markUnreachable.
func (m *demoMaster) markUnreachable(rt *process.Runtime, log *slog.Logger, id string) {
	m.scheduled.Inc()
	process.Do(rt, m.Self(), "markUnreachable", func() {
		log.Info("agent marked unreachable after missed health checks", "agent_id", id)
		m.active.Add(-1)
		m.unreachable.Add(1)
		m.work.agentLost(id)
		m.mu.Lock()
		m.unreachableIDs = append(m.unreachableIDs, id)
		m.mu.Unlock()
	})
}

// Unreachable returns the ids of the agents marked unreachable so far.
func (d *RuntimeDemo) Unreachable() []string {
	d.master.mu.Lock()
	defer d.master.mu.Unlock()
	return append([]string(nil), d.master.unreachableIDs...)
}

// Runtime returns the demo's runtime.
func (d *RuntimeDemo) Runtime() *process.Runtime { return d.rt }

// Agents returns the agents' PIDs.
func (d *RuntimeDemo) Agents() []process.PID { return append([]process.PID(nil), d.agents...) }

// Allocator returns the demo's allocator.
func (d *RuntimeDemo) Allocator() *allocator.Allocator { return d.alloc }

// Stop stops the runtime.
func (d *RuntimeDemo) Stop(ctx context.Context) error { return d.rt.Stop(ctx) }
