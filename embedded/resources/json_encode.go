package resources

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// AppendJSON appends r as a v1 Resource JSON object in format f. Fields
// follow protobuf field-number order (name, type, scalar, ranges, set,
// role, disk, reservation, revocable, shared, allocation_info, provider_id,
// reservations) and numbers use rapidjson's format, so the output matches
// what a Mesos master writes.
func (r Resource) AppendJSON(dst []byte, f ResourceFormat) ([]byte, error) {
	var role string
	var legacy *ReservationInfo
	writeStack := true
	switch f {
	case FormatPostRefinement:
	case FormatEndpoint, FormatPreRefinement:
		switch len(r.Reservations) {
		case 0:
			role = DefaultRole
		case 1:
			role = r.Reservations[0].Role
			if r.Reservations[0].Type == ReservationDynamic {
				legacy = &r.Reservations[0]
			}
		default:
			if f == FormatPreRefinement {
				return nil, fmt.Errorf("resources: encode %s: %w", r.String(), ErrRefinedReservations)
			}
		}
		writeStack = f == FormatEndpoint
	default:
		return nil, fmt.Errorf("resources: encode %s: unknown format %d", r.String(), int(f))
	}

	dst = append(dst, `{"name":`...)
	dst = appendJSONString(dst, r.Name)
	dst = append(dst, `,"type":"`...)
	dst = append(dst, r.Type.String()...)
	dst = append(dst, '"')
	switch r.Type {
	case TypeScalar:
		dst = append(dst, `,"scalar":{"value":`...)
		var err error
		if dst, err = appendJSONFloat(dst, r.Scalar); err != nil {
			return nil, fmt.Errorf("resources: encode %s: %w", r.Name, err)
		}
		dst = append(dst, '}')
	case TypeRanges:
		dst = append(dst, `,"ranges":{`...)
		if len(r.Ranges) > 0 {
			dst = append(dst, `"range":[`...)
			for i, rg := range r.Ranges {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = append(dst, `{"begin":`...)
				dst = strconv.AppendUint(dst, rg.Begin, 10)
				dst = append(dst, `,"end":`...)
				dst = strconv.AppendUint(dst, rg.End, 10)
				dst = append(dst, '}')
			}
			dst = append(dst, ']')
		}
		dst = append(dst, '}')
	case TypeSet:
		dst = append(dst, `,"set":{`...)
		if len(r.Set) > 0 {
			dst = append(dst, `"item":[`...)
			for i, item := range r.Set {
				if i > 0 {
					dst = append(dst, ',')
				}
				dst = appendJSONString(dst, item)
			}
			dst = append(dst, ']')
		}
		dst = append(dst, '}')
	}
	if role != "" {
		dst = append(dst, `,"role":`...)
		dst = appendJSONString(dst, role)
	}
	if r.Disk != nil {
		dst = append(dst, `,"disk":`...)
		dst = appendDisk(dst, r.Disk)
	}
	if legacy != nil {
		// ENDPOINT and PRE_RESERVATION_REFINEMENT copy only principal and
		// labels into the deprecated reservation field.
		dst = append(dst, `,"reservation":`...)
		dst = appendReservation(dst, &ReservationInfo{Principal: legacy.Principal, Labels: legacy.Labels}, false)
	}
	if r.Revocable {
		dst = append(dst, `,"revocable":{}`...)
	}
	if r.Shared {
		dst = append(dst, `,"shared":{}`...)
	}
	if r.AllocationInfo != nil {
		dst = append(dst, `,"allocation_info":{`...)
		if r.AllocationInfo.Role != "" {
			dst = append(dst, `"role":`...)
			dst = appendJSONString(dst, r.AllocationInfo.Role)
		}
		dst = append(dst, '}')
	}
	if r.ProviderID != "" {
		dst = append(dst, `,"provider_id":{"value":`...)
		dst = appendJSONString(dst, r.ProviderID)
		dst = append(dst, '}')
	}
	if len(r.Unknown) > 0 {
		var err error
		if dst, err = appendUnknown(dst, r.Unknown); err != nil {
			return nil, fmt.Errorf("resources: encode %s: %w", r.String(), err)
		}
	}
	if writeStack && len(r.Reservations) > 0 {
		dst = append(dst, `,"reservations":[`...)
		for i := range r.Reservations {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendReservation(dst, &r.Reservations[i], true)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

// appendReservation writes a ReservationInfo: principal, labels, role,
// type (field-number order).
func appendReservation(dst []byte, ri *ReservationInfo, full bool) []byte {
	dst = append(dst, '{')
	sep := false
	field := func(name string) {
		if sep {
			dst = append(dst, ',')
		}
		sep = true
		dst = append(dst, '"')
		dst = append(dst, name...)
		dst = append(dst, `":`...)
	}
	if ri.Principal != "" {
		field("principal")
		dst = appendJSONString(dst, ri.Principal)
	}
	if ri.Labels != nil {
		field("labels")
		dst = appendLabels(dst, ri.Labels)
	}
	if full {
		if ri.Role != "" {
			field("role")
			dst = appendJSONString(dst, ri.Role)
		}
		if ri.Type != ReservationUnknown {
			field("type")
			dst = appendJSONString(dst, ri.Type.String())
		}
	}
	return append(dst, '}')
}

func appendLabels(dst []byte, l *Labels) []byte {
	dst = append(dst, '{')
	if len(l.Labels) > 0 {
		dst = append(dst, `"labels":[`...)
		for i, lb := range l.Labels {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"key":`...)
			dst = appendJSONString(dst, lb.Key)
			if lb.Value != nil {
				dst = append(dst, `,"value":`...)
				dst = appendJSONString(dst, *lb.Value)
			}
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendDisk writes DiskInfo: persistence, volume, source.
func appendDisk(dst []byte, d *DiskInfo) []byte {
	dst = append(dst, '{')
	sep := false
	field := func(name string) {
		if sep {
			dst = append(dst, ',')
		}
		sep = true
		dst = append(dst, '"')
		dst = append(dst, name...)
		dst = append(dst, `":`...)
	}
	if p := d.Persistence; p != nil {
		field("persistence")
		dst = append(dst, `{"id":`...)
		dst = appendJSONString(dst, p.ID)
		if p.Principal != "" {
			dst = append(dst, `,"principal":`...)
			dst = appendJSONString(dst, p.Principal)
		}
		dst = append(dst, '}')
	}
	if v := d.Volume; v != nil {
		field("volume")
		dst = append(dst, `{"container_path":`...)
		dst = appendJSONString(dst, v.ContainerPath)
		if v.HostPath != "" {
			dst = append(dst, `,"host_path":`...)
			dst = appendJSONString(dst, v.HostPath)
		}
		if v.Mode != "" {
			dst = append(dst, `,"mode":`...)
			dst = appendJSONString(dst, v.Mode)
		}
		if len(v.Image) > 0 {
			dst = append(dst, `,"image":`...)
			dst = append(dst, v.Image...)
		}
		if len(v.Source) > 0 {
			dst = append(dst, `,"source":`...)
			dst = append(dst, v.Source...)
		}
		dst = append(dst, '}')
	}
	if s := d.Source; s != nil {
		field("source")
		dst = append(dst, `{"type":`...)
		dst = appendJSONString(dst, s.Type.String())
		for _, part := range []struct {
			name string
			root *DiskSourceRoot
		}{{"path", s.Path}, {"mount", s.Mount}} {
			if part.root == nil {
				continue
			}
			dst = append(dst, `,"`...)
			dst = append(dst, part.name...)
			dst = append(dst, `":{`...)
			if part.root.Root != nil {
				dst = append(dst, `"root":`...)
				dst = appendJSONString(dst, *part.root.Root)
			}
			dst = append(dst, '}')
		}
		if s.ID != "" {
			dst = append(dst, `,"id":`...)
			dst = appendJSONString(dst, s.ID)
		}
		if s.Metadata != nil {
			dst = append(dst, `,"metadata":`...)
			dst = appendLabels(dst, s.Metadata)
		}
		if s.Profile != "" {
			dst = append(dst, `,"profile":`...)
			dst = appendJSONString(dst, s.Profile)
		}
		if s.Vendor != "" {
			dst = append(dst, `,"vendor":`...)
			dst = appendJSONString(dst, s.Vendor)
		}
		dst = append(dst, '}')
	}
	return append(dst, '}')
}

// appendUnknown writes the members of r.Unknown after the known fields.
func appendUnknown(dst []byte, unknown json.RawMessage) ([]byte, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(unknown, &members); err != nil {
		return nil, fmt.Errorf("unknown fields: %w", err)
	}
	keys := slices.Sorted(maps.Keys(members))
	for _, k := range keys {
		if slices.Contains(resourceFields, k) {
			return nil, fmt.Errorf("unknown fields: %q is a Resource field", k)
		}
		dst = append(dst, ',')
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		var buf bytes.Buffer
		if err := json.Compact(&buf, members[k]); err != nil {
			return nil, fmt.Errorf("unknown fields: %w", err)
		}
		dst = append(dst, buf.Bytes()...)
	}
	return dst, nil
}
