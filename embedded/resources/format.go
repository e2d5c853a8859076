package resources

import (
	"strconv"
	"strings"
)

// String renders the resource exactly like Mesos's operator<<(Resource)
// (src/common/resources.cpp), the form Mesos logs use:
//
//	cpus:4
//	disk(allocated: web)(reservations: [(STATIC,web)])[MOUNT:/mnt,vol1:/data:rw]{REV}<SHARED>:100
//	ports:[31000-32000, 40000-40010]
func (r Resource) String() string { return string(r.appendText(nil)) }

func (r *Resource) appendText(dst []byte) []byte {
	dst = append(dst, r.Name...)
	if r.AllocationInfo != nil {
		dst = append(dst, "(allocated: "...)
		dst = append(dst, r.AllocationInfo.Role...)
		dst = append(dst, ')')
	}
	if len(r.Reservations) > 0 {
		dst = append(dst, "(reservations: ["...)
		for i := range r.Reservations {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '(')
			dst = appendReservationText(dst, &r.Reservations[i])
			dst = append(dst, ')')
		}
		dst = append(dst, "])"...)
	}
	if r.Disk != nil {
		dst = append(dst, '[')
		dst = appendDiskText(dst, r.Disk)
		dst = append(dst, ']')
	}
	if r.Revocable {
		dst = append(dst, "{REV}"...)
	}
	if r.Shared {
		dst = append(dst, "<SHARED>"...)
	}
	dst = append(dst, ':')
	switch r.Type {
	case TypeScalar:
		dst = appendScalar(dst, r.Scalar)
	case TypeRanges:
		dst = appendRanges(dst, r.Ranges)
	case TypeSet:
		dst = appendSet(dst, r.Set)
	default:
		// Mesos aborts here (LOG(FATAL)); we print the type instead.
		dst = append(dst, '<')
		dst = append(dst, r.Type.String()...)
		dst = append(dst, '>')
	}
	return dst
}

// appendReservationText models operator<<(ReservationInfo):
// "TYPE,role[,principal][,{labels}]".
func appendReservationText(dst []byte, ri *ReservationInfo) []byte {
	dst = append(dst, ri.Type.String()...)
	dst = append(dst, ',')
	dst = append(dst, ri.Role...)
	if ri.Principal != "" {
		dst = append(dst, ',')
		dst = append(dst, ri.Principal...)
	}
	if ri.Labels != nil {
		dst = append(dst, ',')
		dst = appendLabelsText(dst, ri.Labels)
	}
	return dst
}

// appendLabelsText models operator<<(Labels): "{k: v, k2}".
func appendLabelsText(dst []byte, l *Labels) []byte {
	dst = append(dst, '{')
	for i, lb := range l.Labels {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = append(dst, lb.Key...)
		if lb.Value != nil {
			dst = append(dst, ": "...)
			dst = append(dst, *lb.Value...)
		}
	}
	return append(dst, '}')
}

// appendDiskText models operator<<(DiskInfo): source, then the
// persistence ID, then ":" and the volume.
func appendDiskText(dst []byte, d *DiskInfo) []byte {
	if s := d.Source; s != nil {
		dst = append(dst, s.Type.String()...)
		if s.ID != "" || s.Profile != "" {
			dst = append(dst, '(')
			dst = append(dst, s.Vendor...)
			dst = append(dst, ',')
			dst = append(dst, s.ID...)
			dst = append(dst, ',')
			dst = append(dst, s.Profile...)
			dst = append(dst, ')')
		} else {
			var root *DiskSourceRoot
			switch s.Type {
			case DiskSourceMount:
				root = s.Mount
			case DiskSourcePath:
				root = s.Path
			}
			if root != nil && root.Root != nil {
				dst = append(dst, ':')
				dst = append(dst, *root.Root...)
			}
		}
	}
	if p := d.Persistence; p != nil {
		if d.Source != nil {
			dst = append(dst, ',')
		}
		dst = append(dst, p.ID...)
	}
	if v := d.Volume; v != nil {
		dst = append(dst, ':')
		if v.HostPath != "" {
			dst = append(dst, v.HostPath...)
			dst = append(dst, ':')
		}
		dst = append(dst, v.ContainerPath...)
		if v.HostPath != "" {
			switch v.Mode {
			case "RW":
				dst = append(dst, ":rw"...)
			case "RO":
				dst = append(dst, ":ro"...)
			}
		}
	}
	return dst
}

// String renders the resources like Mesos's operator<<(Resources): entries
// joined by "; ", a shared entry followed by its count in angle brackets,
// and "{}" when empty. This is the canonical text form for logs,
// explanations and walkthroughs.
func (rs Resources) String() string {
	if len(rs.items) == 0 {
		return "{}"
	}
	var b []byte
	for i := range rs.items {
		if i > 0 {
			b = append(b, "; "...)
		}
		b = rs.items[i].r.appendText(b)
		if rs.items[i].r.Shared {
			b = append(b, '<')
			b = strconv.AppendInt(b, int64(rs.items[i].count), 10)
			b = append(b, '>')
		}
	}
	return string(b)
}

// Format renders the resources in a form Parse accepts. When every entry
// is unreserved or statically reserved to one role, has no allocation,
// disk, revocable, shared or provider metadata, and its name is plain
// text, the simple form is used ("cpus:4;mem:1024;ports:[31000-32000];
// disk(role):100"); otherwise the result is the v1 JSON array, which Parse
// also accepts.
func (rs Resources) Format() string {
	simple := true
	for i := range rs.items {
		if !simpleText(&rs.items[i].r) {
			simple = false
			break
		}
	}
	if !simple {
		b, err := rs.AppendJSON(nil, FormatPostRefinement)
		if err == nil {
			return string(b)
		}
		// Not representable (NaN scalar): fall back to the lossy text.
	}
	var b []byte
	for i := range rs.items {
		if i > 0 {
			b = append(b, ';')
		}
		r := &rs.items[i].r
		b = append(b, r.Name...)
		if len(r.Reservations) == 1 {
			b = append(b, '(')
			b = append(b, r.Reservations[0].Role...)
			b = append(b, ')')
		}
		b = append(b, ':')
		switch r.Type {
		case TypeScalar:
			b = appendScalar(b, r.Scalar)
		case TypeRanges:
			b = appendRanges(b, r.Ranges)
		case TypeSet:
			b = append(b, '{')
			b = append(b, strings.Join(r.Set, ",")...)
			b = append(b, '}')
		}
	}
	return string(b)
}

// simpleText reports whether r survives a trip through the simple text
// form.
func simpleText(r *Resource) bool {
	if r.AllocationInfo != nil || r.Disk != nil || r.Revocable || r.Shared ||
		r.ProviderID != "" || len(r.Reservations) > 1 {
		return false
	}
	if len(r.Reservations) == 1 {
		ri := &r.Reservations[0]
		if ri.Type != ReservationStatic || ri.Principal != "" || ri.Labels != nil ||
			strings.ContainsAny(ri.Role, "();: ") {
			return false
		}
	}
	if r.Name == "" || strings.ContainsAny(r.Name, "();:[]{}, \t\n") || r.Name != strings.TrimSpace(r.Name) {
		return false
	}
	switch r.Type {
	case TypeScalar:
		// Three decimals and at most 15 significant digits print exactly.
		return r.Scalar >= 0 && r.Scalar < 1e12
	case TypeSet:
		for _, item := range r.Set {
			if item == "" || strings.ContainsAny(item, "{}[](),;: \n") {
				return false
			}
		}
	}
	return true
}
