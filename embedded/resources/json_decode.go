package resources

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// decodeResource decodes one Resource object and upgrades it to the
// post-reservation-refinement format (upgradeResource in
// src/common/resources_utils.cpp), checking the deprecated fields the way
// Resources::validate does before the upgrade.
func decodeResource(data []byte, defaultRole string) (Resource, error) {
	o, err := decodeObject(data)
	if err != nil {
		return Resource{}, err
	}
	var r Resource
	name, hasName, err := o.str("name")
	if err != nil {
		return Resource{}, err
	}
	t, hasType, err := o.enum("type", valueTypeNames[:], true)
	if err != nil {
		return Resource{}, err
	}
	if !hasName || !hasType {
		missing := "name"
		if hasName {
			missing = "type"
		} else if !hasType {
			missing = "name, type"
		}
		return Resource{}, fmt.Errorf("missing required fields: %s", missing)
	}
	r.Name, r.Type = name, ValueType(t)
	where := func(err error) error { return fmt.Errorf("resource %q: %w", name, err) }

	hasScalar, hasRanges, hasSet := false, false, false
	if sc, ok, err := o.obj("scalar"); err != nil {
		return Resource{}, where(err)
	} else if ok {
		v, ok, err := sc.double("value")
		if err != nil {
			return Resource{}, where(fmt.Errorf("scalar: %w", err))
		}
		if !ok {
			return Resource{}, where(errors.New("missing required fields: scalar.value"))
		}
		r.Scalar, hasScalar = v, true
	}
	if rg, ok, err := o.obj("ranges"); err != nil {
		return Resource{}, where(err)
	} else if ok {
		hasRanges = true
		items, err := rg.array("range")
		if err != nil {
			return Resource{}, where(fmt.Errorf("ranges: %w", err))
		}
		if len(items) > 0 {
			r.Ranges = make([]Range, 0, len(items))
		}
		for _, it := range items {
			ro, err := decodeObject(it)
			if err != nil {
				return Resource{}, where(fmt.Errorf("ranges.range: %w", err))
			}
			b, okB, errB := ro.uint64("begin")
			e, okE, errE := ro.uint64("end")
			if err := errors.Join(errB, errE); err != nil {
				return Resource{}, where(fmt.Errorf("ranges.range: %w", err))
			}
			if !okB || !okE {
				return Resource{}, where(errors.New("missing required fields: ranges.range.begin, ranges.range.end"))
			}
			r.Ranges = append(r.Ranges, Range{Begin: b, End: e})
		}
	}
	if st, ok, err := o.obj("set"); err != nil {
		return Resource{}, where(err)
	} else if ok {
		hasSet = true
		items, err := st.array("item")
		if err != nil {
			return Resource{}, where(fmt.Errorf("set: %w", err))
		}
		for _, it := range items {
			var s string
			if err := json.Unmarshal(it, &s); err != nil {
				return Resource{}, where(errors.New("set.item: expecting JSON strings"))
			}
			r.Set = append(r.Set, s)
		}
	}
	// Value fields that do not match the type are what
	// Resources::validate reports as "Invalid scalar resource" and so on;
	// our Resource cannot hold them, so the decoder reports them.
	switch r.Type {
	case TypeScalar:
		if !hasScalar || hasRanges || hasSet {
			return Resource{}, where(errors.New("invalid scalar resource"))
		}
	case TypeRanges:
		if hasScalar || !hasRanges || hasSet {
			return Resource{}, where(errors.New("invalid ranges resource"))
		}
	case TypeSet:
		if hasScalar || hasRanges || !hasSet {
			return Resource{}, where(errors.New("invalid set resource"))
		}
	}

	if p, ok, err := o.obj("provider_id"); err != nil {
		return Resource{}, where(err)
	} else if ok {
		v, ok, err := p.str("value")
		if err != nil {
			return Resource{}, where(fmt.Errorf("provider_id: %w", err))
		}
		if !ok {
			return Resource{}, where(errors.New("missing required fields: provider_id.value"))
		}
		r.ProviderID = v
	}
	if a, ok, err := o.obj("allocation_info"); err != nil {
		return Resource{}, where(err)
	} else if ok {
		role, _, err := a.str("role")
		if err != nil {
			return Resource{}, where(fmt.Errorf("allocation_info: %w", err))
		}
		r.AllocationInfo = &AllocationInfo{Role: role}
	}
	if d, ok, err := o.obj("disk"); err != nil {
		return Resource{}, where(err)
	} else if ok {
		disk, err := decodeDisk(d)
		if err != nil {
			return Resource{}, where(fmt.Errorf("disk: %w", err))
		}
		r.Disk = disk
	}
	if _, ok, err := o.obj("revocable"); err != nil {
		return Resource{}, where(err)
	} else {
		r.Revocable = ok
	}
	if _, ok, err := o.obj("shared"); err != nil {
		return Resource{}, where(err)
	} else {
		r.Shared = ok
	}

	// Reservations: the stack, plus the deprecated role and reservation.
	items, err := o.array("reservations")
	if err != nil {
		return Resource{}, where(err)
	}
	for _, it := range items {
		ro, err := decodeObject(it)
		if err != nil {
			return Resource{}, where(fmt.Errorf("reservations: %w", err))
		}
		ri, err := decodeReservation(ro)
		if err != nil {
			return Resource{}, where(fmt.Errorf("reservations: %w", err))
		}
		r.Reservations = append(r.Reservations, ri.ReservationInfo)
	}
	role, hasRole, err := o.str("role")
	if err != nil {
		return Resource{}, where(err)
	}
	var legacy *decodedReservation
	if ro, ok, err := o.obj("reservation"); err != nil {
		return Resource{}, where(err)
	} else if ok {
		lr, err := decodeReservation(ro)
		if err != nil {
			return Resource{}, where(fmt.Errorf("reservation: %w", err))
		}
		legacy = &lr
	}
	if err := upgrade(&r, role, hasRole, legacy, defaultRole); err != nil {
		return Resource{}, where(err)
	}
	r.Unknown = unknownMembers(o)
	return r, nil
}

// resourceFields are the fields of mesos.proto's Resource message.
var resourceFields = []string{"provider_id", "name", "type", "scalar", "ranges", "set",
	"role", "allocation_info", "reservation", "reservations", "disk", "revocable", "shared"}

// unknownMembers collects the members of o that are not Resource fields
// into a compact JSON object, sorted by name; nil when there are none.
func unknownMembers(o object) json.RawMessage {
	var keys []string
	for k := range o {
		if !slices.Contains(resourceFields, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	out := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendJSONString(out, k)
		out = append(out, ':')
		var buf bytes.Buffer
		if err := json.Compact(&buf, o[k]); err != nil {
			out = append(out, o[k]...)
		} else {
			out = append(out, buf.Bytes()...)
		}
	}
	return append(out, '}')
}

// decodedReservation remembers which optional fields were present.
type decodedReservation struct {
	ReservationInfo
	hasType, hasRole bool
}

func decodeReservation(o object) (decodedReservation, error) {
	var d decodedReservation
	t, hasType, err := o.enum("type", reservationTypeNames[:], false)
	if err != nil {
		return d, err
	}
	role, hasRole, err := o.str("role")
	if err != nil {
		return d, err
	}
	principal, _, err := o.str("principal")
	if err != nil {
		return d, err
	}
	labels, err := decodeLabels(o, "labels")
	if err != nil {
		return d, err
	}
	d.Type, d.Role, d.Principal, d.Labels = ReservationType(t), role, principal, labels
	d.hasType, d.hasRole = hasType, hasRole
	return d, nil
}

// upgrade applies the format checks of Resources::validate to the
// deprecated fields and converts to the post-refinement format.
func upgrade(r *Resource, role string, hasRole bool, legacy *decodedReservation, defaultRole string) error {
	switch len(r.Reservations) {
	case 0:
		// Pre-reservation-refinement format; Resources::fromJSON gives
		// the default role to a resource that has none.
		if !hasRole {
			role = defaultRole
		}
		if err := ValidateRole(role); err != nil {
			return err
		}
		if legacy != nil {
			if legacy.hasType {
				return errors.New("'Resource.ReservationInfo.type' must not be set for the 'Resource.reservation' field")
			}
			if legacy.hasRole {
				return errors.New("'Resource.ReservationInfo.role' must not be set for the 'Resource.reservation' field")
			}
			if role == DefaultRole {
				return errors.New(`invalid reservation: role "*" cannot be dynamically reserved`)
			}
		}
		if role == DefaultRole {
			return nil
		}
		ri := ReservationInfo{Type: ReservationStatic, Role: role}
		if legacy != nil {
			ri = ReservationInfo{Type: ReservationDynamic, Role: role,
				Principal: legacy.Principal, Labels: legacy.Labels}
		}
		r.Reservations = []ReservationInfo{ri}
	case 1:
		res := &r.Reservations[0]
		if hasRole && role != res.Role {
			return fmt.Errorf("invalid resource format: 'Resource.role' field with '%s' does not match the role '%s' in 'Resource.reservations'", role, res.Role)
		}
		switch res.Type {
		case ReservationStatic:
			if legacy != nil {
				return errors.New("invalid resource format: 'Resource.reservation' must not be set if the single reservation in 'Resource.reservations' is STATIC")
			}
		case ReservationDynamic:
			if hasRole != (legacy != nil) {
				return errors.New("invalid resource format: 'Resource.role' and 'Resource.reservation' must either be both set or both not set if the single reservation in 'Resource.reservations' is DYNAMIC")
			}
			if legacy != nil && legacy.Principal != res.Principal {
				return fmt.Errorf("invalid resource format: 'Resource.reservation.principal' field with '%s' does not match the principal '%s' in 'Resource.reservations'", legacy.Principal, res.Principal)
			}
			if legacy != nil && !labelsEqual(orEmpty(legacy.Labels), orEmpty(res.Labels)) {
				return errors.New("invalid resource format: 'Resource.reservation.labels' field does not match the labels in 'Resource.reservations'")
			}
		}
	default:
		if hasRole {
			return errors.New("invalid resource format: 'Resource.role' must not be set if there is more than one reservation in 'Resource.reservations'")
		}
		if legacy != nil {
			return errors.New("invalid resource format: 'Resource.reservation' must not be set if there is more than one reservation in 'Resource.reservations'")
		}
	}
	return nil
}

// orEmpty models protobuf's labels() getter, which returns an empty
// message when unset.
func orEmpty(l *Labels) *Labels {
	if l == nil {
		return &Labels{}
	}
	return l
}
