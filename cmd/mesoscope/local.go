package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/tracer"
)

// newLocalCommand is `mesoscope local`, mesos-local: a master and N
// agents in this process.
func newLocalCommand() *cobra.Command {
	var (
		ip         string
		port       int
		numAgents  int
		workDir    string
		resources  string
		attributes string
		workers    int
		duration   time.Duration
		mf         masterFlags
		traceFlags tracer.Flags
		processes  bool
		restart    bool
	)
	// The master's and the tracer's flags are kept in flag sets of their own so
	// that --processes can hand the ones the user set to the children.
	mset := pflag.NewFlagSet("master", pflag.ContinueOnError)
	mf.register(mset)
	tset := pflag.NewFlagSet("tracer", pflag.ContinueOnError)
	traceFlags.Register(tset)
	cmd := &cobra.Command{
		Use:   "local",
		Short: "Run a master and --num_agents agents in this process (like mesos-local)",
		Long: `local runs an in-process Mesos cluster, like mesos-local: one runtime serving on
--ip:--port with the master (process "master"), its DRF allocator and the agents
slave(1) ... slave(N). Frameworks subscribe at /api/v1/scheduler; operators use /api/v1,
/master/state and friends; each agent serves /slave(N)/state, /slave(N)/api/v1 and its
sandboxes under /files. Tasks run as real processes through the Mesos-style containerizer,
in sandboxes under --work_dir/agent-N.

On SIGINT or SIGTERM the agents kill their tasks (an in-process cluster's containers would
otherwise outlive it) and the cluster stops.

With --processes the master and each agent are separate OS processes instead ("mesoscope
master" and "mesoscope agent" children, exchanging libprocess messages over HTTP), the
master on --port with --work_dir/master and agent N on --port+N with --work_dir/agent-N,
each logging to --work_dir/<name>.log. Like a service manager, local restarts a child that
dies (--restart): kill -9 an agent and it recovers its running tasks from its checkpoints;
kill the master and it recovers its registry and the agents reregister.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if numAgents < 1 || numAgents > 1000 {
				return fmt.Errorf("local: --num_agents=%d: must be between 1 and 1000", numAgents)
			}
			mcfg, err := mf.config()
			if err != nil {
				return fmt.Errorf("local: %w", err)
			}
			if workDir == "" {
				if workDir, err = tempWorkDir("mesoscope-local-"); err != nil {
					return fmt.Errorf("local: --work_dir: %w", err)
				}
			}
			if processes {
				p, master, agents, err := newProcCluster(cmd.OutOrStdout(), workDir, ip, port, numAgents, workers, resources, attributes, mset, tset, restart)
				if err != nil {
					return err
				}
				ctx, cancel := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
				defer cancel()
				if duration > 0 {
					var c context.CancelFunc
					ctx, c = context.WithTimeout(ctx, duration)
					defer c()
				}
				return runProcesses(ctx, p, master, agents)
			}
			if cmd.Flags().Changed("restart") {
				return fmt.Errorf("local: --restart: only with --processes (in-process agents are not restarted)")
			}
			ln, err := listen(ip, port)
			if err != nil {
				return fmt.Errorf("local: %w", err)
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			mcfg.Logger = logger
			opts, err := traceFlags.Options(cmd.OutOrStdout())
			if err != nil {
				ln.Close()
				return fmt.Errorf("local: %w", err)
			}
			tr, err := tracer.New(append(opts, tracer.WithServiceName("mesoscope-master"), tracer.WithLogger(logger))...)
			if err != nil {
				ln.Close()
				return fmt.Errorf("local: tracer: %w", err)
			}
			l, err := cluster.StartLocal(cluster.LocalConfig{
				Listener: ln, WorkDir: workDir, NumAgents: numAgents, Workers: workers,
				DefaultAgent: cluster.AgentSpec{Resources: resources, Attributes: attributes},
				Master:       mcfg, Observer: tr, Logger: logger,
			})
			if err != nil {
				ln.Close()
				tr.Shutdown(context.Background())
				return err
			}
			if err := tr.Attach(l.Runtime()); err != nil {
				return fmt.Errorf("local: tracer: %w", err)
			}
			if err := mountTracer(l.Runtime(), tr, readonlyGuardFor(mcfg)); err != nil {
				return fmt.Errorf("local: %w", err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "mesoscope local cluster: master at %s with %d agents (work_dir %s)\n\n", l.URL(), numAgents, workDir)
			printClusterURLs(out, l.URL())
			return waitAndStop(cmd.Context(), duration, func(ctx context.Context) error {
				err := l.Stop(ctx, true)
				if terr := tr.Shutdown(ctx); err == nil {
					err = terr
				}
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&ip, "ip", "127.0.0.1", "IP address to listen on (loopback by default)")
	f.IntVar(&port, "port", 5050, "port to listen on (Mesos's master port); 0 picks a free one")
	f.IntVar(&numAgents, "num_agents", 1, "number of agents")
	f.StringVar(&workDir, "work_dir", "", "directory for the agents' sandboxes and checkpoints (default: a new temporary directory)")
	f.StringVar(&resources, "resources", "", "each agent's resources, e.g. 'cpus:2;mem:1024;ports:[31000-32000]' (unset ones are detected)")
	f.StringVar(&attributes, "attributes", "", "each agent's attributes, e.g. 'rack:r1;zone:a'")
	f.IntVar(&workers, "workers", 0, "worker goroutines of the runtime (0: LIBPROCESS_NUM_WORKER_THREADS, else the number of CPUs)")
	f.DurationVar(&duration, "duration", 0, "stop after this long (0: run until Ctrl-C)")
	f.BoolVar(&processes, "processes", false, "run the master and each agent as separate OS processes (children of this one)")
	f.BoolVar(&restart, "restart", true, "with --processes: start a child that dies again, on its port and work_dir")
	f.AddFlagSet(mset)
	f.AddFlagSet(tset)
	return cmd
}

func printClusterURLs(out interface{ Write([]byte) (int, error) }, base string) {
	for _, ep := range []string{"/master/state", "/master/state-summary", "/api/v1 (POST {\"type\":\"GET_STATE\"})", "/api/v1/scheduler (frameworks)", "/mesoscope/v1/allocator?format=text&limit=1", "/metrics/snapshot"} {
		fmt.Fprintf(out, "  %s%s\n", base, ep)
	}
	fmt.Fprintf(out, "\n  go run ./cmd/mesoscope inspect agents --master %s\n", base)
	fmt.Fprintf(out, "  go run ./cmd/mesoscope inspect tasks --master %s\n\nCtrl-C stops it.\n", base)
}

// waitAndStop blocks until SIGINT/SIGTERM (or duration) and then stops
// with a bounded grace.
func waitAndStop(parent context.Context, duration time.Duration, stop func(context.Context) error) error {
	return waitAndStopUnless(parent, duration, nil, stop)
}

// waitAndStopUnless is waitAndStop that also stops when done is closed (the
// component ended on its own, e.g. an agent whose recovery failed).
func waitAndStopUnless(parent context.Context, duration time.Duration, done <-chan struct{}, stop func(context.Context) error) error {
	ctx, cancel := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer cancel()
	if duration > 0 {
		var c context.CancelFunc
		ctx, c = context.WithTimeout(ctx, duration)
		defer c()
	}
	select {
	case <-ctx.Done():
	case <-done:
	}
	stopCtx, c := context.WithTimeout(context.Background(), 30*time.Second)
	defer c()
	if err := stop(stopCtx); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	return nil
}

// tempWorkDir creates a fresh work_dir under the system's temporary
// directory. It is 0755 like a mesos-agent's work_dir, not MkdirTemp's
// 0700: a task run as another user (CommandInfo.user, when the agent is
// root) must be able to reach its sandbox below it.
func tempWorkDir(prefix string) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}
