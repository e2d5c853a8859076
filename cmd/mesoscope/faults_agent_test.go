package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/containerizer/shimtest"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// TestAgentKill9Loop is issue 11's fault test: a `mesoscope master` and a `mesoscope
// agent` run as OS processes (the binary is built first) with a checkpointing v1
// framework launching a workload (long tasks, and short ones that end with exit code 0
// or 3 at random times); the agent is killed with SIGKILL and restarted on the same
// work_dir 20 times (3 with -short). Afterwards every task that was running is still
// running or ended with its true status, every status update the agent checkpointed
// reached the framework and was acknowledged, no transition was generated twice, and
// an update delivered more than once was resent by the agent (Mesos's at-least-once
// delivery: an acknowledgement lost with a dead agent is made up for by resending the
// update when the agent re-registers).
func TestAgentKill9Loop(t *testing.T) {
	loops := 20
	if testing.Short() {
		loops = 3
	}
	started := time.Now()
	dir := t.TempDir()

	// Killed agents leave their tasks' shims behind; as a subreaper this test adopts
	// them (this machine's init does not reap) and reaps them once they exit.
	reaper := newAFReaper(t)

	masterPort, agentPort := freePort(t), freePort(t)
	base := "http://127.0.0.1:" + strconv.Itoa(masterPort)
	master := startProc(t, reaper, filepath.Join(dir, "master.log"), "master", "--ip", "127.0.0.1", "--port", strconv.Itoa(masterPort),
		"--allocation_interval", "100ms", "--trace_exporter", "none")
	work := filepath.Join(dir, "agent")
	agentArgs := []string{"agent", "--master", "127.0.0.1:" + strconv.Itoa(masterPort), "--ip", "127.0.0.1", "--port", strconv.Itoa(agentPort),
		"--work_dir", work, "--resources", "cpus:16;mem:16384;disk:4096;ports:[31000-31100]", "--hostname", "faults.agent",
		"--registration_backoff_factor", "50ms", "--trace_exporter", "none"}
	agentLog := filepath.Join(dir, "agent.log")
	ag := startProc(t, reaper, agentLog, agentArgs...)
	var agentID string
	waitUntil(t, 20*time.Second, "agent registered", func() bool {
		s, err := afAgentState(base)
		agentID = s.id
		return err == nil && s.active
	}, master, ag)

	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	fw := &afFramework{expect: map[string]int{}, delivered: map[string]int{}}
	client, err := schedclient.New(schedclient.Config{
		Master:    base,
		Framework: mesos.FrameworkInfo{User: u.Username, Name: "agent-faults", Checkpoint: true, FailoverTimeout: 3600},
		// The agent resends an update until its acknowledgement arrives, which
		// a kill can lose; the client keeps those retries back (exactly once).
		DeduplicateUpdates: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- client.Run(ctx, fw.handle(t, client)) }()
	defer func() { cancel(); <-runDone }()

	rng := rand.New(rand.NewPCG(11, 7))
	for i := range 4 {
		fw.add(fmt.Sprintf("long-%d", i), "sleep 3600", -1)
	}
	var rereg []time.Duration
	runningAtKills := 0
	for i := range loops {
		for j := range 3 {
			code := 0
			if rng.IntN(2) == 1 {
				code = 3
			}
			secs := 0.2 + rng.Float64()*1.8
			fw.add(fmt.Sprintf("short-%d-%d", i, j), fmt.Sprintf("sleep %.2f; exit %d", secs, code), code)
		}
		time.Sleep(time.Duration(150+rng.IntN(450)) * time.Millisecond) // the workload runs
		prev, _ := afAgentState(base)
		ag.kill9()
		runningAtKills += fw.running()
		time.Sleep(time.Duration(rng.IntN(250)) * time.Millisecond) // down: tasks may end meanwhile
		restarted := time.Now()
		ag = startProc(t, reaper, agentLog, agentArgs...)
		waitUntil(t, 20*time.Second, fmt.Sprintf("agent re-registered after kill %d", i+1), func() bool {
			s, err := afAgentState(base)
			return err == nil && s.active && s.id == agentID && s.reregistered > prev.reregistered
		}, master, ag)
		rereg = append(rereg, time.Since(restarted))
	}
	loopsDone := time.Since(started)

	// Every short task ends; every update the agent checkpointed is acknowledged.
	waitUntil(t, 30*time.Second, "short tasks terminal", fw.settled, master, ag)
	meta := filepath.Join(work, "meta")
	var records afRecords
	waitUntil(t, 20*time.Second, "every checkpointed update acknowledged", func() bool {
		records, err = readAFRecords(meta)
		return err == nil && len(records.unacked()) == 0
	}, master, ag)

	fw.mu.Lock()
	defer fw.mu.Unlock()
	var lost, regenerated, wrong, twice []string
	for uuid, rec := range records.updates {
		if fw.delivered[uuid] == 0 {
			lost = append(lost, rec)
		}
	}
	// The agent resends an update when it (re-)registers and when a retry timer
	// fires, until the acknowledgement reaches it; the client keeps back the
	// retries of acknowledged updates, so the framework sees each exactly once.
	for uuid, n := range fw.delivered {
		if n > 1 {
			twice = append(twice, fmt.Sprintf("%s (%s) %d times at %v", uuid, records.updates[uuid], n, fw.times(uuid)))
		}
	}
	resends := len(afResends(agentLog))
	tasks := fw.byTask()
	ranTasks, neverRan := 0, map[string]int{}
	masterTasks, err := afMasterTasks(base)
	if err != nil {
		t.Fatal(err)
	}
	for id, us := range tasks {
		seen := map[mesos.TaskState]bool{}
		ran := false
		var terminal []afUpdate
		for _, u := range us {
			if u.uuid != "" && seen[u.state] {
				regenerated = append(regenerated, id+" "+u.state.String())
			}
			seen[u.state] = true
			ran = ran || u.state == mesos.TaskRunning
			if u.state.IsTerminal() {
				terminal = append(terminal, u)
			}
		}
		for _, u := range terminal {
			// Whatever its story, a command's exit code is reported as it was.
			if code, err := strconv.Atoi(strings.TrimPrefix(u.message, "Command exited with status ")); err == nil && code != fw.expect[id] {
				wrong = append(wrong, fmt.Sprintf("%s: exited with %d, reported %q", id, fw.expect[id], u.message))
			}
		}
		if !ran {
			last := us[len(us)-1]
			neverRan[last.state.String()+" "+last.message]++
			continue
		}
		ranTasks++
		code := fw.expect[id]
		switch {
		case code < 0 && (len(terminal) > 0 || masterTasks[id] != "TASK_RUNNING"):
			wrong = append(wrong, fmt.Sprintf("%s: want still running, got updates %v, master %s", id, us, masterTasks[id]))
		case code == 0 && (len(terminal) != 1 || terminal[0].describe() != "TASK_FINISHED Command exited with status 0"):
			wrong = append(wrong, fmt.Sprintf("%s: want TASK_FINISHED once, got %v", id, terminal))
		case code == 3 && (len(terminal) != 1 || terminal[0].describe() != "TASK_FAILED Command exited with status 3"):
			wrong = append(wrong, fmt.Sprintf("%s: want TASK_FAILED (status 3) once, got %v", id, terminal))
		case code >= 0 && masterTasks[id] != terminal[0].state.String():
			wrong = append(wrong, fmt.Sprintf("%s: master says %s, the framework got %s", id, masterTasks[id], terminal[0].state))
		}
	}
	t.Logf("agent kill -9 loop: %d/%d restarts survived; %d tasks launched, %d reached TASK_RUNNING (%d running at the kills, summed), %d never ran %v",
		len(rereg), loops, len(tasks), ranTasks, runningAtKills, len(tasks)-ranTasks, neverRan)
	t.Logf("status updates: %d checkpointed by the agent, %d of them delivered to the framework %d times (+%d from the master), lost %d, unacknowledged %d, generated twice %d, delivered twice %d; the agent resent updates %d times, the client kept %d retries of acknowledged updates back",
		len(records.updates), len(fw.delivered), fw.withUUID, fw.total-fw.withUUID, len(lost), len(records.unacked()), len(regenerated), len(twice), resends, client.DuplicateUpdates())
	t.Logf("re-registration after restart: median %v, max %v (process start to the master's reregistered_time); loop %v",
		afMedian(rereg), slices.Max(rereg), loopsDone.Round(time.Millisecond))
	if len(lost) > 0 {
		t.Errorf("%d checkpointed status updates never reached the framework: %v", len(lost), lost)
	}
	if len(regenerated) > 0 {
		t.Errorf("status updates generated twice (two UUIDs for one transition): %v", regenerated)
	}
	if len(twice) > 0 {
		t.Errorf("updates delivered to the framework more than once, want exactly once: %v", twice)
	}
	for _, w := range wrong {
		t.Error(w)
	}
	if ranTasks == 0 || len(rereg) != loops {
		t.Errorf("the workload did not run: %d tasks ran, %d restarts", ranTasks, len(rereg))
	}
	if t.Failed() || os.Getenv("MESOSCOPE_FAULTS_VERBOSE") != "" {
		for id, us := range tasks {
			t.Logf("%s: %v", id, us)
		}
		for _, p := range []string{agentLog, master.log} {
			b, _ := os.ReadFile(p)
			for _, l := range strings.Split(string(b), "\n") {
				if strings.Contains(l, "level=WARN") || strings.Contains(l, "Re-registered") || strings.Contains(l, "disconnected") || strings.Contains(l, "Resending") {
					t.Log(l)
				}
			}
		}
	}
}

// afUpdate is one UPDATE event the framework received.
type afUpdate struct {
	task    string
	state   mesos.TaskState
	message string
	uuid    string
	at      time.Time
}

func (u afUpdate) describe() string { return u.state.String() + " " + u.message }

func (u afUpdate) String() string { return u.describe() }

// afFramework launches the tasks it is given from its offers, records every update
// and acknowledges those with a uuid.
type afFramework struct {
	mu        sync.Mutex
	pending   []mesos.TaskInfo
	expect    map[string]int // task → exit code (-1: runs forever)
	updates   []afUpdate
	delivered map[string]int
	total     int // updates received
	withUUID  int // ... of them with a uuid (the agent's)
}

func (f *afFramework) add(id, command string, code int) {
	shell := true
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expect[id] = code
	f.pending = append(f.pending, mesos.TaskInfo{
		Name: id, TaskID: mesos.TaskID{Value: id},
		Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:32")),
		Command:   &mesos.CommandInfo{Shell: &shell, Value: &command},
	})
}

func (f *afFramework) handle(t *testing.T, c *schedclient.Client) func(context.Context, *scheduler.Event) {
	return func(ctx context.Context, ev *scheduler.Event) {
		switch ev.Type {
		case scheduler.EventOffers:
			f.mu.Lock()
			tasks := f.pending
			f.pending = nil
			f.mu.Unlock()
			for i, o := range ev.Offers.Offers {
				if i > 0 || len(tasks) == 0 {
					refuse := 0.1
					c.Decline(ctx, []mesos.OfferID{o.ID}, &mesos.Filters{RefuseSeconds: &refuse})
					continue
				}
				for k := range tasks {
					tasks[k].AgentID = o.AgentID
				}
				if err := c.Launch(ctx, o.ID, tasks...); err != nil {
					t.Logf("launch: %v (tasks go back to the queue)", err)
					f.mu.Lock()
					f.pending = append(f.pending, tasks...)
					f.mu.Unlock()
				}
			}
		case scheduler.EventUpdate:
			st := ev.Update.Status
			u := afUpdate{task: st.TaskID.Value, state: st.State, message: st.Message, at: time.Now()}
			if len(st.UUID) > 0 {
				u.uuid = fmt.Sprintf("%x", st.UUID)
			}
			f.mu.Lock()
			f.updates = append(f.updates, u)
			f.total++
			if u.uuid != "" {
				f.delivered[u.uuid]++
				f.withUUID++
			}
			f.mu.Unlock()
			if u.uuid != "" {
				if err := c.Acknowledge(ctx, &st); err != nil && ctx.Err() == nil {
					t.Logf("acknowledge %s %s: %v (the agent resends it)", u.task, u.state, err)
				}
			}
		}
	}
}

// byTask returns each task's updates in arrival order, each uuid once.
func (f *afFramework) byTask() map[string][]afUpdate {
	out := map[string][]afUpdate{}
	seen := map[string]bool{}
	for _, u := range f.updates {
		if u.uuid != "" {
			if seen[u.uuid] {
				continue
			}
			seen[u.uuid] = true
		}
		out[u.task] = append(out[u.task], u)
	}
	return out
}

// times lists when a uuid arrived (f.mu held).
func (f *afFramework) times(uuid string) []string {
	var out []string
	for _, u := range f.updates {
		if u.uuid == uuid {
			out = append(out, u.at.Format("15:04:05.000"))
		}
	}
	return out
}

// running counts the tasks whose latest update is TASK_RUNNING.
func (f *afFramework) running() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, us := range f.byTask() {
		if us[len(us)-1].state == mesos.TaskRunning {
			n++
		}
	}
	return n
}

// settled reports whether every task was launched and every short one has ended.
func (f *afFramework) settled() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pending) > 0 {
		return false
	}
	tasks := f.byTask()
	for id, code := range f.expect {
		us := tasks[id]
		if len(us) == 0 {
			return false
		}
		last := us[len(us)-1].state
		if code >= 0 && !last.IsTerminal() {
			return false
		}
		if code < 0 && last != mesos.TaskRunning && !last.IsTerminal() {
			return false
		}
	}
	return true
}

// afResends returns when the agent logged that it resends its unacknowledged
// updates: at each (re-)registration, and on each retry.
func afResends(logPath string) []time.Time {
	b, _ := os.ReadFile(logPath)
	var out []time.Time
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.Contains(l, `msg="Re-registered with master"`) && !strings.Contains(l, `msg="Resending task status update"`) {
			continue
		}
		f := strings.Fields(l)
		if len(f) == 0 || !strings.HasPrefix(f[0], "time=") {
			continue
		}
		if at, err := time.Parse(time.RFC3339Nano, strings.TrimPrefix(f[0], "time=")); err == nil {
			out = append(out, at)
		}
	}
	return out
}

// afRecords are the status updates an agent checkpointed (task.updates under
// meta/slaves/*/frameworks/*/executors/*/runs/*/tasks/*), by uuid.
type afRecords struct {
	updates map[string]string // uuid → "task STATE"
	acks    map[string]bool
}

func (r afRecords) unacked() []string {
	var out []string
	for uuid, rec := range r.updates {
		if !r.acks[uuid] {
			out = append(out, rec)
		}
	}
	return out
}

func readAFRecords(meta string) (afRecords, error) {
	r := afRecords{updates: map[string]string{}, acks: map[string]bool{}}
	err := filepath.WalkDir(meta, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "task.updates" {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		recs, err := agent.ReadRecords(f)
		if err != nil && !errors.Is(err, agent.ErrCorruptRecord) {
			// A record still being appended: read again later.
			return err
		}
		for _, rec := range recs {
			if rec.Type == agent.RecordUpdate {
				r.updates[fmt.Sprintf("%x", rec.Update.UUID)] = rec.Update.Status.TaskID.Value + " " + rec.Update.Status.State.String()
			} else {
				r.acks[fmt.Sprintf("%x", rec.UUID)] = true
			}
		}
		return nil
	})
	return r, err
}

// afAgent is the master's view of the one agent (/master/slaves).
type afAgent struct {
	id           string
	active       bool
	reregistered float64
}

func afAgentState(base string) (afAgent, error) {
	var v struct {
		Slaves []struct {
			ID           string  `json:"id"`
			Active       bool    `json:"active"`
			Reregistered float64 `json:"reregistered_time"`
		} `json:"slaves"`
	}
	if err := afGet(base+"/master/slaves", &v); err != nil {
		return afAgent{}, err
	}
	if len(v.Slaves) != 1 {
		return afAgent{}, fmt.Errorf("%d agents", len(v.Slaves))
	}
	s := v.Slaves[0]
	return afAgent{id: s.ID, active: s.Active, reregistered: s.Reregistered}, nil
}

// afMasterTasks returns the master's state of every task (/master/tasks).
func afMasterTasks(base string) (map[string]string, error) {
	var v struct {
		Tasks []struct {
			ID    string `json:"id"`
			State string `json:"state"`
		} `json:"tasks"`
	}
	if err := afGet(base+"/master/tasks?limit=10000", &v); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, tk := range v.Tasks {
		out[tk.ID] = tk.State
	}
	return out, nil
}

func afGet(url string, v any) error {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// afReaper makes the test process a child subreaper and reaps the orphans it adopts
// (the shims of killed agents) once they exit; at the end it checks that no process
// of the test is left.
type afReaper struct {
	mu      sync.Mutex
	managed map[int]bool // started with exec.Cmd, which reaps them
	stop    chan struct{}
	done    chan struct{}
}

const prSetChildSubreaper = 36 // PR_SET_CHILD_SUBREAPER

func newAFReaper(t *testing.T) *afReaper {
	t.Helper()
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		t.Skipf("prctl(PR_SET_CHILD_SUBREAPER): %v", errno)
	}
	r := &afReaper{managed: map[int]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			r.reap()
			select {
			case <-r.stop:
				return
			case <-tick.C:
			}
		}
	}()
	// Registered first, so it runs last: after every process was stopped.
	t.Cleanup(func() {
		close(r.stop)
		<-r.done
		deadline := time.Now().Add(10 * time.Second)
		for {
			left := r.reap()
			if len(left) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("processes left behind: %v", left)
				for _, pid := range left {
					syscall.Kill(pid, syscall.SIGKILL)
				}
				r.reap()
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 0, 0)
	})
	return r
}

// reap reaps the exited adopted children and returns the children still alive that
// the test did not start with exec.Cmd.
func (r *afReaper) reap() []int {
	self := os.Getpid()
	var alive []int
	for _, p := range shimtest.Procs() {
		if p.PPID != self {
			continue
		}
		r.mu.Lock()
		managed := r.managed[p.PID]
		r.mu.Unlock()
		if managed {
			continue
		}
		if p.State == 'Z' {
			syscall.Wait4(p.PID, nil, syscall.WNOHANG, nil)
			continue
		}
		alive = append(alive, p.PID)
	}
	return alive
}

func afMedian(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2].Round(time.Millisecond)
}
