package operator

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Validate checks a master operator call as master::call::validate
// (src/master/validation.cpp) does, plus the required-field checks of
// protobuf parsing and our size limits: the body a call type needs is
// present and well formed. The error reads "operator: call
// RESERVE_RESOURCES: reserve_resources.agent_id.value: empty value" and
// wraps mesos.ErrInvalid (400 Bad Request). Authorization and checks
// against master state are the master's.
func (c *Call) Validate() error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("operator: call %s: %w", c.Type, err)
	}
	return nil
}

func (c *Call) validate() error {
	if c.Type == CallUnknown {
		return mesos.Invalid("type", "expecting 'type' to be present")
	}
	if err := mesos.ValidateEnum("type", c.Type); err != nil {
		return err
	}
	switch c.Type {
	case CallGetHealth, CallGetFlags, CallGetVersion, CallGetLoggingLevel,
		CallGetState, CallGetAgents, CallGetFrameworks, CallGetExecutors,
		CallGetOperations, CallGetTasks, CallGetRoles, CallGetWeights,
		CallGetMaster, CallSubscribe, CallGetMaintenanceStatus,
		CallGetMaintenanceSchedule, CallGetQuota:
		return nil
	case CallGetMetrics:
		if c.GetMetrics == nil {
			return mesos.Missing("get_metrics")
		}
		if t := c.GetMetrics.Timeout; t != nil && t.Nanoseconds < 0 {
			return mesos.Invalid("get_metrics.timeout", "must be non-negative")
		}
		return nil
	case CallSetLoggingLevel:
		if c.SetLoggingLevel == nil {
			return mesos.Missing("set_logging_level")
		}
		if c.SetLoggingLevel.Duration.Nanoseconds < 0 {
			return mesos.Invalid("set_logging_level.duration", "must be non-negative")
		}
		return nil
	case CallListFiles:
		if c.ListFiles == nil {
			return mesos.Missing("list_files")
		}
		return validatePath("list_files.path", c.ListFiles.Path)
	case CallReadFile:
		if c.ReadFile == nil {
			return mesos.Missing("read_file")
		}
		return validatePath("read_file.path", c.ReadFile.Path)
	case CallUpdateWeights:
		if c.UpdateWeights == nil {
			return mesos.Missing("update_weights")
		}
		return validateWeights("update_weights.weight_infos", c.UpdateWeights.WeightInfos)
	case CallReserveResources:
		r := c.ReserveResources
		if r == nil {
			return mesos.Missing("reserve_resources")
		}
		if err := mesos.ValidateID("reserve_resources.agent_id.value", r.AgentID.Value); err != nil {
			return err
		}
		if r.Resources.IsEmpty() {
			return mesos.Invalid("reserve_resources.resources", "empty resources")
		}
		return validateResources("reserve_resources.resources", r.Resources)
	case CallUnreserveResources:
		r := c.UnreserveResources
		if r == nil {
			return mesos.Missing("unreserve_resources")
		}
		if err := mesos.ValidateID("unreserve_resources.agent_id.value", r.AgentID.Value); err != nil {
			return err
		}
		if r.Resources.IsEmpty() {
			return mesos.Invalid("unreserve_resources.resources", "empty resources")
		}
		return validateResources("unreserve_resources.resources", r.Resources)
	case CallCreateVolumes:
		v := c.CreateVolumes
		if v == nil {
			return mesos.Missing("create_volumes")
		}
		if err := mesos.ValidateID("create_volumes.agent_id.value", v.AgentID.Value); err != nil {
			return err
		}
		return validateVolumes("create_volumes.volumes", v.Volumes)
	case CallDestroyVolumes:
		v := c.DestroyVolumes
		if v == nil {
			return mesos.Missing("destroy_volumes")
		}
		if err := mesos.ValidateID("destroy_volumes.agent_id.value", v.AgentID.Value); err != nil {
			return err
		}
		return validateVolumes("destroy_volumes.volumes", v.Volumes)
	case CallGrowVolume:
		g := c.GrowVolume
		if g == nil {
			return mesos.Missing("grow_volume")
		}
		if g.AgentID == nil {
			return mesos.Invalid("grow_volume.agent_id", "expecting 'agent_id' to be present; only agent default resources are supported right now")
		}
		if err := mesos.ValidateID("grow_volume.agent_id.value", g.AgentID.Value); err != nil {
			return err
		}
		if err := validateResource("grow_volume.volume", g.Volume); err != nil {
			return err
		}
		return validateResource("grow_volume.addition", g.Addition)
	case CallShrinkVolume:
		s := c.ShrinkVolume
		if s == nil {
			return mesos.Missing("shrink_volume")
		}
		if s.AgentID == nil {
			return mesos.Invalid("shrink_volume.agent_id", "expecting 'agent_id' to be present; only agent default resources are supported right now")
		}
		if err := mesos.ValidateID("shrink_volume.agent_id.value", s.AgentID.Value); err != nil {
			return err
		}
		if err := validateResource("shrink_volume.volume", s.Volume); err != nil {
			return err
		}
		if v := s.Subtract.Value; math.IsNaN(v) || v <= 0 {
			return mesos.Invalid("shrink_volume.subtract.value", "must be positive")
		}
		return nil
	case CallUpdateMaintenanceSchedule:
		if c.UpdateMaintenanceSchedule == nil {
			return mesos.Missing("update_maintenance_schedule")
		}
		return c.UpdateMaintenanceSchedule.Schedule.validate("update_maintenance_schedule.schedule")
	case CallStartMaintenance:
		if c.StartMaintenance == nil {
			return mesos.Missing("start_maintenance")
		}
		return validateMachines("start_maintenance.machines", c.StartMaintenance.Machines)
	case CallStopMaintenance:
		if c.StopMaintenance == nil {
			return mesos.Missing("stop_maintenance")
		}
		return validateMachines("stop_maintenance.machines", c.StopMaintenance.Machines)
	case CallDrainAgent:
		d := c.DrainAgent
		if d == nil {
			return mesos.Missing("drain_agent")
		}
		if err := mesos.ValidateID("drain_agent.agent_id.value", d.AgentID.Value); err != nil {
			return err
		}
		if g := d.MaxGracePeriod; g != nil && (g.Seconds < 0 || g.Nanos < 0) {
			return mesos.Invalid("drain_agent.max_grace_period", "must be non-negative")
		}
		return nil
	case CallDeactivateAgent:
		return validateAgentRef("deactivate_agent", c.DeactivateAgent)
	case CallReactivateAgent:
		return validateAgentRef("reactivate_agent", c.ReactivateAgent)
	case CallMarkAgentGone:
		return validateAgentRef("mark_agent_gone", c.MarkAgentGone)
	case CallUpdateQuota:
		if c.UpdateQuota == nil {
			return mesos.Missing("update_quota")
		}
		return validateQuotaConfigs("update_quota.quota_configs", c.UpdateQuota.QuotaConfigs)
	case CallSetQuota:
		if c.SetQuota == nil {
			return mesos.Missing("set_quota")
		}
		q := c.SetQuota.QuotaRequest
		if err := validateRole("set_quota.quota_request.role", q.Role); err != nil {
			return err
		}
		return validateResources("set_quota.quota_request.guarantee", q.Guarantee)
	case CallRemoveQuota:
		if c.RemoveQuota == nil {
			return mesos.Missing("remove_quota")
		}
		return validateRole("remove_quota.role", c.RemoveQuota.Role)
	case CallTeardown:
		if c.Teardown == nil {
			return mesos.Missing("teardown")
		}
		return mesos.ValidateID("teardown.framework_id.value", c.Teardown.FrameworkID.Value)
	}
	return nil
}

func validatePath(field, p string) error {
	if p == "" {
		return mesos.Invalid(field, "empty value")
	}
	if len(p) > 4096 {
		return mesos.Invalid(field, "longer than PATH_MAX (4096)")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." {
			return mesos.Invalid(field, "invalid path %q: '..' is not allowed", p)
		}
	}
	return nil
}

func validateRole(field, role string) error {
	if role == "" {
		return mesos.Invalid(field, "empty value")
	}
	if err := resources.ValidateRole(role); err != nil {
		return mesos.Invalid(field, "invalid role: %v", err)
	}
	return nil
}

func validateWeights(field string, ws []mesos.WeightInfo) error {
	if err := mesos.ValidateCount(field, len(ws)); err != nil {
		return err
	}
	for i, w := range ws {
		f := mesos.Index(field, i)
		if err := validateRole(f+".role", w.Role); err != nil {
			return err
		}
		if math.IsNaN(w.Weight) || math.IsInf(w.Weight, 0) || w.Weight <= 0 {
			return mesos.Invalid(f+".weight", "weight must be a positive number, got %v", w.Weight)
		}
	}
	return nil
}

func validateResources(field string, rs mesos.Resources) error {
	if err := mesos.ValidateCount(field, rs.Len()); err != nil {
		return err
	}
	for i := range rs.Len() {
		if err := resources.Validate(rs.At(i)); err != nil {
			return mesos.Invalid(mesos.Index(field, i), "%v", err)
		}
	}
	return nil
}

func validateResource(field string, r resources.Resource) error {
	if err := resources.Validate(r); err != nil {
		return mesos.Invalid(field, "%v", err)
	}
	return nil
}

func validateVolumes(field string, vs mesos.Resources) error {
	if vs.IsEmpty() {
		return mesos.Invalid(field, "empty volumes")
	}
	if err := validateResources(field, vs); err != nil {
		return err
	}
	for i := range vs.Len() {
		if !vs.At(i).IsPersistentVolume() {
			return mesos.Invalid(mesos.Index(field, i), "not a persistent volume")
		}
	}
	return nil
}

func validateAgentRef(field string, a *AgentRef) error {
	if a == nil {
		return mesos.Missing(field)
	}
	return mesos.ValidateID(field+".agent_id.value", a.AgentID.Value)
}

func validateMachines(field string, ms []mesos.MachineID) error {
	if err := mesos.ValidateCount(field, len(ms)); err != nil {
		return err
	}
	for i, m := range ms {
		if m.Hostname == "" && m.IP == "" {
			return mesos.Invalid(mesos.Index(field, i), "one of 'hostname' or 'ip' must be set")
		}
	}
	return nil
}

func (s *Schedule) validate(field string) error {
	if err := mesos.ValidateCount(field+".windows", len(s.Windows)); err != nil {
		return err
	}
	for i, w := range s.Windows {
		f := mesos.Index(field+".windows", i)
		if len(w.MachineIDs) == 0 {
			return mesos.Invalid(f+".machine_ids", "list of machines in the maintenance window is empty")
		}
		if err := validateMachines(f+".machine_ids", w.MachineIDs); err != nil {
			return err
		}
		if d := w.Unavailability.Duration; d != nil && d.Nanoseconds < 0 {
			return mesos.Invalid(f+".unavailability.duration", "must be non-negative")
		}
	}
	return nil
}

func validateQuotaConfigs(field string, cs []QuotaConfig) error {
	if err := mesos.ValidateCount(field, len(cs)); err != nil {
		return err
	}
	for i, c := range cs {
		f := mesos.Index(field, i)
		if err := validateRole(f+".role", c.Role); err != nil {
			return err
		}
		if c.Role == "*" {
			return mesos.Invalid(f+".role", "setting quota for the default '*' role is not supported")
		}
		for _, m := range []struct {
			name string
			q    map[string]mesos.Scalar
		}{{"guarantees", c.Guarantees}, {"limits", c.Limits}} {
			for _, name := range slices.Sorted(maps.Keys(m.q)) {
				s := m.q[name]
				if math.IsNaN(s.Value) || s.Value < 0 {
					return mesos.Invalid(fmt.Sprintf("%s.%s[%q]", f, m.name, name), "must be a non-negative number")
				}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(c.Guarantees)) {
			g := c.Guarantees[name]
			if l, ok := c.Limits[name]; ok && g.Value > l.Value {
				return mesos.Invalid(fmt.Sprintf("%s.guarantees[%q]", f, name), "guarantee %v exceeds limit %v", g.Value, l.Value)
			}
		}
	}
	return nil
}
