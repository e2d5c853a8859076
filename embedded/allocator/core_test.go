package allocator

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

var t0 = time.Unix(1_700_000_000, 0).UTC()

func mustCore(t testing.TB, cfg Config) *Core {
	t.Helper()
	return NewCore(cfg)
}

func addAgent(t testing.TB, c *Core, id, total string) {
	t.Helper()
	rs, err := resources.Parse(total, "*")
	if err != nil {
		t.Fatalf("Parse(%q) = %v", total, err)
	}
	if err := c.AddAgent(id, rs, nil); err != nil {
		t.Fatalf("AddAgent(%q) = %v", id, err)
	}
}

func addFramework(t testing.TB, c *Core, id string, caps Capabilities, roles ...string) {
	t.Helper()
	if err := c.AddFramework(FrameworkInfo{ID: id, Roles: roles, Capabilities: caps}, nil, true, nil); err != nil {
		t.Fatalf("AddFramework(%q) = %v", id, err)
	}
}

// offersOf flattens a result to "fw role agent resources" lines.
func offersOf(r Result) []string {
	var out []string
	for _, fo := range r.Offers {
		for _, o := range fo.Offers {
			rs := o.Resources.Clone()
			rs.Unallocate()
			out = append(out, o.FrameworkID+" "+o.Role+" "+o.AgentID+" "+rs.String())
		}
	}
	return out
}

func checkOffers(t *testing.T, step string, r Result, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, offersOf(r)); diff != "" {
		t.Errorf("%s: offers (-want +got):\n%s", step, diff)
	}
}

// Models HierarchicalAllocatorTest.UnreservedDRF.
func TestUnreservedDRF(t *testing.T) {
	c := mustCore(t, Config{})
	addFramework(t, c, "fw1", Capabilities{}, "role1")
	addAgent(t, c, "agent1", "cpus:2;mem:1024")
	checkOffers(t, "agent1", c.AllocateOn(t0, []string{"agent1"}), "fw1 role1 agent1 cpus:2; mem:1024")

	addFramework(t, c, "fw2", Capabilities{}, "role2")
	addAgent(t, c, "agent2", "cpus:1;mem:512")
	checkOffers(t, "agent2", c.AllocateOn(t0, []string{"agent2"}), "fw2 role2 agent2 cpus:1; mem:512")

	addAgent(t, c, "agent3", "cpus:3;mem:2048")
	checkOffers(t, "agent3", c.AllocateOn(t0, []string{"agent3"}), "fw2 role2 agent3 cpus:3; mem:2048")

	addFramework(t, c, "fw3", Capabilities{}, "role1")
	addAgent(t, c, "agent4", "cpus:4;mem:4096")
	checkOffers(t, "agent4", c.AllocateOn(t0, []string{"agent4"}), "fw3 role1 agent4 cpus:4; mem:4096")

	addFramework(t, c, "fw4", Capabilities{}, "role1")
	addAgent(t, c, "agent5", "cpus:1;mem:512")
	checkOffers(t, "agent5", c.AllocateOn(t0, []string{"agent5"}), "fw2 role2 agent5 cpus:1; mem:512")
}

func mustParse(t testing.TB, text string) resources.Resources {
	t.Helper()
	rs, err := resources.Parse(text, "*")
	if err != nil {
		t.Fatalf("Parse(%q) = %v", text, err)
	}
	return rs
}

// Models HierarchicalAllocatorTest.ReservedDRF.
func TestReservedDRF(t *testing.T) {
	c := mustCore(t, Config{})
	addAgent(t, c, "agent1", "cpus:1;mem:512;disk:0;cpus(role1):100;mem(role1):1024;disk(role1):0")
	addFramework(t, c, "fw1", Capabilities{}, "role1")
	checkOffers(t, "fw1", c.Allocate(t0), "fw1 role1 agent1 cpus(reservations: [(STATIC,role1)]):100; mem(reservations: [(STATIC,role1)]):1024; cpus:1; mem:512")

	addFramework(t, c, "fw2", Capabilities{}, "role2")
	addAgent(t, c, "agent2", "cpus:2;mem:512;disk:0")
	checkOffers(t, "agent2", c.AllocateOn(t0, []string{"agent2"}), "fw2 role2 agent2 cpus:2; mem:512")
	addAgent(t, c, "agent3", "cpus:2;mem:512;disk:0")
	checkOffers(t, "agent3", c.AllocateOn(t0, []string{"agent3"}), "fw2 role2 agent3 cpus:2; mem:512")

	// role1's share counts its reservations (cpus 101/105): fw3 still
	// gets the role1 reservation on agent4, since role2 cannot use it.
	addFramework(t, c, "fw3", Capabilities{}, "role1")
	addAgent(t, c, "agent4", "cpus(role1):2;mem(role1):1024;disk(role1):0")
	checkOffers(t, "agent4", c.AllocateOn(t0, []string{"agent4"}), "fw3 role1 agent4 cpus(reservations: [(STATIC,role1)]):2; mem(reservations: [(STATIC,role1)]):1024")
}

// recoverAll declines everything a framework was offered in r.
func recoverAll(t *testing.T, c *Core, r Result, fw string, f *Filters, now time.Time) {
	t.Helper()
	for _, fo := range r.Offers {
		if fo.FrameworkID != fw {
			continue
		}
		for _, o := range fo.Offers {
			if _, err := c.RecoverResources(fw, o.AgentID, o.Resources, f, now); err != nil {
				t.Fatalf("RecoverResources(%s, %s) = %v", fw, o.AgentID, err)
			}
		}
	}
}

// Models HierarchicalAllocatorTest.OfferFilter.
func TestOfferFilter(t *testing.T) {
	interval := time.Second
	c := mustCore(t, Config{AllocationInterval: interval})
	addFramework(t, c, "fw1", Capabilities{}, "role")
	addAgent(t, c, "agent1", "cpus:2;mem:1024")
	r := c.Allocate(t0)
	checkOffers(t, "first", r, "fw1 role agent1 cpus:2; mem:1024")
	recoverAll(t, c, r, "fw1", RefuseSeconds(2*interval.Seconds()), t0)
	if got := c.ActiveFilters("role"); got != 1 {
		t.Errorf("ActiveFilters(role) = %d, want 1", got)
	}
	checkOffers(t, "t+interval", c.Allocate(t0.Add(interval)))
	if got := c.ExpireFilters(t0.Add(2 * interval)); got != 1 {
		t.Errorf("ExpireFilters(t+2i) = %d, want 1", got)
	}
	if got := c.ActiveFilters("role"); got != 0 {
		t.Errorf("ActiveFilters(role) after expiry = %d, want 0", got)
	}
	checkOffers(t, "t+2*interval", c.Allocate(t0.Add(2*interval)), "fw1 role agent1 cpus:2; mem:1024")
}

// Models HierarchicalAllocatorTest.SmallOfferFilterTimeout: a 1 s filter
// with a 1 minute interval still holds for the next batch allocation, so
// the resources go to the other framework despite its larger share.
func TestSmallOfferFilterTimeout(t *testing.T) {
	interval := time.Minute
	c := mustCore(t, Config{AllocationInterval: interval})
	addFramework(t, c, "fw1", Capabilities{}, "role1")
	addFramework(t, c, "fw2", Capabilities{}, "role1")
	addAgent(t, c, "agent1", "cpus:1;mem:512")
	addAgent(t, c, "agent2", "cpus:1;mem:512")
	// fw2 holds agent2 (allocated, not offered back).
	checkOffers(t, "first", c.AllocateOn(t0, []string{"agent2"}), "fw1 role1 agent2 cpus:1; mem:512")
	r := c.AllocateOn(t0, []string{"agent1"})
	checkOffers(t, "agent1", r, "fw2 role1 agent1 cpus:1; mem:512")
	// The decline arrives a moment after the offer was made; without the
	// max(allocation_interval, refuse_seconds) rule its 1 s filter would
	// be long gone by the next batch allocation.
	recoverAll(t, c, r, "fw2", RefuseSeconds(1), t0.Add(time.Millisecond))
	// At the next interval fw2 (share 0) is still filtered: fw1 gets it.
	checkOffers(t, "next", c.Allocate(t0.Add(interval)), "fw1 role1 agent1 cpus:1; mem:512")
}

// Models HierarchicalAllocatorTest.SuppressOffers and ReviveOffers.
func TestSuppressRevive(t *testing.T) {
	c := mustCore(t, Config{})
	addFramework(t, c, "fw1", Capabilities{}, "role1")
	if err := c.SuppressOffers("fw1", nil); err != nil {
		t.Fatal(err)
	}
	addAgent(t, c, "agent1", "cpus:2;mem:1024")
	r := c.Allocate(t0)
	checkOffers(t, "suppressed", r)
	if fc, _ := r.Cycle.Framework("fw1", "role1"); fc.Counts != (Counts{Suppressed: 1}) {
		t.Errorf("counts = %+v, want suppressed 1", fc.Counts)
	}
	// A filter is cleared by revive.
	if err := c.ReviveOffers("fw1", nil); err != nil {
		t.Fatal(err)
	}
	r = c.Allocate(t0)
	checkOffers(t, "revived", r, "fw1 role1 agent1 cpus:2; mem:1024")
	recoverAll(t, c, r, "fw1", RefuseSeconds(1000), t0)
	checkOffers(t, "filtered", c.Allocate(t0.Add(time.Second)))
	if err := c.ReviveOffers("fw1", []string{"role1"}); err != nil {
		t.Fatal(err)
	}
	checkOffers(t, "revived again", c.Allocate(t0.Add(time.Second)), "fw1 role1 agent1 cpus:2; mem:1024")
}

// Models HierarchicalAllocatorTest.MinAllocatableResources and
// FrameworkMinAllocatableResources (offer_filters override).
func TestMinAllocatableResources(t *testing.T) {
	tests := []struct {
		name  string
		cfg   string // "" = default
		fwMin map[string][]resources.Quantities
		agent string
		want  []string
	}{
		{"default cpus", "", nil, "cpus:0.01;mem:0", []string{"fw1 role1 a cpus:0.01"}},
		{"default mem", "", nil, "cpus:0;mem:32", []string{"fw1 role1 a mem:32"}},
		{"default too small", "", nil, "cpus:0.005;mem:31", nil},
		{"and set", "cpus:1;mem:100", nil, "cpus:1;mem:99", nil},
		{"and set fits", "cpus:1;mem:100", nil, "cpus:1;mem:100", []string{"fw1 role1 a cpus:1; mem:100"}},
		{"disk alternative", "cpus:1|disk:10", nil, "cpus:0.5;disk:10", []string{"fw1 role1 a cpus:0.5; disk:10"}},
		{"framework override", "", map[string][]resources.Quantities{"role1": {resources.MustQuantities("gpus:1")}}, "cpus:4;mem:1024", nil},
		{"framework disables", "cpus:8", map[string][]resources.Quantities{"role1": {}}, "cpus:1", []string{"fw1 role1 a cpus:1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{}
			if tc.cfg != "" {
				q, err := ParseMinAllocatable(tc.cfg)
				if err != nil {
					t.Fatal(err)
				}
				cfg.MinAllocatableResources = q
			}
			c := mustCore(t, cfg)
			if err := c.AddFramework(FrameworkInfo{ID: "fw1", Roles: []string{"role1"}, MinAllocatableResources: tc.fwMin}, nil, true, nil); err != nil {
				t.Fatal(err)
			}
			addAgent(t, c, "a", tc.agent)
			r := c.Allocate(t0)
			checkOffers(t, tc.name, r, tc.want...)
			fc, _ := r.Cycle.Framework("fw1", "role1")
			wantCounts := Counts{Offered: 1}
			if tc.want == nil {
				wantCounts = Counts{MinAllocatable: 1}
			}
			if fc.Counts != wantCounts {
				t.Errorf("counts = %+v, want %+v", fc.Counts, wantCounts)
			}
		})
	}
}

// Models HierarchicalAllocatorTest.QuotaProvidesGuarantee: stage 1 offers
// a quota role its guarantee before fair sharing, even against a role with
// a lower share.
func TestQuotaGuarantee(t *testing.T) {
	c := mustCore(t, Config{})
	if err := c.UpdateQuota("quota", Quota{Guarantees: resources.MustQuantities("cpus:2;mem:1024")}); err != nil {
		t.Fatal(err)
	}
	addFramework(t, c, "fw1", Capabilities{}, "quota")
	addFramework(t, c, "fw2", Capabilities{}, "nonquota")
	// fw1 already holds a little so that DRF alone would favour fw2.
	addAgent(t, c, "agent0", "cpus:1;mem:512")
	checkOffers(t, "agent0", c.AllocateOn(t0, []string{"agent0"}), "fw1 quota agent0 cpus:1; mem:512")
	addAgent(t, c, "agent1", "cpus:1;mem:512")
	addAgent(t, c, "agent2", "cpus:1;mem:512")
	addAgent(t, c, "agent3", "cpus:1;mem:512")
	r := c.Allocate(t0)
	var toQuota int
	for _, fo := range r.Offers {
		if fo.FrameworkID == "fw1" {
			toQuota = len(fo.Offers)
		}
	}
	// Guarantee cpus:2 — consumed 1, so stage 1 gives fw1 one more agent;
	// stage 2 then holds back nothing (guarantee satisfied) and DRF gives
	// fw2 the other two.
	if toQuota != 1 {
		t.Errorf("offers to fw1 = %d, want 1 (guarantee top-up); offers %v", toQuota, offersOf(r))
	}
	if got := len(offersOf(r)); got != 3 {
		t.Errorf("offers = %d, want 3: %v", got, offersOf(r))
	}
	rc, _ := r.Cycle.Role("quota")
	if rc.Guarantees != "cpus:2; mem:1024" {
		t.Errorf("role quota guarantees = %q, want %q", rc.Guarantees, "cpus:2; mem:1024")
	}
	// The headroom the cycle started with: the guarantee's unmet part is
	// required, everything not offered or allocated is available.
	if got, want := r.Cycle.RequiredHeadroom, "cpus:1; mem:512"; got != want {
		t.Errorf("RequiredHeadroom = %q, want %q", got, want)
	}
	if got, want := r.Cycle.AvailableHeadroom, "cpus:3; mem:1536"; got != want {
		t.Errorf("AvailableHeadroom = %q, want %q", got, want)
	}

	// fw2 declines: the next cycle starts with the guarantee met, so
	// nothing is required, and what fw2 gave back is available headroom.
	for _, fo := range r.Offers {
		if fo.FrameworkID != "fw2" {
			continue
		}
		for _, o := range fo.Offers {
			if _, err := c.RecoverResources("fw2", o.AgentID, o.Resources, nil, t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	r = c.Allocate(t0.Add(time.Second))
	if got, want := r.Cycle.RequiredHeadroom, "{}"; got != want {
		t.Errorf("next cycle: RequiredHeadroom = %q, want %q", got, want)
	}
	if got, want := r.Cycle.AvailableHeadroom, "cpus:2; mem:1024"; got != want {
		t.Errorf("next cycle: AvailableHeadroom = %q, want %q", got, want)
	}
}

// Models HierarchicalAllocatorTest.QuotaHeadroom-like behaviour: stage 2
// holds back unreserved resources for an unsatisfied guarantee of a role
// whose framework is suppressed... here, a role with no frameworks.
func TestQuotaHeadroomHeldBack(t *testing.T) {
	c := mustCore(t, Config{})
	if err := c.UpdateQuota("reserved-for", Quota{Guarantees: resources.MustQuantities("cpus:2;mem:1024")}); err != nil {
		t.Fatal(err)
	}
	addFramework(t, c, "fw1", Capabilities{}, "other")
	addAgent(t, c, "agent1", "cpus:2;mem:1024")
	addAgent(t, c, "agent2", "cpus:2;mem:1024")
	r := c.Allocate(t0)
	if got := len(offersOf(r)); got != 1 {
		t.Errorf("offers = %v, want one agent held back as headroom", offersOf(r))
	}
	fc, _ := r.Cycle.Framework("fw1", "other")
	if want := (Counts{Offered: 1, Headroom: 1}); fc.Counts != want {
		t.Errorf("counts = %+v, want %+v", fc.Counts, want)
	}
}

// Models HierarchicalAllocatorTest.QuotaLimits (limits cap what a role is
// offered: the agent's unreserved scalars are chopped to the limit).
func TestQuotaLimit(t *testing.T) {
	c := mustCore(t, Config{})
	if err := c.UpdateQuota("role1", Quota{Limits: Limits{"cpus": 3, "mem": 1536}}); err != nil {
		t.Fatal(err)
	}
	addFramework(t, c, "fw1", Capabilities{}, "role1")
	addAgent(t, c, "agent1", "cpus:2;mem:1024")
	addAgent(t, c, "agent2", "cpus:2;mem:1024")
	addAgent(t, c, "agent3", "cpus:2;mem:1024")
	r := c.Allocate(t0)
	fc, _ := r.Cycle.Framework("fw1", "role1")
	if fc.Offered != "cpus:3; mem:1536" {
		t.Errorf("offered = %q, want %q", fc.Offered, "cpus:3; mem:1536")
	}
	if want := (Counts{Offered: 2, QuotaLimit: 1}); fc.Counts != want {
		t.Errorf("counts = %+v, want %+v", fc.Counts, want)
	}
	if err := c.UpdateQuota("role1", Quota{Guarantees: resources.MustQuantities("cpus:4"), Limits: Limits{"cpus": 3}}); err == nil {
		t.Errorf("UpdateQuota(guarantee > limit) = nil, want error")
	}
	if err := c.UpdateQuota("a/b", Quota{Limits: Limits{"cpus": 3}}); err == nil {
		t.Errorf("UpdateQuota(a/b) = nil, want error (top-level only)")
	}
}

// Models HierarchicalAllocatorTest.UpdateWeight: with weight 2, role2
// receives twice as many agents as role1 under DRF.
func TestWeights(t *testing.T) {
	c := mustCore(t, Config{})
	if err := c.UpdateWeights(map[string]float64{"role2": 2}); err != nil {
		t.Fatal(err)
	}
	addFramework(t, c, "fw1", Capabilities{}, "role1")
	addFramework(t, c, "fw2", Capabilities{}, "role2")
	for i := range 6 {
		addAgent(t, c, "agent"+string(rune('0'+i)), "cpus:1;mem:512")
	}
	// Agents one at a time, so each decision sees the previous ones.
	counts := map[string]int{}
	for i := range 6 {
		for _, fo := range c.AllocateOn(t0, []string{"agent" + string(rune('0'+i))}).Offers {
			counts[fo.FrameworkID] += len(fo.Offers)
		}
	}
	if want := map[string]int{"fw1": 2, "fw2": 4}; !cmp.Equal(counts, want) {
		t.Errorf("offers per framework = %v, want %v", counts, want)
	}
	if err := c.UpdateWeights(map[string]float64{"role1": 0}); err == nil {
		t.Errorf("UpdateWeights(0) = nil, want error")
	}
}

// Models HierarchicalAllocatorTest.GPUResources and
// NoDoubleAccounting-free GPU filtering: agents with GPUs go only to
// GPU_RESOURCES frameworks unless --filter_gpu_resources=false.
func TestGPUFiltering(t *testing.T) {
	off := false
	for _, tc := range []struct {
		name   string
		filter *bool
		first  []string
		counts Counts
	}{
		{"filtered", nil, nil, Counts{Incapable: 1}},
		{"not filtered", &off, []string{"plain-fw role1 gpu cpus:1; mem:1024; gpus:1"}, Counts{Offered: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustCore(t, Config{FilterGPUResources: tc.filter})
			addFramework(t, c, "plain-fw", Capabilities{}, "role1")
			addAgent(t, c, "gpu", "cpus:1;mem:1024;gpus:1")
			r := c.Allocate(t0)
			checkOffers(t, "first", r, tc.first...)
			if fc, _ := r.Cycle.Framework("plain-fw", "role1"); fc.Counts != tc.counts {
				t.Errorf("counts = %+v, want %+v", fc.Counts, tc.counts)
			}
			if tc.filter == nil {
				addFramework(t, c, "gpu-fw", Capabilities{GPUResources: true}, "role1")
				checkOffers(t, "gpu framework", c.Allocate(t0), "gpu-fw role1 gpu cpus:1; mem:1024; gpus:1")
			}
		})
	}
}

// Models RecoverResources not triggering allocation (MESOS-3078) and the
// refuse_seconds edge cases of recoverResources.
func TestRefuseSeconds(t *testing.T) {
	interval := time.Second
	for _, tc := range []struct {
		name   string
		f      *Filters
		filter bool
		until  time.Duration
	}{
		{"default", &Filters{}, true, 5 * time.Second},
		{"zero", RefuseSeconds(0), false, 0},
		{"negative", RefuseSeconds(-3), true, 5 * time.Second},
		{"below interval", RefuseSeconds(0.1), true, interval},
		{"capped", RefuseSeconds(1e12), true, MaxRefuse},
		{"no filters", nil, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustCore(t, Config{AllocationInterval: interval})
			addFramework(t, c, "fw1", Capabilities{}, "r")
			addAgent(t, c, "a", "cpus:1;mem:512")
			r := c.Allocate(t0)
			o := r.Offers[0].Offers[0]
			fi, err := c.RecoverResources("fw1", "a", o.Resources, tc.f, t0)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi != nil; got != tc.filter {
				t.Fatalf("RecoverResources(%v) filter = %v, want %v", tc.f, got, tc.filter)
			}
			if fi != nil && fi.Expires.Sub(t0) != tc.until {
				t.Errorf("filter expires after %v, want %v", fi.Expires.Sub(t0), tc.until)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	c := mustCore(t, Config{})
	addFramework(t, c, "fw1", Capabilities{}, "r")
	addAgent(t, c, "a", "cpus:1;mem:512")
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"add framework twice", c.AddFramework(FrameworkInfo{ID: "fw1"}, nil, true, nil)},
		{"add agent twice", c.AddAgent("a", resources.Resources{}, nil)},
		{"remove unknown framework", c.RemoveFramework("nope")},
		{"remove unknown agent", c.RemoveAgent("nope")},
		{"bad role", c.AddFramework(FrameworkInfo{ID: "fw2", Roles: []string{"a//b"}}, nil, true, nil)},
		{"empty id", c.AddFramework(FrameworkInfo{}, nil, true, nil)},
	} {
		if tc.err == nil {
			t.Errorf("%s: error = nil, want an error", tc.name)
		}
	}
	_, err := c.RecoverResources("fw1", "a", mustParse(t, "cpus:1").Allocated("r"), nil, t0)
	if err == nil {
		t.Errorf("RecoverResources(not held) = nil, want error")
	}
}
