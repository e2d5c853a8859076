package agent

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// FuzzReadState writes arbitrary contents into the checkpoint files of one agent,
// framework, executor and task and recovers them: recovery never panics, a strict
// failure wraps ErrRecovery, task.updates is left holding only complete records (a
// second read finds the same updates and, once task.info was read, no partial one),
// and the recovered updates replay into a status update stream.
func FuzzReadState(f *testing.F) {
	u := mesos.StatusUpdate{FrameworkID: mesos.FrameworkID{Value: "fw"},
		Status: mesos.TaskStatus{TaskID: mesos.TaskID{Value: "t1"}, State: mesos.TaskRunning},
		UUID:   []byte("0123456789abcdef")}
	var updates bytes.Buffer
	WriteRecord(&updates, UpdateRecord{Type: RecordUpdate, Update: &u})
	WriteRecord(&updates, UpdateRecord{Type: RecordAck, UUID: u.UUID})
	info, _ := mesos.Marshal(mesos.AgentInfo{Hostname: "h", ID: &mesos.AgentID{Value: "S0"}})
	fw, _ := mesos.Marshal(checkpointing("fw"))
	ex, _ := mesos.Marshal(mesos.ExecutorInfo{ExecutorID: mesos.ExecutorID{Value: "t1"}, Name: "Command Executor (Task: t1)"})
	task, _ := mesos.Marshal(createTask(commandTask("t1", "true"), mesos.TaskStaging, "fw", "t1"))
	group, _ := mesos.Marshal(mesos.TaskGroupInfo{Tasks: []mesos.TaskInfo{commandTask("t1", "true")}})
	f.Add(info, fw, []byte(emptyUPID), ex, []byte("1"), task, group, updates.Bytes(), []byte("42"), true)
	f.Add(info, fw, []byte(""), ex, []byte("x"), task, []byte("{"), updates.Bytes()[:7], []byte(""), false)
	f.Add([]byte("{"), fw, []byte("p"), []byte("null"), []byte("0"), []byte("[]"), []byte{}, []byte{0xff, 0xff, 0xff, 0xff}, []byte("-1"), true)
	f.Fuzz(func(t *testing.T, slaveInfo, frameworkInfo, frameworkPID, executorInfo, generated, taskInfo, taskGroup, taskUpdates, forkedPID []byte, strict bool) {
		meta := t.TempDir()
		agent := agentPath(meta, "S0")
		fwDir := frameworkPath(meta, "S0", "fw")
		exDir := executorPath(meta, "S0", "fw", "t1")
		run := executorRunPath(meta, "S0", "fw", "t1", "c1")
		tdir := taskPath(meta, "S0", "fw", "t1", "c1", "t1")
		for _, d := range []string{filepath.Join(run, pidsDir), tdir} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink(agent, latestAgentPath(meta)); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(run, executorLatestRunPath(meta, "S0", "fw", "t1")); err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{
			filepath.Join(agent, slaveInfoFile):               slaveInfo,
			filepath.Join(fwDir, frameworkInfoFile):           frameworkInfo,
			filepath.Join(fwDir, frameworkPIDFile):            frameworkPID,
			filepath.Join(exDir, executorInfoFile):            executorInfo,
			filepath.Join(exDir, generatedForCommandTaskFile): generated,
			filepath.Join(tdir, taskInfoFile):                 taskInfo,
			filepath.Join(tdir, taskGroupFile):                taskGroup,
			filepath.Join(tdir, updatesFile):                  taskUpdates,
			filepath.Join(run, pidsDir, forkedPIDFile):        forkedPID,
		}
		for p, b := range files {
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		log := slog.New(slog.DiscardHandler)
		st, err := readState(meta, strict, "", log)
		if err != nil {
			if strict && !errors.Is(err, ErrRecovery) {
				t.Fatalf("readState(strict) = %v, want an error wrapping ErrRecovery", err)
			}
			return
		}
		ts := findTask(st)
		if ts == nil {
			return
		}
		// The truncation left complete records only: reading again is stable.
		again, err := readState(meta, strict, "", log)
		if err != nil {
			t.Fatalf("second readState() = %v after a first one succeeded", err)
		}
		if ts2 := findTask(again); ts2 == nil || len(ts2.updates) != len(ts.updates) || len(ts2.acks) != len(ts.acks) {
			t.Fatalf("second read found other updates than the first")
		}
		b, _ := os.ReadFile(filepath.Join(tdir, updatesFile))
		if _, err := ReadRecords(bytes.NewReader(b)); ts.info != nil && err != nil && errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("task.updates still ends with a partial record after recovery: %v", err)
		}
		m := NewUpdateManager(time.Second, time.Minute)
		_, _ = m.Recover(StreamKey{FrameworkID: "fw", TaskID: "t1"}, ts.updates, ts.acks, func() (io.WriteCloser, error) { return nopWriteCloser{}, nil })
		m.Close()
	})
}

// findTask returns the task t1 of the fuzzed tree, if it was read that far.
func findTask(st recoveredState) *checkpointedTask {
	if st.agent == nil {
		return nil
	}
	fw := st.agent.frameworks["fw"]
	if fw == nil {
		return nil
	}
	ex := fw.executors["t1"]
	if ex == nil {
		return nil
	}
	run := ex.runs["c1"]
	if run == nil {
		return nil
	}
	return run.tasks["t1"]
}

type nopWriteCloser struct{}

func (nopWriteCloser) Write(p []byte) (int, error) { return len(p), nil }
func (nopWriteCloser) Close() error                { return nil }
