package resources

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"unsafe"
)

// Quantities is a set of scalar quantities aggregated by resource name
// only, kept sorted by name: Mesos's ResourceQuantities
// (src/common/resource_quantities.cpp). It is what the DRF sorter and
// quota work with: reserved, unreserved and revocable "cpus" all add into
// "cpus", and entries are never zero or negative.
//
// The zero value is empty. Like Resources, Quantities has slice semantics:
// Clone before mutating a shared copy. In-place Add and Subtract do not
// allocate when the names are already present.
type Quantities struct {
	entries []Quantity
}

// Quantity is one (name, value) pair of Quantities.
type Quantity struct {
	Name  string
	Value float64
}

// ParseQuantities parses "cpus:10;mem:1024;ports:3" like
// ResourceQuantities::fromString: pairs are trimmed, values must be
// non-negative finite scalars, duplicate names are summed and zeros are
// dropped.
func ParseQuantities(text string) (Quantities, error) {
	var q Quantities
	for _, token := range tokenize(text, ";") {
		pair := tokenize(token, ":")
		if len(pair) != 2 {
			return Quantities{}, fmt.Errorf("resources: parse quantities %q: failed to parse '%s': missing or extra ':'", text, token)
		}
		v, err := parseValue(pair[1])
		if err != nil {
			return Quantities{}, fmt.Errorf("resources: parse quantities %q: failed to parse '%s' to quantity: %w", text, pair[1], err)
		}
		if v.Type != TypeScalar {
			return Quantities{}, fmt.Errorf("resources: parse quantities %q: failed to parse '%s' to quantity: only scalar values are allowed", text, pair[1])
		}
		q.AddScalar(strings.TrimSpace(pair[0]), v.Scalar)
	}
	return q, nil
}

// MustQuantities is ParseQuantities for literals; it panics on error.
func MustQuantities(text string) Quantities {
	q, err := ParseQuantities(text)
	if err != nil {
		panic(err)
	}
	return q
}

// QuantitiesOf builds quantities from name/value pairs (values <= 0 are
// dropped, duplicates summed).
func QuantitiesOf(pairs ...Quantity) Quantities {
	var q Quantities
	for _, p := range pairs {
		q.AddScalar(p.Name, p.Value)
	}
	return q
}

// ScalarQuantities returns the quantities of the SCALAR resources, by name
// only (ResourceQuantities::fromScalarResources(resources.scalars())).
// Non-scalar entries are skipped; a shared resource counts once.
func (rs Resources) ScalarQuantities() Quantities {
	var q Quantities
	q.AddScalarsOf(rs)
	return q
}

// Quantities returns the quantities of all resources: scalars by value,
// sets by item count and ranges by the count of numbers covered
// (ResourceQuantities::fromResources).
func (rs Resources) Quantities() Quantities {
	var q Quantities
	for i := range rs.items {
		r := &rs.items[i].r
		switch r.Type {
		case TypeScalar:
			q.AddScalar(r.Name, r.Scalar)
		case TypeSet:
			q.AddScalar(r.Name, float64(len(r.Set)))
		case TypeRanges:
			for _, rg := range r.Ranges {
				q.AddScalar(r.Name, float64(rg.End-rg.Begin+1))
			}
		}
	}
	return q
}

// AddScalarsOf adds the scalar entries of rs into q in place, without
// building an intermediate Quantities.
func (q *Quantities) AddScalarsOf(rs Resources) {
	for i := range rs.items {
		r := &rs.items[i].r
		if r.Type == TypeScalar {
			q.AddScalar(r.Name, r.Scalar)
		}
	}
}

// AddScalar adds value to the quantity called name, modelling the private
// ResourceQuantities::add: a value that is zero at three-decimal precision
// (or negative) is ignored; a new name is inserted with value unchanged and
// an existing one is summed with fixed-point arithmetic.
func (q *Quantities) AddScalar(name string, value float64) {
	fv := toFixed(value)
	if fv <= 0 {
		return
	}
	i := q.search(name)
	if i < len(q.entries) && q.entries[i].Name == name {
		q.entries[i].Value = fromFixed(toFixed(q.entries[i].Value) + fv)
		return
	}
	q.entries = slices.Insert(q.entries, i, Quantity{Name: name, Value: value})
}

// search returns the index of name or of where it would be inserted.
func (q *Quantities) search(name string) int {
	for i := range q.entries {
		if q.entries[i].Name >= name {
			return i
		}
	}
	return len(q.entries)
}

// SubtractScalar subtracts value from the quantity called name; the entry
// is dropped when the result is zero or negative, and an absent name is
// left absent (one step of ResourceQuantities::operator-=).
func (q *Quantities) SubtractScalar(name string, value float64) {
	i := q.search(name)
	if i >= len(q.entries) || q.entries[i].Name != name {
		return
	}
	if toFixed(q.entries[i].Value) <= toFixed(value) {
		q.entries = slices.Delete(q.entries, i, i+1)
		return
	}
	q.entries[i].Value = fromFixed(toFixed(q.entries[i].Value) - toFixed(value))
}

// Get returns the quantity called name, or 0 when absent.
func (q Quantities) Get(name string) float64 {
	for i := range q.entries {
		if q.entries[i].Name == name {
			return q.entries[i].Value
		}
		if q.entries[i].Name > name {
			break
		}
	}
	return 0
}

// Reset empties q, keeping its storage for reuse.
func (q *Quantities) Reset() { q.entries = q.entries[:0] }

// Len returns the number of names.
func (q Quantities) Len() int { return len(q.entries) }

// IsEmpty reports whether there are no quantities.
func (q Quantities) IsEmpty() bool { return len(q.entries) == 0 }

// All iterates over the quantities in name order.
func (q Quantities) All() iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		for _, e := range q.entries {
			if !yield(e.Name, e.Value) {
				return
			}
		}
	}
}

// Slice returns the quantities as a new slice, in name order.
func (q Quantities) Slice() []Quantity { return slices.Clone(q.entries) }

// Clone returns a copy that can be mutated independently.
func (q Quantities) Clone() Quantities {
	if q.entries == nil {
		return Quantities{}
	}
	return Quantities{entries: slices.Clone(q.entries)}
}

// Add adds o into q in place (ResourceQuantities::operator+=).
func (q *Quantities) Add(o Quantities) {
	if sameNames(q.entries, o.entries) {
		// The common case (an allocation of cpus, mem and disk added to a total
		// of the same): no search.
		for i := range o.entries {
			q.entries[i].Value = addFixed(q.entries[i].Value, o.entries[i].Value)
		}
		return
	}
	for _, e := range o.entries {
		q.addEntry(e)
	}
}

// sameNames reports whether a and b name the same resources in the same order.
func sameNames(a, b []Quantity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i].Name, b[i].Name
		// Names usually share their bytes (entries are copied from one
		// another), which settles it without comparing them.
		if len(x) != len(y) || unsafe.StringData(x) != unsafe.StringData(y) && x != y {
			return false
		}
	}
	return true
}

// addEntry adds without the zero check, as operator+= copies the other
// side's (already positive) entries verbatim.
func (q *Quantities) addEntry(e Quantity) {
	i := q.search(e.Name)
	if i < len(q.entries) && q.entries[i].Name == e.Name {
		q.entries[i].Value = addFixed(q.entries[i].Value, e.Value)
		return
	}
	q.entries = slices.Insert(q.entries, i, e)
}

// Subtract subtracts o from q in place (ResourceQuantities::operator-=):
// entries that reach zero or below are dropped, names absent from q are
// ignored.
func (q *Quantities) Subtract(o Quantities) {
	for _, e := range o.entries {
		q.SubtractScalar(e.Name, e.Value)
	}
}

// Plus returns q + o as a new value.
func (q Quantities) Plus(o Quantities) Quantities {
	out := Quantities{entries: make([]Quantity, len(q.entries), len(q.entries)+len(o.entries))}
	copy(out.entries, q.entries)
	out.Add(o)
	return out
}

// Minus returns q - o as a new value.
func (q Quantities) Minus(o Quantities) Quantities {
	out := q.Clone()
	out.Subtract(o)
	return out
}

// Contains reports whether q holds at least every quantity of o
// (ResourceQuantities::contains).
func (q Quantities) Contains(o Quantities) bool {
	i := 0
	for _, e := range o.entries {
		for i < len(q.entries) && q.entries[i].Name < e.Name {
			i++
		}
		if i >= len(q.entries) || q.entries[i].Name != e.Name {
			return false
		}
		if toFixed(q.entries[i].Value) < toFixed(e.Value) {
			return false
		}
		i++
	}
	return true
}

// Equal reports whether q and o have the same names and values at
// three-decimal precision.
func (q Quantities) Equal(o Quantities) bool {
	if len(q.entries) != len(o.entries) {
		return false
	}
	for i := range q.entries {
		if q.entries[i].Name != o.entries[i].Name ||
			toFixed(q.entries[i].Value) != toFixed(o.entries[i].Value) {
			return false
		}
	}
	return true
}

// String renders "cpus:4; mem:1024", or "{}" when empty, like Mesos's
// operator<< for ResourceQuantities.
func (q Quantities) String() string {
	if len(q.entries) == 0 {
		return "{}"
	}
	var b []byte
	for i, e := range q.entries {
		if i > 0 {
			b = append(b, "; "...)
		}
		b = append(b, e.Name...)
		b = append(b, ':')
		b = appendScalar(b, e.Value)
	}
	return string(b)
}

// DominantRatio returns the largest q[name] / total[name] over the names
// of total, in total's order, skipping excluded names and names whose total
// is not positive: a dominant share before weighting, computed with the
// operations of DRFSorter::calculateShare in the same order. Names of q
// that total lacks do not count.
func (q Quantities) DominantRatio(total Quantities, excluded []string) float64 {
	share := 0.0
	aligned := sameNames(q.entries, total.entries)
	for i := range total.entries {
		t := &total.entries[i]
		if len(excluded) > 0 && slices.Contains(excluded, t.Name) {
			continue
		}
		if t.Value <= 0.0 {
			continue
		}
		var a float64
		if aligned {
			a = q.entries[i].Value
		} else {
			a = q.Get(t.Name)
		}
		if r := a / t.Value; share < r {
			share = r // std::max(share, r)
		}
	}
	return share
}
