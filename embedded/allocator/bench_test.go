package allocator

import (
	"fmt"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// benchCore builds agents × frameworks spread over roles (weights 1..5),
// like HierarchicalAllocator_BENCHMARK_Test's DeclineOffers setup.
func benchCore(b testing.TB, agents, frameworks, roles int) *Core {
	b.Helper()
	c := NewCore(Config{Seed: 1})
	w := map[string]float64{}
	for i := range roles {
		w[fmt.Sprintf("role%03d", i)] = float64(1 + i%5)
	}
	if err := c.UpdateWeights(w); err != nil {
		b.Fatal(err)
	}
	for i := range frameworks {
		role := fmt.Sprintf("role%03d", i%roles)
		if err := c.AddFramework(FrameworkInfo{ID: fmt.Sprintf("fw%04d", i), Roles: []string{role}}, nil, true, nil); err != nil {
			b.Fatal(err)
		}
	}
	total := resources.MustParse("cpus:24;mem:4096;disk:4096;ports:[31000-32000]")
	for i := range agents {
		if err := c.AddAgent(fmt.Sprintf("agent%05d", i), total, nil); err != nil {
			b.Fatal(err)
		}
	}
	return c
}

// recoverOffers gives back every offer of r, with filters f.
func recoverOffers(b *testing.B, c *Core, r Result, f *Filters, now time.Time) {
	for _, fo := range r.Offers {
		for _, o := range fo.Offers {
			if _, err := c.RecoverResources(fo.FrameworkID, o.AgentID, o.Resources, f, now); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// warmCycles is how many cycles runCycles runs untimed first. Until the
// garbage collector's heap has grown to its steady footprint, fresh heap
// pages are touched for the first time during cycles, and a page fault
// costs 25-80 µs on this project's VM: the first few hundred cycles after
// start-up pay up to 10 ms each for it. A long-running master pays that
// once, so the timed cycles start from the steady state.
const warmCycles = 1000

// runCycles times one full cycle per iteration (offers recovered between
// iterations, untimed) and reports p50 and p99 of the cycle time, after
// warmCycles untimed cycles; faults/cycle is the page faults during the
// timed cycles, per cycle.
func runCycles(b *testing.B, c *Core, filtered bool) {
	now := t0
	if filtered {
		// Every framework declines what it got with a long filter.
		r := c.Allocate(now)
		recoverOffers(b, c, r, RefuseSeconds(86400), now)
	}
	for range warmCycles {
		now = now.Add(time.Second)
		recoverOffers(b, c, c.Allocate(now), nil, now)
	}
	var times, cpus []time.Duration
	faults := minorFaults()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		now = now.Add(time.Second)
		cpu0 := processCPU()
		start := time.Now()
		r := c.Allocate(now)
		times = append(times, time.Since(start))
		cpus = append(cpus, processCPU()-cpu0)
		b.StopTimer()
		if r.Cycle.Offers == 0 {
			b.Fatal("no offers")
		}
		recoverOffers(b, c, r, nil, now)
		b.StartTimer()
	}
	b.ReportMetric(float64(minorFaults()-faults)/float64(len(times)), "faults/cycle")
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
	slices.Sort(cpus)
	b.ReportMetric(float64(cpus[len(cpus)/2].Microseconds())/1000, "cpu-p50-ms")
}

// minorFaults is the process's minor page faults so far.
func minorFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Minflt
}

// processCPU is the process's user+system CPU time: on a shared, loaded
// machine it shows what a cycle costs when wall time mostly shows waiting
// for a core. It includes GC work on other threads.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCycle is one full allocation cycle at 10,000 agents × 1,000
// frameworks over 100 weighted roles, explanations on.
func BenchmarkCycle(b *testing.B) {
	b.Run("agents=10000/frameworks=1000", func(b *testing.B) {
		runCycles(b, benchCore(b, 10000, 1000, 100), false)
	})
	b.Run("agents=10000/frameworks=1000/filtered", func(b *testing.B) {
		runCycles(b, benchCore(b, 10000, 1000, 100), true)
	})
}

// BenchmarkCycleScaling is the scaling curve agents × frameworks.
func BenchmarkCycleScaling(b *testing.B) {
	for _, agents := range []int{1000, 5000, 10000} {
		for _, fws := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("agents=%d/frameworks=%d", agents, fws), func(b *testing.B) {
				runCycles(b, benchCore(b, agents, fws, min(100, fws)), false)
			})
		}
	}
}

// BenchmarkRecoverResources is recoverResources of one offer, what the
// master calls for every declined offer and for the unused part of every
// accepted one: after each untimed cycle, every offer is given back, with
// a refuse filter (filtered) or without.
func BenchmarkRecoverResources(b *testing.B) {
	for _, filtered := range []bool{false, true} {
		b.Run(fmt.Sprintf("agents=10000/frameworks=1000/filtered=%v", filtered), func(b *testing.B) {
			c := benchCore(b, 10000, 1000, 100)
			var f *Filters
			if filtered {
				f = RefuseSeconds(1) // shorter than the interval: expired by the next cycle
			}
			now := t0
			recovered := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				now = now.Add(2 * time.Second)
				r := c.Allocate(now)
				b.StartTimer()
				for _, fo := range r.Offers {
					for _, o := range fo.Offers {
						if _, err := c.RecoverResources(fo.FrameworkID, o.AgentID, o.Resources, f, now); err != nil {
							b.Fatal(err)
						}
						recovered++
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(recovered), "ns/recover")
			b.ReportMetric(float64(recovered)/float64(b.N), "recovers/op")
		})
	}
}
