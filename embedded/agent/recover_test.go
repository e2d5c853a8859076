package agent

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/containerizer/shimtest"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// recoveryEnv is a testEnv whose agent can crash and be replaced by a new agent on
// the same work_dir, as a killed and restarted mesos-agent is.
type recoveryEnv struct {
	*testEnv
	t        *testing.T
	cfg      Config
	restarts int
}

// newRecoveryEnv starts a runtime on a paused clock, a fake master that acknowledges
// nothing (tests acknowledge), and an agent that registers as S0.
func newRecoveryEnv(t *testing.T, opts ...envOption) *recoveryEnv {
	t.Helper()
	// The recovery tests' agent has no attributes.
	opts = append([]envOption{func(c *Config, _ *fakeMaster) { c.Attributes = "" }}, opts...)
	env, cfg := newWorld(t, opts...)
	e := &recoveryEnv{testEnv: env, t: t, cfg: cfg}
	e.start(cfg)
	e.registerAgent(t)
	return e
}

// start creates an agent with cfg and registers its cleanup (a stop that kills its
// tasks, which waits only if the agent has not crashed already).
func (e *recoveryEnv) start(cfg Config) *Agent {
	e.t.Helper()
	a, err := New(e.rt, cfg)
	if err != nil {
		e.t.Fatalf("New() = %v", err)
	}
	e.agent = a
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		e.rt.Clock().Resume()
		a.Stop(ctx, true)
	})
	e.rt.Settle()
	return a
}

// crash crashes the agent (as SIGKILL would) and waits until it is gone.
func (e *recoveryEnv) crash() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := e.agent.Crash(ctx); err != nil {
		e.t.Fatal(err)
	}
}

// restart crashes the agent and starts a new one on its work_dir and PID (with a
// seed of its own), changed by mutate; it returns New's error.
func (e *recoveryEnv) restart(mutate func(*Config)) (*Agent, error) {
	e.t.Helper()
	e.crash()
	return e.startAgain(mutate)
}

// startAgain starts a new agent on the crashed agent's work_dir and PID.
func (e *recoveryEnv) startAgain(mutate func(*Config)) (*Agent, error) {
	e.t.Helper()
	cfg := e.cfg
	cfg.ID = e.agent.Self().ID
	cfg.Seed = e.cfg.Seed + 100 + uint64(e.restarts)
	if mutate != nil {
		mutate(&cfg)
	}
	a, err := New(e.rt, cfg)
	if err != nil {
		return nil, err
	}
	e.restarts++
	e.agent = a
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		e.rt.Clock().Resume()
		a.Stop(ctx, true)
	})
	e.rt.Settle()
	return a, nil
}

// recovered waits for the "agent.recovered" event of the latest agent (recovery
// runs partly on the containerizer's goroutines).
func (e *recoveryEnv) recovered() {
	e.t.Helper()
	n := e.restarts + 1
	e.events.until(e.t, "agent recovered", func() bool { return e.events.count("agent.recovered") >= n })
	e.rt.Settle()
}

// reregister advances the clock until the recovered agent has re-registered.
func (e *recoveryEnv) reregister(n int) mesos.ReregisterSlaveMessage {
	e.t.Helper()
	for i := 0; i < 100 && len(e.master.reregistrations()) < n; i++ {
		e.rt.Clock().Advance(100 * time.Millisecond)
		e.rt.Settle()
	}
	rs := e.master.reregistrations()
	if len(rs) < n {
		e.t.Fatalf("agent did not re-register: %d reregistrations, want %d", len(rs), n)
	}
	if got := e.agentState(e.t); got != StateRunning {
		e.t.Fatalf("agent state after re-registration = %v, want RUNNING", got)
	}
	return rs[n-1]
}

// count returns the number of events of type typ.
func (l *eventLog) count(typ string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, ev := range l.events {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

// checkpointing is a checkpointing framework.
func checkpointing(id string, caps ...mesos.FrameworkCapabilityType) mesos.FrameworkInfo {
	fw := testFramework(id, caps...)
	fw.Checkpoint = true
	return fw
}

// gated returns a shell command that waits for the file gate, then exits with code.
func gated(gate string, code int) string {
	return "while [ ! -e " + gate + " ]; do sleep 0.02; done; exit " + strconv.Itoa(code)
}

// openGate creates the file a gated task waits for.
func openGate(t *testing.T, gate string) {
	t.Helper()
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

// states renders updates as "task:STATE".
func states(us []mesos.StatusUpdate) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Status.TaskID.Value + ":" + u.Status.State.String()
	}
	return out
}

// nextAcked waits for the next update at the master and acknowledges it.
func (e *recoveryEnv) nextAcked(t *testing.T) mesos.StatusUpdate {
	t.Helper()
	u := e.master.next(t)
	e.ack(u)
	e.rt.Settle()
	return u
}

// runningTask launches a gated command task of a checkpointing framework and waits
// until TASK_STARTING and TASK_RUNNING are acknowledged.
func (e *recoveryEnv) runningTask(t *testing.T, fw mesos.FrameworkInfo, id, gate string, code int) {
	t.Helper()
	e.runTask(fw, commandTask(id, gated(gate, code)))
	var got []string
	for range 2 {
		got = append(got, states([]mesos.StatusUpdate{e.nextAcked(t)})...)
	}
	if want := []string{id + ":TASK_STARTING", id + ":TASK_RUNNING"}; !slices.Equal(got, want) {
		t.Fatalf("updates before the crash = %v, want %v", got, want)
	}
}

// waitExited waits until a container's task has exited: its shim recorded the exit
// status in the containerizer's runtime directory, or the container was destroyed
// (the directory is gone).
func waitExited(t *testing.T, work, containerID string) {
	t.Helper()
	dir := filepath.Join(work, "run", "containers", containerID)
	deadline := time.Now().Add(waitFor)
	for {
		b, err := os.ReadFile(filepath.Join(dir, "status"))
		if err == nil && len(b) > 0 {
			return
		}
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s: no exit status within %v", containerID, waitFor)
		}
		time.Sleep(5 * time.Millisecond) // a real process exiting: nothing to synchronize on
	}
}

// containerOf returns the container of an executor of the agent.
func (e *recoveryEnv) containerOf(t *testing.T, fw, ex string) string {
	t.Helper()
	var cid string
	e.onAgent(t, func(a *Agent) {
		if x := a.executorOf(fw, ex); x != nil {
			cid = x.containerID
		}
	})
	if cid == "" {
		t.Fatalf("no executor %s of framework %s", ex, fw)
	}
	return cid
}

// A task that keeps running while the agent is down is recovered: the agent
// re-registers as the same agent with the task RUNNING, sends nothing new, and
// reports the task's true end once, with the same message as without a crash.
func TestRecoverRunningTask(t *testing.T) {
	e := newRecoveryEnv(t)
	fw := checkpointing("fw")
	gate := filepath.Join(t.TempDir(), "gate")
	e.runningTask(t, fw, "t1", gate, 0)
	cid := e.containerOf(t, "fw", "t1")

	if _, err := e.restart(nil); err != nil {
		t.Fatal(err)
	}
	e.recovered()
	rr := e.reregister(1)
	if rr.Slave.ID == nil || rr.Slave.ID.Value != "S0" {
		t.Errorf("ReregisterSlaveMessage.slave.id = %v, want S0", rr.Slave.ID)
	}
	var tasks []string
	for _, tk := range rr.Tasks {
		tasks = append(tasks, tk.TaskID.Value+":"+tk.State.String())
	}
	if want := []string{"t1:TASK_RUNNING"}; !slices.Equal(tasks, want) {
		t.Errorf("ReregisterSlaveMessage tasks = %v, want %v", tasks, want)
	}
	if len(rr.Frameworks) != 1 || rr.Frameworks[0].ID.Value != "fw" || !rr.Frameworks[0].Checkpoint {
		t.Errorf("ReregisterSlaveMessage frameworks = %+v, want fw (checkpointing)", rr.Frameworks)
	}
	e.master.none(t)
	if got := e.containerOf(t, "fw", "t1"); got != cid {
		t.Errorf("recovered container = %s, want %s", got, cid)
	}

	openGate(t, gate)
	u := e.nextAcked(t)
	if got, want := describe(u), "TASK_FINISHED SOURCE_EXECUTOR Command exited with status 0"; got != want {
		t.Errorf("update after recovery = %q, want %q", got, want)
	}
	e.events.until(t, "executor terminated", func() bool { return e.events.has("executor.terminated", "mesos.executor_id", "t1") })
	e.rt.Settle()
	e.master.none(t)
	e.onAgent(t, func(a *Agent) {
		if f := a.frameworks["fw"]; f != nil && f.executors["t1"] != nil {
			t.Errorf("executor t1 still live after its acknowledged terminal update")
		}
	})
}

// A task that exits while the agent is down reports its true exit status once the
// agent is back, worded as a live exit is.
func TestRecoverTaskExitedWhileDown(t *testing.T) {
	tests := []struct {
		code int
		want string
	}{
		{3, "TASK_FAILED SOURCE_EXECUTOR Command exited with status 3"},
		{0, "TASK_FINISHED SOURCE_EXECUTOR Command exited with status 0"},
	}
	for _, tt := range tests {
		t.Run("exit="+strconv.Itoa(tt.code), func(t *testing.T) {
			e := newRecoveryEnv(t)
			fw := checkpointing("fw")
			gate := filepath.Join(t.TempDir(), "gate")
			e.runningTask(t, fw, "t1", gate, tt.code)
			cid := e.containerOf(t, "fw", "t1")
			e.crash()
			openGate(t, gate)
			waitExited(t, e.work, cid)

			if _, err := e.startAgain(nil); err != nil {
				t.Fatal(err)
			}
			e.recovered()
			e.reregister(1)
			u := e.nextAcked(t)
			if got := describe(u); got != tt.want {
				t.Errorf("update after recovery = %q, want %q", got, tt.want)
			}
			e.events.until(t, "executor terminated", func() bool { return e.events.has("executor.terminated", "mesos.executor_id", "t1") })
			e.rt.Settle()
			e.master.none(t)
		})
	}
}

// Updates the framework has not acknowledged are checkpointed and, after the
// restart, resent in order, each once, head first and the next after the
// acknowledgement of the one before.
func TestRecoverReplaysUnacknowledgedUpdates(t *testing.T) {
	e := newRecoveryEnv(t)
	fw := checkpointing("fw")
	gate := filepath.Join(t.TempDir(), "gate")
	openGate(t, gate) // the task ends at once: STARTING, RUNNING, FINISHED
	e.runTask(fw, commandTask("t1", gated(gate, 0)))
	first := e.master.next(t) // TASK_STARTING, not acknowledged: the rest wait behind it
	cid := e.containerOf(t, "fw", "t1")
	e.events.until(t, "task finished", func() bool {
		return slices.Contains(e.events.taskStates(), "t1:TASK_FINISHED")
	})
	e.rt.Settle()
	e.master.none(t)

	if _, err := e.restart(nil); err != nil {
		t.Fatal(err)
	}
	e.recovered()
	e.reregister(1)
	var got []mesos.StatusUpdate
	for range 3 {
		got = append(got, e.nextAcked(t))
	}
	e.rt.Settle()
	e.master.none(t)
	if want := []string{"t1:TASK_STARTING", "t1:TASK_RUNNING", "t1:TASK_FINISHED"}; !slices.Equal(states(got), want) {
		t.Fatalf("updates after recovery = %v, want %v", states(got), want)
	}
	if string(got[0].UUID) != string(first.UUID) {
		t.Errorf("replayed TASK_STARTING has UUID %s, want the original %s", uuidString(got[0].UUID), uuidString(first.UUID))
	}
	seen := map[string]bool{}
	for _, u := range got {
		if seen[string(u.UUID)] {
			t.Errorf("UUID %s sent twice after recovery", uuidString(u.UUID))
		}
		seen[string(u.UUID)] = true
	}
	// The stream is complete: its task.updates has every update and acknowledgement.
	recs := readUpdates(t, taskUpdatesPath(e.work, "S0", "fw", "t1", cid, "t1"))
	var kinds []string
	for _, r := range recs {
		kinds = append(kinds, r.Type.String())
	}
	if want := []string{"UPDATE", "UPDATE", "UPDATE", "ACK", "ACK", "ACK"}; !slices.Equal(kinds, want) {
		t.Errorf("task.updates records = %v, want %v", kinds, want)
	}
}

func readUpdates(t *testing.T, path string) []UpdateRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := ReadRecords(f)
	if err != nil {
		t.Fatalf("ReadRecords(%s) = %v", path, err)
	}
	return recs
}

// Mesos's layout: meta/slaves/latest, slave.info, framework.info and framework.pid,
// executor.info, executor_generated_for_command_task, runs/latest, task.info,
// task.updates, the containerizer's forked.pid, boot_id; executor.sentinel once the
// executor is removed (here with every checkpoint fsynced).
func TestCheckpointLayout(t *testing.T) {
	e := newRecoveryEnv(t, func(c *Config, _ *fakeMaster) { c.CheckpointSync = true })
	gate := filepath.Join(t.TempDir(), "gate")
	e.runningTask(t, checkpointing("fw"), "t1", gate, 0)
	e.runningTask(t, testFramework("plain"), "t2", gate, 0) // does not checkpoint
	cid := e.containerOf(t, "fw", "t1")
	meta := filepath.Join(e.work, "meta")
	run := filepath.Join("slaves", "S0", "frameworks", "fw", "executors", "t1", "runs", cid)
	for _, p := range []string{
		"boot_id",
		"slaves/latest",
		"slaves/S0/slave.info",
		"slaves/S0/frameworks/fw/framework.info",
		"slaves/S0/frameworks/fw/framework.pid",
		"slaves/S0/frameworks/fw/executors/t1/executor.info",
		"slaves/S0/frameworks/fw/executors/t1/executor_generated_for_command_task",
		"slaves/S0/frameworks/fw/executors/t1/runs/latest",
		filepath.Join(run, "tasks/t1/task.info"),
		filepath.Join(run, "tasks/t1/task.updates"),
		filepath.Join(run, "pids/forked.pid"),
	} {
		if _, err := os.Stat(filepath.Join(meta, p)); err != nil {
			t.Errorf("checkpoint %s: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(meta, "slaves/S0/frameworks/plain/framework.info")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a framework that does not checkpoint was checkpointed: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(meta, "slaves/S0/frameworks/fw/framework.pid")); string(b) != emptyUPID {
		t.Errorf("framework.pid = %q, want %q (an HTTP framework)", b, emptyUPID)
	}
	if b, _ := os.ReadFile(filepath.Join(meta, "slaves/S0/frameworks/fw/executors/t1/executor_generated_for_command_task")); string(b) != "1" {
		t.Errorf("executor_generated_for_command_task = %q, want \"1\"", b)
	}
	st, err := readState(meta, true, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("readState() = %v", err)
	}
	task := st.agent.frameworks["fw"].executors["t1"].runs[cid].tasks["t1"]
	if got, want := states(task.updates), []string{"t1:TASK_STARTING", "t1:TASK_RUNNING"}; !slices.Equal(got, want) {
		t.Errorf("checkpointed updates = %v, want %v", got, want)
	}
	if len(task.acks) != 2 {
		t.Errorf("checkpointed acknowledgements = %d, want 2", len(task.acks))
	}
	if task.info == nil || task.info.State != mesos.TaskStaging || task.info.TaskID.Value != "t1" {
		t.Errorf("task.info = %+v, want t1 in TASK_STAGING", task.info)
	}

	openGate(t, gate)
	for range 2 {
		e.nextAcked(t)
	}
	e.events.until(t, "executors terminated", func() bool { return e.events.count("executor.terminated") == 2 })
	e.rt.Settle()
	if _, err := os.Stat(filepath.Join(meta, run, "executor.sentinel")); err != nil {
		t.Errorf("executor.sentinel after the executor was removed: %v", err)
	}
	var term containerizer.Termination
	if found, err := readMessage(filepath.Join(meta, run, terminationFile), &term); !found || err != nil {
		t.Errorf("termination kept by the containerizer: found %v, %v", found, err)
	} else if code, ok := term.Exited(); !ok || code != 0 {
		t.Errorf("kept termination = %s, want exited with status 0", term)
	}
}

// The agent crashed after the containerizer destroyed the container of an ended
// task (its runtime directory and the shim's status are gone) but before handling
// the termination: the recovered agent reads the termination the containerizer kept
// in the run's meta directory and reports the true status.
func TestRecoverTerminationKeptByContainerizer(t *testing.T) {
	e := newRecoveryEnv(t)
	gate := filepath.Join(t.TempDir(), "gate")
	e.runningTask(t, checkpointing("fw"), "t1", gate, 3)
	cid := e.containerOf(t, "fw", "t1")
	e.crash()
	openGate(t, gate)
	waitExited(t, e.work, cid)
	killShim(t, e.work, cid) // reaps the exited shim (the test binary is its parent)
	// What the containerizer's destroy leaves behind.
	b, err := os.ReadFile(filepath.Join(e.work, "run", "containers", cid, "status"))
	if err != nil {
		t.Fatal(err)
	}
	status, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	st := int32(status)
	run := executorRunPath(filepath.Join(e.work, "meta"), "S0", "fw", "t1", cid)
	if err := checkpointMessage(filepath.Join(run, terminationFile), containerizer.Termination{Status: &st}, false); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(e.work, "run", "containers", cid)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.startAgain(nil); err != nil {
		t.Fatal(err)
	}
	e.recovered()
	e.reregister(1)
	if got, want := describe(e.nextAcked(t)), "TASK_FAILED SOURCE_EXECUTOR Command exited with status 3"; got != want {
		t.Errorf("update after recovery = %q, want %q", got, want)
	}
}

// A torn last record (the agent died while appending it) is dropped and the file
// truncated, even in strict mode; a record that does not decode fails strict
// recovery, and is skipped and counted otherwise.
func TestReadTaskUpdatesTornAndCorrupt(t *testing.T) {
	u := mesos.StatusUpdate{FrameworkID: mesos.FrameworkID{Value: "fw"},
		Status: mesos.TaskStatus{TaskID: mesos.TaskID{Value: "t1"}, State: mesos.TaskRunning},
		UUID:   []byte("0123456789abcdef")}
	var good strings.Builder
	if err := WriteRecord(&good, UpdateRecord{Type: RecordUpdate, Update: &u}); err != nil {
		t.Fatal(err)
	}
	corrupt := "\x05\x00\x00\x00{bad}"
	tests := []struct {
		name       string
		tail       string
		strict     bool
		wantErr    bool
		wantErrors int
		wantLen    int
	}{
		{"torn strict", good.String()[:9], true, false, 0, good.Len()},
		{"torn non-strict", good.String()[:3], false, false, 0, good.Len()},
		{"corrupt strict", corrupt, true, true, 0, good.Len()},
		{"corrupt non-strict", corrupt, false, false, 1, good.Len()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta := t.TempDir()
			dir := taskPath(meta, "S0", "fw", "e", "c", "t1")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := checkpointMessage(filepath.Join(dir, taskInfoFile), createTask(commandTask("t1", "true"), mesos.TaskStaging, "fw", "e"), false); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, updatesFile)
			if err := os.WriteFile(path, []byte(good.String()+tt.tail), 0o644); err != nil {
				t.Fatal(err)
			}
			r := &stateReader{meta: meta, strict: tt.strict, log: slog.New(slog.DiscardHandler)}
			ts, err := r.task("S0", "fw", "e", "c", "t1")
			if (err != nil) != tt.wantErr {
				t.Fatalf("task() error = %v, want error %t", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrRecovery) {
				t.Errorf("task() error = %v, want it to wrap ErrRecovery", err)
			}
			if r.errors != tt.wantErrors {
				t.Errorf("errors = %d, want %d", r.errors, tt.wantErrors)
			}
			if len(ts.updates) != 1 || string(ts.updates[0].UUID) != string(u.UUID) {
				t.Errorf("updates = %v, want the complete one", states(ts.updates))
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() != int64(tt.wantLen) {
				t.Errorf("task.updates size after recovery = %v (%v), want %d", fi.Size(), err, tt.wantLen)
			}
		})
	}
}

// Strict recovery refuses an unreadable checkpoint; non-strict recovery skips what it
// cannot read, counts it in slave/recovery_errors, and registers.
func TestRecoverStrict(t *testing.T) {
	e := newRecoveryEnv(t)
	gate := filepath.Join(t.TempDir(), "gate")
	e.runningTask(t, checkpointing("fw"), "t1", gate, 0)
	cid := e.containerOf(t, "fw", "t1")
	info := filepath.Join(e.work, "meta", "slaves", "S0", "frameworks", "fw", "executors", "t1", "runs", cid, "tasks", "t1", "task.info")
	if err := os.WriteFile(info, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := e.restart(nil)
	if !errors.Is(err, ErrRecovery) || !strings.Contains(err.Error(), "task.info") {
		t.Fatalf("New() over a corrupt task.info = %v, want an ErrRecovery naming task.info", err)
	}
	strict := false
	a, err := e.startAgain(func(c *Config) { c.Strict = &strict })
	if err != nil {
		t.Fatalf("New() with strict=false = %v", err)
	}
	e.recovered()
	e.reregister(1)
	var n float64
	e.onAgent(t, func(*Agent) { n = a.m.recoveryErrors.Value() })
	if n != 1 {
		t.Errorf("slave/recovery_errors = %v, want 1", n)
	}
	if got := e.agentFlag(t, "strict"); got != "false" {
		t.Errorf("flag strict = %q, want false", got)
	}
	// The executor came back without its task: it is shut down, as an executor
	// that re-registers with nothing to run is.
	waitExited(t, e.work, cid)
}

// agentFlag returns one of the agent's flags.
func (e *recoveryEnv) agentFlag(t *testing.T, name string) string {
	t.Helper()
	var v string
	e.onAgent(t, func(a *Agent) { v = a.flags()[name] })
	return v
}

// An agent whose configuration changed refuses to recover (the operator must remove
// meta/slaves/latest); after a reboot it registers as a new agent instead.
func TestRecoverIncompatibleAgentInfo(t *testing.T) {
	e := newRecoveryEnv(t)
	_, err := e.restart(func(c *Config) { c.Resources = "cpus:4;mem:1024;disk:1024;ports:[31000-32000]" })
	if !errors.Is(err, ErrRecovery) || !strings.Contains(err.Error(), "incompatible agent info") {
		t.Fatalf("New() with other resources = %v, want an incompatible agent info error", err)
	}
	if err := os.WriteFile(filepath.Join(e.work, "meta", "boot_id"), []byte("another-boot"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.startAgain(func(c *Config) { c.Resources = "cpus:4;mem:1024;disk:1024;ports:[31000-32000]" }); err != nil {
		t.Fatalf("New() after a reboot with other resources = %v", err)
	}
	e.recovered()
	if _, err := os.Lstat(filepath.Join(e.work, "meta", "slaves", "latest")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("meta/slaves/latest after falling back to a new agent: %v, want it removed", err)
	}
	before := len(e.master.registerTimes())
	for i := 0; i < 100 && len(e.master.registerTimes()) == before; i++ {
		e.rt.Clock().Advance(100 * time.Millisecond)
		e.rt.Settle()
	}
	if len(e.master.registerTimes()) == before {
		t.Fatalf("the agent did not register as a new agent")
	}
	if n := len(e.master.reregistrations()); n != 0 {
		t.Errorf("reregistrations = %d, want 0", n)
	}
}

// After a reboot the executors are gone: the agent keeps its ID, and each task that
// was running fails as Slave::executorTerminated reports an unknown container.
func TestRecoverAfterReboot(t *testing.T) {
	e := newRecoveryEnv(t)
	gate := filepath.Join(t.TempDir(), "gate")
	e.runningTask(t, checkpointing("fw"), "t1", gate, 0)
	cid := e.containerOf(t, "fw", "t1")
	e.crash()
	// The reboot: every process of the container dies, the kernel's boot ID changes.
	killShim(t, e.work, cid)
	if err := os.WriteFile(filepath.Join(e.work, "meta", "boot_id"), []byte("another-boot"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.startAgain(nil); err != nil {
		t.Fatal(err)
	}
	e.recovered()
	rr := e.reregister(1)
	if rr.Slave.ID == nil || rr.Slave.ID.Value != "S0" {
		t.Errorf("agent ID after reboot = %v, want S0", rr.Slave.ID)
	}
	u := e.nextAcked(t)
	want := "TASK_FAILED SOURCE_AGENT REASON_EXECUTOR_TERMINATED Abnormal executor termination: unknown container"
	if got := describe(u); got != want {
		t.Errorf("update after reboot = %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(e.work, "meta", "slaves", "S0", "frameworks", "fw", "executors", "t1", "runs", cid, "pids", "forked.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("forked.pid after a reboot: %v, want it removed", err)
	}
	if b, _ := os.ReadFile(filepath.Join(e.work, "meta", "boot_id")); string(b) == "another-boot" {
		t.Errorf("boot_id was not checkpointed again after recovery")
	}
}

// killShim kills a container's shim, and so its task, and reaps it (the test binary
// is its parent), as a reboot would end it.
func killShim(t *testing.T, work, containerID string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(work, "run", "containers", containerID, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(-pid, syscall.SIGKILL); err != nil {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	var ws syscall.WaitStatus
	syscall.Wait4(pid, &ws, 0, nil)
	// The task is in a process group of its own inside the shim's session:
	// end it too, or it outlives the test (a gated task waits forever).
	killSession(pid)
	// With the supervisor launcher, pid was the task and the agent's launch
	// supervisor (our child) would end only once idle: a reboot ends it too.
	if b, err := os.ReadFile(filepath.Join(work, "run", "supervisor.lock")); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if sup, err := strconv.Atoi(f[0]); err == nil && sup > 0 {
				for _, p := range shimtest.Procs() {
					// Only our own child: the pid may have been recycled.
					if p.PID == sup && p.PPID == os.Getpid() {
						syscall.Kill(sup, syscall.SIGKILL)
						syscall.Wait4(sup, nil, 0, nil)
					}
				}
			}
		}
	}
}

// killSession sends SIGKILL to every process in session sid.
func killSession(sid int) {
	for _, p := range shimtest.Procs() {
		if p.Session == sid {
			syscall.Kill(p.PID, syscall.SIGKILL)
		}
	}
}

// --recover=cleanup kills the checkpointed executors and terminates the agent.
func TestRecoverCleanup(t *testing.T) {
	e := newRecoveryEnv(t)
	gate := filepath.Join(t.TempDir(), "gate")
	e.runningTask(t, checkpointing("fw"), "t1", gate, 0)
	cid := e.containerOf(t, "fw", "t1")
	a, err := e.restart(func(c *Config) { c.Recover = RecoverCleanup })
	if err != nil {
		t.Fatal(err)
	}
	e.rt.Clock().Resume() // the kill's grace runs on the clock
	select {
	case <-a.Done():
	case <-time.After(waitFor):
		t.Fatal("agent in cleanup mode did not terminate")
	}
	waitExited(t, e.work, cid)
	if n := len(e.master.reregistrations()); n != 0 {
		t.Errorf("reregistrations in cleanup mode = %d, want 0", n)
	}
	if err := a.Err(); err != nil {
		t.Errorf("Err() after a cleanup run = %v, want nil (a clean exit)", err)
	}
	if _, err := os.Stat(filepath.Join(e.work, "meta", "slaves", "S0", "frameworks", "fw", "executors", "t1", "runs", cid, "executor.sentinel")); err != nil {
		t.Errorf("executor.sentinel after cleanup: %v", err)
	}
}

// A task group's children keep running across a restart; each reports its own
// true end afterwards, and a failing one still kills the rest of its group.
func TestRecoverTaskGroup(t *testing.T) {
	e := newRecoveryEnv(t)
	fw := checkpointing("fw")
	dir := t.TempDir()
	exec := mesos.ExecutorInfo{Type: mesos.ExecutorDefault, ExecutorID: mesos.ExecutorID{Value: "ex"}, FrameworkID: fw.ID,
		Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:32"))}
	group := mesos.TaskGroupInfo{Tasks: []mesos.TaskInfo{
		commandTask("a", gated(filepath.Join(dir, "a"), 3)),
		commandTask("b", "sleep 1000"),
	}}
	e.master.send(e.agent.Self(), mesos.RunTaskGroupMessageName, mesos.RunTaskGroupMessage{Framework: fw, Executor: exec, TaskGroup: group})
	var got []string
	for range 4 {
		got = append(got, states([]mesos.StatusUpdate{e.nextAcked(t)})...)
	}
	slices.Sort(got)
	if want := []string{"a:TASK_RUNNING", "a:TASK_STARTING", "b:TASK_RUNNING", "b:TASK_STARTING"}; !slices.Equal(got, want) {
		t.Fatalf("updates before the crash = %v, want %v", got, want)
	}
	if _, err := e.restart(nil); err != nil {
		t.Fatal(err)
	}
	e.recovered()
	e.reregister(1)
	e.master.none(t)

	openGate(t, filepath.Join(dir, "a"))
	e.rt.Clock().Resume() // the group's kill escalates on the clock
	var after []string
	for range 2 {
		after = append(after, describeTask(e.nextAcked(t)))
	}
	want := []string{"a TASK_FAILED SOURCE_EXECUTOR Command exited with status 3", "b TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated"}
	if diff := cmp.Diff(want, after); diff != "" {
		t.Errorf("updates after recovery (-want +got):\n%s", diff)
	}
}

func describeTask(u mesos.StatusUpdate) string { return u.Status.TaskID.Value + " " + describe(u) }

// A recovery that fails after the agent started (here the containerizer cannot read
// its runtime directory) terminates the agent with an error wrapping ErrRecovery, as
// Slave::__recover exits with EXIT_FAILURE; Err reports it once Done is closed.
func TestRecoverFailureEndsAgent(t *testing.T) {
	e := newRecoveryEnv(t)
	e.runningTask(t, checkpointing("fw"), "t1", filepath.Join(t.TempDir(), "gate"), 0)
	cid := e.containerOf(t, "fw", "t1")
	if err := e.agent.Err(); err != nil {
		t.Errorf("Err() of a running agent = %v, want nil", err)
	}
	e.crash()
	killShim(t, e.work, cid)
	containers := filepath.Join(e.work, "run", "containers")
	if err := os.RemoveAll(containers); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(containers, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := e.startAgain(nil)
	if err != nil {
		t.Fatalf("New() = %v, want the failure to come from the containerizer's recovery", err)
	}
	select {
	case <-a.Done():
	case <-time.After(waitFor):
		t.Fatal("agent whose recovery failed did not terminate")
	}
	if err := a.Err(); !errors.Is(err, ErrRecovery) || !strings.Contains(err.Error(), "containerizer") {
		t.Errorf("Err() = %v, want an ErrRecovery naming the containerizer", err)
	}
}
