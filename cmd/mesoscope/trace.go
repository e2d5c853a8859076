package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
	"github.com/mesoscope/mesoscope/tracer"
)

// newTraceCommand is `mesoscope trace --master URL`: traces a Mesos master that does
// not trace itself from its operator event stream (tracer.FollowMaster).
func newTraceCommand() *cobra.Command {
	var (
		master     string
		duration   time.Duration
		traceFlags tracer.Flags
	)
	cmd := &cobra.Command{
		Use:   "trace",
		Short: "Trace any Mesos master's tasks from its operator event stream, into OpenTelemetry",
		Long: `trace subscribes to a Mesos master's v1 operator API (POST /api/v1 SUBSCRIBE) and exports
a span per task, from TASK_ADDED to its terminal TASK_UPDATED with every status update as an
event, and a short span per agent and framework event, through the configured exporter
(--trace_exporter, --otlp_endpoint or the OTEL_* variables). It works with real Mesos masters,
which do not trace themselves, and reconnects with backoff when the stream breaks, without
duplicating spans.`,
		Example: `  mesoscope trace --master http://127.0.0.1:5050 --trace_exporter otlp --otlp_endpoint http://127.0.0.1:4317`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			opts, err := traceFlags.Options(cmd.OutOrStdout())
			if err != nil {
				return fmt.Errorf("trace: %w", err)
			}
			tr, err := tracer.New(append(opts, tracer.WithServiceName("mesoscope-trace"), tracer.WithLogger(logger),
				tracer.WithResourceAttributes(map[string]string{"mesos.master.url": master}))...)
			if err != nil {
				return fmt.Errorf("trace: %w", err)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			if duration > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, duration)
				defer cancel()
			}
			p := &progress{w: cmd.ErrOrStderr()}
			ferr := tr.FollowMaster(ctx, tracer.FollowConfig{Master: master, Logger: logger, OnEvent: p.event})
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			serr := tr.Shutdown(shutdownCtx)
			if ferr != nil {
				return fmt.Errorf("trace: %w", ferr)
			}
			if serr != nil {
				return fmt.Errorf("trace: %w", serr)
			}
			st := tr.Stats()
			fmt.Fprintf(cmd.ErrOrStderr(), "mesoscope trace: %d spans exported (%d failed)\n", st.Spans, st.ExportFailed)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&master, "master", "http://127.0.0.1:5050", "URL (or HOST:PORT) of the Mesos master to follow")
	f.DurationVar(&duration, "duration", 0, "stop after this long (0: run until Ctrl-C)")
	traceFlags.Register(f)
	return cmd
}

// progress reports each subscription on the command's error stream.
type progress struct {
	mu sync.Mutex
	w  io.Writer
}

func (p *progress) event(e *operator.Event) {
	if e.Type != operator.EventSubscribed || e.Subscribed == nil {
		return
	}
	agents, frameworks, tasks := 0, 0, 0
	if st := e.Subscribed.GetState; st != nil {
		if a := st.GetAgents; a != nil {
			agents = len(a.Agents)
		}
		if fw := st.GetFrameworks; fw != nil {
			frameworks = len(fw.Frameworks)
		}
		if t := st.GetTasks; t != nil {
			tasks = len(t.PendingTasks) + len(t.Tasks) + len(t.UnreachableTasks)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "mesoscope trace: subscribed: %d agents, %d frameworks, %d live tasks\n", agents, frameworks, tasks)
}
