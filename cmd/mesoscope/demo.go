package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/tracer"
	"github.com/mesoscope/mesoscope/tui"
)

// newDemoCommand is `mesoscope demo`: an in-process cluster with three
// agents of different shapes, the Marathon-like scheduler with its apps and
// a workload of frameworks on the v1 scheduler API, tracing on.
func newDemoCommand() *cobra.Command {
	var (
		ip           string
		port         int
		marathonPort int
		timeScale    float64
		workers      int
		workDir      string
		duration     time.Duration
		noTUI        bool
		verbose      bool
		mf           masterFlags
		traceFlags   tracer.Flags
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run an in-process Mesos cluster with a live workload (master, 3 agents, Marathon and 2 frameworks)",
		Long: `demo runs mesoscope's embedded Mesos on this machine and gives it work.

The cluster is 'mesoscope local' with three agents of different shapes (agent-1: 4 cpus in
rack r1; agent-2: 2 cpus in rack r2; agent-gpu: 4 cpus, 8 GiB and a GPU in rack r2) and role
weights web=2, batch=1. Three frameworks talk to the master over the v1 scheduler HTTP API
only, exactly as a framework written for Mesos would:

  marathon     role web    mesoscope's Marathon-like scheduler, in-process, serving
                           Marathon's REST API on --marathon_port (8080, else a free port)
  batch-etl    role batch  short tasks on whatever is left; every 5th fails
  gpu-trainer  role batch  one task with a GPU (only it gets the GPU agent)

The demo deploys three apps through the Marathon:

  /web-frontend  3 instances of 0.5 cpus, with a COMMAND health check
  /web-api       2 instances that crash a few seconds after they start: Marathon backs
                 off (/v2/queue's delay, /v2/apps' lastTaskFailure)
  /analytics     wants 16 GiB, which no agent has: Waiting forever, and /v2/queue shows
                 why (every offer declined for InsufficientMemory)

Tasks are real processes ('sleep', through the Mesos-style containerizer). Tracing is on:
spans stay in memory (/mesoscope/v1/spans) and, with --trace_exporter otlp or
OTEL_EXPORTER_OTLP_ENDPOINT, go to Jaeger or any OTLP collector.

On a terminal the demo then opens the TUI on the cluster and the Marathon (':' switches
views, ':why /analytics' explains the waiting app, '?' helps, ':q' quits); the cluster's log
goes to <work_dir>/demo.log meanwhile. --no-tui (or a stdout that is not a terminal) runs
headless and prints where to look. Quitting the TUI or Ctrl-C stops the demo: the Marathon
first, then the frameworks and the cluster (every task is killed), and a summary is printed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mcfg, err := mf.config()
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			if workDir == "" {
				if workDir, err = tempWorkDir("mesoscope-demo-"); err != nil {
					return fmt.Errorf("demo: --work_dir: %w", err)
				}
				defer os.RemoveAll(workDir)
			}
			if !(timeScale > 0) {
				return fmt.Errorf("demo: --time_scale=%v: must be positive", timeScale)
			}
			ln, err := listen(ip, port)
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			mln, err := listenMarathon(ip, marathonPort, cmd.Flags().Changed("marathon_port"))
			if err != nil {
				ln.Close()
				return fmt.Errorf("demo: %w", err)
			}
			// closeAll closes the listeners until StartDemo owns them.
			closeAll := func() {
				ln.Close()
				mln.Close()
			}
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelInfo
			}
			withTUI := !noTUI && isTerminal(os.Stdout) && isTerminal(os.Stdin)
			logOut := cmd.ErrOrStderr()
			if withTUI {
				// The TUI owns the terminal: the cluster logs to a file.
				if err := os.MkdirAll(workDir, 0o755); err != nil {
					closeAll()
					return fmt.Errorf("demo: --work_dir: %w", err)
				}
				lf, err := os.OpenFile(filepath.Join(workDir, "demo.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
				if err != nil {
					closeAll()
					return fmt.Errorf("demo: log file: %w", err)
				}
				defer lf.Close()
				logOut = lf
			}
			logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))
			mcfg.Logger = logger
			opts, err := traceFlags.Options(cmd.OutOrStdout())
			if err != nil {
				closeAll()
				return fmt.Errorf("demo: %w", err)
			}
			tr, err := tracer.New(append(opts, tracer.WithServiceName("mesoscope-master"), tracer.WithLogger(logger))...)
			if err != nil {
				closeAll()
				return fmt.Errorf("demo: tracer: %w", err)
			}
			// The Marathon is a framework in the same OS process; its calls are spans of
			// service mesoscope-marathon (a TracerProvider has one service), exported the
			// same way and also kept in the master's ring (/mesoscope/v1/spans).
			mtr, err := tracer.New(append(opts, tracer.WithServiceName("mesoscope-marathon"), tracer.WithLogger(logger),
				tracer.WithSpanExporter(tr.Memory()))...)
			if err != nil {
				closeAll()
				tr.Shutdown(context.Background())
				return fmt.Errorf("demo: tracer: %w", err)
			}
			shutdownTracers := func(ctx context.Context) error {
				return errors.Join(mtr.Shutdown(ctx), tr.Shutdown(ctx))
			}
			d, err := cluster.StartDemo(cluster.DemoConfig{
				Listener: ln, MarathonListener: mln, WorkDir: workDir, Workers: workers, Observer: tr, Logger: logger,
				Master: mcfg, TimeScale: timeScale,
				Marathon: marathon.Config{CallObserver: mtr.SchedulerCalls(marathon.DefaultFrameworkName),
					HTTPMiddleware: mtr.HTTPServer(marathon.DefaultFrameworkName)},
			})
			if err != nil {
				ln.Close()
				shutdownTracers(context.Background())
				return err
			}
			if err := tr.Attach(d.Runtime()); err != nil {
				return fmt.Errorf("demo: tracer: %w", err)
			}
			if err := mountTracer(d.Runtime(), tr, readonlyGuardFor(mcfg)); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			out := cmd.OutOrStdout()
			base, mbase := d.URL(), d.MarathonURL()
			printDemoIntro(out, base, mbase, workDir, len(d.Frameworks()), tr.ExportTarget())
			stop := func(ctx context.Context) error {
				stats := d.Stats()
				apps, appsErr := d.AppStats(ctx)
				err := d.Stop(ctx)
				if terr := shutdownTracers(ctx); err == nil {
					err = terr
				}
				printDemoStats(out, stats)
				if appsErr != nil {
					fmt.Fprintf(out, "marathon apps: %v\n", appsErr)
				} else {
					printDemoApps(out, apps)
				}
				st, ms := tr.Stats(), mtr.Stats()
				fmt.Fprintf(out, "spans: %d recorded, %d dropped, %d failed exports\n", st.Spans+ms.Spans, st.Dropped+ms.Dropped, st.ExportFailed+ms.ExportFailed)
				return err
			}
			if withTUI {
				ctx, cancel := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
				if duration > 0 {
					ctx, cancel = context.WithTimeout(ctx, duration)
				}
				tuiErr := tui.Run(ctx, tui.Config{Master: base, Marathon: mbase, Logger: logger})
				cancel()
				stopCtx, c := context.WithTimeout(context.Background(), 30*time.Second)
				defer c()
				if err := stop(stopCtx); err != nil {
					return fmt.Errorf("stop: %w", err)
				}
				if tuiErr != nil && !errors.Is(tuiErr, context.Canceled) && !errors.Is(tuiErr, context.DeadlineExceeded) {
					return fmt.Errorf("demo: tui: %w", tuiErr)
				}
				return nil
			}
			return waitAndStop(cmd.Context(), duration, stop)
		},
	}
	f := cmd.Flags()
	f.StringVar(&ip, "ip", "127.0.0.1", "IP address to listen on (loopback by default)")
	f.IntVar(&port, "port", 5050, "port to listen on (Mesos's master port); 0 picks a free one")
	f.IntVar(&marathonPort, "marathon_port", marathon.DefaultHTTPPort, "port of the Marathon's REST API on --ip (if the default is taken, a free one); 0 picks a free one")
	f.Float64Var(&timeScale, "time_scale", 1, "multiply the tasks' durations (tests run the demo faster)")
	_ = f.MarkHidden("time_scale")
	f.IntVar(&workers, "workers", 0, "worker goroutines of the runtime (0: LIBPROCESS_NUM_WORKER_THREADS, else the number of CPUs)")
	f.StringVar(&workDir, "work_dir", "", "directory for the agents' sandboxes (default: a temporary directory removed at exit)")
	f.DurationVar(&duration, "duration", 0, "stop after this long (0: run until Ctrl-C)")
	f.BoolVar(&noTUI, "no-tui", false, "run headless and print the URLs instead of opening the TUI")
	f.BoolVar(&verbose, "verbose", false, "log what the master and agents do (info level)")
	mf.register(f)
	traceFlags.Register(f)
	return cmd
}

// printDemoIntro prints where to look while the demo runs.
func printDemoIntro(out io.Writer, base, mbase, workDir string, frameworks int, exportTarget string) {
	fmt.Fprintf(out, "mesoscope demo: master at %s, 3 agents, %d frameworks; Marathon at %s (work_dir %s)\n\n", base, frameworks, mbase, workDir)
	for _, ep := range []string{
		"/master/state-summary               agents, frameworks and task counts (Mesos's JSON)",
		"/mesoscope/v1/allocator?format=text every allocation cycle: DRF order, shares, why not",
		"/__processes__                      every actor and its queue (libprocess's JSON)",
		"/mesoscope/v1/spans?limit=5         the tracer's recent spans",
		"/metrics/snapshot                   master/*, allocator/*, slave/* metrics",
	} {
		fmt.Fprintf(out, "  %s%s\n", base, ep)
	}
	for _, ep := range []string{
		"/v2/apps                         Marathon's apps: instances, health, lastTaskFailure",
		"/v2/queue?embed=lastUnusedOffers Marathon's launch queue: backoff and the offer funnel",
	} {
		fmt.Fprintf(out, "  %s%s\n", mbase, ep)
	}
	fmt.Fprintf(out, "\n  go run ./cmd/mesoscope inspect tasks --master %s\n", base)
	fmt.Fprintf(out, "  go run ./cmd/mesoscope inspect roles --master %s\n", base)
	fmt.Fprintf(out, "  go run ./cmd/mesoscope why %s --master %s --marathon %s\n", cluster.DemoAppWaiting, base, mbase)
	fmt.Fprintf(out, "  go run ./cmd/mesoscope tui --master %s --marathon %s\n", base, mbase)
	if exportTarget != "" {
		fmt.Fprintf(out, "\n  spans are also exported: %s\n", exportTarget)
		if ui := jaegerUI(exportTarget); ui != "" {
			fmt.Fprintf(out, "  if that is Jaeger: %s/search?service=mesoscope-marathon (and mesoscope-master)\n", ui)
		}
	}
	fmt.Fprintf(out, "\nCtrl-C stops it.\n")
}

// jaegerUI guesses the Jaeger UI from an OTLP export target on Jaeger's ports (4317
// gRPC, 4318 HTTP): the same host on 16686, the port Jaeger serves its UI and query
// API on. "" when the target is not OTLP on those ports.
func jaegerUI(target string) string {
	_, endpoint, ok := strings.Cut(strings.TrimPrefix(target, "OTLP "), " ")
	if !ok || !strings.HasPrefix(target, "OTLP ") {
		return ""
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Port() != "4317" && u.Port() != "4318") {
		return ""
	}
	return "http://" + net.JoinHostPort(u.Hostname(), "16686")
}

func printDemoStats(out io.Writer, stats []cluster.FrameworkStats) {
	t := table.NewWriter()
	t.SetOutputMirror(out)
	t.SetStyle(table.StyleLight)
	t.AppendHeader(table.Row{"framework", "role", "wants per task", "launched", "running", "finished", "failed", "killed", "offers declined", "status"})
	for _, s := range stats {
		status := "running tasks"
		switch {
		case s.Waiting && s.OffersReceived == 0:
			status = "Waiting: no offers"
		case s.Waiting:
			status = "Waiting: no offer was big enough"
		case s.Running == 0:
			status = "idle"
		}
		t.AppendRow(table.Row{s.Name, s.Role, s.Wants, s.Launched, s.Running, s.Finished, s.Failed, s.Killed, s.OffersDeclined, status})
	}
	t.Render()
}
