package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// soakEnv is the variable that turns TestSoak on, with its duration.
const soakEnv = "MESOSCOPE_SOAK"

// Growth allowed between the first and the last third of a soak: the last
// third's median may be at most the first third's × soakGrowth plus the
// slack (bounded histories such as the master's 1000 completed tasks per
// framework fill up during the first minutes).
const (
	soakGrowth         = 1.5
	soakGoroutineSlack = 30
	soakHeapSlack      = 8 << 20
)

// TestSoak runs an in-process cluster (master, three agents) under churn
// for $MESOSCOPE_SOAK (a Go duration, e.g. 60s or 10m; skipped when
// unset): a v1 framework keeps up to eight tasks in flight, a third of
// them finishing, a third failing and a third killed by the framework
// while running. Every few seconds it samples the live heap (after a GC),
// the process's RSS and its goroutines, logs the series, and fails if
// goroutines or heap grow from the first third of the run to the last
// beyond soakGrowth and the slack, or if the churn did not happen.
func TestSoak(t *testing.T) {
	v := os.Getenv(soakEnv)
	if v == "" {
		t.Skipf("soak test skipped: set %s to a duration (e.g. %s=60s)", soakEnv, soakEnv)
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 10*time.Second {
		t.Fatalf("%s=%q: want a duration of at least 10s", soakEnv, v)
	}
	interval := min(5*time.Second, max(time.Second, d/40))
	if os.Getenv(soakProfileEnv) != "" {
		// Fine-grained sampling, so that slow growth shows up by site.
		runtime.MemProfileRate = 4096
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := cluster.StartLocal(cluster.LocalConfig{
		Listener: ln, WorkDir: t.TempDir(), NumAgents: 3,
		DefaultAgent: cluster.AgentSpec{Resources: "cpus:4;mem:2048;disk:4096;ports:[31000-31099]", Hostname: "localhost"},
		Master:       master.Config{AllocationInterval: 100 * time.Millisecond},
		Agent: agent.Config{RegistrationBackoffFactor: 10 * time.Millisecond,
			Containerizer: containerizer.Config{Isolation: []string{"posix/cpu", "posix/mem"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := l.Stop(ctx, true); err != nil {
			t.Errorf("stop cluster: %v", err)
		}
	}()

	f := newChurnFramework(t, l.URL(), 8)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var runErr error
	wg.Go(func() { runErr = f.client.Run(ctx, f.handle) })
	wg.Go(func() { f.killLoop(ctx) })

	var series []soakSample
	start := time.Now()
	tick := time.NewTicker(interval)
	profiled := false
	for now := range tick.C {
		s := takeSample(now.Sub(start), f.counts())
		series = append(series, s)
		t.Log(s)
		if !profiled && now.Sub(start) >= d/3 {
			profiled = true
			writeHeapProfile(t, "first-third")
		}
		if now.Sub(start) >= d {
			break
		}
	}
	tick.Stop()
	writeHeapProfile(t, "end")
	cancel()
	wg.Wait()
	if runErr != nil && ctx.Err() == nil {
		t.Errorf("churn framework: %v", runErr)
	}

	c := f.counts()
	t.Logf("soak %v: %s", d, summarize(series))
	t.Logf("soak %v: tasks launched %d, finished %d, failed %d, killed %d, other %v", d, c.launched, c.finished, c.failed, c.killed, c.other)
	if c.finished == 0 || c.failed == 0 || c.killed == 0 {
		t.Errorf("churn: finished %d, failed %d, killed %d; want some of each", c.finished, c.failed, c.killed)
	}
	if len(c.other) > 0 {
		t.Errorf("churn: tasks ended in unexpected states: %v", c.other)
	}
	for _, err := range checkFlat(series) {
		t.Error(err)
	}
}

// soakProfileEnv names a directory where TestSoak writes heap profiles
// at the end of the first third of the run and at the end, to find what
// grows: go tool pprof -base first-third.heap.pb.gz end.heap.pb.gz.
const soakProfileEnv = "MESOSCOPE_SOAK_PROFILE"

func writeHeapProfile(t *testing.T, name string) {
	dir := os.Getenv(soakProfileEnv)
	if dir == "" {
		return
	}
	runtime.GC()
	path := filepath.Join(dir, name+".heap.pb.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Errorf("%s: %v", soakProfileEnv, err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		t.Errorf("%s: %v", soakProfileEnv, err)
		return
	}
	t.Logf("heap profile: %s", path)
}

// soakSample is one point of the series.
type soakSample struct {
	at         time.Duration
	heapInuse  uint64 // live heap after a GC (runtime.MemStats.HeapInuse)
	heapAlloc  uint64
	rss        uint64 // VmRSS of /proc/self/status
	goroutines int
	churn      churnCounts
}

func (s soakSample) String() string {
	return fmt.Sprintf("t=%-6v heap_inuse=%6.1fMiB heap_alloc=%6.1fMiB rss=%6.1fMiB goroutines=%4d tasks launched=%d finished=%d failed=%d killed=%d",
		s.at.Round(time.Second), mib(s.heapInuse), mib(s.heapAlloc), mib(s.rss), s.goroutines,
		s.churn.launched, s.churn.finished, s.churn.failed, s.churn.killed)
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func takeSample(at time.Duration, c churnCounts) soakSample {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return soakSample{at: at, heapInuse: ms.HeapInuse, heapAlloc: ms.HeapAlloc, rss: readRSS(), goroutines: runtime.NumGoroutine(), churn: c}
}

// readRSS returns VmRSS from /proc/self/status (0 if unavailable).
func readRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// thirds returns the medians of the first and last thirds of v.
func thirds(v []float64) (first, last float64) {
	n := max(1, len(v)/3)
	return median(v[:n]), median(v[len(v)-n:])
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// checkFlat returns an error for each of heap in use and goroutines whose
// last-third median exceeds the first third's × soakGrowth + slack. A
// series too short to have thirds is an error.
func checkFlat(series []soakSample) []error {
	if len(series) < 3 {
		return []error{fmt.Errorf("soak: %d samples, want at least 3", len(series))}
	}
	var heap, gr []float64
	for _, s := range series {
		heap = append(heap, float64(s.heapInuse))
		gr = append(gr, float64(s.goroutines))
	}
	var errs []error
	if first, last := thirds(heap); last > first*soakGrowth+soakHeapSlack {
		errs = append(errs, fmt.Errorf("soak: heap in use grew from %.1f MiB (first third's median) to %.1f MiB (last third's), more than ×%.1f + %d MiB",
			mib(uint64(first)), mib(uint64(last)), soakGrowth, soakHeapSlack>>20))
	}
	if first, last := thirds(gr); last > first*soakGrowth+soakGoroutineSlack {
		errs = append(errs, fmt.Errorf("soak: goroutines grew from %.0f (first third's median) to %.0f (last third's), more than ×%.1f + %d",
			first, last, soakGrowth, soakGoroutineSlack))
	}
	return errs
}

// summarize renders start, middle and end of the series and the thirds'
// medians.
func summarize(series []soakSample) string {
	if len(series) == 0 {
		return "no samples"
	}
	var b strings.Builder
	for _, i := range []int{0, len(series) / 2, len(series) - 1} {
		s := series[i]
		fmt.Fprintf(&b, "[t=%v heap_inuse %.1f MiB, rss %.1f MiB, goroutines %d, tasks %d] ", s.at.Round(time.Second), mib(s.heapInuse), mib(s.rss), s.goroutines, s.churn.launched)
	}
	var heap, rss, gr []float64
	for _, s := range series {
		heap, rss, gr = append(heap, float64(s.heapInuse)), append(rss, float64(s.rss)), append(gr, float64(s.goroutines))
	}
	h1, h3 := thirds(heap)
	r1, r3 := thirds(rss)
	g1, g3 := thirds(gr)
	fmt.Fprintf(&b, "medians first→last third: heap_inuse %.1f→%.1f MiB, rss %.1f→%.1f MiB, goroutines %.0f→%.0f", mib(uint64(h1)), mib(uint64(h3)), mib(uint64(r1)), mib(uint64(r3)), g1, g3)
	return b.String()
}

// churnCounts counts the churn framework's launches and terminal updates.
type churnCounts struct {
	launched, finished, failed, killed int
	other                              map[string]int
}

// churnKind is what a churn task does.
type churnKind int

const (
	churnFinish churnKind = iota // exits 0 after a moment: TASK_FINISHED
	churnFail                    // exits 3: TASK_FAILED
	churnKill                    // sleeps until the framework kills it: TASK_KILLED
)

// churnTask is what each churn task needs.
func churnTask() resources.Resources { return resources.MustParse("cpus:0.1;mem:16") }

// churnFramework is a v1 framework that keeps tasks coming and going.
type churnFramework struct {
	t        *testing.T
	client   *schedclient.Client
	inFlight int
	rng      *rand.Rand

	mu      sync.Mutex
	next    int
	live    map[string]churnKind
	killAt  map[string]time.Time // running churnKill tasks → when to kill
	agentOf map[string]mesos.AgentID
	c       churnCounts
}

func newChurnFramework(t *testing.T, master string, inFlight int) *churnFramework {
	t.Helper()
	name := "root"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	c, err := schedclient.New(schedclient.Config{
		Master: master, AutoAck: true,
		Framework: mesos.FrameworkInfo{User: name, Name: "soak-churn", Checkpoint: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &churnFramework{t: t, client: c, inFlight: inFlight, rng: rand.New(rand.NewPCG(7, 11)),
		live: map[string]churnKind{}, killAt: map[string]time.Time{}, agentOf: map[string]mesos.AgentID{},
		c: churnCounts{other: map[string]int{}}}
}

func (f *churnFramework) counts() churnCounts {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.c
	c.other = make(map[string]int, len(f.c.other))
	for k, v := range f.c.other {
		c.other[k] = v
	}
	return c
}

func (f *churnFramework) handle(ctx context.Context, ev *scheduler.Event) {
	switch ev.Type {
	case scheduler.EventOffers:
		for _, o := range ev.Offers.Offers {
			f.offer(ctx, o)
		}
	case scheduler.EventUpdate:
		f.update(&ev.Update.Status)
	}
}

func (f *churnFramework) offer(ctx context.Context, o mesos.Offer) {
	avail := o.Resources.Resources.Clone()
	need := churnTask()
	var tasks []mesos.TaskInfo
	f.mu.Lock()
	for len(f.live) < f.inFlight && avail.Contains(need) && len(tasks) < 2 {
		f.next++
		id := "churn-" + strconv.Itoa(f.next)
		kind := churnKind(f.next % 3)
		var cmd string
		switch kind {
		case churnFinish:
			cmd = fmt.Sprintf("sleep 0.%d", 1+f.rng.IntN(5))
		case churnFail:
			cmd = "sleep 0.1; exit 3"
		case churnKill:
			cmd = "sleep 600"
		}
		f.live[id] = kind
		f.agentOf[id] = o.AgentID
		f.c.launched++
		shell := true
		tasks = append(tasks, mesos.TaskInfo{Name: id, TaskID: mesos.TaskID{Value: id}, AgentID: o.AgentID,
			Resources: mesos.ResourcesOf(need.Clone()), Command: &mesos.CommandInfo{Shell: &shell, Value: &cmd}})
		avail.Subtract(need)
	}
	f.mu.Unlock()
	var err error
	if len(tasks) == 0 {
		refuse := 0.2
		err = f.client.Decline(ctx, []mesos.OfferID{o.ID}, &mesos.Filters{RefuseSeconds: &refuse})
	} else {
		err = f.client.Launch(ctx, o.ID, tasks...)
	}
	if err != nil && ctx.Err() == nil {
		f.t.Logf("churn: call failed: %v", err)
	}
}

func (f *churnFramework) update(st *mesos.TaskStatus) {
	id := st.TaskID.Value
	f.mu.Lock()
	defer f.mu.Unlock()
	kind, ok := f.live[id]
	if !ok {
		return
	}
	if st.State == mesos.TaskRunning && kind == churnKill {
		if _, set := f.killAt[id]; !set {
			f.killAt[id] = time.Now().Add(time.Duration(300+f.rng.IntN(1200)) * time.Millisecond)
		}
	}
	if !st.State.IsTerminal() {
		return
	}
	delete(f.live, id)
	delete(f.killAt, id)
	delete(f.agentOf, id)
	switch {
	case kind == churnFinish && st.State == mesos.TaskFinished:
		f.c.finished++
	case kind == churnFail && st.State == mesos.TaskFailed:
		f.c.failed++
	case kind == churnKill && st.State == mesos.TaskKilled:
		f.c.killed++
	default:
		f.c.other[st.State.String()]++
	}
}

// killLoop kills the running churnKill tasks whose time has come.
func (f *churnFramework) killLoop(ctx context.Context) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			type kill struct {
				id    string
				agent mesos.AgentID
			}
			var due []kill
			f.mu.Lock()
			for id, at := range f.killAt {
				if now.After(at) {
					due = append(due, kill{id, f.agentOf[id]})
					f.killAt[id] = now.Add(5 * time.Second) // retried if it does not die
				}
			}
			f.mu.Unlock()
			for _, k := range due {
				if err := f.client.Kill(ctx, mesos.TaskID{Value: k.id}, &k.agent); err != nil && ctx.Err() == nil {
					f.t.Logf("churn: kill %s: %v", k.id, err)
				}
			}
		}
	}
}

// The verdict on a series: flat series pass, growth beyond the bound
// fails, and too few samples fail.
func TestSoakCheckFlat(t *testing.T) {
	mk := func(heapMiB []float64, goroutines []int) []soakSample {
		var s []soakSample
		for i := range heapMiB {
			s = append(s, soakSample{heapInuse: uint64(heapMiB[i] * (1 << 20)), goroutines: goroutines[i]})
		}
		return s
	}
	tests := []struct {
		name   string
		series []soakSample
		want   []string
	}{
		{"flat", mk([]float64{20, 22, 21, 20, 23, 22}, []int{100, 104, 98, 101, 103, 99}), nil},
		{"heap within slack", mk([]float64{20, 20, 30, 35, 37, 38}, []int{100, 100, 100, 100, 100, 100}), nil},
		{"heap grows", mk([]float64{20, 20, 40, 60, 80, 90}, []int{100, 100, 100, 100, 100, 100}), []string{"heap in use grew"}},
		{"goroutines grow", mk([]float64{20, 20, 20, 20, 20, 20}, []int{100, 100, 150, 200, 250, 300}), []string{"goroutines grew"}},
		{"both grow", mk([]float64{10, 10, 10, 100, 100, 100}, []int{10, 10, 10, 100, 100, 100}), []string{"heap in use grew", "goroutines grew"}},
		{"too short", mk([]float64{1, 2}, []int{1, 2}), []string{"want at least 3"}},
	}
	for _, tt := range tests {
		errs := checkFlat(tt.series)
		if len(errs) != len(tt.want) {
			t.Errorf("%s: checkFlat() = %v, want %d errors containing %q", tt.name, errs, len(tt.want), tt.want)
			continue
		}
		for i, err := range errs {
			if !strings.Contains(err.Error(), tt.want[i]) {
				t.Errorf("%s: checkFlat()[%d] = %v, want it to contain %q", tt.name, i, err, tt.want[i])
			}
		}
	}
}
