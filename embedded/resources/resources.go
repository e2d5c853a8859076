package resources

import (
	"iter"
	"slices"
)

// Resources is a collection of resources with Mesos's merge semantics
// (class Resources in src/common/resources.cpp): adding a resource merges
// it into an existing entry with the same name, type, reservations,
// allocation, disk, revocability and provider, or appends it otherwise;
// empty resources are dropped; shared resources are counted rather than
// summed.
//
// The zero value is empty and ready to use. Resources behaves like a
// slice: copying the struct shares the underlying entries, so use Clone
// before mutating a copy that is still used elsewhere. The methods with
// pointer receivers (Add, Subtract, ...) mutate in place; Plus and Minus
// return new values. Nested slices of entries are never modified in place,
// so a Clone is a single allocation.
type Resources struct {
	items []entry
}

// entry models Resources::Resource_: a resource plus, for shared
// resources, the number of copies (sharedCount).
type entry struct {
	r     Resource
	count int
}

func newEntry(r Resource) entry {
	if r.Type == TypeRanges {
		r.Ranges = normalizeRanges(r.Ranges)
	}
	e := entry{r: r}
	if r.Shared {
		e.count = 1
	}
	return e
}

// isEmpty models Resource_::isEmpty.
func (e *entry) isEmpty() bool {
	if e.r.Shared && e.count == 0 {
		return true
	}
	return e.r.IsEmpty()
}

// plus models Resource_::operator+= (the entries must be addable).
func (e *entry) plus(o *entry) {
	if e.r.Shared {
		e.count += o.count
		return
	}
	switch e.r.Type {
	case TypeScalar:
		e.r.Scalar = fromFixed(toFixed(e.r.Scalar) + toFixed(o.r.Scalar))
	case TypeRanges:
		e.r.Ranges = addRanges(e.r.Ranges, o.r.Ranges)
	case TypeSet:
		e.r.Set = addSet(e.r.Set, o.r.Set)
	}
}

// minus models Resource_::operator-= (the entries must be subtractable).
func (e *entry) minus(o *entry) {
	if e.r.Shared {
		e.count -= o.count
		return
	}
	switch e.r.Type {
	case TypeScalar:
		e.r.Scalar = fromFixed(toFixed(e.r.Scalar) - toFixed(o.r.Scalar))
	case TypeRanges:
		e.r.Ranges = subtractRanges(e.r.Ranges, o.r.Ranges)
	case TypeSet:
		e.r.Set = subtractSet(e.r.Set, o.r.Set)
	}
}

// contains models Resource_::contains.
func (e *entry) contains(o *entry) bool {
	if e.r.Shared != o.r.Shared {
		return false
	}
	if e.r.Shared {
		return e.count >= o.count && resourceEqual(&e.r, &o.r)
	}
	return containsResource(&e.r, &o.r)
}

// New returns the sum of rs after validating each one; unlike AddResource
// it reports the first invalid resource instead of skipping it.
func New(rs ...Resource) (Resources, error) {
	var out Resources
	out.items = make([]entry, 0, len(rs))
	for _, r := range rs {
		if err := Validate(r); err != nil {
			return Resources{}, err
		}
		out.add(newEntry(r))
	}
	return out, nil
}

// Must is New for literals in tests and examples: it panics on an invalid
// resource.
func Must(rs ...Resource) Resources {
	out, err := New(rs...)
	if err != nil {
		panic(err)
	}
	return out
}

// Len returns the number of entries (Resources::size): merged resources
// count once and a shared resource counts once whatever its copies.
func (rs Resources) Len() int { return len(rs.items) }

// IsEmpty reports whether there are no resources.
func (rs Resources) IsEmpty() bool { return len(rs.items) == 0 }

// All iterates over the entries in order. For a shared resource the
// entry is yielded once; Count reports its copies.
func (rs Resources) All() iter.Seq[Resource] {
	return func(yield func(Resource) bool) {
		for i := range rs.items {
			if !yield(rs.items[i].r) {
				return
			}
		}
	}
}

// Slice returns the entries as a new slice of resources (one per entry,
// like the conversion to RepeatedPtrField<Resource>).
func (rs Resources) Slice() []Resource {
	out := make([]Resource, len(rs.items))
	for i := range rs.items {
		out[i] = rs.items[i].r
	}
	return out
}

// At returns entry i (0 <= i < Len).
func (rs Resources) At(i int) Resource { return rs.items[i].r }

// Clone returns a copy that can be mutated independently.
func (rs Resources) Clone() Resources {
	if rs.items == nil {
		return Resources{}
	}
	return Resources{items: slices.Clone(rs.items)}
}

// Count returns how many copies of r the collection holds: the shared
// count for a shared resource, 1 for a non-shared resource present as an
// identical entry, else 0 (Resources::count).
func (rs Resources) Count(r Resource) int {
	for i := range rs.items {
		e := &rs.items[i]
		if resourceEqual(&e.r, &r) {
			if e.r.Shared {
				return e.count
			}
			return 1
		}
	}
	return 0
}

// add models Resources::add(Resource_): merge into the first addable
// entry or append.
func (rs *Resources) add(e entry) {
	if e.isEmpty() {
		return
	}
	for i := range rs.items {
		if addable(&rs.items[i].r, &e.r) {
			rs.items[i].plus(&e)
			return
		}
	}
	rs.items = append(rs.items, e)
}

// subtract models Resources::subtract(Resource_): subtract from the first
// subtractable entry, dropping it (swap with last) when it becomes empty
// or negative.
func (rs *Resources) subtract(e *entry) {
	if e.isEmpty() {
		return
	}
	for i := range rs.items {
		cur := &rs.items[i]
		if !subtractable(&cur.r, &e.r) {
			continue
		}
		cur.minus(e)
		negative := (cur.r.Shared && cur.count < 0) ||
			(cur.r.Type == TypeScalar && cur.r.Scalar < 0)
		if negative || cur.isEmpty() {
			last := len(rs.items) - 1
			rs.items[i] = rs.items[last]
			rs.items[last] = entry{}
			rs.items = rs.items[:last]
		}
		return
	}
}

// AddResource adds one resource in place. Like Mesos's
// operator+=(Resource), an invalid resource is silently ignored (use
// Validate or New to report it); an empty one is dropped.
func (rs *Resources) AddResource(r Resource) {
	if validateReason(&r) != "" {
		return
	}
	rs.add(newEntry(r))
}

// SubtractResource subtracts one resource in place; invalid resources are
// ignored, like Mesos's operator-=(Resource).
func (rs *Resources) SubtractResource(r Resource) {
	if validateReason(&r) != "" {
		return
	}
	e := newEntry(r)
	rs.subtract(&e)
}

// Add adds every entry of o in place (operator+=(Resources)). Scalars
// merge without allocating.
func (rs *Resources) Add(o Resources) {
	if len(rs.items) == 0 {
		// o's entries are already merged, valid and non-empty.
		if len(o.items) > 0 {
			rs.items = slices.Clone(o.items)
		}
		return
	}
	for i := range o.items {
		rs.add(o.items[i])
	}
}

// AddUnallocated adds o with allocation_info cleared, in place: what
// recovered resources do to an agent's available resources (Add of a copy
// of o after Unallocate, without the copy). Entries that differed only in
// their allocation role merge.
func (rs *Resources) AddUnallocated(o Resources) {
	if len(rs.items) == 0 {
		rs.items = make([]entry, 0, len(o.items))
	}
	for i := range o.items {
		e := o.items[i]
		e.r.AllocationInfo = nil
		rs.add(e)
	}
}

// Subtract subtracts every entry of o in place (operator-=(Resources)).
// Subtracting more than is present removes the entry, as in Mesos.
func (rs *Resources) Subtract(o Resources) {
	for i := range o.items {
		rs.subtract(&o.items[i])
	}
}

// Plus returns rs + o as a new value.
func (rs Resources) Plus(o Resources) Resources {
	out := Resources{items: make([]entry, len(rs.items), len(rs.items)+len(o.items))}
	copy(out.items, rs.items)
	out.Add(o)
	return out
}

// Minus returns rs - o as a new value.
func (rs Resources) Minus(o Resources) Resources {
	out := rs.Clone()
	out.Subtract(o)
	return out
}

// Contains reports whether o fits inside rs (Resources::contains): every
// entry of o is contained in some entry of rs, and persistent volumes are
// consumed as they are matched. It does not allocate unless o holds
// persistent volumes.
func (rs Resources) Contains(o Resources) bool {
	remaining := rs
	cloned := false
	for i := range o.items {
		e := &o.items[i]
		if !remaining.containsEntry(e) {
			return false
		}
		if e.r.IsPersistentVolume() {
			if !cloned {
				remaining = remaining.Clone()
				cloned = true
			}
			remaining.subtract(e)
		}
	}
	return true
}

// ContainsResource reports whether the single resource r fits inside rs.
// An invalid r is never contained (Resources::contains(Resource)).
func (rs Resources) ContainsResource(r Resource) bool {
	if validateReason(&r) != "" {
		return false
	}
	e := newEntry(r)
	return rs.containsEntry(&e)
}

func (rs Resources) containsEntry(e *entry) bool {
	for i := range rs.items {
		if rs.items[i].contains(e) {
			return true
		}
	}
	return false
}

// Equal reports whether rs and o contain each other (operator==).
func (rs Resources) Equal(o Resources) bool {
	return rs.Contains(o) && o.Contains(rs)
}

// ContainsQuantities reports whether rs holds at least the given
// quantities, counting scalars by value, sets by item and ranges by the
// numbers covered, regardless of reservations or other metadata
// (Resources::contains(ResourceQuantities)).
func (rs Resources) ContainsQuantities(q Quantities) bool {
	for _, qe := range q.entries {
		remaining := qe.Value
		for i := range rs.items {
			r := &rs.items[i].r
			if r.Name != qe.Name {
				continue
			}
			switch r.Type {
			case TypeScalar:
				remaining -= r.Scalar
			case TypeSet:
				remaining -= float64(len(r.Set))
			case TypeRanges:
				for _, rg := range r.Ranges {
					remaining -= float64(rg.End - rg.Begin + 1)
					if remaining <= 0 {
						break
					}
				}
			}
			if remaining <= 0 {
				break
			}
		}
		if remaining > 0 {
			return false
		}
	}
	return true
}
