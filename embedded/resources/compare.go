package resources

// Equality and combinability of single resources, modelling the helpers at
// the top of src/common/resources.cpp: compareResourceMetadata,
// operator==(Resource), internal::addable, internal::subtractable and
// mesos::contains(Resource, Resource).

func labelsEqual(a, b *Labels) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	if a == nil {
		return true
	}
	// Order is not important: same size and every left label found on
	// the right (operator==(Labels) in src/common/type_utils.cpp).
	if len(a.Labels) != len(b.Labels) {
		return false
	}
	for _, la := range a.Labels {
		found := false
		for _, lb := range b.Labels {
			if la.Key == lb.Key && labelValue(la) == labelValue(lb) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// labelValue is Label::value(): the empty string when unset.
func labelValue(l Label) string {
	if l.Value == nil {
		return ""
	}
	return *l.Value
}

func optionalEqual(a, b *string) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	return a == nil || *a == *b
}

// reservationEqual models operator==(ReservationInfo).
func reservationEqual(a, b *ReservationInfo) bool {
	return a.Type == b.Type && a.Role == b.Role && a.Principal == b.Principal &&
		labelsEqual(a.Labels, b.Labels)
}

func reservationsEqual(a, b []ReservationInfo) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reservationEqual(&a[i], &b[i]) {
			return false
		}
	}
	return true
}

func allocationEqual(a, b *AllocationInfo) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	return a == nil || a.Role == b.Role
}

func rootEqual(a, b *DiskSourceRoot) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	return a == nil || optionalEqual(a.Root, b.Root)
}

// diskSourceEqual models operator==(DiskInfo::Source).
func diskSourceEqual(a, b *DiskSource) bool {
	return a.Type == b.Type && rootEqual(a.Path, b.Path) &&
		rootEqual(a.Mount, b.Mount) && a.Vendor == b.Vendor && a.ID == b.ID &&
		labelsEqual(a.Metadata, b.Metadata) && a.Profile == b.Profile
}

// diskEqual models operator==(DiskInfo): source and persistence ID only;
// the volume describes a use of the resource and is ignored.
func diskEqual(a, b *DiskInfo) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	if a == nil {
		return true
	}
	if (a.Source == nil) != (b.Source == nil) {
		return false
	}
	if a.Source != nil && !diskSourceEqual(a.Source, b.Source) {
		return false
	}
	if (a.Persistence == nil) != (b.Persistence == nil) {
		return false
	}
	return a.Persistence == nil || a.Persistence.ID == b.Persistence.ID
}

// sameMetadata models compareResourceMetadata.
func sameMetadata(a, b *Resource) bool {
	return a.Name == b.Name && a.Type == b.Type &&
		allocationEqual(a.AllocationInfo, b.AllocationInfo) &&
		reservationsEqual(a.Reservations, b.Reservations) &&
		diskEqual(a.Disk, b.Disk) && a.Revocable == b.Revocable &&
		a.ProviderID == b.ProviderID && a.Shared == b.Shared
}

// Equal reports whether two resources are equal the way Mesos's
// operator==(Resource) decides: same metadata and the same value at
// three-decimal precision (ranges compared after coalescing).
func (r Resource) Equal(o Resource) bool { return resourceEqual(&r, &o) }

func resourceEqual(r, o *Resource) bool {
	return sameMetadata(r, o) && valueEqual(r, o)
}

func valueEqual(a, b *Resource) bool {
	switch a.Type {
	case TypeScalar:
		return toFixed(a.Scalar) == toFixed(b.Scalar)
	case TypeRanges:
		return rangesEqual(normalizeRanges(a.Ranges), normalizeRanges(b.Ranges))
	case TypeSet:
		return setEqual(a.Set, b.Set)
	}
	return false
}

// commonMetadata checks the fields both addable and subtractable require
// to match for non-shared resources (everything but the disk rules).
func commonMetadata(a, b *Resource) bool {
	return a.Name == b.Name && a.Type == b.Type &&
		allocationEqual(a.AllocationInfo, b.AllocationInfo) &&
		reservationsEqual(a.Reservations, b.Reservations) &&
		a.Revocable == b.Revocable && a.ProviderID == b.ProviderID
}

// addable models internal::addable: whether a and b can be merged into a
// single Resource.
func addable(a, b *Resource) bool {
	if a.Shared != b.Shared {
		return false
	}
	if a.Shared {
		return resourceEqual(a, b)
	}
	if !commonMetadata(a, b) {
		return false
	}
	if (a.Disk == nil) != (b.Disk == nil) {
		return false
	}
	if a.Disk != nil {
		if !diskEqual(a.Disk, b.Disk) {
			return false
		}
		if s := a.Disk.Source; s != nil {
			switch s.Type {
			case DiskSourceBlock, DiskSourceMount:
				return false
			case DiskSourceRaw:
				if s.ID != "" {
					return false
				}
			}
		}
		if a.Disk.Persistence != nil {
			return false
		}
	}
	return true
}

// subtractable models internal::subtractable.
func subtractable(a, b *Resource) bool {
	if a.Shared != b.Shared {
		return false
	}
	if a.Shared {
		return resourceEqual(a, b)
	}
	if !commonMetadata(a, b) {
		return false
	}
	if (a.Disk == nil) != (b.Disk == nil) {
		return false
	}
	if a.Disk != nil {
		if !diskEqual(a.Disk, b.Disk) {
			return false
		}
		if s := a.Disk.Source; s != nil {
			switch s.Type {
			case DiskSourceBlock, DiskSourceMount:
				if !resourceEqual(a, b) {
					return false
				}
			case DiskSourceRaw:
				if s.ID != "" && !resourceEqual(a, b) {
					return false
				}
			}
		}
		if a.Disk.Persistence != nil && !resourceEqual(a, b) {
			return false
		}
	}
	return true
}

// containsResource models mesos::contains(const Resource&, const Resource&)
// for the entries of a Resources, whose ranges are always coalesced: b
// fits inside a.
func containsResource(a, b *Resource) bool {
	if !subtractable(a, b) {
		return false
	}
	switch a.Type {
	case TypeScalar:
		return toFixed(b.Scalar) <= toFixed(a.Scalar)
	case TypeRanges:
		return rangesSubset(b.Ranges, a.Ranges)
	case TypeSet:
		return setSubset(b.Set, a.Set)
	}
	return false
}

// Same reports whether rs and o are one and the same storage: the same
// entries, not copies of them. Values that share read-only storage (an
// allocator's offer and its record of it) are then equal without a
// comparison; different storage says nothing either way.
func (rs Resources) Same(o Resources) bool {
	return len(rs.items) == len(o.items) && (len(rs.items) == 0 || &rs.items[0] == &o.items[0])
}

// EqualExceptAllocation reports whether rs and o hold equal entries in the
// same order, allocation_info aside: whether o is a copy of rs allocated to
// some role (Allocated keeps the order), or rs of o. It is an exact but
// order-sensitive test: equal collections in another order give false.
func (rs Resources) EqualExceptAllocation(o Resources) bool {
	if len(rs.items) != len(o.items) {
		return false
	}
	for i := range rs.items {
		a, b := rs.items[i].r, o.items[i].r // copies: AllocationInfo is cleared below
		if rs.items[i].count != o.items[i].count {
			return false
		}
		a.AllocationInfo, b.AllocationInfo = nil, nil
		if !resourceEqual(&a, &b) {
			return false
		}
	}
	return true
}
