package readonly

import (
	"math"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// appendV1ResourceList appends rs as a v1 Resource array in format f,
// keeping the resources sel keeps. The common resources
// (no disk info, not shared, no unknown members, finite scalars) are
// written here without the generic float formatting of
// resources.Resource.AppendJSON, with identical output; any other list
// goes through resources.Resources.AppendJSON. A resource that cannot be
// encoded (a NaN scalar, refined reservations in the PRE format) is left
// out so the output stays valid.
func appendV1ResourceList(b []byte, rs resources.Resources, f resources.ResourceFormat, sel v0Filter) []byte {
	if simpleResources(rs, f) {
		b = append(b, '[')
		n := 0
		for i := range rs.Len() {
			r := rs.At(i)
			if !sel.keep(&r) {
				continue
			}
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendV1Resource(b, &r, f)
		}
		return append(b, ']')
	}
	if sel.mode == v0All {
		if out, err := rs.AppendJSON(b, f); err == nil {
			return out
		}
	}
	b = append(b, '[')
	n := 0
	for i := range rs.Len() {
		r := rs.At(i)
		if !sel.keep(&r) {
			continue
		}
		copies := 1
		if r.Shared {
			copies = max(rs.Count(r), 1)
		}
		for range copies {
			mark := len(b)
			if n > 0 {
				b = append(b, ',')
			}
			out, err := r.AppendJSON(b, f)
			if err != nil {
				b = b[:mark]
				continue
			}
			b = out
			n++
		}
	}
	return append(b, ']')
}

// simpleResources reports whether appendV1Resource can write every
// resource of rs in format f.
func simpleResources(rs resources.Resources, f resources.ResourceFormat) bool {
	if f != resources.FormatPostRefinement && f != resources.FormatEndpoint {
		return false
	}
	for i := range rs.Len() {
		r := rs.At(i)
		if r.Disk != nil || r.Shared || len(r.Unknown) > 0 || r.Type > resources.TypeSet ||
			(r.Type == resources.TypeScalar && (math.IsNaN(r.Scalar) || math.IsInf(r.Scalar, 0))) {
			return false
		}
	}
	return true
}

// appendV1Resource appends one simple resource (see simpleResources) as
// resources.Resource.AppendJSON writes it: name, type, the value, role
// (ENDPOINT), reservation (ENDPOINT, a single dynamic reservation),
// revocable, allocation_info, provider_id, reservations (the stack).
func appendV1Resource(b []byte, r *resources.Resource, f resources.ResourceFormat) []byte {
	b = append(b, `{"name":`...)
	b = appendString(b, r.Name)
	switch r.Type {
	case resources.TypeScalar:
		b = append(b, `,"type":"SCALAR","scalar":{"value":`...)
		b = appendFloat(b, r.Scalar)
		b = append(b, '}')
	case resources.TypeRanges:
		b = append(b, `,"type":"RANGES","ranges":{`...)
		if len(r.Ranges) > 0 {
			b = append(b, `"range":[`...)
			for i, rg := range r.Ranges {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"begin":`...)
				b = appendUint(b, rg.Begin)
				b = append(b, `,"end":`...)
				b = appendUint(b, rg.End)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	case resources.TypeSet:
		b = append(b, `,"type":"SET","set":{`...)
		if len(r.Set) > 0 {
			b = append(b, `"item":`...)
			b = appendStrings(b, r.Set)
		}
		b = append(b, '}')
	}
	if f == resources.FormatEndpoint {
		switch len(r.Reservations) {
		case 0:
			b = append(b, `,"role":"*"`...)
		case 1:
			ri := &r.Reservations[0]
			b = append(b, `,"role":`...)
			b = appendString(b, ri.Role)
			if ri.Type == resources.ReservationDynamic {
				b = append(b, `,"reservation":`...)
				b = appendReservationInfo(b, ri, false)
			}
		}
	}
	if r.Revocable {
		b = append(b, `,"revocable":{}`...)
	}
	if r.AllocationInfo != nil {
		b = append(b, `,"allocation_info":{`...)
		if r.AllocationInfo.Role != "" {
			b = append(b, `"role":`...)
			b = appendString(b, r.AllocationInfo.Role)
		}
		b = append(b, '}')
	}
	if r.ProviderID != "" {
		b = append(b, `,"provider_id":`...)
		b = appendID(b, r.ProviderID)
	}
	if len(r.Reservations) > 0 {
		b = append(b, `,"reservations":[`...)
		for i := range r.Reservations {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendReservationInfo(b, &r.Reservations[i], true)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendReservationInfo appends a ReservationInfo: principal, labels and,
// for the stack (full), role and type. The legacy "reservation" field
// carries only principal and labels.
func appendReservationInfo(b []byte, ri *resources.ReservationInfo, full bool) []byte {
	b = append(b, '{')
	sep := false
	if ri.Principal != "" {
		b = append(b, `"principal":`...)
		b = appendString(b, ri.Principal)
		sep = true
	}
	if ri.Labels != nil {
		if sep {
			b = append(b, ',')
		}
		b = append(b, `"labels":{`...)
		if len(ri.Labels.Labels) > 0 {
			b = append(b, `"labels":[`...)
			for i := range ri.Labels.Labels {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendLabel(b, &ri.Labels.Labels[i])
			}
			b = append(b, ']')
		}
		b = append(b, '}')
		sep = true
	}
	if full {
		if ri.Role != "" {
			if sep {
				b = append(b, ',')
			}
			b = append(b, `"role":`...)
			b = appendString(b, ri.Role)
			sep = true
		}
		if ri.Type != resources.ReservationUnknown {
			if sep {
				b = append(b, ',')
			}
			b = append(b, `"type":`...)
			b = appendString(b, ri.Type.String())
		}
	}
	return append(b, '}')
}
