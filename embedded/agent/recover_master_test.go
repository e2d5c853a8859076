package agent

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"os/user"
	"path/filepath"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// masterEnv is an agent with the embedded master, served over HTTP on loopback on a
// paused clock, and a v1 framework (schedclient) that acknowledges explicitly.
type masterEnv struct {
	t      *testing.T
	rt     *process.Runtime
	master *master.Master
	url    string
	cfg    Config
	agent  *Agent
	events *eventLog
	client *schedclient.Client
	sched  chan *scheduler.Event
	seed   uint64
}

func newMasterEnv(t *testing.T) *masterEnv {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ev := newEventLog()
	rt, err := process.New(process.Config{Workers: 2, Listener: ln, Delegate: master.ID, Observer: ev})
	if err != nil {
		t.Fatal(err)
	}
	rt.Clock().Pause()
	e := &masterEnv{t: t, rt: rt, url: "http://" + ln.Addr().String(), events: ev, sched: make(chan *scheduler.Event, 100), seed: 1}
	t.Cleanup(func() {
		rt.Clock().Resume()
		rt.Stop(context.Background())
	})
	mcfg := master.Config{ID: "M"}
	mcfg.Allocator.Seed = 1
	if e.master, err = master.New(rt, mcfg); err != nil {
		t.Fatal(err)
	}
	e.cfg = Config{
		Master:    e.master.Self(),
		WorkDir:   t.TempDir(),
		Resources: "cpus:2;mem:1024;disk:1024;ports:[31000-32000]",
		Hostname:  "agent.example",
		Logger:    slog.New(slog.DiscardHandler),
		Containerizer: containerizer.Config{
			Isolation: []string{"posix/cpu", "posix/mem"},
			Shim:      testShim,
		},
	}
	e.startAgent()
	e.untilAgent(func(a *Agent) bool { return a.state == StateRunning })
	return e
}

// startAgent starts an agent with the env's config, a fresh seed and the PID of the
// agent before it.
func (e *masterEnv) startAgent() {
	e.t.Helper()
	cfg := e.cfg
	cfg.Seed = e.seed
	e.seed++
	if e.agent != nil {
		cfg.ID = e.agent.Self().ID
	}
	a, err := New(e.rt, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.agent = a
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		e.rt.Clock().Resume()
		a.Stop(ctx, true)
	})
	e.rt.Settle()
}

// untilAgent advances the clock in small steps until cond holds on the agent.
func (e *masterEnv) untilAgent(cond func(a *Agent) bool) {
	e.t.Helper()
	for range 200 {
		ok, err := process.Dispatch(e.rt, e.agent.Self(), "test", func() (bool, error) { return cond(e.agent), nil }).Await(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if ok {
			return
		}
		e.rt.Clock().Advance(50 * time.Millisecond)
		e.rt.Settle()
	}
	e.t.Fatal("agent condition not reached")
}

// subscribe starts the framework (checkpointing) and waits for SUBSCRIBED.
func (e *masterEnv) subscribe() {
	e.t.Helper()
	u, err := user.Current()
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := schedclient.New(schedclient.Config{
		Master:    e.url,
		Framework: mesos.FrameworkInfo{User: u.Username, Name: "recovery", Checkpoint: true},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.client = c
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- c.Run(ctx, func(_ context.Context, ev *scheduler.Event) {
			if ev.Type != scheduler.EventHeartbeat {
				e.sched <- ev
			}
		})
	}()
	e.t.Cleanup(func() { cancel(); <-done })
	e.next(scheduler.EventSubscribed)
}

// next returns the framework's next event, which must be of type typ.
func (e *masterEnv) next(typ scheduler.EventType) *scheduler.Event {
	e.t.Helper()
	select {
	case ev := <-e.sched:
		if ev.Type != typ {
			e.t.Fatalf("framework event = %s, want %v", scheduler.DescribeEvent(ev), typ)
		}
		return ev
	case <-time.After(waitFor):
		e.t.Fatalf("no %v event within %v", typ, waitFor)
		return nil
	}
}

// update returns the framework's next UPDATE, acknowledging it when it has a uuid.
func (e *masterEnv) update() mesos.TaskStatus {
	e.t.Helper()
	st := e.next(scheduler.EventUpdate).Update.Status
	if len(st.UUID) > 0 {
		if err := e.client.Acknowledge(context.Background(), &st); err != nil {
			e.t.Fatal(err)
		}
		e.rt.Settle()
	}
	return st
}

// noUpdateBefore checks, without waiting on time, that the framework receives no
// update from the agent: it asks the master to reconcile the task, whose answer
// (REASON_RECONCILIATION, no uuid) must be the next event, as the master writes a
// framework's events in order and has handled every agent message by now.
func (e *masterEnv) noUpdateBefore(taskID string) mesos.TaskStatus {
	e.t.Helper()
	e.rt.Settle()
	if err := e.client.Reconcile(context.Background(), scheduler.ReconcileTask{TaskID: mesos.TaskID{Value: taskID}}); err != nil {
		e.t.Fatal(err)
	}
	st := e.update()
	if st.Reason == nil || *st.Reason != mesos.ReasonReconciliation || len(st.UUID) != 0 {
		e.t.Fatalf("next update = %s (uuid %x), want the reconciliation answer", describeStatus(st), st.UUID)
	}
	return st
}

func describeStatus(st mesos.TaskStatus) string {
	return describe(mesos.StatusUpdate{Status: st})
}

// masterTasks returns the master's tasks (/master/tasks) as id → state.
func (e *masterEnv) masterTasks() map[string][]string {
	e.t.Helper()
	resp, err := http.Get(e.url + "/master/tasks")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		Tasks []struct {
			ID    string `json:"id"`
			State string `json:"state"`
		} `json:"tasks"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		e.t.Fatal(err)
	}
	out := map[string][]string{}
	for _, tk := range v.Tasks {
		out[tk.ID] = append(out[tk.ID], tk.State)
	}
	return out
}

// With the embedded master and a v1 framework: a task running when the agent
// crashes is still RUNNING in the master after the agent recovered and re-registered
// (same agent, no duplicate task, no TASK_LOST), the framework gets nothing new, and
// the task's end reaches it exactly once.
func TestRecoverWithMaster(t *testing.T) {
	e := newMasterEnv(t)
	e.subscribe()
	e.rt.Clock().Advance(time.Second) // an allocation cycle
	e.rt.Settle()
	offer := e.next(scheduler.EventOffers).Offers.Offers[0]
	gate := filepath.Join(t.TempDir(), "gate")
	task := commandTask("t1", gated(gate, 0))
	task.AgentID = offer.AgentID
	task.Resources = mesos.ResourcesOf(resources.MustParse("cpus:0.5;mem:64"))
	if err := e.client.Launch(context.Background(), offer.ID, task); err != nil {
		t.Fatal(err)
	}
	e.rt.Settle()
	for _, want := range []mesos.TaskState{mesos.TaskStarting, mesos.TaskRunning} {
		if st := e.update(); st.State != want {
			t.Fatalf("update = %s, want %v", describeStatus(st), want)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := e.agent.Crash(ctx); err != nil {
		t.Fatal(err)
	}
	e.rt.Settle()
	e.startAgent()
	e.events.until(t, "agent recovered", func() bool { return e.events.count("agent.recovered") >= 2 })
	e.untilAgent(func(a *Agent) bool { return a.state == StateRunning })
	if got := e.agent.agentIDForTest(e.rt); got != offer.AgentID.Value {
		t.Errorf("recovered agent ID = %s, want %s", got, offer.AgentID.Value)
	}
	if st := e.noUpdateBefore("t1"); st.State != mesos.TaskRunning {
		t.Errorf("master's state of the recovered task = %v, want TASK_RUNNING", st.State)
	}
	if got := e.masterTasks(); len(got["t1"]) != 1 || got["t1"][0] != "TASK_RUNNING" {
		t.Errorf("master tasks = %v, want t1 once, TASK_RUNNING", got)
	}

	openGate(t, gate)
	st := e.update()
	if got, want := describeStatus(st), "TASK_FINISHED SOURCE_EXECUTOR Command exited with status 0"; got != want {
		t.Errorf("update after recovery = %q, want %q", got, want)
	}
	e.noUpdateBefore("t1")
	if got := e.masterTasks(); len(got["t1"]) != 1 || got["t1"][0] != "TASK_FINISHED" {
		t.Errorf("master tasks after the end = %v, want t1 once, TASK_FINISHED", got)
	}
}

// agentIDForTest reads the agent's ID on its process.
func (a *Agent) agentIDForTest(rt *process.Runtime) string {
	id, _ := process.Dispatch(rt, a.Self(), "test", func() (string, error) { return a.agentID(), nil }).Await(context.Background())
	return id
}
