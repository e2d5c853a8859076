package marathon_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/master"
)

// BenchmarkDeployScale deploys an app of n long-running `sleep 3600` tasks
// of small resources on 10 agents, waits until all are RUNNING, then
// scales it to 0 and waits until every task is gone. It reports the time
// to all RUNNING, launches per second, the offers the scheduler processed
// per second while deploying, and the time to scale down. The allocation
// interval is 100 ms, so the numbers are the scheduler's and the agents',
// not Mesos's 1 s batch.
func BenchmarkDeployScale(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("instances=%d/agents=10", n), func(b *testing.B) { benchDeploy(b, n) })
	}
}

func benchDeploy(b *testing.B, n int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ac := agentConfig()
	ac.Containerizer.GCDelay = -1
	// posix/mem polls every process of the machine for every container;
	// with a thousand containers that is what the benchmark would measure.
	ac.Containerizer.Isolation = []string{"posix/cpu"}
	l, err := cluster.StartLocal(cluster.LocalConfig{
		Listener: ln, WorkDir: b.TempDir(), NumAgents: 10, Master: master.Config{AllocationInterval: 100 * time.Millisecond},
		DefaultAgent: cluster.AgentSpec{Resources: "cpus:32;mem:65536;disk:1000;ports:[31000-31009]", Hostname: "localhost"}, Agent: ac,
	})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if err := l.Stop(ctx, true); err != nil {
			b.Errorf("stop: %v", err)
		}
	}()
	m, err := marathon.New(marathon.Config{Master: l.URL(), MinReviveOffersInterval: 100 * time.Millisecond, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := m.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := m.Stop(sctx); err != nil {
			b.Errorf("stop marathon: %v", err)
		}
	}()
	wait := func(what string, cond func(marathon.Stats) bool) marathon.Stats {
		deadline := time.Now().Add(10 * time.Minute)
		for {
			s, err := m.Stats(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if cond(s) {
				return s
			}
			if time.Now().After(deadline) {
				b.Fatalf("%s: not within 10 minutes: %+v", what, s)
			}
			time.Sleep(20 * time.Millisecond) // polling a real-time cluster
		}
	}
	var toRunning, toGone time.Duration
	var offers, launched int
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprintf("/sleep-%d", i)
		before, _ := m.Stats(ctx)
		start := time.Now()
		if _, err := m.Deploy(ctx, &marathon.App{ID: id, Cmd: "sleep 3600", CPUs: 0.01, Mem: 1, Instances: n}); err != nil {
			b.Fatal(err)
		}
		s := wait("all running", func(s marathon.Stats) bool { return s.Running == n && s.Deployments == 0 })
		toRunning += time.Since(start)
		offers += s.OffersProcessed - before.OffersProcessed
		launched += s.TasksLaunched - before.TasksLaunched
		start = time.Now()
		if _, err := m.Scale(ctx, id, 0); err != nil {
			b.Fatal(err)
		}
		wait("scaled to 0", func(s marathon.Stats) bool { return s.Running+s.Staged+s.Scheduled == 0 && s.Deployments == 0 })
		toGone += time.Since(start)
		if _, err := m.Delete(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(toRunning.Seconds()/float64(b.N), "s-to-all-running")
	b.ReportMetric(float64(launched)/toRunning.Seconds(), "launches/s")
	b.ReportMetric(float64(offers)/toRunning.Seconds(), "offers/s")
	b.ReportMetric(toGone.Seconds()/float64(b.N), "s-to-scale-down")
}
