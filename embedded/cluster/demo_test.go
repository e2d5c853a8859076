package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/master"
)

// startTestDemo starts the demo with short task durations, fast agents and
// a Marathon that revives quickly; it is stopped when the test ends.
func startTestDemo(t *testing.T) *Demo {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := StartDemo(DemoConfig{
		Listener: ln, WorkDir: t.TempDir(), Seed: 7, TimeScale: 0.05,
		Master: master.Config{AllocationInterval: 100 * time.Millisecond},
		Agent: agent.Config{
			RegistrationBackoffFactor: 10 * time.Millisecond,
			Containerizer:             containerizer.Config{Shim: testShim(), Isolation: []string{"posix/cpu", "posix/mem"}},
		},
		Marathon: marathon.Config{MinReviveOffersInterval: 100 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := d.Stop(ctx); err != nil {
			t.Errorf("Stop() = %v, want nil", err)
		}
	})
	return d
}

// eventually polls cond (a real-time workload, not a correctness sleep)
// until it holds, failing the test with the last state after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v; last: %s", what, timeout, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// getJSON GETs url and decodes its JSON into out.
func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: decode: %v", url, err)
	}
}

// The demo's workload runs real tasks through the HTTP API: batch tasks
// finish and fail, the GPU trainer gets the GPU agent, the Marathon keeps
// its web app's instances running, backs off the crashing app, and
// declines every offer for the app that no agent is big enough for.
func TestDemoWorkload(t *testing.T) {
	d := startTestDemo(t)
	mURL := d.MarathonURL()

	// The hand-written frameworks.
	byName := func() map[string]FrameworkStats {
		out := map[string]FrameworkStats{}
		for _, s := range d.Stats() {
			out[s.Name] = s
		}
		return out
	}
	eventually(t, 25*time.Second, "batch tasks finish and fail, the GPU trainer launches", func() (bool, string) {
		s := byName()
		return s["batch-etl"].Finished >= 2 && s["batch-etl"].Failed >= 1 && s["gpu-trainer"].Launched >= 1, fmt.Sprintf("%+v", s)
	})

	// /web-frontend: its three instances run (GET /v2/apps/{id}).
	type appJSON struct {
		App struct {
			TasksRunning    int `json:"tasksRunning"`
			LastTaskFailure *struct {
				State   string `json:"state"`
				Message string `json:"message"`
			} `json:"lastTaskFailure"`
		} `json:"app"`
	}
	eventually(t, 20*time.Second, DemoAppWeb+" runs 3 instances", func() (bool, string) {
		var a appJSON
		getJSON(t, mURL+"/v2/apps"+DemoAppWeb, &a)
		return a.App.TasksRunning == 3, fmt.Sprintf("%+v", a.App)
	})

	// /web-api: its tasks fail, and Marathon backs off its launches.
	type queueJSON struct {
		Queue []struct {
			App struct {
				ID string `json:"id"`
			} `json:"app"`
			Count int `json:"count"`
			Delay struct {
				TimeLeftSeconds int64 `json:"timeLeftSeconds"`
				Overdue         bool  `json:"overdue"`
			} `json:"delay"`
			ProcessedOffersSummary struct {
				ProcessedOffersCount    int                          `json:"processedOffersCount"`
				UnusedOffersCount       int                          `json:"unusedOffersCount"`
				RejectSummaryLastOffers []marathon.DeclinedOfferStep `json:"rejectSummaryLastOffers"`
			} `json:"processedOffersSummary"`
			LastUnusedOffers []struct {
				Reason []marathon.Reason `json:"reason"`
			} `json:"lastUnusedOffers"`
		} `json:"queue"`
	}
	queueItem := func(id string) (item struct {
		found    bool
		overdue  bool
		left     int64
		count    int
		procd    int
		unused   int
		declined map[marathon.Reason]int
		reasons  [][]marathon.Reason
	}) {
		var q queueJSON
		getJSON(t, mURL+"/v2/queue?embed=lastUnusedOffers", &q)
		for _, it := range q.Queue {
			if it.App.ID != id {
				continue
			}
			item.found, item.overdue, item.left, item.count = true, it.Delay.Overdue, it.Delay.TimeLeftSeconds, it.Count
			item.procd, item.unused = it.ProcessedOffersSummary.ProcessedOffersCount, it.ProcessedOffersSummary.UnusedOffersCount
			item.declined = map[marathon.Reason]int{}
			for _, st := range it.ProcessedOffersSummary.RejectSummaryLastOffers {
				item.declined[st.Reason] = st.Declined
			}
			for _, u := range it.LastUnusedOffers {
				item.reasons = append(item.reasons, u.Reason)
			}
		}
		return item
	}
	eventually(t, 20*time.Second, DemoAppCrash+" fails and is backed off", func() (bool, string) {
		var a appJSON
		getJSON(t, mURL+"/v2/apps"+DemoAppCrash, &a)
		it := queueItem(DemoAppCrash)
		f := a.App.LastTaskFailure
		return f != nil && f.State == "TASK_FAILED" && it.found && !it.overdue && it.left > 0,
			fmt.Sprintf("lastTaskFailure %+v, queue %+v", f, it)
	})

	// /analytics: Marathon declines every offer for lack of memory.
	var waiting = queueItem(DemoAppWaiting)
	eventually(t, 20*time.Second, DemoAppWaiting+" has offers declined for memory", func() (bool, string) {
		waiting = queueItem(DemoAppWaiting)
		return waiting.found && waiting.procd > 0 && waiting.declined[marathon.InsufficientMemory] > 0, fmt.Sprintf("%+v", waiting)
	})
	if waiting.count != 1 || !waiting.overdue || waiting.unused != waiting.procd {
		t.Errorf("queue %s = count %d overdue %v, %d of %d offers unused; want 1, true, every offer unused",
			DemoAppWaiting, waiting.count, waiting.overdue, waiting.unused, waiting.procd)
	}
	for _, rs := range waiting.reasons {
		if !slices.Contains(rs, marathon.InsufficientMemory) {
			t.Errorf("unused offer of %s: reasons %v, want InsufficientMemory among them", DemoAppWaiting, rs)
		}
	}

	// AppStats reads the same REST API.
	stats, err := d.AppStats(context.Background())
	if err != nil {
		t.Fatalf("AppStats() = %v", err)
	}
	byID := map[string]AppStats{}
	for _, s := range stats {
		byID[s.ID] = s
	}
	if got := slices.Sorted(func(yield func(string) bool) {
		for _, s := range stats {
			if !yield(s.ID) {
				return
			}
		}
	}); !slices.Equal(got, []string{DemoAppWaiting, DemoAppCrash, DemoAppWeb}) {
		t.Errorf("AppStats() ids = %v, want the three demo apps", got)
	}
	// Offers of agents whose cpus the batch tasks took are charged to
	// InsufficientCpus first (the funnel's order), so either reason may
	// have declined the most.
	if s := byID[DemoAppWaiting]; !s.Waiting || !strings.HasPrefix(s.Reason, "Insufficient") || s.Running != 0 || s.Role != DemoMarathonRole ||
		s.Wants != "cpus:1; mem:16384" {
		t.Errorf("AppStats(%s) = %+v, want Waiting for Insufficient resources, nothing running, role web, cpus:1; mem:16384", DemoAppWaiting, s)
	}
	if s := byID[DemoAppCrash]; !strings.HasPrefix(s.LastFailure, "TASK_FAILED") || s.Waiting {
		t.Errorf("AppStats(%s) = %+v, want a TASK_FAILED last failure and not Waiting", DemoAppCrash, s)
	}
	if s := byID[DemoAppWeb]; s.Instances != 3 || s.HealthChecks != 1 {
		t.Errorf("AppStats(%s) = %+v, want 3 instances with a health check", DemoAppWeb, s)
	}

	// The master saw it all: three agents, three frameworks.
	var sum struct {
		Slaves     []json.RawMessage `json:"slaves"`
		Frameworks []struct {
			Name string `json:"name"`
		} `json:"frameworks"`
	}
	getJSON(t, d.URL()+"/master/state-summary", &sum)
	var names []string
	for _, f := range sum.Frameworks {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	if want := []string{"batch-etl", "gpu-trainer", "marathon"}; len(sum.Slaves) != 3 || !slices.Equal(names, want) {
		t.Errorf("state-summary: %d slaves, frameworks %v; want 3 and %v", len(sum.Slaves), names, want)
	}
	if got, want := d.Frameworks(), []string{"batch-etl", "gpu-trainer", "marathon"}; !slices.Equal(got, want) {
		t.Errorf("Frameworks() = %v, want %v", got, want)
	}
}

// A Marathon configuration that New refuses fails StartDemo, which stops
// what it started and closes both listeners.
func TestStartDemoMarathonError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, err = StartDemo(DemoConfig{
		Listener: ln, WorkDir: t.TempDir(), MarathonListener: mln,
		Agent:    agent.Config{Containerizer: containerizer.Config{Shim: testShim(), Isolation: []string{"posix/cpu", "posix/mem"}}},
		Marathon: marathon.Config{Role: "a/.."},
	})
	if err == nil || !strings.Contains(err.Error(), "role") {
		t.Fatalf("StartDemo(role a/..) = %v, want an error naming the role", err)
	}
	// SetDeadline fails only on a closed listener (and never blocks).
	if err := mln.(*net.TCPListener).SetDeadline(time.Now()); err == nil {
		t.Errorf("the Marathon listener is still open after StartDemo failed")
	}
}
