package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/tracer"
)

// newMarathonCommand is `mesoscope marathon`: the Marathon-like app
// scheduler as its own process, a framework of --master that serves
// Marathon's REST API on --http_port. Flags have Marathon's names and
// units (milliseconds, failover in seconds).
func newMarathonCommand() *cobra.Command {
	var (
		masterAddr, httpAddress, hostname, role, name, user, stateFile, gpuBehavior string
		httpPort, maxPerOffer, portMin, portMax                                     int
		failoverSecs                                                                int64
		declineMs, reviveMs, reconcileDelayMs, reconcileMs, killRetryMs, launchMs   int64
		disableSuppress, maintenance                                                bool
		seed                                                                        uint64
		duration                                                                    time.Duration
		traceFlags                                                                  tracer.Flags
	)
	cmd := &cobra.Command{
		Use:   "marathon",
		Short: "Run the Marathon-like app scheduler (a v1 scheduler API framework serving /v2/* on --http_port)",
		Long: `marathon runs mesoscope's Marathon-like scheduler as a framework of --master, speaking
only the v1 scheduler HTTP API, and serves Marathon's REST API on --http_address:--http_port:
/v2/apps (POST, GET, PUT, PATCH, DELETE, /restart, /tasks), /v2/tasks, /v2/deployments,
/v2/queue (?embed=lastUnusedOffers, DELETE /v2/queue/{app}/delay), /v2/info and /ping.

/v2/queue reports Marathon's launch queue: per app the instances left to launch, the backoff
delay, and the decline funnel of the offers it processed, which 'mesoscope why /app
--marathon URL' reads. With --state_file the framework id, apps, instances and deployments
survive a restart, which fails over to the same framework.

'mesoscope demo' runs the same scheduler in-process (framework "marathon", role web) on
--marathon_port, with apps of its own deployed.`,
		Example: `  mesoscope local --num_agents 3 &
  mesoscope marathon --master 127.0.0.1:5050
  curl -X POST localhost:8080/v2/apps -d '{"id": "/sleepy", "cmd": "sleep 600", "cpus": 0.1, "mem": 32, "instances": 2}'
  mesoscope why /sleepy --marathon http://localhost:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if masterAddr == "" {
				return fmt.Errorf("marathon: --master is required (HOST:PORT of a Mesos master)")
			}
			if strings.HasPrefix(masterAddr, "zk://") {
				return fmt.Errorf("marathon: --master=%q: mesoscope has no ZooKeeper detector; give HOST:PORT", masterAddr)
			}
			if gpuBehavior != "restricted" && gpuBehavior != "unrestricted" {
				return fmt.Errorf("marathon: --gpu_scheduling_behavior=%q: want restricted or unrestricted", gpuBehavior)
			}
			for _, f := range []struct {
				name string
				v    int64
			}{{"decline_offer_duration", declineMs}, {"min_revive_offers_interval", reviveMs}, {"reconciliation_initial_delay", reconcileDelayMs},
				{"reconciliation_interval", reconcileMs}, {"kill_retry_timeout", killRetryMs}, {"task_launch_confirm_timeout", launchMs}, {"failover_timeout", failoverSecs}} {
				if f.v <= 0 {
					return fmt.Errorf("marathon: --%s=%d: must be positive", f.name, f.v)
				}
			}
			ln, err := listen(httpAddress, httpPort)
			if err != nil {
				return fmt.Errorf("marathon: %w", err)
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			opts, err := traceFlags.Options(cmd.OutOrStdout())
			if err != nil {
				ln.Close()
				return fmt.Errorf("marathon: %w", err)
			}
			tr, err := tracer.New(append(opts, tracer.WithServiceName("mesoscope-marathon"), tracer.WithLogger(logger))...)
			if err != nil {
				ln.Close()
				return fmt.Errorf("marathon: tracer: %w", err)
			}
			cfg := marathon.Config{
				Master: masterAddr, HTTPListener: ln, Logger: logger, FrameworkName: name, User: user, Role: role, Hostname: hostname,
				FailoverTimeout: time.Duration(failoverSecs) * time.Second, MaxInstancesPerOffer: maxPerOffer,
				DeclineOfferDuration: ms(declineMs), MinReviveOffersInterval: ms(reviveMs),
				ReconciliationInitialDelay: ms(reconcileDelayMs), ReconciliationInterval: ms(reconcileMs),
				KillRetryTimeout: ms(killRetryMs), TaskLaunchTimeout: ms(launchMs), DisableSuppressOffers: disableSuppress,
				GPUSchedulingUnrestricted: gpuBehavior == "unrestricted", MaintenanceMode: maintenance,
				LocalPortMin: portMin, LocalPortMax: portMax, Seed: seed,
				CallObserver: tr.SchedulerCalls(name), HTTPMiddleware: tr.HTTPServer(name),
			}
			if stateFile != "" {
				cfg.Store = marathon.FileStore{Path: stateFile}
			}
			m, err := marathon.New(cfg)
			if err != nil {
				ln.Close()
				tr.Shutdown(context.Background())
				return err
			}
			if err := m.Start(cmd.Context()); err != nil {
				ln.Close()
				tr.Shutdown(context.Background())
				return err
			}
			base := m.URL()
			fmt.Fprintf(cmd.OutOrStdout(), "mesoscope marathon at %s, framework %q of master %s\n\n", base, cfg.FrameworkName, masterAddr)
			for _, ep := range []string{"/v2/apps", "/v2/tasks", "/v2/deployments", "/v2/queue?embed=lastUnusedOffers", "/v2/info"} {
				fmt.Fprintf(cmd.OutOrStdout(), "  %s%s\n", base, ep)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "\n  mesoscope why /APP --marathon %s --master %s\n\nCtrl-C stops it (the tasks keep running for --failover_timeout).\n", base, masterAddr)
			// Like Marathon, it exits when its scheduler stops on its own (the master
			// removed the framework, or refused it), with the reason.
			err = waitAndStopUnless(cmd.Context(), duration, m.Failed(), func(ctx context.Context) error {
				err := m.Stop(ctx)
				if terr := tr.Shutdown(ctx); err == nil {
					err = terr
				}
				return err
			})
			if merr := m.Err(); merr != nil {
				return fmt.Errorf("marathon: the scheduler stopped: %w", merr)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&masterAddr, "master", "127.0.0.1:5050", "the Mesos master, HOST:PORT or http://HOST:PORT")
	f.StringVar(&httpAddress, "http_address", "127.0.0.1", "IP address the REST API listens on")
	f.IntVar(&httpPort, "http_port", marathon.DefaultHTTPPort, "port of the REST API (0: any free port)")
	f.StringVar(&hostname, "hostname", "", "hostname advertised in the framework info")
	f.StringVar(&role, "mesos_role", "*", "the framework's role, and apps' default role")
	f.StringVar(&name, "framework_name", marathon.DefaultFrameworkName, "the framework's name")
	f.StringVar(&user, "mesos_user", "", "the user tasks run as (default: the current user)")
	f.Int64Var(&failoverSecs, "failover_timeout", int64(marathon.DefaultFailoverTimeout/time.Second), "failover timeout in seconds")
	f.IntVar(&maxPerOffer, "max_instances_per_offer", marathon.DefaultMaxInstancesPerOffer, "max instances launched from one offer")
	f.Int64Var(&declineMs, "decline_offer_duration", marathon.DefaultDeclineOfferDuration.Milliseconds(), "how long (ms) declined offers are refused")
	f.Int64Var(&reviveMs, "min_revive_offers_interval", marathon.DefaultMinReviveOffersInterval.Milliseconds(), "minimum interval (ms) between suppress/revive calls")
	f.Int64Var(&reconcileDelayMs, "reconciliation_initial_delay", marathon.DefaultReconciliationInitialDelay.Milliseconds(), "delay (ms) before the first reconciliation after subscribing")
	f.Int64Var(&reconcileMs, "reconciliation_interval", marathon.DefaultReconciliationInterval.Milliseconds(), "interval (ms) between reconciliations")
	f.Int64Var(&killRetryMs, "kill_retry_timeout", marathon.DefaultKillRetryTimeout.Milliseconds(), "interval (ms) between kill retries")
	f.Int64Var(&launchMs, "task_launch_confirm_timeout", marathon.DefaultTaskLaunchTimeout.Milliseconds(), "how long (ms) a launch may wait for its first status")
	f.BoolVar(&disableSuppress, "disable_suppress_offers", false, "keep declining offers instead of suppressing them when nothing is to be launched")
	f.StringVar(&gpuBehavior, "gpu_scheduling_behavior", "restricted", "restricted: apps without GPUs avoid GPU agents; unrestricted: they do not")
	f.BoolVar(&maintenance, "maintenance_mode", false, "decline offers of agents in a maintenance window")
	f.IntVar(&portMin, "local_port_min", marathon.DefaultLocalPortMin, "lowest service port")
	f.IntVar(&portMax, "local_port_max", marathon.DefaultLocalPortMax, "highest service port")
	f.StringVar(&stateFile, "state_file", "", "keep the framework id, apps and instances in this file (Marathon keeps them in ZooKeeper)")
	f.Uint64Var(&seed, "seed", 0, "seed of offer order and port choice (0: random)")
	f.DurationVar(&duration, "duration", 0, "stop after this long (0: run until Ctrl-C)")
	traceFlags.Register(f)
	return cmd
}

// ms converts Marathon's millisecond flags.
func ms(v int64) time.Duration { return time.Duration(v) * time.Millisecond }
