package mesos

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

func validateRoles(field string, roles []string) error {
	if err := ValidateCount(field, len(roles)); err != nil {
		return err
	}
	for i, r := range roles {
		if err := resources.ValidateRole(r); err != nil {
			return Invalid(Index(field, i), "invalid role: %v", err)
		}
		if slices.Contains(roles[:i], r) {
			return Invalid(Index(field, i), "duplicate role %q", r)
		}
	}
	return nil
}

// Validate checks a FrameworkInfo as the master does on SUBSCRIBE
// (validation::framework::validate in src/master/validation.cpp): user
// and name are present, role and roles agree with MULTI_ROLE and are valid
// roles without duplicates, the id (if any) is a valid ID, capabilities
// are known, offer filters name non-negative quantities.
func (f *FrameworkInfo) Validate() error {
	if f.User == "" {
		return Missing("user")
	}
	if f.Name == "" {
		return Missing("name")
	}
	if f.ID != nil && f.ID.Value != "" {
		if err := ValidateID("id.value", f.ID.Value); err != nil {
			return err
		}
	}
	if math.IsNaN(f.FailoverTimeout) || f.FailoverTimeout < 0 {
		return Invalid("failover_timeout", "must be a non-negative number of seconds")
	}
	for i, c := range f.Capabilities {
		if err := ValidateEnum(Index("capabilities", i)+".type", c.Type); err != nil {
			return err
		}
	}
	if f.HasCapability(FrameworkMultiRole) {
		if f.Role != "" {
			return Invalid("role", "must not be set when the framework is MULTI_ROLE capable")
		}
		if err := validateRoles("roles", f.Roles); err != nil {
			return err
		}
	} else {
		if len(f.Roles) > 0 {
			return Invalid("roles", "must not be set when the framework is not MULTI_ROLE capable")
		}
		if f.Role != "" {
			if err := resources.ValidateRole(f.Role); err != nil {
				return Invalid("role", "not a valid role: %v", err)
			}
		}
	}
	for _, role := range slices.Sorted(maps.Keys(f.OfferFilters)) {
		of := f.OfferFilters[role]
		if of.MinAllocatableResources == nil {
			continue
		}
		for i, q := range of.MinAllocatableResources.Quantities {
			for _, name := range slices.Sorted(maps.Keys(q.Quantities)) {
				s := q.Quantities[name]
				if math.IsNaN(s.Value) || s.Value < 0 {
					return Invalid(fmt.Sprintf("offer_filters[%q].min_allocatable_resources.quantities[%d].quantities[%q]", role, i, name), "must be a non-negative number")
				}
			}
		}
	}
	return nil
}
