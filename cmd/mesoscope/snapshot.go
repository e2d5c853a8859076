package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/inspector"
)

// newSnapshotCommand builds `mesoscope snapshot save|load`.
func newSnapshotCommand() *cobra.Command { return newSnapshotCommandWith(&inspectFlags{}) }

// newSnapshotCommandWith builds `mesoscope snapshot`; save fills f.
func newSnapshotCommandWith(f *inspectFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Save a Mesos master's payloads to a bundle, or read one back",
		Long: `A bundle is one tar.gz of a cluster's raw payloads: the master's state, roles,
metrics, actors, version and flags; every agent's state, containers and statistics;
on mesoscope the allocator's decisions and recent spans; with --marathon Marathon's
apps and launch queue. Every command that reads a master reads a bundle instead with
--bundle FILE: inspect, why, profile actors and tui.`,
	}
	cmd.AddCommand(newSnapshotSaveCommand(f), newSnapshotLoadCommand())
	return cmd
}

func newSnapshotSaveCommand(f *inspectFlags) *cobra.Command {
	var (
		out       string
		agents    bool
		maxAgents int
	)
	cmd := &cobra.Command{
		Use:   "save",
		Short: "Save the master's (and agents', and Marathon's) payloads to a tar.gz bundle",
		Example: `  mesoscope snapshot save --master http://mesos.example.com:5050 -o cluster.tar.gz
  mesoscope snapshot save --marathon http://marathon.example.com:8080 --max-agents 50
  mesoscope inspect containers --bundle cluster.tar.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.client()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			file, err := os.Create(out)
			if err != nil {
				return fmt.Errorf("snapshot save: %w", err)
			}
			m, err := inspector.SaveBundle(ctx, c, file, inspector.BundleOptions{Agents: agents, MaxAgents: maxAgents, Marathon: f.marathon})
			if cerr := file.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("snapshot save: %w", cerr)
			}
			if err != nil {
				os.Remove(out)
				return f.friendly(err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "wrote %s: %d entries from %s\n", out, len(m.Entries), m.Source)
			for _, miss := range m.Missing {
				fmt.Fprintf(w, "  missing %s: %s\n", miss.Path, miss.Error)
			}
			return nil
		},
	}
	registerConnFlags(cmd, f)
	fl := cmd.Flags()
	fl.StringVarP(&out, "output", "o", "cluster.tar.gz", "bundle file to write")
	fl.BoolVar(&agents, "agents", true, "also save every reachable agent's /state, /containers and /monitor/statistics (--agents=false to skip)")
	fl.IntVar(&maxAgents, "max-agents", 0, "save at most this many agents (0: all)")
	fl.StringVar(&f.marathon, "marathon", os.Getenv("MARATHON_URL"), "also save this Marathon's /v2/info, /v2/apps and /v2/queue, so why /app --bundle works (default from $MARATHON_URL)")
	return cmd
}

// bundleClient opens a bundle file and returns a client that reads it instead
// of a live master.
func bundleClient(path string) (*inspector.Client, *inspector.Bundle, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open bundle: %w", err)
	}
	defer file.Close()
	b, err := inspector.LoadBundle(file, inspector.BundleLimits{})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	c, err := b.Client(inspector.Config{})
	if err != nil {
		return nil, nil, err
	}
	return c, b, nil
}

func newSnapshotLoadCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "load FILE",
		Short: "Print the cluster summary of a saved bundle",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, b, err := bundleClient(args[0])
			if err != nil {
				return err
			}
			snap, err := c.Snapshot(cmd.Context(), inspector.SnapshotOptions{})
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "# bundle %s (format %d): %s at %s, %d entries\n", args[0], b.Manifest.FormatVersion, b.Manifest.Source,
				inspector.FormatTime(b.Manifest.TakenAt), len(b.Manifest.Entries))
			if b.Manifest.Marathon != "" {
				fmt.Fprintf(w, "# marathon %s\n", b.Manifest.Marathon)
			}
			for _, miss := range b.Manifest.Missing {
				fmt.Fprintf(w, "# missing %s: %s\n", miss.Path, miss.Error)
			}
			fmt.Fprintln(w, strings.TrimRight(inspector.DescribeCluster(snap.Cluster), "\n"))
			return nil
		},
	}
}
