package resources

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every validation error, so callers can test
// errors.Is(err, resources.ErrInvalid).
var ErrInvalid = errors.New("invalid resource")

// ValidationError reports why one resource fails validation. Its message
// follows Mesos's Resources::validate(RepeatedPtrField) wording:
// "resource 'cpus:-1' is invalid: invalid scalar resource: value <= 0".
type ValidationError struct {
	// Resource is the offending resource in its canonical text form.
	Resource string
	// Reason is Mesos's validation message (first letter lowercased).
	Reason string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("resource '%s' is invalid: %s", e.Resource, e.Reason)
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

func invalid(r *Resource, reason string) error {
	return &ValidationError{Resource: r.String(), Reason: reason}
}

// Validate checks one resource with the rules of Resources::validate
// (src/common/resources.cpp) for the post-reservation-refinement format:
// a name, a valid type whose value field matches, scalars that are zero
// or at least 0.001 (and finite), ranges that are not inverted and do not
// overlap, sets without duplicates, no TEXT, DiskInfo only on "disk" with a
// consistent source, every reservation typed and with a valid non-"*"
// role, refinements that are DYNAMIC and strictly nested, and sharing only
// on persistent volumes. The checks Mesos makes on the deprecated role and
// reservation fields happen when JSON is decoded.
func Validate(r Resource) error {
	if reason := validateReason(&r); reason != "" {
		return invalid(&r, reason)
	}
	return nil
}

func validateReason(r *Resource) string {
	if r.Name == "" {
		return "empty resource name"
	}
	if !r.Type.valid() {
		return "invalid resource type"
	}
	switch r.Type {
	case TypeScalar:
		if r.Ranges != nil || r.Set != nil {
			return "invalid scalar resource"
		}
		// Mesos compares at fixed-point precision, which also rejects
		// values that round to zero and (through llround's overflow
		// result on x86, see toFixed) NaN, infinities and values beyond
		// about 9.2e15.
		if r.Scalar != 0 && toFixed(r.Scalar) <= 0 {
			return "invalid scalar resource: value <= 0"
		}
	case TypeRanges:
		if r.Scalar != 0 || r.Set != nil {
			return "invalid ranges resource"
		}
		for i, rg := range r.Ranges {
			if rg.Begin > rg.End {
				return "invalid ranges resource: begin > end"
			}
			for _, other := range r.Ranges[i+1:] {
				if rg.Begin <= other.Begin && other.Begin <= rg.End {
					return "invalid ranges resource: overlapping ranges"
				}
			}
		}
	case TypeSet:
		if r.Scalar != 0 || r.Ranges != nil {
			return "invalid set resource"
		}
		for i, item := range r.Set {
			for _, other := range r.Set[i+1:] {
				if item == other {
					return "invalid set resource: duplicated elements"
				}
			}
		}
	default:
		return "unsupported resource type"
	}

	if r.Disk != nil {
		if r.Name != "disk" {
			return fmt.Sprintf("DiskInfo should not be set for %s resource", r.Name)
		}
		if s := r.Disk.Source; s != nil {
			switch s.Type {
			case DiskSourcePath, DiskSourceMount:
			case DiskSourceBlock, DiskSourceRaw:
				if s.Mount != nil {
					return fmt.Sprintf("mount should not be set for %s disk source", s.Type)
				}
				if s.Path != nil {
					return fmt.Sprintf("path should not be set for %s disk source", s.Type)
				}
			default:
				return "unsupported 'DiskInfo.Source.Type'"
			}
		}
	}

	for i := range r.Reservations {
		res := &r.Reservations[i]
		if res.Type == ReservationUnknown {
			return "invalid reservation: 'Resource.ReservationInfo.type' field must be set."
		}
		if res.Type != ReservationStatic && res.Type != ReservationDynamic {
			return "unsupported 'Resource.ReservationInfo.Type'"
		}
		if res.Role == "" {
			return "invalid reservation: 'Resource.ReservationInfo.role' field must be set."
		}
		if err := ValidateRole(res.Role); err != nil {
			return err.Error()
		}
		if res.Role == DefaultRole {
			return `invalid reservation: role "*" cannot be reserved`
		}
	}
	for i := 1; i < len(r.Reservations); i++ {
		res := &r.Reservations[i]
		if res.Type == ReservationStatic {
			return "invalid refined reservation: A refined reservation cannot be STATIC"
		}
		ancestor := r.Reservations[i-1].Role
		if !IsStrictSubroleOf(res.Role, ancestor) {
			return fmt.Sprintf("invalid refined reservation: role '%s' is not a refinement of '%s'", res.Role, ancestor)
		}
	}

	if r.Shared {
		if r.Name != "disk" {
			return fmt.Sprintf("resource %s cannot be shared", r.Name)
		}
		if r.Disk == nil || r.Disk.Persistence == nil {
			return "only persistent volumes can be shared"
		}
	}
	return ""
}

// ValidateAll validates each resource in order and returns the first
// error, like Resources::validate(RepeatedPtrField<Resource>).
func ValidateAll(rs []Resource) error {
	for i := range rs {
		if err := Validate(rs[i]); err != nil {
			return err
		}
	}
	return nil
}

// ValidateCommandLine applies the extra rules of
// internal::validateCommandLineResources to resources given on a command
// line (the agent's --resources): no persistent volumes, no revocable
// resources, no dynamic reservations, and one type per resource name.
func ValidateCommandLine(rs Resources) error {
	types := make(map[string]ValueType, len(rs.items))
	for i := range rs.items {
		r := &rs.items[i].r
		switch {
		case r.IsPersistentVolume():
			return invalid(r, "persistent volumes cannot be specified at the command line")
		case r.Revocable:
			return invalid(r, "revocable resources cannot be specified at the command line; do not include a 'revocable' key in the resources JSON")
		case r.IsDynamicallyReserved():
			return invalid(r, "dynamic reservations cannot be specified at the command line; do not include a reservation with DYNAMIC type in the resources JSON")
		}
		if t, ok := types[r.Name]; ok && t != r.Type {
			return invalid(r, fmt.Sprintf("resources with the same name ('%s') but different types are not allowed", r.Name))
		}
		types[r.Name] = r.Type
	}
	return nil
}
