package allocator

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

type offerLog struct {
	mu  sync.Mutex
	got []string
}

func (l *offerLog) callback(fw string, offers []Offer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, o := range offers {
		rs := o.Resources.Clone()
		rs.Unallocate()
		l.got = append(l.got, fw+" "+o.AgentID+" "+rs.String())
	}
}

func (l *offerLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.got
	l.got = nil
	return out
}

func newTestAllocator(t *testing.T) (*process.Runtime, *Allocator, *offerLog) {
	t.Helper()
	rt, err := process.New(process.Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Stop(context.Background()) })
	rt.Clock().Pause()
	log := &offerLog{}
	a, err := New(rt, Config{AllocationInterval: time.Second, OfferCallback: log.callback})
	if err != nil {
		t.Fatal(err)
	}
	return rt, a, log
}

// Models HierarchicalAllocator_BENCHMARK_Test.AllocatorBacklog (MESOS-6904):
// many triggers queued before the allocator runs collapse into one cycle.
func TestBatching(t *testing.T) {
	rt, a, log := newTestAllocator(t)
	// Hold the allocator until every call below is queued, so that the
	// cycle the first trigger queues comes after the last trigger (the
	// backlog of the benchmark) rather than racing with the calls.
	release := make(chan struct{})
	process.Do(rt, a.Self(), "hold", func() { <-release })
	a.Pause()
	a.AddFramework(FrameworkInfo{ID: "fw1", Roles: []string{"r"}}, nil, true, nil)
	for _, id := range []string{"a1", "a2", "a3"} {
		a.AddAgent(id, mustParse(t, "cpus:1;mem:512"), nil)
	}
	a.Resume()
	a.ReviveOffers("fw1", nil)
	a.ActivateFramework("fw1")
	close(release)
	rt.Settle()
	cycles, err := a.Cycles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cycles) != 1 {
		t.Fatalf("cycles = %d, want 1 batched cycle", len(cycles))
	}
	if got := len(log.take()); got != 3 {
		t.Errorf("offers = %d, want 3", got)
	}
	if got := rt.Metrics().Snapshot(time.Second)[metricRuns]; got != 1 {
		t.Errorf("%s = %v, want 1", metricRuns, got)
	}
}

// TestTriggers checks which calls start a cycle before the batch timer
// fires, as hierarchical.cpp's calls to generateOffers decide: adding an
// active framework and an agent do; adding an inactive framework and
// reactivating an agent do not.
func TestTriggers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(a *Allocator) // before the trigger, settled
		call  func(a *Allocator)
		want  float64 // cycles run by the call, the clock paused
	}{
		{"AddFramework active", func(a *Allocator) {},
			func(a *Allocator) { a.AddFramework(FrameworkInfo{ID: "fw1", Roles: []string{"r"}}, nil, true, nil) }, 1},
		{"AddFramework inactive", func(a *Allocator) {},
			func(a *Allocator) { a.AddFramework(FrameworkInfo{ID: "fw1", Roles: []string{"r"}}, nil, false, nil) }, 0},
		{"AddAgent", func(a *Allocator) {},
			func(a *Allocator) { a.AddAgent("a1", resources.MustParse("cpus:1;mem:512"), nil) }, 1},
		{"ActivateAgent", func(a *Allocator) {
			a.AddAgent("a1", resources.MustParse("cpus:1;mem:512"), nil)
			a.DeactivateAgent("a1")
		}, func(a *Allocator) { a.ActivateAgent("a1") }, 0},
		{"ActivateFramework", func(a *Allocator) {
			a.AddFramework(FrameworkInfo{ID: "fw1", Roles: []string{"r"}}, nil, false, nil)
		}, func(a *Allocator) { a.ActivateFramework("fw1") }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt, a, _ := newTestAllocator(t)
			tc.setup(a)
			rt.Settle()
			before := rt.Metrics().Snapshot(time.Second)[metricRuns]
			tc.call(a)
			rt.Settle()
			if got := rt.Metrics().Snapshot(time.Second)[metricRuns] - before; got != tc.want {
				t.Errorf("%s ran %v cycles, want %v", tc.name, got, tc.want)
			}
		})
	}
}

// Models HierarchicalAllocatorTest.OfferFilter through the process: the
// batch timer, filter expiry on the clock and the active-filters gauge.
func TestProcessOfferFilter(t *testing.T) {
	rt, a, log := newTestAllocator(t)
	a.AddFramework(FrameworkInfo{ID: "fw1", Roles: []string{"role"}}, nil, true, nil)
	a.AddAgent("agent1", mustParse(t, "cpus:1;mem:512"), nil)
	rt.Settle()
	if got := log.take(); len(got) != 1 {
		t.Fatalf("offers = %v, want 1", got)
	}
	cycles, _ := a.Cycles(context.Background())
	last := cycles[len(cycles)-1]
	rs := mustParse(t, "cpus:1;mem:512").Allocated("role")
	a.RecoverResources("fw1", "agent1", rs, RefuseSeconds(2))
	rt.Settle()
	gauge := "allocator/mesos/offer_filters/roles/role/active"
	if got := rt.Metrics().Snapshot(time.Second)[gauge]; got != 1 {
		t.Errorf("%s = %v, want 1", gauge, got)
	}
	rt.Clock().Advance(time.Second)
	rt.Settle()
	if got := log.take(); len(got) != 0 {
		t.Errorf("offers at t+1s = %v, want none (filtered)", got)
	}
	rt.Clock().Advance(time.Second)
	rt.Settle()
	if got := log.take(); len(got) != 1 {
		t.Errorf("offers at t+2s = %v, want 1", got)
	}
	if got := rt.Metrics().Snapshot(time.Second)[gauge]; got != 0 {
		t.Errorf("%s = %v, want 0", gauge, got)
	}
	_ = last

	// Recovering resources does not trigger an allocation (MESOS-3078):
	// they wait for the next batch tick.
	a.RecoverResources("fw1", "agent1", rs, RefuseSeconds(0))
	rt.Settle()
	if got := log.take(); len(got) != 0 {
		t.Errorf("offers right after RecoverResources = %v, want none until the next tick", got)
	}
	rt.Clock().Advance(time.Second)
	rt.Settle()
	if got := log.take(); len(got) != 1 {
		t.Errorf("offers at the next tick = %v, want 1", got)
	}

	// The JSON route and the on-demand explanation.
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, httptest.NewRequest("GET", "/allocator/mesoscope/v1/allocator?limit=2", nil))
	var body struct {
		Cycles []Cycle `json:"cycles"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Cycles) != 2 {
		t.Errorf("GET /allocator/mesoscope/v1/allocator = %d %q (%v), want 2 cycles", rec.Code, rec.Body.String(), err)
	}
	ex, err := a.Explain(context.Background(), "fw1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(DescribeExplanation(ex), "agent1 in role: nothing_left") {
		t.Errorf("Explain(fw1) = %q, want agent1 nothing_left (it holds the offer)", DescribeExplanation(ex))
	}
}

// eventLog records point events.
type eventLog struct {
	observe.Nop
	mu     sync.Mutex
	events []observe.Event
}

func (l *eventLog) Needs() observe.Needs { return observe.NeedEvents }
func (l *eventLog) Event(_ *observe.Dispatch, e observe.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func TestEventsAndMetrics(t *testing.T) {
	obs := &eventLog{}
	rt, err := process.New(process.Config{Workers: 2, Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Stop(context.Background()) })
	rt.Clock().Pause()
	a, err := New(rt, Config{})
	if err != nil {
		t.Fatal(err)
	}
	a.UpdateQuota("eng", Quota{Guarantees: resources.MustQuantities("cpus:1"), Limits: Limits{"cpus": 4, "mem": 4096}})
	a.AddFramework(FrameworkInfo{ID: "fw1", Roles: []string{"eng"}}, nil, true, nil)
	a.AddAgent("a1", mustParse(t, "cpus:2;mem:1024"), nil)
	rt.Settle()

	obs.mu.Lock()
	var types []string
	drf := ""
	for _, e := range obs.events {
		types = append(types, e.Type)
		for _, a := range e.Attrs {
			if e.Type == "allocation.cycle" && a.Key == "allocation.drf_order" {
				drf = a.Value
			}
		}
	}
	obs.mu.Unlock()
	if drf != "eng=0" {
		t.Errorf("allocation.cycle allocation.drf_order = %q, want eng=0 (the role and its share at the start of the cycle)", drf)
	}
	if !slices.Contains(types, "allocation.cycle") || !slices.Contains(types, "allocation.decision") {
		t.Errorf("events = %v, want allocation.cycle and allocation.decision", types)
	}
	snap := rt.Metrics().Snapshot(time.Second)
	for _, name := range []string{
		"allocator/mesos/allocation_runs",
		"allocator/mesos/allocation_run_ms",
		"allocator/mesos/allocation_run_latency_ms",
		"allocator/mesos/event_queue_dispatches",
		"allocator/mesos/roles/eng/shares/dominant",
		"allocator/mesos/offer_filters/roles/eng/active",
		"allocator/mesos/resources/cpus/total",
		"allocator/mesos/resources/cpus/offered_or_allocated",
		"allocator/mesos/quota/roles/eng/resources/cpus/guarantee",
		"allocator/mesos/quota/roles/eng/resources/cpus/offered_or_allocated",
		"allocator/event_queue_dispatches",
	} {
		if _, ok := snap[name]; !ok {
			t.Errorf("metric %s missing from snapshot", name)
		}
	}
	// Per role and resource, as Metrics::updateQuota and QuotaMetrics do:
	// offered_or_allocated for guarantee and limit names alike, consumed
	// for what the role consumes.
	for name, want := range map[string]float64{
		"allocator/mesos/quota/roles/eng/resources/cpus/offered_or_allocated": 2,
		"allocator/mesos/quota/roles/eng/resources/mem/offered_or_allocated":  1024,
		"allocator/mesos/quota/roles/eng/resources/mem/limit":                 4096,
		"allocator/mesos/quota/roles/eng/resources/cpus/consumed":             2,
		"allocator/mesos/quota/roles/eng/resources/mem/consumed":              1024,
	} {
		if got, ok := snap[name]; !ok || got != want {
			t.Errorf("%s = %v (present %t), want %v", name, got, ok, want)
		}
	}

	if got := snap["allocator/mesos/resources/cpus/offered_or_allocated"]; got != 2 {
		t.Errorf("cpus offered_or_allocated = %v, want 2", got)
	}
	if got := snap["allocator/mesos/roles/eng/shares/dominant"]; got != 1 {
		t.Errorf("eng dominant share = %v, want 1", got)
	}
	// Given back: the consumed gauges go with the next cycle.
	a.RecoverResources("fw1", "a1", mustParse(t, "cpus:2;mem:1024").Allocated("eng"), RefuseSeconds(3600))
	rt.Clock().Advance(time.Second)
	rt.Settle()
	snap = rt.Metrics().Snapshot(time.Second)
	if got, ok := snap["allocator/mesos/quota/roles/eng/resources/cpus/consumed"]; ok {
		t.Errorf("consumed gauge after everything came back = %v, want it removed", got)
	}
}
