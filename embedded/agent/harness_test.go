package agent

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// waitFor bounds how long a test waits for real processes.
const waitFor = 30 * time.Second

// fakeMaster is a master process that records what agents send it. With register
// set it answers RegisterSlaveMessage and ReregisterSlaveMessage; with ack set it
// acknowledges every status update at once.
type fakeMaster struct {
	process.Base
	register bool
	ack      bool
	agentID  string
	pingSecs *float64
	clock    *process.Clock

	mu           sync.Mutex
	registers    []time.Time
	lastRegister mesos.RegisterSlaveMessage
	reregisters  []mesos.ReregisterSlaveMessage
	unregistered int
	updates      []mesos.StatusUpdate
	updateCh     chan mesos.StatusUpdate
	exitedCh     chan mesos.ExitedExecutorMessage
	agent        process.PID
}

func newFakeMaster() *fakeMaster {
	return &fakeMaster{register: true, agentID: "S0", updateCh: make(chan mesos.StatusUpdate, 1000),
		exitedCh: make(chan mesos.ExitedExecutorMessage, 100)}
}

func (m *fakeMaster) Initialize() {
	m.clock = m.Runtime().Clock()
	conn := &mesos.MasterSlaveConnection{TotalPingTimeoutSeconds: m.pingSecs}
	process.Install(&m.Base, mesos.RegisterSlaveMessageName, func(from process.PID, msg mesos.RegisterSlaveMessage) {
		m.mu.Lock()
		m.registers = append(m.registers, m.clock.Now())
		m.lastRegister = msg
		m.agent = from
		m.mu.Unlock()
		if m.register {
			m.Send(from, mesos.SlaveRegisteredMessageName, mesos.SlaveRegisteredMessage{SlaveID: mesos.AgentID{Value: m.agentID}, Connection: conn})
		}
	})
	process.Install(&m.Base, mesos.ReregisterSlaveMessageName, func(from process.PID, msg mesos.ReregisterSlaveMessage) {
		m.mu.Lock()
		m.reregisters = append(m.reregisters, msg)
		m.mu.Unlock()
		if m.register {
			m.Send(from, mesos.SlaveReregisteredMessageName, mesos.SlaveReregisteredMessage{SlaveID: *msg.Slave.ID, Connection: conn})
		}
	})
	process.Install(&m.Base, mesos.UnregisterSlaveMessageName, func(process.PID, mesos.UnregisterSlaveMessage) {
		m.mu.Lock()
		m.unregistered++
		m.mu.Unlock()
	})
	process.Install(&m.Base, mesos.ExitedExecutorMessageName, func(_ process.PID, msg mesos.ExitedExecutorMessage) {
		m.exitedCh <- msg
	})
	process.Install(&m.Base, mesos.StatusUpdateMessageName, func(from process.PID, msg mesos.StatusUpdateMessage) {
		m.mu.Lock()
		m.updates = append(m.updates, msg.Update)
		m.mu.Unlock()
		m.updateCh <- msg.Update
		if m.ack {
			m.Send(from, mesos.StatusUpdateAcknowledgementMessageName, ackOf(msg.Update))
		}
	})
}

// ackOf is the acknowledgement of an update.
func ackOf(u mesos.StatusUpdate) mesos.StatusUpdateAcknowledgementMessage {
	return mesos.StatusUpdateAcknowledgementMessage{
		SlaveID: *u.SlaveID, FrameworkID: u.FrameworkID, TaskID: u.Status.TaskID, UUID: u.UUID,
	}
}

// send sends a message from the master to the agent.
func (m *fakeMaster) send(to process.PID, name string, body any) {
	process.Do(m.Runtime(), m.Self(), "send", func() { m.Send(to, name, body) })
}

func (m *fakeMaster) registerTimes() []time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]time.Time(nil), m.registers...)
}

func (m *fakeMaster) reregistrations() []mesos.ReregisterSlaveMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mesos.ReregisterSlaveMessage(nil), m.reregisters...)
}

func (m *fakeMaster) allUpdates() []mesos.StatusUpdate {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mesos.StatusUpdate(nil), m.updates...)
}

// next waits for the next status update to reach the master.
func (m *fakeMaster) next(t *testing.T) mesos.StatusUpdate {
	t.Helper()
	select {
	case u := <-m.updateCh:
		return u
	case <-time.After(waitFor):
		t.Fatalf("no status update reached the master within %v", waitFor)
		return mesos.StatusUpdate{}
	}
}

// nextExited waits for the next ExitedExecutorMessage to reach the master.
func (m *fakeMaster) nextExited(t *testing.T) mesos.ExitedExecutorMessage {
	t.Helper()
	select {
	case msg := <-m.exitedCh:
		return msg
	case <-time.After(waitFor):
		t.Fatalf("no ExitedExecutorMessage reached the master within %v", waitFor)
		return mesos.ExitedExecutorMessage{}
	}
}

// none checks that no status update is waiting.
func (m *fakeMaster) none(t *testing.T) {
	t.Helper()
	select {
	case u := <-m.updateCh:
		t.Fatalf("unexpected status update %s", describeUpdate(u))
	default:
	}
}

// eventLog records the runtime's point events.
type eventLog struct {
	observe.Nop
	mu     sync.Mutex
	events []observe.Event
	notify chan struct{} // signalled after every event
}

func newEventLog() *eventLog { return &eventLog{notify: make(chan struct{}, 1)} }

func (l *eventLog) Needs() observe.Needs { return observe.NeedEvents }
func (l *eventLog) Event(_ *observe.Dispatch, e observe.Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
	select {
	case l.notify <- struct{}{}:
	default:
	}
}

// until waits until cond holds, re-checking it after every event (agents and
// containerizers report each step of a task as an event), for at most waitFor.
func (l *eventLog) until(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(waitFor)
	for !cond() {
		select {
		case <-l.notify:
		case <-deadline:
			t.Fatalf("%s: not within %v", what, waitFor)
		}
	}
}

// has reports whether an event of type typ with the given attributes happened.
func (l *eventLog) has(typ string, attrs ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
next:
	for _, e := range l.events {
		if e.Type != typ {
			continue
		}
		for i := 0; i+1 < len(attrs); i += 2 {
			if v, _ := e.Get(attrs[i]); v != attrs[i+1] {
				continue next
			}
		}
		return true
	}
	return false
}

// taskStates returns the "task.state" events as "task:STATE[:REASON]".
func (l *eventLog) taskStates() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.events {
		if e.Type != "task.state" {
			continue
		}
		id, _ := e.Get("mesos.task_id")
		st, _ := e.Get("mesos.task_state")
		s := id + ":" + st
		if r, _ := e.Get("mesos.reason"); r != "" {
			s += ":" + r
		}
		out = append(out, s)
	}
	return out
}

// testEnv is a runtime on a paused clock with a fake master and an agent.
type testEnv struct {
	rt     *process.Runtime
	master *fakeMaster
	agent  *Agent
	events *eventLog
	work   string
}

type envOption func(*Config, *fakeMaster)

// newWorld starts what every agent test runs in: a runtime on a paused clock, a fake
// master, and the agent configuration (posix isolation, small resources) changed by
// opts, with its Master set. The runtime stops at the end of the test. With
// AGENT_TEST_DEBUG (or RECOVER_DEBUG) set, the agent logs at debug level to stderr.
func newWorld(t testing.TB, opts ...envOption) (*testEnv, Config) {
	t.Helper()
	ev := newEventLog()
	rt, err := process.New(process.Config{Workers: 2, Observer: ev})
	if err != nil {
		t.Fatal(err)
	}
	rt.Clock().Pause()
	t.Cleanup(func() {
		rt.Clock().Resume()
		rt.Stop(context.Background())
	})
	m := newFakeMaster()
	cfg := Config{
		WorkDir:    t.TempDir(),
		Resources:  "cpus:2;mem:1024;disk:1024;ports:[31000-32000]",
		Attributes: "rack:r1;zone:a",
		Hostname:   "agent.example",
		Seed:       1,
		Logger:     slog.New(slog.DiscardHandler),
		Containerizer: containerizer.Config{
			Isolation: []string{"posix/cpu", "posix/mem"},
			Shim:      testShim,
		},
	}
	for _, o := range opts {
		o(&cfg, m)
	}
	if os.Getenv("AGENT_TEST_DEBUG") != "" || os.Getenv("RECOVER_DEBUG") != "" {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	mpid, err := rt.Spawn("master", m)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Master = mpid
	return &testEnv{rt: rt, master: m, events: ev, work: cfg.WorkDir}, cfg
}

// newEnv starts a world (newWorld) and an agent in it. The agent is not registered
// yet.
func newEnv(t testing.TB, opts ...envOption) *testEnv {
	t.Helper()
	env, cfg := newWorld(t, opts...)
	a, err := New(env.rt, cfg)
	if err != nil {
		t.Fatal(err)
	}
	env.rt.Settle() // the agent has initialized and armed its first registration timer
	env.agent = a
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitFor)
		defer cancel()
		env.rt.Clock().Resume()
		a.Stop(ctx, true)
	})
	return env
}

// registerAgent advances the clock until the agent has registered.
func (e *testEnv) registerAgent(t testing.TB) {
	t.Helper()
	for i := 0; i < 100 && len(e.master.registerTimes()) == 0; i++ {
		e.rt.Clock().Advance(100 * time.Millisecond)
		e.rt.Settle()
	}
	e.rt.Settle()
	if got := e.agentState(t); got != StateRunning {
		t.Fatalf("agent state after registration = %v, want RUNNING", got)
	}
}

// agentState reads the agent's state on its process.
func (e *testEnv) agentState(t testing.TB) State {
	t.Helper()
	s, err := process.Dispatch(e.rt, e.agent.Self(), "state", func() (State, error) { return e.agent.state, nil }).Await(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// onAgent runs fn on the agent's process and waits for it.
func (e *testEnv) onAgent(t testing.TB, fn func(a *Agent)) {
	t.Helper()
	_, err := process.Dispatch(e.rt, e.agent.Self(), "test", func() (struct{}, error) { fn(e.agent); return struct{}{}, nil }).Await(context.Background())
	if err != nil {
		t.Fatal(err)
	}
}

// framework returns a FrameworkInfo for tests.
func testFramework(id string, caps ...mesos.FrameworkCapabilityType) mesos.FrameworkInfo {
	fw := mesos.FrameworkInfo{User: "", Name: "test", ID: &mesos.FrameworkID{Value: id}, Role: "*"}
	for _, c := range caps {
		fw.Capabilities = append(fw.Capabilities, mesos.FrameworkCapability{Type: c})
	}
	return fw
}

// commandTask returns a shell command task.
func commandTask(id, cmd string) mesos.TaskInfo {
	return mesos.TaskInfo{
		Name:      id,
		TaskID:    mesos.TaskID{Value: id},
		AgentID:   mesos.AgentID{Value: "S0"},
		Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:32")),
		Command:   mesos.ShellCommand(cmd),
	}
}

// runTask sends RunTaskMessage from the master.
func (e *testEnv) runTask(fw mesos.FrameworkInfo, task mesos.TaskInfo) {
	e.master.send(e.agent.Self(), mesos.RunTaskMessageName, mesos.RunTaskMessage{Framework: fw, Task: task})
}

// ack acknowledges an update from the master.
func (e *testEnv) ack(u mesos.StatusUpdate) {
	e.master.send(e.agent.Self(), mesos.StatusUpdateAcknowledgementMessageName, ackOf(u))
}

// get serves a GET request through the runtime.
func (e *testEnv) get(t testing.TB, path string) (int, []byte) {
	t.Helper()
	return serve(t, e.rt, httptest.NewRequest(http.MethodGet, path, nil))
}

// post serves a POST to the agent's api/v1.
func (e *testEnv) post(t testing.TB, body string, header map[string]string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/"+e.agent.Self().ID+"/api/v1", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return serve(t, e.rt, req)
}

func serve(t testing.TB, rt *process.Runtime, req *http.Request) (int, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, req)
	body, err := io.ReadAll(rec.Result().Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, body
}

// decode unmarshals JSON into v or fails the test.
func decode(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// describe renders an update as "STATE source [reason] message" for comparisons.
func describe(u mesos.StatusUpdate) string {
	s := u.Status.State.String()
	if u.Status.Source != nil {
		s += " " + u.Status.Source.String()
	}
	if u.Status.Reason != nil {
		s += " " + u.Status.Reason.String()
	}
	if u.Status.Message != "" {
		s += " " + u.Status.Message
	}
	return s
}
