package agent

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// update builds a status update with a one-byte-distinct UUID.
func update(fw, task string, state mesos.TaskState, id byte) mesos.StatusUpdate {
	uuid := bytes.Repeat([]byte{id}, 16)
	return mesos.StatusUpdate{
		FrameworkID: mesos.FrameworkID{Value: fw},
		Status:      mesos.TaskStatus{TaskID: mesos.TaskID{Value: task}, State: state, UUID: uuid},
		UUID:        uuid,
	}
}

// fwdState renders a Forward as "STATE@interval" ("-" for none).
func fwdState(f Forward) string {
	if !f.Valid() {
		return "-"
	}
	return f.Update.Status.State.String() + "@" + f.Interval.String()
}

func TestUpdateManagerStream(t *testing.T) {
	m := NewUpdateManager(10*time.Second, 10*time.Minute)
	var log []string
	step := func(what string) func(Forward, error) Forward {
		return func(f Forward, err error) Forward {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			log = append(log, what+" "+fwdState(f))
			return f
		}
	}
	starting, running, finished := update("fw", "t", mesos.TaskStarting, 1), update("fw", "t", mesos.TaskRunning, 2), update("fw", "t", mesos.TaskFinished, 3)

	f1 := step("update STARTING")(m.Update(starting, nil))
	step("duplicate STARTING")(m.Update(starting, nil))
	step("update RUNNING")(m.Update(running, nil))
	step("update FINISHED")(m.Update(finished, nil))
	// The head is retried with a doubling interval, capped at the maximum.
	f := f1
	for range 8 {
		f = step("timeout")(m.Timeout(f.Key, f.Seq), nil)
	}
	step("stale timeout")(m.Timeout(f1.Key, f1.Seq), nil)
	// The wrong UUID is refused; the right one lets the next update go.
	if _, _, err := m.Acknowledge("fw", "t", running.UUID); !errors.Is(err, ErrDuplicateAck) {
		t.Errorf("Acknowledge(wrong uuid) = %v, want ErrDuplicateAck", err)
	}
	term, next, err := m.Acknowledge("fw", "t", starting.UUID)
	step("ack STARTING")(next, err)
	if term {
		t.Errorf("Acknowledge(STARTING) terminated the stream")
	}
	if _, _, err := m.Acknowledge("fw", "t", starting.UUID); !errors.Is(err, ErrDuplicateAck) {
		t.Errorf("duplicate Acknowledge = %v, want ErrDuplicateAck", err)
	}
	step("update STARTING after its ack")(m.Update(starting, nil))
	_, next, err = m.Acknowledge("fw", "t", running.UUID)
	step("ack RUNNING")(next, err)
	term, next, err = m.Acknowledge("fw", "t", finished.UUID)
	step("ack FINISHED")(next, err)
	if !term || m.Len() != 0 {
		t.Errorf("after the terminal ack: terminated %v, streams %d, want true, 0", term, m.Len())
	}
	if _, _, err := m.Acknowledge("fw", "t", finished.UUID); !errors.Is(err, ErrUnknownStream) {
		t.Errorf("Acknowledge after cleanup = %v, want ErrUnknownStream", err)
	}
	want := []string{
		"update STARTING TASK_STARTING@10s",
		"duplicate STARTING -",
		"update RUNNING -",
		"update FINISHED -",
		"timeout TASK_STARTING@20s",
		"timeout TASK_STARTING@40s",
		"timeout TASK_STARTING@1m20s",
		"timeout TASK_STARTING@2m40s",
		"timeout TASK_STARTING@5m20s",
		"timeout TASK_STARTING@10m0s",
		"timeout TASK_STARTING@10m0s",
		"timeout TASK_STARTING@10m0s",
		"stale timeout -",
		"ack STARTING TASK_RUNNING@10s",
		"update STARTING after its ack -",
		"ack RUNNING TASK_FINISHED@10s",
		"ack FINISHED -",
	}
	if diff := cmp.Diff(want, log); diff != "" {
		t.Errorf("stream (-want +got):\n%s", diff)
	}
}

func TestUpdateManagerPauseResume(t *testing.T) {
	m := NewUpdateManager(time.Second, time.Minute)
	m.Pause()
	for i, task := range []string{"b", "a"} {
		if f, err := m.Update(update("fw", task, mesos.TaskRunning, byte(i+1)), nil); f.Valid() || err != nil {
			t.Errorf("Update while paused = %v, %v, want nothing forwarded", f, err)
		}
	}
	f, err := m.Update(update("fw", "a", mesos.TaskFinished, 9), nil)
	if f.Valid() || err != nil {
		t.Fatalf("second Update while paused = %v, %v", f, err)
	}
	resumed := m.Resume()
	var got []string
	for _, f := range resumed {
		got = append(got, f.Key.TaskID+" "+fwdState(f))
		if next := m.Timeout(f.Key, f.Seq); !next.Valid() || next.Interval != 2*time.Second {
			t.Errorf("Timeout after Resume = %v, want a retry at 2s", next)
		}
	}
	if diff := cmp.Diff([]string{"a TASK_RUNNING@1s", "b TASK_RUNNING@1s"}, got); diff != "" {
		t.Errorf("Resume (-want +got):\n%s", diff)
	}
	m.Pause()
	if f := m.Timeout(resumed[0].Key, resumed[0].Seq+1); f.Valid() {
		t.Errorf("Timeout while paused = %v, want nil", f)
	}
	m.Cleanup("fw")
	if m.Len() != 0 {
		t.Errorf("streams after Cleanup = %d, want 0", m.Len())
	}
}

// memFile is an in-memory task.updates file.
type memFile struct {
	bytes.Buffer
	closed bool
	fail   bool
}

func (f *memFile) Write(p []byte) (int, error) {
	if f.fail {
		return 0, errors.New("disk full")
	}
	return f.Buffer.Write(p)
}
func (f *memFile) Close() error { f.closed = true; return nil }

func TestUpdateManagerCheckpoints(t *testing.T) {
	m := NewUpdateManager(time.Second, time.Minute)
	file := &memFile{}
	opens := 0
	open := func() (io.WriteCloser, error) { opens++; return file, nil }
	running, finished := update("fw", "t", mesos.TaskRunning, 1), update("fw", "t", mesos.TaskFinished, 2)
	for _, u := range []mesos.StatusUpdate{running, running, finished} {
		if _, err := m.Update(u, open); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Update(update("fw", "t", mesos.TaskKilled, 7), nil); err == nil {
		t.Errorf("Update without checkpointing on a checkpointing stream succeeded, want a mismatch error")
	}
	for _, u := range []mesos.StatusUpdate{running, finished} {
		if _, _, err := m.Acknowledge("fw", "t", u.UUID); err != nil {
			t.Fatal(err)
		}
	}
	if opens != 1 || !file.closed {
		t.Errorf("checkpoint file opened %d times, closed %v; want once and closed", opens, file.closed)
	}
	recs, err := ReadRecords(&file.Buffer)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		s := r.Type.String()
		if r.Update != nil {
			s += " " + r.Update.Status.State.String()
		} else {
			s += " " + uuidString(r.UUID)
		}
		got = append(got, s)
	}
	want := []string{
		"UPDATE TASK_RUNNING", "UPDATE TASK_FINISHED",
		"ACK " + uuidString(running.UUID), "ACK " + uuidString(finished.UUID),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}

	// A failed write poisons the stream, as in Mesos.
	bad := &memFile{fail: true}
	if _, err := m.Update(update("fw", "u", mesos.TaskRunning, 3), func() (io.WriteCloser, error) { return bad, nil }); err == nil {
		t.Fatal("Update with a failing checkpoint succeeded")
	}
	if _, err := m.Update(update("fw", "u", mesos.TaskFinished, 4), func() (io.WriteCloser, error) { return bad, nil }); err == nil {
		t.Error("Update on a poisoned stream succeeded")
	}
	if _, err := m.Update(update("fw", "v", mesos.TaskRunning, 5), func() (io.WriteCloser, error) { return nil, errors.New("no dir") }); err == nil {
		t.Error("Update whose checkpoint cannot be opened succeeded")
	}
	if _, err := m.Update(mesos.StatusUpdate{FrameworkID: mesos.FrameworkID{Value: "fw"}}, nil); err == nil {
		t.Error("Update without a UUID succeeded")
	}
}
