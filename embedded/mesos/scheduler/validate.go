package scheduler

import (
	"fmt"
	"maps"
	"slices"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// Validate checks a call the way the master does before handling it
// (scheduler::call::validate in src/master/validation.cpp, plus the
// required-field checks protobuf parsing makes and our size limits). The
// error reads "scheduler: call ACCEPT: accept.offer_ids[2]: empty value"
// and wraps mesos.ErrInvalid; the master answers it with 400 Bad Request.
// Semantic checks that need master state (offers exist, framework
// subscribed, resources fit) are the master's.
func (c *Call) Validate() error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("scheduler: call %s: %w", c.Type, err)
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
	if c.FrameworkID != nil {
		if err := mesos.ValidateID("framework_id.value", c.FrameworkID.Value); err != nil {
			return err
		}
	}
	if c.Type == CallSubscribe {
		if c.Subscribe == nil {
			return mesos.Missing("subscribe")
		}
		if err := validateFrameworkInfo("subscribe", &c.Subscribe.FrameworkInfo, c.Subscribe.SuppressedRoles, c.Subscribe.OfferConstraints); err != nil {
			return err
		}
		if idOf(c.Subscribe.FrameworkInfo.ID) != idOf(c.FrameworkID) {
			return mesos.Invalid("framework_id", "'framework_id' differs from 'subscribe.framework_info.id'")
		}
		return nil
	}
	if c.FrameworkID == nil {
		return mesos.Missing("framework_id")
	}
	switch c.Type {
	case CallTeardown:
		return nil
	case CallRevive:
		if c.Revive == nil {
			return nil
		}
		return validateRoleList("revive.roles", c.Revive.Roles)
	case CallSuppress:
		if c.Suppress == nil {
			return nil
		}
		return validateRoleList("suppress.roles", c.Suppress.Roles)
	case CallAccept:
		if c.Accept == nil {
			return mesos.Missing("accept")
		}
		if err := validateOfferIDs("accept.offer_ids", c.Accept.OfferIDs); err != nil {
			return err
		}
		if err := mesos.ValidateCount("accept.operations", len(c.Accept.Operations)); err != nil {
			return err
		}
		for i := range c.Accept.Operations {
			if err := mesos.In(mesos.Index("accept.operations", i), c.Accept.Operations[i].Validate()); err != nil {
				return err
			}
		}
		return validateFilters("accept.filters", c.Accept.Filters)
	case CallDecline:
		if c.Decline == nil {
			return mesos.Missing("decline")
		}
		if err := validateOfferIDs("decline.offer_ids", c.Decline.OfferIDs); err != nil {
			return err
		}
		return validateFilters("decline.filters", c.Decline.Filters)
	case CallAcceptInverseOffers:
		if c.AcceptInverseOffers == nil {
			return mesos.Missing("accept_inverse_offers")
		}
		if err := validateOfferIDs("accept_inverse_offers.inverse_offer_ids", c.AcceptInverseOffers.InverseOfferIDs); err != nil {
			return err
		}
		return validateFilters("accept_inverse_offers.filters", c.AcceptInverseOffers.Filters)
	case CallDeclineInverseOffers:
		if c.DeclineInverseOffers == nil {
			return mesos.Missing("decline_inverse_offers")
		}
		if err := validateOfferIDs("decline_inverse_offers.inverse_offer_ids", c.DeclineInverseOffers.InverseOfferIDs); err != nil {
			return err
		}
		return validateFilters("decline_inverse_offers.filters", c.DeclineInverseOffers.Filters)
	case CallKill:
		if c.Kill == nil {
			return mesos.Missing("kill")
		}
		if err := mesos.ValidateID("kill.task_id.value", c.Kill.TaskID.Value); err != nil {
			return err
		}
		if c.Kill.AgentID != nil {
			if err := mesos.ValidateID("kill.agent_id.value", c.Kill.AgentID.Value); err != nil {
				return err
			}
		}
		if c.Kill.KillPolicy != nil {
			return mesos.In("kill.kill_policy", c.Kill.KillPolicy.Validate())
		}
		return nil
	case CallShutdown:
		if c.Shutdown == nil {
			return mesos.Missing("shutdown")
		}
		if err := mesos.ValidateID("shutdown.executor_id.value", c.Shutdown.ExecutorID.Value); err != nil {
			return err
		}
		return mesos.ValidateID("shutdown.agent_id.value", c.Shutdown.AgentID.Value)
	case CallAcknowledge:
		if c.Acknowledge == nil {
			return mesos.Missing("acknowledge")
		}
		if err := mesos.ValidateID("acknowledge.agent_id.value", c.Acknowledge.AgentID.Value); err != nil {
			return err
		}
		if err := mesos.ValidateID("acknowledge.task_id.value", c.Acknowledge.TaskID.Value); err != nil {
			return err
		}
		return mesos.ValidateUUID("acknowledge.uuid", c.Acknowledge.UUID)
	case CallAcknowledgeOperationStatus:
		a := c.AcknowledgeOperationStatus
		if a == nil {
			return mesos.Missing("acknowledge_operation_status")
		}
		if err := mesos.ValidateUUID("acknowledge_operation_status.uuid", a.UUID); err != nil {
			return err
		}
		if a.AgentID == nil {
			return mesos.Missing("acknowledge_operation_status.agent_id")
		}
		if err := mesos.ValidateID("acknowledge_operation_status.agent_id.value", a.AgentID.Value); err != nil {
			return err
		}
		return mesos.ValidateID("acknowledge_operation_status.operation_id.value", a.OperationID.Value)
	case CallReconcile:
		if c.Reconcile == nil {
			return mesos.Missing("reconcile")
		}
		if err := mesos.ValidateCount("reconcile.tasks", len(c.Reconcile.Tasks)); err != nil {
			return err
		}
		for i, t := range c.Reconcile.Tasks {
			f := mesos.Index("reconcile.tasks", i)
			if err := mesos.ValidateID(f+".task_id.value", t.TaskID.Value); err != nil {
				return err
			}
			if t.AgentID != nil {
				if err := mesos.ValidateID(f+".agent_id.value", t.AgentID.Value); err != nil {
					return err
				}
			}
		}
		return nil
	case CallReconcileOperations:
		if c.ReconcileOperations == nil {
			return mesos.Missing("reconcile_operations")
		}
		if err := mesos.ValidateCount("reconcile_operations.operations", len(c.ReconcileOperations.Operations)); err != nil {
			return err
		}
		for i, o := range c.ReconcileOperations.Operations {
			if err := mesos.ValidateID(mesos.Index("reconcile_operations.operations", i)+".operation_id.value", o.OperationID.Value); err != nil {
				return err
			}
		}
		return nil
	case CallMessage:
		if c.Message == nil {
			return mesos.Missing("message")
		}
		if err := mesos.ValidateID("message.agent_id.value", c.Message.AgentID.Value); err != nil {
			return err
		}
		if err := mesos.ValidateID("message.executor_id.value", c.Message.ExecutorID.Value); err != nil {
			return err
		}
		return mesos.ValidateData("message.data", c.Message.Data)
	case CallRequest:
		if c.Request == nil {
			return mesos.Missing("request")
		}
		return mesos.ValidateCount("request.requests", len(c.Request.Requests))
	case CallUpdateFramework:
		u := c.UpdateFramework
		if u == nil {
			return mesos.Missing("update_framework")
		}
		if err := validateFrameworkInfo("update_framework", &u.FrameworkInfo, u.SuppressedRoles, u.OfferConstraints); err != nil {
			return err
		}
		if idOf(u.FrameworkInfo.ID) != idOf(c.FrameworkID) {
			return mesos.Invalid("framework_id", "'framework_id' differs from 'update_framework.framework_info.id'")
		}
		return nil
	}
	return nil
}

func idOf(id *mesos.FrameworkID) string {
	if id == nil {
		return ""
	}
	return id.Value
}

func validateFrameworkInfo(parent string, fi *mesos.FrameworkInfo, suppressed []string, oc *OfferConstraints) error {
	if err := mesos.In(parent+".framework_info", fi.Validate()); err != nil {
		return err
	}
	if err := validateRoleList(parent+".suppressed_roles", suppressed); err != nil {
		return err
	}
	roles := fi.AllRoles()
	for i, r := range suppressed {
		if !contains(roles, r) {
			return mesos.Invalid(mesos.Index(parent+".suppressed_roles", i), "suppressed role '%s' is not contained in the list of roles", r)
		}
	}
	if oc != nil {
		return mesos.In(parent+".offer_constraints", oc.Validate(roles))
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func validateRoleList(field string, roles []string) error {
	if err := mesos.ValidateCount(field, len(roles)); err != nil {
		return err
	}
	for i, r := range roles {
		if r == "" {
			return mesos.Invalid(mesos.Index(field, i), "empty value")
		}
	}
	return nil
}

func validateOfferIDs(field string, ids []mesos.OfferID) error {
	if err := mesos.ValidateCount(field, len(ids)); err != nil {
		return err
	}
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		if id.Value == "" {
			return mesos.Invalid(mesos.Index(field, i), "empty value")
		}
		if seen[id.Value] {
			return mesos.Invalid(mesos.Index(field, i), "duplicate offer %s", id.Value)
		}
		seen[id.Value] = true
	}
	return nil
}

func validateFilters(field string, f *mesos.Filters) error {
	if f == nil {
		return nil
	}
	return mesos.In(field, f.Validate())
}

// Validate checks offer constraints as validateOfferConstraints
// (src/master/offer_constraints_filter.cpp) does: constraints only for the
// framework's roles, every group non-empty, every selector and predicate
// set, and regular expressions that compile.
func (oc *OfferConstraints) Validate(roles []string) error {
	for _, role := range slices.Sorted(maps.Keys(oc.RoleConstraints)) {
		rc := oc.RoleConstraints[role]
		rf := fmt.Sprintf("role_constraints[%q]", role)
		if !contains(roles, role) {
			return mesos.Invalid(rf, "offer constraints specified for a role '%s' the framework is not subscribed to", role)
		}
		if len(rc.Groups) == 0 {
			return mesos.Invalid(rf+".groups", "empty 'groups'")
		}
		for i, g := range rc.Groups {
			gf := mesos.Index(rf+".groups", i)
			if len(g.AttributeConstraints) == 0 {
				return mesos.Invalid(gf+".attribute_constraints", "empty 'attribute_constraints'")
			}
			for j, ac := range g.AttributeConstraints {
				if err := mesos.In(mesos.Index(gf+".attribute_constraints", j), ac.validate()); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
