package drf

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// The benchmarks port CommonSorterTest.BENCHMARK_FullSort and
// BENCHMARK_HierarchyFullSort of src/tests/sorter_tests.cpp for the DRF
// sorter. Each grid point reports, as separate sub-benchmarks, the cost of
// one pass of allocations over all agents (round-robin over the clients),
// a full sort (shares recomputed), a no-op sort (clean tree) and one pass
// of unallocations. One deliberate difference: Mesos's benchmarks add the
// clients but never activate them, so its "full sort" sorts nothing; we
// activate every client so the sort numbers mean something.
//
// The full grid (agents up to 50000) takes long; -short stops at 10000
// agents, the size the allocator's 5 ms target is set for.

var (
	benchAgentCounts  = []int{1000, 5000, 10000, 20000, 30000, 50000}
	benchClientCounts = []int{1, 50, 100, 200, 500, 1000}
)

// benchAllocation is "cpus:16;mem:2014;disk:1024" plus the ports
// fragment(createRange(31000, 32000), 100) of the Mesos benchmark.
func benchAllocation() resources.Resources {
	parts := make([]string, 100)
	for i := range 100 {
		p := 31000 + 2*i
		end := p
		if i == 99 {
			end = 32000
		}
		parts[i] = fmt.Sprintf("%d-%d", p, end)
	}
	return resources.MustParse("cpus:16;mem:2014;disk:1024;ports:[" + strings.Join(parts, ",") + "]")
}

type benchWorld struct {
	s       *Sorter
	agents  []string
	clients []string
	alloc   resources.Resources
}

func newBenchWorld(b *testing.B, clients []string, agentCount int) *benchWorld {
	b.Helper()
	w := &benchWorld{s: New(Config{}), clients: clients, alloc: benchAllocation()}
	for _, c := range clients {
		if err := w.s.Add(c); err != nil {
			b.Fatal(err)
		}
		if err := w.s.Activate(c); err != nil {
			b.Fatal(err)
		}
	}
	q := resources.MustQuantities("cpus:24;mem:4096;disk:4096")
	for i := range agentCount {
		id := "agent" + strconv.Itoa(i)
		w.agents = append(w.agents, id)
		if err := w.s.AddAgent(id, q); err != nil {
			b.Fatal(err)
		}
	}
	w.s.Sort()
	return w
}

func (w *benchWorld) allocateAll(b *testing.B) {
	for i, a := range w.agents {
		if err := w.s.Allocated(w.clients[i%len(w.clients)], a, w.alloc); err != nil {
			b.Fatal(err)
		}
	}
}

func (w *benchWorld) unallocateAll(b *testing.B) {
	for i, a := range w.agents {
		if err := w.s.Unallocated(w.clients[i%len(w.clients)], a, w.alloc); err != nil {
			b.Fatal(err)
		}
	}
}

// runGrid runs the four measurements for one sorter shape.
func runGrid(b *testing.B, clients []string, agentCount int) {
	w := newBenchWorld(b, clients, agentCount)
	b.Run("allocated", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			w.s.Sort() // clean tree: Allocated works incrementally
			w.allocateAll(b)
			b.StopTimer()
			w.unallocateAll(b)
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*agentCount), "ns/allocation")
	})
	w.allocateAll(b)
	b.Run("full_sort", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w.s.dirty = true
			w.s.Sort()
		}
	})
	b.Run("noop_sort", func(b *testing.B) {
		buf := make([]string, 0, len(clients))
		b.ReportAllocs()
		for b.Loop() {
			buf = w.s.AppendSorted(buf[:0])
		}
	})
	b.Run("unallocated", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			w.unallocateAll(b)
			b.StopTimer()
			w.allocateAll(b)
			b.StartTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*agentCount), "ns/unallocation")
	})
}

func BenchmarkFullSort(b *testing.B) {
	for _, agents := range benchAgentCounts {
		if testing.Short() && agents > 10000 {
			break
		}
		for _, n := range benchClientCounts {
			clients := make([]string, n)
			for i := range n {
				clients[i] = strconv.Itoa(i)
			}
			b.Run(fmt.Sprintf("agents=%d/clients=%d", agents, n), func(b *testing.B) {
				runGrid(b, clients, agents)
			})
		}
	}
}

// hierarchyClients builds the client list of BENCHMARK_HierarchyFullSort:
// a tree of the given height and branching factor, depth first, where
// every node (but the root) is a client.
func hierarchyClients(height, branching int) []string {
	var out []string
	var build func(path string, depth int)
	build = func(path string, depth int) {
		if depth == 0 {
			return
		}
		for i := range branching {
			build(path+strconv.Itoa(i)+"/", depth-1)
		}
		if c := strings.TrimSuffix(path, "/"); c != "" {
			out = append(out, c)
		}
	}
	build("", height)
	return out
}

func BenchmarkHierarchyFullSort(b *testing.B) {
	shapes := []struct{ height, branching int }{
		{3, 32}, // short and wide: 1056 clients
		{7, 3},  // medium: 1092 clients
		{10, 2}, // tall and thin: 1022 clients
	}
	for _, agents := range benchAgentCounts {
		if testing.Short() && agents > 10000 {
			break
		}
		for _, sh := range shapes {
			clients := hierarchyClients(sh.height, sh.branching)
			b.Run(fmt.Sprintf("agents=%d/height=%d,branching=%d", agents, sh.height, sh.branching), func(b *testing.B) {
				runGrid(b, clients, agents)
			})
		}
	}
}

func TestHierarchyClients(t *testing.T) {
	for _, tc := range []struct{ height, branching, want int }{{3, 32, 1056}, {7, 3, 1092}, {10, 2, 1022}} {
		if got := len(hierarchyClients(tc.height, tc.branching)); got != tc.want {
			t.Errorf("hierarchyClients(%d, %d) has %d clients, want %d", tc.height, tc.branching, got, tc.want)
		}
	}
}
