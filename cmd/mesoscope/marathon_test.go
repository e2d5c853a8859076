package main

import (
	"context"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/master"
)

// Bad flags are refused before anything starts, naming the flag.
func TestMarathonCommandFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"marathon", "--master", "zk://zk1:2181/mesos"}, "--master"},
		{[]string{"marathon", "--gpu_scheduling_behavior", "sometimes"}, "--gpu_scheduling_behavior"},
		{[]string{"marathon", "--decline_offer_duration", "0"}, "--decline_offer_duration"},
		{[]string{"marathon", "--failover_timeout", "-1"}, "--failover_timeout"},
		{[]string{"marathon", "--http_port", "70000"}, "--port=70000"},
		{[]string{"marathon", "--http_address", "not-an-ip", "--http_port", "0"}, "--ip"},
		{[]string{"marathon", "--mesos_role", "a/..", "--http_port", "0"}, "role"},
	}
	for _, tt := range tests {
		out, err := runInspect(t, newRootCommand(), tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("mesoscope %s: err = %v (output %q), want an error containing %q", strings.Join(tt.args, " "), err, out, tt.want)
		}
	}
}

// `mesoscope marathon` runs against an in-process cluster: apps deploy
// through its REST API, and `mesoscope why /app --marathon` explains the
// one that waits from its /v2/queue.
func TestMarathonCommandWithWhy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a cluster with real processes")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := cluster.StartLocal(cluster.LocalConfig{
		Listener: ln, WorkDir: t.TempDir(), NumAgents: 2, Master: master.Config{AllocationInterval: 100 * time.Millisecond},
		DefaultAgent: cluster.AgentSpec{Resources: "cpus:2;mem:1024;disk:1024;ports:[31000-31099]", Hostname: "localhost"},
		Agent: agent.Config{RegistrationBackoffFactor: 10 * time.Millisecond,
			Containerizer: containerizer.Config{Isolation: []string{"posix/cpu", "posix/mem"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := l.Stop(ctx, true); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	cmd := newRootCommand()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"marathon", "--master", l.URL(), "--http_port", "0", "--min_revive_offers_interval", "100"})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("mesoscope marathon: %v\n%s", err, out.String())
		}
	}()
	urlRE := regexp.MustCompile(`mesoscope marathon at (http://\S+),`)
	var base string
	poll(t, 30*time.Second, "the REST API's URL", func() bool {
		m := urlRE.FindStringSubmatch(out.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	for _, app := range []string{
		`{"id": "/ok", "cmd": "sleep 600", "cpus": 0.1, "mem": 16}`,
		`{"id": "/toobig", "cmd": "sleep 600", "cpus": 6, "mem": 16}`,
	} {
		resp, err := http.Post(base+"/v2/apps", "application/json", strings.NewReader(app))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("POST /v2/apps %s = %d, want 201", app, resp.StatusCode)
		}
	}
	var why string
	poll(t, 30*time.Second, "why /toobig to see Marathon's declines", func() bool {
		why, err = runInspect(t, newRootCommand(), "why", "/toobig", "--marathon", base, "--master", l.URL())
		return err == nil && strings.Contains(why, "Marathon declined") && strings.Contains(why, "lacked cpus")
	})
	for _, want := range []string{"App /toobig is waiting", "Marathon offer funnel", "InsufficientCpus"} {
		if !strings.Contains(why, want) {
			t.Errorf("why /toobig output lacks %q:\n%s", want, why)
		}
	}
	ok, err := runInspect(t, newRootCommand(), "why", "/ok", "--marathon", base, "--master", l.URL())
	if err != nil || !strings.Contains(ok, "not waiting") {
		t.Errorf("why /ok = %v\n%s, want 'not waiting'", err, ok)
	}
}

// poll waits (bounded) for cond, checking a real-time system.
func poll(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, timeout)
		}
		time.Sleep(50 * time.Millisecond) // polling a real-time cluster
	}
}
