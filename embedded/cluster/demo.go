package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"os/user"
	"slices"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// DemoAgents are the demo's three agents, of different shapes: two plain
// ones in two racks and a GPU one (offered only to GPU_RESOURCES
// frameworks, as --filter_gpu_resources does by default).
var DemoAgents = []AgentSpec{
	{Resources: "cpus:4;mem:4096;disk:10000;ports:[31000-31999]", Attributes: "rack:r1;zone:a", Hostname: "agent-1"},
	{Resources: "cpus:2;mem:2048;disk:5000;ports:[31000-31999]", Attributes: "rack:r2;zone:a", Hostname: "agent-2"},
	{Resources: "cpus:4;mem:8192;disk:20000;gpus:1;ports:[31000-31999]", Attributes: "rack:r2;zone:b;gpu:true", Hostname: "agent-gpu"},
}

// DemoWeights are the roles' weights (--weights web=2,batch=1).
var DemoWeights = map[string]float64{"web": 2, "batch": 1}

// DemoConfig configures the demo.
type DemoConfig struct {
	// Listener serves the cluster's HTTP; required.
	Listener net.Listener
	// WorkDir holds the agents' work dirs; required.
	WorkDir string
	// Workers, Observer and Logger are passed to the cluster.
	Workers  int
	Observer observe.Observer
	Logger   *slog.Logger
	// Agent is the template of the agents' configuration (tests shrink
	// retry intervals and pick the launch shim).
	Agent agent.Config
	// Master configures the master; Weights default to DemoWeights.
	Master master.Config
	// Seed makes task durations and failures reproducible (0: random).
	Seed uint64
	// TimeScale multiplies every task's duration (0 means 1); tests use
	// small values.
	TimeScale float64
}

// Demo is a running demo: a local cluster with DemoAgents and a workload
// of frameworks that talk to the master only over the v1 scheduler API.
type Demo struct {
	*Local
	frameworks []*demoFramework
	cancel     context.CancelFunc
	wg         sync.WaitGroup
}

// StartDemo starts the cluster and its frameworks.
func StartDemo(cfg DemoConfig) (*Demo, error) {
	if len(cfg.Master.Weights) == 0 {
		cfg.Master.Weights = DemoWeights
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	l, err := StartLocal(LocalConfig{
		Listener: cfg.Listener, WorkDir: cfg.WorkDir, Agents: DemoAgents, Master: cfg.Master,
		Agent: cfg.Agent, Workers: cfg.Workers, Observer: cfg.Observer, Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	scale := cfg.TimeScale
	if scale <= 0 {
		scale = 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Demo{Local: l, cancel: cancel}
	for i, spec := range demoWorkload() {
		f := &demoFramework{spec: spec, log: logger.With("framework", spec.name), rng: rand.New(rand.NewPCG(seed, uint64(i))), scale: scale,
			running: map[string]bool{}}
		c, err := schedclient.New(schedclient.Config{Master: l.URL(), Framework: spec.info(), AutoAck: true, Logger: f.log})
		if err != nil {
			cancel()
			_ = l.Stop(context.Background(), true)
			return nil, fmt.Errorf("cluster: demo: framework %s: %w", spec.name, err)
		}
		f.client = c
		d.frameworks = append(d.frameworks, f)
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			if err := c.Run(ctx, f.handle); err != nil && !errors.Is(err, context.Canceled) {
				f.log.Warn("framework stopped", "err", err)
			}
		}()
	}
	return d, nil
}

// Stop stops the frameworks (their tasks are killed when the master
// removes them), then the cluster.
func (d *Demo) Stop(ctx context.Context) error {
	d.cancel()
	d.wg.Wait()
	return d.Local.Stop(ctx, true)
}

// FrameworkStats is what one demo framework has seen.
type FrameworkStats struct {
	Name, Role                     string
	Launched, Running              int
	Finished, Failed, Killed, Lost int
	OffersReceived, OffersDeclined int
	Waiting                        bool
	Wants                          string
}

// Stats returns each framework's counts, in workload order.
func (d *Demo) Stats() []FrameworkStats {
	out := make([]FrameworkStats, 0, len(d.frameworks))
	for _, f := range d.frameworks {
		out = append(out, f.stats())
	}
	return out
}

// Frameworks lists the names of the demo's frameworks.
func (d *Demo) Frameworks() []string {
	var out []string
	for _, f := range d.frameworks {
		out = append(out, f.spec.name)
	}
	return slices.Clip(out)
}

// durationBetween picks a task duration in [lo, hi) scaled.
func (f *demoFramework) durationBetween(lo, hi time.Duration) time.Duration {
	d := lo + time.Duration(f.rng.Int64N(int64(hi-lo)))
	return time.Duration(float64(d) * f.scale)
}

// currentUser is the user tasks run as (the agent switches to it when it
// runs as root, like --switch_user).
func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "nobody"
}
