package tracer

import (
	"context"
	"maps"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// startLocal starts an in-process cluster with one agent, observed by obs (nil: none).
func startLocal(t *testing.T, obs observe.Observer) *cluster.Local {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := cluster.StartLocal(cluster.LocalConfig{
		Listener: ln, WorkDir: t.TempDir(), NumAgents: 1, Observer: obs,
		DefaultAgent: cluster.AgentSpec{Resources: "cpus:1;mem:256;disk:100;ports:[31000-31001]", Hostname: "localhost"},
		Master:       master.Config{AgentPingTimeout: 100 * time.Millisecond},
		Agent:        agent.Config{RegistrationBackoffFactor: 10 * time.Millisecond, Containerizer: containerizer.Config{Isolation: []string{"posix/cpu", "posix/mem"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// stopLocal stops the cluster.
func stopLocal(t *testing.T, l *cluster.Local) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Stop(ctx, true); err != nil {
		t.Fatal(err)
	}
}

// testFramework is a scheduler on a local cluster that launches its tasks on the
// first offer and records the state of every update it hears.
type testFramework struct {
	t       *testing.T
	c       *schedclient.Client
	mu      sync.Mutex
	states  map[string][]mesos.TaskState
	agentID mesos.AgentID
	changed chan struct{}
	cancel  context.CancelFunc
	done    chan error
}

// startFramework subscribes a framework named name that launches tasks (task id →
// shell command) together on its first offer.
func startFramework(t *testing.T, l *cluster.Local, name string, tasks map[string]string) *testFramework {
	t.Helper()
	return startFrameworkWith(t, l, name, tasks, nil)
}

// startFrameworkWith is startFramework with a CallObserver on the framework's client.
func startFrameworkWith(t *testing.T, l *cluster.Local, name string, tasks map[string]string, obs schedclient.CallObserver) *testFramework {
	t.Helper()
	c, err := schedclient.New(schedclient.Config{Master: l.URL(), Framework: mesos.FrameworkInfo{User: currentUser(t), Name: name}, AutoAck: true, CallObserver: obs})
	if err != nil {
		t.Fatal(err)
	}
	f := &testFramework{t: t, c: c, states: map[string][]mesos.TaskState{}, changed: make(chan struct{}, 1), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	launched := false
	go func() {
		f.done <- c.Run(ctx, func(ctx context.Context, e *scheduler.Event) {
			switch {
			case e.Type == scheduler.EventOffers && !launched:
				launched = true
				o := e.Offers.Offers[0]
				f.mu.Lock()
				f.agentID = o.AgentID
				f.mu.Unlock()
				var infos []mesos.TaskInfo
				for _, id := range slices.Sorted(maps.Keys(tasks)) {
					shell, cmd := true, tasks[id]
					infos = append(infos, mesos.TaskInfo{Name: id, TaskID: mesos.TaskID{Value: id}, AgentID: o.AgentID,
						Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:32")), Command: &mesos.CommandInfo{Shell: &shell, Value: &cmd}})
				}
				if err := c.Launch(ctx, o.ID, infos...); err != nil {
					t.Errorf("launch: %v", err)
				}
			case e.Type == scheduler.EventUpdate:
				st := e.Update.Status
				f.mu.Lock()
				f.states[st.TaskID.Value] = append(f.states[st.TaskID.Value], st.State)
				f.mu.Unlock()
				select {
				case f.changed <- struct{}{}:
				default:
				}
			}
		})
	}()
	return f
}

// wait returns once the scheduler has heard state for the task (bounded: 30 s).
func (f *testFramework) wait(taskID string, state mesos.TaskState) {
	f.t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		seen := slices.Contains(f.states[taskID], state)
		f.mu.Unlock()
		if seen {
			return
		}
		select {
		case <-f.changed:
		case <-deadline.C:
			f.t.Fatalf("task %s did not reach %s within 30s", taskID, state)
		}
	}
}

// kill asks the master to kill a task.
func (f *testFramework) kill(taskID string) {
	f.t.Helper()
	f.mu.Lock()
	agentID := f.agentID
	f.mu.Unlock()
	if err := f.c.Kill(context.Background(), mesos.TaskID{Value: taskID}, &agentID); err != nil {
		f.t.Fatalf("kill %s: %v", taskID, err)
	}
}

// stop disconnects the framework.
func (f *testFramework) stop() {
	f.cancel()
	<-f.done
}

// launchTask runs a framework named name that launches one task running "true" and
// returns once the scheduler hears TASK_FINISHED.
func launchTask(t *testing.T, l *cluster.Local, name, taskID string) {
	t.Helper()
	f := startFramework(t, l, name, map[string]string{taskID: "true"})
	defer f.stop()
	f.wait(taskID, mesos.TaskFinished)
}

// A task launched on a local cluster traced always-on: dispatch spans of the master,
// the allocator and the agent carry the Go handler and the Mesos function; there are
// allocation cycle and offer spans; the task span runs from TASK_STAGING to
// TASK_FINISHED in the trace of the ACCEPT, with the agent's RunTaskMessage handler
// under it; the container span has its states in order.
func TestLocalClusterSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tr, err := New(WithEnv(noEnv), WithSpanProcessor(rec), WithFlushInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	l := startLocal(t, tr)
	if err := tr.Attach(l.Runtime()); err != nil {
		t.Fatal(err)
	}
	launchTask(t, l, "spans", "t1")
	stopLocal(t, l)
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := tr.Stats(); st.Dropped != 0 {
		t.Errorf("Stats() = %+v, want no drops", st)
	}
	spans := rec.Ended()

	// Every dispatch span of the embedded Mesos names the Mesos function it models:
	// the reviewed table covers whatever a task's launch exercises.
	unmapped := map[string]bool{}
	for _, s := range spans {
		if attr(s, AttrEventType) != "" && attr(s, AttrSourceFunction) == "" {
			unmapped[s.Name()] = true
		}
	}
	if len(unmapped) > 0 {
		t.Errorf("dispatch spans without %s: %v", AttrSourceFunction, slices.Sorted(maps.Keys(unmapped)))
	}

	for _, prefix := range []string{"master ", "allocator ", "slave ", "mesos-containerizer "} {
		ok := false
		for _, s := range spans {
			ok = ok || (strings.HasPrefix(s.Name(), prefix) && attr(s, AttrCodeFunction) != "")
		}
		if !ok {
			t.Errorf("no %q dispatch span with %s", prefix, AttrCodeFunction)
		}
	}
	rt := spanNamed(t, spans, "slave mesos.internal.RunTaskMessage")
	for k, want := range map[string]string{
		AttrSourceFunction: "Slave::handleRunTaskMessage",
		AttrCodeFunction:   "github.com/mesoscope/mesoscope/embedded/agent.(*Agent).runTask",
	} {
		if got := attr(rt, k); got != want {
			t.Errorf("RunTaskMessage span %s = %q, want %q", k, got, want)
		}
	}
	if attr(rt, AttrCodeFile) == "" || attr(rt, AttrCodeLine) == "" {
		t.Errorf("RunTaskMessage span has no %s / %s", AttrCodeFile, AttrCodeLine)
	}
	byID := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID().String()] = s
	}
	if n := countNamed(spans, "allocator allocation cycle"); n == 0 {
		t.Errorf("no allocation cycle span")
	}
	offers, accepted := 0, 0
	for _, s := range spans {
		if s.Name() == "offer" {
			offers++
			if p := byID[s.Parent().SpanID().String()]; p == nil || p.Name() != "master offer" {
				t.Errorf("offer span parent = %v, want the master's offer dispatch", s.Parent().SpanID())
			}
			if attr(s, AttrOfferOutcome) == "accepted" {
				accepted++
				// The ACCEPT had no filters: its unused resources go back refused for
				// the default 5 s.
				if got := attr(s, AttrOfferRefuse); got != "5" {
					t.Errorf("accepted offer span %s = %q, want 5", AttrOfferRefuse, got)
				}
			}
		}
	}
	if offers == 0 || accepted == 0 {
		t.Errorf("offer spans: %d, accepted %d; want an accepted one", offers, accepted)
	}
	task := spanNamed(t, spans, "task")
	if got := attr(task, AttrTaskState); got != "TASK_FINISHED" {
		t.Errorf("task span %s = %q, want TASK_FINISHED", AttrTaskState, got)
	}
	events := map[string]bool{}
	for _, e := range task.Events() {
		events[e.Name] = true
	}
	for _, want := range []string{"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"} {
		if !events[want] {
			t.Errorf("task span events = %v, want %s among them", eventNames(task), want)
		}
	}
	if accept := byID[task.Parent().SpanID().String()]; accept == nil || accept.Name() != "master POST /api/v1/scheduler" {
		t.Errorf("task span parent = %v, want the master's scheduler API call (ACCEPT)", task.Parent().SpanID())
	}
	if rt.Parent().SpanID() != task.SpanContext().SpanID() {
		t.Errorf("RunTaskMessage parent = %s, want the task span", rt.Parent().SpanID())
	}
	c := spanNamed(t, spans, "container")
	var states []string
	for _, s := range spans {
		if s.Parent().SpanID() == c.SpanContext().SpanID() {
			states = append(states, strings.TrimPrefix(s.Name(), "container "))
		}
	}
	want := []string{"STARTING", "PROVISIONING", "PREPARING", "ISOLATING", "FETCHING", "RUNNING", "DESTROYING"}
	if strings.Join(states, " ") != strings.Join(want, " ") {
		t.Errorf("container state spans = %v, want %v", states, want)
	}
	// The container is in the ACCEPT's trace: its ancestors lead through the
	// containerizer's launch dispatch to the agent's RunTaskMessage handler.
	var chain []string
	for p := byID[c.Parent().SpanID().String()]; p != nil && len(chain) < 32; p = byID[p.Parent().SpanID().String()] {
		chain = append(chain, p.Name())
	}
	if c.SpanContext().TraceID() != task.SpanContext().TraceID() || !slices.Contains(chain, "mesos-containerizer launch") ||
		!slices.Contains(chain, "slave mesos.internal.RunTaskMessage") {
		t.Errorf("container span ancestors = %v (trace %s, task's %s), want the containerizer's launch under the RunTaskMessage handler in the task's trace",
			chain, c.SpanContext().TraceID(), task.SpanContext().TraceID())
	}
}

// A framework whose calls go through SchedulerCalls starts the trace: its ACCEPT is a
// client span of its own service, the master's handling of the call is its child, and
// the task launched by it is in the same trace.
func TestSchedulerCallsJoinTheTrace(t *testing.T) {
	rec, frec := tracetest.NewSpanRecorder(), tracetest.NewSpanRecorder()
	tr, err := New(WithEnv(noEnv), WithSpanProcessor(rec), WithFlushInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ftr, err := New(WithEnv(noEnv), WithServiceName("mesoscope-marathon"), WithSpanProcessor(frec))
	if err != nil {
		t.Fatal(err)
	}
	l := startLocal(t, tr)
	if err := tr.Attach(l.Runtime()); err != nil {
		t.Fatal(err)
	}
	f := startFrameworkWith(t, l, "fw", map[string]string{"t1": "true"}, ftr.SchedulerCalls("fw"))
	f.wait("t1", mesos.TaskFinished)
	f.stop()
	stopLocal(t, l)
	for _, x := range []*Tracer{tr, ftr} {
		if err := x.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	accept := spanNamed(t, frec.Ended(), "fw ACCEPT")
	if accept.SpanKind().String() != "client" {
		t.Errorf("ACCEPT span kind = %s, want client", accept.SpanKind())
	}
	for k, want := range map[string]string{AttrCallType: "ACCEPT", AttrCallTasks: "t1", AttrHTTPStatusCode: "202"} {
		if got := attr(accept, k); got != want {
			t.Errorf("ACCEPT span %s = %q, want %q", k, got, want)
		}
	}
	if got := accept.Resource().String(); !strings.Contains(got, "service.name=mesoscope-marathon") {
		t.Errorf("ACCEPT span resource = %s, want service.name=mesoscope-marathon", got)
	}
	spans := rec.Ended()
	var handled, task sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == "master POST /api/v1/scheduler" && s.Parent().SpanID() == accept.SpanContext().SpanID() {
			handled = s
		}
		if s.Name() == "task" {
			task = s
		}
	}
	if handled == nil {
		t.Fatalf("no master POST /api/v1/scheduler span is a child of the framework's ACCEPT span")
	}
	if !handled.Parent().IsRemote() {
		t.Errorf("the master's span has a local parent; want the remote ACCEPT")
	}
	if task == nil || task.SpanContext().TraceID() != accept.SpanContext().TraceID() {
		t.Errorf("the task span is not in the ACCEPT's trace %s", accept.SpanContext().TraceID())
	}
}
