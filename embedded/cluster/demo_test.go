package cluster

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
)

// The demo's workload runs real tasks through the HTTP API: web services
// keep running, batch tasks finish and fail, the GPU trainer gets the GPU
// agent, and the analytics framework waits because no agent is big enough.
func TestDemoWorkload(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := StartDemo(DemoConfig{
		Listener: ln, WorkDir: t.TempDir(), Seed: 7, TimeScale: 0.05,
		Agent: agent.Config{
			RegistrationBackoffFactor: 10 * time.Millisecond,
			Containerizer:             containerizer.Config{Shim: testShim, Isolation: []string{"posix/cpu", "posix/mem"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := d.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	byName := func() map[string]FrameworkStats {
		out := map[string]FrameworkStats{}
		for _, s := range d.Stats() {
			out[s.Name] = s
		}
		return out
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := byName()
		if s["batch-etl"].Finished >= 2 && s["batch-etl"].Failed >= 1 && s["web-frontend"].Running == 3 &&
			s["gpu-trainer"].Launched >= 1 && s["analytics-waiting"].OffersDeclined >= 2 {
			if s["analytics-waiting"].Launched != 0 || !s["analytics-waiting"].Waiting {
				t.Errorf("analytics-waiting = %+v, want it Waiting with no launch", s["analytics-waiting"])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("workload after 60s: %+v", s)
		}
		time.Sleep(50 * time.Millisecond) // polling a real-time workload, not a correctness sleep
	}
	// The master saw it all: three agents, five frameworks.
	resp, err := http.Get(d.URL() + "/master/state-summary")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sum struct {
		Slaves     []json.RawMessage `json:"slaves"`
		Frameworks []json.RawMessage `json:"frameworks"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Slaves) != 3 || len(sum.Frameworks) != 5 {
		t.Errorf("state-summary: %d slaves, %d frameworks, want 3 and 5", len(sum.Slaves), len(sum.Frameworks))
	}
}
