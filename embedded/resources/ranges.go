package resources

import (
	"slices"
	"strconv"
)

// Range is one closed interval [Begin, End] of a RANGES resource
// (mesos.proto Value.Range).
type Range struct {
	Begin uint64 `json:"begin"`
	End   uint64 `json:"end"`
}

// CoalesceRanges returns rs sorted and with overlapping or adjacent
// intervals merged, as Mesos's coalesce (src/common/values.cpp) does.
// The input is not modified; the result is always a new slice (nil when
// empty).
func CoalesceRanges(rs []Range) []Range {
	if len(rs) == 0 {
		return nil
	}
	out := slices.Clone(rs)
	return coalesceInPlace(out)
}

// coalesceInPlace sorts and merges rs in its own backing array.
func coalesceInPlace(rs []Range) []Range {
	if len(rs) == 0 {
		return nil
	}
	if !sortedRanges(rs) {
		slices.SortFunc(rs, func(a, b Range) int {
			if a.Begin != b.Begin {
				if a.Begin < b.Begin {
					return -1
				}
				return 1
			}
			if a.End < b.End {
				return -1
			}
			if a.End > b.End {
				return 1
			}
			return 0
		})
	}
	n := 0
	cur := rs[0]
	for _, r := range rs[1:] {
		// Mesos merges when the next range starts at most one past the
		// current end (current.end + 1 wraps at MaxUint64, which we guard).
		if r.Begin <= cur.End || (cur.End != ^uint64(0) && r.Begin == cur.End+1) {
			if r.End > cur.End {
				cur.End = r.End
			}
			continue
		}
		rs[n] = cur
		n++
		cur = r
	}
	rs[n] = cur
	n++
	return rs[:n:n]
}

func sortedRanges(rs []Range) bool {
	for i := 1; i < len(rs); i++ {
		a, b := rs[i-1], rs[i]
		if a.Begin > b.Begin || (a.Begin == b.Begin && a.End > b.End) {
			return false
		}
	}
	return true
}

// isCoalesced reports whether rs is sorted with no overlapping or adjacent
// intervals and no inverted ones.
func isCoalesced(rs []Range) bool {
	for i, r := range rs {
		if r.Begin > r.End {
			return false
		}
		if i > 0 {
			p := rs[i-1]
			if p.End == ^uint64(0) || r.Begin <= p.End+1 {
				return false
			}
		}
	}
	return true
}

// normalizeRanges returns rs coalesced, reusing rs when it already is.
func normalizeRanges(rs []Range) []Range {
	if isCoalesced(rs) {
		if len(rs) == 0 {
			return nil
		}
		return rs
	}
	return CoalesceRanges(rs)
}

// addRanges returns the coalesced union of two coalesced range lists,
// modelling Value::Ranges operator+=. It allocates a new slice.
func addRanges(a, b []Range) []Range {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]Range, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var r Range
		if j >= len(b) || (i < len(a) && a[i].Begin <= b[j].Begin) {
			r = a[i]
			i++
		} else {
			r = b[j]
			j++
		}
		if n := len(out); n > 0 {
			last := &out[n-1]
			if r.Begin <= last.End || (last.End != ^uint64(0) && r.Begin == last.End+1) {
				if r.End > last.End {
					last.End = r.End
				}
				continue
			}
		}
		out = append(out, r)
	}
	return out[:len(out):len(out)]
}

// subtractRanges returns a minus b for coalesced inputs, modelling
// internal::subtract in src/common/values.cpp. The result is a new slice
// unless nothing was removed, in which case a is returned.
func subtractRanges(a, b []Range) []Range {
	if len(a) == 0 || len(b) == 0 {
		return a
	}
	var out []Range
	touched := false
	i, j := 0, 0
	cur := a[0]
	for i < len(a) && j < len(b) {
		r := b[j]
		switch {
		case cur.End < r.Begin:
			out = append(out, cur)
			i++
			if i < len(a) {
				cur = a[i]
			}
		case cur.Begin > r.End:
			j++
		default:
			touched = true
			if cur.Begin < r.Begin {
				out = append(out, Range{Begin: cur.Begin, End: r.Begin - 1})
			}
			if cur.End <= r.End {
				i++
				if i < len(a) {
					cur = a[i]
				}
			} else {
				cur.Begin = r.End + 1
				j++
			}
		}
	}
	if !touched {
		return a
	}
	if i < len(a) {
		out = append(out, cur)
		out = append(out, a[i+1:]...)
	}
	if len(out) == 0 {
		return nil
	}
	return out[:len(out):len(out)]
}

// rangesSubset reports whether every interval of a lies within one
// interval of b (Value::Ranges operator<=) for coalesced inputs.
func rangesSubset(a, b []Range) bool {
	j := 0
	for _, r := range a {
		for j < len(b) && b[j].End < r.Begin {
			j++
		}
		if j >= len(b) || b[j].Begin > r.Begin || b[j].End < r.End {
			return false
		}
	}
	return true
}

// rangesEqual compares two coalesced range lists.
func rangesEqual(a, b []Range) bool { return slices.Equal(a, b) }

// FormatRanges renders ranges like Mesos's operator<< for Value::Ranges:
// "[31000-32000, 40000-40010]".
func FormatRanges(rs []Range) string { return string(appendRanges(nil, rs)) }

func appendRanges(dst []byte, rs []Range) []byte {
	dst = append(dst, '[')
	for i, r := range rs {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = strconv.AppendUint(dst, r.Begin, 10)
		dst = append(dst, '-')
		dst = strconv.AppendUint(dst, r.End, 10)
	}
	return append(dst, ']')
}
