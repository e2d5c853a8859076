package agent

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// nextAcked waits for the next update and acknowledges it.
func (e *testEnv) nextAcked(t *testing.T) mesos.StatusUpdate {
	t.Helper()
	u := e.master.next(t)
	e.ack(u)
	return u
}

func TestCommandTaskLifecycle(t *testing.T) {
	tests := []struct {
		name string
		cmd  string
		want []string
	}{
		{"true", "/bin/true", []string{
			"TASK_STARTING SOURCE_EXECUTOR",
			"TASK_RUNNING SOURCE_EXECUTOR",
			"TASK_FINISHED SOURCE_EXECUTOR Command exited with status 0",
		}},
		{"false", "/bin/false", []string{
			"TASK_STARTING SOURCE_EXECUTOR",
			"TASK_RUNNING SOURCE_EXECUTOR",
			"TASK_FAILED SOURCE_EXECUTOR Command exited with status 1",
		}},
		{"signal", "kill -SEGV $$", []string{
			"TASK_STARTING SOURCE_EXECUTOR",
			"TASK_RUNNING SOURCE_EXECUTOR",
			"TASK_FAILED SOURCE_EXECUTOR Command terminated with signal Segmentation fault",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.registerAgent(t)
			e.runTask(testFramework("fw1"), commandTask("t1", tc.cmd))
			var got []string
			for range tc.want {
				got = append(got, describe(e.nextAcked(t)))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("updates of %q (-want +got):\n%s", tc.cmd, diff)
			}
			waitCompleted(t, e, "fw1")
			wantEvents := []string{"t1:TASK_STARTING", "t1:TASK_RUNNING", "t1:" + strings.Fields(tc.want[2])[0]}
			if diff := cmp.Diff(wantEvents, e.events.taskStates()); diff != "" {
				t.Errorf("task.state events (-want +got):\n%s", diff)
			}
		})
	}
}

// waitCompleted waits until framework fw has completed on the agent (its last
// terminal update acknowledged, its executors and itself removed).
func waitCompleted(t *testing.T, e *testEnv, fw string) {
	t.Helper()
	e.events.until(t, "framework "+fw+" completed", func() bool {
		e.rt.Settle()
		done := false
		select {
		case <-e.agent.Done():
			return true
		default:
		}
		e.onAgent(t, func(a *Agent) { done = a.frameworks[fw] == nil })
		return done
	})
}

func TestUpdatesWaitForAcknowledgements(t *testing.T) {
	e := newEnv(t)
	e.registerAgent(t)
	e.runTask(testFramework("fw1"), commandTask("t1", "/bin/true"))
	starting := e.master.next(t)
	if starting.Status.State != mesos.TaskStarting {
		t.Fatalf("first update = %s, want TASK_STARTING", describe(starting))
	}
	// Without an acknowledgement nothing else is forwarded, however the task runs;
	// the latest state shows how far it got.
	waitTaskState(t, e, "t1", mesos.TaskFinished)
	e.master.none(t)
	e.ack(starting)
	running := e.master.next(t)
	if running.Status.State != mesos.TaskRunning || running.LatestState == nil || *running.LatestState != mesos.TaskFinished {
		t.Fatalf("second update = %s latest %v, want TASK_RUNNING with latest_state TASK_FINISHED", describe(running), running.LatestState)
	}
	if cs := running.Status.ContainerStatus; cs == nil || cs.ContainerID == nil || len(cs.NetworkInfos) != 1 ||
		cs.NetworkInfos[0].IPAddresses[0].IPAddress != "127.0.0.1" {
		t.Errorf("TASK_RUNNING container_status = %+v, want the container ID and the agent's IP", cs)
	}
	// A wrong UUID is ignored: the stream still waits for the right one.
	bad := running
	bad.UUID = []byte("0123456789abcdef")
	e.ack(bad)
	e.rt.Settle()
	e.master.none(t)
	e.ack(running)
	finished := e.master.next(t)
	if finished.Status.State != mesos.TaskFinished {
		t.Fatalf("third update = %s, want TASK_FINISHED", describe(finished))
	}
	e.ack(finished)
	waitCompleted(t, e, "fw1")
}

// waitTaskState waits until the agent has generated an update of a task to state s.
func waitTaskState(t *testing.T, e *testEnv, task string, s mesos.TaskState) {
	t.Helper()
	e.events.until(t, task+" in "+s.String(), func() bool {
		return e.events.has("task.state", "mesos.task_id", task, "mesos.task_state", s.String())
	})
	e.rt.Settle()
}

func TestStatusUpdateRetries(t *testing.T) {
	e := newEnv(t, func(c *Config, _ *fakeMaster) {
		c.StatusUpdateRetryMin = time.Second
		c.StatusUpdateRetryMax = 4 * time.Second
	})
	e.registerAgent(t)
	e.runTask(testFramework("fw1"), commandTask("t1", "sleep 60"))
	first := e.master.next(t)
	// Retries at 1 s, then 2 s, 4 s, 4 s (capped) after each other.
	var gaps []time.Duration
	last := e.rt.Clock().Now()
	for range 4 {
		var u mesos.StatusUpdate
		for got := false; !got; {
			e.rt.Clock().Advance(250 * time.Millisecond)
			e.rt.Settle()
			select {
			case u = <-e.master.updateCh:
				got = true
			default:
			}
		}
		if string(u.UUID) != string(first.UUID) {
			t.Fatalf("retried update = %s, want the unacknowledged TASK_STARTING", describe(u))
		}
		now := e.rt.Clock().Now()
		gaps = append(gaps, now.Sub(last))
		last = now
	}
	// The clock moves in 250 ms steps, so each retry is seen at most one
	// step after it is due (the first one's timer may start between steps,
	// when the launch completes).
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second}
	for i := range want {
		if gaps[i] < want[i] || gaps[i] > want[i]+250*time.Millisecond {
			t.Errorf("retry intervals = %v, want %v (each within one 250ms step)", gaps, want)
			break
		}
	}
	e.ack(first)
	if u := e.master.next(t); u.Status.State != mesos.TaskRunning {
		t.Errorf("update after the acknowledgement = %s, want TASK_RUNNING", describe(u))
	}
}

func TestLaunchFailure(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	task := commandTask("t1", "")
	f := false
	v := "/bin/tr\x00ue" // not a command a container can run
	task.Command = &mesos.CommandInfo{Shell: &f, Value: &v}
	e.runTask(testFramework("fw1"), task)
	if u := e.master.next(t); u.Status.State != mesos.TaskStarting {
		t.Fatalf("first update = %s, want TASK_STARTING", describe(u))
	}
	u := e.master.next(t)
	if u.Status.State != mesos.TaskFailed || u.Status.Reason == nil || *u.Status.Reason != mesos.ReasonContainerLaunchFailed ||
		!strings.HasPrefix(u.Status.Message, "Failed to launch container: ") {
		t.Errorf("update after a failed launch = %s, want TASK_FAILED REASON_CONTAINER_LAUNCH_FAILED", describe(u))
	}
	waitCompleted(t, e, "fw1")
	if got := e.rt.Metrics().Snapshot(time.Second)["slave/container_launch_errors"]; got != 1 {
		t.Errorf("slave/container_launch_errors = %v, want 1", got)
	}
}

func TestMemoryLimitation(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	// tail keeps the newline-free stream in memory: far beyond 32+32 MB.
	e.runTask(testFramework("fw1"), commandTask("t1", "head -c 400000000 /dev/zero | tail"))
	var last mesos.StatusUpdate
	for last.Status.State != mesos.TaskFailed {
		last = e.master.next(t)
	}
	if last.Status.Reason == nil || *last.Status.Reason != mesos.ReasonContainerLimitationMemory || *last.Status.Source != mesos.SourceAgent {
		t.Errorf("terminal update = %s, want TASK_FAILED SOURCE_AGENT REASON_CONTAINER_LIMITATION_MEMORY", describe(last))
	}
	waitCompleted(t, e, "fw1")
}

func TestCheckpointedUpdates(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	fw.Checkpoint = true
	e.runTask(fw, commandTask("t1", "/bin/true"))
	var cid string
	for {
		u := e.master.next(t)
		if u.Status.ContainerStatus != nil && u.Status.ContainerStatus.ContainerID != nil {
			cid = u.Status.ContainerStatus.ContainerID.Value
		}
		if u.Status.State == mesos.TaskFinished {
			break
		}
	}
	waitCompleted(t, e, "fw1")
	path := taskUpdatesPath(e.work, "S0", "fw1", "t1", cid, "t1")
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("checkpoint: %v", err)
	}
	defer f.Close()
	recs, err := ReadRecords(f)
	if err != nil {
		t.Fatalf("ReadRecords(%s) = %v", path, err)
	}
	var got []string
	for _, r := range recs {
		s := r.Type.String()
		if r.Update != nil {
			s += " " + r.Update.Status.State.String()
		}
		got = append(got, s)
	}
	want := []string{"UPDATE TASK_STARTING", "ACK", "UPDATE TASK_RUNNING", "ACK", "UPDATE TASK_FINISHED", "ACK"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("task.updates records (-want +got):\n%s", diff)
	}
}

func TestSecondTaskForCommandExecutorFails(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	exec := mesos.ExecutorInfo{ExecutorID: mesos.ExecutorID{Value: "ex"}, Type: mesos.ExecutorCustom, Command: mesos.ShellCommand("sleep 60")}
	t1 := commandTask("t1", "")
	t1.Command, t1.Executor = nil, &exec
	t2 := t1
	t2.TaskID = mesos.TaskID{Value: "t2"}
	e.runTask(fw, t1)
	waitTaskState(t, e, "t1", mesos.TaskRunning)
	e.runTask(fw, t2)
	for {
		u := e.master.next(t)
		if u.Status.TaskID.Value == "t2" {
			if got, want := describe(u), `TASK_FAILED SOURCE_EXECUTOR Attempted to run multiple tasks using a "command" executor`; got != want {
				t.Errorf("t2 update = %s, want %s", got, want)
			}
			break
		}
	}
}

func TestAppendBounded(t *testing.T) {
	var s []int
	for i := range 7 {
		s = appendBounded(s, i, 3)
	}
	if diff := cmp.Diff([]int{4, 5, 6}, s); diff != "" {
		t.Errorf("appendBounded (-want +got):\n%s", diff)
	}
}
