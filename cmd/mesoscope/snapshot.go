package main

import (
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/inspector"
)

// newSnapshotCommand builds `mesoscope snapshot save|load`.
func newSnapshotCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Save a Mesos master's payloads to a bundle, or read one back",
	}
	cmd.AddCommand(newSnapshotSaveCommand(), newSnapshotLoadCommand())
	return cmd
}

func newSnapshotSaveCommand() *cobra.Command {
	var (
		f         inspectFlags
		out       string
		agents    bool
		maxAgents int
	)
	cmd := &cobra.Command{
		Use:   "save",
		Short: "Save the master's state, roles, metrics and actors to a tar.gz bundle",
		Args:  cobra.NoArgs,
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
			m, err := inspector.SaveBundle(ctx, c, file, inspector.BundleOptions{Agents: agents, MaxAgents: maxAgents})
			if cerr := file.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("snapshot save: %w", cerr)
			}
			if err != nil {
				os.Remove(out)
				return friendlyError(f.master, err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "wrote %s: %d entries from %s\n", out, len(m.Entries), m.Source)
			for _, miss := range m.Missing {
				fmt.Fprintf(w, "  missing %s: %s\n", miss.Path, miss.Error)
			}
			return nil
		},
	}
	registerConnFlags(cmd, &f)
	cmd.Flags().StringVarP(&out, "output", "o", "cluster.tar.gz", "bundle file to write")
	cmd.Flags().BoolVar(&agents, "agents", false, "also save every agent's /state")
	cmd.Flags().IntVar(&maxAgents, "max-agents", 0, "with --agents, save at most this many agents (0: all)")
	return cmd
}

// bundleClient opens a bundle file and returns a client that reads it instead
// of a live master.
func bundleClient(path string) (*inspector.Client, *inspector.Bundle, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("snapshot load: %w", err)
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
			fmt.Fprintf(w, "# bundle %s: %s at %s\n", args[0], b.Manifest.Source, inspector.FormatTime(b.Manifest.TakenAt))
			for _, miss := range b.Manifest.Missing {
				fmt.Fprintf(w, "# missing %s: %s\n", miss.Path, miss.Error)
			}
			fmt.Fprint(w, inspector.DescribeCluster(snap.Cluster))
			return nil
		},
	}
}
