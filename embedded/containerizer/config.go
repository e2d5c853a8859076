package containerizer

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// DefaultKillGracePeriod is the grace between SIGTERM and SIGKILL when a
// container's KillPolicy sets none: 3 s, the command executor's default
// (src/launcher/executor.cpp CommandExecutor::killTask, "Default grace period
// is set to 3s for backwards compatibility").
const DefaultKillGracePeriod = 3 * time.Second

// ContainerConfig is everything needed to launch one container. It models
// include/mesos/slave/containerizer.proto ContainerConfig, reduced to what a
// command task needs, plus the environment argument of
// Containerizer::launch.
type ContainerConfig struct {
	// CommandInfo is the command to run and the URIs to fetch first.
	CommandInfo CommandInfo `json:"command_info"`
	// User runs the task (and owns the sandbox) when the agent runs as root;
	// CommandInfo.User takes precedence, as in Mesos.
	User string `json:"user,omitempty"`
	// Resources are the container's resource requests.
	Resources Resources `json:"resources"`
	// Directory is the sandbox. When empty it is derived from the layout:
	// work_dir/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>
	// if FrameworkID and ExecutorID are set, work_dir/containers/<container>
	// for standalone containers, and <parent sandbox>/containers/<id> for
	// nested ones (which must leave it empty, as in Mesos).
	Directory string `json:"directory,omitempty"`
	// FrameworkID and ExecutorID place the sandbox and the agent checkpoint
	// (meta/.../pids/forked.pid) like an executor's run.
	FrameworkID string `json:"framework_id,omitempty"`
	ExecutorID  string `json:"executor_id,omitempty"`
	// KillPolicy sets the SIGTERM→SIGKILL grace period of Destroy.
	KillPolicy *KillPolicy `json:"kill_policy,omitempty"`
	// Environment is the environment the agent passes to launch()
	// (executor environment); CommandInfo.Environment overrides it.
	Environment map[string]string `json:"environment,omitempty"`
}

// CommandInfo models include/mesos/mesos.proto CommandInfo.
//
// With Shell true the task runs as `/bin/sh -c Value` and Arguments are
// ignored. With Shell false Value is the executable path and Arguments the
// complete argv (Arguments[0] is argv[0]), passed to execve without any
// re-splitting or joining. Mesos's default for an absent "shell" is true:
// JSON without the field decodes to true, but the Go zero value is false.
type CommandInfo struct {
	URIs        []URI        `json:"uris,omitempty"`
	Environment *Environment `json:"environment,omitempty"`
	Shell       bool         `json:"shell"`
	Value       string       `json:"value,omitempty"`
	Arguments   []string     `json:"arguments,omitempty"`
	User        string       `json:"user,omitempty"`
}

// UnmarshalJSON applies Mesos's default shell=true when the field is absent.
func (c *CommandInfo) UnmarshalJSON(b []byte) error {
	type plain CommandInfo
	p := plain{Shell: true}
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("containerizer: decode command info: %w", err)
	}
	*c = CommandInfo(p)
	return nil
}

// URI models CommandInfo.URI. Extract defaults to true in Mesos; as with
// Shell, JSON without the field decodes to true while the Go zero value is
// false.
type URI struct {
	Value      string `json:"value"`
	Executable bool   `json:"executable,omitempty"`
	Extract    bool   `json:"extract"`
	Cache      bool   `json:"cache,omitempty"`
	OutputFile string `json:"output_file,omitempty"`
}

// UnmarshalJSON applies Mesos's default extract=true when the field is absent.
func (u *URI) UnmarshalJSON(b []byte) error {
	type plain URI
	p := plain{Extract: true}
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("containerizer: decode uri: %w", err)
	}
	*u = URI(p)
	return nil
}

// Environment models include/mesos/mesos.proto Environment (VALUE variables
// only; secrets are not supported).
type Environment struct {
	Variables []Variable `json:"variables,omitempty"`
}

// Variable is one environment variable.
type Variable struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Resources are a container's scalar resource requests, in Mesos units:
// cpus in cores, mem and disk in megabytes.
type Resources struct {
	CPUs float64 `json:"cpus,omitempty"`
	Mem  float64 `json:"mem,omitempty"`
	Disk float64 `json:"disk,omitempty"`
}

// MemBytes returns Mem in bytes (Megabytes(mem).bytes()).
func (r Resources) MemBytes() uint64 {
	if r.Mem <= 0 {
		return 0
	}
	return uint64(r.Mem * 1024 * 1024)
}

// String is the Mesos text form, e.g. "cpus:0.5;mem:64".
func (r Resources) String() string {
	s := ""
	add := func(name string, v float64) {
		if v == 0 {
			return
		}
		if s != "" {
			s += ";"
		}
		s += fmt.Sprintf("%s:%g", name, v)
	}
	add("cpus", r.CPUs)
	add("mem", r.Mem)
	add("disk", r.Disk)
	return s
}

// KillPolicy models include/mesos/mesos.proto KillPolicy.
type KillPolicy struct {
	GracePeriod *DurationInfo `json:"grace_period,omitempty"`
}

// DurationInfo models include/mesos/mesos.proto DurationInfo.
type DurationInfo struct {
	Nanoseconds int64 `json:"nanoseconds"`
}

// Duration converts d.
func (d DurationInfo) Duration() time.Duration { return time.Duration(d.Nanoseconds) }

// gracePeriod returns the kill grace of cfg, or def when it sets none.
func (cfg *ContainerConfig) gracePeriod(def time.Duration) time.Duration {
	if cfg.KillPolicy != nil && cfg.KillPolicy.GracePeriod != nil {
		if g := cfg.KillPolicy.GracePeriod.Duration(); g >= 0 {
			return g
		}
	}
	return def
}

// effectiveUser is CommandInfo.User, else User.
func (cfg *ContainerConfig) effectiveUser() string {
	if cfg.CommandInfo.User != "" {
		return cfg.CommandInfo.User
	}
	return cfg.User
}

// ErrInvalidConfig is wrapped by every ContainerConfig validation error.
var ErrInvalidConfig = errors.New("invalid container config")

// Validate checks the fields a launch depends on and names the bad one.
func (cfg *ContainerConfig) Validate() error {
	c := &cfg.CommandInfo
	if c.Value == "" {
		return fmt.Errorf("%w: 'command_info.value' is empty", ErrInvalidConfig)
	}
	for i, v := range c.envVars() {
		if v.Name == "" {
			return fmt.Errorf("%w: 'command_info.environment.variables[%d].name' is empty", ErrInvalidConfig, i)
		}
		if containsNUL(v.Name) || containsNUL(v.Value) || containsByte(v.Name, '=') {
			return fmt.Errorf("%w: 'command_info.environment.variables[%d]' %q contains '=' or NUL", ErrInvalidConfig, i, v.Name)
		}
	}
	if containsNUL(c.Value) {
		return fmt.Errorf("%w: 'command_info.value' contains NUL", ErrInvalidConfig)
	}
	for i, a := range c.Arguments {
		if containsNUL(a) {
			return fmt.Errorf("%w: 'command_info.arguments[%d]' contains NUL", ErrInvalidConfig, i)
		}
	}
	for i, u := range c.URIs {
		if err := validateURI(u.Value); err != nil {
			return fmt.Errorf("%w: 'command_info.uris[%d].value': %w", ErrInvalidConfig, i, err)
		}
		if u.OutputFile != "" {
			if err := validateOutputFile(u.OutputFile); err != nil {
				return fmt.Errorf("%w: 'command_info.uris[%d].output_file': %w", ErrInvalidConfig, i, err)
			}
		}
	}
	r := cfg.Resources
	if r.CPUs < 0 || r.Mem < 0 || r.Disk < 0 {
		return fmt.Errorf("%w: 'resources' %s has a negative scalar", ErrInvalidConfig, r)
	}
	if cfg.Directory != "" && !filepath.IsAbs(cfg.Directory) {
		return fmt.Errorf("%w: 'directory' %q is not absolute", ErrInvalidConfig, cfg.Directory)
	}
	for _, v := range []struct{ name, val string }{{"framework_id", cfg.FrameworkID}, {"executor_id", cfg.ExecutorID}} {
		if v.val != "" {
			if err := validatePathComponent(v.val); err != nil {
				return fmt.Errorf("%w: '%s': %w", ErrInvalidConfig, v.name, err)
			}
		}
	}
	if (cfg.FrameworkID == "") != (cfg.ExecutorID == "") {
		return fmt.Errorf("%w: 'framework_id' and 'executor_id' must be set together", ErrInvalidConfig)
	}
	return nil
}

func (c *CommandInfo) envVars() []Variable {
	if c.Environment == nil {
		return nil
	}
	return c.Environment.Variables
}

// validatePathComponent applies common::validation::validateID to IDs that
// become directory names.
func validatePathComponent(v string) error {
	switch {
	case v == "":
		return errors.New("ID must not be empty")
	case len(v) > maxNameLength:
		return fmt.Errorf("ID must not be greater than %d characters", maxNameLength)
	case v == "." || v == "..":
		return fmt.Errorf("%q is disallowed", v)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return fmt.Errorf("%q contains invalid characters", v)
		}
	}
	return nil
}

func containsNUL(s string) bool { return containsByte(s, 0) }

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// clone returns a deep copy of cfg.
func (cfg ContainerConfig) clone() ContainerConfig {
	out := cfg
	c := &out.CommandInfo
	c.URIs = append([]URI(nil), cfg.CommandInfo.URIs...)
	c.Arguments = append([]string(nil), cfg.CommandInfo.Arguments...)
	if cfg.CommandInfo.Environment != nil {
		c.Environment = &Environment{Variables: append([]Variable(nil), cfg.CommandInfo.Environment.Variables...)}
	}
	if cfg.KillPolicy != nil {
		kp := *cfg.KillPolicy
		if kp.GracePeriod != nil {
			g := *kp.GracePeriod
			kp.GracePeriod = &g
		}
		out.KillPolicy = &kp
	}
	if cfg.Environment != nil {
		out.Environment = make(map[string]string, len(cfg.Environment))
		for k, v := range cfg.Environment {
			out.Environment[k] = v
		}
	}
	return out
}
