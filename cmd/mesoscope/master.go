package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/tracer"
)

// newMasterCommand is `mesoscope master`, mesos-master: the master as its
// own OS process; agents (`mesoscope agent`) reach it over libprocess
// messages on HTTP.
func newMasterCommand() *cobra.Command {
	var (
		ip, workDir string
		port        int
		workers     int
		duration    time.Duration
		mf          masterFlags
		traceFlags  tracer.Flags
	)
	cmd := &cobra.Command{
		Use:   "master",
		Short: "Run a Mesos master (the v1 scheduler and operator APIs, v0 endpoints) in this process",
		Long: `master runs mesoscope's Mesos master on --ip:--port: frameworks subscribe at
/api/v1/scheduler, operators use /api/v1 and the v0 endpoints (/master/state, /master/roles,
...), agents started with 'mesoscope agent --master HOST:PORT' register over libprocess
messages. With --work_dir the registry of agents is kept in <work_dir>/registry.log, so a
restarted master lists the agents it knew as recovered and marks those that do not
reregister within --agent_reregister_timeout unreachable; without it the registry is in
memory (--registry=in_memory).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mcfg, err := mf.config()
			if err != nil {
				return fmt.Errorf("master: %w", err)
			}
			mcfg.WorkDir = workDir
			ln, err := listen(ip, port)
			if err != nil {
				return fmt.Errorf("master: %w", err)
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			mcfg.Logger = logger
			opts, err := traceFlags.Options(cmd.OutOrStdout())
			if err != nil {
				ln.Close()
				return fmt.Errorf("master: %w", err)
			}
			tr, err := tracer.New(append(opts, tracer.WithServiceName("mesoscope-master"), tracer.WithLogger(logger))...)
			if err != nil {
				ln.Close()
				return fmt.Errorf("master: tracer: %w", err)
			}
			rt, err := process.New(process.Config{Listener: ln, Workers: workers, Delegate: master.ID, Observer: tr, Logger: logger, StampQueues: true})
			if err != nil {
				ln.Close()
				return fmt.Errorf("master: %w", err)
			}
			if _, err := master.New(rt, mcfg); err != nil {
				rt.Stop(context.Background())
				return err
			}
			if err := tr.Attach(rt); err != nil {
				return fmt.Errorf("master: tracer: %w", err)
			}
			if err := mountTracer(rt, tr, readonlyGuardFor(mcfg)); err != nil {
				return fmt.Errorf("master: %w", err)
			}
			base := "http://" + ln.Addr().String()
			fmt.Fprintf(cmd.OutOrStdout(), "mesoscope master at %s\n\n", base)
			printClusterURLs(cmd.OutOrStdout(), base)
			return waitAndStop(cmd.Context(), duration, func(ctx context.Context) error {
				err := rt.Stop(ctx)
				if terr := tr.Shutdown(ctx); err == nil {
					err = terr
				}
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&ip, "ip", "127.0.0.1", "IP address to listen on (loopback by default)")
	f.IntVar(&port, "port", 5050, "port to listen on")
	f.StringVar(&workDir, "work_dir", "", "directory for the registry of agents (default: keep it in memory)")
	f.IntVar(&workers, "workers", 0, "worker goroutines of the runtime (0: LIBPROCESS_NUM_WORKER_THREADS, else the number of CPUs)")
	f.DurationVar(&duration, "duration", 0, "stop after this long (0: run until Ctrl-C)")
	mf.register(f)
	traceFlags.Register(f)
	return cmd
}
