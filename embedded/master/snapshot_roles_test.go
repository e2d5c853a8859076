package master

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/master/readonly"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// TestRoleViewsSubtrees: /master/roles and GET_ROLES list every ancestor of a known
// role and report each role's subtree (Master::knownRoles, RoleResourceBreakdown:
// allocatedToRoleSubtree, reservedToRoleSubtree, consumedQuota = allocated plus the
// reservations nobody uses).
func TestRoleViewsSubtrees(t *testing.T) {
	alloc := func(text, role string) resources.Resources {
		rs := resources.MustParse(text)
		rs.Allocate(role)
		return rs
	}
	var allocated resources.Resources
	allocated.Add(alloc("cpus:2;mem:200", "eng/dev"))
	allocated.Add(alloc("cpus(eng/dev):1", "eng/dev")) // a used reservation
	allocated.Add(alloc("cpus:1;mem:100", "eng/ops/db"))
	s := &readonly.Snapshot{Agents: []*readonly.Agent{{
		Total:     resources.MustParse("cpus:16;mem:4096;cpus(eng/dev):4"),
		Allocated: allocated,
		Offered:   alloc("cpus:3;mem:300", "web"),
	}}}
	got := roleViews(s, map[string]float64{"eng": 2}, map[string]allocator.Quota{}, map[string][]string{"eng/dev": {"fw1"}, "web": {"fw2"}})

	type view struct {
		Name                         string
		Weight                       float64
		Frameworks                   []string
		Allocated, Offered, Reserved string
		Consumed                     string
	}
	var views []view
	for _, r := range got {
		views = append(views, view{r.Name, r.Weight, r.Frameworks, r.Allocated.Quantities().String(), r.Offered.Quantities().String(),
			r.Reserved.Quantities().String(), r.Consumed.String()})
	}
	want := []view{
		{"eng", 2, nil, "cpus:4; mem:300", "{}", "cpus:4", "cpus:7; mem:300"},
		{"eng/dev", 1, []string{"fw1"}, "cpus:3; mem:200", "{}", "cpus:4", "cpus:6; mem:200"},
		{"eng/ops", 1, nil, "cpus:1; mem:100", "{}", "{}", "cpus:1; mem:100"},
		{"eng/ops/db", 1, nil, "cpus:1; mem:100", "{}", "{}", "cpus:1; mem:100"},
		{"web", 1, []string{"fw2"}, "{}", "cpus:3; mem:300", "{}", "{}"},
	}
	if diff := cmp.Diff(want, views); diff != "" {
		t.Errorf("roleViews mismatch (-want +got):\n%s", diff)
	}
}
