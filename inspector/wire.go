package inspector

import (
	"math"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// This file holds the shape-tolerant readers shared by every decoder: ids, times and
// resources, each accepting all the JSON forms Mesos 0.28–1.11 (and Marathon) use.

// readID reads an id given as a plain string (v0: "slave_id": "…-S1") or as a v1
// message ({"value": "…-S1"}).
func readID(s *jsonscan.Scanner) string {
	if s.Peek() != jsonscan.Object {
		return s.String()
	}
	var id string
	s.Object(func(k []byte) {
		if string(k) == "value" {
			id = s.String()
		}
	})
	return id
}

// finite reports whether v is neither NaN nor infinite: such values are legal in
// Mesos JSON only as resource limits ("Infinity"), which the views do not carry.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// readRef reads an id that other objects refer to (framework, agent, executor ids
// in tasks), interned so a large state shares one copy per id.
func readRef(s *jsonscan.Scanner) string {
	if s.Peek() != jsonscan.Object {
		return s.Interned()
	}
	var id string
	s.Object(func(k []byte) {
		if string(k) == "value" {
			id = s.Interned()
		}
	})
	return id
}

// readIDs reads an array of ids in either form.
func readIDs(s *jsonscan.Scanner) []string {
	var out []string
	s.Array(func(int) {
		if id := readID(s); id != "" {
			out = append(out, id)
		}
	})
	return out
}

// readStrings reads an array of strings; a single string is accepted as one element.
func readStrings(s *jsonscan.Scanner) []string {
	if s.Peek() == jsonscan.String {
		if v := s.Interned(); v != "" {
			return []string{v}
		}
		return nil
	}
	var out []string
	s.Array(func(int) {
		if v := s.Interned(); v != "" {
			out = append(out, v)
		}
	})
	return out
}

// readTime reads a point in time in any of the forms Mesos and Marathon emit: a
// number of seconds since the epoch as a double (v0 endpoints, TaskStatus.timestamp),
// a v1 TimeInfo {"nanoseconds": n} (or {"value": n}), or an RFC 3339 string
// (Marathon). Zero and unparsable values give the zero time.
func readTime(s *jsonscan.Scanner) time.Time {
	switch s.Peek() {
	case jsonscan.Object:
		var t time.Time
		s.Object(func(k []byte) {
			switch string(k) {
			case "nanoseconds", "value":
				if n, ok := s.Int(); ok && n != 0 {
					t = time.Unix(0, n).UTC()
				}
			}
		})
		return t
	case jsonscan.String:
		b := s.Bytes()
		if t, err := time.Parse(time.RFC3339Nano, string(b)); err == nil {
			return t.UTC()
		}
		return time.Time{}
	}
	f, ok := s.Float()
	return secondsToTime(f, ok)
}

func secondsToTime(f float64, ok bool) time.Time {
	if !ok || f <= 0 || math.IsNaN(f) || math.IsInf(f, 0) || f > 1e11 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	// Round to microseconds: doubles carry about that much precision for
	// present-day epochs, and it keeps renderings stable.
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1000).UTC()
}

// readDurationSeconds reads a duration given as float seconds (failover_timeout) or
// as a v1 DurationInfo {"nanoseconds": n}.
func readDurationSeconds(s *jsonscan.Scanner) time.Duration {
	if s.Peek() == jsonscan.Object {
		var d time.Duration
		s.Object(func(k []byte) {
			if string(k) == "nanoseconds" {
				n, _ := s.Int()
				d = time.Duration(n)
			}
		})
		return d
	}
	f, ok := s.Float()
	if !ok || math.IsNaN(f) || f < 0 {
		return 0
	}
	if f > float64(math.MaxInt64)/1e9 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(f * 1e9)
}

// resourceDetail carries the per-role split of a v1 resource list.
type resourceDetail struct {
	// reserved maps the reservation role to what is reserved for it.
	reserved map[string]Resources
	// allocated maps allocation_info.role to what is allocated or offered to it.
	allocated map[string]Resources
}

// readResources reads resources in either JSON shape: the v0 flat object
// {"cpus": 4, "ports": "[31000-32000]", "cpus_revocable": 1} or the v1 list of
// Resource messages. Marathon's variant of the list (scalar as a bare number, ranges
// and set as bare arrays, type omitted) is accepted too.
func readResources(s *jsonscan.Scanner) Resources {
	r, _ := readResourcesDetail(s, false)
	return r
}

func readResourcesDetail(s *jsonscan.Scanner, detail bool) (Resources, resourceDetail) {
	var r Resources
	var d resourceDetail
	switch s.Peek() {
	case jsonscan.Object:
		s.Object(func(k []byte) {
			name := s.InternBytes(k)
			switch s.Peek() {
			case jsonscan.Number:
				if f, ok := s.Float(); ok && finite(f) {
					r.AddScalar(name, f)
				}
			case jsonscan.String:
				v := s.Bytes()
				switch {
				case len(v) > 0 && v[0] == '[':
					if rs, ok := parseRangesBytes(v); ok {
						r.addRangesOwned(name, rs)
					} else if rs, err := ParseRanges(string(v)); err == nil {
						r.addRangesOwned(name, rs)
					}
				case len(v) > 0 && v[0] == '{':
					r.AddSet(name, ParseSet(string(v)))
				}
			}
		})
	case jsonscan.Array:
		s.Array(func(int) {
			one, reservedFor, allocatedTo := readResource(s)
			r = r.Add(one)
			if !detail {
				return
			}
			if reservedFor != "" {
				if d.reserved == nil {
					d.reserved = map[string]Resources{}
				}
				d.reserved[reservedFor] = d.reserved[reservedFor].Add(one)
			}
			if allocatedTo != "" {
				if d.allocated == nil {
					d.allocated = map[string]Resources{}
				}
				d.allocated[allocatedTo] = d.allocated[allocatedTo].Add(one)
			}
		})
	default:
		s.Skip()
	}
	return r, d
}

// readResource reads one v1 Resource message and returns it as Resources together
// with the role it is reserved for (the last of "reservations", else a non-"*"
// pre-refinement "role") and the role it is allocated to (allocation_info.role).
func readResource(s *jsonscan.Scanner) (r Resources, reservedFor, allocatedTo string) {
	var (
		name, typ, role string
		scalar          float64
		hasScalar       bool
		ranges          Ranges
		set             []string
		revocable       bool
	)
	s.Object(func(k []byte) {
		switch string(k) {
		case "name":
			name = s.Interned()
		case "type":
			typ = s.Interned()
		case "scalar":
			if s.Peek() == jsonscan.Object {
				s.Object(func(k []byte) {
					if string(k) == "value" {
						scalar, hasScalar = s.Float()
					}
				})
			} else {
				scalar, hasScalar = s.Float()
			}
		case "ranges":
			ranges = readRangeList(s)
		case "set":
			if s.Peek() == jsonscan.Object {
				s.Object(func(k []byte) {
					if string(k) == "item" {
						set = readStrings(s)
					}
				})
			} else {
				set = readStrings(s)
			}
		case "role":
			role = s.Interned()
		case "allocation_info":
			s.Object(func(k []byte) {
				if string(k) == "role" {
					allocatedTo = s.Interned()
				}
			})
		case "reservations":
			s.Array(func(int) {
				s.Object(func(k []byte) {
					if string(k) == "role" {
						reservedFor = s.Interned()
					}
				})
			})
		case "revocable":
			s.Skip()
			revocable = true
		}
	})
	if name == "" {
		return r, "", ""
	}
	if reservedFor == "" && role != "" && role != "*" {
		reservedFor = role
	}
	if revocable {
		name += "_revocable"
	}
	switch {
	case typ == "SCALAR" || (typ == "" && hasScalar):
		if finite(scalar) {
			r.AddScalar(name, scalar)
		}
	case typ == "RANGES" || (typ == "" && ranges != nil):
		r.AddRanges(name, ranges)
	case typ == "SET" || (typ == "" && set != nil):
		r.AddSet(name, set)
	}
	return r, reservedFor, allocatedTo
}

// readRangeList reads {"range": [{"begin": b, "end": e}]} or a bare list of ranges.
func readRangeList(s *jsonscan.Scanner) Ranges {
	var out Ranges
	readList := func() {
		s.Array(func(int) {
			var rg Range
			s.Object(func(k []byte) {
				switch string(k) {
				case "begin":
					n, _ := s.Int()
					rg.Begin = uint64(max(n, 0))
				case "end":
					n, _ := s.Int()
					rg.End = uint64(max(n, 0))
				}
			})
			out = append(out, rg)
		})
	}
	switch s.Peek() {
	case jsonscan.Object:
		s.Object(func(k []byte) {
			if string(k) == "range" {
				readList()
			}
		})
	case jsonscan.String:
		rs, _ := ParseRanges(s.String())
		return rs
	default:
		readList()
	}
	return out.normalize()
}

// readAttributes reads agent attributes: the v0 flat object (values are numbers,
// range strings, set strings or text) or the v1 list of Attribute messages. Values
// are kept as text the way v0 renders them.
func readAttributes(s *jsonscan.Scanner) map[string]string {
	out := map[string]string{}
	switch s.Peek() {
	case jsonscan.Object:
		s.Object(func(k []byte) {
			name := s.InternBytes(k)
			if s.Peek() == jsonscan.Number {
				f, _ := s.Float()
				out[name] = FormatScalar(f)
				return
			}
			out[name] = s.Interned()
		})
	case jsonscan.Array:
		s.Array(func(int) {
			var name, value string
			s.Object(func(k []byte) {
				switch string(k) {
				case "name":
					name = s.String()
				case "text":
					s.Object(func(k []byte) {
						if string(k) == "value" {
							value = s.String()
						}
					})
				case "scalar":
					if s.Peek() == jsonscan.Object {
						s.Object(func(k []byte) {
							if string(k) == "value" {
								f, _ := s.Float()
								value = FormatScalar(f)
							}
						})
					} else {
						f, _ := s.Float()
						value = FormatScalar(f)
					}
				case "ranges":
					value = readRangeList(s).String()
				case "set":
					var items []string
					if s.Peek() == jsonscan.Object {
						s.Object(func(k []byte) {
							if string(k) == "item" {
								items = readStrings(s)
							}
						})
					} else {
						items = readStrings(s)
					}
					value = "{" + joinComma(items) + "}"
				}
			})
			if name != "" {
				out[name] = value
			}
		})
	default:
		s.Skip()
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func joinComma(items []string) string {
	n := 0
	for _, it := range items {
		n += len(it) + 1
	}
	b := make([]byte, 0, n)
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	return string(b)
}

// readCapabilities reads capabilities as a list of names (v0) or of {"type": name}
// messages (v1).
func readCapabilities(s *jsonscan.Scanner) []string {
	var out []string
	s.Array(func(int) {
		if s.Peek() == jsonscan.Object {
			s.Object(func(k []byte) {
				if string(k) == "type" {
					out = append(out, s.Interned())
				}
			})
			return
		}
		if v := s.Interned(); v != "" {
			out = append(out, v)
		}
	})
	return out
}

// readLabels reads Labels as [{"key","value"}] or {"labels": [...]}.
func readLabels(s *jsonscan.Scanner) []Label {
	var out []Label
	read := func() {
		s.Array(func(int) {
			var l Label
			s.Object(func(k []byte) {
				switch string(k) {
				case "key":
					l.Key = s.String()
				case "value":
					l.Value = s.String()
				}
			})
			out = append(out, l)
		})
	}
	if s.Peek() == jsonscan.Object {
		s.Object(func(k []byte) {
			if string(k) == "labels" {
				read()
			}
		})
		return out
	}
	read()
	return out
}

// Label is a key/value label (Mesos Label).
type Label struct {
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

// readFinite reads a number, giving 0 for anything missing or non-finite.
func readFinite(s *jsonscan.Scanner) float64 {
	if v, ok := s.Float(); ok && finite(v) {
		return v
	}
	return 0
}

// parseRangesBytes parses the common v0 form "[a-b, c-d]" without intermediate
// strings; it reports false for anything unusual, which ParseRanges then handles.
func parseRangesBytes(b []byte) (Ranges, bool) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	b = b[1 : len(b)-1]
	n := 1
	for _, c := range b {
		if c == ',' {
			n++
		}
	}
	out := make(Ranges, 0, n)
	num := func() (uint64, bool) {
		for len(b) > 0 && b[0] == ' ' {
			b = b[1:]
		}
		var v uint64
		d := 0
		for len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
			if d >= 19 {
				return 0, false
			}
			v = v*10 + uint64(b[0]-'0')
			b = b[1:]
			d++
		}
		return v, d > 0
	}
	sorted := true
	for len(b) > 0 {
		lo, ok := num()
		if !ok || len(b) == 0 || b[0] != '-' {
			return nil, false
		}
		b = b[1:]
		hi, ok := num()
		if !ok || hi < lo {
			return nil, false
		}
		if len(out) > 0 && lo <= out[len(out)-1].End+1 {
			sorted = false
		}
		out = append(out, Range{lo, hi})
		for len(b) > 0 && b[0] == ' ' {
			b = b[1:]
		}
		if len(b) > 0 {
			if b[0] != ',' || len(b) == 1 {
				return nil, false
			}
			b = b[1:]
		}
	}
	if !sorted {
		out = out.normalize()
	}
	return out, true
}
