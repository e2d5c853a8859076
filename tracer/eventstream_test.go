package tracer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
)

func TestOperatorURL(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"127.0.0.1:5050", "http://127.0.0.1:5050/api/v1", ""},
		{"http://master:5050/", "http://master:5050/api/v1", ""},
		{"https://m.example.com/mesos?x=1", "https://m.example.com/mesos/api/v1", ""},
		{"", "", "no master URL"},
		{"zk://zk:2181/mesos", "", "want http://HOST:PORT"},
		{"http://", "", "want http://HOST:PORT"},
		{"http://[::1", "", "follow master"},
	}
	for _, tt := range tests {
		got, err := operatorURL(tt.in)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("operatorURL(%q) = %q, %v; want %q, error containing %q", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestNextBackoff(t *testing.T) {
	var got []time.Duration
	for d := 100 * time.Millisecond; len(got) < 9; d = nextBackoff(d, 10*time.Second) {
		got = append(got, d)
	}
	want := []time.Duration{100e6, 200e6, 400e6, 800e6, 1600e6, 3200e6, 6400e6, 10e9, 10e9}
	if !cmp.Equal(got, want) {
		t.Errorf("backoffs = %v, want %v", got, want)
	}
}

// task builds a mesos.Task with statuses at the given timestamps (seconds).
func task(fw, id string, state mesos.TaskState, statuses ...any) mesos.Task {
	t := mesos.Task{TaskID: mesos.TaskID{Value: id}, FrameworkID: mesos.FrameworkID{Value: fw}, AgentID: mesos.AgentID{Value: "A1"}, State: state, Name: id}
	for i := 0; i+1 < len(statuses); i += 2 {
		t.Statuses = append(t.Statuses, mesos.TaskStatus{TaskID: t.TaskID, State: statuses[i].(mesos.TaskState), Timestamp: statuses[i+1].(float64)})
	}
	return t
}

func subscribed(frameworks []string, tasks ...mesos.Task) *operator.Event {
	st := &operator.GetState{GetTasks: &operator.GetTasks{}, GetFrameworks: &operator.GetFrameworks{}}
	for i := 0; i+1 < len(frameworks); i += 2 {
		st.GetFrameworks.Frameworks = append(st.GetFrameworks.Frameworks, operator.Framework{FrameworkInfo: mesos.FrameworkInfo{
			ID: &mesos.FrameworkID{Value: frameworks[i]}, Name: frameworks[i+1]}})
	}
	for _, t := range tasks {
		if t.State.IsTerminal() {
			st.GetTasks.CompletedTasks = append(st.GetTasks.CompletedTasks, t)
		} else {
			st.GetTasks.Tasks = append(st.GetTasks.Tasks, t)
		}
	}
	hb := 1.0
	return &operator.Event{Type: operator.EventSubscribed, Subscribed: &operator.Subscribed{GetState: st, HeartbeatIntervalSeconds: &hb}}
}

func updated(fw, id string, state mesos.TaskState, ts float64) *operator.Event {
	return &operator.Event{Type: operator.EventTaskUpdated, TaskUpdated: &operator.TaskUpdated{
		FrameworkID: mesos.FrameworkID{Value: fw}, State: state,
		Status: mesos.TaskStatus{TaskID: mesos.TaskID{Value: id}, State: state, Timestamp: ts, Source: mesos.SourcePtr(mesos.SourceExecutor)},
	}}
}

// taskSpans returns the finished spans named "task" by task id.
func taskSpans(t *testing.T, tr *Tracer) map[string]SpanData {
	t.Helper()
	flush(t, tr)
	out := map[string]SpanData{}
	for _, s := range tr.Memory().Spans() {
		if s.Name != "task" {
			continue
		}
		id := s.Attributes[AttrTaskID]
		if _, dup := out[id]; dup {
			t.Errorf("two task spans for %s", id)
		}
		out[id] = s
	}
	return out
}

func spanEvents(s SpanData) []string {
	var out []string
	for _, e := range s.Events {
		out = append(out, e.Name)
	}
	return out
}

// The follower across three subscriptions: history is not traced, tasks first seen in
// the state or TASK_ADDED get a span, updates missed while disconnected are caught up
// from the next SUBSCRIBED, a task gone from the master's memory is ended outstanding,
// one that came and went while disconnected is traced from its statuses, and nothing
// is traced twice.
func TestFollowerResumes(t *testing.T) {
	tr, _ := newTestTracer(t)
	f := newFollower(tr, FollowConfig{})
	now := time.Unix(1000, 0)
	const S, R, F, K = mesos.TaskStarting, mesos.TaskRunning, mesos.TaskFinished, mesos.TaskFailed
	fws := []string{"F1", "web"}
	events := []*operator.Event{
		subscribed(fws,
			task("F1", "history", F, S, 10.0, F, 11.0),
			task("F1", "run", R, S, 100.0, R, 101.0)),
		{Type: operator.EventTaskAdded, TaskAdded: &operator.TaskAdded{Task: task("F1", "new", mesos.TaskStaging)}},
		{Type: operator.EventTaskAdded, TaskAdded: &operator.TaskAdded{Task: task("F1", "new", mesos.TaskStaging)}},
		updated("F1", "new", R, 200),
		{Type: operator.EventAgentAdded, AgentAdded: &operator.AgentAdded{Agent: operator.Agent{AgentInfo: mesos.AgentInfo{Hostname: "h", ID: &mesos.AgentID{Value: "A2"}}}}},
		{Type: operator.EventFrameworkUpdated, FrameworkUpdated: &operator.FrameworkEvent{Framework: operator.Framework{FrameworkInfo: mesos.FrameworkInfo{ID: &mesos.FrameworkID{Value: "F1"}, Name: "web"}}}},
		// Disconnected: "run" finished, "new" was forgotten, "blip" came and went.
		subscribed(fws,
			task("F1", "history", F, S, 10.0, F, 11.0),
			task("F1", "run", F, S, 100.0, R, 101.0, F, 150.0),
			task("F1", "blip", K, S, 300.0, K, 301.0)),
		subscribed(fws,
			task("F1", "history", F, S, 10.0, F, 11.0),
			task("F1", "run", F, S, 100.0, R, 101.0, F, 150.0),
			task("F1", "blip", K, S, 300.0, K, 301.0)),
		updated("F1", "run", F, 150),
		{Type: operator.EventHeartbeat},
		{Type: operator.EventTaskUpdated}, // no body: ignored
	}
	for _, e := range events {
		f.handle(e, now)
	}
	got := taskSpans(t, tr)
	type line struct {
		Events        []string
		State         string
		Outstanding   string
		First         string
		Start, End    int64
		FrameworkName string
	}
	sec := int64(time.Second)
	want := map[string]line{
		"run":  {[]string{"TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"}, "TASK_FINISHED", "", "SUBSCRIBED", 100 * sec, 150 * sec, "web"},
		"new":  {[]string{"TASK_STAGING", "TASK_RUNNING"}, "TASK_RUNNING", "true", "TASK_ADDED", 1000 * sec, 1000 * sec, "web"},
		"blip": {[]string{"TASK_STARTING", "TASK_FAILED"}, "TASK_FAILED", "", "SUBSCRIBED", 300 * sec, 301 * sec, "web"},
	}
	gotLines := map[string]line{}
	for id, s := range got {
		gotLines[id] = line{spanEvents(s), s.Attributes[AttrTaskState], s.Attributes[AttrOutstanding],
			s.Attributes["mesoscope.first_seen"], s.StartUnixNano, s.EndUnixNano, s.Attributes["mesos.framework_name"]}
	}
	if diff := cmp.Diff(want, gotLines); diff != "" {
		t.Errorf("task spans (-want +got):\n%s", diff)
	}
	var points []string
	for _, s := range tr.Memory().Spans() {
		if s.Name != "task" {
			points = append(points, s.Name)
		}
	}
	if want := []string{"agent.added", "framework.updated"}; !cmp.Equal(points, want) {
		t.Errorf("other spans = %v, want %v", points, want)
	}
	if f.idle != 3*time.Second {
		t.Errorf("idle timeout = %v, want 3 heartbeats of SUBSCRIBED's 1s", f.idle)
	}
}

// cutter is a transport whose streams the test can break and whose connections it can
// refuse, to exercise reconnection.
type cutter struct {
	mu     sync.Mutex
	down   bool
	bodies []io.Closer
}

func (c *cutter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	down := c.down
	c.mu.Unlock()
	if down {
		return nil, errors.New("cutter: the network is down")
	}
	res, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		c.mu.Lock()
		c.bodies = append(c.bodies, res.Body)
		c.mu.Unlock()
	}
	return res, err
}

// cut breaks the open streams and refuses new connections until restore.
func (c *cutter) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = true
	for _, b := range c.bodies {
		b.Close()
	}
	c.bodies = nil
}

func (c *cutter) restore() {
	c.mu.Lock()
	c.down = false
	c.mu.Unlock()
}

// eventLog collects the events a follower handled, for tests to wait on.
type eventLog struct {
	mu      sync.Mutex
	events  []*operator.Event
	changed chan struct{}
}

func newEventLog() *eventLog { return &eventLog{changed: make(chan struct{}, 1)} }

func (l *eventLog) add(e *operator.Event) {
	b, _ := json.Marshal(e)
	c, _ := operator.DecodeEvent(b) // a copy: the follower owns e
	l.mu.Lock()
	l.events = append(l.events, c)
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// wait returns once some handled event satisfies ok (bounded: 30 s).
func (l *eventLog) wait(t *testing.T, what string, ok func(*operator.Event) bool) {
	t.Helper()
	l.waitN(t, what, 1, ok)
}

// waitN returns once n handled events satisfy ok (bounded: 30 s).
func (l *eventLog) waitN(t *testing.T, what string, n int, ok func(*operator.Event) bool) {
	t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		found := 0
		for _, e := range l.events {
			if ok(e) {
				found++
			}
		}
		l.mu.Unlock()
		if found >= n {
			return
		}
		select {
		case <-l.changed:
		case <-deadline.C:
			t.Fatalf("follower: %s: not seen within 30s", what)
		}
	}
}

func taskUpdate(id string, state mesos.TaskState) func(*operator.Event) bool {
	return func(e *operator.Event) bool {
		return e.Type == operator.EventTaskUpdated && e.TaskUpdated.Status.TaskID.Value == id && e.TaskUpdated.State == state
	}
}

// FollowMaster against the embedded master with its own tracing off: a short task
// traced from TASK_ADDED to TASK_FINISHED; a long one killed while the stream is cut
// and ended from the next SUBSCRIBED; one span per task across the reconnection.
func TestFollowMasterLocalCluster(t *testing.T) {
	tr, _ := newTestTracer(t)
	l := startLocal(t, nil)
	defer stopLocal(t, l)
	net := &cutter{}
	log := newEventLog()
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan error, 1)
	go func() {
		returned <- tr.FollowMaster(ctx, FollowConfig{Master: l.URL(), Client: &http.Client{Transport: net},
			MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, OnEvent: log.add})
	}()
	log.wait(t, "SUBSCRIBED", func(e *operator.Event) bool { return e.Type == operator.EventSubscribed })

	fw := startFramework(t, l, "follow", map[string]string{"short": "true", "long": "sleep 60"})
	defer fw.stop()
	log.wait(t, "short finished", taskUpdate("short", mesos.TaskFinished))
	log.wait(t, "long running", taskUpdate("long", mesos.TaskRunning))
	net.cut()
	fw.kill("long")
	fw.wait("long", mesos.TaskKilled)
	net.restore()
	log.waitN(t, "a second SUBSCRIBED", 2, func(e *operator.Event) bool { return e.Type == operator.EventSubscribed })
	cancel()
	if err := <-returned; err != nil {
		t.Errorf("FollowMaster() = %v, want nil after cancel", err)
	}

	spans := taskSpans(t, tr)
	if n := len(spans); n != 2 {
		t.Errorf("%d task spans, want 2 (short, long)", n)
	}
	short, long := spans["short"], spans["long"]
	if ev := spanEvents(short); len(ev) < 2 || ev[0] != "TASK_STAGING" || ev[len(ev)-1] != "TASK_FINISHED" {
		t.Errorf("short task span events = %v, want TASK_STAGING ... TASK_FINISHED", ev)
	}
	if short.Attributes["mesoscope.first_seen"] != "TASK_ADDED" || short.Attributes["mesos.framework_name"] != "follow" {
		t.Errorf("short task span attributes = %v, want first seen at TASK_ADDED, framework name follow", short.Attributes)
	}
	if got := long.Attributes[AttrTaskState]; got != "TASK_KILLED" || long.Attributes[AttrOutstanding] != "" {
		t.Errorf("long task span %s = %q (outstanding %q), want TASK_KILLED, ended from the new state", AttrTaskState, got, long.Attributes[AttrOutstanding])
	}
	if ev := spanEvents(long); !slices.Contains(ev, "TASK_RUNNING") || ev[len(ev)-1] != "TASK_KILLED" {
		t.Errorf("long task span events = %v, want TASK_RUNNING ... TASK_KILLED", ev)
	}
	frameworks := 0
	for _, s := range tr.Memory().Spans() {
		if s.Name == "framework.added" {
			frameworks++
		}
	}
	if frameworks != 1 {
		t.Errorf("%d framework.added spans, want 1", frameworks)
	}
}

// A master that answers 503, then a stream that does not start with SUBSCRIBED, then
// garbage: each is logged and retried.
func TestFollowMasterRetries(t *testing.T) {
	tr, _ := newTestTracer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		n := requests
		mu.Unlock()
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1" {
			t.Errorf("request %s %s, want POST /api/v1", r.Method, r.URL.Path)
		}
		switch n {
		case 1:
			http.Error(w, "not the leader", http.StatusServiceUnavailable)
		case 2:
			w.Write(recordio.AppendRecord(nil, []byte(`{"type":"HEARTBEAT"}`)))
		case 3:
			w.Write([]byte("12\n{not json at all"))
		default:
			cancel()
		}
	}))
	defer srv.Close()
	var logs bytes.Buffer
	err := tr.FollowMaster(ctx, FollowConfig{Master: srv.URL, MinBackoff: time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Errorf("FollowMaster() = %v, want nil", err)
	}
	for _, want := range []string{"503", "first event is HEARTBEAT, want SUBSCRIBED", "undecodable operator event", "invalid record length"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs have no %q:\n%s", want, logs.String())
		}
	}
	if err := tr.FollowMaster(ctx, FollowConfig{Master: "zk://x"}); err == nil {
		t.Errorf("FollowMaster(zk://x) = nil, want an error")
	}
}

// A stream that goes silent past the idle timeout is given up and made again.
func TestFollowMasterIdle(t *testing.T) {
	tr, _ := newTestTracer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	requests := 0
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		n := requests
		mu.Unlock()
		if n > 1 {
			cancel()
			return
		}
		w.Write(recordio.AppendRecord(nil, []byte(`{"type":"SUBSCRIBED","subscribed":{}}`)))
		w.(http.Flusher).Flush()
		select { // silent until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	var logs bytes.Buffer
	if err := tr.FollowMaster(ctx, FollowConfig{Master: srv.URL, IdleTimeout: 50 * time.Millisecond, MinBackoff: time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}); err != nil {
		t.Errorf("FollowMaster() = %v, want nil", err)
	}
	if !strings.Contains(logs.String(), "no event or heartbeat within 50ms") {
		t.Errorf("logs have no idle timeout:\n%s", logs.String())
	}
}

// FuzzFollowStream feeds arbitrary bytes as a SUBSCRIBE response: the follower must
// never panic, whatever the framing or the events.
func FuzzFollowStream(f *testing.F) {
	seed := func(events ...string) []byte {
		var b []byte
		for _, e := range events {
			b = recordio.AppendRecord(b, []byte(e))
		}
		return b
	}
	f.Add(seed(`{"type":"SUBSCRIBED","subscribed":{"get_state":{"get_tasks":{"tasks":[{"name":"t","task_id":{"value":"t"},"framework_id":{"value":"f"},"agent_id":{"value":"a"},"state":"TASK_RUNNING","statuses":[{"task_id":{"value":"t"},"state":"TASK_RUNNING","timestamp":1.5}]}]}},"heartbeat_interval_seconds":15}}`,
		`{"type":"TASK_UPDATED","task_updated":{"framework_id":{"value":"f"},"status":{"task_id":{"value":"t"},"state":"TASK_FINISHED","timestamp":2}, "state":"TASK_FINISHED"}}`))
	f.Add(seed(`{"type":"SUBSCRIBED"}`, `{"type":"TASK_ADDED","task_added":{"task":{"name":"t","task_id":{"value":"t"},"framework_id":{"value":"f"},"agent_id":{"value":"a"},"state":"TASK_STAGING"}}}`,
		`{"type":"AGENT_ADDED","agent_added":{"agent":{"agent_info":{"hostname":"h"},"active":true,"version":"1.11.0"}}}`,
		`{"type":"FRAMEWORK_REMOVED","framework_removed":{"framework_info":{"user":"u","name":"n","failover_timeout":0,"checkpoint":false}}}`))
	f.Add([]byte("5\nhello"))
	f.Add([]byte("99999999999999999999\n"))
	tr, err := New(WithEnv(noEnv), WithFlushInterval(time.Hour), WithMemory(16))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { tr.Shutdown(context.Background()) })
	f.Fuzz(func(t *testing.T, data []byte) {
		fl := newFollower(tr, FollowConfig{})
		fl.consume(bytes.NewReader(data), nil)
		fl.handle(subscribed(nil), time.Now()) // a reconnection after whatever came
		fl.closeAll(time.Now())
	})
}
