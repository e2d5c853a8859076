package allocator

import (
	"fmt"
	"maps"
	"math"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Quota is a role's quota (include/mesos/quota/quota.proto and
// src/master/allocator/mesos/hierarchical.hpp Quota): guarantees the
// allocator sets aside and offers first, and limits it never offers
// beyond. A name missing from Limits is unlimited.
type Quota struct {
	Guarantees resources.Quantities `json:"guarantees"`
	Limits     Limits               `json:"limits,omitempty"`
}

// Limits models ResourceLimits (src/common/resource_quantities.hpp):
// resource name to limit, where a missing name is unlimited and 0 is a
// real limit (unlike in Quantities, which drop zeros).
type Limits map[string]float64

// minus models ResourceLimits::operator-(ResourceQuantities): each limit
// goes down by the quantity, not below zero.
func (l Limits) minus(q resources.Quantities) Limits {
	out := make(Limits, len(l))
	for name, v := range l {
		out[name] = max(resources.ScalarSub(v, q.Get(name)), 0)
	}
	return out
}

// contains reports whether every quantity fits under its limit.
func (l Limits) contains(q resources.Quantities) bool {
	for name, v := range q.All() {
		if lim, ok := l[name]; ok && !resources.ScalarLessEqual(v, lim) {
			return false
		}
	}
	return true
}

// IsDefault reports whether q is DEFAULT_QUOTA (no guarantees, no limits).
func (q Quota) IsDefault() bool { return q.Guarantees.IsEmpty() && len(q.Limits) == 0 }

// UpdateQuota models updateQuota: only top-level roles can have quota.
// It does not allocate.
func (c *Core) UpdateQuota(role string, q Quota) error {
	if err := resources.ValidateRole(role); err != nil {
		return fmt.Errorf("allocator: update quota of %q: %w", role, err)
	}
	if len(resources.RoleAncestors(role)) > 0 {
		return fmt.Errorf("allocator: update quota of %q: quota is only supported for top-level roles: %w", role, ErrInvalid)
	}
	for name, v := range q.Limits {
		if !(v >= 0) || math.IsInf(v, 1) {
			return fmt.Errorf("allocator: update quota of %q: limit %s:%v must be a non-negative finite number: %w", role, name, v, ErrInvalid)
		}
	}
	if !q.Limits.contains(q.Guarantees) {
		return fmt.Errorf("allocator: update quota of %q: guarantees %v exceed limits %v: %w", role, q.Guarantees, q.Limits, ErrInvalid)
	}
	r := c.roleEntry(role)
	r.quota = Quota{Guarantees: q.Guarantees.Clone(), Limits: maps.Clone(q.Limits)}
	c.maybeDropRole(r)
	return nil
}

// UpdateWeights models updateWeights: role weights for the role sorter.
// It does not allocate (Mesos does not rebalance either).
func (c *Core) UpdateWeights(weights map[string]float64) error {
	for role, w := range weights {
		if err := resources.ValidateRole(role); err != nil {
			return fmt.Errorf("allocator: update weight of %q: %w", role, err)
		}
		if !(w > 0) || math.IsInf(w, 1) {
			return fmt.Errorf("allocator: update weight of %q to %v: weight must be a positive finite number: %w", role, w, ErrInvalid)
		}
	}
	for role, w := range weights {
		_ = c.roleSorter.UpdateWeight(role, w)
		r := c.roleEntry(role)
		r.weight, r.hasWeight = w, w != 1
		c.maybeDropRole(r)
	}
	return nil
}

// consumedQuota returns quotaOfferedOrConsumed of a role subtree:
// offered or allocated unreserved non-revocable scalars plus every
// reservation, of the role and its descendants.
func (c *Core) consumedQuota(name string) resources.Quantities {
	var q resources.Quantities
	prefix := name + "/"
	for n, r := range c.roles {
		if n == name || (len(n) > len(prefix) && n[:len(prefix)] == prefix) {
			q.Add(r.allocatedUnreservedQ)
			q.Add(r.reservedQ)
		}
	}
	return q
}

// shrinkToQuantities models shrinkResources(resources, ResourceQuantities):
// names missing from target are dropped. Deliberate difference: Mesos
// shuffles the resources first; we keep their order, which only matters
// with several resources of one name.
func shrinkToQuantities(rs resources.Resources, target resources.Quantities) resources.Resources {
	var out resources.Resources
	if target.IsEmpty() {
		return out
	}
	target = target.Clone()
	for r := range rs.All() {
		limit := target.Get(r.Name)
		if limit <= 0 {
			continue
		}
		if shrink(&r, limit) {
			target.SubtractScalar(r.Name, r.Scalar)
			out.AddResource(r)
		}
	}
	return out
}

// shrinkToLimits models shrinkResources(resources, ResourceLimits):
// names missing from limits are kept whole.
func shrinkToLimits(rs resources.Resources, limits Limits) resources.Resources {
	if len(limits) == 0 {
		return rs
	}
	limits = maps.Clone(limits)
	var out resources.Resources
	for r := range rs.All() {
		limit, ok := limits[r.Name]
		if !ok {
			out.AddResource(r)
			continue
		}
		if limit <= 0 {
			continue
		}
		if shrink(&r, limit) {
			limits[r.Name] = max(resources.ScalarSub(limit, r.Scalar), 0)
			out.AddResource(r)
		}
	}
	return out
}

// shrink models Resources::shrink: a scalar larger than target is cut to
// target unless it cannot be (a MOUNT disk or a persistent volume).
func shrink(r *resources.Resource, target float64) bool {
	if r.Type != resources.TypeScalar {
		return false
	}
	if resources.ScalarLessEqual(r.Scalar, target) {
		return true
	}
	if r.IsPersistentVolume() || (r.Disk != nil && r.Disk.Source != nil && r.Disk.Source.Type == resources.DiskSourceMount) {
		return false
	}
	r.Scalar = resources.RoundScalar(target)
	return true
}
