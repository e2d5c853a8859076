package resources

import (
	"slices"
	"strings"
)

// The SET operations model Value::Set in src/common/values.cpp: items keep
// their insertion order, addition skips items already present and
// subtraction removes the first occurrence of each item.

// addSet returns a plus the items of b not already in a. It returns a when
// nothing is added and a new slice otherwise.
func addSet(a, b []string) []string {
	var out []string
	for _, item := range b {
		if slices.Contains(a, item) || slices.Contains(out, item) {
			continue
		}
		if out == nil {
			out = make([]string, len(a), len(a)+len(b))
			copy(out, a)
		}
		out = append(out, item)
	}
	if out == nil {
		return a
	}
	return out
}

// subtractSet returns a without the items of b, preserving order.
func subtractSet(a, b []string) []string {
	var out []string
	changed := false
	for i, item := range a {
		if slices.Contains(b, item) {
			if !changed {
				changed = true
				out = make([]string, i, len(a))
				copy(out, a[:i])
			}
			continue
		}
		if changed {
			out = append(out, item)
		}
	}
	if !changed {
		return a
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// setSubset reports whether every item of a is in b (Value::Set
// operator<=, which also requires len(a) <= len(b)).
func setSubset(a, b []string) bool {
	if len(a) > len(b) {
		return false
	}
	for _, item := range a {
		if !slices.Contains(b, item) {
			return false
		}
	}
	return true
}

// setEqual reports whether a and b hold the same items. Mesos's
// Value::Set operator== compares item(i) with item(i) inside its inner
// loop (a typo), which makes it order-sensitive; we compare as sets.
func setEqual(a, b []string) bool {
	return len(a) == len(b) && setSubset(a, b)
}

// FormatSet renders a set like Mesos's operator<< for Value::Set:
// "{a, b, c}".
func FormatSet(items []string) string { return string(appendSet(nil, items)) }

func appendSet(dst []byte, items []string) []byte {
	dst = append(dst, '{')
	dst = append(dst, strings.Join(items, ", ")...)
	return append(dst, '}')
}
