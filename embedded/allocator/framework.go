package allocator

import (
	"fmt"
	"maps"
	"slices"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Capabilities are the FrameworkInfo.Capability types the allocator looks
// at (include/mesos/mesos.proto, Framework::Capabilities in
// src/common/protobuf_utils.hpp).
type Capabilities struct {
	MultiRole             bool `json:"multi_role,omitempty"`
	GPUResources          bool `json:"gpu_resources,omitempty"`
	RevocableResources    bool `json:"revocable_resources,omitempty"`
	ReservationRefinement bool `json:"reservation_refinement,omitempty"`
	SharedResources       bool `json:"shared_resources,omitempty"`
}

// FrameworkInfo is the part of a FrameworkInfo the allocator uses.
type FrameworkInfo struct {
	ID           string       `json:"id"`
	Name         string       `json:"name,omitempty"`
	Roles        []string     `json:"roles"`
	Capabilities Capabilities `json:"capabilities"`
	// MinAllocatableResources is offer_filters[role].min_allocatable_resources:
	// a per-role override of Config.MinAllocatableResources (an empty
	// slice disables the check for that role).
	MinAllocatableResources map[string][]resources.Quantities `json:"min_allocatable_resources,omitempty"`
}

func (info FrameworkInfo) clone() FrameworkInfo {
	info.Roles = slices.Clone(info.Roles)
	if info.MinAllocatableResources != nil {
		m := make(map[string][]resources.Quantities, len(info.MinAllocatableResources))
		for k, v := range info.MinAllocatableResources {
			m[k] = slices.Clone(v)
		}
		info.MinAllocatableResources = m
	}
	return info
}

func validateFramework(op string, info FrameworkInfo) error {
	if info.ID == "" {
		return fmt.Errorf("allocator: %s: framework id is empty: %w", op, ErrInvalid)
	}
	for _, r := range info.Roles {
		if err := resources.ValidateRole(r); err != nil {
			return fmt.Errorf("allocator: %s %s: role %q: %w", op, info.ID, r, err)
		}
	}
	return nil
}

// AddFramework models HierarchicalAllocatorProcess::addFramework: the
// framework is tracked under each role, its used resources (agent →
// resources with allocation_info) are counted as allocated, and it is
// active unless active is false; suppressedRoles start suppressed. The
// caller should then allocate (Mesos triggers generateOffers).
func (c *Core) AddFramework(info FrameworkInfo, used map[string]resources.Resources, active bool, suppressedRoles []string) error {
	if err := validateFramework("add framework", info); err != nil {
		return err
	}
	if _, ok := c.frameworks[info.ID]; ok {
		return fmt.Errorf("allocator: add framework %s: %w", info.ID, ErrFrameworkExists)
	}
	fw := &framework{info: info.clone(), active: active, roles: make(map[string]*frameworkRole)}
	c.frameworks[info.ID] = fw
	c.insertFramework(fw)
	for _, r := range fw.info.Roles {
		c.subscribe(fw, r, slices.Contains(suppressedRoles, r))
	}
	for _, id := range slices.Sorted(maps.Keys(used)) {
		a, ok := c.agents[id]
		if !ok {
			continue // Mesos skips agents it does not know yet
		}
		c.allocate(a, fw, used[id])
	}
	return nil
}

// subscribe tracks fw under role and sets the sorter activation.
func (c *Core) subscribe(fw *framework, name string, suppressed bool) {
	fr, ok := fw.roles[name]
	if !ok {
		fr = &frameworkRole{fw: fw, role: name, allocInfo: &resources.AllocationInfo{Role: name}}
		fw.roles[name] = fr
		c.trackFrameworkUnderRole(fw, name)
	}
	fr.subscribed = true
	fr.suppressed = suppressed
	fr.minAlloc, fr.hasMin = fw.info.MinAllocatableResources[name]
	c.syncActivation(fr)
}

// syncActivation activates the framework in the role's sorter iff the
// framework is active, subscribed and not suppressed.
func (c *Core) syncActivation(fr *frameworkRole) {
	r := c.roles[fr.role]
	if r == nil || r.sorter == nil {
		return
	}
	if fr.fw.active && fr.subscribed && !fr.suppressed {
		_ = r.sorter.Activate(fr.fw.info.ID)
	} else {
		_ = r.sorter.Deactivate(fr.fw.info.ID)
	}
}

func (c *Core) framework(op, id string) (*framework, error) {
	fw, ok := c.frameworks[id]
	if !ok {
		return nil, fmt.Errorf("allocator: %s %s: %w", op, id, ErrUnknownFramework)
	}
	return fw, nil
}

// RemoveFramework models removeFramework: everything the framework holds
// is recovered without filters and it is untracked from its roles.
func (c *Core) RemoveFramework(id string) error {
	fw, err := c.framework("remove framework", id)
	if err != nil {
		return err
	}
	for _, a := range c.agentList {
		if rs, ok := a.allocated.get(id); ok {
			c.unallocate(a, fw, rs)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(fw.roles)) {
		c.dropFilters(fw.roles[name])
		c.tryUntrackFrameworkUnderRole(fw, name)
	}
	delete(c.frameworks, id)
	c.removeFrameworkFromList(fw)
	return nil
}

// ActivateFramework models activateFramework; the caller should then
// allocate.
func (c *Core) ActivateFramework(id string) error {
	fw, err := c.framework("activate framework", id)
	if err != nil {
		return err
	}
	fw.active = true
	for _, fr := range fw.roles {
		c.syncActivation(fr)
	}
	return nil
}

// DeactivateFramework models deactivateFramework: the framework leaves
// every sorter's order and its offer filters are dropped (Mesos clears
// them so they do not outlive a framework that fails over).
func (c *Core) DeactivateFramework(id string) error {
	fw, err := c.framework("deactivate framework", id)
	if err != nil {
		return err
	}
	fw.active = false
	for _, fr := range fw.roles {
		c.syncActivation(fr)
		c.dropFilters(fr)
	}
	return nil
}

// UpdateFramework models updateFramework: new roles are tracked, removed
// roles are untracked once the framework holds nothing in them,
// capabilities and min allocatable overrides are replaced, and
// suppressedRoles become the suppressed set.
func (c *Core) UpdateFramework(info FrameworkInfo, suppressedRoles []string) error {
	if err := validateFramework("update framework", info); err != nil {
		return err
	}
	fw, err := c.framework("update framework", info.ID)
	if err != nil {
		return err
	}
	fw.info = info.clone()
	for _, r := range fw.info.Roles {
		c.subscribe(fw, r, slices.Contains(suppressedRoles, r))
	}
	for _, name := range slices.Sorted(maps.Keys(fw.roles)) {
		if slices.Contains(fw.info.Roles, name) {
			continue
		}
		fr := fw.roles[name]
		fr.subscribed = false
		c.dropFilters(fr)
		c.syncActivation(fr)
		c.tryUntrackFrameworkUnderRole(fw, name)
	}
	return nil
}

// SuppressOffers models suppressOffers: the framework leaves the order of
// the given roles (all its roles when none are given) until revived.
func (c *Core) SuppressOffers(id string, roles []string) error {
	fw, err := c.framework("suppress offers", id)
	if err != nil {
		return err
	}
	for _, fr := range c.rolesOf(fw, roles) {
		fr.suppressed = true
		c.syncActivation(fr)
	}
	return nil
}

// ReviveOffers models reviveOffers: the framework's offer filters for the
// roles (all its roles when none are given) are cleared and the roles are
// unsuppressed. The caller should then allocate.
func (c *Core) ReviveOffers(id string, roles []string) error {
	fw, err := c.framework("revive offers", id)
	if err != nil {
		return err
	}
	for _, fr := range c.rolesOf(fw, roles) {
		c.dropFilters(fr)
		fr.suppressed = false
		c.syncActivation(fr)
	}
	return nil
}

// rolesOf returns the framework's subscribed roles among names (all of
// them when names is empty), in name order.
func (c *Core) rolesOf(fw *framework, names []string) []*frameworkRole {
	var out []*frameworkRole
	for _, name := range slices.Sorted(maps.Keys(fw.roles)) {
		fr := fw.roles[name]
		if fr.subscribed && (len(names) == 0 || slices.Contains(names, name)) {
			out = append(out, fr)
		}
	}
	return out
}
