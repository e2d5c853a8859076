package containerizer

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkLaunch measures Launch → RUNNING for `true` (the shim is forked,
// checkpointed, isolated and released; the task itself runs afterwards).
// It reports the median launch latency; the wait for each container to
// exit and be destroyed is not timed.
func BenchmarkLaunch(b *testing.B) {
	for _, launcher := range launchers {
		for _, mode := range []string{"reexec", "dedicated"} {
			b.Run("launcher="+launcher+"/shim="+mode, func(b *testing.B) { benchLaunch(b, launcher, mode) })
		}
	}
}

// launchers are the Config.Launcher values tests and benchmarks cover.
var launchers = []string{LauncherShim, LauncherSupervisor}

func benchLaunch(b *testing.B, launcher, mode string) {
	b.ReportAllocs()
	m, _ := newTestMesos(b, func(c *Config) {
		c.Launcher = launcher
		if mode == "reexec" {
			c.Shim = nil
		}
	})
	ctx := context.Background()
	var lat []time.Duration
	for i := 0; b.Loop(); i++ {
		id := NewContainerID("b" + strconv.Itoa(i))
		start := time.Now()
		if _, err := m.Launch(ctx, id, shell("true")); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		b.StopTimer()
		if _, err := m.Wait(ctx, id); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(median(lat).Microseconds())/1000, "median-ms/launch")
}

// BenchmarkLaunchDestroy launches n sleeping containers one after another,
// then destroys them all from a pool of goroutines, and reports the wall
// time of each phase.
func BenchmarkLaunchDestroy(b *testing.B) {
	for _, launcher := range launchers {
		for _, n := range []int{100, 1000} {
			for _, mode := range []string{"reexec", "dedicated"} {
				benchLaunchDestroy(b, launcher, n, mode)
			}
		}
	}
}

func benchLaunchDestroy(b *testing.B, launcher string, n int, mode string) {
	b.Run("launcher="+launcher+"/shim="+mode+"/containers="+strconv.Itoa(n), func(b *testing.B) {
		b.ReportAllocs()
		var launchTotal, destroyTotal time.Duration
		for b.Loop() {
			m, _ := newTestMesos(b, func(c *Config) {
				c.Launcher = launcher
				if mode == "reexec" {
					c.Shim = nil
				}
			})
			ctx := context.Background()
			ids := make([]ContainerID, n)
			start := time.Now()
			for i := range ids {
				ids[i] = NewContainerID("c" + strconv.Itoa(i))
				cfg := ContainerConfig{CommandInfo: CommandInfo{Value: "/bin/sleep", Arguments: []string{"sleep", "1000"}}}
				cfg.KillPolicy = &KillPolicy{GracePeriod: &DurationInfo{Nanoseconds: int64(10 * time.Second)}}
				if _, err := m.Launch(ctx, ids[i], cfg); err != nil {
					b.Fatal(err)
				}
			}
			launchTotal += time.Since(start)
			start = time.Now()
			work := make(chan ContainerID)
			var wg sync.WaitGroup
			for w := 0; w < 4*runtime.GOMAXPROCS(0); w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for id := range work {
						if t, err := m.Destroy(ctx, id); err != nil || t == nil {
							b.Error(id, t, err)
						}
					}
				}()
			}
			for _, id := range ids {
				work <- id
			}
			close(work)
			wg.Wait()
			destroyTotal += time.Since(start)
			m.Close()
		}
		b.ReportMetric(launchTotal.Seconds()/float64(b.N), "launch-s")
		b.ReportMetric(destroyTotal.Seconds()/float64(b.N), "destroy-s")
	})
}

// BenchmarkIdleContainerMemory measures the containerizer's heap per
// running, idle container (table record, history, config copy, isolator
// entries, reaper watch); the processes themselves are not counted.
func BenchmarkIdleContainerMemory(b *testing.B) {
	for _, launcher := range launchers {
		benchIdleContainerMemory(b, launcher)
	}
}

func benchIdleContainerMemory(b *testing.B, launcher string) {
	for _, n := range []int{100} {
		b.Run("launcher="+launcher+"/containers="+strconv.Itoa(n), func(b *testing.B) {
			var perContainer float64
			for b.Loop() {
				m, _ := newTestMesos(b, func(c *Config) { c.Launcher = launcher })
				ctx := context.Background()
				// Warm up: one launch creates the lazily built structures.
				m.Launch(ctx, NewContainerID("warm"), shell("sleep 1000"))
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				for i := 0; i < n; i++ {
					cfg := shell("sleep 1000")
					cfg.Resources = Resources{CPUs: 0.1, Mem: 32}
					if _, err := m.Launch(ctx, NewContainerID("idle-"+strconv.Itoa(i)), cfg); err != nil {
						b.Fatal(err)
					}
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				perContainer = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
				ids, _ := m.Containers(ctx)
				for _, id := range ids {
					m.Destroy(ctx, id)
				}
				m.Close()
			}
			b.ReportMetric(perContainer, "heap-B/container")
		})
	}
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchmarkShimOverhead compares running /bin/true directly (fork, exec,
// wait) with running it through the launch shim (fork the shim, release
// it, the shim fork-execs /bin/true, writes the status and exits), end to
// end. The difference is the shim's cost per task.
func BenchmarkShimOverhead(b *testing.B) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	devnull, _ := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	defer devnull.Close()
	b.Run("mode=direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			pid, err := syscall.ForkExec("/bin/true", []string{"true"}, &syscall.ProcAttr{Files: []uintptr{devnull.Fd(), devnull.Fd(), devnull.Fd()}})
			if err != nil {
				b.Fatal(err)
			}
			syscall.Wait4(pid, nil, 0, nil)
		}
	})
	shims := map[string][]string{"mode=shim-reexec": {exe}}
	if testShim != nil {
		shims["mode=shim-dedicated"] = testShim
	}
	for name, argv := range shims {
		benchShim(b, name, argv, devnull)
	}
}

func benchShim(b *testing.B, name string, argv []string, devnull *os.File) {
	b.Run(name, func(b *testing.B) {
		b.ReportAllocs()
		status := filepath.Join(b.TempDir(), "status")
		info := launchInfo{Path: "/bin/true", Argv: []string{"true"}, Dir: "/", StatusPath: status}
		for b.Loop() {
			f, err := forkShim(argv, info, devnull, devnull, devnull)
			if err != nil {
				b.Fatal(err)
			}
			f.pipe.Write([]byte{0})
			f.pipe.Close()
			syscall.Wait4(f.pid, nil, 0, nil)
			f.ready.Close()
			syscall.Close(f.pidfd)
			syscall.Close(f.sigfd)
		}
		if v, ok, _ := readInt(status); !ok || v != 0 {
			b.Errorf("status = %d, %v, want 0", v, ok)
		}
	})
}
