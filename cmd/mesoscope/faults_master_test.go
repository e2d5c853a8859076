package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// mfRecorder is the fault tests' framework: it launches tasks from its offers and
// records every status update it receives.
type mfRecorder struct {
	mu           sync.Mutex
	subscribed   []string                     // framework ID of every SUBSCRIBED
	byUUID       map[string]int               // updates with a uuid: how many times each arrived
	what         map[string]string            // uuid → "task state", for messages
	states       map[string][]mesos.TaskState // task → states in arrival order (uuid'd updates)
	latest       map[string]mesos.TaskState   // task → latest state, reconciliation included
	pending      []mesos.TaskInfo             // tasks still to launch
	launched     int
	agentOf      map[string]mesos.AgentID
	launchedInfo map[string]mesos.TaskInfo // tasks launched, by ID, until an update with a uuid arrives
	launchedAt   map[string]time.Time      // when each of those was launched or last reconciled
	relaunched   int                       // tasks launched again after reconciliation found them unknown
}

func (r *mfRecorder) handle(c *schedclient.Client) func(context.Context, *scheduler.Event) {
	return func(ctx context.Context, e *scheduler.Event) {
		switch e.Type {
		case scheduler.EventSubscribed:
			r.mu.Lock()
			r.subscribed = append(r.subscribed, e.Subscribed.FrameworkID.Value)
			var known []scheduler.ReconcileTask
			for id, agent := range r.agentOf {
				known = append(known, scheduler.ReconcileTask{TaskID: mesos.TaskID{Value: id}, AgentID: &agent})
			}
			r.mu.Unlock()
			if len(known) > 0 {
				// After a master failover the framework reconciles the tasks it knows
				// (docs/reconciliation.md: explicit reconciliation).
				_ = c.Reconcile(ctx, known...)
			}
		case scheduler.EventOffers:
			// Tasks launched a while ago without any update: ask again (a reconciliation
			// asked during a master failover gets no answer until the agent is back).
			r.mu.Lock()
			var ask []scheduler.ReconcileTask
			for id, at := range r.launchedAt {
				if time.Since(at) > 2*time.Second {
					agent := r.agentOf[id]
					ask = append(ask, scheduler.ReconcileTask{TaskID: mesos.TaskID{Value: id}, AgentID: &agent})
					r.launchedAt[id] = time.Now()
				}
			}
			r.mu.Unlock()
			if len(ask) > 0 {
				_ = c.Reconcile(ctx, ask...)
			}
			for _, o := range e.Offers.Offers {
				r.mu.Lock()
				var batch []mesos.TaskInfo
				avail := o.Resources.Resources
				for len(r.pending) > 0 {
					ti := r.pending[0]
					need := ti.Resources.Resources
					if !avail.Contains(need) {
						break
					}
					avail.Subtract(need)
					r.launchedInfo[ti.TaskID.Value] = ti
					r.launchedAt[ti.TaskID.Value] = time.Now()
					ti.AgentID = o.AgentID
					batch = append(batch, ti)
					r.agentOf[ti.TaskID.Value] = o.AgentID
					r.pending = r.pending[1:]
				}
				r.launched += len(batch)
				r.mu.Unlock()
				if len(batch) > 0 {
					_ = c.Launch(ctx, o.ID, batch...)
				} else {
					_ = c.Decline(ctx, []mesos.OfferID{o.ID}, &mesos.Filters{RefuseSeconds: ptrTo(1.0)})
				}
			}
		case scheduler.EventUpdate:
			s := e.Update.Status
			r.mu.Lock()
			r.latest[s.TaskID.Value] = s.State
			if len(s.UUID) == 0 && len(r.states[s.TaskID.Value]) == 0 && (s.State == mesos.TaskUnknown || s.State == mesos.TaskLost || s.State == mesos.TaskGone || s.State == mesos.TaskDropped) {
				// Reconciliation says the master never heard of a task this framework
				// launched: the ACCEPT died with a master. Launch it again, as a
				// framework must (docs/reconciliation.md).
				if ti, ok := r.launchedInfo[s.TaskID.Value]; ok {
					delete(r.launchedInfo, s.TaskID.Value)
					delete(r.launchedAt, s.TaskID.Value)
					delete(r.agentOf, s.TaskID.Value)
					r.pending = append(r.pending, ti)
					r.relaunched++
				}
			}
			if len(s.UUID) > 0 {
				delete(r.launchedInfo, s.TaskID.Value)
				delete(r.launchedAt, s.TaskID.Value)
				r.byUUID[string(s.UUID)]++
				r.what[string(s.UUID)] = s.TaskID.Value + " " + s.State.String()
				r.states[s.TaskID.Value] = append(r.states[s.TaskID.Value], s.State)
			}
			r.mu.Unlock()
			if len(s.UUID) > 0 {
				// A failed acknowledgement (the master is down) is not retried here:
				// the agent resends the update and the client acknowledges it again.
				_ = c.Acknowledge(ctx, &s)
			}
		}
	}
}

func ptrTo[T any](v T) *T { return &v }

// mfUser is the user the tests' tasks run as: the one running the test.
func mfUser(t *testing.T) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

func mfTask(id, cmd string) mesos.TaskInfo {
	shell := true
	return mesos.TaskInfo{Name: id, TaskID: mesos.TaskID{Value: id},
		Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:16")),
		Command:   &mesos.CommandInfo{Shell: &shell, Value: &cmd}}
}

// mfMasterState GETs the master's /master/state and returns the agents' ids and
// activeness and the frameworks' ids.
func mfMasterState(base string) (agents map[string]bool, frameworks []string, err error) {
	resp, err := http.Get(base + "/master/state")
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	var st struct {
		Slaves []struct {
			ID     string `json:"id"`
			Active bool   `json:"active"`
		} `json:"slaves"`
		Frameworks []struct {
			ID string `json:"id"`
		} `json:"frameworks"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, nil, fmt.Errorf("decode /master/state: %w", err)
	}
	agents = map[string]bool{}
	for _, s := range st.Slaves {
		agents[s.ID] = s.Active
	}
	for _, f := range st.Frameworks {
		frameworks = append(frameworks, f.ID)
	}
	return agents, frameworks, nil
}

// Kill -9 the master N times (10; 3 with -short) while a framework's tasks run and
// finish on an agent in another OS process: after every restart the agent reregisters,
// the framework resubscribes with its FrameworkID, and in the end every task that ran
// is still running or finished with its true status, and every status update reached
// the framework exactly once (by UUID) and was acknowledged.
func TestMasterKill9Loop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts masters and agents as OS processes")
	}
	loops := 10
	if s := os.Getenv("MESOSCOPE_MASTER_KILLS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			loops = n
		}
	}
	work, logs := t.TempDir(), t.TempDir()
	mport, aport := freePort(t), freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", mport)
	// Short health pings: an agent can take the old master's last SlaveReregistered
	// message after it noticed that master die (the message and the broken link come
	// on different connections) and believe itself registered with a new master that
	// does not know it, as a Mesos agent can; like a Mesos agent it finds out when the
	// pings stop (Slave::pingTimeout), here within 3 s instead of 75.
	masterArgs := []string{"master", "--port", strconv.Itoa(mport), "--work_dir", filepath.Join(work, "master"),
		"--allocation_interval", "100ms", "--trace_exporter", "none", "--agent_ping_timeout", "1secs", "--max_agent_ping_timeouts", "3"}
	m := startProc(t, nil, filepath.Join(logs, "master-0.log"), masterArgs...)
	agent := startProc(t, nil, filepath.Join(logs, "agent.log"), "agent", "--master", fmt.Sprintf("127.0.0.1:%d", mport), "--port", strconv.Itoa(aport),
		"--work_dir", filepath.Join(work, "agent"), "--resources", "cpus:2;mem:1024;disk:1024;ports:[31000-31100]",
		"--registration_backoff_factor", "10ms", "--trace_exporter", "none")
	waitUntil(t, 30*time.Second, "the agent registers", func() bool {
		agents, _, err := mfMasterState(base)
		return err == nil && len(agents) == 1
	})

	// Long tasks that must survive every failover, and short ones that finish while
	// the master is down or coming back, so their updates wait at the agent.
	rec := &mfRecorder{byUUID: map[string]int{}, what: map[string]string{}, states: map[string][]mesos.TaskState{}, latest: map[string]mesos.TaskState{},
		agentOf: map[string]mesos.AgentID{}, launchedInfo: map[string]mesos.TaskInfo{}, launchedAt: map[string]time.Time{}}
	want := map[string]mesos.TaskState{}
	for i := range 4 {
		id := fmt.Sprintf("long-%d", i)
		rec.pending = append(rec.pending, mfTask(id, "sleep 600"))
		want[id] = mesos.TaskRunning
	}
	for i := range loops {
		ok, bad := fmt.Sprintf("short-ok-%d", i), fmt.Sprintf("short-fail-%d", i)
		rec.pending = append(rec.pending, mfTask(ok, "sleep 0.5"), mfTask(bad, "sleep 0.7; exit 3"))
		want[ok], want[bad] = mesos.TaskFinished, mesos.TaskFailed
	}
	c, err := schedclient.New(schedclient.Config{
		Master: base,
		Framework: mesos.FrameworkInfo{User: mfUser(t), Name: "kill9", FailoverTimeout: 3600, Checkpoint: true,
			Capabilities: []mesos.FrameworkCapability{{Type: mesos.FrameworkPartitionAware}}},
		BackoffInitial: 50 * time.Millisecond, BackoffMax: 500 * time.Millisecond,
		// Mesos delivers at least once; the client keeps the agent's retries of
		// acknowledged updates back, so the framework sees each exactly once.
		DeduplicateUpdates: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan error, 1)
	go func() { runDone <- c.Run(ctx, rec.handle(c)) }()
	defer func() {
		cancel()
		<-runDone
	}()
	waitUntil(t, 30*time.Second, "the long tasks run", func() bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		n := 0
		for i := range 4 {
			if rec.latest[fmt.Sprintf("long-%d", i)] == mesos.TaskRunning {
				n++
			}
		}
		return n == 4
	})
	rec.mu.Lock()
	frameworkID := rec.subscribed[0]
	rec.mu.Unlock()

	var reregister, resubscribe []time.Duration // after each restart: agent active again; framework subscribed again
	for i := range loops {
		m.kill9()
		// While the master is down, short tasks finish: their updates wait at the agent.
		time.Sleep(800 * time.Millisecond)
		m = startProc(t, nil, filepath.Join(logs, fmt.Sprintf("master-%d.log", i+1)), masterArgs...)
		restarted := time.Now()
		waitUntil(t, 30*time.Second, fmt.Sprintf("restart %d: the agent reregisters (%d times so far) and the framework resubscribes", i+1, len(reregister)), func() bool {
			agents, fws, err := mfMasterState(base)
			if err != nil || len(agents) != 1 {
				return false
			}
			for _, active := range agents {
				if !active {
					return false
				}
			}
			if len(reregister) == i {
				reregister = append(reregister, time.Since(restarted))
			}
			rec.mu.Lock()
			resubscribed := len(rec.subscribed) == i+2
			rec.mu.Unlock()
			if !resubscribed || !slices.Contains(fws, frameworkID) {
				return false
			}
			if len(resubscribe) == i {
				resubscribe = append(resubscribe, time.Since(restarted))
			}
			return true
		}, m, agent)
	}
	// Every task reaches the state it should: the long ones still run, the short ones
	// finished with their true status (delivered after the restarts).
	missing := func() []string {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		var out []string
		for id, st := range want {
			if got := rec.states[id]; len(got) == 0 || got[len(got)-1] != st {
				out = append(out, fmt.Sprintf("%s: got %v, want ending %v", id, got, st))
			}
		}
		// An update whose acknowledgement failed (the master was down) comes back
		// with the agent's retry and the client acknowledges it then: the agent's
		// checkpoint has an acknowledgement for every update.
		records, err := readAFRecords(filepath.Join(work, "agent", "meta"))
		if err != nil {
			out = append(out, "agent checkpoints: "+err.Error())
		}
		for _, u := range records.unacked() {
			out = append(out, "update "+u+" not acknowledged at the agent yet")
		}
		slices.Sort(out)
		return out
	}
	deadline := time.Now().Add(120 * time.Second) // agent retries: 10 s, doubling
	for len(missing()) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if m := missing(); len(m) > 0 {
		t.Errorf("tasks whose true state, or updates whose acknowledgement, did not reach their end within 120s:\n%s", strings.Join(m, "\n"))
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, id := range rec.subscribed {
		if id != frameworkID {
			t.Errorf("SUBSCRIBED framework IDs = %v, want %s every time", rec.subscribed, frameworkID)
			break
		}
	}
	if len(rec.subscribed) != loops+1 {
		t.Errorf("SUBSCRIBED %d times, want %d (once, then after each of %d restarts)", len(rec.subscribed), loops+1, loops)
	}
	// Mesos delivers at least once (an acknowledgement that dies with a master makes
	// the agent send the update again); the client keeps those retries back, so the
	// framework gets every update exactly once, and each task's in order (STARTING,
	// RUNNING, then its true terminal state), none lost.
	for uuid, n := range rec.byUUID {
		if n != 1 {
			t.Errorf("update %x (%s) delivered to the framework %d times, want exactly once", uuid, rec.what[uuid], n)
		}
	}
	duplicates := c.DuplicateUpdates()
	for id, states := range rec.states {
		wantSeq := []mesos.TaskState{mesos.TaskStarting, mesos.TaskRunning}
		if want[id] != mesos.TaskRunning {
			wantSeq = append(wantSeq, want[id])
		}
		if !slices.Equal(states, wantSeq) {
			t.Errorf("task %s updates = %v, want %v (in order)", id, states, wantSeq)
		}
	}
	slices.Sort(reregister)
	slices.Sort(resubscribe)
	t.Logf("master kill -9 loops: %d survived; %d tasks (%d launched again after reconciliation), %d status updates, "+
		"none lost, each delivered once (%d retries of updates whose acknowledgement died with a master kept back by the client); after a restart "+
		"the agent reregistered in %v median (min %v, max %v), the framework resubscribed in %v median",
		loops, len(want), rec.relaunched, len(rec.byUUID), duplicates, reregister[len(reregister)/2], reregister[0],
		reregister[len(reregister)-1], resubscribe[len(resubscribe)/2])
	m.stop(t)
	agent.stop(t)
	if t.Failed() {
		t.Logf("master log:\n%s\nagent log:\n%s", m.tail(), agent.tail())
	}
}
