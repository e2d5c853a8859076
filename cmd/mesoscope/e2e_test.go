package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
)

// Every inspector command against the embedded cluster running the demo's
// workload: what a user sees when they attach to `mesoscope demo`.
func TestInspectorAgainstEmbeddedCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a cluster with real processes")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d, err := cluster.StartDemo(cluster.DemoConfig{
		Listener: ln, WorkDir: t.TempDir(), Seed: 3, TimeScale: 0.05,
		Agent: agent.Config{RegistrationBackoffFactor: 10 * time.Millisecond,
			Containerizer: containerizer.Config{Isolation: []string{"posix/cpu", "posix/mem"}}},
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
	deadline := time.Now().Add(60 * time.Second)
	for {
		ready := map[string]bool{}
		for _, s := range d.Stats() {
			ready[s.Name] = s.Finished > 0 || s.Running > 0 || s.OffersDeclined > 1
		}
		if ready["batch-etl"] && ready["gpu-trainer"] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo workload not under way after 60s: %+v", d.Stats())
		}
		time.Sleep(50 * time.Millisecond) // polling a real-time workload
	}
	master := d.URL()
	bundle := filepath.Join(t.TempDir(), "cluster.tar.gz")
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"inspect", "agents"}, []string{"agent-1", "agent-2", "agent-gpu", "active"}},
		{[]string{"inspect", "agents", "-o", "json"}, []string{`"hostname": "agent-gpu"`}},
		{[]string{"inspect", "frameworks"}, []string{"marathon", "batch-etl", "gpu-trainer"}},
		{[]string{"inspect", "tasks"}, []string{"TASK_", "gpu-trainer"}},
		{[]string{"inspect", "roles"}, []string{"batch", "web", "2"}},
		{[]string{"inspect", "actors"}, []string{"master", "allocator", "slave(1)"}},
		{[]string{"inspect", "containers"}, []string{"MEM LIMIT"}},
		{[]string{"inspect", "metrics", "--prefix", "master/slaves_active"}, []string{"master/slaves_active", "3"}},
		{[]string{"why", "batch-etl"}, []string{"batch-etl", "exact"}},
		{[]string{"why", "batch"}, []string{"batch"}},
		{[]string{"snapshot", "save", "-o", bundle, "--agents"}, []string{"wrote " + bundle}},
	}
	for _, tt := range tests {
		args := append(append([]string(nil), tt.args...), "--master", master)
		out, err := runInspect(t, newRootCommand(), args...)
		if err != nil {
			t.Errorf("mesoscope %s: %v\n%s", strings.Join(tt.args, " "), err, out)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("mesoscope %s: output lacks %q:\n%s", strings.Join(tt.args, " "), w, out)
			}
		}
	}
	// The bundle answers like the live cluster.
	if _, err := os.Stat(bundle); err != nil {
		t.Fatal(err)
	}
	out, err := runInspect(t, newRootCommand(), "inspect", "frameworks", "--bundle", bundle)
	if err != nil || !strings.Contains(out, "batch-etl") {
		t.Errorf("inspect frameworks --bundle: %v\n%s", err, out)
	}
	// A short actor profile of the live master.
	prof := filepath.Join(t.TempDir(), "actors.pb.gz")
	if out, err := runInspect(t, newRootCommand(), "profile", "actors", "--duration", "1s", "-o", prof, "--master", master); err != nil {
		t.Errorf("profile actors: %v\n%s", err, out)
	} else if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Errorf("profile actors wrote nothing: %v", err)
	}
}
