package mesos

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Resources is a repeated Resource field: a resources.Resources plus the
// format its JSON is written in. Mesos keeps one internal form
// (post-reservation-refinement) and converts per audience with
// convertResourceFormat (src/common/resources_utils.cpp): the operator API
// and v0 endpoints write ENDPOINT format (legacy "role" next to
// "reservations"), offers to frameworks without RESERVATION_REFINEMENT the
// PRE format. The writer of a message picks the format by setting Format;
// the zero value writes the internal POST format.
//
// Decoding accepts every format (see resources.DecodeJSON) and records the
// one it saw, so a payload read from a real master is written back the
// same way: PRE if resources carry "role" but no "reservations", ENDPOINT
// if they carry both, POST otherwise.
type Resources struct {
	resources.Resources
	Format resources.ResourceFormat
}

// ResourcesOf wraps rs in the internal (POST) format.
func ResourcesOf(rs resources.Resources) Resources { return Resources{Resources: rs} }

// WithFormat returns a copy of r written in format f.
func (r Resources) WithFormat(f resources.ResourceFormat) Resources {
	r.Format = f
	return r
}

// IsZero reports whether there are no resources; encoding/json's omitzero
// uses it so that an empty repeated field is omitted, as stout does.
func (r Resources) IsZero() bool { return r.Resources.IsEmpty() }

// MarshalJSON writes the v1 Resource list in r.Format.
func (r Resources) MarshalJSON() ([]byte, error) {
	return r.Resources.AppendJSON(nil, r.Format)
}

// legacyProbe reads only the members that tell the formats apart.
type legacyProbe struct {
	Role         *string         `json:"role"`
	Reservations json.RawMessage `json:"reservations"`
}

// UnmarshalJSON decodes a v1 Resource list (validating each resource) and
// records its format.
func (r *Resources) UnmarshalJSON(data []byte) error {
	rs, err := resources.DecodeJSON(data, resources.DefaultRole)
	if err != nil {
		return err
	}
	f := resources.FormatPostRefinement
	if !bytes.Contains(data, []byte(`"role"`)) {
		// No legacy role anywhere (allocation_info and reservations have
		// "role" members too, so its presence alone proves nothing).
		r.Resources, r.Format = rs, f
		return nil
	}
	var probe []legacyProbe
	if err := json.Unmarshal(data, &probe); err != nil {
		return fmt.Errorf("mesos: decode resources: %w", err)
	}
	for _, p := range probe {
		if p.Role != nil {
			if len(p.Reservations) > 0 {
				f = resources.FormatEndpoint
			} else {
				f = resources.FormatPreRefinement
			}
			break
		}
	}
	r.Resources, r.Format = rs, f
	return nil
}
