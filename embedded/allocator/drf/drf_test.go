package drf

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// TestDRFPaperExample replays the example of Ghodsi et al., "Dominant
// Resource Fairness" (NSDI 2011) as in mesos-notes §2.7: a cluster of
// <9 CPU, 18 GB>, user A's tasks need <1 CPU, 4 GB>, user B's <3 CPU,
// 1 GB>. Progressive filling with Mesos's tie-break picks A, B, A, B, A and
// ends with both dominant shares at 2/3.
func TestDRFPaperExample(t *testing.T) {
	s := New(Config{})
	if err := s.AddAgent("agent", resources.MustQuantities("cpus:9;mem:18")); err != nil {
		t.Fatal(err)
	}
	tasks := map[string]resources.Resources{
		"A": resources.MustParse("cpus:1;mem:4"),
		"B": resources.MustParse("cpus:3;mem:1"),
	}
	for _, c := range []string{"A", "B"} {
		if err := errors.Join(s.Add(c), s.Activate(c)); err != nil {
			t.Fatal(err)
		}
	}
	available := resources.MustParse("cpus:9;mem:18")
	var picks []string
	for {
		picked := false
		for _, c := range s.Sort() {
			if !available.Contains(tasks[c]) {
				continue
			}
			available.Subtract(tasks[c])
			if err := s.Allocated(c, "agent", tasks[c]); err != nil {
				t.Fatal(err)
			}
			picks = append(picks, c)
			picked = true
			break
		}
		if !picked {
			break
		}
	}
	if want := []string{"A", "B", "A", "B", "A"}; !slices.Equal(picks, want) {
		t.Errorf("picks = %v, want %v", picks, want)
	}
	want := map[string]float64{"A": 0.6666666666666666, "B": 0.6666666666666666}
	if got := s.DominantShares(); !cmp.Equal(got, want) {
		t.Errorf("DominantShares() = %v, want %v", got, want)
	}
	if got, want := available, resources.MustParse("mem:4"); !got.Equal(want) {
		t.Errorf("left over = %v, want %v", got, want)
	}
}

// TestWeightCacheOnInternalNode pins a Mesos quirk we reproduce: the
// weight of an internal node that is not itself a client is cached the
// first time a share needs it, and UpdateWeight does not refresh it.
func TestWeightCacheOnInternalNode(t *testing.T) {
	setup := func() *Sorter {
		s := New(Config{})
		mustDo(t, s.AddAgent("agent", resources.MustQuantities("cpus:100;mem:100")),
			s.Add("a/x"), s.Activate("a/x"), s.Add("b"), s.Activate("b"),
			s.Allocated("a/x", "agent", resources.MustParse("cpus:10;mem:10")),
			s.Allocated("b", "agent", resources.MustParse("cpus:6;mem:6")))
		return s
	}

	// Weight set before any sort: it takes effect (0.10/2 < 0.06).
	s := setup()
	mustDo(t, s.UpdateWeight("a", 2))
	if got, want := s.Sort(), []string{"a/x", "b"}; !slices.Equal(got, want) {
		t.Errorf("weight before first sort: Sort() = %v, want %v", got, want)
	}

	// Weight set after a sort cached the default: Mesos keeps using 1.
	s = setup()
	if got, want := s.Sort(), []string{"b", "a/x"}; !slices.Equal(got, want) {
		t.Fatalf("Sort() = %v, want %v", got, want)
	}
	mustDo(t, s.UpdateWeight("a", 2))
	if got, want := s.Sort(), []string{"b", "a/x"}; !slices.Equal(got, want) {
		t.Errorf("weight after a sort: Sort() = %v, want %v (stale cached weight, as in Mesos)", got, want)
	}
	// Snapshot reports the weight the node competes with.
	for _, n := range s.Snapshot().Nodes {
		if n.Path == "a" && n.Weight != 1 {
			t.Errorf("snapshot weight of a = %v, want the cached 1", n.Weight)
		}
	}

	// Weights of clients are always refreshed.
	mustDo(t, s.UpdateWeight("b", 3))
	if got, want := s.Sort(), []string{"b", "a/x"}; !slices.Equal(got, want) {
		t.Errorf("Sort() = %v, want %v", got, want)
	}
	mustDo(t, s.UpdateWeight("b", 0.5))
	if got, want := s.Sort(), []string{"a/x", "b"}; !slices.Equal(got, want) {
		t.Errorf("after b weight 0.5: Sort() = %v, want %v", got, want)
	}
}

func mustDo(t *testing.T, errs ...error) {
	t.Helper()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func TestErrorsLeaveSorterUnchanged(t *testing.T) {
	s := New(Config{})
	mustDo(t, s.AddAgent("agent", resources.MustQuantities("cpus:10;mem:10")),
		s.Add("a"), s.Activate("a"),
		s.Allocated("a", "agent", resources.MustParse("cpus:2;mem:2")))
	before := s.Snapshot()

	tests := []struct {
		name string
		err  error
		want error
	}{
		{"add empty", s.Add(""), ErrInvalidClient},
		{"add empty component", s.Add("a//b"), ErrInvalidClient},
		{"add trailing slash", s.Add("a/"), ErrInvalidClient},
		{"add dot", s.Add("a/."), ErrInvalidClient},
		{"add twice", s.Add("a"), ErrClientExists},
		{"remove unknown", s.Remove("z"), ErrUnknownClient},
		{"activate unknown", s.Activate("z"), ErrUnknownClient},
		{"deactivate unknown", s.Deactivate("z"), ErrUnknownClient},
		{"allocated unknown", s.Allocated("z", "agent", resources.MustParse("cpus:1")), ErrUnknownClient},
		{"unallocated unknown", s.Unallocated("z", "agent", resources.MustParse("cpus:1")), ErrUnknownClient},
		{"unallocated too much", s.Unallocated("a", "agent", resources.MustParse("cpus:3")), ErrNotAllocated},
		{"unallocated other agent", s.Unallocated("a", "other", resources.MustParse("cpus:1")), ErrNotAllocated},
		{"update unknown", s.Update("z", "agent", resources.Resources{}, resources.Resources{}), ErrUnknownClient},
		{"update not held", s.Update("a", "agent", resources.MustParse("mem:5"), resources.MustParse("mem:1")), ErrNotAllocated},
		{"add agent twice", s.AddAgent("agent", resources.MustQuantities("cpus:1")), ErrAgentExists},
		{"remove unknown agent", s.RemoveAgent("other"), ErrUnknownAgent},
		{"zero weight", s.UpdateWeight("a", 0), ErrInvalidWeight},
		{"negative weight", s.UpdateWeight("a", -1), ErrInvalidWeight},
		{"nan weight", s.UpdateWeight("a", nan()), ErrInvalidWeight},
		{"inf weight", s.UpdateWeight("a", inf()), ErrInvalidWeight},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: error = %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	if diff := cmp.Diff(before, s.Snapshot()); diff != "" {
		t.Errorf("failed calls changed the sorter (-before +after):\n%s", diff)
	}
	if err := s.Unallocated("a", "agent", resources.MustParse("cpus:3")); err == nil ||
		err.Error() != `drf: unallocated cpus:3 from "a" on agent: resources are not allocated to the client on that agent` {
		t.Errorf("error text = %q", err)
	}
}

func nan() float64 { var z float64; return z / z }
func inf() float64 { var z float64; return 1 / z }

func TestSnapshot(t *testing.T) {
	s := New(Config{})
	mustDo(t, s.AddAgent("agent", resources.MustQuantities("cpus:100;mem:100")),
		s.UpdateWeight("b", 2),
		s.Add("a"), s.Activate("a"), s.Add("a/c"), s.Activate("a/c"), s.Add("b"), s.Activate("b"), s.Add("d"),
		s.Allocated("a", "agent", resources.MustParse("cpus:10;mem:5")),
		s.Allocated("a/c", "agent", resources.MustParse("cpus:5;mem:5")),
		s.Allocated("b", "agent", resources.MustParse("cpus:6;mem:6")),
		s.Allocated("b", "agent", resources.MustParse("cpus:6;mem:6")))

	snap := s.Snapshot()
	// The snapshot does not sort or cache: the sorter is still dirty and
	// its first Sort agrees with the snapshot's order.
	if !s.dirty {
		t.Fatalf("Snapshot() cleaned the tree")
	}
	for _, n := range s.clients {
		if n.weightSet {
			t.Fatalf("Snapshot() cached a weight on %s", n.path)
		}
	}
	if got := s.Sort(); !slices.Equal(got, snap.Order) {
		t.Errorf("Sort() = %v, snapshot order %v", got, snap.Order)
	}
	if want := []string{"b", "a/c", "a"}; !slices.Equal(snap.Order, want) {
		t.Errorf("snapshot order = %v, want %v", snap.Order, want)
	}
	want := []ClientSnapshot{
		{Client: "a", Active: true, Share: 0.1, Weight: 1, AllocationCount: 1, Allocation: []resources.Quantity{{Name: "cpus", Value: 10}, {Name: "mem", Value: 5}}},
		{Client: "a/c", Active: true, Share: 0.05, Weight: 1, AllocationCount: 1, Allocation: []resources.Quantity{{Name: "cpus", Value: 5}, {Name: "mem", Value: 5}}},
		{Client: "b", Active: true, Share: 0.06, Weight: 2, AllocationCount: 2, Allocation: []resources.Quantity{{Name: "cpus", Value: 12}, {Name: "mem", Value: 12}}},
		{Client: "d", Active: false, Share: 0, Weight: 1},
	}
	if diff := cmp.Diff(want, snap.Clients); diff != "" {
		t.Errorf("snapshot clients mismatch (-want +got):\n%s", diff)
	}
	var paths []string
	for _, n := range snap.Nodes {
		paths = append(paths, fmt.Sprintf("%d:%s:%s", n.Depth, n.Path, n.Kind))
	}
	if want := []string{"0:b:active", "0:a:internal", "1:a/c:active", "1:a/.:active", "0:d:inactive"}; !slices.Equal(paths, want) {
		t.Errorf("snapshot nodes = %v, want %v", paths, want)
	}
	if got := snap.Nodes[1]; got.Share != 0.15 || got.AllocationCount != 2 || got.Client != "" {
		t.Errorf("internal node a = %+v, want share 0.15 and count 2", got)
	}
	// Clean tree: snapshot reads the sorted children directly.
	if again := s.Snapshot(); !slices.Equal(again.Order, snap.Order) {
		t.Errorf("clean snapshot order = %v, want %v", again.Order, snap.Order)
	}
	// Deep copy: mutating the snapshot does not reach the sorter.
	snap.Clients[0].Allocation[0].Value = 99
	if q, _ := s.AllocationScalarQuantities("a"); q.Get("cpus") != 10 {
		t.Errorf("snapshot shares storage with the sorter")
	}
	if got := snap.Total; len(got) != 2 || got[0].Value != 100 {
		t.Errorf("snapshot total = %v", got)
	}
}

func TestDominantShares(t *testing.T) {
	s := New(Config{FairnessExcludeResourceNames: []string{"gpus"}})
	mustDo(t, s.AddAgent("agent", resources.MustQuantities("cpus:10;mem:100;gpus:1")),
		s.Add("web"), s.Activate("web"), s.Add("batch"),
		s.Allocated("web", "agent", resources.MustParse("cpus:1;mem:50;gpus:1")),
		s.Allocated("batch", "agent", resources.MustParse("cpus:3;mem:1")))
	// gpus (1/1) is excluded: web is dominated by mem (0.5), batch by
	// cpus (0.3); the inactive client is reported too.
	want := map[string]float64{"web": 0.5, "batch": 0.3}
	if got := s.DominantShares(); !cmp.Equal(got, want) {
		t.Errorf("DominantShares() = %v, want %v", got, want)
	}
	metrics := []struct{ prefix, client, want string }{
		{"allocator/mesos/roles/", "web", "allocator/mesos/roles/web/shares/dominant"},
		{"allocator/mesos/roles/", "eng/web", "allocator/mesos/roles/eng/web/shares/dominant"},
		{"allocator/mesos/roles", "web", "allocator/mesos/roles/web/shares/dominant"},
	}
	for _, m := range metrics {
		if got := DominantShareMetric(m.prefix, m.client); got != m.want {
			t.Errorf("DominantShareMetric(%q, %q) = %q, want %q", m.prefix, m.client, got, m.want)
		}
	}
}

func TestAccessors(t *testing.T) {
	s := New(Config{})
	rs := resources.MustParse("cpus:2;mem:10;ports:[31000-31010]")
	mustDo(t, s.AddAgent("a1", rs.ScalarQuantities()), s.Add("fw"),
		s.Allocated("fw", "a1", rs), s.Allocated("fw", "a1", resources.MustParse("cpus:0")))
	if n, ok := s.AllocationCount("fw"); !ok || n != 2 {
		t.Errorf("AllocationCount(fw) = %d, %v, want 2", n, ok)
	}
	alloc, ok := s.Allocation("fw")
	if !ok || len(alloc) != 1 || !alloc["a1"].Equal(rs) {
		t.Errorf("Allocation(fw) = %v, %v", alloc, ok)
	}
	alloc["a1"] = resources.Resources{}
	if on, _ := s.AllocationOn("fw", "a1"); !on.Equal(rs) {
		t.Errorf("Allocation() result shares storage: %v", on)
	}
	if on, ok := s.AllocationOn("fw", "elsewhere"); !ok || !on.IsEmpty() {
		t.Errorf("AllocationOn(elsewhere) = %v, %v", on, ok)
	}
	if got := s.TotalScalarQuantities(); !got.Equal(resources.MustQuantities("cpus:2;mem:10")) {
		t.Errorf("TotalScalarQuantities() = %v", got)
	}
	for _, c := range []string{"nobody"} {
		if _, ok := s.Allocation(c); ok {
			t.Errorf("Allocation(%q) ok", c)
		}
		if _, ok := s.AllocationOn(c, "a1"); ok {
			t.Errorf("AllocationOn(%q) ok", c)
		}
		if _, ok := s.AllocationScalarQuantities(c); ok {
			t.Errorf("AllocationScalarQuantities(%q) ok", c)
		}
		if _, ok := s.AllocationCount(c); ok {
			t.Errorf("AllocationCount(%q) ok", c)
		}
	}
	mustDo(t, s.RemoveAgent("a1"))
	if got := s.TotalScalarQuantities(); !got.IsEmpty() {
		t.Errorf("TotalScalarQuantities() after RemoveAgent = %v", got)
	}
}

func TestSortOnCleanTreeDoesNotAllocate(t *testing.T) {
	s := New(Config{})
	mustDo(t, s.AddAgent("agent", resources.MustQuantities("cpus:100;mem:100")))
	for i := range 50 {
		c := fmt.Sprintf("r%d/f%d", i%5, i)
		mustDo(t, s.Add(c), s.Activate(c), s.Allocated(c, "agent", resources.MustParse(fmt.Sprintf("cpus:%d", i%7+1))))
	}
	buf := s.AppendSorted(nil)
	allocs := testing.AllocsPerRun(100, func() { buf = s.AppendSorted(buf[:0]) })
	if allocs != 0 {
		t.Errorf("AppendSorted on a clean tree allocates %v times, want 0", allocs)
	}
}

// TestIncrementalMatchesFullSort drives random operations and checks after
// each that the incrementally maintained order equals the order a full
// re-sort produces, the invariant Mesos relies on in allocated().
func sumHeld(held map[[2]string]resources.Resources) resources.Quantities {
	var q resources.Quantities
	for _, rs := range held {
		q.AddScalarsOf(rs)
	}
	return q
}

func TestIncrementalMatchesFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	clients := []string{"a", "b", "a/x", "a/y", "b/z", "c/d/e", "c", "f"}
	agents := []string{"agent1", "agent2", "agent3"}
	for trial := range 20 {
		s := New(Config{})
		for _, a := range agents {
			mustDo(t, s.AddAgent(a, resources.MustQuantities("cpus:64;mem:256;disk:1000")))
		}
		held := map[[2]string]resources.Resources{}
		for op := range 300 {
			c := clients[rng.IntN(len(clients))]
			a := agents[rng.IntN(len(agents))]
			switch rng.IntN(10) {
			case 0:
				if !s.Contains(c) {
					mustDo(t, s.Add(c))
				} else if rng.IntN(3) == 0 {
					mustDo(t, s.Remove(c))
					for k := range held {
						if k[0] == c {
							delete(held, k)
						}
					}
				}
			case 1:
				if s.Contains(c) {
					mustDo(t, s.Deactivate(c))
				}
			case 2, 3:
				if s.Contains(c) {
					mustDo(t, s.Activate(c))
				}
			case 4:
				mustDo(t, s.UpdateWeight(c, float64(rng.IntN(4)+1)))
			case 5:
				if r, ok := held[[2]string{c, a}]; ok {
					mustDo(t, s.Unallocated(c, a, r))
					delete(held, [2]string{c, a})
				}
			default:
				if s.Contains(c) {
					r := resources.MustParse(fmt.Sprintf("cpus:%d;mem:%d", rng.IntN(4), rng.IntN(16)))
					mustDo(t, s.Allocated(c, a, r))
					h := held[[2]string{c, a}]
					h.Add(r)
					held[[2]string{c, a}] = h
				}
			}
			if op%3 == 0 {
				s.Sort() // keep the tree clean so Allocated works incrementally
			}
			for key, want := range held {
				got, ok := s.AllocationOn(key[0], key[1])
				if !ok || !got.Equal(want) {
					t.Fatalf("trial %d op %d: AllocationOn(%q, %q) = %v, want %v", trial, op, key[0], key[1], got, want)
				}
			}
			if q, want := s.TotalAllocationScalarQuantities(), sumHeld(held); !q.Equal(want) {
				t.Fatalf("trial %d op %d: total allocation %v, want %v", trial, op, q, want)
			}
			incremental := s.Sort()
			s.dirty = true
			full := s.Sort()
			if !slices.Equal(incremental, full) {
				t.Fatalf("trial %d op %d: incremental order %v, full sort %v", trial, op, incremental, full)
			}
		}
	}
}
