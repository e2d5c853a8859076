package cluster

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRuntimeDemoOverHTTP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := StartRuntimeDemo(RuntimeDemoConfig{Listener: ln, Agents: 3, PingTimeout: time.Second, MaxPingTimeouts: 2, KillAgentAfter: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop(context.Background())
	rt := d.Runtime()
	rt.Clock().Pause()
	for range 6 {
		rt.Clock().Advance(time.Second)
		rt.Settle()
	}
	if got := d.Unreachable(); len(got) != 1 || got[0] != "S2" {
		t.Fatalf("unreachable = %v, want [S2]", got)
	}
	base := "http://" + ln.Addr().String()
	resp, err := http.Get(base + "/__processes__")
	if err != nil {
		t.Fatal(err)
	}
	var procs []struct {
		ID string `json:"id"`
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(b, &procs); err != nil {
		t.Fatalf("/__processes__: %v", err)
	}
	ids := map[string]bool{}
	for _, p := range procs {
		ids[p.ID] = true
	}
	for _, want := range []string{"master", "slave(1)", "slave(2)", "slave-observer(1)", "slave-observer(3)", "__processes__", "metrics"} {
		if !ids[want] {
			t.Errorf("/__processes__ lacks %q: %v", want, ids)
		}
	}
	if ids["slave(3)"] {
		t.Errorf("the killed agent slave(3) is still listed")
	}
	// /health through the master delegate.
	resp, err = http.Get(base + "/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /health = %v, %v", resp, err)
	}
	resp.Body.Close()
}

func TestRuntimeDemoWorkloadDrivesTheAllocator(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := StartRuntimeDemo(RuntimeDemoConfig{Listener: ln, Agents: 3, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop(context.Background())
	rt := d.Runtime()
	rt.Clock().Pause()
	for range 10 {
		rt.Clock().Advance(time.Second)
		rt.Settle()
	}
	cycles, err := d.Allocator().Cycles(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cycles) < 5 {
		t.Fatalf("allocation cycles after 10s = %d, want at least the batch loop's", len(cycles))
	}
	snap := rt.Metrics().Snapshot(0)
	for _, role := range []string{"web", "batch"} {
		key := "allocator/mesos/roles/" + role + "/shares/dominant"
		if v, ok := snap[key]; !ok || v <= 0 {
			t.Errorf("%s = %v (present %v), want a positive share: the workload holds resources", key, v, ok)
		}
	}
	base := "http://" + ln.Addr().String()
	resp, err := http.Get(base + "/mesoscope/v1/allocator?format=text&limit=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "web") {
		t.Errorf("GET /mesoscope/v1/allocator?format=text = %d\n%s", resp.StatusCode, body)
	}
}
