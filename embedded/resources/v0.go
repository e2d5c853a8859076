package resources

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// V0 is the v0 JSON map form of resources used by /master/state,
// /master/state-summary and the agent's /state:
//
//	{"cpus":4.0,"disk":0.0,"gpus":0.0,"mem":1024.0,"ports":"[31000-32000]"}
//
// Scalars are numbers, ranges and sets are their text form, and revocable
// resources get a "_revocable" suffix. It models the json(JSON::ObjectWriter*,
// Resources) writer in src/common/http.cpp. The map carries no
// reservation, allocation or disk metadata, so it is lossy: decoding
// yields unreserved resources. Convert with V0(rs) and Resources(v).
type V0 Resources

// MarshalJSON writes the v0 map. Like Mesos it always includes "cpus",
// "gpus", "mem" and "disk" (0.0 when absent) and sums scalars of the same
// name with plain floating-point addition; ranges are coalesced and sets
// merged. Keys are written scalars first, then ranges, then sets, each
// group sorted by name (Mesos's own order is a hash map's).
func (v V0) MarshalJSON() ([]byte, error) {
	rs := Resources(v)
	scalars := map[string]float64{"cpus": 0, "gpus": 0, "mem": 0, "disk": 0}
	ranges := map[string][]Range{}
	sets := map[string][]string{}
	for i := range rs.items {
		r := &rs.items[i].r
		name := r.Name
		if r.Revocable {
			name += "_revocable"
		}
		switch r.Type {
		case TypeScalar:
			scalars[name] += r.Scalar
		case TypeRanges:
			ranges[name] = addRanges(ranges[name], r.Ranges)
		case TypeSet:
			sets[name] = addSet(sets[name], r.Set)
		}
	}
	// Drop a default zero scalar whose name is used by a range or set, so
	// no key is written twice.
	for k, val := range scalars {
		_, isRanges := ranges[k]
		_, isSet := sets[k]
		if val == 0 && (isRanges || isSet) {
			delete(scalars, k)
		}
	}
	b := []byte{'{'}
	first := true
	key := func(k string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, k)
		b = append(b, ':')
	}
	for _, k := range slices.Sorted(maps.Keys(scalars)) {
		key(k)
		var err error
		if b, err = appendJSONFloat(b, scalars[k]); err != nil {
			return nil, fmt.Errorf("resources: encode v0 %q: %w", k, err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(ranges)) {
		key(k)
		b = appendJSONString(b, FormatRanges(ranges[k]))
	}
	for _, k := range slices.Sorted(maps.Keys(sets)) {
		key(k)
		b = appendJSONString(b, FormatSet(sets[k]))
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads the v0 map: a number is a SCALAR, a string is parsed
// with the text value syntax (ParseValue; "[1-10]" ranges, "{a,b}" sets, or
// a number), a "_revocable" suffix marks the resource revocable. Zero
// scalars are dropped as Resources drops empty resources; negative or
// otherwise invalid values are errors naming the key.
func (v *V0) UnmarshalJSON(data []byte) error {
	rs, err := DecodeV0(data)
	if err != nil {
		return err
	}
	*v = V0(rs)
	return nil
}

// DecodeV0 decodes the v0 map form into unreserved resources.
func DecodeV0(data []byte) (Resources, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return Resources{}, fmt.Errorf("resources: decode v0: expecting a JSON object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return Resources{}, fmt.Errorf("resources: decode v0: %w", err)
	}
	var out Resources
	for _, key := range slices.Sorted(maps.Keys(m)) {
		raw := bytes.TrimSpace(m[key])
		if isNull(raw) {
			continue
		}
		name, revocable := strings.CutSuffix(key, "_revocable")
		r := Resource{Name: name, Revocable: revocable}
		switch {
		case len(raw) > 0 && raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return Resources{}, fmt.Errorf("resources: decode v0 %q: %w", key, err)
			}
			val, err := parseValue(s)
			if err != nil {
				return Resources{}, fmt.Errorf("resources: decode v0 %q: %w", key, err)
			}
			switch val.Type {
			case TypeScalar:
				r.Type, r.Scalar = TypeScalar, val.Scalar
			case TypeRanges:
				r.Type, r.Ranges = TypeRanges, val.Ranges
			case TypeSet:
				r.Type, r.Set = TypeSet, val.Set
			default:
				return Resources{}, fmt.Errorf("resources: decode v0 %q: value %q is neither a number, ranges nor a set", key, s)
			}
		default:
			var f float64
			if err := json.Unmarshal(raw, &f); err != nil {
				return Resources{}, fmt.Errorf("resources: decode v0 %q: expecting a number or a string, got %s", key, raw)
			}
			r.Type, r.Scalar = TypeScalar, f
		}
		if err := Validate(r); err != nil {
			return Resources{}, fmt.Errorf("resources: decode v0 %q: %w", key, err)
		}
		out.add(newEntry(r))
	}
	return out, nil
}
