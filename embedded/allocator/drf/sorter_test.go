package drf

import (
	"testing"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// TestMesosSorterTests ports every DRF test case of
// src/tests/sorter_tests.cpp at tag 1.11.0. Each entry names the Mesos
// test it ports. Not ported, because they test other components:
// WeightedShuffleTest.ProbabilityDistribution and the two
// RandomSorterTest cases (the random sorter, not DRF), and
// RoleTreeTest.RolesTracking (the allocator's RoleTree, which belongs to
// the allocator package). The CommonSorterTest typed tests are ported for
// the DRF sorter; the two BENCHMARK_ cases are benchmarks in
// bench_test.go.
func TestMesosSorterTests(t *testing.T) {
	const agent = "agentId"
	tests := []struct {
		name  string // the Mesos test ported
		steps []step
	}{
		{"DRFSorterTest.DRF", seq(
			addAgent(agent, "cpus:100;mem:100"),
			sorted(),
			addActive("a"), alloc("a", agent, "cpus:5;mem:5"),
			addActive("b"), alloc("b", agent, "cpus:6;mem:6"),
			// shares: a = .05, b = .06
			sorted("a", "b"),
			addActive("c"), alloc("c", agent, "cpus:1;mem:1"),
			addActive("d"), alloc("d", agent, "cpus:3;mem:1"),
			// shares: a = .05, b = .06, c = .01, d = .03
			sorted("c", "d", "a", "b"),
			remove("a"),
			unalloc("b", agent, "cpus:4;mem:4"),
			// shares: b = .02, c = .01, d = .03
			sorted("c", "b", "d"),
			addActive("e"), alloc("e", agent, "cpus:1;mem:5"),
			removeAgent(agent), addAgent(agent, "cpus:50;mem:100"),
			// shares: b = .04, c = .02, d = .06, e = .05
			sorted("c", "b", "e", "d"),
			removeAgent(agent), addAgent(agent, "cpus:50;mem:200"),
			addActive("f"), alloc("f", agent, "cpus:5;mem:1"),
			alloc("c", agent, "cpus:0;mem:15"),
			// shares: b = .04, c = .08, d = .06, e = .025, f = .1
			sorted("e", "b", "d", "c", "f"),
			contains("b", true), contains("a", false), count(5),
			deactivate("d"),
			contains("d", true),
			sorted("e", "b", "c", "f"),
			count(5),
			activate("d"),
			sorted("e", "b", "d", "c", "f"),
		)},
		{"DRFSorterTest.WDRF", seq(
			addAgent(agent, "cpus:100;mem:100"),
			addActive("a"), alloc("a", agent, "cpus:5;mem:5"),
			addActive("b"), weight("b", 2), alloc("b", agent, "cpus:6;mem:6"),
			// shares: a = .05, b = .03
			sorted("b", "a"),
			addActive("c"), alloc("c", agent, "cpus:4;mem:4"),
			// shares: a = .05, b = .03, c = .04
			sorted("b", "c", "a"),
			addActive("d"), weight("d", 10), alloc("d", agent, "cpus:10;mem:20"),
			// shares: a = .05, b = .03, c = .04, d = .02
			sorted("d", "b", "c", "a"),
			remove("b"),
			sorted("d", "c", "a"),
			alloc("d", agent, "cpus:10;mem:25"),
			// shares: a = .05, c = .04, d = .045
			sorted("c", "d", "a"),
			addActive("e"), weight("e", 0.1), alloc("e", agent, "cpus:1;mem:1"),
			// shares: a = .05, c = .04, d = .045, e = .1
			sorted("c", "d", "a", "e"),
			remove("a"),
			sorted("c", "d", "e"),
		)},
		{"DRFSorterTest.UpdateWeight", seq(
			addAgent(agent, "cpus:100;mem:100"),
			addActive("a"), alloc("a", agent, "cpus:5;mem:5"),
			addActive("b"), alloc("b", agent, "cpus:6;mem:6"),
			// shares: a = .05, b = .06
			sorted("a", "b"),
			// Increase b's weight to flip the sort order.
			weight("b", 2),
			// shares: a = .05, b = .03
			sorted("b", "a"),
		)},
		{"DRFSorterTest.AllocationCountTieBreak", seq(
			addAgent(agent, "cpus:100;mem:100"),
			add("a"), add("b"), add("c"), add("d"), add("e"),
			activate("a"), activate("b"), activate("c"), activate("d"), activate("e"),
			// Everyone is allocated the same amount of resources; "c" gets
			// three distinct allocations, "d" gets two, and all other
			// clients get one.
			alloc("a", agent, "cpus:3;mem:3"),
			alloc("b", agent, "cpus:3;mem:3"),
			alloc("c", agent, "cpus:1;mem:1"),
			alloc("c", agent, "cpus:1;mem:1"),
			alloc("c", agent, "cpus:1;mem:1"),
			alloc("d", agent, "cpus:2;mem:2"),
			alloc("d", agent, "cpus:1;mem:1"),
			alloc("e", agent, "cpus:3;mem:3"),
			// Allocation count: {a,b,e} = 1, {d} = 2, {c} = 3.
			sorted("a", "b", "e", "d", "c"),
			// Unallocating and re-allocating does not reset the count.
			unalloc("c", agent, "cpus:3;mem:3"),
			sorted("c", "a", "b", "e", "d"),
			alloc("c", agent, "cpus:3;mem:3"),
			// Allocation count: {a,b,e} = 1, {d} = 2, {c} = 4.
			sorted("a", "b", "e", "d", "c"),
			// Deactivating and re-activating does not reset the count.
			deactivate("c"), activate("c"),
			sorted("a", "b", "e", "d", "c"),
			unalloc("c", agent, "cpus:3;mem:3"),
			alloc("c", agent, "cpus:3;mem:3"),
			// Allocation count: {a,b,e} = 1, {d} = 2, {c} = 5.
			sorted("a", "b", "e", "d", "c"),
			// Allocations to an inactive client increase the count.
			deactivate("a"),
			unalloc("a", agent, "cpus:1;mem:3"),
			alloc("a", agent, "cpus:1;mem:3"),
			// Allocation count: {b,e} = 1, {d} = 2, {c} = 5.
			sorted("b", "e", "d", "c"),
			activate("a"),
			// Allocation count: {b,e} = 1, {a,d} = 2, {c} = 5.
			sorted("b", "e", "a", "d", "c"),
		)},
		{"DRFSorterTest.ShallowHierarchy", seq(
			addAgent(agent, "cpus:100;mem:100"),
			addActive("a/a"), alloc("a/a", agent, "cpus:5;mem:5"),
			addActive("b/b"), alloc("b/b", agent, "cpus:6;mem:6"),
			sorted("a/a", "b/b"),
			addActive("c/c"), alloc("c/c", agent, "cpus:1;mem:1"),
			addActive("d/d"), alloc("d/d", agent, "cpus:3;mem:1"),
			sorted("c/c", "d/d", "a/a", "b/b"),
			remove("a/a"),
			unalloc("b/b", agent, "cpus:4;mem:4"),
			sorted("c/c", "b/b", "d/d"),
			addActive("e/e"), alloc("e/e", agent, "cpus:1;mem:5"),
			removeAgent(agent), addAgent(agent, "cpus:50;mem:100"),
			sorted("c/c", "b/b", "e/e", "d/d"),
			removeAgent(agent), addAgent(agent, "cpus:50;mem:200"),
			addActive("f/f"), alloc("f/f", agent, "cpus:5;mem:1"),
			alloc("c/c", agent, "cpus:0;mem:15"),
			sorted("e/e", "b/b", "d/d", "c/c", "f/f"),
			contains("b/b", true), contains("a/a", false), count(5),
			deactivate("d/d"),
			contains("d/d", true),
			sorted("e/e", "b/b", "c/c", "f/f"),
			count(5),
			activate("d/d"),
			sorted("e/e", "b/b", "d/d", "c/c", "f/f"),
		)},
		{"DRFSorterTest.DeepHierarchy", seq(
			addAgent(agent, "cpus:100;mem:100"),
			addActive("a/a/a/a/a"), alloc("a/a/a/a/a", agent, "cpus:5;mem:5"),
			addActive("b/b/b/b"), alloc("b/b/b/b", agent, "cpus:6;mem:6"),
			sorted("a/a/a/a/a", "b/b/b/b"),
			addActive("c/c/c"), alloc("c/c/c", agent, "cpus:1;mem:1"),
			addActive("d/d"), alloc("d/d", agent, "cpus:3;mem:1"),
			sorted("c/c/c", "d/d", "a/a/a/a/a", "b/b/b/b"),
			remove("a/a/a/a/a"),
			unalloc("b/b/b/b", agent, "cpus:4;mem:4"),
			sorted("c/c/c", "b/b/b/b", "d/d"),
			addActive("e/e/e/e/e/e"), alloc("e/e/e/e/e/e", agent, "cpus:1;mem:5"),
			removeAgent(agent), addAgent(agent, "cpus:50;mem:100"),
			sorted("c/c/c", "b/b/b/b", "e/e/e/e/e/e", "d/d"),
			removeAgent(agent), addAgent(agent, "cpus:50;mem:200"),
			addActive("f/f"), alloc("f/f", agent, "cpus:5;mem:1"),
			alloc("c/c/c", agent, "cpus:0;mem:15"),
			sorted("e/e/e/e/e/e", "b/b/b/b", "d/d", "c/c/c", "f/f"),
			contains("b/b/b/b", true), contains("a/a/a/a/a", false), count(5),
			deactivate("d/d"),
			contains("d/d", true),
			sorted("e/e/e/e/e/e", "b/b/b/b", "c/c/c", "f/f"),
			count(5),
			activate("d/d"),
			sorted("e/e/e/e/e/e", "b/b/b/b", "d/d", "c/c/c", "f/f"),
		)},
		{"DRFSorterTest.HierarchicalAllocation", seq(
			addAgent(agent, "cpus:100;mem:100"),
			add("a"), add("b/c"), add("b/d"),
			activate("a"), activate("b/c"), activate("b/d"),
			count(3), contains("a", true), contains("b", false), contains("b/c", true), contains("b/d", true),
			// Shares: a = 0, b/c = 0, b/d = 0.
			sorted("a", "b/c", "b/d"),
			alloc("a", agent, "cpus:6;mem:6"),
			// Shares: a = 0.06, b/c = 0, b/d = 0.
			sorted("b/c", "b/d", "a"),
			alloc("b/c", agent, "cpus:4;mem:4"),
			alloc("b/d", agent, "cpus:3;mem:3"),
			// Shares: a = 0.06, b/d = 0.03, b/c = 0.04.
			sorted("a", "b/d", "b/c"),
			allocationOn("a", agent, parse("cpus:6;mem:6")),
			allocationOn("b/c", agent, parse("cpus:4;mem:4")),
			allocationOn("b/d", agent, parse("cpus:3;mem:3")),
			quantities("a", "cpus:6;mem:6"),
			quantities("b/c", "cpus:4;mem:4"),
			quantities("b/d", "cpus:3;mem:3"),
			quantities("", "cpus:13;mem:13"),
			alloc("a", agent, "cpus:2;mem:2"),
			// Shares: b/d = 0.03, b/c = 0.04, a = 0.08.
			sorted("b/d", "b/c", "a"),
			addActive("b/e/f"),
			contains("b/e", false), contains("b/e/f", true),
			// Shares: b/e/f = 0, b/d = 0.03, b/c = 0.04, a = 0.08.
			sorted("b/e/f", "b/d", "b/c", "a"),
			alloc("b/e/f", agent, "cpus:3.5;mem:3.5"),
			// Shares: a = 0.08, b/d = 0.03, b/e/f = 0.035, b/c = 0.04.
			sorted("a", "b/d", "b/e/f", "b/c"),
			// Removing a client updates the fair share of its subtree.
			remove("b/e/f"),
			contains("b/e/f", false), count(3),
			// Shares: b/d = 0.03, b/c = 0.04, a = 0.08.
			sorted("b/d", "b/c", "a"),
			// Updating a client updates the fair share of its subtree.
			update("b/c", agent, parse("cpus:4;mem:4"), parse("cpus:1;mem:1")),
			// Shares: b/c = 0.01, b/d = 0.03, a = 0.08.
			sorted("b/c", "b/d", "a"),
			addActive("b/e/f"),
			alloc("b/e/f", agent, "cpus:3.5;mem:3.5"),
			// Shares: b/c = 0.01, b/d = 0.03, b/e/f = 0.035, a = 0.08.
			sorted("b/c", "b/d", "b/e/f", "a"),
			count(4),
		)},
		{"DRFSorterTest.HierarchicalIterationOrder", seq(
			addAgent(agent, "cpus:100;mem:100"),
			add("a/b"), add("c"), add("d"), add("d/e"),
			activate("a/b"), activate("c"), activate("d"), activate("d/e"),
			// Shares: a/b = 0, c = 0, d = 0, d/e = 0
			sorted("a/b", "c", "d", "d/e"),
			alloc("c", agent, "cpus:8;mem:8"),
			// Shares: a/b = 0, d = 0, d/e = 0, c = 0.08.
			sorted("a/b", "d", "d/e", "c"),
			alloc("d", agent, "cpus:3;mem:3"),
			alloc("d/e", agent, "cpus:2;mem:2"),
			// Shares: a/b = 0, d/e = 0.02, d = 0.03, c = 0.08.
			sorted("a/b", "d/e", "d", "c"),
			alloc("a/b", agent, "cpus:6;mem:6"),
			// Shares: d/e = 0.02, d = 0.03, a/b = 0.06, c = 0.08.
			sorted("d/e", "d", "a/b", "c"),
		)},
		{"DRFSorterTest.AddChildToLeaf", seq(
			addAgent(agent, "cpus:100;mem:100"),
			addActive("a"), alloc("a", agent, "cpus:10;mem:10"),
			addActive("b"), alloc("b", agent, "cpus:6;mem:6"),
			sorted("b", "a"),
			// "a" subtree now competes against "b"; within it "a"
			// competes as a sibling of "a/c".
			addActive("a/c"), alloc("a/c", agent, "cpus:5;mem:5"),
			sorted("b", "a/c", "a"),
			// Remove "a"; "a/c" remains and is now farther below its
			// fair share than "b".
			remove("a"),
			contains("a", false),
			sorted("a/c", "b"),
			// Re-add "a" with the same resources.
			addActive("a"), alloc("a", agent, "cpus:10;mem:10"),
			contains("a", true),
			sorted("b", "a/c", "a"),
			// "a" has weight 1 when it competes against "a/c".
			weight("a/c", 0.2),
			sorted("b", "a", "a/c"),
			// The weight of "a" changes how it competes against its
			// siblings, not its children.
			weight("a", 3),
			sorted("a", "a/c", "b"),
			weight("a/c", 1),
			sorted("a/c", "a", "b"),
		)},
		{"DRFSorterTest.AddChildToInternal", seq(
			addAgent(agent, "cpus:100;mem:100"),
			addActive("x/a"), alloc("x/a", agent, "cpus:10;mem:10"),
			addActive("x/b"), alloc("x/b", agent, "cpus:6;mem:6"),
			sorted("x/b", "x/a"),
			addActive("x"), alloc("x", agent, "cpus:7;mem:7"),
			sorted("x/b", "x", "x/a"),
			addActive("z"), alloc("z", agent, "cpus:20;mem:20"),
			sorted("z", "x/b", "x", "x/a"),
			remove("x"),
			sorted("x/b", "x/a", "z"),
		)},
		{"DRFSorterTest.AddChildToInactiveLeaf", seq(
			addAgent(agent, "cpus:100;mem:100"),
			addActive("a"), alloc("a", agent, "cpus:10;mem:10"),
			addActive("b"), alloc("b", agent, "cpus:6;mem:6"),
			deactivate("a"),
			sorted("b"),
			addActive("a/c"), alloc("a/c", agent, "cpus:5;mem:5"),
			sorted("b", "a/c"),
		)},
		{"CommonSorterTest.RemoveLeafCollapseParent", seq(
			addAgent(agent, "cpus:100;mem:100"),
			addActive("a"), alloc("a", agent, "cpus:10;mem:10"),
			addActive("b"), alloc("b", agent, "cpus:6;mem:6"),
			addActive("a/c"), alloc("a/c", agent, "cpus:5;mem:5"),
			sortedAnyOrder("a", "a/c", "b"),
			remove("a/c"),
			sortedAnyOrder("a", "b"),
		)},
		{"CommonSorterTest.RemoveLeafCollapseParentInactive", seq(
			addAgent(agent, "cpus:100;mem:100"),
			addActive("a"), alloc("a", agent, "cpus:10;mem:10"),
			addActive("b"), alloc("b", agent, "cpus:6;mem:6"),
			addActive("a/c"), alloc("a/c", agent, "cpus:5;mem:5"),
			deactivate("a"),
			sortedAnyOrder("a/c", "b"),
			remove("a/c"),
			sorted("b"),
		)},
		{"DRFSorterTest.ChangeWeightOnSubtree", seq(
			addAgent(agent, "cpus:100;mem:100"),
			weight("b", 3), weight("a", 2),
			add("a/x"), add("b/y"), activate("a/x"), activate("b/y"),
			sorted("a/x", "b/y"),
			alloc("a/x", agent, "cpus:10;mem:10"),
			alloc("b/y", agent, "cpus:10;mem:10"),
			sorted("b/y", "a/x"),
			addActive("b/z"), alloc("b/z", agent, "cpus:5;mem:5"),
			sorted("b/z", "b/y", "a/x"),
			addActive("b"), alloc("b", agent, "cpus:4;mem:4"),
			sorted("a/x", "b", "b/z", "b/y"),
			addActive("a/zz"), alloc("a/zz", agent, "cpus:2;mem:2"),
			sorted("a/zz", "a/x", "b", "b/z", "b/y"),
		)},
		{"DRFSorterTest.SplitResourceShares", seq(
			add("a"), add("b"), activate("a"), activate("b"),
			addAgent(agent, "cpus:100;mem:100;disk:100"),
			alloc("a", agent, "cpus:9;mem:9;disk:9"),
			// "b" has more disk if split volumes are accounted correctly.
			allocR("b", agent, parse("cpus:9;mem:9").Plus(volumes(volume("5", "*", "ID2", "data", false), volume("5", "*", "ID2", "data", false)))),
			sorted("a", "b"),
		)},
		{"CommonSorterTest.UpdateAllocation", seq(
			add("a"), add("b"), activate("a"), activate("b"),
			addAgent(agent, "cpus:10;mem:10;disk:10"),
			alloc("a", agent, "cpus:10;mem:10;disk:10"),
			update("a", agent, parse("cpus:10;mem:10;disk:10"), createVolume(parse("cpus:10;mem:10;disk:10"))),
			agentsAllocated("a", 1),
			allocationOn("a", agent, createVolume(parse("cpus:10;mem:10;disk:10"))),
			quantities("a", "cpus:10;mem:10;disk:10"),
			quantities("", "cpus:10;mem:10;disk:10"),
			// Update an allocation to empty. (The Mesos test sets the
			// value of slaveId rather than slaveId2, so "agentId2" is
			// added and the allocation is made on an agent with an
			// empty ID; we keep that.)
			add("c"), activate("c"),
			addAgentQ("agentId2", parse("cpus:10;mem:10;disk:10")),
			alloc("c", "", "cpus:10;mem:10;disk:10"),
			update("c", "", parse("cpus:10;mem:10;disk:10"), resources.Resources{}),
			agentsAllocated("c", 0),
		)},
		{"CommonSorterTest.UpdateAllocationNestedClient", seq(
			add("a/x"), add("b/y"), activate("a/x"), activate("b/y"),
			addAgent(agent, "cpus:10;mem:10;disk:10"),
			alloc("a/x", agent, "cpus:10;mem:10;disk:10"),
			update("a/x", agent, parse("cpus:10;mem:10;disk:10"), createVolume(parse("cpus:10;mem:10;disk:10"))),
			agentsAllocated("a/x", 1),
			allocationOn("a/x", agent, createVolume(parse("cpus:10;mem:10;disk:10"))),
			quantities("a/x", "cpus:10;mem:10;disk:10"),
			quantities("", "cpus:10;mem:10;disk:10"),
		)},
		{"CommonSorterTest.AllocationForInactiveClient", seq(
			addAgent(agent, "cpus:10;mem:10"),
			add("a"), add("b"),
			// Leave client "a" inactive.
			activate("b"),
			alloc("a", agent, "cpus:2;mem:2"),
			alloc("b", agent, "cpus:3;mem:3"),
			agentsAllocated("a", 1),
			allocationOn("a", agent, parse("cpus:2;mem:2")),
			quantities("a", "cpus:2;mem:2"),
			agentsAllocated("b", 1),
			allocationOn("b", agent, parse("cpus:3;mem:3")),
			quantities("b", "cpus:3;mem:3"),
			quantities("", "cpus:5;mem:5"),
		)},
		{"CommonSorterTest.MultipleSlaves", seq(
			addActive("framework"),
			addAgentQ("agentA", parse("cpus:2;mem:512;ports:[31000-32000]")),
			addAgentQ("agentB", parse("cpus:2;mem:512;ports:[31000-32000]")),
			alloc("framework", "agentA", "cpus:2;mem:512;ports:[31000-32000]"),
			alloc("framework", "agentB", "cpus:2;mem:512;ports:[31000-32000]"),
			agentsAllocated("framework", 2),
			allocationOn("framework", "agentA", parse("cpus:2;mem:512;ports:[31000-32000]")),
			allocationOn("framework", "agentB", parse("cpus:2;mem:512;ports:[31000-32000]")),
			quantities("framework", "cpus:4;mem:1024"),
			quantities("", "cpus:4;mem:1024"),
		)},
		{"CommonSorterTest.MultipleSlavesUpdateAllocation", seq(
			addActive("framework"),
			addAgentQ("agentA", parse("cpus:2;mem:512;disk:10;ports:[31000-32000]")),
			addAgentQ("agentB", parse("cpus:2;mem:512;disk:10;ports:[31000-32000]")),
			alloc("framework", "agentA", "cpus:2;mem:512;disk:10;ports:[31000-32000]"),
			alloc("framework", "agentB", "cpus:2;mem:512;disk:10;ports:[31000-32000]"),
			update("framework", "agentA", parse("cpus:2;mem:512;disk:10;ports:[31000-32000]"), createVolume(parse("cpus:2;mem:512;disk:10;ports:[31000-32000]"))),
			update("framework", "agentB", parse("cpus:2;mem:512;disk:10;ports:[31000-32000]"), createVolume(parse("cpus:2;mem:512;disk:10;ports:[31000-32000]"))),
			agentsAllocated("framework", 2),
			allocationOn("framework", "agentA", createVolume(parse("cpus:2;mem:512;disk:10;ports:[31000-32000]"))),
			allocationOn("framework", "agentB", createVolume(parse("cpus:2;mem:512;disk:10;ports:[31000-32000]"))),
			quantities("framework", "cpus:4;mem:1024;disk:20"),
			quantities("", "cpus:4;mem:1024;disk:20"),
		)},
		{"DRFSorterTest.UpdateTotal", seq(
			add("a"), add("b"), activate("a"), activate("b"),
			addAgent(agent, "cpus:10;mem:100"),
			// Dominant share of "a" is 0.2 (cpus).
			alloc("a", agent, "cpus:2;mem:1"),
			// Dominant share of "b" is 0.1 (cpus).
			alloc("b", agent, "cpus:1;mem:2"),
			sorted("b", "a"),
			removeAgent(agent), addAgent(agent, "cpus:100;mem:10"),
			// Now "a" is 0.1 (mem) and "b" is 0.2 (mem).
			sorted("a", "b"),
		)},
		{"DRFSorterTest.MultipleSlavesUpdateTotal", seq(
			add("a"), add("b"), activate("a"), activate("b"),
			addAgent("agentA", "cpus:5;mem:50"),
			addAgent("agentB", "cpus:5;mem:50"),
			// Dominant share of "a" is 0.2 (cpus).
			alloc("a", "agentA", "cpus:2;mem:1"),
			// Dominant share of "b" is 0.1 (cpus).
			alloc("b", "agentB", "cpus:1;mem:3"),
			sorted("b", "a"),
			removeAgent("agentA"), addAgent("agentA", "cpus:95;mem:50"),
			// Now "a" is 0.02 (cpus) and "b" is 0.03 (mem).
			sorted("a", "b"),
		)},
		{"DRFSorterTest.RemoveResources", seq(
			add("a"), add("b"), activate("a"), activate("b"),
			addAgent(agent, "cpus:10"),
			// Dominant share of "a" is 0.6 (cpus).
			alloc("a", agent, "cpus:6"),
			// Dominant share of "b" is 0.4 (cpus).
			alloc("b", agent, "cpus:4"),
			sorted("b", "a"),
			// Remove cpus from the total and from the allocation of "a".
			removeAgent(agent), addAgent(agent, "cpus:5"),
			update("a", agent, parse("cpus:6"), parse("cpus:1")),
			// Now "a" is 0.2 and "b" is 0.8.
			sorted("a", "b"),
		)},
		{"DRFSorterTest.RevocableResources", seq(
			add("a"), add("b"), activate("a"), activate("b"),
			// 10 revocable cpus, 10 cpus and 100 MB mem.
			addAgentQ(agent, parse("cpus:10;mem:100").Plus(revocableCPUs("10"))),
			// Dominant share of "a" is 0.1 (cpus).
			alloc("a", agent, "cpus:2;mem:1"),
			// Dominant share of "b" is 0.5 (cpus).
			allocR("b", agent, parse("cpus:1;mem:1").Plus(revocableCPUs("9"))),
			allocationOn("a", agent, parse("cpus:2;mem:1")),
			allocationOn("b", agent, parse("cpus:1;mem:1").Plus(revocableCPUs("9"))),
			sorted("a", "b"),
		)},
		{"DRFSorterTest.SharedResources", seq(
			addAgentQ(agent, parse("cpus:100;mem:100;disk(role1):900").Plus(volumes(sharedDisk("100")))),
			// sort() works when shared resources are in the allocations.
			addActive("a"), allocR("a", agent, parse("cpus:5;mem:5").Plus(volumes(sharedDisk("100")))),
			addActive("b"), alloc("b", agent, "cpus:6;mem:6"),
			// Shares: a = .1 (dominant: disk), b = .06 (dominant: cpus).
			sorted("b", "a"),
			addActive("c"), allocR("c", agent, parse("cpus:1;mem:1").Plus(volumes(sharedDisk("100")))),
			// 'a' and 'c' share the same persistent volume, the dominant
			// resource of both. Shares: a = .1, b = .06, c = .1.
			sorted("b", "a", "c"),
			remove("a"),
			unalloc("b", agent, "cpus:4;mem:4"),
			// Shares: b = .02 (dominant: cpus), c = .1 (dominant: disk).
			sorted("b", "c"),
			addActive("d"), allocR("d", agent, parse("cpus:1;mem:5").Plus(volumes(sharedDisk("100")))),
			// Shares: b = .02, c = .1, d = .1.
			sorted("b", "c", "d"),
			contains("b", true), contains("a", false), count(3),
		)},
		{"DRFSorterTest.SameDominantSharedResourcesAcrossClients", seq(
			addAgentQ(agent, parse("cpus:100;mem:100;disk(role1):100").Plus(volumes(sharedDisk("900")))),
			addActive("b"), allocR("b", agent, parse("cpus:5;mem:20").Plus(volumes(sharedDisk("900")))),
			addActive("c"), allocR("c", agent, parse("cpus:10;mem:6").Plus(volumes(sharedDisk("900")))),
			// Shares: b = .9 (dominant: disk), c = .9 (dominant: disk).
			sorted("b", "c"),
			addActive("a"), allocR("a", agent, parse("cpus:50;mem:40").Plus(volumes(sharedDisk("900")))),
			// Shares: a = .9, b = .9, c = .9.
			sorted("a", "b", "c"),
		)},
		{"DRFSorterTest.SameSharedResourcesSameClient", seq(
			addAgentQ(agent, parse("cpus:100;mem:100;disk(role1):950").Plus(volumes(sharedDisk("50")))),
			addActive("a"), allocR("a", agent, parse("cpus:2;mem:2").Plus(volumes(sharedDisk("50")))),
			addActive("b"), alloc("b", agent, "cpus:6;mem:6"),
			// Shares: a = .05 (dominant: disk), b = .06 (dominant: cpus).
			sorted("a", "b"),
			// Three more copies of the shared disk to "a" do not change
			// its share.
			allocR("a", agent, volumes(sharedDisk("50"), sharedDisk("50"), sharedDisk("50"))),
			sorted("a", "b"),
		)},
		{"DRFSorterTest.SharedResourcesUnallocated", seq(
			addAgentQ(agent, parse("cpus:100;mem:100;disk(role1):900").Plus(volumes(sharedDisk("100")))),
			// Three copies of the shared disk to 'a', none to 'b'.
			addActive("a"), allocR("a", agent, parse("cpus:2;mem:2").Plus(volumes(sharedDisk("100"), sharedDisk("100"), sharedDisk("100")))),
			addActive("b"), alloc("b", agent, "cpus:6;mem:6"),
			// Shares: a = .1 (dominant: disk), b = .06 (dominant: cpus).
			sorted("b", "a"),
			// Unallocating one copy does not change a's share.
			unallocR("a", agent, volumes(sharedDisk("100"))),
			sorted("b", "a"),
			// Unallocating the remaining copies does.
			unallocR("a", agent, volumes(sharedDisk("100"), sharedDisk("100"))),
			// Shares: a = .02 (dominant: cpus), b = .06 (dominant: cpus).
			sorted("a", "b"),
		)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { run(t, tc.steps) })
	}
}

// volume models createDiskResource(value, role, persistenceID,
// containerPath, None(), shared) of src/tests/mesos.hpp.
func volume(value, role, id, path string, shared bool) resources.Resource {
	r, err := resources.ParseResource("disk", value, role)
	if err != nil {
		panic(err)
	}
	r.Disk = &resources.DiskInfo{
		Persistence: &resources.Persistence{ID: id},
		Volume:      &resources.Volume{Mode: "RW", ContainerPath: path},
	}
	r.Shared = shared
	return r
}

// sharedDisk is the createDiskResource(value, "role1", "id1", "path1",
// None(), true) the shared-resource tests use.
func sharedDisk(value string) resources.Resource { return volume(value, "role1", "id1", "path1", true) }

func volumes(rs ...resources.Resource) resources.Resources {
	var out resources.Resources
	for _, r := range rs {
		out.AddResource(r)
	}
	return out
}

func revocableCPUs(value string) resources.Resources {
	r, err := resources.ParseResource("cpus", value, "*")
	if err != nil {
		panic(err)
	}
	r.Revocable = true
	return volumes(r)
}

// createVolume applies Mesos's CREATE operation for a 5 MB persistent
// volume ("ID", container path "data") to an allocation holding disk.
func createVolume(rs resources.Resources) resources.Resources {
	out := rs.Minus(parse("disk:5"))
	out.AddResource(volume("5", "*", "ID", "data", false))
	return out
}
