package marathon

import (
	"encoding/json"
	"time"
)

// timeFormat is how Marathon writes timestamps ("2015-09-17T09:32:42.598Z").
const timeFormat = "2006-01-02T15:04:05.000Z"

// formatTime writes t in Marathon's format, in UTC.
func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// appJSON is the JSON of an app definition as Marathon writes it
// (raml App): every supported field, defaults filled in.
type appJSON struct {
	ID                         string            `json:"id"`
	Cmd                        *string           `json:"cmd,omitempty"`
	Args                       []string          `json:"args,omitempty"`
	User                       string            `json:"user,omitempty"`
	Env                        map[string]string `json:"env"`
	Instances                  int               `json:"instances"`
	CPUs                       float64           `json:"cpus"`
	Mem                        float64           `json:"mem"`
	Disk                       float64           `json:"disk"`
	GPUs                       int               `json:"gpus"`
	Executor                   string            `json:"executor"`
	Constraints                [][]string        `json:"constraints"`
	Fetch                      []fetchJSON       `json:"fetch"`
	BackoffSeconds             float64           `json:"backoffSeconds"`
	BackoffFactor              float64           `json:"backoffFactor"`
	MaxLaunchDelaySeconds      float64           `json:"maxLaunchDelaySeconds"`
	HealthChecks               []healthCheckJSON `json:"healthChecks"`
	UpgradeStrategy            upgradeJSON       `json:"upgradeStrategy"`
	Labels                     map[string]string `json:"labels"`
	AcceptedResourceRoles      []string          `json:"acceptedResourceRoles,omitempty"`
	PortDefinitions            []portDefJSON     `json:"portDefinitions"`
	RequirePorts               bool              `json:"requirePorts"`
	KillSelection              KillSelection     `json:"killSelection"`
	Role                       string            `json:"role"`
	TaskKillGracePeriodSeconds *int              `json:"taskKillGracePeriodSeconds,omitempty"`
	Version                    string            `json:"version,omitempty"`
	VersionInfo                *versionInfoJSON  `json:"versionInfo,omitempty"`
}

type fetchJSON struct {
	URI        string `json:"uri"`
	Executable bool   `json:"executable"`
	Extract    bool   `json:"extract"`
	Cache      bool   `json:"cache"`
	DestPath   string `json:"destPath,omitempty"`
}

type healthCheckJSON struct {
	Protocol               string       `json:"protocol"`
	Command                *commandJSON `json:"command,omitempty"`
	GracePeriodSeconds     int          `json:"gracePeriodSeconds"`
	IntervalSeconds        int          `json:"intervalSeconds"`
	TimeoutSeconds         int          `json:"timeoutSeconds"`
	MaxConsecutiveFailures int          `json:"maxConsecutiveFailures"`
	DelaySeconds           int          `json:"delaySeconds"`
}

type commandJSON struct {
	Value string `json:"value"`
}

type upgradeJSON struct {
	MinimumHealthCapacity float64 `json:"minimumHealthCapacity"`
	MaximumOverCapacity   float64 `json:"maximumOverCapacity"`
}

type portDefJSON struct {
	Port     int               `json:"port"`
	Protocol string            `json:"protocol"`
	Name     string            `json:"name,omitempty"`
	Labels   map[string]string `json:"labels,omitempty"`
}

type versionInfoJSON struct {
	LastScalingAt      string `json:"lastScalingAt"`
	LastConfigChangeAt string `json:"lastConfigChangeAt"`
}

// toJSON converts a normalized app to its JSON form.
func (a *App) toJSON() appJSON {
	j := appJSON{
		ID: a.ID, Args: a.Args, User: a.User, Env: nonNilMap(a.Env), Instances: a.Instances,
		CPUs: a.CPUs, Mem: a.Mem, Disk: a.Disk, GPUs: a.GPUs, Executor: a.Executor,
		Constraints: make([][]string, 0, len(a.Constraints)), Fetch: make([]fetchJSON, 0, len(a.Fetch)),
		BackoffSeconds: a.BackoffSeconds, BackoffFactor: a.BackoffFactor, MaxLaunchDelaySeconds: a.MaxLaunchDelaySeconds,
		HealthChecks:    make([]healthCheckJSON, 0, len(a.HealthChecks)),
		UpgradeStrategy: upgradeJSON{a.UpgradeStrategy.MinimumHealthCapacity, a.UpgradeStrategy.MaximumOverCapacity},
		Labels:          nonNilMap(a.Labels), AcceptedResourceRoles: a.AcceptedResourceRoles,
		PortDefinitions: make([]portDefJSON, 0, len(a.PortDefinitions)), RequirePorts: a.RequirePorts,
		KillSelection: a.KillSelection, Role: a.Role, TaskKillGracePeriodSeconds: a.TaskKillGracePeriodSeconds,
	}
	if len(a.Args) == 0 {
		cmd := a.Cmd
		j.Cmd = &cmd
	}
	for _, c := range a.Constraints {
		j.Constraints = append(j.Constraints, c.Strings())
	}
	for _, f := range a.Fetch {
		j.Fetch = append(j.Fetch, fetchJSON(f))
	}
	for _, h := range a.HealthChecks {
		j.HealthChecks = append(j.HealthChecks, healthCheckJSON{
			Protocol: "COMMAND", Command: &commandJSON{Value: h.Command},
			GracePeriodSeconds: h.GracePeriodSeconds, IntervalSeconds: h.IntervalSeconds, TimeoutSeconds: h.TimeoutSeconds,
			MaxConsecutiveFailures: h.MaxConsecutiveFailures, DelaySeconds: h.DelaySeconds,
		})
	}
	for _, p := range a.PortDefinitions {
		j.PortDefinitions = append(j.PortDefinitions, portDefJSON(p))
	}
	if !a.Version.IsZero() {
		j.Version = formatTime(a.Version)
		j.VersionInfo = &versionInfoJSON{formatTime(a.VersionInfo.LastScalingAt), formatTime(a.VersionInfo.LastConfigChangeAt)}
	}
	return j
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// encodeApp writes a's JSON.
func encodeApp(a *App) ([]byte, error) { return json.Marshal(a.toJSON()) }
