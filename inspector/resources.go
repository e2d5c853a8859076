package inspector

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Range is an inclusive range of values, as in Mesos Value.Range (ports).
type Range struct {
	Begin uint64 `json:"begin"`
	End   uint64 `json:"end"`
}

// Ranges is a sorted list of disjoint, non-adjacent ranges.
type Ranges []Range

// Resources is the inspector's small view of a Mesos Resources object: the four
// scalars every agent reports as fields, ports as ranges, and whatever else as maps.
// Reservations, allocation roles, disk info and revocability are flattened the way
// the v0 JSON flattens them (src/common/http.cpp json(Resources)): scalars are summed
// by name and revocable ones are kept under "<name>_revocable" in Scalars.
//
// The zero value is empty and usable. Scalar arithmetic rounds to Mesos's fixed
// point of three decimals (src/common/values.cpp, operator+ on Value::Scalar).
type Resources struct {
	CPUs float64 `json:"cpus"`
	Mem  float64 `json:"mem"`
	Disk float64 `json:"disk"`
	GPUs float64 `json:"gpus"`
	// Ports holds the "ports" ranges.
	Ports Ranges `json:"ports,omitempty"`
	// Scalars holds every other scalar resource by name.
	Scalars map[string]float64 `json:"scalars,omitempty"`
	// RangeSets holds every other range resource by name.
	RangeSets map[string]Ranges `json:"ranges,omitempty"`
	// Sets holds set resources by name, items sorted.
	Sets map[string][]string `json:"sets,omitempty"`
}

// fixed rounds to Mesos's three-decimal fixed point.
func fixed(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	return math.Round(v*1000) / 1000
}

// Get returns the named scalar quantity, or 0.
func (r Resources) Get(name string) float64 {
	switch name {
	case "cpus":
		return r.CPUs
	case "mem":
		return r.Mem
	case "disk":
		return r.Disk
	case "gpus":
		return r.GPUs
	}
	return r.Scalars[name]
}

// SetScalar sets the named scalar quantity.
func (r *Resources) SetScalar(name string, v float64) {
	switch name {
	case "cpus":
		r.CPUs = v
	case "mem":
		r.Mem = v
	case "disk":
		r.Disk = v
	case "gpus":
		r.GPUs = v
	default:
		if v == 0 && r.Scalars == nil {
			return
		}
		if r.Scalars == nil {
			r.Scalars = make(map[string]float64, 1)
		}
		r.Scalars[name] = v
	}
}

// AddScalar adds v to the named scalar.
func (r *Resources) AddScalar(name string, v float64) {
	r.SetScalar(name, fixed(r.Get(name)+v))
}

// GetRanges returns the named range resource ("ports" or another).
func (r Resources) GetRanges(name string) Ranges {
	if name == "ports" {
		return r.Ports
	}
	return r.RangeSets[name]
}

// AddRanges merges ranges into the named range resource.
func (r *Resources) AddRanges(name string, rs Ranges) {
	r.addRangesOwned(name, slices.Clone(rs))
}

// addRangesOwned is AddRanges for a slice the caller gives up (decoders).
func (r *Resources) addRangesOwned(name string, rs Ranges) {
	if len(rs) == 0 {
		return
	}
	if name == "ports" {
		if len(r.Ports) == 0 {
			r.Ports = rs.normalize()
			return
		}
		r.Ports = r.Ports.Union(rs)
		return
	}
	if r.RangeSets == nil {
		r.RangeSets = make(map[string]Ranges, 1)
	}
	r.RangeSets[name] = r.RangeSets[name].Union(rs)
}

// AddSet merges items into the named set resource.
func (r *Resources) AddSet(name string, items []string) {
	if len(items) == 0 {
		return
	}
	if r.Sets == nil {
		r.Sets = make(map[string][]string, 1)
	}
	merged := append(slices.Clone(r.Sets[name]), items...)
	slices.Sort(merged)
	r.Sets[name] = slices.Compact(merged)
}

// ScalarNames returns the names of the non-zero scalars in canonical order: cpus,
// mem, disk, gpus, then the rest sorted.
func (r Resources) ScalarNames() []string {
	names := make([]string, 0, 4+len(r.Scalars))
	for _, n := range [...]string{"cpus", "mem", "disk", "gpus"} {
		if r.Get(n) != 0 {
			names = append(names, n)
		}
	}
	rest := slices.Sorted(maps.Keys(r.Scalars))
	for _, n := range rest {
		if r.Scalars[n] != 0 {
			names = append(names, n)
		}
	}
	return names
}

// IsEmpty reports whether r holds nothing.
func (r Resources) IsEmpty() bool {
	return len(r.ScalarNames()) == 0 && len(r.Ports) == 0 && len(r.RangeSets) == 0 && len(r.Sets) == 0
}

// Clone returns a deep copy.
func (r Resources) Clone() Resources {
	c := r
	c.Ports = slices.Clone(r.Ports)
	c.Scalars = maps.Clone(r.Scalars)
	if r.RangeSets != nil {
		c.RangeSets = make(map[string]Ranges, len(r.RangeSets))
		for k, v := range r.RangeSets {
			c.RangeSets[k] = slices.Clone(v)
		}
	}
	if r.Sets != nil {
		c.Sets = make(map[string][]string, len(r.Sets))
		for k, v := range r.Sets {
			c.Sets[k] = slices.Clone(v)
		}
	}
	return c
}

// Add returns r + o.
func (r Resources) Add(o Resources) Resources {
	out := r.Clone()
	out.CPUs = fixed(r.CPUs + o.CPUs)
	out.Mem = fixed(r.Mem + o.Mem)
	out.Disk = fixed(r.Disk + o.Disk)
	out.GPUs = fixed(r.GPUs + o.GPUs)
	for k, v := range o.Scalars {
		out.AddScalar(k, v)
	}
	out.AddRanges("ports", o.Ports)
	for k, v := range o.RangeSets {
		out.AddRanges(k, v)
	}
	for k, v := range o.Sets {
		out.AddSet(k, v)
	}
	return out
}

// Sub returns r - o with scalars floored at zero, as Mesos Resources subtraction
// drops what goes empty.
func (r Resources) Sub(o Resources) Resources {
	out := r.Clone()
	sub := func(a, b float64) float64 { return max(0, fixed(a-b)) }
	out.CPUs = sub(r.CPUs, o.CPUs)
	out.Mem = sub(r.Mem, o.Mem)
	out.Disk = sub(r.Disk, o.Disk)
	out.GPUs = sub(r.GPUs, o.GPUs)
	for k, v := range o.Scalars {
		if _, ok := out.Scalars[k]; ok {
			out.Scalars[k] = sub(out.Scalars[k], v)
		}
	}
	out.Ports = out.Ports.Minus(o.Ports)
	for k, v := range o.RangeSets {
		if cur, ok := out.RangeSets[k]; ok {
			out.RangeSets[k] = cur.Minus(v)
		}
	}
	for k, v := range o.Sets {
		if cur, ok := out.Sets[k]; ok {
			out.Sets[k] = slices.DeleteFunc(cur, func(s string) bool { return slices.Contains(v, s) })
		}
	}
	return out
}

// Missing lists what of demand r cannot cover, one entry per resource in canonical
// order, e.g. "cpus: need 2, have 1.5" or "ports: need [80-80], have []". An empty
// result means r contains demand (Mesos Resources::contains on quantities and on
// the named ranges).
func (r Resources) Missing(demand Resources) []string {
	var out []string
	check := func(name string) {
		need, have := demand.Get(name), r.Get(name)
		if need != 0 && fixed(have-need) < 0 {
			out = append(out, fmt.Sprintf("%s: need %s, have %s", name, FormatScalar(need), FormatScalar(have)))
		}
	}
	for _, name := range [...]string{"cpus", "mem", "disk", "gpus"} {
		check(name)
	}
	if len(demand.Scalars) > 0 {
		for _, name := range slices.Sorted(maps.Keys(demand.Scalars)) {
			check(name)
		}
	}
	if len(demand.Ports) > 0 {
		if !r.Ports.Contains(demand.Ports) {
			out = append(out, fmt.Sprintf("ports: need %s, have %s", demand.Ports, r.Ports))
		}
	}
	return out
}

// Fits reports whether r covers demand.
func (r Resources) Fits(demand Resources) bool { return len(r.Missing(demand)) == 0 }

// String renders r in the Mesos --resources text format with deterministic order,
// e.g. "cpus:2;mem:1024;disk:0;ports:[31000-32000]". cpus, mem and disk always
// appear; gpus when non-zero; other scalars, ranges and sets sorted by name.
func (r Resources) String() string {
	var b strings.Builder
	sep := func() {
		if b.Len() > 0 {
			b.WriteByte(';')
		}
	}
	for _, n := range [...]string{"cpus", "mem", "disk"} {
		sep()
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(FormatScalar(r.Get(n)))
	}
	if r.GPUs != 0 {
		sep()
		b.WriteString("gpus:")
		b.WriteString(FormatScalar(r.GPUs))
	}
	for _, n := range slices.Sorted(maps.Keys(r.Scalars)) {
		if r.Scalars[n] == 0 {
			continue
		}
		sep()
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(FormatScalar(r.Scalars[n]))
	}
	if len(r.Ports) > 0 {
		sep()
		b.WriteString("ports:")
		b.WriteString(r.Ports.String())
	}
	for _, n := range slices.Sorted(maps.Keys(r.RangeSets)) {
		if len(r.RangeSets[n]) == 0 {
			continue
		}
		sep()
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(r.RangeSets[n].String())
	}
	for _, n := range slices.Sorted(maps.Keys(r.Sets)) {
		sep()
		b.WriteString(n)
		b.WriteString(":{")
		b.WriteString(strings.Join(r.Sets[n], ","))
		b.WriteByte('}')
	}
	return b.String()
}

// Compact renders only what is non-zero, in the same format as String, e.g.
// "cpus:0.5;mem:128;ports:[80-80]"; "" when r is empty.
func (r Resources) Compact() string {
	var parts []string
	for _, n := range r.ScalarNames() {
		parts = append(parts, n+":"+FormatScalar(r.Get(n)))
	}
	if len(r.Ports) > 0 {
		parts = append(parts, "ports:"+r.Ports.String())
	}
	for _, n := range slices.Sorted(maps.Keys(r.RangeSets)) {
		if len(r.RangeSets[n]) > 0 {
			parts = append(parts, n+":"+r.RangeSets[n].String())
		}
	}
	for _, n := range slices.Sorted(maps.Keys(r.Sets)) {
		parts = append(parts, n+":{"+strings.Join(r.Sets[n], ",")+"}")
	}
	return strings.Join(parts, ";")
}

// FormatScalar formats a scalar the way Mesos prints Value::Scalar: up to three
// decimals, no trailing zeros.
func FormatScalar(v float64) string {
	if math.IsInf(v, 1) {
		return "Infinity"
	}
	if math.IsInf(v, -1) {
		return "-Infinity"
	}
	return strconv.FormatFloat(fixed(v), 'f', -1, 64)
}

// Count returns the number of values covered.
func (rs Ranges) Count() uint64 {
	var n uint64
	for _, r := range rs {
		if r.End >= r.Begin {
			n += r.End - r.Begin + 1
		}
	}
	return n
}

// normalize sorts and coalesces overlapping or adjacent ranges.
func (rs Ranges) normalize() Ranges {
	if len(rs) == 0 {
		return nil
	}
	if rs.isNormal() {
		return rs
	}
	out := slices.Clone(rs)
	for i := range out {
		if out[i].End < out[i].Begin {
			out[i].Begin, out[i].End = out[i].End, out[i].Begin
		}
	}
	slices.SortFunc(out, func(a, b Range) int {
		if a.Begin != b.Begin {
			if a.Begin < b.Begin {
				return -1
			}
			return 1
		}
		if a.End < b.End {
			return -1
		} else if a.End > b.End {
			return 1
		}
		return 0
	})
	merged := out[:1]
	for _, r := range out[1:] {
		last := &merged[len(merged)-1]
		if r.Begin <= last.End || (last.End != math.MaxUint64 && r.Begin == last.End+1) {
			last.End = max(last.End, r.End)
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

// isNormal reports whether rs is sorted, disjoint and non-adjacent.
func (rs Ranges) isNormal() bool {
	for i, r := range rs {
		if r.End < r.Begin {
			return false
		}
		if i > 0 && (rs[i-1].End == math.MaxUint64 || r.Begin <= rs[i-1].End+1) {
			return false
		}
	}
	return true
}

// Union returns rs ∪ o, normalized.
func (rs Ranges) Union(o Ranges) Ranges {
	return append(slices.Clone(rs), o...).normalize()
}

// Minus returns rs \ o, normalized.
func (rs Ranges) Minus(o Ranges) Ranges {
	cur := rs.normalize()
	for _, cut := range o.normalize() {
		var next Ranges
		for _, r := range cur {
			if cut.End < r.Begin || cut.Begin > r.End {
				next = append(next, r)
				continue
			}
			if cut.Begin > r.Begin {
				next = append(next, Range{r.Begin, cut.Begin - 1})
			}
			if cut.End < r.End {
				next = append(next, Range{cut.End + 1, r.End})
			}
		}
		cur = next
	}
	return cur
}

// Contains reports whether every value of o is in rs.
func (rs Ranges) Contains(o Ranges) bool {
	return len(o.normalize().Minus(rs)) == 0
}

// String renders ranges as Mesos stringifies Value::Ranges: "[31000-32000, 33000-33001]".
func (rs Ranges) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatUint(r.Begin, 10))
		b.WriteByte('-')
		b.WriteString(strconv.FormatUint(r.End, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// ParseRanges parses the v0 JSON / text form of ranges, "[1-21, 23-5050]" (brackets
// optional, a single value "80" allowed). It models Mesos's parsing of Value::Ranges
// in src/common/values.cpp parse().
func ParseRanges(s string) (Ranges, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "[")
	t = strings.TrimSuffix(t, "]")
	t = strings.TrimSpace(t)
	if t == "" {
		return nil, nil
	}
	var out Ranges
	for part := range strings.SplitSeq(t, ",") {
		part = strings.TrimSpace(part)
		lo, hi, found := strings.Cut(part, "-")
		b, err := strconv.ParseUint(strings.TrimSpace(lo), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("ranges: parse %q: bad begin %q", s, lo)
		}
		e := b
		if found {
			e, err = strconv.ParseUint(strings.TrimSpace(hi), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("ranges: parse %q: bad end %q", s, hi)
			}
		}
		if e < b {
			return nil, fmt.Errorf("ranges: parse %q: end %d before begin %d", s, e, b)
		}
		out = append(out, Range{b, e})
	}
	return out.normalize(), nil
}

// ParseSet parses the v0 JSON / text form of a set, "{a,b}".
func ParseSet(s string) []string {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "{")
	t = strings.TrimSuffix(t, "}")
	var out []string
	for item := range strings.SplitSeq(t, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ParseResources parses the Mesos text format "cpus:2;mem:1024;ports:[31000-32000]"
// (roles in parentheses, "cpus(web):2", are accepted and ignored) into a demand.
// It models the quantity part of src/common/resources.cpp Resources::parse; ";" or
// "," separate entries here for convenience on command lines.
func ParseResources(text string) (Resources, error) {
	var r Resources
	text = strings.TrimSpace(text)
	if text == "" {
		return r, nil
	}
	fields := strings.FieldsFunc(text, func(c rune) bool { return c == ';' })
	if len(fields) == 1 && !strings.ContainsAny(text, "[{") {
		fields = strings.Split(text, ",")
	}
	for _, f := range fields {
		name, value, ok := strings.Cut(strings.TrimSpace(f), ":")
		if !ok || name == "" {
			return Resources{}, fmt.Errorf("resources: parse %q: entry %q is not name:value", text, f)
		}
		if i := strings.IndexByte(name, '('); i >= 0 {
			if !strings.HasSuffix(name, ")") || strings.Count(name, "(") != 1 || strings.Count(name, ")") != 1 || i == 0 {
				return Resources{}, fmt.Errorf("resources: parse %q: %q: mismatched parentheses", text, name)
			}
			name = name[:i]
		} else if strings.ContainsRune(name, ')') {
			return Resources{}, fmt.Errorf("resources: parse %q: %q: mismatched parentheses", text, name)
		}
		value = strings.TrimSpace(value)
		switch {
		case strings.HasPrefix(value, "["):
			rs, err := parseRangesStrict(value)
			if err != nil {
				return Resources{}, fmt.Errorf("resources: parse %q: %s: %w", text, name, err)
			}
			r.AddRanges(name, rs)
		case strings.HasPrefix(value, "{"):
			if !strings.HasSuffix(value, "}") {
				return Resources{}, fmt.Errorf("resources: parse %q: %s: set %q is not closed by '}'", text, name, value)
			}
			items := ParseSet(value)
			if n := countSetItems(value); n != len(items) {
				return Resources{}, fmt.Errorf("resources: parse %q: %s: set %s has duplicated elements", text, name, value)
			}
			r.AddSet(name, items)
		default:
			v, err := strconv.ParseFloat(value, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return Resources{}, fmt.Errorf("resources: parse %q: %s: invalid scalar %q", text, name, value)
			}
			r.AddScalar(name, v)
		}
	}
	return r, nil
}

// parseRangesStrict is ParseRanges for a demand typed by a person: like
// Resources::validate, it refuses ranges that overlap ("[1-5,3-7]"), which
// ParseRanges merges when it reads what a master reported.
func parseRangesStrict(s string) (Ranges, error) {
	t := strings.TrimSpace(s)
	if !strings.HasSuffix(t, "]") {
		return nil, fmt.Errorf("ranges %q are not closed by ']'", s)
	}
	rs, err := ParseRanges(t)
	if err != nil {
		return nil, err
	}
	// ParseRanges merged them: the members must add up to the parts'.
	var parts uint64
	for part := range strings.SplitSeq(strings.Trim(t, "[] "), ",") {
		one, err := ParseRanges(part)
		if err != nil {
			return nil, err
		}
		parts += one.Count()
	}
	if parts != rs.Count() {
		return nil, fmt.Errorf("ranges %s overlap", s)
	}
	return rs, nil
}

// countSetItems counts the non-empty items of a set's text, duplicates
// included.
func countSetItems(s string) int {
	n := 0
	for item := range strings.SplitSeq(strings.Trim(strings.TrimSpace(s), "{}"), ",") {
		if strings.TrimSpace(item) != "" {
			n++
		}
	}
	return n
}
