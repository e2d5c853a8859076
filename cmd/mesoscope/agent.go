package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/httpauth"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/tracer"
)

// newAgentCommand is `mesoscope agent`, mesos-agent: one agent as its own
// OS process, registering with --master over libprocess messages.
func newAgentCommand() *cobra.Command {
	var (
		masterAddr, ip, workDir, resources, attributes, hostname, backoff string
		port, workers                                                     int
		authReadonly, authReadwrite, strict, supervise                    bool
		recoverMode                                                       string
		httpCredentials                                                   string
		duration                                                          time.Duration
		traceFlags                                                        tracer.Flags
	)
	cmd := &cobra.Command{
		Use:   "agent",
		Short: "Run a Mesos agent that registers with --master and runs tasks as real processes",
		Long: `agent runs mesoscope's Mesos agent (process "slave(1)") on --ip:--port. It registers
with the master at --master=HOST:PORT (randomized exponential backoff from
--registration_backoff_factor), runs tasks through the Mesos-style containerizer in sandboxes
under --work_dir, and serves /state, /api/v1, /monitor/statistics, /containers and
/files/browse|read. On SIGINT or SIGTERM it kills its tasks and stops.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			mpid, err := masterPID(masterAddr)
			if err != nil {
				return fmt.Errorf("agent: %w", err)
			}
			if workDir == "" {
				return fmt.Errorf("agent: --work_dir is required (where sandboxes and checkpoints live)")
			}
			factor, err := positiveDuration("registration_backoff_factor", backoff)
			if err != nil {
				return fmt.Errorf("agent: %w", err)
			}
			creds, err := readCredentials("http_credentials", httpCredentials)
			if err != nil {
				return fmt.Errorf("agent: %w", err)
			}
			if recoverMode != agent.RecoverReconnect && recoverMode != agent.RecoverCleanup {
				return fmt.Errorf("agent: --recover=%q: must be %q or %q", recoverMode, agent.RecoverReconnect, agent.RecoverCleanup)
			}
			if (authReadonly || authReadwrite) && len(creds) == 0 {
				return fmt.Errorf("agent: --authenticate_http_*: no credentials to check against; give --http_credentials")
			}
			ln, err := listen(ip, port)
			if err != nil {
				return fmt.Errorf("agent: %w", err)
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			opts, err := traceFlags.Options(cmd.OutOrStdout())
			if err != nil {
				ln.Close()
				return fmt.Errorf("agent: %w", err)
			}
			tr, err := tracer.New(append(opts, tracer.WithServiceName("mesoscope-agent"), tracer.WithLogger(logger))...)
			if err != nil {
				ln.Close()
				return fmt.Errorf("agent: tracer: %w", err)
			}
			rt, err := process.New(process.Config{Listener: ln, Workers: workers, Delegate: "slave(1)", Observer: tr, Logger: logger, StampQueues: true})
			if err != nil {
				ln.Close()
				return fmt.Errorf("agent: %w", err)
			}
			a, err := agent.New(rt, agent.Config{
				Master: mpid, WorkDir: workDir, Resources: resources, Attributes: attributes, Hostname: hostname,
				RegistrationBackoffFactor: factor, Logger: logger,
				AuthenticateHTTPReadonly: authReadonly, AuthenticateHTTPReadwrite: authReadwrite, HTTPCredentials: creds,
				Recover: recoverMode, Strict: &strict,
				Containerizer: containerizer.Config{Launcher: launcherFor(supervise)},
			})
			if err != nil {
				rt.Stop(context.Background())
				return fmt.Errorf("agent: %w", err)
			}
			if err := tr.Attach(rt); err != nil {
				return fmt.Errorf("agent: tracer: %w", err)
			}
			guard := func(h http.Handler) http.Handler {
				if authReadonly {
					return httpauth.Handler(h, agent.RealmReadonly, creds)
				}
				return h
			}
			if err := mountTracer(rt, tr, guard); err != nil {
				return fmt.Errorf("agent: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "mesoscope agent at http://%s registering with %s (work_dir %s)\n", ln.Addr(), mpid, workDir)
			// The agent also ends on its own: after a --recover=cleanup run (exit 0),
			// when the master shuts it down, and when its recovery fails, which makes
			// a mesos-agent exit with EXIT_FAILURE (Slave::__recover).
			err = waitAndStopUnless(cmd.Context(), duration, a.Done(), func(ctx context.Context) error {
				err := a.Stop(ctx, true)
				if serr := rt.Stop(ctx); err == nil {
					err = serr
				}
				if terr := tr.Shutdown(ctx); err == nil {
					err = terr
				}
				return err
			})
			if aerr := a.Err(); aerr != nil {
				return fmt.Errorf("agent: %w", aerr)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&masterAddr, "master", "127.0.0.1:5050", "the master, HOST:PORT")
	f.StringVar(&ip, "ip", "127.0.0.1", "IP address to listen on (loopback by default)")
	f.IntVar(&port, "port", 5051, "port to listen on (Mesos's agent port)")
	f.StringVar(&workDir, "work_dir", "", "directory for sandboxes and checkpoints (required)")
	f.StringVar(&resources, "resources", "", "resources, e.g. 'cpus:2;mem:1024;ports:[31000-32000]' (unset ones are detected)")
	f.StringVar(&attributes, "attributes", "", "attributes, e.g. 'rack:r1;zone:a'")
	f.StringVar(&hostname, "hostname", "", "hostname the agent advertises (default: the machine's)")
	f.StringVar(&backoff, "registration_backoff_factor", "1secs", "initial backoff of registration retries")
	f.IntVar(&workers, "workers", 0, "worker goroutines of the runtime (0: LIBPROCESS_NUM_WORKER_THREADS, else the number of CPUs)")
	f.DurationVar(&duration, "duration", 0, "stop after this long (0: run until Ctrl-C)")
	f.StringVar(&recoverMode, "recover", agent.RecoverReconnect, "what to do with the executors a previous agent on --work_dir checkpointed: reconnect (keep them running) or cleanup (kill them and exit)")
	f.BoolVar(&supervise, "launch_supervisor", true, "start tasks through one launch supervisor per agent (one process per container); false: a launch shim per container forks its task, as Mesos's mesos-containerizer launch helper does (slower: two processes per container)")
	f.BoolVar(&strict, "strict", true, "fail recovery on any error reading the checkpointed state (false: skip what cannot be read)")
	f.BoolVar(&authReadonly, "authenticate_http_readonly", false, "require HTTP basic authentication for /state, /flags, /monitor/statistics, /containers and /files")
	f.BoolVar(&authReadwrite, "authenticate_http_readwrite", false, "require HTTP basic authentication for the operator API (/api/v1)")
	f.StringVar(&httpCredentials, "http_credentials", "", "file of HTTP credentials: JSON {\"credentials\":[{\"principal\":..,\"secret\":..}]} or 'principal secret' lines")
	traceFlags.Register(f)
	return cmd
}

// launcherFor maps --launch_supervisor to the containerizer's launcher.
func launcherFor(supervise bool) string {
	if supervise {
		return containerizer.LauncherSupervisor
	}
	return containerizer.LauncherShim
}
