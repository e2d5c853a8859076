package allocator

import (
	"testing"
	"time"
)

// offerOnly returns the single offer of r, failing otherwise.
func offerOnly(t *testing.T, r Result) Offer {
	t.Helper()
	if len(r.Offers) != 1 || len(r.Offers[0].Offers) != 1 {
		t.Fatalf("offers = %v, want exactly one", offersOf(r))
	}
	return r.Offers[0].Offers[0]
}

// Models HierarchicalAllocatorTest.RemoveFramework-style bookkeeping:
// removing a framework frees what it held for the next cycle.
func TestRemoveFrameworkFreesResources(t *testing.T) {
	c := mustCore(t, Config{})
	addFramework(t, c, "fw1", Capabilities{}, "r")
	addAgent(t, c, "a", "cpus:2;mem:1024")
	offerOnly(t, c.Allocate(t0))
	addFramework(t, c, "fw2", Capabilities{}, "r")
	checkOffers(t, "held by fw1", c.Allocate(t0))
	if err := c.RemoveFramework("fw1"); err != nil {
		t.Fatal(err)
	}
	checkOffers(t, "after removal", c.Allocate(t0), "fw2 r a cpus:2; mem:1024")
	if _, err := c.RecoverResources("fw1", "a", mustParse(t, "cpus:1").Allocated("r"), nil, t0); err != nil {
		t.Errorf("RecoverResources(removed framework) = %v, want ignored like Mesos", err)
	}
}

// Models deactivateSlave/activateSlave, removeSlave and updateSlave.
func TestAgentLifecycle(t *testing.T) {
	c := mustCore(t, Config{})
	addFramework(t, c, "fw1", Capabilities{}, "r")
	addAgent(t, c, "a", "cpus:2;mem:1024")
	if err := c.DeactivateAgent("a"); err != nil {
		t.Fatal(err)
	}
	r := c.Allocate(t0)
	checkOffers(t, "deactivated", r)
	if r.Cycle.Candidates != 0 {
		t.Errorf("candidates = %d, want 0 (deactivated agent)", r.Cycle.Candidates)
	}
	if err := c.ActivateAgent("a"); err != nil {
		t.Fatal(err)
	}
	o := offerOnly(t, c.Allocate(t0))
	// Growing the total makes the difference available.
	changed, err := c.UpdateAgent("a", mustParse(t, "cpus:4;mem:2048"))
	if err != nil || !changed {
		t.Fatalf("UpdateAgent = %v, %v, want changed", changed, err)
	}
	checkOffers(t, "grown", c.Allocate(t0), "fw1 r a cpus:2; mem:1024")
	if changed, _ := c.UpdateAgent("a", mustParse(t, "cpus:4;mem:2048")); changed {
		t.Errorf("UpdateAgent(same total) changed = true, want false")
	}
	// Removing the agent drops its allocation and filters.
	if _, err := c.RecoverResources("fw1", "a", o.Resources, RefuseSeconds(100), t0); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveAgent("a"); err != nil {
		t.Fatal(err)
	}
	if got := c.ActiveFilters("r"); got != 0 {
		t.Errorf("ActiveFilters after RemoveAgent = %d, want 0", got)
	}
	addAgent(t, c, "b", "cpus:1;mem:512")
	checkOffers(t, "new agent", c.Allocate(t0), "fw1 r b cpus:1; mem:512")
}

// Models updateAllocation (RESERVE on an offer): the reserved resources
// stay allocated and, once recovered, are offered only to the role.
func TestUpdateAllocationReserve(t *testing.T) {
	c := mustCore(t, Config{})
	addFramework(t, c, "fw1", Capabilities{}, "r")
	addAgent(t, c, "a", "cpus:2;mem:1024")
	o := offerOnly(t, c.Allocate(t0))
	to := mustParse(t, "cpus(r):2;mem(r):1024").Allocated("r")
	if err := c.UpdateAllocation("fw1", "a", o.Resources, to); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RecoverResources("fw1", "a", to, RefuseSeconds(0), t0); err != nil {
		t.Fatal(err)
	}
	addFramework(t, c, "other", Capabilities{}, "s")
	checkOffers(t, "reserved", c.Allocate(t0.Add(time.Second)),
		"fw1 r a cpus(reservations: [(STATIC,r)]):2; mem(reservations: [(STATIC,r)]):1024")
	if err := c.UpdateAllocation("fw1", "a", mustParse(t, "cpus:9").Allocated("r"), to); err == nil {
		t.Errorf("UpdateAllocation(not held) = nil, want error")
	}
}

// Models updateFramework: a framework that leaves a role stops being
// offered in it, and one that joins a role starts.
func TestUpdateFrameworkRoles(t *testing.T) {
	c := mustCore(t, Config{})
	addFramework(t, c, "fw1", Capabilities{MultiRole: true}, "r1")
	if err := c.UpdateFramework(FrameworkInfo{ID: "fw1", Roles: []string{"r2"}, Capabilities: Capabilities{MultiRole: true}}, nil); err != nil {
		t.Fatal(err)
	}
	addAgent(t, c, "a", "cpus:1;mem:512")
	r := c.Allocate(t0)
	checkOffers(t, "moved to r2", r, "fw1 r2 a cpus:1; mem:512")
	if _, ok := r.Cycle.Role("r1"); ok {
		t.Errorf("role r1 still in the cycle after the framework left it")
	}
	if err := c.UpdateFramework(FrameworkInfo{ID: "fw1", Roles: []string{"r1", "r2"}}, []string{"r2"}); err != nil {
		t.Fatal(err)
	}
	addAgent(t, c, "b", "cpus:1;mem:512")
	checkOffers(t, "r2 suppressed", c.Allocate(t0), "fw1 r1 b cpus:1; mem:512")
}

func TestPause(t *testing.T) {
	c := mustCore(t, Config{})
	addFramework(t, c, "fw1", Capabilities{}, "r")
	addAgent(t, c, "a", "cpus:1;mem:512")
	c.Pause()
	if r := c.Allocate(t0); r.Cycle != nil || len(r.Offers) != 0 {
		t.Errorf("Allocate while paused = %v, want nothing", offersOf(r))
	}
	c.Resume()
	checkOffers(t, "resumed", c.Allocate(t0), "fw1 r a cpus:1; mem:512")
	if n := len(c.Cycles()); n != 1 {
		t.Errorf("Cycles() = %d, want 1", n)
	}
}

func TestHistoryRing(t *testing.T) {
	c := mustCore(t, Config{History: 2})
	for range 5 {
		c.Allocate(t0)
	}
	var seqs []uint64
	for _, cy := range c.Cycles() {
		seqs = append(seqs, cy.Seq)
	}
	if len(seqs) != 2 || seqs[0] >= seqs[1] {
		t.Errorf("Cycles() seqs = %v, want the last 2, oldest first", seqs)
	}
	last, ok := c.LastCycle()
	if !ok || last.Seq != seqs[1] {
		t.Errorf("LastCycle() = %d, %v, want %d", last.Seq, ok, seqs[1])
	}
}
