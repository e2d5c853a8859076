package master_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// bigMaster is a master with agents×tasksPerAgent tasks of one framework,
// registered synthetically: each agent reregisters with its tasks (the
// path of a master failover), which is how Mesos's own state benchmarks
// populate a master (src/tests/master_benchmarks.cpp).
func bigMaster(b *testing.B, agents, tasksPerAgent int) (*process.Runtime, *master.Master, string) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	rt, err := process.New(process.Config{Listener: ln, Delegate: master.ID, MaxBodyBytes: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = rt.Stop(context.Background()) })
	rt.Clock().Pause()
	m, err := master.New(rt, master.Config{ID: "M"})
	if err != nil {
		b.Fatal(err)
	}
	fw := mesos.FrameworkInfo{User: "bench", Name: "bench", ID: &mesos.FrameworkID{Value: "M-0000"}, Roles: []string{"bench"},
		Capabilities: []mesos.FrameworkCapability{{Type: mesos.FrameworkMultiRole}}}
	total := resources.MustParse("cpus:32;mem:65536;disk:100000;ports:[31000-32000]")
	task := resources.MustParse("cpus:0.1;mem:64")
	task.Allocate("bench")
	for i := range agents {
		a := &struct{ process.Base }{}
		pid, err := rt.Spawn(fmt.Sprintf("slave(%d)", i+1), a)
		if err != nil {
			b.Fatal(err)
		}
		id := fmt.Sprintf("M-S%d", i)
		msg := mesos.ReregisterSlaveMessage{
			Slave:      mesos.AgentInfo{ID: &mesos.AgentID{Value: id}, Hostname: fmt.Sprintf("agent-%d.example", i), Port: 5051, Resources: mesos.ResourcesOf(total)},
			Frameworks: []mesos.FrameworkInfo{fw}, Version: master.Version,
		}
		for j := range tasksPerAgent {
			st := mesos.TaskRunning
			msg.Tasks = append(msg.Tasks, mesos.Task{
				Name: "task", TaskID: mesos.TaskID{Value: fmt.Sprintf("task-%d-%d", i, j)}, FrameworkID: *fw.ID, AgentID: mesos.AgentID{Value: id},
				State: mesos.TaskRunning, Resources: mesos.ResourcesOf(task), StatusUpdateState: &st,
				Statuses: []mesos.TaskStatus{{TaskID: mesos.TaskID{Value: fmt.Sprintf("task-%d-%d", i, j)}, State: mesos.TaskRunning, Timestamp: 1.7e9}},
			})
		}
		process.Do(rt, pid, "reregister", func() { a.Send(m.Self(), mesos.ReregisterSlaveMessageName, msg) })
	}
	rt.Settle()
	return rt, m, "http://" + ln.Addr().String()
}

func get(b *testing.B, url string) int {
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		b.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return int(n)
}

func post(b *testing.B, url, body string) int {
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	n, _ := io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		b.Fatalf("POST %s: %d", url, resp.StatusCode)
	}
	return int(n)
}

// BenchmarkState serves /master/state and GET_STATE over real HTTP from a
// master with 10,000 agents and 100,000 tasks (the target: ≤ 300
// ms; Mesos 1.7 took about 3 s).
func BenchmarkState(b *testing.B) {
	for _, size := range []struct{ agents, tasks int }{{1000, 10}, {10000, 10}} {
		b.Run(fmt.Sprintf("agents=%d,tasks=%d", size.agents, size.agents*size.tasks), func(b *testing.B) {
			_, _, url := bigMaster(b, size.agents, size.tasks)
			b.Run("v0", func(b *testing.B) {
				b.ReportAllocs()
				var n int
				for b.Loop() {
					n = get(b, url+"/master/state")
				}
				b.ReportMetric(float64(n)/1e6, "MB/response")
			})
			b.Run("v1", func(b *testing.B) {
				b.ReportAllocs()
				var n int
				for b.Loop() {
					n = post(b, url+"/api/v1", `{"type":"GET_STATE"}`)
				}
				b.ReportMetric(float64(n)/1e6, "MB/response")
			})
		})
	}
}

// BenchmarkMasterLatencyUnderStatePolling measures how long the master
// takes to handle an event (a dispatch round trip, standing in for an
// offer or a status update) while /master/state is polled in a loop,
// against the same master idle: rendering happens off the master's
// queue, so only the snapshot (pointer copies) holds it up.
func BenchmarkMasterLatencyUnderStatePolling(b *testing.B) {
	rt, m, url := bigMaster(b, 10000, 10)
	for _, polling := range []bool{false, true} {
		b.Run(fmt.Sprintf("polling=%v", polling), func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			if polling {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for ctx.Err() == nil {
						resp, err := http.Get(url + "/master/state")
						if err != nil {
							return
						}
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}()
				time.Sleep(100 * time.Millisecond) // let polling start (benchmark setup, not correctness)
			}
			var lat []time.Duration
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				if _, err := process.Dispatch(rt, m.Self(), "ping", func() (int, error) { return 0, nil }).Await(ctx); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			cancel()
			wg.Wait()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
		})
	}
}
