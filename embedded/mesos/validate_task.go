package mesos

import (
	"math"
)

// Validate checks the structure of a TaskInfo: the name is present, the
// task and agent IDs are valid IDs (common::validation::validateTaskID),
// exactly one of executor and command is set (task::internal::
// validateExecutorInfo in src/master/validation.cpp), and the nested
// command, executor, health check and kill policy are well formed. Checks
// against the offer (resources, agent) are the master's.
func (t *TaskInfo) Validate() error {
	if err := ValidateID("task_id.value", t.TaskID.Value); err != nil {
		return err
	}
	if err := ValidateID("agent_id.value", t.AgentID.Value); err != nil {
		return err
	}
	if (t.Executor == nil) == (t.Command == nil) {
		return Invalid("", "task should have at least one (but not both) of CommandInfo or ExecutorInfo present")
	}
	return t.validateBody()
}

// validateBody checks what a task of a task group shares with a plain
// task: everything but the IDs and the executor-or-command rule.
func (t *TaskInfo) validateBody() error {
	if t.Command != nil {
		if err := In("command", t.Command.Validate()); err != nil {
			return err
		}
	}
	if t.Executor != nil {
		if err := In("executor", t.Executor.Validate()); err != nil {
			return err
		}
	}
	if t.Container != nil {
		if err := ValidateEnum("container.type", t.Container.Type); err != nil {
			return err
		}
	}
	if t.HealthCheck != nil {
		if err := In("health_check", t.HealthCheck.Validate()); err != nil {
			return err
		}
	}
	if t.KillPolicy != nil {
		if err := In("kill_policy", t.KillPolicy.Validate()); err != nil {
			return err
		}
	}
	if t.MaxCompletionTime != nil && t.MaxCompletionTime.Nanoseconds < 0 {
		return Invalid("max_completion_time", "must be non-negative")
	}
	return ValidateData("data", t.Data)
}

// Validate checks a TaskGroupInfo: at least one task, valid IDs without
// duplicates, and each task's command, health check and kill policy. A
// task of a group may omit the command (the default executor runs it) and
// may carry the group's executor; LaunchGroupOperation checks that it is
// the same executor.
func (g *TaskGroupInfo) Validate() error {
	if len(g.Tasks) == 0 {
		return Invalid("tasks", "task group must contain at least one task")
	}
	if err := ValidateCount("tasks", len(g.Tasks)); err != nil {
		return err
	}
	seen := make(map[string]bool, len(g.Tasks))
	for i := range g.Tasks {
		t := &g.Tasks[i]
		f := Index("tasks", i)
		if err := ValidateID(f+".task_id.value", t.TaskID.Value); err != nil {
			return err
		}
		if err := ValidateID(f+".agent_id.value", t.AgentID.Value); err != nil {
			return err
		}
		if err := In(f, t.validateBody()); err != nil {
			return err
		}
		if seen[t.TaskID.Value] {
			return Invalid(f+".task_id", "duplicate task ID %q", t.TaskID.Value)
		}
		seen[t.TaskID.Value] = true
	}
	return nil
}

// Validate checks an ExecutorInfo: a valid executor ID, a known type, the
// command (required for CUSTOM executors) and the bytes size.
func (e *ExecutorInfo) Validate() error {
	if err := ValidateID("executor_id.value", e.ExecutorID.Value); err != nil {
		return err
	}
	if err := ValidateEnum("type", e.Type); err != nil {
		return err
	}
	if e.Type == ExecutorCustom && e.Command == nil {
		return Missing("command")
	}
	if e.Command != nil {
		if err := In("command", e.Command.Validate()); err != nil {
			return err
		}
	}
	if e.FrameworkID != nil {
		if err := ValidateID("framework_id.value", e.FrameworkID.Value); err != nil {
			return err
		}
	}
	if e.ShutdownGracePeriod != nil && e.ShutdownGracePeriod.Nanoseconds < 0 {
		return Invalid("shutdown_grace_period", "must be non-negative")
	}
	return ValidateData("data", e.Data)
}

// Validate checks a CommandInfo: a shell command needs a value
// (validateCommandInfo, src/common/validation.cpp), URIs have values,
// environment variables are well formed (VALUE needs value, SECRET needs a
// valid secret).
func (c *CommandInfo) Validate() error {
	if c.GetShell() && c.Value == nil {
		return Missing("value")
	}
	for i, u := range c.URIs {
		if u.Value == "" {
			return Invalid(Index("uris", i)+".value", "empty value")
		}
	}
	if c.Environment != nil {
		for i, v := range c.Environment.Variables {
			f := Index("environment.variables", i)
			if v.Name == "" {
				return Invalid(f+".name", "empty value")
			}
			if v.Type != nil {
				if err := ValidateEnum(f+".type", *v.Type); err != nil {
					return err
				}
			}
			switch v.GetType() {
			case VariableValue:
				if v.Value == nil {
					return Invalid(f, "environment variable '%s' of type 'VALUE' must have a value set", v.Name)
				}
				if v.Secret != nil {
					return Invalid(f, "environment variable '%s' of type 'VALUE' must not have a secret set", v.Name)
				}
			case VariableSecret:
				if v.Secret == nil {
					return Invalid(f, "environment variable '%s' of type 'SECRET' must have a secret set", v.Name)
				}
				if v.Value != nil {
					return Invalid(f, "environment variable '%s' of type 'SECRET' must not have a value set", v.Name)
				}
				if err := In(f+".secret", v.Secret.Validate()); err != nil {
					return err
				}
			default:
				return Invalid(f+".type", "environment variable '%s' of type 'UNKNOWN' is not allowed", v.Name)
			}
		}
	}
	return nil
}

// Validate checks a Secret as common::validation::validateSecret does.
func (s *Secret) Validate() error {
	if err := ValidateEnum("type", s.Type); err != nil {
		return err
	}
	switch s.Type {
	case SecretTypeReference:
		if s.Reference == nil {
			return Invalid("reference", "secret of type REFERENCE must have the 'reference' field set")
		}
		if s.Value != nil {
			return Invalid("value", "secret of type REFERENCE must not have the 'value' field set")
		}
	case SecretTypeValue:
		if s.Value == nil {
			return Invalid("value", "secret of type VALUE must have the 'value' field set")
		}
		if s.Reference != nil {
			return Invalid("reference", "secret of type VALUE must not have the 'reference' field set")
		}
	}
	return nil
}

// Validate checks a HealthCheck as validateHealthCheck
// (src/checks/checker_process.cpp / checks/health_checker.cpp) does: a
// known type whose matching body is present, and non-negative timings.
func (h *HealthCheck) Validate() error {
	if err := ValidateEnum("type", h.Type); err != nil {
		return err
	}
	switch h.Type {
	case HealthCheckUnknown:
		return Invalid("type", "HealthCheck must specify 'type'")
	case HealthCheckCommand:
		if h.Command == nil {
			return Invalid("command", "expecting 'command' to be set for COMMAND health check")
		}
		if err := In("command", h.Command.Validate()); err != nil {
			return err
		}
	case HealthCheckHTTP:
		if h.HTTP == nil {
			return Invalid("http", "expecting 'http' to be set for HTTP health check")
		}
		if h.HTTP.Scheme != "" && h.HTTP.Scheme != "http" && h.HTTP.Scheme != "https" {
			return Invalid("http.scheme", "unsupported HTTP health check scheme: '%s'", h.HTTP.Scheme)
		}
		if h.HTTP.Path != "" && h.HTTP.Path[0] != '/' {
			return Invalid("http.path", "the path '%s' of HTTP health check must start with '/'", h.HTTP.Path)
		}
		if err := validateProtocol("http.protocol", h.HTTP.Protocol); err != nil {
			return err
		}
	case HealthCheckTCP:
		if h.TCP == nil {
			return Invalid("tcp", "expecting 'tcp' to be set for TCP health check")
		}
		if err := validateProtocol("tcp.protocol", h.TCP.Protocol); err != nil {
			return err
		}
	}
	for _, d := range []struct {
		field string
		v     *float64
	}{
		{"delay_seconds", h.DelaySeconds},
		{"interval_seconds", h.IntervalSeconds},
		{"timeout_seconds", h.TimeoutSeconds},
		{"grace_period_seconds", h.GracePeriodSeconds},
	} {
		if d.v != nil && (math.IsNaN(*d.v) || *d.v < 0) {
			return Invalid(d.field, "expecting '%s' to be non-negative", d.field)
		}
	}
	return nil
}

func validateProtocol(field string, p NetworkProtocol) error {
	if p == 0 {
		return nil
	}
	return ValidateEnum(field, p)
}

// Validate checks a KillPolicy: the grace period is non-negative.
func (k *KillPolicy) Validate() error {
	if k.GracePeriod != nil && k.GracePeriod.Nanoseconds < 0 {
		return Invalid("grace_period", "expecting grace period to be non-negative")
	}
	return nil
}

// Validate checks the structure of an offer operation: a known type with
// its body present, and the body itself (tasks, task groups, resource
// lists). Resource checks against offers and reservations are the
// master's.
func (o *OfferOperation) Validate() error {
	if err := ValidateEnum("type", o.Type); err != nil {
		return err
	}
	if o.ID != nil {
		if err := ValidateID("id.value", o.ID.Value); err != nil {
			return err
		}
	}
	switch o.Type {
	case OperationUnknown:
		return Invalid("type", "unknown operation")
	case OperationLaunch:
		if o.Launch == nil {
			return Missing("launch")
		}
		if err := ValidateCount("launch.task_infos", len(o.Launch.TaskInfos)); err != nil {
			return err
		}
		for i := range o.Launch.TaskInfos {
			if err := In(Index("launch.task_infos", i), o.Launch.TaskInfos[i].Validate()); err != nil {
				return err
			}
		}
	case OperationLaunchGroup:
		if o.LaunchGroup == nil {
			return Missing("launch_group")
		}
		ex := &o.LaunchGroup.Executor
		if err := In("launch_group.executor", ex.Validate()); err != nil {
			return err
		}
		if ex.Type == ExecutorUnknown {
			return Invalid("launch_group.executor.type", "'ExecutorInfo.type' must be set")
		}
		for i, t := range o.LaunchGroup.TaskGroup.Tasks {
			if t.Executor != nil && t.Executor.ExecutorID != ex.ExecutorID {
				return Invalid(Index("launch_group.task_group.tasks", i)+".executor", "the ExecutorInfo of task '%s' is different from executor '%s'", t.TaskID.Value, ex.ExecutorID.Value)
			}
		}
		if err := In("launch_group.task_group", o.LaunchGroup.TaskGroup.Validate()); err != nil {
			return err
		}
	case OperationReserve:
		if o.Reserve == nil {
			return Missing("reserve")
		}
		if o.Reserve.Resources.IsEmpty() {
			return Invalid("reserve.resources", "empty resources")
		}
	case OperationUnreserve:
		if o.Unreserve == nil {
			return Missing("unreserve")
		}
		if o.Unreserve.Resources.IsEmpty() {
			return Invalid("unreserve.resources", "empty resources")
		}
	case OperationCreate:
		if o.Create == nil {
			return Missing("create")
		}
		if o.Create.Volumes.IsEmpty() {
			return Invalid("create.volumes", "empty volumes")
		}
	case OperationDestroy:
		if o.Destroy == nil {
			return Missing("destroy")
		}
		if o.Destroy.Volumes.IsEmpty() {
			return Invalid("destroy.volumes", "empty volumes")
		}
	case OperationGrowVolume:
		if o.GrowVolume == nil {
			return Missing("grow_volume")
		}
	case OperationShrinkVolume:
		if o.ShrinkVolume == nil {
			return Missing("shrink_volume")
		}
		if s := o.ShrinkVolume.Subtract.Value; math.IsNaN(s) || s <= 0 {
			return Invalid("shrink_volume.subtract", "value must be positive")
		}
	case OperationCreateDisk:
		if o.CreateDisk == nil {
			return Missing("create_disk")
		}
	case OperationDestroyDisk:
		if o.DestroyDisk == nil {
			return Missing("destroy_disk")
		}
	}
	return nil
}

// Validate checks Filters: refuse_seconds, when set, is a number (Mesos
// replaces negative or too large values by the default with a warning in
// Master::accept/decline; NaN is rejected here).
func (f *Filters) Validate() error {
	if f.RefuseSeconds != nil && math.IsNaN(*f.RefuseSeconds) {
		return Invalid("refuse_seconds", "not a number")
	}
	return nil
}
