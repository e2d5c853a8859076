package cluster

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// BenchmarkLaunchThroughput runs b.N no-op command tasks (`true`) end to
// end on a local cluster of 10 agents: offers over the scheduler API,
// ACCEPT with LAUNCH, the agents run the tasks through the containerizer,
// TASK_RUNNING and TASK_FINISHED come back and are acknowledged. It
// reports tasks per second and the median and p99 latency from the
// ACCEPT call to TASK_RUNNING.
func BenchmarkLaunchThroughput(b *testing.B) {
	for _, inflight := range []int{1, 0} {
		name := "inflight=unlimited"
		if inflight > 0 {
			name = fmt.Sprintf("inflight=%d", inflight)
		}
		b.Run(name, func(b *testing.B) { benchLaunch(b, inflight) })
	}
}

// benchLaunch launches at most inflight tasks at a time (0: as many as the
// offers hold). The allocation interval is 50 ms so that the
// one-at-a-time run measures the launch path, not the 1 s batch loop.
func benchLaunch(b *testing.B, inflight int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	l, err := StartLocal(LocalConfig{
		Listener: ln, WorkDir: b.TempDir(), NumAgents: 10, Master: master.Config{AllocationInterval: 50 * time.Millisecond},
		DefaultAgent: AgentSpec{Resources: "cpus:8;mem:8192;disk:1000;ports:[31000-31009]", Hostname: "localhost"},
		Agent: agent.Config{
			RegistrationBackoffFactor: 10 * time.Millisecond,
			Containerizer:             containerizer.Config{Shim: testShim(), Isolation: []string{"posix/cpu", "posix/mem"}, GCDelay: -1},
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Stop(context.Background(), true)
	var (
		mu       sync.Mutex
		launched = map[string]time.Time{}
		lat      []time.Duration
		started  int
		finished int
		done     = make(chan struct{})
		total    = b.N
	)
	task := resources.MustParse("cpus:0.1;mem:32")
	c, err := schedclient.New(schedclient.Config{Master: l.URL(), Framework: mesos.FrameworkInfo{User: currentUser(), Name: "bench"}, AutoAck: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	shell, cmd := true, "true"
	handle := func(ctx context.Context, e *scheduler.Event) {
		switch e.Type {
		case scheduler.EventOffers:
			for _, o := range e.Offers.Offers {
				avail := o.Resources.Resources.Clone()
				var tasks []mesos.TaskInfo
				mu.Lock()
				for avail.Contains(task) && started < total && (inflight == 0 || started-finished < inflight) {
					id := fmt.Sprintf("t%d", started)
					started++
					tasks = append(tasks, mesos.TaskInfo{Name: "noop", TaskID: mesos.TaskID{Value: id}, AgentID: o.AgentID,
						Resources: mesos.ResourcesOf(task), Command: &mesos.CommandInfo{Shell: &shell, Value: &cmd}})
					avail.Subtract(task)
				}
				now := time.Now()
				for _, t := range tasks {
					launched[t.TaskID.Value] = now
				}
				mu.Unlock()
				var err error
				if len(tasks) == 0 {
					err = c.Decline(ctx, []mesos.OfferID{o.ID}, &mesos.Filters{RefuseSeconds: new(0.0)})
				} else {
					err = c.Launch(ctx, o.ID, tasks...)
				}
				if err != nil && ctx.Err() == nil {
					b.Errorf("call: %v", err)
				}
			}
		case scheduler.EventUpdate:
			st := e.Update.Status
			mu.Lock()
			defer mu.Unlock()
			switch st.State {
			case mesos.TaskRunning:
				if t0, ok := launched[st.TaskID.Value]; ok {
					lat = append(lat, time.Since(t0))
				}
			case mesos.TaskFinished, mesos.TaskFailed, mesos.TaskError, mesos.TaskLost:
				if st.State != mesos.TaskFinished {
					b.Errorf("task %s: %s", st.TaskID.Value, mesos.DescribeTaskStatus(&st))
				}
				finished++
				if finished == total {
					close(done)
				}
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	runDone := make(chan error, 1)
	go func() { runDone <- c.Run(ctx, handle) }()
	select {
	case <-done:
	case <-time.After(10 * time.Minute):
		b.Fatalf("only %d of %d tasks finished", finished, total)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	<-runDone
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(lat)
	b.ReportMetric(float64(total)/elapsed.Seconds(), "tasks/s")
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-accept-to-running-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "p99-accept-to-running-ms")
	}
}
