package agent

import (
	"encoding/binary"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// BenchmarkReadState measures reading an agent's checkpoints at recovery
// (state::recover): one op reads a meta directory holding N command executors of one
// framework, each with its task.info and a task.updates of STARTING and RUNNING, both
// acknowledged.
func BenchmarkReadState(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run("tasks="+strconv.Itoa(n), func(b *testing.B) {
			meta := b.TempDir()
			writeBenchState(b, meta, n)
			log := slog.New(slog.DiscardHandler)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				st, err := readState(meta, true, "", log)
				if err != nil || len(st.agent.frameworks["fw"].executors) != n {
					b.Fatalf("readState() = %v", err)
				}
			}
		})
	}
}

// writeBenchState writes the checkpoints of n running command tasks.
func writeBenchState(b *testing.B, meta string, n int) {
	b.Helper()
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	agent := agentPath(meta, "S0")
	must(os.MkdirAll(agent, 0o755))
	must(os.Symlink(agent, latestAgentPath(meta)))
	must(checkpointMessage(agentInfoPath(meta, "S0"), mesos.AgentInfo{Hostname: "h", ID: &mesos.AgentID{Value: "S0"}}, false))
	fw := frameworkPath(meta, "S0", "fw")
	must(checkpointMessage(filepath.Join(fw, frameworkInfoFile), checkpointing("fw"), false))
	must(checkpointFile(filepath.Join(fw, frameworkPIDFile), []byte(emptyUPID), false))
	var seq uint64
	for i := range n {
		id := "task-" + strconv.Itoa(i)
		cid := "c-" + strconv.Itoa(i)
		task := commandTask(id, "sleep 1000")
		exec := commandExecutorInfo(checkpointing("fw"), task)
		must(checkpointMessage(filepath.Join(executorPath(meta, "S0", "fw", id), executorInfoFile), exec, false))
		must(checkpointFile(filepath.Join(executorPath(meta, "S0", "fw", id), generatedForCommandTaskFile), []byte("1"), false))
		run := executorRunPath(meta, "S0", "fw", id, cid)
		must(os.MkdirAll(filepath.Join(run, pidsDir), 0o755))
		must(os.Symlink(run, executorLatestRunPath(meta, "S0", "fw", id)))
		must(checkpointFile(filepath.Join(run, pidsDir, forkedPIDFile), []byte("1"), false))
		dir := taskPath(meta, "S0", "fw", id, cid, id)
		must(checkpointMessage(filepath.Join(dir, taskInfoFile), createTask(task, mesos.TaskStaging, "fw", id), false))
		f, err := os.Create(filepath.Join(dir, updatesFile))
		must(err)
		for _, s := range []mesos.TaskState{mesos.TaskStarting, mesos.TaskRunning} {
			seq++
			uuid := make([]byte, 16)
			binary.LittleEndian.PutUint64(uuid, seq)
			u := mesos.StatusUpdate{FrameworkID: mesos.FrameworkID{Value: "fw"}, UUID: uuid,
				Status: mesos.TaskStatus{TaskID: mesos.TaskID{Value: id}, State: s, UUID: uuid}}
			must(WriteRecord(f, UpdateRecord{Type: RecordUpdate, Update: &u}))
			must(WriteRecord(f, UpdateRecord{Type: RecordAck, UUID: uuid}))
		}
		must(f.Close())
	}
}
