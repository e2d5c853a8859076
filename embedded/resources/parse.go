package resources

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Parse parses resources the way the agent's --resources flag is parsed
// (Resources::parse(text, defaultRole) in src/common/resources.cpp): text
// that is a JSON array is decoded as v1 Resource objects (see
// UnmarshalJSON; a resource without role or reservations gets defaultRole),
// anything else as the simple form "cpus:4;mem:1024;ports:[31000-32000];
// disk(role):100". Every resource is validated and the result must also
// pass ValidateCommandLine. An empty defaultRole means "*".
//
// Errors read like `resources: parse "cpus:x": ...` and name the
// offending token or resource.
func Parse(text, defaultRole string) (Resources, error) {
	list, err := fromString(text, defaultRole)
	if err != nil {
		return Resources{}, fmt.Errorf("resources: parse %q: %w", text, err)
	}
	var out Resources
	out.items = make([]entry, 0, len(list))
	for _, r := range list {
		if err := Validate(r); err != nil {
			return Resources{}, fmt.Errorf("resources: parse %q: %w", text, err)
		}
		out.add(newEntry(r))
	}
	if err := ValidateCommandLine(out); err != nil {
		return Resources{}, fmt.Errorf("resources: parse %q: %w", text, err)
	}
	return out, nil
}

// MustParse is Parse(text, "*") for literals in tests and examples; it
// panics on error.
func MustParse(text string) Resources {
	r, err := Parse(text, DefaultRole)
	if err != nil {
		panic(err)
	}
	return r
}

// FromString returns the resources described by text without validating
// or merging them, like Resources::fromString: a JSON array is decoded as
// v1 Resource objects, anything else is parsed as the simple text form.
// Empty resources are kept.
func FromString(text, defaultRole string) ([]Resource, error) {
	list, err := fromString(text, defaultRole)
	if err != nil {
		return nil, fmt.Errorf("resources: parse %q: %w", text, err)
	}
	return list, nil
}

func fromString(text, defaultRole string) ([]Resource, error) {
	if defaultRole == "" {
		defaultRole = DefaultRole
	}
	if trimmed := bytes.TrimSpace([]byte(text)); len(trimmed) > 0 && trimmed[0] == '[' {
		// Mesos tries JSON::parse<JSON::Array> first and falls back to the
		// simple form when that fails; "[" also starts no valid simple
		// token, so a malformed array reports the JSON error.
		var raw []json.RawMessage
		err := json.Unmarshal(trimmed, &raw)
		if err == nil {
			return fromJSON(raw, defaultRole)
		}
		list, serr := fromSimpleString(text, defaultRole)
		if serr != nil {
			return nil, fmt.Errorf("%w (and not a JSON array: %v)", serr, err)
		}
		return list, nil
	}
	return fromSimpleString(text, defaultRole)
}

// fromJSON models Resources::fromJSON.
func fromJSON(raw []json.RawMessage, defaultRole string) ([]Resource, error) {
	out := make([]Resource, 0, len(raw))
	for i, msg := range raw {
		r, err := decodeResource(msg, defaultRole)
		if err != nil {
			return nil, fmt.Errorf("some JSON resources were not formatted properly: resource %d: %w", i, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// fromSimpleString models Resources::fromSimpleString.
func fromSimpleString(text, defaultRole string) ([]Resource, error) {
	var out []Resource
	for _, token := range tokenize(text, ";") {
		pair := tokenize(token, ":")
		if len(pair) != 2 {
			return nil, fmt.Errorf("bad value for resources, missing or extra ':' in %s", token)
		}
		var name, role string
		open := strings.IndexByte(pair[0], '(')
		if open < 0 {
			name = strings.TrimSpace(pair[0])
			role = defaultRole
		} else {
			closing := strings.IndexByte(pair[0], ')')
			if closing < 0 || closing < open {
				return nil, fmt.Errorf("bad value for resources, mismatched parentheses in %s", token)
			}
			name = strings.TrimSpace(pair[0][:open])
			role = strings.TrimSpace(pair[0][open+1 : closing])
		}
		r, err := parseResource(name, pair[1], role)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ParseResource builds one resource from a name, a value in the text form
// and a role, like Resources::parse(name, value, role): a role other than
// "*" becomes a single STATIC reservation. The resource is not validated.
func ParseResource(name, value, role string) (Resource, error) {
	r, err := parseResource(name, value, role)
	if err != nil {
		return Resource{}, fmt.Errorf("resources: parse %s:%s: %w", name, value, err)
	}
	return r, nil
}

func parseResource(name, value, role string) (Resource, error) {
	v, err := parseValue(value)
	if err != nil {
		return Resource{}, fmt.Errorf("failed to parse resource %s value %s error %w", name, value, err)
	}
	r := Resource{Name: name}
	if role != DefaultRole {
		r.Reservations = []ReservationInfo{{Type: ReservationStatic, Role: role}}
	}
	switch v.Type {
	case TypeScalar:
		r.Type, r.Scalar = TypeScalar, v.Scalar
	case TypeRanges:
		r.Type, r.Ranges = TypeRanges, v.Ranges
	case TypeSet:
		r.Type, r.Set = TypeSet, v.Set
	default:
		return Resource{}, fmt.Errorf("bad type for resource %s value %s type %s", name, value, v.Type)
	}
	return r, nil
}
