package resources

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ResourceFormat selects how reservations are written in v1 JSON
// (ResourceFormat in src/common/resources_utils.hpp).
type ResourceFormat int

const (
	// FormatPostRefinement writes only the reservations stack, the format
	// Mesos uses internally and sends to RESERVATION_REFINEMENT-capable
	// frameworks. It is what MarshalJSON produces.
	FormatPostRefinement ResourceFormat = iota
	// FormatEndpoint additionally writes the deprecated role (and
	// reservation for a single DYNAMIC reservation) next to the stack, as
	// Mesos's HTTP endpoints do for backward compatibility; resources with
	// refined reservations keep only the stack.
	FormatEndpoint
	// FormatPreRefinement writes only the deprecated role and reservation
	// fields. Resources with refined reservations cannot be written in it.
	FormatPreRefinement
)

// ErrRefinedReservations is returned when a resource with more than one
// reservation is encoded in FormatPreRefinement.
var ErrRefinedReservations = errors.New("refined reservations cannot be represented in the pre-reservation-refinement format")

// MarshalJSON encodes the resource as a v1 Resource object in
// FormatPostRefinement, fields in protobuf field-number order as stout's
// JSON::protobuf writes them.
func (r Resource) MarshalJSON() ([]byte, error) {
	return r.AppendJSON(nil, FormatPostRefinement)
}

// UnmarshalJSON decodes a v1 Resource object. It accepts all three
// reservation formats and upgrades to the post-refinement form, applying
// Mesos's consistency checks on the deprecated role and reservation
// fields; a resource with neither role nor reservations is unreserved.
// Required fields (name, type, scalar.value, ...) must be present. Members
// that are not fields of the Resource message are kept in Unknown and
// written back by MarshalJSON; unknown members of sub-messages are
// ignored, as stout's protobuf parser ignores all of them. The decoded
// resource is not validated otherwise: call Validate.
func (r *Resource) UnmarshalJSON(data []byte) error {
	res, err := decodeResource(data, DefaultRole)
	if err != nil {
		return fmt.Errorf("resources: decode resource: %w", err)
	}
	*r = res
	return nil
}

// MarshalJSON encodes the resources as a JSON array of v1 Resource objects
// (one object per entry; a shared resource appears once per copy so that
// decoding restores its count).
func (rs Resources) MarshalJSON() ([]byte, error) {
	return rs.AppendJSON(nil, FormatPostRefinement)
}

// AppendJSON appends the v1 JSON array of rs in format f.
func (rs Resources) AppendJSON(dst []byte, f ResourceFormat) ([]byte, error) {
	dst = append(dst, '[')
	first := true
	for i := range rs.items {
		e := &rs.items[i]
		n := 1
		if e.r.Shared && e.count > 1 {
			n = e.count
		}
		for range n {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			var err error
			dst, err = e.r.AppendJSON(dst, f)
			if err != nil {
				return nil, err
			}
		}
	}
	return append(dst, ']'), nil
}

// UnmarshalJSON decodes a JSON array of v1 Resource objects, validates each
// one and adds them up. Unlike Parse it does not apply the command-line
// rules, so revocable resources, dynamic reservations and persistent
// volumes are accepted.
func (rs *Resources) UnmarshalJSON(data []byte) error {
	out, err := DecodeJSON(data, DefaultRole)
	if err != nil {
		return err
	}
	*rs = out
	return nil
}

// DecodeJSON decodes a JSON array of v1 Resource objects, giving
// defaultRole to those without role or reservations, validates each and
// returns their sum. Errors name the index and the offending resource.
func DecodeJSON(data []byte, defaultRole string) (Resources, error) {
	if defaultRole == "" {
		defaultRole = DefaultRole
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Resources{}, fmt.Errorf("resources: decode JSON: expecting an array of Resource objects: %w", err)
	}
	out := Resources{items: make([]entry, 0, len(raw))}
	for i, msg := range raw {
		r, err := decodeResource(msg, defaultRole)
		if err != nil {
			return Resources{}, fmt.Errorf("resources: decode JSON: resource %d: %w", i, err)
		}
		if err := Validate(r); err != nil {
			return Resources{}, fmt.Errorf("resources: decode JSON: resource %d: %w", i, err)
		}
		out.add(newEntry(r))
	}
	return out, nil
}
