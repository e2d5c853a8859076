package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/tracer"
)

// newDemoCommand is `mesoscope demo`. Until the master/agent issue lands the full
// in-process cluster, it runs the runtime demo: the libprocess-style runtime with a
// master health-checking agents over Mesos's ping/pong protocol.
func newDemoCommand() *cobra.Command {
	var (
		ip          string
		port        int
		workers     int
		agents      int
		pingTimeout string
		maxTimeouts int
		killAfter   string
		duration    time.Duration
		noTUI       bool
		traceFlags  tracer.Flags
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the embedded demo (today: the actor runtime, agent health checks and the DRF allocator)",
		Long: `demo runs mesoscope's embedded demo on this machine.

Today it is the runtime demo: one libprocess-style runtime serving on --ip:--port, with a
"master" process that health-checks --agents "slave(N)" processes through one
"slave-observer(N)" each, exchanging mesos.internal.PingSlaveMessage and PongSlaveMessage
exactly as Mesos's SlaveObserver does, and the DRF hierarchical allocator offering the
agents' resources to a workload of frameworks in two weighted roles (web=2, batch=1) that
launch short tasks and decline the rest. After --kill_agent_after one agent is terminated
and, --max_agent_ping_timeouts missed pings later, marked unreachable and removed from the
allocator. Watch it through:

  /__processes__                       every process and its pending events (libprocess's JSON)
  /mesoscope/v1/processes              queue depths, oldest event age, events handled
  /mesoscope/v1/allocator?format=text  every allocation cycle: DRF order, shares, and why
                                       each framework did or did not get each agent
  /mesoscope/v1/spans                  the tracer's recent spans (one per dispatch, sampled)
  /metrics/snapshot                    allocator/mesos/..., master/slaves_active, ...
  /help                                every endpoint

The full cluster (master, DRF allocator, agents running tasks, the TUI) replaces it as
those parts land; --no-tui is accepted and is the only mode until the TUI exists.

Tracing is on: spans stay in memory (/mesoscope/v1/spans) and, with --trace_exporter otlp
or OTEL_EXPORTER_OTLP_ENDPOINT, go to Jaeger or any OTLP collector.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ping, err := process.ParseDuration(pingTimeout)
			if err != nil || ping <= 0 {
				return fmt.Errorf("demo: --agent_ping_timeout=%q: want a positive duration such as 2secs", pingTimeout)
			}
			kill, err := process.ParseDuration(killAfter)
			if err != nil {
				return fmt.Errorf("demo: --kill_agent_after=%q: want a duration such as 10secs, or 0 to keep every agent", killAfter)
			}
			if maxTimeouts < 1 {
				return fmt.Errorf("demo: --max_agent_ping_timeouts=%d: must be at least 1", maxTimeouts)
			}
			if agents < 1 || agents > 10000 {
				return fmt.Errorf("demo: --agents=%d: must be between 1 and 10000", agents)
			}
			if port < 0 || port > 65535 {
				return fmt.Errorf("demo: --port=%d: must be between 0 and 65535", port)
			}
			addr := net.JoinHostPort(ip, strconv.Itoa(port))
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("demo: listen on --ip=%s --port=%d: %w", ip, port, err)
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			opts, err := traceFlags.Options(cmd.OutOrStdout())
			if err != nil {
				ln.Close()
				return fmt.Errorf("demo: %w", err)
			}
			tr, err := tracer.New(append(opts, tracer.WithServiceName("mesoscope-master"), tracer.WithLogger(logger))...)
			if err != nil {
				ln.Close()
				return fmt.Errorf("demo: tracer: %w", err)
			}
			d, err := cluster.StartRuntimeDemo(cluster.RuntimeDemoConfig{
				Listener: ln, Workers: workers, Agents: agents,
				PingTimeout: ping, MaxPingTimeouts: maxTimeouts, KillAgentAfter: kill,
				Logger: logger, Observer: tr,
			})
			if err != nil {
				ln.Close()
				tr.Shutdown(context.Background())
				return err
			}
			if err := tr.Attach(d.Runtime()); err != nil {
				return fmt.Errorf("demo: tracer: %w", err)
			}
			d.Runtime().Handle("/mesoscope/v1/spans", tr.Memory())
			base := "http://" + ln.Addr().String()
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "mesoscope runtime demo on %s (%d workers, %d agents)\n\n", base, d.Runtime().Workers(), agents)
			for _, ep := range []string{"/__processes__", "/mesoscope/v1/processes", "/mesoscope/v1/allocator?format=text&limit=1", "/mesoscope/v1/spans?limit=5", "/metrics/snapshot", "/help"} {
				fmt.Fprintf(out, "  curl -s '%s%s'\n", base, ep)
			}
			fmt.Fprintf(out, "\n  go run ./cmd/mesoscope inspect actors --master %s\n", base)
			fmt.Fprintf(out, "  go run ./cmd/mesoscope inspect metrics --prefix allocator/ --master %s\n", base)
			fmt.Fprintf(out, "\nCtrl-C stops it.\n")

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if duration > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, duration)
				defer cancel()
			}
			<-ctx.Done()
			stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := d.Stop(stopCtx); err != nil {
				return fmt.Errorf("demo: stop: %w", err)
			}
			if err := tr.Shutdown(stopCtx); err != nil {
				return fmt.Errorf("demo: tracer shutdown: %w", err)
			}
			st := tr.Stats()
			fmt.Fprintf(out, "spans: %d recorded, %d dropped, %d failed exports\n", st.Spans, st.Dropped, st.ExportFailed)
			fmt.Fprintf(out, "stopped; agents marked unreachable: %v\n", d.Unreachable())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&ip, "ip", "127.0.0.1", "IP address to listen on (loopback by default)")
	f.IntVar(&port, "port", 5050, "port to listen on (Mesos's master port); 0 picks a free one")
	f.IntVar(&workers, "workers", 0, "worker goroutines of the runtime (0: LIBPROCESS_NUM_WORKER_THREADS, else the number of CPUs)")
	f.IntVar(&agents, "agents", 3, "number of agents the master health-checks")
	f.StringVar(&pingTimeout, "agent_ping_timeout", "2secs", "the master's --agent_ping_timeout (Mesos's default is 15secs; the demo is faster)")
	f.IntVar(&maxTimeouts, "max_agent_ping_timeouts", 5, "missed pings before an agent is marked unreachable")
	f.StringVar(&killAfter, "kill_agent_after", "10secs", "terminate the last agent after this long (0 keeps them all)")
	f.DurationVar(&duration, "duration", 0, "stop after this long (0: run until Ctrl-C)")
	f.BoolVar(&noTUI, "no-tui", false, "run headless and print the URLs (the only mode until the TUI lands)")
	traceFlags.Register(f)
	return cmd
}
