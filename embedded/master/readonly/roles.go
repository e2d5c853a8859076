package readonly

import (
	"maps"
	"slices"
	"strings"
)

// WithSubroles turns roles that carry their own figures only (the resources whose
// allocation or reservation role is exactly the role, and the role's own consumed
// quota) into the roles Mesos 1.11's master reports: Master::knownRoles adds every
// ancestor of a known role (src/master/master.cpp, insertAncestors), and
// RoleResourceBreakdown sums a role's whole subtree (allocated and offered through
// Resources::allocatedToRoleSubtree, reserved through reservedToRoleSubtree, and
// consumedQuota, which is linear in the same sums). An ancestor added here has the
// default weight, no quota and no frameworks. The result is sorted by name.
func WithSubroles(own []Role) []Role {
	byName := make(map[string]*Role, len(own))
	for i := range own {
		r := own[i]
		byName[r.Name] = &r
	}
	for _, r := range own {
		for a := parentRole(r.Name); a != ""; a = parentRole(a) {
			if _, ok := byName[a]; ok {
				continue
			}
			byName[a] = &Role{Name: a, Weight: 1}
		}
	}
	names := slices.Sorted(maps.Keys(byName))
	out := make([]Role, 0, len(names))
	for _, name := range names {
		r := *byName[name]
		r.Allocated, r.Offered, r.Reserved = r.Allocated.Clone(), r.Offered.Clone(), r.Reserved.Clone()
		r.Consumed = r.Consumed.Clone()
		prefix := name + "/"
		for _, d := range names {
			if !strings.HasPrefix(d, prefix) {
				continue
			}
			o := byName[d]
			r.Allocated.Add(o.Allocated)
			r.Offered.Add(o.Offered)
			r.Reserved.Add(o.Reserved)
			r.Consumed.Add(o.Consumed)
		}
		out = append(out, r)
	}
	return out
}

// parentRole returns the parent of a hierarchical role ("a/b" → "a"), "" for a
// top-level one.
func parentRole(name string) string {
	if i := strings.LastIndexByte(name, '/'); i > 0 {
		return name[:i]
	}
	return ""
}
