package readonly

import (
	"encoding/json"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// v0 resource maps model json(JSON::ObjectWriter*, Resources) in
// src/common/http.cpp: {"cpus":2.0,"disk":0.0,"gpus":0.0,"mem":1024.0,
// "ports":"[31000-32000]"}. Scalars of the same name (revocable ones get
// a "_revocable" suffix) are summed with plain double addition, ranges are
// merged and written as "[a-b, c-d]", sets as "{a, b}"; cpus, gpus, mem
// and disk are always present. The key order is that of resources.V0
// (scalars, then ranges, then sets, each sorted by key), so it writes the
// members of resources.V0's MarshalJSON in the same order with the same
// numbers (only control characters in names are escaped differently, as
// rapidjson does); Mesos's own order is a hash map's. Unlike resources.V0 this writer uses no maps and does not
// allocate for the usual handful of names.

// v0Filter selects the resources a v0 map covers.
type v0Filter struct {
	mode int // v0All, v0Unreserved or v0ReservedTo
	role string
}

const (
	v0All = iota
	v0Unreserved
	v0ReservedTo // reserved, reservation role == role
)

func (f v0Filter) keep(r *resources.Resource) bool {
	switch f.mode {
	case v0Unreserved:
		return len(r.Reservations) == 0
	case v0ReservedTo:
		return len(r.Reservations) > 0 && r.Reservations[len(r.Reservations)-1].Role == f.role
	}
	return true
}

// v0Entry is one key of a v0 map being built.
type v0Entry struct {
	name      string
	revocable bool
	typ       resources.ValueType
	scalar    float64
	ranges    []resources.Range
	set       []string
	owned     bool // ranges/set were copied and may be appended to
}

// v0Defaults are the scalars Mesos always writes.
var v0Defaults = [...]string{"cpus", "gpus", "mem", "disk"}

// keyByte returns byte i of the entry's key (name plus "_revocable").
func (e *v0Entry) keyLen() int {
	if e.revocable {
		return len(e.name) + len("_revocable")
	}
	return len(e.name)
}

func (e *v0Entry) keyByte(i int) byte {
	if i < len(e.name) {
		return e.name[i]
	}
	return "_revocable"[i-len(e.name)]
}

// keyLess orders entries by key, as strings compare.
func keyLess(a, b *v0Entry) bool {
	la, lb := a.keyLen(), b.keyLen()
	for i := 0; i < la && i < lb; i++ {
		ca, cb := a.keyByte(i), b.keyByte(i)
		if ca != cb {
			return ca < cb
		}
	}
	return la < lb
}

func sameKey(e *v0Entry, name string, revocable bool) bool {
	return e.revocable == revocable && e.name == name
}

// v0Builder accumulates the keys of one map, on the caller's stack. More
// than len(e) distinct keys (never seen in practice) set overflow and the
// caller falls back to resources.V0.
type v0Builder struct {
	n        int
	overflow bool
	e        [8]v0Entry
}

// index returns the entry for (name, revocable, typ), adding it if new,
// or -1 when the builder is full.
func (bd *v0Builder) index(name string, revocable bool, typ resources.ValueType) int {
	for i := 0; i < bd.n; i++ {
		if e := &bd.e[i]; e.typ == typ && sameKey(e, name, revocable) {
			return i
		}
	}
	if bd.n == len(bd.e) {
		bd.overflow = true
		return -1
	}
	bd.e[bd.n] = v0Entry{name: name, revocable: revocable, typ: typ}
	bd.n++
	return bd.n - 1
}

func (bd *v0Builder) add(r *resources.Resource) {
	if r.Type > resources.TypeSet {
		return // TEXT resources are not written, as in Mesos.
	}
	i := bd.index(r.Name, r.Revocable, r.Type)
	if i < 0 {
		return
	}
	e := &bd.e[i]
	switch r.Type {
	case resources.TypeScalar:
		e.scalar += r.Scalar
	case resources.TypeRanges:
		if e.ranges == nil {
			e.ranges = r.Ranges
			return
		}
		merged := make([]resources.Range, 0, len(e.ranges)+len(r.Ranges))
		merged = append(merged, e.ranges...)
		merged = append(merged, r.Ranges...)
		e.ranges = resources.CoalesceRanges(merged)
	case resources.TypeSet:
		for _, item := range r.Set {
			if containsString(e.set, item) {
				continue
			}
			if !e.owned {
				e.set = append(make([]string, 0, len(e.set)+len(r.Set)), e.set...)
				e.owned = true
			}
			e.set = append(e.set, item)
		}
	}
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// addDefaults adds the zero scalars Mesos always writes, unless the key
// is taken by ranges or a set.
func (bd *v0Builder) addDefaults() {
	for _, name := range v0Defaults {
		taken := false
		for i := 0; i < bd.n; i++ {
			if sameKey(&bd.e[i], name, false) {
				taken = true
				break
			}
		}
		if !taken {
			bd.index(name, false, resources.TypeScalar)
		}
	}
}

// appendV0Resources appends the v0 map of the resources of rs that f
// keeps.
func appendV0Resources(b []byte, rs resources.Resources, f v0Filter) []byte {
	var bd v0Builder
	for i := range rs.Len() {
		r := rs.At(i)
		if f.keep(&r) {
			bd.add(&r)
		}
	}
	bd.addDefaults()
	if bd.overflow {
		out, err := json.Marshal(resources.V0(rs.Filter(f.keep)))
		if err != nil {
			return append(b, "{}"...)
		}
		return append(b, out...)
	}
	return bd.appendTo(b)
}

// appendTo sorts the entries (scalars, ranges, sets, each by key) and
// writes the map.
func (bd *v0Builder) appendTo(b []byte) []byte {
	var idx [len(bd.e)]uint8
	order := idx[:bd.n]
	for i := range order {
		order[i] = uint8(i)
		for j := i; j > 0 && entryLess(&bd.e[order[j]], &bd.e[order[j-1]]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	b = append(b, '{')
	for i, k := range order {
		if i > 0 {
			b = append(b, ',')
		}
		e := &bd.e[k]
		b = appendKey(b, e)
		switch e.typ {
		case resources.TypeScalar:
			b = appendFloat(b, e.scalar)
		case resources.TypeRanges:
			b = appendRangesText(b, e.ranges)
		case resources.TypeSet:
			b = appendSetText(b, e.set)
		}
	}
	return append(b, '}')
}

func entryLess(a, b *v0Entry) bool {
	if a.typ != b.typ {
		return a.typ < b.typ // SCALAR < RANGES < SET
	}
	return keyLess(a, b)
}

func appendKey(b []byte, e *v0Entry) []byte {
	if e.revocable {
		b = appendString(b, e.name)
		// Re-open the string to add the suffix: the name's closing quote
		// is replaced.
		b = append(b[:len(b)-1], `_revocable":`...)
		return b
	}
	b = appendString(b, e.name)
	return append(b, ':')
}

// appendRangesText appends ranges as a JSON string in Mesos's text form
// "[31000-32000, 40000-40010]".
func appendRangesText(b []byte, rs []resources.Range) []byte {
	b = append(b, `"[`...)
	for i, r := range rs {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendUint(b, r.Begin)
		b = append(b, '-')
		b = appendUint(b, r.End)
	}
	return append(b, `]"`...)
}

// appendSetText appends a set as a JSON string in Mesos's text form
// "{a, b}".
func appendSetText(b []byte, items []string) []byte {
	return appendString(b, "{"+strings.Join(items, ", ")+"}")
}

// appendV0Quantities appends quantities as a v0 map {"cpus":1.5,...}
// (json(JSON::ObjectWriter*, ResourceQuantities)), in name order.
func appendV0Quantities(b []byte, q resources.Quantities) []byte {
	b = append(b, '{')
	first := true
	for name, v := range q.All() {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, name)
		b = append(b, ':')
		b = appendFloat(b, v)
	}
	return append(b, '}')
}
