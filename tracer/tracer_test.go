package tracer

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// noEnv keeps tests independent of the machine's OTEL_* variables.
func noEnv(string) string { return "" }

// newTestTracer returns a tracer recording into a SpanRecorder, draining only on Flush.
func newTestTracer(t *testing.T, opts ...Option) (*Tracer, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	base := []Option{WithEnv(noEnv), WithSpanProcessor(rec), WithFlushInterval(time.Hour)}
	tr, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	t.Cleanup(func() {
		if err := tr.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown() = %v", err)
		}
	})
	return tr, rec
}

// newRuntime starts a runtime observed by tr with a paused clock.
func newRuntime(t *testing.T, tr *Tracer, ln net.Listener) *process.Runtime {
	t.Helper()
	rt, err := process.New(process.Config{Observer: tr, Workers: 2, Listener: ln})
	if err != nil {
		t.Fatalf("process.New() error = %v", err)
	}
	if err := tr.Attach(rt); err != nil {
		t.Fatalf("Attach() error = %v", err)
	}
	rt.Clock().Pause()
	t.Cleanup(func() { rt.Stop(context.Background()) })
	return rt
}

func flush(t *testing.T, tr *Tracer) {
	t.Helper()
	if err := tr.Flush(context.Background()); err != nil {
		t.Fatalf("Flush() = %v", err)
	}
}

// spanLine is what the tests compare of a span.
type spanLine struct {
	Name, Parent string // Parent is the parent span's name, "" for a root
	Source       string
}

// anyOrder compares a trace's lines as a set: spans of one trace end on different
// workers, so their order varies.
var anyOrder = cmpopts.SortSlices(func(a, b spanLine) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.Parent < b.Parent
})

// byTrace groups ended spans by trace id, as lines naming their parent.
func byTrace(spans []sdktrace.ReadOnlySpan) map[string][]spanLine {
	names := map[string]string{}
	for _, s := range spans {
		names[s.SpanContext().SpanID().String()] = s.Name()
	}
	out := map[string][]spanLine{}
	for _, s := range spans {
		l := spanLine{Name: s.Name()}
		if p := s.Parent(); p.IsValid() {
			l.Parent = names[p.SpanID().String()]
			if l.Parent == "" {
				l.Parent = "?" + p.SpanID().String()
			}
		}
		for _, kv := range s.Attributes() {
			if kv.Key == AttrSourceFunction {
				l.Source = kv.Value.AsString()
			}
		}
		tid := s.SpanContext().TraceID().String()
		out[tid] = append(out[tid], l)
	}
	return out
}

func attr(s sdktrace.ReadOnlySpan, key string) string {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.String()
		}
	}
	return ""
}

// spawnPingPong spawns an agent answering pings and a SlaveObserver pinging it.
func spawnPingPong(t *testing.T, rt *process.Runtime, timeout time.Duration) {
	t.Helper()
	a := &struct{ process.Base }{}
	agent.InstallPing(&a.Base, nil)
	pid, err := rt.Spawn(rt.GenerateID("slave"), a)
	if err != nil {
		t.Fatal(err)
	}
	obs := master.NewSlaveObserver(master.ObserverConfig{Agent: pid, AgentID: "S0", PingTimeout: timeout, MaxPingTimeouts: 5})
	if _, err := rt.Spawn(rt.GenerateID("slave-observer"), obs); err != nil {
		t.Fatal(err)
	}
}

func TestPingPongIsOneTrace(t *testing.T) {
	tr, rec := newTestTracer(t)
	rt := newRuntime(t, tr, nil)
	spawnPingPong(t, rt, 10*time.Second)
	rt.Settle()
	rt.Clock().Advance(10 * time.Second) // the observer's timeout fires and pings again
	rt.Settle()
	flush(t, tr)

	traces := byTrace(rec.Ended())
	// The first ping is sent from Initialize, which the runtime observes as a dispatch
	// named "initialize"; the second ping is sent by the timeout dispatch.
	want := []spanLine{
		{Name: "slave-observer initialize", Source: "SlaveObserver::initialize"},
		{Name: "slave mesos.internal.PingSlaveMessage", Parent: "slave-observer initialize", Source: "Slave::ping"},
		{Name: "slave-observer mesos.internal.PongSlaveMessage", Parent: "slave mesos.internal.PingSlaveMessage", Source: "SlaveObserver::pong"},
	}
	want2 := []spanLine{
		{Name: "slave-observer timeout", Source: "SlaveObserver::timeout"},
		{Name: "slave mesos.internal.PingSlaveMessage", Parent: "slave-observer timeout", Source: "Slave::ping"},
		{Name: "slave-observer mesos.internal.PongSlaveMessage", Parent: "slave mesos.internal.PingSlaveMessage", Source: "SlaveObserver::pong"},
	}
	var found1, found2 bool
	for _, lines := range traces {
		if cmp.Equal(lines, want, anyOrder) {
			found1 = true
		}
		if cmp.Equal(lines, want2, anyOrder) {
			found2 = true
		}
	}
	if !found1 || !found2 {
		t.Errorf("traces = %v\nwant one trace %v and one %v", traces, want, want2)
	}
	for _, s := range rec.Ended() {
		if s.Name() != "slave-observer mesos.internal.PongSlaveMessage" {
			continue
		}
		if got := attr(s, AttrProcessID); got != "slave-observer(1)" {
			t.Errorf("pong span %s = %q, want %q", AttrProcessID, got, "slave-observer(1)")
		}
		if got := attr(s, AttrEventType); got != "MESSAGE" {
			t.Errorf("pong span %s = %q, want MESSAGE", AttrEventType, got)
		}
		if got := attr(s, AttrSourcePath); got != "src/master/master.cpp" {
			t.Errorf("pong span %s = %q, want src/master/master.cpp", AttrSourcePath, got)
		}
		if attr(s, AttrQueueWait) == "" {
			t.Errorf("pong span has no %s", AttrQueueWait)
		}
		if !s.EndTime().After(s.StartTime()) && !s.EndTime().Equal(s.StartTime()) {
			t.Errorf("pong span ends %v before it starts %v", s.EndTime(), s.StartTime())
		}
		if d := time.Since(s.StartTime()); d < 0 || d > time.Minute {
			t.Errorf("pong span starts %v ago, want a wall time close to now", d)
		}
	}
	if st := tr.Stats(); st.Dropped != 0 || st.Spans != uint64(len(rec.Ended())) {
		t.Errorf("Stats() = %+v, want no drops and %d spans", st, len(rec.Ended()))
	}
}

// TestWireTraceAcrossRuntimes runs two runtimes connected over loopback HTTP: the
// sender's traceparent travels in the libprocess-format POST, and the receiver (whose
// own sampler samples no roots) follows its sampled flag.
func TestWireTraceAcrossRuntimes(t *testing.T) {
	trA, recA := newTestTracer(t, WithServiceName("a"))
	trB, recB := newTestTracer(t, WithServiceName("b"), WithSampler("parentbased_always_off", ""))
	lnA, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lnB, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rtA := newRuntime(t, trA, lnA)
	rtB := newRuntime(t, trB, lnB)
	a := &struct{ process.Base }{}
	agent.InstallPing(&a.Base, nil)
	agentPID, err := rtB.Spawn("slave(1)", a)
	if err != nil {
		t.Fatal(err)
	}
	obs := master.NewSlaveObserver(master.ObserverConfig{Agent: agentPID, AgentID: "S0", PingTimeout: 10 * time.Second})
	if _, err := rtA.Spawn("slave-observer(1)", obs); err != nil {
		t.Fatal(err)
	}
	// B samples no roots of its own; both pings (from the observer's initialize and from
	// its timeout) carry a sampled traceparent from A, so B records exactly those two.
	rtA.Settle()
	waitFor(t, func() bool { rtB.Settle(); rtA.Settle(); flush(t, trA); return len(recA.Ended()) >= 1 })
	rtA.Clock().Advance(10 * time.Second)
	waitFor(t, func() bool {
		rtA.Settle()
		rtB.Settle()
		flush(t, trA)
		flush(t, trB)
		return len(recB.Ended()) >= 2 && countNamed(recA.Ended(), "slave-observer mesos.internal.PongSlaveMessage") >= 2
	})
	all := append(recA.Ended(), recB.Ended()...)
	traces := byTrace(all)
	want := []spanLine{
		{Name: "slave-observer timeout", Source: "SlaveObserver::timeout"},
		{Name: "slave-observer mesos.internal.PongSlaveMessage", Parent: "slave mesos.internal.PingSlaveMessage", Source: "SlaveObserver::pong"},
		{Name: "slave mesos.internal.PingSlaveMessage", Parent: "slave-observer timeout", Source: "Slave::ping"},
	}
	found := false
	for _, lines := range traces {
		if cmp.Equal(lines, want, anyOrder) {
			found = true
		}
	}
	if !found {
		t.Errorf("traces across runtimes = %v\nwant one trace %v", traces, want)
	}
	if n := len(recB.Ended()); n != 2 {
		t.Errorf("runtime B recorded %d spans, want 2 (the two pings with sampled parents)", n)
	}
}

func countNamed(spans []sdktrace.ReadOnlySpan, name string) int {
	n := 0
	for _, s := range spans {
		if s.Name() == name {
			n++
		}
	}
	return n
}

// waitFor polls cond for what crosses a real socket (bounded: 10 s).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// eventer emits point events from its handler.
type eventer struct{ process.Base }

func TestPointEvents(t *testing.T) {
	tr, rec := newTestTracer(t, WithEventSpans("fetch"))
	rt := newRuntime(t, tr, nil)
	e := &eventer{}
	process.Install(&e.Base, "go", func(process.PID, struct{}) {
		e.Event("allocation.decision", observe.Attr{Key: "mesos.role", Value: "web"}) // no cycle yet
		e.Event("fetch", observe.Attr{Key: "duration_ns", Value: "1000"})
		e.Event("allocation.cycle", observe.Attr{Key: "allocation.seq", Value: "1"}, observe.Attr{Key: "allocation.duration_ms", Value: "0.002"},
			observe.Attr{Key: "allocation.drf_order", Value: "db,web"})
		e.Event("allocation.decision", observe.Attr{Key: "mesos.role", Value: "db"})
	})
	pid, err := rt.Spawn("allocator", e)
	if err != nil {
		t.Fatal(err)
	}
	rt.Send(pid, "go", struct{}{})
	rt.Settle()
	tr.Event(nil, observe.Event{Type: "offer.rescinded", Time: time.Now().UnixNano()})
	flush(t, tr)

	spans := rec.Ended()
	var lines [][]spanLine
	for _, l := range byTrace(spans) {
		lines = append(lines, l)
	}
	wantA := []spanLine{
		{Name: "allocator allocation cycle", Parent: "allocator go"},
		{Name: "allocator fetch", Parent: "allocator go"},
		{Name: "allocator go"},
	}
	wantB := []spanLine{{Name: "offer.rescinded"}}
	ok := 0
	for _, l := range lines {
		if cmp.Equal(l, wantA, anyOrder) || cmp.Equal(l, wantB) {
			ok++
		}
	}
	if ok != 2 || len(lines) != 2 {
		t.Errorf("traces = %v, want %v and %v", lines, wantA, wantB)
	}
	wantEvents := map[string]string{"allocator go": "web", "allocator allocation cycle": "db"}
	wantDuration := map[string]time.Duration{"allocator fetch": time.Microsecond, "allocator allocation cycle": 2 * time.Microsecond}
	for _, s := range spans {
		if role, ok := wantEvents[s.Name()]; ok {
			evs := s.Events()
			if len(evs) != 1 || evs[0].Name != "allocation.decision" || len(evs[0].Attributes) != 1 || evs[0].Attributes[0].Value.AsString() != role {
				t.Errorf("span %q events = %v, want one allocation.decision with mesos.role=%s", s.Name(), evs, role)
			}
		}
		if s.Name() == "allocator allocation cycle" && attr(s, AttrAllocationDRF) != "db,web" {
			t.Errorf("allocation cycle span %s = %q, want db,web (the event's attributes)", AttrAllocationDRF, attr(s, AttrAllocationDRF))
		}
		if want, ok := wantDuration[s.Name()]; ok {
			if d := s.EndTime().Sub(s.StartTime()); d != want {
				t.Errorf("span %q lasts %v, want %v", s.Name(), d, want)
			}
		}
	}
}

func TestSamplingOffRecordsNothingAndPropagatesUnsampled(t *testing.T) {
	tr, rec := newTestTracer(t, WithSampler("parentbased_traceidratio", "0"))
	rt := newRuntime(t, tr, nil)
	spawnPingPong(t, rt, 10*time.Second)
	rt.Settle()
	rt.Clock().Advance(10 * time.Second)
	rt.Settle()
	flush(t, tr)
	if n := len(rec.Ended()); n != 0 {
		t.Errorf("ratio 0 recorded %d spans, want 0", n)
	}
	if tr.Needs().Has(observe.NeedTimes) {
		t.Errorf("Needs() = %v with ratio 0, want no clock reads", tr.Needs())
	}
}

// The hooks the tracer asks for follow what its sampler can sample: nothing at all
// when no dispatch can ever be sampled, only dispatches carrying a context when
// only a remote parent can make one sampled, and everything otherwise.
func TestNeedsBySampler(t *testing.T) {
	const ctxHooks = observe.NeedMessages | observe.NeedEvents
	tests := []struct {
		sampler, arg string
		labels       bool
		want         observe.Needs
	}{
		{"always_off", "", false, 0},
		{"traceidratio", "0", false, 0},
		{"always_off", "", true, observe.NeedDispatch},
		{"parentbased_always_off", "", false, observe.NeedHeaderDispatch | ctxHooks},
		{"parentbased_traceidratio", "0", false, observe.NeedHeaderDispatch | ctxHooks},
		{"parentbased_traceidratio", "0", true, observe.NeedDispatch | ctxHooks},
		{"parentbased_traceidratio", "0.01", false, observe.NeedDispatch | ctxHooks | observe.NeedQueueTimes},
		{"always_on", "", false, observe.NeedDispatch | ctxHooks | observe.NeedQueueTimes},
	}
	for _, tt := range tests {
		tr, _ := newTestTracer(t, WithSampler(tt.sampler, tt.arg), WithPprofLabels(tt.labels))
		if got := tr.Needs(); got != tt.want {
			t.Errorf("%s:%s labels=%v: Needs() = %b, want %b", tt.sampler, tt.arg, tt.labels, got, tt.want)
		}
	}
}

func TestOverflowIsCountedAndLoggedOnce(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	tr, rec := newTestTracer(t, WithRingSize(4), WithLogger(log))
	rt, err := process.New(process.Config{Observer: tr, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Stop(context.Background()) })
	e := &eventer{}
	process.Install(&e.Base, "go", func(process.PID, struct{}) {})
	pid, err := rt.Spawn("sink", e)
	if err != nil {
		t.Fatal(err)
	}
	rt.Settle()
	flush(t, tr) // the spawn's own events, if any
	before := len(rec.Ended())
	for range 2 {
		// Holding drainMu keeps the exporter goroutine (woken at half full) from
		// draining, so exactly 4 of the 10 fit.
		tr.drainMu.Lock()
		for range 10 {
			rt.Send(pid, "go", struct{}{})
		}
		rt.Settle()
		tr.drainMu.Unlock()
		flush(t, tr)
	}
	if got, want := len(rec.Ended())-before, 8; got != want {
		t.Errorf("spans exported = %d, want %d (two rings of 4)", got, want)
	}
	if got := tr.Dropped(); got != 12 {
		t.Errorf("Dropped() = %d, want 12", got)
	}
	if n := strings.Count(logs.String(), "span ring overflow"); n != 1 {
		t.Errorf("overflow logged %d times, want once; logs:\n%s", n, logs.String())
	}
}

func TestAttachTwice(t *testing.T) {
	tr, _ := newTestTracer(t)
	rt := newRuntime(t, tr, nil)
	if err := tr.Attach(rt); err == nil {
		t.Errorf("second Attach() = nil, want an error")
	}
}

func TestHTTPTracesURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://127.0.0.1:4318", "http://127.0.0.1:4318/v1/traces"},
		{"http://127.0.0.1:4318/", "http://127.0.0.1:4318/v1/traces"},
		{"https://collector:4318/custom/traces", "https://collector:4318/custom/traces"},
	}
	for _, tc := range tests {
		if got := httpTracesURL(tc.in); got != tc.want {
			t.Errorf("httpTracesURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// HTTPServer gives each request a server span that continues the caller's trace and
// records the status; the span's name keeps only the route.
func TestHTTPServerSpans(t *testing.T) {
	tr, rec := newTestTracer(t)
	h := tr.HTTPServer("marathon")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !trace.SpanContextFromContext(r.Context()).IsValid() {
			t.Errorf("the handler's context carries no span")
		}
		http.NotFound(w, r)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v2/apps/web/tasks", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	flush(t, tr)
	s := spanNamed(t, rec.Ended(), "marathon GET /v2/apps")
	if got := s.Parent().SpanID().String(); got != "00f067aa0ba902b7" || s.SpanContext().TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("span parent %s trace %s, want the caller's 00f067aa0ba902b7 in 4bf92f35...", got, s.SpanContext().TraceID())
	}
	for k, want := range map[string]string{AttrHTTPStatusCode: "404", AttrURLPath: "/v2/apps/web/tasks", AttrHTTPMethod: "GET"} {
		if got := attr(s, k); got != want {
			t.Errorf("span %s = %q, want %q", k, got, want)
		}
	}
	for path, want := range map[string]string{"/ping": "/ping", "/v2/queue/": "/v2/queue", "/": "", "/v2/apps/a/b": "/v2/apps"} {
		if got := route(path); got != want {
			t.Errorf("route(%q) = %q, want %q", path, got, want)
		}
	}
}
