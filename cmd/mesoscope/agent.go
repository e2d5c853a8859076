package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
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
		isolation, gcDelay, cacheSize, cacheDir, runtimeDir               string
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
			cc, err := containerizerFlags(isolation, gcDelay, cacheSize, cacheDir, runtimeDir)
			if err != nil {
				return fmt.Errorf("agent: %w", err)
			}
			cc.Launcher = launcherFor(supervise)
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
				Containerizer: cc,
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
	f.StringVar(&isolation, "isolation", "", "isolators, comma-separated: cgroups/cpu,cgroups/mem (the default; posix when the machine has no cgroups v2 to give) or posix/cpu,posix/mem")
	f.StringVar(&gcDelay, "gc_delay", "1weeks", "how long a finished container's sandbox is kept")
	f.StringVar(&cacheSize, "fetcher_cache_size", "2GB", "size of the fetcher's cache (B, KB, MB, GB, TB)")
	f.StringVar(&cacheDir, "fetcher_cache_dir", "", "directory of the fetcher's cache (default: <work_dir>/fetch)")
	f.StringVar(&runtimeDir, "runtime_dir", "", "directory of the containers' runtime checkpoints (default: <work_dir>/run)")
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

// containerizerFlags checks the agent's containerizer flags (Mesos's names)
// and returns the containerizer configuration; every error names its flag.
func containerizerFlags(isolation, gcDelay, cacheSize, cacheDir, runtimeDir string) (containerizer.Config, error) {
	var c containerizer.Config
	for name := range strings.SplitSeq(isolation, ",") {
		switch name = strings.TrimSpace(name); name {
		case "":
		case "cgroups/cpu", "cgroups/mem", "posix/cpu", "posix/mem":
			c.Isolation = append(c.Isolation, name)
		default:
			return c, fmt.Errorf("--isolation=%q: unknown isolator %q (want cgroups/cpu, cgroups/mem, posix/cpu or posix/mem)", isolation, name)
		}
	}
	var err error
	if c.GCDelay, err = positiveDuration("gc_delay", gcDelay); err != nil {
		return c, err
	}
	if c.FetcherConfig.CacheSize, err = parseBytes(cacheSize); err != nil {
		return c, fmt.Errorf("--fetcher_cache_size=%q: %w", cacheSize, err)
	}
	if c.FetcherConfig.CacheSize == 0 {
		c.FetcherConfig.CacheSize = -1 // no cache (0 in the Config means the default)
	}
	c.FetcherConfig.CacheDir, c.RuntimeDir = cacheDir, runtimeDir
	return c, nil
}

// parseBytes parses stout's Bytes text: a non-negative whole number and a
// unit, B, KB, MB, GB or TB (powers of 1024).
func parseBytes(s string) (int64, error) {
	units := []struct {
		suffix string
		shift  uint
	}{{"TB", 40}, {"GB", 30}, {"MB", 20}, {"KB", 10}, {"B", 0}}
	for _, u := range units {
		num, ok := strings.CutSuffix(strings.TrimSpace(s), u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n < 0 || n > math.MaxInt64>>u.shift {
			return 0, fmt.Errorf("want a size such as 2GB or 512MB")
		}
		return n << u.shift, nil
	}
	return 0, fmt.Errorf("want a size such as 2GB or 512MB (units B, KB, MB, GB, TB)")
}
