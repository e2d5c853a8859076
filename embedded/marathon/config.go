package marathon

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// Defaults of Config, Marathon's flag defaults (MarathonConf and the
// *Config traits it mixes in).
const (
	// DefaultFrameworkName is --framework_name; `mesoscope why <app>` looks
	// for a framework of this name.
	DefaultFrameworkName = "marathon"
	// DefaultFailoverTimeout is --failover_timeout (one week).
	DefaultFailoverTimeout = 7 * 24 * time.Hour
	// DefaultMaxInstancesPerOffer is --max_instances_per_offer.
	DefaultMaxInstancesPerOffer = 5
	// DefaultDeclineOfferDuration is --decline_offer_duration (120 s).
	DefaultDeclineOfferDuration = 120 * time.Second
	// DefaultMinReviveOffersInterval is --min_revive_offers_interval (5 s).
	DefaultMinReviveOffersInterval = 5 * time.Second
	// DefaultReconciliationInitialDelay and DefaultReconciliationInterval
	// are --reconciliation_initial_delay (15 s) and
	// --reconciliation_interval (600 s).
	DefaultReconciliationInitialDelay = 15 * time.Second
	DefaultReconciliationInterval     = 600 * time.Second
	// DefaultKillRetryTimeout is --kill_retry_timeout (10 s).
	DefaultKillRetryTimeout = 10 * time.Second
	// DefaultTaskLaunchTimeout is --task_launch_confirm_timeout (300 s).
	DefaultTaskLaunchTimeout = 300 * time.Second
	// DefaultLocalPortMin and DefaultLocalPortMax bound service ports.
	DefaultLocalPortMin = 10000
	DefaultLocalPortMax = 20000
	// DefaultHTTPPort is --http_port.
	DefaultHTTPPort = 8080
	// Version is the Marathon version /v2/info reports.
	Version = "1.11.0-mesoscope"
)

// Config configures a Marathon. Master is required; every zero field
// takes the default named on it.
type Config struct {
	// Master is the master's URL ("http://127.0.0.1:5050" or host:port),
	// --master.
	Master string
	// HTTPListener serves the REST API (/v2/*, /ping); nil serves none
	// (Handler can still be mounted elsewhere).
	HTTPListener net.Listener
	// HTTPClient makes the calls to the master (nil: the scheduler
	// client's own).
	HTTPClient *http.Client
	// CallObserver sees each call to the master (ACCEPT, DECLINE, KILL, ...)
	// before it is sent; the tracer's SchedulerCalls puts each in a span and
	// carries its traceparent to the master (nil: none).
	CallObserver schedclient.CallObserver
	// HTTPMiddleware wraps the REST API's handler when HTTPListener serves it
	// (the tracer's HTTPServer gives each request a server span; nil: none).
	HTTPMiddleware func(http.Handler) http.Handler
	// Logger receives the scheduler's log (nil: discarded).
	Logger *slog.Logger

	// FrameworkName is --framework_name (DefaultFrameworkName).
	FrameworkName string
	// User is --mesos_user, FrameworkInfo.user (required by Mesos; the
	// default is the user running the process, as Marathon's).
	User string
	// Role is --mesos_role: the framework's role and apps' default role
	// ("*" by default). Roles are more roles apps may use (MULTI_ROLE).
	Role  string
	Roles []string
	// Hostname is FrameworkInfo.hostname and /v2/info's "leader".
	Hostname string
	// FailoverTimeout is --failover_timeout.
	FailoverTimeout time.Duration
	// Checkpoint is --checkpoint (tasks survive agent restarts); Marathon's
	// default is true, so this field disables it.
	DisableCheckpoint bool

	// MaxInstancesPerOffer, DeclineOfferDuration, MinReviveOffersInterval,
	// ReconciliationInitialDelay, ReconciliationInterval, KillRetryTimeout
	// and TaskLaunchTimeout are the Marathon flags of the same names.
	MaxInstancesPerOffer       int
	DeclineOfferDuration       time.Duration
	MinReviveOffersInterval    time.Duration
	ReconciliationInitialDelay time.Duration
	ReconciliationInterval     time.Duration
	KillRetryTimeout           time.Duration
	TaskLaunchTimeout          time.Duration
	// DisableSuppressOffers is --disable_suppress_offers: keep declining
	// instead of suppressing when nothing is to be launched.
	DisableSuppressOffers bool
	// GPUSchedulingUnrestricted is --gpu_scheduling_behavior=unrestricted
	// (Marathon's default is restricted: no GPU agents for apps without
	// GPUs).
	GPUSchedulingUnrestricted bool
	// MaintenanceMode is --maintenance_mode.
	MaintenanceMode bool
	// LocalPortMin and LocalPortMax bound service ports.
	LocalPortMin, LocalPortMax int

	// Store keeps the framework id, apps, instances and deployments across
	// restarts (the role ZooKeeper plays for Marathon); nil keeps them in
	// memory only.
	Store Store
	// Seed seeds task ids, offer order and port picks (0: random).
	Seed uint64
	// Clock is the time source (nil: the time package).
	Clock Clock
}

// Clock is the scheduler's time source. The core never reads it; the
// shell passes its readings in.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once d has elapsed unless stopped.
	AfterFunc(d time.Duration, f func()) interface{ Stop() bool }
}

type realClock struct{}

// Now is time.Now.
func (realClock) Now() time.Time { return time.Now() }

// AfterFunc is time.AfterFunc.
func (realClock) AfterFunc(d time.Duration, f func()) interface{ Stop() bool } {
	return time.AfterFunc(d, f)
}

// ErrNoMaster is returned by New without Config.Master.
var ErrNoMaster = errors.New("marathon: config: a master is required")

// withDefaults validates c and fills in defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Master == "" {
		return c, ErrNoMaster
	}
	if c.FrameworkName == "" {
		c.FrameworkName = DefaultFrameworkName
	}
	if c.Role == "" {
		c.Role = "*"
	}
	roles := []string{c.Role}
	for _, r := range c.Roles {
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	for _, r := range roles {
		if r == "*" {
			continue
		}
		if err := resources.ValidateRole(r); err != nil {
			return c, fmt.Errorf("marathon: config: role %q: %w", r, err)
		}
	}
	c.Roles = roles
	for _, d := range []struct {
		p   *time.Duration
		def time.Duration
	}{
		{&c.FailoverTimeout, DefaultFailoverTimeout},
		{&c.DeclineOfferDuration, DefaultDeclineOfferDuration},
		{&c.MinReviveOffersInterval, DefaultMinReviveOffersInterval},
		{&c.ReconciliationInitialDelay, DefaultReconciliationInitialDelay},
		{&c.ReconciliationInterval, DefaultReconciliationInterval},
		{&c.KillRetryTimeout, DefaultKillRetryTimeout},
		{&c.TaskLaunchTimeout, DefaultTaskLaunchTimeout},
	} {
		if *d.p < 0 {
			return c, fmt.Errorf("marathon: config: negative duration %v", *d.p)
		}
		if *d.p == 0 {
			*d.p = d.def
		}
	}
	if c.MaxInstancesPerOffer < 0 {
		return c, fmt.Errorf("marathon: config: max instances per offer: negative value %d", c.MaxInstancesPerOffer)
	}
	if c.MaxInstancesPerOffer == 0 {
		c.MaxInstancesPerOffer = DefaultMaxInstancesPerOffer
	}
	if c.LocalPortMin == 0 {
		c.LocalPortMin = DefaultLocalPortMin
	}
	if c.LocalPortMax == 0 {
		c.LocalPortMax = DefaultLocalPortMax
	}
	if c.LocalPortMin > c.LocalPortMax || c.LocalPortMin < 0 || c.LocalPortMax > 65535 {
		return c, fmt.Errorf("marathon: config: local ports [%d, %d] are not a valid range", c.LocalPortMin, c.LocalPortMax)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Clock == nil {
		c.Clock = realClock{}
	}
	return c, nil
}
