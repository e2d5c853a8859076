package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os/user"
	"slices"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/marathon"
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
	// MarathonListener serves the demo Marathon's REST API (/v2/*); nil
	// listens on a free loopback port.
	MarathonListener net.Listener
	// Marathon is the template of the Marathon's configuration: Master,
	// HTTPListener and Logger are the demo's, Role defaults to
	// DemoMarathonRole and Seed to the demo's (tests shorten
	// MinReviveOffersInterval).
	Marathon marathon.Config
}

// Demo is a running demo: a local cluster with DemoAgents, a workload of
// hand-written frameworks and a Marathon with its apps, all of which talk
// to the master only over the v1 scheduler API.
type Demo struct {
	*Local
	frameworks []*demoFramework
	marathon   *marathon.Marathon
	mname      string // the Marathon's framework name
	http       *http.Client
	cancel     context.CancelFunc
	wg         sync.WaitGroup
}

// StartDemo starts the cluster, its frameworks, and the Marathon, and
// deploys the Marathon's apps (demoApps). On an error everything started
// is stopped, and MarathonListener is closed.
func StartDemo(cfg DemoConfig) (*Demo, error) {
	mln := cfg.MarathonListener
	if mln == nil {
		var err error
		if mln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("cluster: demo: marathon listener: %w", err)
		}
	}
	d, err := startDemo(cfg, mln)
	if err != nil {
		mln.Close()
		return nil, err
	}
	return d, nil
}

func startDemo(cfg DemoConfig, mln net.Listener) (*Demo, error) {
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
	d := &Demo{Local: l, cancel: cancel, http: &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}}
	for i, spec := range demoWorkload() {
		f := &demoFramework{spec: spec, log: logger.With("framework", spec.name), rng: rand.New(rand.NewPCG(seed, uint64(i))), scale: scale,
			running: map[string]bool{}}
		c, err := schedclient.New(schedclient.Config{Master: l.URL(), Framework: spec.info(), AutoAck: true, DeduplicateUpdates: true, Logger: f.log})
		if err != nil {
			d.stopFrameworks()
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
	if err := d.startMarathon(cfg, mln, logger, seed, scale); err != nil {
		d.stopFrameworks()
		_ = l.Stop(context.Background(), true)
		return nil, err
	}
	return d, nil
}

// startMarathon starts the demo's Marathon on mln and deploys demoApps;
// on an error the Marathon is stopped (which closes mln once it serves).
func (d *Demo) startMarathon(cfg DemoConfig, mln net.Listener, logger *slog.Logger, seed uint64, scale float64) error {
	mcfg := cfg.Marathon
	mcfg.Master, mcfg.HTTPListener = d.URL(), mln
	if mcfg.FrameworkName == "" {
		mcfg.FrameworkName = marathon.DefaultFrameworkName
	}
	mcfg.Logger = logger.With("framework", mcfg.FrameworkName)
	if mcfg.Role == "" {
		mcfg.Role = DemoMarathonRole
	}
	if mcfg.Seed == 0 {
		mcfg.Seed = seed
	}
	m, err := marathon.New(mcfg)
	if err != nil {
		return fmt.Errorf("cluster: demo: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Start(ctx); err != nil {
		return fmt.Errorf("cluster: demo: %w", err)
	}
	d.marathon, d.mname = m, mcfg.FrameworkName
	for _, app := range demoApps(scale) {
		if _, err := m.Deploy(ctx, app); err != nil {
			_ = m.Stop(context.Background())
			return fmt.Errorf("cluster: demo: deploy %s: %w", app.ID, err)
		}
	}
	return nil
}

// stopFrameworks stops the hand-written frameworks and waits for them.
func (d *Demo) stopFrameworks() {
	d.cancel()
	d.wg.Wait()
	d.http.CloseIdleConnections()
}

// Stop stops the Marathon first (its framework and tasks stay with the
// master, as for a Marathon that fails over), then the hand-written
// frameworks (their tasks are killed when the master removes them), then
// the cluster, which kills every task left.
func (d *Demo) Stop(ctx context.Context) error {
	merr := d.marathon.Stop(ctx)
	d.stopFrameworks()
	return errors.Join(merr, d.Local.Stop(ctx, true))
}

// Marathon returns the demo's Marathon.
func (d *Demo) Marathon() *marathon.Marathon { return d.marathon }

// MarathonURL returns the base URL of the Marathon's REST API.
func (d *Demo) MarathonURL() string { return d.marathon.URL() }

// FrameworkStats is what one demo framework has seen.
type FrameworkStats struct {
	Name, Role                     string
	Launched, Running              int
	Finished, Failed, Killed, Lost int
	OffersReceived, OffersDeclined int
	Waiting                        bool
	Wants                          string
}

// Stats returns each hand-written framework's counts, in workload order
// (AppStats has the Marathon's apps).
func (d *Demo) Stats() []FrameworkStats {
	out := make([]FrameworkStats, 0, len(d.frameworks))
	for _, f := range d.frameworks {
		out = append(out, f.stats())
	}
	return out
}

// Frameworks lists the names of the demo's frameworks: the hand-written
// ones in workload order, then the Marathon's.
func (d *Demo) Frameworks() []string {
	var out []string
	for _, f := range d.frameworks {
		out = append(out, f.spec.name)
	}
	return slices.Clip(append(out, d.mname))
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
