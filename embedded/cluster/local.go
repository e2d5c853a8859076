package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// AgentSpec describes one agent of a local cluster (mesos-agent's
// --resources, --attributes, --hostname).
type AgentSpec struct {
	Resources  string
	Attributes string
	Hostname   string
}

// LocalConfig configures an in-process cluster.
type LocalConfig struct {
	// Listener serves the runtime's HTTP (the master's APIs, the agents'
	// endpoints under /slave(N)/...); required.
	Listener net.Listener
	// WorkDir holds one work_dir per agent (agent-N); required.
	WorkDir string
	// Agents describes the agents; NumAgents adds that many more with
	// DefaultAgent's flags (mesos-local --num_slaves).
	Agents       []AgentSpec
	NumAgents    int
	DefaultAgent AgentSpec
	// Master configures the master.
	Master master.Config
	// Agent is the template of every agent's configuration (retry
	// intervals, containerizer overrides); Master, WorkDir, Resources,
	// Attributes and Hostname are set per agent.
	Agent agent.Config
	// Workers is the runtime's worker count (0: CPUs).
	Workers int
	// Observer receives the runtime's hooks; nil means none.
	Observer observe.Observer
	// Logger receives the cluster's logs; nil discards them.
	Logger *slog.Logger
}

// Local is an in-process Mesos cluster like mesos-local
// (src/local/local.cpp): one runtime holding the master, its allocator
// and the agents slave(1) ... slave(N), all served on one address.
type Local struct {
	rt     *process.Runtime
	master *master.Master
	agents []*agent.Agent
	url    string
	log    *slog.Logger
}

// StartLocal starts the cluster; the agents register in the background.
func StartLocal(cfg LocalConfig) (*Local, error) {
	if cfg.Listener == nil {
		return nil, errors.New("cluster: local: a listener is required")
	}
	if cfg.WorkDir == "" {
		return nil, errors.New("cluster: local: a work_dir is required")
	}
	specs := append([]AgentSpec(nil), cfg.Agents...)
	for range cfg.NumAgents {
		specs = append(specs, cfg.DefaultAgent)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	rt, err := process.New(process.Config{
		Listener: cfg.Listener, Workers: cfg.Workers, Delegate: master.ID,
		Observer: cfg.Observer, Logger: logger, StampQueues: true,
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: local: %w", err)
	}
	l := &Local{rt: rt, url: "http://" + cfg.Listener.Addr().String(), log: logger}
	fail := func(err error) (*Local, error) {
		_ = rt.Stop(context.Background())
		return nil, fmt.Errorf("cluster: local: %w", err)
	}
	mcfg := cfg.Master
	if mcfg.Logger == nil {
		mcfg.Logger = logger.With("process", "master")
	}
	m, err := master.New(rt, mcfg)
	if err != nil {
		return fail(err)
	}
	l.master = m
	agentCfg := cfg.Agent
	if len(specs) > 1 && len(agentCfg.Containerizer.Isolation) == 0 {
		// Automatic isolation: check cgroups once for every agent of this process, so
		// that the fallback is logged once and not by each agent.
		if err := containerizer.CheckCgroups(agentCfg.Containerizer); err != nil {
			logger.Warn("cgroups v2 enforcement unavailable; the agents fall back to posix/cpu,posix/mem with memory polling", "agents", len(specs), "err", err)
			agentCfg.Containerizer.Isolation = []string{"posix/cpu", "posix/mem"}
		}
	}
	for i, spec := range specs {
		acfg := agentCfg
		acfg.Master = m.Self()
		acfg.WorkDir = filepath.Join(cfg.WorkDir, "agent-"+strconv.Itoa(i+1))
		acfg.Resources = spec.Resources
		acfg.Attributes = spec.Attributes
		acfg.Hostname = spec.Hostname
		if acfg.Logger == nil {
			acfg.Logger = logger.With("process", "slave("+strconv.Itoa(i+1)+")")
		}
		if err := os.MkdirAll(acfg.WorkDir, 0o755); err != nil {
			return fail(err)
		}
		a, err := agent.New(rt, acfg)
		if err != nil {
			return fail(err)
		}
		l.agents = append(l.agents, a)
	}
	return l, nil
}

// Runtime returns the cluster's runtime.
func (l *Local) Runtime() *process.Runtime { return l.rt }

// Master returns the master.
func (l *Local) Master() *master.Master { return l.master }

// Agents returns the agents, in slave(N) order.
func (l *Local) Agents() []*agent.Agent { return append([]*agent.Agent(nil), l.agents...) }

// URL is the base URL of the master's APIs ("http://127.0.0.1:5050").
func (l *Local) URL() string { return l.url }

// Stop shuts the cluster down: the agents stop first, killing their tasks
// when killTasks is set (the containers of an in-process cluster would
// otherwise outlive it), then the runtime.
func (l *Local) Stop(ctx context.Context, killTasks bool) error {
	var errs []error
	for _, a := range l.agents {
		if err := a.Stop(ctx, killTasks); err != nil {
			errs = append(errs, err)
		}
	}
	if err := l.rt.Stop(ctx); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// RunShimIfRequested must be called first thing in main by binaries that
// run a local cluster: agents launch tasks through a re-exec of the binary
// (see embedded/containerizer).
func RunShimIfRequested() { containerizer.RunShimIfRequested() }
