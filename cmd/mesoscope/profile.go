package main

import (
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/inspector"
)

// registerConnFlags registers inspect's connection flags (not its output
// flags) on cmd, filling f.
func registerConnFlags(cmd *cobra.Command, f *inspectFlags) {
	defMaster := os.Getenv("MESOS_MASTER")
	if defMaster == "" {
		defMaster = inspector.DefaultMaster
	}
	fl := cmd.Flags()
	fl.StringVar(&f.master, "master", defMaster, "any Mesos master's URL; the leader is followed (default from $MESOS_MASTER)")
	fl.StringVar(&f.principal, "principal", "", "principal for HTTP basic authentication")
	fl.StringVar(&f.secret, "secret", "", "secret for HTTP basic authentication")
	fl.StringVar(&f.credentials, "credentials", "", "Mesos credentials file (JSON or \"principal secret\" lines) instead of --principal/--secret")
	fl.StringVar(&f.caFile, "ca-file", "", "PEM CA bundle to verify the master's TLS certificate")
	fl.BoolVar(&f.insecure, "insecure", false, "skip TLS certificate verification")
	fl.DurationVar(&f.timeout, "timeout", inspector.DefaultTimeout, "timeout of each request")
}

// newProfileCommand builds `mesoscope profile actors`.
func newProfileCommand() *cobra.Command { return newProfileCommandWith(&inspectFlags{}) }

// newProfileCommandWith builds `mesoscope profile`; actors fills f.
func newProfileCommandWith(f *inspectFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Record pprof profiles of a Mesos master",
	}
	cmd.AddCommand(newProfileActorsCommand(f))
	return cmd
}

func newProfileActorsCommand(f *inspectFlags) *cobra.Command {
	var (
		duration time.Duration
		interval time.Duration
		out      string
	)
	cmd := &cobra.Command{
		Use:   "actors",
		Short: "Sample libprocess actor queues into a pprof profile",
		Long: `actors polls /__processes__ (and mesoscope's /mesoscope/v1/processes when served)
every --interval for --duration and writes a gzipped pprof profile whose stacks are
process → event type → message name. Sample types: queued_events/count, and on
mesoscope handled_events/count and busy/nanoseconds. Read it with
  go tool pprof -top actors.pb.gz
With --bundle it takes the one sample the bundle holds (--duration and --interval
do not apply), so the profile shows the queues at capture time.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("profile actors: -o FILE is required")
			}
			c, err := f.client()
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			opt := inspector.ProfileOptions{Duration: duration, Interval: interval}
			if f.bundle != "" {
				opt.Samples = 1
			}
			p, err := inspector.ProfileActors(ctx, c, opt)
			if err != nil {
				return f.friendly(err)
			}
			file, err := os.Create(out)
			if err != nil {
				return fmt.Errorf("profile actors: %w", err)
			}
			if err := inspector.WriteProfile(file, p); err != nil {
				file.Close()
				return err
			}
			if err := file.Close(); err != nil {
				return fmt.Errorf("profile actors: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d stacks over %s\n", out, len(p.Sample), time.Duration(p.DurationNanos).Round(time.Millisecond))
			return nil
		},
	}
	registerConnFlags(cmd, f)
	cmd.Flags().StringVar(&f.bundle, "bundle", "", "profile the bundle `FILE` (from mesoscope snapshot save; one sample) instead of a live master")
	cmd.Flags().DurationVar(&duration, "duration", inspector.DefaultProfileDuration, "how long to sample")
	cmd.Flags().DurationVar(&interval, "interval", inspector.DefaultProfileInterval, "time between samples")
	cmd.Flags().StringVarP(&out, "output", "o", "actors.pb.gz", "file to write the gzipped profile to")
	return cmd
}
