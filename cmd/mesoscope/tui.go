package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/tui"
)

// newTUICommand builds `mesoscope tui`: the terminal UI attached to any master.
func newTUICommand() *cobra.Command {
	var (
		f         inspectFlags
		readWrite bool
		refresh   time.Duration
		view      string
		noColor   bool
		mouse     bool
		agents    bool
		logFile   string
	)
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "Attach the terminal UI to a Mesos master (read-only unless --readwrite)",
		Long: `tui shows a Mesos master the way k9s shows Kubernetes: Pulse (gauges and
sparklines), Actors (libprocess queues), DRF (the role tree, shares and the last
allocation cycles), Agents, Containers, Frameworks, Tasks, Offers, Events (the
operator SUBSCRIBE stream), Traces (mesoscope's spans as waterfalls) and Why (the
explainer for a framework, role or app).

It works against any Mesos master (0.28–1.11) and against mesoscope's own, whose
extras (exact allocation decisions, dispatch rates, container state timelines,
spans) it uses when served. It connects in the background, shows the connection in
the header, and reconnects with backoff; a key never waits for the network.

Keys: ':' switches view (:tasks, :ct, :drf, :why NAME …), '/' filters (regex, '!'
inverts), Enter drills in, Esc goes back, '?' shows the view's keys, 'y' copies the
row as JSON, Shift+letter or '<' '>' sort, ':q' or Ctrl-C quits.
Colours follow the terminal's palette; NO_COLOR or --no-color turns them off.`,
		Example: `  mesoscope tui --master http://127.0.0.1:5050
  mesoscope tui --master https://mesos.example.com:5050 --credentials creds.json --view drf
  mesoscope tui --bundle cluster.tar.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.client()
			if err != nil {
				return err
			}
			logger := slog.New(slog.DiscardHandler)
			if logFile != "" {
				file, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
				if err != nil {
					return fmt.Errorf("tui: --log-file: %w", err)
				}
				defer file.Close()
				logger = slog.New(slog.NewTextHandler(file, &slog.HandlerOptions{Level: slog.LevelDebug}))
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			source := ""
			if f.bundle != "" {
				source = "bundle " + f.bundle + ", taken " + f.bundleTaken.UTC().Format(time.RFC3339)
			}
			return tui.Run(ctx, tui.Config{
				Client: c, ReadWrite: readWrite, Refresh: refresh, View: view, Marathon: f.marathon,
				NoColor: noColor, Mouse: mouse, Agents: agents, Logger: logger, Source: source,
			})
		},
	}
	registerConnFlags(cmd, &f)
	fl := cmd.Flags()
	fl.StringVar(&f.bundle, "bundle", "", "show the bundle `FILE` (saved by mesoscope snapshot save) instead of a live master")
	fl.StringVar(&f.marathon, "marathon", os.Getenv("MARATHON_URL"), "Marathon URL, for apps in the Why view (default from $MARATHON_URL)")
	fl.BoolVar(&readWrite, "readwrite", false, "allow TEARDOWN, MARK_AGENT_GONE and UPDATE_WEIGHTS (each asks first)")
	fl.DurationVar(&refresh, "refresh", tui.DefaultRefresh, "how often to read the master")
	fl.StringVar(&view, "view", "pulse", "first view: pulse, actors, drf, agents, containers, frameworks, tasks, offers, events, traces")
	fl.BoolVar(&noColor, "no-color", false, "draw without colour (as NO_COLOR does)")
	fl.BoolVar(&mouse, "mouse", false, "enable the mouse (click selects, double click opens, wheel scrolls)")
	fl.BoolVar(&agents, "agents", false, "read every agent's /state and /containers on every refresh, not only in the Containers view")
	fl.StringVar(&logFile, "log-file", "", "write debug logs to this file (the terminal belongs to the TUI)")
	return cmd
}
