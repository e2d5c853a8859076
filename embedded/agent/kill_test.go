package agent

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

func TestKillTask(t *testing.T) {
	tests := []struct {
		name  string
		caps  []mesos.FrameworkCapabilityType
		cmd   string
		grace time.Duration // advanced after the kill
		want  []string
	}{
		{"sigterm", nil, "sleep 60", 0, []string{
			"TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated",
		}},
		{"killing state", []mesos.FrameworkCapabilityType{mesos.FrameworkTaskKillingState}, "sleep 60", 0, []string{
			"TASK_KILLING SOURCE_EXECUTOR",
			"TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated",
		}},
		{"escalation", nil, "trap '' TERM; echo trapped > $READY; sleep 60", 3 * time.Second, []string{
			"TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Killed",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.master.ack = true
			e.registerAgent(t)
			fw := testFramework("fw1", tc.caps...)
			ready := readyFIFO(t)
			e.runTask(fw, commandTask("t1", strings.ReplaceAll(tc.cmd, "$READY", ready.Name())))
			for _, want := range []mesos.TaskState{mesos.TaskStarting, mesos.TaskRunning} {
				if u := e.master.next(t); u.Status.State != want {
					t.Fatalf("update = %s, want %s", describe(u), want)
				}
			}
			if strings.Contains(tc.cmd, "$READY") {
				waitReady(t, ready) // the task has installed its trap
			}
			e.master.send(e.agent.Self(), mesos.KillTaskMessageName, mesos.KillTaskMessage{FrameworkID: *fw.ID, TaskID: mesos.TaskID{Value: "t1"}})
			e.rt.Settle()
			if tc.grace > 0 {
				// The task ignores SIGTERM: nothing happens until the grace period
				// (3 s by default) has passed on the agent's clock.
				e.rt.Clock().Advance(tc.grace - time.Millisecond)
				e.rt.Settle()
				e.master.none(t)
				e.rt.Clock().Advance(time.Millisecond)
				e.rt.Settle()
			}
			var got []string
			for range tc.want {
				got = append(got, describe(e.master.next(t)))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("updates after the kill (-want +got):\n%s", diff)
			}
			waitCompleted(t, e, "fw1")
		})
	}
}

// readyFIFO makes a FIFO a task writes to when it is ready; the test reads it.
func readyFIFO(t *testing.T) *os.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ready")
	if err := syscall.Mkfifo(path, 0o666); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0) // RDWR: opening does not wait for a writer
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// waitReady waits for a line on the FIFO.
func waitReady(t *testing.T, f *os.File) {
	t.Helper()
	if err := f.SetReadDeadline(time.Now().Add(waitFor)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	if _, err := f.Read(buf); err != nil {
		t.Fatalf("task never said it was ready: %v", err)
	}
}

func TestKillUnknownTask(t *testing.T) {
	tests := []struct {
		name string
		caps []mesos.FrameworkCapabilityType
		want string
	}{
		{"not partition aware", nil, "TASK_LOST SOURCE_AGENT REASON_EXECUTOR_TERMINATED Cannot find executor"},
		{"partition aware", []mesos.FrameworkCapabilityType{mesos.FrameworkPartitionAware}, "TASK_DROPPED SOURCE_AGENT REASON_EXECUTOR_TERMINATED Cannot find executor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.master.ack = true
			e.registerAgent(t)
			fw := testFramework("fw1", tc.caps...)
			e.runTask(fw, commandTask("t1", "sleep 60"))
			e.master.next(t)
			e.master.next(t)
			e.master.send(e.agent.Self(), mesos.KillTaskMessageName, mesos.KillTaskMessage{FrameworkID: *fw.ID, TaskID: mesos.TaskID{Value: "nope"}})
			u := e.master.next(t)
			if got := describe(u); got != tc.want || u.Status.TaskID.Value != "nope" {
				t.Errorf("update for killing an unknown task = %s %s, want nope %s", u.Status.TaskID.Value, got, tc.want)
			}
		})
	}
}

func TestShutdownFramework(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	e.runTask(fw, commandTask("t1", "sleep 60"))
	e.runTask(fw, commandTask("t2", "sleep 60"))
	waitTaskState(t, e, "t1", mesos.TaskRunning)
	waitTaskState(t, e, "t2", mesos.TaskRunning)
	e.master.send(e.agent.Self(), mesos.ShutdownFrameworkMessageName, mesos.ShutdownFrameworkMessage{FrameworkID: *fw.ID})
	e.rt.Settle()
	// The shutdown grace (5 s less 2 s) is on the agent's clock; sleep dies at SIGTERM.
	waitCompleted(t, e, "fw1")
	for _, u := range e.master.allUpdates() {
		if u.Status.State.IsTerminal() {
			t.Errorf("update %s for a framework being shut down, want none", describe(u))
		}
	}
	var state struct {
		CompletedFrameworks []FrameworkJSON `json:"completed_frameworks"`
	}
	_, body := e.get(t, "/"+e.agent.Self().ID+"/state")
	decode(t, body, &state)
	if len(state.CompletedFrameworks) != 1 || len(state.CompletedFrameworks[0].CompletedExecutors) != 2 {
		t.Fatalf("completed frameworks = %+v, want fw1 with 2 completed executors", state.CompletedFrameworks)
	}
	for _, ex := range state.CompletedFrameworks[0].CompletedExecutors {
		if len(ex.CompletedTasks) != 1 || ex.CompletedTasks[0].State != mesos.TaskRunning {
			t.Errorf("completed executor %s tasks = %+v, want its task as last reported (TASK_RUNNING)", ex.ID, ex.CompletedTasks)
		}
	}
}

func TestShutdownMessageTerminatesAgent(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	e.runTask(testFramework("fw1"), commandTask("t1", "sleep 60"))
	waitTaskState(t, e, "t1", mesos.TaskRunning)
	e.master.send(e.agent.Self(), mesos.ShutdownMessageName, mesos.ShutdownMessage{Message: "gone"})
	select {
	case <-e.agent.Done():
	case <-time.After(waitFor):
		t.Fatal("agent still running after ShutdownMessage")
	}
}

func TestStopKillsTasksAndUnregisters(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	e.runTask(testFramework("fw1"), commandTask("t1", "sleep 60"))
	waitTaskState(t, e, "t1", mesos.TaskRunning)
	e.rt.Clock().Resume()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := e.agent.Stop(ctx, true); err != nil {
		t.Fatalf("Stop = %v", err)
	}
	e.master.mu.Lock()
	n := e.master.unregistered
	e.master.mu.Unlock()
	if n != 1 {
		t.Errorf("UnregisterSlaveMessages = %d, want 1", n)
	}
}

func TestStopWithoutKillTasks(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	// Only a framework that does not checkpoint: its task is killed, and the agent
	// terminates without unregistering.
	e.runTask(testFramework("fw1"), commandTask("t1", "sleep 60"))
	waitTaskState(t, e, "t1", mesos.TaskRunning)
	e.rt.Clock().Resume()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := e.agent.Stop(ctx, false); err != nil {
		t.Fatalf("Stop = %v", err)
	}
	e.master.mu.Lock()
	n := e.master.unregistered
	e.master.mu.Unlock()
	if n != 0 {
		t.Errorf("UnregisterSlaveMessages = %d, want 0", n)
	}
	if !e.events.has("executor.terminated", "mesos.executor_id", "t1") {
		t.Error("the task of a non-checkpointing framework survived Stop(killTasks=false)")
	}
}

func TestShutdownExecutorMessage(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	e.runTask(fw, commandTask("t1", "sleep 60"))
	waitTaskState(t, e, "t1", mesos.TaskRunning)
	e.master.send(e.agent.Self(), mesos.ShutdownExecutorMessageName, mesos.ShutdownExecutorMessage{
		FrameworkID: fw.ID, ExecutorID: &mesos.ExecutorID{Value: "t1"},
	})
	waitTaskState(t, e, "t1", mesos.TaskKilled)
	waitCompleted(t, e, "fw1")
}

func TestStopForcesKillWhenOutOfTime(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	ready := readyFIFO(t)
	e.runTask(testFramework("fw1"), commandTask("t1", "trap '' TERM; echo ok > "+ready.Name()+"; sleep 60"))
	waitTaskState(t, e, "t1", mesos.TaskRunning)
	waitReady(t, ready)
	snap, err := e.agent.Snapshot(context.Background())
	if err != nil || snap.State != StateRunning || snap.AgentID != "S0" || len(snap.Tasks) != 1 || snap.Tasks[0].State != mesos.TaskRunning {
		t.Fatalf("Snapshot = %+v, %v; want RUNNING S0 with t1 running", snap, err)
	}
	// The clock stays paused: the kill's escalation never comes, the context ends
	// first and Stop destroys the container.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := e.agent.Stop(ctx, true); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Stop = %v, want context.DeadlineExceeded", err)
	}
	if !e.events.has("executor.terminated", "mesos.executor_id", "t1") {
		t.Error("the container survived a forced Stop")
	}
}
