package allocator

import (
	"runtime"
	"slices"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// offerTexts renders every offer with its allocation_info, to check later
// that nothing changed an offer handed out.
func offerTexts(r Result) []string {
	var out []string
	for _, fo := range r.Offers {
		for _, o := range fo.Offers {
			out = append(out, o.FrameworkID+" "+o.AgentID+" "+o.Resources.String())
		}
	}
	return out
}

// TestIdleAgentSharesItsTotal checks the whole-agent path: an idle plain
// agent is offered as its role's shared copy of its total, getting all of
// it back (the same storage, or a copy the way the master gives it back)
// makes the agent's available the shared total again without allocating,
// and no later step changes an offer already handed out, however the
// agent is used meanwhile (partly recovered, partly allocated, offered to
// another role, resized).
func TestIdleAgentSharesItsTotal(t *testing.T) {
	c := mustCore(t, Config{Seed: 7})
	addFramework(t, c, "fa", Capabilities{}, "a")
	addFramework(t, c, "fb", Capabilities{}, "b")
	for _, id := range []string{"agent1", "agent2", "agent3"} {
		addAgent(t, c, id, "cpus:4;mem:1024;ports:[31000-31009]")
	}
	idle := func(step string) {
		t.Helper()
		for _, id := range []string{"agent1", "agent2", "agent3"} {
			a := c.agents[id]
			if !a.idle() {
				t.Errorf("%s: agent %s idle() = false (available %v, held by %d), want true", step, id, a.available, a.allocated.len())
			}
			if a.shared != c.agents["agent1"].shared {
				t.Errorf("%s: agent %s does not share agent1's total", step, id)
			}
		}
	}
	idle("after AddAgent")

	now := t0
	var handed []Result
	var texts [][]string
	keep := func(r Result) {
		handed = append(handed, r)
		texts = append(texts, offerTexts(r))
	}

	// Cycle 1: three whole agents; give them back in the offers' own storage.
	r := c.Allocate(now)
	keep(r)
	if got := r.Cycle.Offers; got != 3 {
		t.Fatalf("cycle 1: %d offers, want 3", got)
	}
	for _, fo := range r.Offers {
		for _, o := range fo.Offers {
			if _, err := c.RecoverResources(fo.FrameworkID, o.AgentID, o.Resources, nil, now); err != nil {
				t.Fatalf("cycle 1: RecoverResources = %v", err)
			}
		}
	}
	idle("after recovering the offers' own storage")

	// Cycle 2: give them back as copies (the master's decline path).
	now = now.Add(c.interval)
	r = c.Allocate(now)
	keep(r)
	for _, fo := range r.Offers {
		for _, o := range fo.Offers {
			if _, err := c.RecoverResources(fo.FrameworkID, o.AgentID, o.Resources.Clone(), nil, now); err != nil {
				t.Fatalf("cycle 2: RecoverResources = %v", err)
			}
		}
	}
	idle("after recovering copies")

	// Recovering a whole idle offer allocates nothing.
	now = now.Add(c.interval)
	r = c.Allocate(now)
	keep(r)
	fo := r.Offers[0]
	o := fo.Offers[0]
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := c.RecoverResources(fo.FrameworkID, o.AgentID, o.Resources, nil, now)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("cycle 3: RecoverResources = %v", err)
	}
	if allocs := after.Mallocs - before.Mallocs; allocs != 0 {
		t.Errorf("RecoverResources of a whole idle agent: %v allocations, want 0", allocs)
	}

	// Cycle 3's other offers: a part back, a part allocated (a task
	// launched), then the rest back; then the agent is resized.
	part := resources.MustParse("cpus:1;mem:256")
	for _, fo := range r.Offers {
		for _, o := range fo.Offers {
			if o.AgentID == fo.Offers[0].AgentID && fo.FrameworkID == r.Offers[0].FrameworkID {
				continue // recovered above
			}
			back := part.Clone()
			back.Allocate(o.Role)
			if _, err := c.RecoverResources(fo.FrameworkID, o.AgentID, back, nil, now); err != nil {
				t.Fatalf("cycle 3: RecoverResources(part) = %v", err)
			}
			rest := o.Resources.Minus(back)
			if _, err := c.RecoverResources(fo.FrameworkID, o.AgentID, rest, nil, now); err != nil {
				t.Fatalf("cycle 3: RecoverResources(rest) = %v", err)
			}
		}
	}
	idle("after recovering offers in two parts")

	now = now.Add(c.interval)
	r = c.Allocate(now)
	keep(r)
	first := r.Offers[0].Offers[0]
	used := resources.MustParse("cpus:2;mem:512")
	used.Allocate(first.Role)
	if err := c.UpdateAllocation(r.Offers[0].FrameworkID, first.AgentID, used, used); err != nil {
		t.Fatalf("UpdateAllocation = %v", err)
	}
	if c.agents[first.AgentID].idle() {
		t.Errorf("agent %s idle() = true while resources are offered there, want false", first.AgentID)
	}
	if _, err := c.UpdateAgent("agent3", resources.MustParse("cpus:8;mem:2048;ports:[31000-31009]")); err != nil {
		t.Fatalf("UpdateAgent = %v", err)
	}
	// A role whose quota limit cuts what it is offered: part of an idle
	// agent is offered, the rest stays available there.
	if err := c.UpdateQuota("c", Quota{Limits: Limits{"cpus": 1, "mem": 100}}); err != nil {
		t.Fatalf("UpdateQuota(c) = %v", err)
	}
	addFramework(t, c, "fc", Capabilities{}, "c")
	for _, fo := range r.Offers { // everything back, so that c gets a turn
		for _, o := range fo.Offers {
			held, _ := c.agents[o.AgentID].allocated.get(fo.FrameworkID)
			if _, err := c.RecoverResources(fo.FrameworkID, o.AgentID, held, nil, now); err != nil {
				t.Fatalf("RecoverResources(%s on %s) = %v", fo.FrameworkID, o.AgentID, err)
			}
		}
	}
	now = now.Add(c.interval)
	r = c.Allocate(now)
	keep(r)
	cut := 0
	for _, fo := range r.Offers {
		if fo.FrameworkID == "fc" {
			cut += len(fo.Offers)
		}
	}
	if cut == 0 {
		t.Errorf("no offer to fc in role c, want one cut to its quota limit: %q", offerTexts(r))
	}

	// An agent that comes back with a task running: allocated at once, the
	// total it shares with agent1 and agent2 stays as it is.
	running := resources.MustParse("cpus:1;mem:128")
	running.Allocate("a")
	if err := c.AddAgent("agent4", resources.MustParse("cpus:4;mem:1024;ports:[31000-31009]"), map[string]resources.Resources{"fa": running}); err != nil {
		t.Fatalf("AddAgent(agent4, used) = %v", err)
	}
	if got, want := c.agents["agent4"].available.String(), "cpus:3; mem:896; ports:[31000-31009]"; got != want {
		t.Errorf("agent4 available = %s, want %s", got, want)
	}
	now = now.Add(c.interval)
	keep(c.Allocate(now))

	for id, want := range map[string]string{
		"agent1": "cpus:4; mem:1024; ports:[31000-31009]",
		"agent2": "cpus:4; mem:1024; ports:[31000-31009]",
		"agent3": "cpus:8; mem:2048; ports:[31000-31009]",
		"agent4": "cpus:4; mem:1024; ports:[31000-31009]",
	} {
		if got := c.agents[id].total.String(); got != want {
			t.Errorf("agent %s total = %s, want %s", id, got, want)
		}
	}
	for i, r := range handed {
		for _, fo := range r.Offers {
			for _, o := range fo.Offers {
				if role, ok := o.Resources.SingleAllocationRole(); !ok || role != o.Role {
					t.Errorf("cycle %d: offer to %s in role %s on %s carries %v", i+1, fo.FrameworkID, o.Role, o.AgentID, o.Resources)
				}
			}
		}
		if got, want := offerTexts(r), texts[i]; !slices.Equal(got, want) {
			t.Errorf("offers of cycle %d changed after they were handed out:\n got %q\nwant %q", i+1, got, want)
		}
	}
}
