package resources

import (
	"maps"
	"slices"
)

// Filter returns the entries for which keep returns true, in order
// (Resources::filter). Entries are copied, not re-merged.
func (rs Resources) Filter(keep func(r *Resource) bool) Resources {
	var out Resources
	for i := range rs.items {
		if keep(&rs.items[i].r) {
			if out.items == nil {
				out.items = make([]entry, 0, len(rs.items)-i)
			}
			out.items = append(out.items, rs.items[i])
		}
	}
	return out
}

// Named returns the resources called name (Resources::get(name)).
func (rs Resources) Named(name string) Resources {
	return rs.Filter(func(r *Resource) bool { return r.Name == name })
}

// Scalars returns the SCALAR resources.
func (rs Resources) Scalars() Resources {
	return rs.Filter(func(r *Resource) bool { return r.Type == TypeScalar })
}

// Reserved returns the resources reserved to role, or to any role when
// role is empty (Resources::reserved).
func (rs Resources) Reserved(role string) Resources {
	return rs.Filter(func(r *Resource) bool { return r.IsReserved(role) })
}

// Unreserved returns the unreserved resources.
func (rs Resources) Unreserved() Resources {
	return rs.Filter(func(r *Resource) bool { return r.IsUnreserved() })
}

// AllocatableTo returns the resources that can be offered to role:
// unreserved ones and those reserved to role or an ancestor.
func (rs Resources) AllocatableTo(role string) Resources {
	return rs.Filter(func(r *Resource) bool { return r.IsAllocatableTo(role) })
}

// ReservedToRoleSubtree returns resources reserved to role or a
// descendant of it.
func (rs Resources) ReservedToRoleSubtree(role string) Resources {
	return rs.Filter(func(r *Resource) bool { return r.IsReservedToRoleSubtree(role) })
}

// AllocatedToRoleSubtree returns resources allocated to role or a
// descendant of it.
func (rs Resources) AllocatedToRoleSubtree(role string) Resources {
	return rs.Filter(func(r *Resource) bool { return r.IsAllocatedToRoleSubtree(role) })
}

// Revocable returns the revocable resources.
func (rs Resources) Revocable() Resources {
	return rs.Filter(func(r *Resource) bool { return r.Revocable })
}

// NonRevocable returns the non-revocable resources.
func (rs Resources) NonRevocable() Resources {
	return rs.Filter(func(r *Resource) bool { return !r.Revocable })
}

// Shared returns the shared resources (with their counts).
func (rs Resources) Shared() Resources {
	return rs.Filter(func(r *Resource) bool { return r.Shared })
}

// NonShared returns the non-shared resources.
func (rs Resources) NonShared() Resources {
	return rs.Filter(func(r *Resource) bool { return !r.Shared })
}

// PersistentVolumes returns the disk resources with a persistence ID.
func (rs Resources) PersistentVolumes() Resources {
	return rs.Filter(func(r *Resource) bool { return r.IsPersistentVolume() })
}

// Reservations groups the reserved resources by reservation role
// (Resources::reservations).
func (rs Resources) Reservations() map[string]Resources {
	out := map[string]Resources{}
	for i := range rs.items {
		e := rs.items[i]
		if e.r.IsUnreserved() {
			continue
		}
		role := e.r.ReservationRole()
		g := out[role]
		g.add(e)
		out[role] = g
	}
	return out
}

// Allocations groups the resources by allocation_info.role
// (Resources::allocations); unallocated resources are grouped under "".
func (rs Resources) Allocations() map[string]Resources {
	out := map[string]Resources{}
	for i := range rs.items {
		e := rs.items[i]
		role := e.r.AllocationRole()
		g := out[role]
		g.add(e)
		out[role] = g
	}
	return out
}

// SingleAllocationRole returns the allocation_info.role that every entry
// shares ("" for unallocated entries) and true, or false when rs is empty
// or its entries are allocated to different roles: len(Allocations()) == 1
// and that group's role, without building the groups.
func (rs Resources) SingleAllocationRole() (string, bool) {
	if len(rs.items) == 0 {
		return "", false
	}
	role := rs.items[0].r.AllocationRole()
	for i := 1; i < len(rs.items); i++ {
		if rs.items[i].r.AllocationRole() != role {
			return "", false
		}
	}
	return role, true
}

// Allocate sets allocation_info.role on every entry, in place
// (Resources::allocate).
func (rs *Resources) Allocate(role string) {
	rs.AllocateInfo(&AllocationInfo{Role: role})
}

// AllocateInfo is Allocate with an AllocationInfo the caller keeps (the
// allocator has one per framework and role): every entry points at info,
// which must not be changed afterwards.
func (rs *Resources) AllocateInfo(info *AllocationInfo) {
	for i := range rs.items {
		rs.items[i].r.AllocationInfo = info
	}
}

// Unallocate clears allocation_info on every entry, in place.
func (rs *Resources) Unallocate() {
	for i := range rs.items {
		rs.items[i].r.AllocationInfo = nil
	}
}

// Allocated returns a copy with allocation_info.role set to role.
func (rs Resources) Allocated(role string) Resources {
	out := rs.Clone()
	out.Allocate(role)
	return out
}

// PushReservation returns the resources with reservation pushed onto each
// entry's reservation stack (Resources::pushReservation). It fails when
// the result would be invalid, for example a refinement that is not a
// descendant of the current reservation role.
func (rs Resources) PushReservation(reservation ReservationInfo) (Resources, error) {
	var out Resources
	for i := range rs.items {
		e := rs.items[i]
		e.r.Reservations = append(slices.Clip(e.r.Reservations), reservation)
		if err := Validate(e.r); err != nil {
			return Resources{}, err
		}
		out.add(e)
	}
	return out, nil
}

// PopReservation returns the resources with the last reservation removed
// from each entry (Resources::popReservation); unreserved entries are kept
// as they are.
func (rs Resources) PopReservation() Resources {
	var out Resources
	for i := range rs.items {
		e := rs.items[i]
		if n := len(e.r.Reservations); n > 0 {
			e.r.Reservations = slices.Clip(e.r.Reservations[:n-1])
			if len(e.r.Reservations) == 0 {
				e.r.Reservations = nil
			}
		}
		out.add(e)
	}
	return out
}

// ToUnreserved returns the resources with every reservation removed,
// merged (Resources::toUnreserved).
func (rs Resources) ToUnreserved() Resources {
	var out Resources
	for i := range rs.items {
		e := rs.items[i]
		e.r.Reservations = nil
		out.add(e)
	}
	return out
}

// Flatten returns the resources stripped of reservations and allocation
// info and merged: what a quantity of "the same stuff" looks like
// regardless of who may use it. It models the Resources::flatten of Mesos
// before reservation refinement, whose 1.11 equivalent is
// toUnreserved() followed by unallocate().
func (rs Resources) Flatten() Resources {
	var out Resources
	for i := range rs.items {
		e := rs.items[i]
		e.r.Reservations = nil
		e.r.AllocationInfo = nil
		out.add(e)
	}
	return out
}

// Names returns the distinct resource names, sorted (Resources::names).
func (rs Resources) Names() []string {
	seen := map[string]struct{}{}
	for i := range rs.items {
		seen[rs.items[i].r.Name] = struct{}{}
	}
	return slices.Sorted(maps.Keys(seen))
}

// Types returns the type of each resource name (Resources::types; the
// last entry wins when types conflict).
func (rs Resources) Types() map[string]ValueType {
	out := make(map[string]ValueType, len(rs.items))
	for i := range rs.items {
		out[rs.items[i].r.Name] = rs.items[i].r.Type
	}
	return out
}

// ScalarValue returns the sum of the SCALAR resources called name, added
// with Mesos's fixed-point arithmetic, and whether any was found
// (Resources::get<Value::Scalar>; cpus(), mem(), disk() and gpus() are
// ScalarValue("cpus") and so on).
func (rs Resources) ScalarValue(name string) (float64, bool) {
	var total int64
	found := false
	for i := range rs.items {
		r := &rs.items[i].r
		if r.Name == name && r.Type == TypeScalar {
			total += toFixed(r.Scalar)
			found = true
		}
	}
	return fromFixed(total), found
}

// RangesValue returns the coalesced union of the RANGES resources called
// name and whether any was found (Resources::get<Value::Ranges>;
// ports() is RangesValue("ports")).
func (rs Resources) RangesValue(name string) ([]Range, bool) {
	var total []Range
	found := false
	for i := range rs.items {
		r := &rs.items[i].r
		if r.Name == name && r.Type == TypeRanges {
			total = addRanges(total, r.Ranges)
			found = true
		}
	}
	return slices.Clone(total), found
}

// SetValue returns the union of the SET resources called name and
// whether any was found (Resources::get<Value::Set>).
func (rs Resources) SetValue(name string) ([]string, bool) {
	var total []string
	found := false
	for i := range rs.items {
		r := &rs.items[i].r
		if r.Name == name && r.Type == TypeSet {
			total = addSet(total, r.Set)
			found = true
		}
	}
	return slices.Clone(total), found
}
