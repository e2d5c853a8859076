package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

func startLocal(t *testing.T, agents int) *Local {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := StartLocal(LocalConfig{
		Listener: ln, WorkDir: t.TempDir(), NumAgents: agents,
		DefaultAgent: AgentSpec{Resources: "cpus:2;mem:512;disk:1024;ports:[31000-31099]", Hostname: "localhost"},
		Agent: agent.Config{
			RegistrationBackoffFactor: 10 * time.Millisecond,
			StatusUpdateRetryMin:      100 * time.Millisecond, StatusUpdateRetryMax: time.Second,
			Containerizer: containerizer.Config{Shim: testShim(), Isolation: []string{"posix/cpu", "posix/mem"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := l.Stop(ctx, true); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return l
}

// recorder keeps a framework's updates per task.
type recorder struct {
	mu      sync.Mutex
	states  map[string][]mesos.TaskState
	msgs    map[string]string
	changed chan struct{}
}

func newRecorder() *recorder {
	return &recorder{states: map[string][]mesos.TaskState{}, msgs: map[string]string{}, changed: make(chan struct{}, 1)}
}

func (r *recorder) add(s *mesos.TaskStatus) {
	r.mu.Lock()
	r.states[s.TaskID.Value] = append(r.states[s.TaskID.Value], s.State)
	r.msgs[s.TaskID.Value] = s.Message
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// wait waits (bounded) until task has reached state.
func (r *recorder) wait(t *testing.T, task string, state mesos.TaskState) []mesos.TaskState {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		r.mu.Lock()
		got := append([]mesos.TaskState(nil), r.states[task]...)
		r.mu.Unlock()
		for _, s := range got {
			if s == state {
				return got
			}
			if s.IsTerminal() {
				r.mu.Lock()
				msg := r.msgs[task]
				r.mu.Unlock()
				t.Fatalf("task %s: states %v (last message %q), want %v", task, got, msg, state)
			}
		}
		select {
		case <-r.changed:
		case <-deadline:
			r.mu.Lock()
			msg := r.msgs[task]
			r.mu.Unlock()
			t.Fatalf("task %s: states %v (last message %q), want %v within 60s", task, got, msg, state)
		}
	}
}

// A framework written against the documented HTTP API only (schedclient)
// runs real processes on the in-process cluster: one that succeeds, one
// that fails, one that is killed.
func TestLocalClusterRunsTasks(t *testing.T) {
	l := startLocal(t, 2)
	fw := startFramework(t, l, mesos.FrameworkInfo{User: currentUser(), Name: "e2e"})
	rec, offers, c, ctx := fw.rec, fw.offers, fw.c, context.Background()
	defer func() {
		if err := fw.stop(); err != nil && err != context.Canceled {
			t.Errorf("Run: %v", err)
		}
	}()
	shell := true
	task := func(id, cmd string, agentID mesos.AgentID) mesos.TaskInfo {
		return mesos.TaskInfo{Name: id, TaskID: mesos.TaskID{Value: id}, AgentID: agentID,
			Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:32")),
			Command:   &mesos.CommandInfo{Shell: &shell, Value: &cmd}}
	}
	var o mesos.Offer
	select {
	case o = <-offers:
	case <-time.After(30 * time.Second):
		t.Fatal("no offer within 30s")
	}
	if err := c.Launch(ctx, o.ID, task("ok", "echo hello", o.AgentID), task("fails", "exit 3", o.AgentID), task("sleeper", "sleep 60", o.AgentID)); err != nil {
		t.Fatal(err)
	}
	if got := rec.wait(t, "ok", mesos.TaskFinished); !containsInOrder(got, mesos.TaskStarting, mesos.TaskRunning, mesos.TaskFinished) {
		t.Errorf("ok: states %v, want STARTING, RUNNING, FINISHED", got)
	}
	rec.wait(t, "fails", mesos.TaskFailed)
	rec.mu.Lock()
	msg := rec.msgs["fails"]
	rec.mu.Unlock()
	if !strings.Contains(msg, "exited with status 3") {
		t.Errorf("fails: message %q, want the exit status", msg)
	}
	rec.wait(t, "sleeper", mesos.TaskRunning)
	if err := c.Kill(ctx, mesos.TaskID{Value: "sleeper"}, &o.AgentID); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "sleeper", mesos.TaskKilled)
}

func containsInOrder(got []mesos.TaskState, want ...mesos.TaskState) bool {
	i := 0
	for _, s := range got {
		if i < len(want) && s == want[i] {
			i++
		}
	}
	return i == len(want)
}

// LAUNCH_GROUP over the scheduler API: the agent runs the group under one
// default executor, each task in a nested container.
func TestLocalClusterRunsTaskGroup(t *testing.T) {
	l := startLocal(t, 1)
	fw := startFramework(t, l, mesos.FrameworkInfo{User: currentUser(), Name: "group-e2e"})
	defer fw.stop()
	rec, offers, c, ctx := fw.rec, fw.offers, fw.c, context.Background()
	var o mesos.Offer
	select {
	case o = <-offers:
	case <-time.After(30 * time.Second):
		t.Fatal("no offer within 30s")
	}
	shell := true
	task := func(id, cmd string) mesos.TaskInfo {
		return mesos.TaskInfo{Name: id, TaskID: mesos.TaskID{Value: id}, AgentID: o.AgentID,
			Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:32")), Command: &mesos.CommandInfo{Shell: &shell, Value: &cmd}}
	}
	exec := mesos.ExecutorInfo{Type: mesos.ExecutorDefault, ExecutorID: mesos.ExecutorID{Value: "group-exec"},
		Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:32"))}
	err := c.Accept(ctx, []mesos.OfferID{o.ID}, []mesos.OfferOperation{{Type: mesos.OperationLaunchGroup, LaunchGroup: &mesos.LaunchGroupOperation{
		Executor: exec, TaskGroup: mesos.TaskGroupInfo{Tasks: []mesos.TaskInfo{task("g-ok", "true"), task("g-sleep", "sleep 60")}},
	}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "g-ok", mesos.TaskFinished)
	rec.wait(t, "g-sleep", mesos.TaskRunning)
	if err := c.Kill(ctx, mesos.TaskID{Value: "g-sleep"}, &o.AgentID); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "g-sleep", mesos.TaskKilled)
}

// A scheduler that goes away and comes back with its FrameworkID within
// failover_timeout keeps its running task, and reconciliation reports it.
func TestLocalClusterFailoverAndReconcile(t *testing.T) {
	l := startLocal(t, 1)
	info := mesos.FrameworkInfo{User: currentUser(), Name: "failover-e2e", FailoverTimeout: 60}
	start := func(info mesos.FrameworkInfo) *session { return startFramework(t, l, info) }
	first := start(info)
	var o mesos.Offer
	select {
	case o = <-first.offers:
	case <-time.After(30 * time.Second):
		t.Fatal("no offer within 30s")
	}
	shell, cmd := true, "sleep 60"
	if err := first.c.Launch(context.Background(), o.ID, mesos.TaskInfo{Name: "long", TaskID: mesos.TaskID{Value: "long"}, AgentID: o.AgentID,
		Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:32")), Command: &mesos.CommandInfo{Shell: &shell, Value: &cmd}}); err != nil {
		t.Fatal(err)
	}
	first.rec.wait(t, "long", mesos.TaskRunning)
	id := first.c.FrameworkID()
	first.stop()

	info.ID = &mesos.FrameworkID{Value: id}
	second := start(info)
	defer func() { _ = second.stop() }()
	deadline := time.Now().Add(30 * time.Second)
	for second.c.FrameworkID() != id {
		if time.Now().After(deadline) {
			t.Fatalf("resubscribed as %q, want %q", second.c.FrameworkID(), id)
		}
		time.Sleep(10 * time.Millisecond) // waiting for SUBSCRIBED over HTTP
	}
	if err := second.c.Reconcile(context.Background()); err != nil {
		t.Fatal(err)
	}
	second.rec.wait(t, "long", mesos.TaskRunning)
	if err := second.c.Kill(context.Background(), mesos.TaskID{Value: "long"}, &o.AgentID); err != nil {
		t.Fatal(err)
	}
	second.rec.wait(t, "long", mesos.TaskKilled)
}

// session is a framework on the scheduler API (schedclient) that records
// its offers and updates, acknowledging every update.
type session struct {
	c      *schedclient.Client
	rec    *recorder
	offers chan mesos.Offer
	// stop ends the subscription and returns what Run returned.
	stop func() error
}

func startFramework(t *testing.T, l *Local, info mesos.FrameworkInfo) *session {
	t.Helper()
	s := &session{rec: newRecorder(), offers: make(chan mesos.Offer, 16)}
	c, err := schedclient.New(schedclient.Config{Master: l.URL(), Framework: info, AutoAck: true})
	if err != nil {
		t.Fatal(err)
	}
	s.c = c
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- c.Run(ctx, func(_ context.Context, e *scheduler.Event) {
			switch e.Type {
			case scheduler.EventOffers:
				for _, o := range e.Offers.Offers {
					s.offers <- o
				}
			case scheduler.EventUpdate:
				s.rec.add(&e.Update.Status)
			}
		})
	}()
	s.stop = func() error { cancel(); return <-done }
	return s
}

// With automatic isolation on a machine whose cgroups cannot enforce limits, the
// cluster checks once and its agents use posix isolation: the fallback is logged
// once, not by each agent.
func TestLocalClusterLogsCgroupsFallbackOnce(t *testing.T) {
	var logs syncBuffer
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cgroups := t.TempDir() // a cgroup2 mount with no cpu or memory controller
	if err := os.WriteFile(filepath.Join(cgroups, "cgroup.controllers"), []byte("hugetlb pids\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := StartLocal(LocalConfig{
		Listener: ln, WorkDir: t.TempDir(), NumAgents: 3, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		DefaultAgent: AgentSpec{Resources: "cpus:1;mem:128;disk:10;ports:[31000-31001]", Hostname: "localhost"},
		Agent: agent.Config{RegistrationBackoffFactor: 10 * time.Millisecond,
			Containerizer: containerizer.Config{Shim: testShim(), CgroupMount: cgroups}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := l.Stop(ctx, true); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	// Every agent registers and so builds its containerizer (Slave::registered).
	deadline := time.Now().Add(30 * time.Second)
	for activeAgents(t, l.URL()) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("agents did not register within 30s")
		}
		l.Runtime().Settle()
	}
	l.Runtime().Settle()
	if n := strings.Count(logs.String(), "cgroups v2 enforcement unavailable"); n != 1 {
		t.Errorf("the cgroups fallback was logged %d times, want once:\n%s", n, logs.String())
	}
}

// activeAgents reads the number of active agents from /master/state-summary.
func activeAgents(t *testing.T, base string) int {
	t.Helper()
	resp, err := http.Get(base + "/master/state-summary")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct {
		Slaves []struct {
			Active bool `json:"active"`
		} `json:"slaves"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range s.Slaves {
		if a.Active {
			n++
		}
	}
	return n
}

// syncBuffer is a bytes.Buffer safe for the cluster's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
