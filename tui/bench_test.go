package tui

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
)

// cpuTime is the process's user+system CPU time. The benchmarks report it
// per op ("cpu-ns/op") beside wall time: on a shared 2-core machine wall time
// mostly measures the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// scaleSizes are the cluster sizes of the benchmarks; the second is the
// issue's target: 10,000 tasks, 1,000 actors, 1,000 agents.
var scaleSizes = []struct {
	name string
	spec synthSpec
}{
	{"tasks=1000", synthSpec{agents: 100, frameworks: 20, tasks: 1000, actors: 100, offers: 50}},
	{"tasks=10000", synthSpec{agents: 1000, frameworks: 100, tasks: 10000, actors: 1000, offers: 200}},
}

var benchViews = []string{"pulse", "actors", "drf", "agents", "frameworks", "tasks", "offers", "containers"}

// BenchmarkRefresh is one view refresh as the user sees it: the renderer
// builds the page from a new model (off the UI goroutine: rows, filter, sort,
// widths) and the UI swaps it in and draws it on a 120×40 SimulationScreen.
func BenchmarkRefresh(b *testing.B) {
	for _, size := range scaleSizes {
		m := readModel(b, synthClient(b, size.spec), allNeeds(""))
		for _, v := range benchViews {
			b.Run(size.name+"/"+v, func(b *testing.B) {
				h := newHarness(b, m)
				h.h = 40
				h.scr.SetSize(h.w, h.h)
				h.command(v)
				h.screen()
				p := *h.u.top()
				b.ReportAllocs()
				c0 := cpuTime()
				for b.Loop() {
					f := h.rend.buildFor(m, p, nil, streamState{})
					h.u.swap(f)
					h.u.Draw(h.scr)
					h.scr.Show()
				}
				b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// BenchmarkSwapDraw is the UI goroutine's share of a refresh, all that an
// update costs a key waiting behind it: swap in a prepared frame, draw.
func BenchmarkSwapDraw(b *testing.B) {
	for _, size := range scaleSizes {
		m := readModel(b, synthClient(b, size.spec), allNeeds(""))
		for _, v := range benchViews {
			b.Run(size.name+"/"+v, func(b *testing.B) {
				h := newHarness(b, m)
				h.h = 40
				h.scr.SetSize(h.w, h.h)
				h.command(v)
				h.screen()
				f := h.rend.buildFor(m, *h.u.top(), nil, streamState{})
				b.ReportAllocs()
				c0 := cpuTime()
				for b.Loop() {
					h.u.swap(f)
					h.u.Draw(h.scr)
					h.scr.Show()
				}
				b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// TestMemoryAtScale holds a model of 10,000 tasks, 1,000 actors and 1,000
// agents with a frame of every view, as a session that visited them all
// would, and checks the heap stays under the 200 MB.
func TestMemoryAtScale(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("decodes a 10,000-task cluster; the race detector's heap is not the product's")
	}
	spec := scaleSizes[1].spec
	c := synthClient(t, spec)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := readModel(t, c, allNeeds(""))
	h := newHarness(t, m)
	for _, v := range benchViews {
		h.command(v)
		h.screen()
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	used := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap for the model and %d views: %.1f MB", len(benchViews), float64(used)/(1<<20))
	if used > 200<<20 {
		t.Errorf("heap grew %.1f MB, want ≤ 200 MB", float64(used)/(1<<20))
	}
	runtime.KeepAlive(h)
	runtime.KeepAlive(m)
}

// BenchmarkKeyLatencyDuringUpdates runs the whole TUI on the 10,000-task
// cluster with a 20 ms refresh, so a new model is always being read and
// rendered, and types a key every 5 ms. It reports how long keys waited
// between arriving and being taken by the UI goroutine: p50, p99 and the
// worst (the issue asks that an update never delay a key by more than one
// frame, 16 ms), and how long each update held the UI goroutine.
func BenchmarkKeyLatencyDuringUpdates(b *testing.B) {
	for _, refresh := range []time.Duration{20 * time.Millisecond, 200 * time.Millisecond} {
		b.Run("refresh="+refresh.String(), func(b *testing.B) { keyLatency(b, refresh) })
	}
}

// readyScreen is a SimulationScreen that says when Run has initialised it.
type readyScreen struct {
	tcell.SimulationScreen
	ready chan struct{}
	once  sync.Once
}

func (s *readyScreen) Init() error {
	err := s.SimulationScreen.Init()
	s.once.Do(func() { close(s.ready) })
	return err
}

func keyLatency(b *testing.B, refresh time.Duration) {
	c := synthClient(b, scaleSizes[1].spec)
	scr := &readyScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), ready: make(chan struct{})}
	var (
		mu      sync.Mutex
		lats    []time.Duration
		updates []time.Duration
	)
	ready := make(chan struct{})
	var once sync.Once
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Client: c, Screen: scr, Refresh: refresh, View: "tasks",
			Now: func() time.Time { return synthT0 },
			onUpdate: func(d time.Duration) {
				mu.Lock()
				updates = append(updates, d)
				mu.Unlock()
			},
			onKey: func(ev *tcell.EventKey) {
				if ev.Key() != tcell.KeyRune {
					return
				}
				if ev.Rune() == '!' {
					once.Do(func() { close(ready) })
					return
				}
				mu.Lock()
				lats = append(lats, time.Since(ev.When()))
				mu.Unlock()
			}})
	}()
	<-scr.ready
	scr.InjectKey(tcell.KeyRune, '!', tcell.ModNone)
	<-ready
	// Let the first reads and renders of the big cluster happen.
	time.Sleep(500 * time.Millisecond)
	b.ResetTimer()
	for i := range b.N {
		scr.InjectKey(tcell.KeyRune, rune("jk"[i%2]), tcell.ModNone)
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lats) == 0 {
		b.Fatal("no key reached the UI")
	}
	slices.Sort(lats)
	slices.Sort(updates)
	q := func(ds []time.Duration, f float64) float64 {
		if len(ds) == 0 {
			return 0
		}
		return float64(ds[int(f*float64(len(ds)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(q(lats, 0.5), "key-p50-ms")
	b.ReportMetric(q(lats, 0.99), "key-p99-ms")
	b.ReportMetric(q(lats, 1), "key-max-ms")
	b.ReportMetric(q(updates, 0.5), "update-p50-ms")
	b.ReportMetric(q(updates, 1), "update-max-ms")
	b.ReportMetric(float64(len(updates)), "updates")
}
