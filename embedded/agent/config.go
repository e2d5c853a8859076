package agent

import (
	"errors"
	"fmt"
	"github.com/mesoscope/mesoscope/embedded/httpauth"
	"log/slog"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// Defaults, from src/slave/constants.hpp and src/slave/flags.cpp of Mesos 1.11.0.
const (
	// DefaultRegistrationBackoffFactor is --registration_backoff_factor's default
	// (DEFAULT_REGISTRATION_BACKOFF_FACTOR).
	DefaultRegistrationBackoffFactor = time.Second
	// RegisterRetryIntervalMax caps the registration backoff
	// (REGISTER_RETRY_INTERVAL_MAX).
	RegisterRetryIntervalMax = time.Minute
	// StatusUpdateRetryIntervalMin is the first status update retry interval
	// (STATUS_UPDATE_RETRY_INTERVAL_MIN); it doubles on each retry.
	StatusUpdateRetryIntervalMin = 10 * time.Second
	// StatusUpdateRetryIntervalMax caps the status update retry interval
	// (STATUS_UPDATE_RETRY_INTERVAL_MAX).
	StatusUpdateRetryIntervalMax = 10 * time.Minute
	// DefaultExecutorShutdownGracePeriod is --executor_shutdown_grace_period's
	// default (DEFAULT_EXECUTOR_SHUTDOWN_GRACE_PERIOD).
	DefaultExecutorShutdownGracePeriod = 5 * time.Second
	// DefaultKillGracePeriod is the command executor's SIGTERM→SIGKILL grace when
	// neither the KillTaskMessage nor the task sets a kill policy
	// (src/launcher/executor.cpp CommandExecutor::kill, "3s for backwards
	// compatibility").
	DefaultKillGracePeriod = 3 * time.Second
	// DefaultMasterPingTimeout is how long the agent waits for a ping before it
	// considers the master gone when SlaveRegisteredMessage carries no connection
	// info: DEFAULT_AGENT_PING_TIMEOUT (15 s) × DEFAULT_MAX_AGENT_PING_TIMEOUTS (5)
	// (src/slave/constants.cpp DEFAULT_MASTER_PING_TIMEOUT).
	DefaultMasterPingTimeout = 75 * time.Second
	// MaxCompletedFrameworks bounds completed_frameworks (MAX_COMPLETED_FRAMEWORKS).
	MaxCompletedFrameworks = 50
	// MaxCompletedExecutorsPerFramework bounds completed_executors
	// (DEFAULT_MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK).
	MaxCompletedExecutorsPerFramework = 150
	// MaxCompletedTasksPerExecutor bounds completed_tasks
	// (MAX_COMPLETED_TASKS_PER_EXECUTOR).
	MaxCompletedTasksPerExecutor = 200
	// Version is the Mesos version the agent reports (MESOS_VERSION).
	Version = "1.11.0"
	// RecoverReconnect and RecoverCleanup are the values of --recover.
	RecoverReconnect = "reconnect"
	RecoverCleanup   = "cleanup"
)

// Config configures an agent. Fields are named after the mesos-agent flags they model
// (src/slave/flags.cpp); zero values take Mesos's defaults except for the two required
// fields.
type Config struct {
	// Master is the master's PID (--master); required.
	Master process.PID
	// AuthenticateHTTPReadonly and AuthenticateHTTPReadwrite are
	// --authenticate_http_readonly and --authenticate_http_readwrite: HTTP basic
	// authentication against HTTPCredentials (--http_credentials) for the read-only
	// endpoints (/state, /flags, /monitor/statistics, /containers, /files/*) and for
	// the operator API (/api/v1).
	AuthenticateHTTPReadonly  bool
	AuthenticateHTTPReadwrite bool
	HTTPCredentials           httpauth.Credentials
	// WorkDir is --work_dir: sandboxes under slaves/, checkpoints under meta/;
	// required. It is created if missing.
	WorkDir string
	// Resources is --resources in the text form ("cpus:4;mem:1024;ports:[...]")
	// or a JSON array. cpus, mem, disk and ports it leaves out are detected from
	// the machine as Containerizer::resources does.
	Resources string
	// DefaultRole is --default_role, the role of resources without one (default "*").
	DefaultRole string
	// Attributes is --attributes: "rack:r1;zone:a;cores:8;ports:[1-10]".
	Attributes string
	// Hostname is --hostname (default: os.Hostname()). The advertised port is the
	// runtime's.
	Hostname string
	// RegistrationBackoffFactor is --registration_backoff_factor (default 1 s).
	RegistrationBackoffFactor time.Duration
	// StatusUpdateRetryMin and StatusUpdateRetryMax bound the status update
	// manager's retries (Mesos's constants, 10 s and 10 min; tests shrink them).
	StatusUpdateRetryMin time.Duration
	StatusUpdateRetryMax time.Duration
	// ExecutorShutdownGracePeriod is --executor_shutdown_grace_period (default 5 s):
	// how long an executor being shut down gets before its container is destroyed.
	ExecutorShutdownGracePeriod time.Duration
	// KillGracePeriod is the SIGTERM→SIGKILL grace of a kill when neither the
	// KillTaskMessage nor the task has a kill policy (default 3 s, the command
	// executor's).
	KillGracePeriod time.Duration
	// Seed seeds the agent's randomness (registration backoff, UUIDs); zero means
	// a random seed. An agent restarted over the same work_dir needs a seed of its
	// own (or zero): with its predecessor's it would draw the same container IDs
	// and status update UUIDs again.
	Seed uint64
	// Logger receives the agent's log (nil: discarded).
	Logger *slog.Logger
	// ID is the agent process's id (default: a fresh "slave(N)" from the runtime).
	// A restarted mesos-agent keeps its PID, slave(1)@ip:port; an agent restarted
	// on the same runtime (a test's crash and recovery) passes its predecessor's
	// id to do the same.
	ID string
	// Recover is --recover: "reconnect" (the default) recovers the checkpointed
	// executors of a previous agent on this work_dir and keeps running their
	// tasks; "cleanup" kills them and terminates the agent (for an incompatible
	// upgrade), as Mesos does.
	Recover string
	// Strict is --strict (nil means true, Mesos's default): with it any error
	// reading the checkpointed state fails recovery (New returns it); without
	// it what cannot be read is skipped and counted in slave/recovery_errors.
	// A status update record cut short by a crash is dropped either way.
	Strict *bool
	// CheckpointSync fsyncs every checkpoint file and its directory, so that the
	// checkpoints survive a crash of the machine, not only of the agent (every
	// checkpoint is an atomic rename either way). Mesos has no such flag: its
	// agent checkpoints with sync=false, and so does mesoscope's by default; an
	// fsync per checkpoint costs the agent's queue milliseconds per task, and
	// much more on a busy disk.
	CheckpointSync bool
	// Containerizer overrides the containerizer's configuration (--isolation as
	// Isolation, the launch shim's argv as Shim, cgroups settings, ...). The agent
	// fills WorkDir (when empty), AgentID and Logger (when nil), and Launcher
	// (when empty) with containerizer.LauncherSupervisor: one launch supervisor
	// per agent rather than one shim per container (a process per container
	// instead of two, see issue 5); OnTransition and OnTerminated are kept and
	// called after the agent's own bookkeeping.
	Containerizer containerizer.Config
}

// ErrInvalidConfig is wrapped by every configuration error New returns.
var ErrInvalidConfig = errors.New("invalid agent config")

// withDefaults validates cfg and fills in Mesos's defaults.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Master.ID == "" {
		return cfg, fmt.Errorf("%w: 'master' is required", ErrInvalidConfig)
	}
	if cfg.WorkDir == "" {
		return cfg, fmt.Errorf("%w: 'work_dir' is required", ErrInvalidConfig)
	}
	switch cfg.Recover {
	case "":
		cfg.Recover = RecoverReconnect
	case RecoverReconnect, RecoverCleanup:
	default:
		return cfg, fmt.Errorf("%w: unknown option for 'recover' flag %s; valid options are reconnect and cleanup", ErrInvalidConfig, cfg.Recover)
	}
	if cfg.Strict == nil {
		strict := true
		cfg.Strict = &strict
	}
	if cfg.DefaultRole == "" {
		cfg.DefaultRole = "*"
	}
	durations := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"registration_backoff_factor", &cfg.RegistrationBackoffFactor, DefaultRegistrationBackoffFactor},
		{"status_update_retry_min", &cfg.StatusUpdateRetryMin, StatusUpdateRetryIntervalMin},
		{"status_update_retry_max", &cfg.StatusUpdateRetryMax, StatusUpdateRetryIntervalMax},
		{"executor_shutdown_grace_period", &cfg.ExecutorShutdownGracePeriod, DefaultExecutorShutdownGracePeriod},
		{"kill_grace_period", &cfg.KillGracePeriod, DefaultKillGracePeriod},
	}
	for _, d := range durations {
		if *d.v < 0 {
			return cfg, fmt.Errorf("%w: '%s' %v is negative", ErrInvalidConfig, d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if cfg.StatusUpdateRetryMax < cfg.StatusUpdateRetryMin {
		return cfg, fmt.Errorf("%w: 'status_update_retry_max' %v is less than 'status_update_retry_min' %v",
			ErrInvalidConfig, cfg.StatusUpdateRetryMax, cfg.StatusUpdateRetryMin)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg, nil
}
