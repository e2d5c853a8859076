package marathon

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Defaults of an app definition, as Marathon's app.raml states them
// (docs/docs/rest-api/public/api/v2/types/app.raml, Marathon 1.10).
const (
	DefaultInstances             = 1
	DefaultCPUs                  = 1.0
	DefaultMem                   = 128.0
	DefaultBackoffSeconds        = 1.0
	DefaultBackoffFactor         = 1.15
	DefaultMaxLaunchDelaySeconds = 300.0
	// DefaultMinimumHealthCapacity and DefaultMaximumOverCapacity are
	// UpgradeStrategy's defaults (state/UpgradeStrategy.scala: empty = 1, 1).
	DefaultMinimumHealthCapacity = 1.0
	DefaultMaximumOverCapacity   = 1.0
)

// KillSelection decides which instance is killed first when an app is
// scaled down and two instances are otherwise equal (state/KillSelection.scala).
type KillSelection string

// Kill selections.
const (
	YoungestFirst KillSelection = "YOUNGEST_FIRST"
	OldestFirst   KillSelection = "OLDEST_FIRST"
)

// App is a Marathon app definition (AppDefinition): what to run, how many,
// where, and how to upgrade it. The zero value of an optional field means
// Marathon's default; Normalize fills them in.
type App struct {
	// ID is the absolute path of the app ("/tools/registry").
	ID string
	// Cmd runs with /bin/sh -c; Args run without a shell. Exactly one is set.
	Cmd  string
	Args []string
	// User runs the task as this user (CommandInfo.user).
	User string
	// Env are environment variables of the task (string values only).
	Env map[string]string
	// Instances is how many instances to keep running.
	Instances int
	// CPUs, Mem (MiB), Disk (MiB) and GPUs are what one instance needs.
	CPUs, Mem, Disk float64
	GPUs            int
	// Role is the Mesos role the app's instances are launched with (the
	// framework's default role if empty).
	Role string
	// AcceptedResourceRoles restricts the offered resources the app may
	// use: "*" for unreserved ones, a role for resources reserved to it.
	// Empty means the unreserved ones and the app's role.
	AcceptedResourceRoles []string
	// Constraints place the instances over agent attributes.
	Constraints []Constraint
	// PortDefinitions are the ports each instance needs; with RequirePorts
	// their numbers are host ports, else they are service ports and the
	// host ports are picked from the offer.
	PortDefinitions []PortDefinition
	RequirePorts    bool
	// Fetch are URIs the Mesos fetcher downloads into the sandbox.
	Fetch []FetchURI
	// BackoffSeconds, BackoffFactor and MaxLaunchDelaySeconds configure the
	// launch delay after failed tasks (RateLimiter).
	BackoffSeconds        float64
	BackoffFactor         float64
	MaxLaunchDelaySeconds float64
	// UpgradeStrategy configures restarts.
	UpgradeStrategy UpgradeStrategy
	// HealthChecks are COMMAND health checks, run by Mesos.
	HealthChecks []HealthCheck
	// KillSelection orders instances for killing when scaling down.
	KillSelection KillSelection
	// Labels are copied to the tasks' labels.
	Labels map[string]string
	// TaskKillGracePeriodSeconds is the SIGTERM→SIGKILL grace of a kill
	// (KillPolicy); nil leaves it to Mesos.
	TaskKillGracePeriodSeconds *int
	// Executor is "" or "//cmd" (the command executor).
	Executor string

	// Version is when this definition was stored; VersionInfo tells scale
	// changes from config changes. Both are set by Marathon.
	Version     time.Time
	VersionInfo VersionInfo
}

// VersionInfo is the app's version history (state/VersionInfo.scala):
// LastConfigChangeAt moves on changes that need new tasks, LastScalingAt
// on every change.
type VersionInfo struct {
	LastScalingAt      time.Time
	LastConfigChangeAt time.Time
}

// UpgradeStrategy bounds a restart (state/UpgradeStrategy.scala):
// MinimumHealthCapacity × instances stay healthy, at most (1 +
// MaximumOverCapacity) × instances run.
type UpgradeStrategy struct {
	MinimumHealthCapacity float64
	MaximumOverCapacity   float64
}

// PortDefinition is one port an instance needs (PortDefinition).
type PortDefinition struct {
	Port     int
	Protocol string
	Name     string
	Labels   map[string]string
}

// FetchURI is one artifact the Mesos fetcher downloads (FetchUri).
type FetchURI struct {
	URI        string
	Executable bool
	Extract    bool
	Cache      bool
	DestPath   string
}

// HealthCheck is a Marathon COMMAND health check, executed by Mesos
// (MesosCommandHealthCheck): the task is healthy while Command exits 0.
type HealthCheck struct {
	Command                string
	GracePeriodSeconds     int
	IntervalSeconds        int
	TimeoutSeconds         int
	MaxConsecutiveFailures int
	DelaySeconds           int
}

// Health check defaults (healthCheck.raml).
const (
	DefaultHealthGracePeriodSeconds     = 300
	DefaultHealthIntervalSeconds        = 60
	DefaultHealthTimeoutSeconds         = 20
	DefaultHealthMaxConsecutiveFailures = 3
	DefaultHealthDelaySeconds           = 15
)

// Clone returns a deep copy of a.
func (a *App) Clone() *App {
	c := *a
	c.Args = slices.Clone(a.Args)
	c.Env = maps.Clone(a.Env)
	c.AcceptedResourceRoles = slices.Clone(a.AcceptedResourceRoles)
	c.Constraints = make([]Constraint, len(a.Constraints))
	copy(c.Constraints, a.Constraints)
	c.PortDefinitions = make([]PortDefinition, len(a.PortDefinitions))
	for i, p := range a.PortDefinitions {
		p.Labels = maps.Clone(p.Labels)
		c.PortDefinitions[i] = p
	}
	c.Fetch = slices.Clone(a.Fetch)
	c.HealthChecks = slices.Clone(a.HealthChecks)
	c.Labels = maps.Clone(a.Labels)
	if a.TaskKillGracePeriodSeconds != nil {
		v := *a.TaskKillGracePeriodSeconds
		c.TaskKillGracePeriodSeconds = &v
	}
	return &c
}

// acceptedRoles returns the resource roles the app may use: its
// AcceptedResourceRoles, or "*" and its role.
func (a *App) acceptedRoles() []string {
	if len(a.AcceptedResourceRoles) > 0 {
		return a.AcceptedResourceRoles
	}
	if a.Role == "*" || a.Role == "" {
		return []string{"*"}
	}
	return []string{"*", a.Role}
}

// hasHealthChecks reports whether the app's health decides readiness.
func (a *App) hasHealthChecks() bool { return len(a.HealthChecks) > 0 }

// TaskIDPrefix returns the prefix of the Mesos task ids of the app's
// tasks: the id without its leading "/", "/" replaced by "_", then "."
// (Marathon's Task.Id "<app>.<uuid>"; /tools/registry → "tools_registry.").
func TaskIDPrefix(appID string) string {
	return strings.ReplaceAll(strings.TrimPrefix(appID, "/"), "/", "_") + "."
}

// taskName is Marathon's task name: the path reversed and joined by "."
// (PathId.toHostname: /tools/registry → "registry.tools").
func taskName(appID string) string {
	parts := strings.Split(strings.Trim(appID, "/"), "/")
	slices.Reverse(parts)
	return strings.Join(parts, ".")
}

// isUpgrade reports whether b differs from a in more than its instance
// count (AppDefinition.isUpgrade): new tasks are needed.
func isUpgrade(a, b *App) bool {
	x, y := a.Clone(), b.Clone()
	x.Instances, y.Instances = 0, 0
	x.Version, y.Version = time.Time{}, time.Time{}
	x.VersionInfo, y.VersionInfo = VersionInfo{}, VersionInfo{}
	return !appsEqual(x, y)
}

// appsEqual compares two definitions field by field.
func appsEqual(a, b *App) bool {
	ea, _ := encodeApp(a)
	eb, _ := encodeApp(b)
	return string(ea) == string(eb)
}
