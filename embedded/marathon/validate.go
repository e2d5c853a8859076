package marathon

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// pathSegment is Marathon's PathId segment rule (state/PathId.scala
// ID_PATH_SEGMENT_PATTERN): lowercase letters, digits, '-' and '.'.
var pathSegment = regexp.MustCompile(`^(([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9\-]*[a-z0-9])$`)

// Validate checks a normalized definition as Marathon's AppValidation
// does for the fields this scheduler supports, returning a
// *ValidationError with every problem.
func (a *App) Validate() error {
	v := violations{}
	validateID(v, a.ID)
	switch {
	case a.Cmd != "" && len(a.Args) > 0:
		v.add("/", "AppDefinition must either contain a 'cmd' or a 'args', not both")
	case a.Cmd == "" && len(a.Args) == 0:
		v.add("/", "AppDefinition must contain one of 'cmd' or 'args' (containers are not supported)")
	}
	nonNeg := func(path string, x float64) {
		if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			v.add(path, "got %v, expected 0 or more", x)
		}
	}
	if a.Instances < 0 {
		v.add("/instances", "got %d, expected 0 or more", a.Instances)
	}
	if !(a.CPUs >= 0.001) || math.IsInf(a.CPUs, 0) {
		v.add("/cpus", "got %v, expected 0.001 or more", a.CPUs)
	}
	nonNeg("/mem", a.Mem)
	nonNeg("/disk", a.Disk)
	if a.GPUs < 0 {
		v.add("/gpus", "got %d, expected 0 or more", a.GPUs)
	}
	nonNeg("/backoffSeconds", a.BackoffSeconds)
	if !(a.BackoffFactor >= 1) || math.IsInf(a.BackoffFactor, 0) {
		v.add("/backoffFactor", "got %v, expected 1.0 or more", a.BackoffFactor)
	}
	nonNeg("/maxLaunchDelaySeconds", a.MaxLaunchDelaySeconds)
	for _, f := range []struct {
		path string
		x    float64
	}{{"/upgradeStrategy/minimumHealthCapacity", a.UpgradeStrategy.MinimumHealthCapacity}, {"/upgradeStrategy/maximumOverCapacity", a.UpgradeStrategy.MaximumOverCapacity}} {
		if !(f.x >= 0 && f.x <= 1) {
			v.add(f.path, "got %v, expected a number between 0.0 and 1.0", f.x)
		}
	}
	if a.Role != "" {
		if err := resources.ValidateRole(a.Role); err != nil {
			v.add("/role", "%s", err.Error())
		}
	}
	seen := map[string]bool{}
	for i, r := range a.AcceptedResourceRoles {
		if r != "*" {
			if err := resources.ValidateRole(r); err != nil {
				v.add(fmt.Sprintf("/acceptedResourceRoles(%d)", i), "%s", err.Error())
			}
		}
		if seen[r] {
			v.add("/acceptedResourceRoles", "elements must be unique: %q repeats", r)
		}
		seen[r] = true
	}
	ports, names := map[int]bool{}, map[string]bool{}
	for i, p := range a.PortDefinitions {
		path := fmt.Sprintf("/portDefinitions(%d)", i)
		if p.Port < 0 || p.Port > 65535 {
			v.add(path+"/port", "got %d, expected 0 to 65535", p.Port)
		}
		if p.Port != 0 {
			if ports[p.Port] {
				v.add("/portDefinitions", "ports must be unique: %d repeats", p.Port)
			}
			ports[p.Port] = true
		}
		if p.Name != "" {
			if names[p.Name] {
				v.add("/portDefinitions", "port names must be unique: %q repeats", p.Name)
			}
			names[p.Name] = true
		}
		if !slices.Contains([]string{"tcp", "udp", "udp,tcp", "tcp,udp"}, p.Protocol) {
			v.add(path+"/protocol", "got %q, expected tcp, udp or udp,tcp", p.Protocol)
		}
	}
	if a.RequirePorts {
		for i, p := range a.PortDefinitions {
			if p.Port == 0 {
				v.add(fmt.Sprintf("/portDefinitions(%d)/port", i), "requirePorts needs fixed (non-zero) ports")
			}
		}
	}
	for i, f := range a.Fetch {
		if strings.TrimSpace(f.URI) == "" {
			v.add(fmt.Sprintf("/fetch(%d)/uri", i), "must not be empty")
		}
	}
	for k := range a.Env {
		if k == "" {
			v.add("/env", "variable names must not be empty")
		}
	}
	for i, h := range a.HealthChecks {
		if h.Command == "" {
			v.add(fmt.Sprintf("/healthChecks(%d)/command", i), "a COMMAND health check needs command.value")
		}
		for _, n := range []int{h.GracePeriodSeconds, h.IntervalSeconds, h.TimeoutSeconds, h.MaxConsecutiveFailures, h.DelaySeconds} {
			if n < 0 {
				v.add(fmt.Sprintf("/healthChecks(%d)", i), "durations and counts must be 0 or more")
				break
			}
		}
	}
	if a.KillSelection != YoungestFirst && a.KillSelection != OldestFirst {
		v.add("/killSelection", "got %q, expected YOUNGEST_FIRST or OLDEST_FIRST", a.KillSelection)
	}
	if a.Executor != "" && a.Executor != "//cmd" {
		v.add("/executor", "got %q: only the command executor (\"\" or \"//cmd\") is supported", a.Executor)
	}
	if a.TaskKillGracePeriodSeconds != nil && *a.TaskKillGracePeriodSeconds < 0 {
		v.add("/taskKillGracePeriodSeconds", "got %d, expected 0 or more", *a.TaskKillGracePeriodSeconds)
	}
	for i, c := range a.Constraints {
		if err := c.validate(); err != nil {
			v.add(fmt.Sprintf("/constraints(%d)", i), "%s", strings.TrimPrefix(err.Error(), "marathon: "))
		}
	}
	return v.err()
}

// validateID checks an absolute app id such as "/tools/registry".
func validateID(v violations, id string) {
	if id == "" || id == "/" {
		v.add("/id", "an app needs an id")
		return
	}
	for _, seg := range strings.Split(strings.TrimPrefix(id, "/"), "/") {
		if !pathSegment.MatchString(seg) {
			v.add("/id", "path segment %q must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit", seg)
			return
		}
	}
}
