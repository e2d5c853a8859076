package tui

import (
	"testing"

	"github.com/mesoscope/mesoscope/inspector"
)

// TestBuildRoleTreeSubtrees: Mesos ≥ 1.9 reports each role's subtree (and lists its
// ancestors), so the tree must not add children again; Mesos < 1.9 reports own
// allocations only, and the tree sums them.
func TestBuildRoleTreeSubtrees(t *testing.T) {
	role := func(name string, cpus float64) inspector.Role {
		return inspector.Role{Name: name, Weight: 1, Allocated: inspector.Resources{CPUs: cpus}}
	}
	tests := []struct {
		version string
		roles   []inspector.Role
		want    map[string]float64 // path → CPUs in the tree
	}{
		{
			// Mesos 1.11: eng covers eng/dev (3) and eng/ops (1) plus its own 2.
			version: "1.11.0",
			roles:   []inspector.Role{role("eng", 6), role("eng/dev", 3), role("eng/ops", 1), role("web", 2)},
			want:    map[string]float64{"eng": 6, "eng/dev": 3, "eng/ops": 1, "web": 2},
		},
		{
			// Mesos 1.8: eng's own 2 plus its children's.
			version: "1.8.1",
			roles:   []inspector.Role{role("eng", 2), role("eng/dev", 3), role("eng/ops", 1), role("web", 2)},
			want:    map[string]float64{"eng": 6, "eng/dev": 3, "eng/ops": 1, "web": 2},
		},
		{
			// An old master that does not list the ancestor: the tree builds it.
			version: "1.4.0",
			roles:   []inspector.Role{role("eng/dev", 3), role("eng/ops", 1)},
			want:    map[string]float64{"eng": 4, "eng/dev": 3, "eng/ops": 1},
		},
	}
	for _, tc := range tests {
		snap := &inspector.Snapshot{Roles: tc.roles}
		snap.Cluster.Version = tc.version
		snap.Cluster.Total = inspector.Resources{CPUs: 16}
		got := map[string]float64{}
		var walk func(n *roleNode)
		walk = func(n *roleNode) {
			if n.path != "" {
				got[n.path] = n.alloc.CPUs
			}
			for _, c := range n.children {
				walk(c)
			}
		}
		walk(buildRoleTree(snap))
		for path, want := range tc.want {
			if got[path] != want {
				t.Errorf("Mesos %s: role %s CPUs = %v, want %v (tree %v)", tc.version, path, got[path], want, got)
			}
		}
	}
}

func TestRolesCoverSubtrees(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    bool
	}{{"1.11.0", true}, {"1.9.0", true}, {"2.0.0", true}, {"1.8.1", false}, {"0.28.2", false}, {"", true}, {"dev", true}} {
		if got := (inspector.Cluster{Version: tc.version}).RolesCoverSubtrees(); got != tc.want {
			t.Errorf("Cluster{Version: %q}.RolesCoverSubtrees() = %v, want %v", tc.version, got, tc.want)
		}
	}
}
