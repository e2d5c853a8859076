package agent

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// BenchmarkUpdateManager measures the status update manager's core: one op is one
// update and its acknowledgement, on streams of STARTING, RUNNING and FINISHED
// spread round-robin over N live tasks (a finished task's stream is replaced).
func BenchmarkUpdateManager(b *testing.B) {
	for _, n := range []int{1, 100, 10000} {
		b.Run("tasks="+strconv.Itoa(n), func(b *testing.B) {
			m := NewUpdateManager(StatusUpdateRetryIntervalMin, StatusUpdateRetryIntervalMax)
			states := []mesos.TaskState{mesos.TaskStarting, mesos.TaskRunning, mesos.TaskFinished}
			step := make([]int, n)
			ids := make([]string, n)
			for i := range ids {
				ids[i] = "task-" + strconv.Itoa(i)
			}
			fw := mesos.FrameworkID{Value: "fw"}
			var seq uint64
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t := i % n
				seq++
				uuid := make([]byte, 16)
				binary.LittleEndian.PutUint64(uuid, seq)
				u := mesos.StatusUpdate{
					FrameworkID: fw,
					Status:      mesos.TaskStatus{TaskID: mesos.TaskID{Value: ids[t]}, State: states[step[t]], UUID: uuid},
					UUID:        uuid,
				}
				if _, err := m.Update(u, nil); err != nil {
					b.Fatal(err)
				}
				if _, _, err := m.Acknowledge("fw", ids[t], uuid); err != nil {
					b.Fatal(err)
				}
				if step[t]++; step[t] == len(states) {
					step[t] = 0
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates+acks/s")
		})
	}
}

// BenchmarkRunTaskToRunning measures the latency from RunTaskMessage leaving the
// master to TASK_RUNNING reaching it, for a no-op command (/bin/true) in a real
// container with posix isolation: sandbox, containerizer launch (shim fork, go byte)
// and the status update path. Each op waits for the task to finish and be
// acknowledged. The median is reported as ms/median.
func BenchmarkRunTaskToRunning(b *testing.B) {
	b.Run("tasks=1", func(b *testing.B) {
		e := newEnv(b)
		e.master.ack = true
		e.registerAgent(b)
		fw := testFramework("fw-bench")
		var lat []time.Duration
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			id := fmt.Sprintf("t%d", i)
			start := time.Now()
			e.runTask(fw, commandTask(id, "/bin/true"))
			for {
				u := nextB(b, e)
				if u.Status.TaskID.Value == id && u.Status.State == mesos.TaskRunning {
					lat = append(lat, time.Since(start))
				}
				if u.Status.TaskID.Value == id && u.Status.State.IsTerminal() {
					break
				}
			}
		}
		b.StopTimer()
		slices.Sort(lat)
		if len(lat) > 0 {
			b.ReportMetric(float64(lat[len(lat)/2])/1e6, "ms/median")
		}
	})
}

func nextB(b *testing.B, e *testEnv) mesos.StatusUpdate {
	select {
	case u := <-e.master.updateCh:
		return u
	case <-time.After(waitFor):
		b.Fatalf("no status update within %v", waitFor)
		return mesos.StatusUpdate{}
	}
}

// BenchmarkRunTaskGroupToRunning measures the latency from RunTaskGroupMessage leaving
// the master to the last task of the group reaching TASK_RUNNING at the master, for
// groups of no-op commands (/bin/true): the executor's container, one nested container
// per task, launched together, and the status update path. Each op uses a new
// executor and waits for every task to finish and the executor to exit. The median is
// reported as ms/median.
func BenchmarkRunTaskGroupToRunning(b *testing.B) {
	for _, n := range []int{1, 4, 16} {
		b.Run("tasks="+strconv.Itoa(n), func(b *testing.B) {
			e := newEnv(b)
			e.master.ack = true
			e.registerAgent(b)
			fw := testFramework("fw-bench")
			var lat []time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				tasks := make([]mesos.TaskInfo, n)
				for j := range tasks {
					tasks[j] = commandTask(fmt.Sprintf("t%d-%d", i, j), "/bin/true")
				}
				start := time.Now()
				e.runGroup(fw, defaultExecutorInfo(fmt.Sprintf("ex%d", i)), tasks...)
				running, done := 0, 0
				for done < n {
					u := nextB(b, e)
					switch {
					case u.Status.State == mesos.TaskRunning:
						if running++; running == n {
							lat = append(lat, time.Since(start))
						}
					case u.Status.State.IsTerminal():
						done++
					}
				}
				select {
				case <-e.master.exitedCh:
				case <-time.After(waitFor):
					b.Fatalf("no ExitedExecutorMessage within %v", waitFor)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2])/1e6, "ms/median")
			}
		})
	}
}
