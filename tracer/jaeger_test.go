package tracer

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// The end-to-end tests export over OTLP gRPC to a real Jaeger v2 and read the traces
// back through its query API. They run only when MESOSCOPE_JAEGER_QUERY is set
// (e.g. http://127.0.0.1:16686; start Jaeger with .ci/jaeger.sh start);
// MESOSCOPE_JAEGER_OTLP overrides the OTLP endpoint (default http://127.0.0.1:4317).

func jaegerEnv(t *testing.T) (query, otlp string) {
	t.Helper()
	query = os.Getenv("MESOSCOPE_JAEGER_QUERY")
	if query == "" {
		t.Skip("MESOSCOPE_JAEGER_QUERY is not set (start Jaeger with .ci/jaeger.sh start)")
	}
	otlp = os.Getenv("MESOSCOPE_JAEGER_OTLP")
	if otlp == "" {
		otlp = "http://127.0.0.1:4317"
	}
	return strings.TrimSuffix(query, "/"), otlp
}

// jaegerTrace is the part of Jaeger's /api/traces answer the tests read.
type jaegerTrace struct {
	TraceID   string       `json:"traceID"`
	Spans     []jaegerSpan `json:"spans"`
	Processes map[string]struct {
		ServiceName string `json:"serviceName"`
	} `json:"processes"`
}

type jaegerSpan struct {
	SpanID        string `json:"spanID"`
	OperationName string `json:"operationName"`
	ProcessID     string `json:"processID"`
	StartTime     int64  `json:"startTime"` // µs
	References    []struct {
		RefType string `json:"refType"`
		SpanID  string `json:"spanID"`
	} `json:"references"`
	Tags []struct {
		Key   string `json:"key"`
		Value any    `json:"value"`
	} `json:"tags"`
	Logs []struct {
		Fields []struct {
			Key   string `json:"key"`
			Value any    `json:"value"`
		} `json:"fields"`
	} `json:"logs"`
}

// tag returns the value of a span's tag, as text.
func (s *jaegerSpan) tag(key string) string {
	for _, t := range s.Tags {
		if t.Key == key {
			return fmt.Sprint(t.Value)
		}
	}
	return ""
}

// events returns the names of a span's logs (its span events), in order.
func (s *jaegerSpan) events() []string {
	var out []string
	for _, l := range s.Logs {
		for _, f := range l.Fields {
			if f.Key == "event" {
				out = append(out, fmt.Sprint(f.Value))
			}
		}
	}
	return out
}

// parent returns the span's CHILD_OF parent id ("" for a root).
func (s *jaegerSpan) parent() string {
	for _, r := range s.References {
		if r.RefType == "CHILD_OF" {
			return r.SpanID
		}
	}
	return ""
}

func queryTraces(t *testing.T, query, service string) []jaegerTrace {
	t.Helper()
	u := query + "/api/traces?limit=1000&lookback=1h&service=" + url.QueryEscape(service)
	res, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	var body struct {
		Data []jaegerTrace `json:"data"`
	}
	if res.StatusCode == http.StatusNotFound {
		return nil // no such service yet
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %s", u, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("GET %s: decode: %v", u, err)
	}
	return body.Data
}

// pingPongTrace reports whether tr holds a ping whose parent is a slave-observer span
// and the pong handled back as the ping's child; with wantServices it also requires the
// spans to come from that many services.
func pingPongTrace(tr jaegerTrace, wantServices int) bool {
	byID := map[string]string{}
	service := map[string]string{}
	for _, s := range tr.Spans {
		byID[s.SpanID] = s.OperationName
		service[s.SpanID] = tr.Processes[s.ProcessID].ServiceName
	}
	for _, ping := range tr.Spans {
		if ping.OperationName != "slave mesos.internal.PingSlaveMessage" || len(ping.References) == 0 ||
			!strings.HasPrefix(byID[ping.References[0].SpanID], "slave-observer ") {
			continue
		}
		for _, pong := range tr.Spans {
			if pong.OperationName == "slave-observer mesos.internal.PongSlaveMessage" &&
				len(pong.References) > 0 && pong.References[0].SpanID == ping.SpanID {
				services := map[string]bool{service[ping.SpanID]: true, service[pong.SpanID]: true,
					service[ping.References[0].SpanID]: true}
				return len(services) >= wantServices
			}
		}
	}
	return false
}

// eventually polls check until it holds (bounded: 30 s, Jaeger's batch processor flushes
// every second or so).
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	eventuallyAll(t, func() string {
		if check() {
			return ""
		}
		return what
	})
}

// eventuallyAll polls check until it reports nothing missing (bounded: 30 s); at the
// deadline the test fails naming what is still missing.
func eventuallyAll(t *testing.T, check func() string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		missing := check()
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Jaeger: not seen within 30s: %s", missing)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func newJaegerTracer(t *testing.T, otlp, service string) *Tracer {
	t.Helper()
	tr, err := New(WithEnv(noEnv), WithServiceName(service), WithOTLP(otlp, "grpc"),
		WithFlushInterval(50*time.Millisecond))
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return tr
}

func shutdown(t *testing.T, tr *Tracer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tr.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown() = %v", err)
	}
	if st := tr.Stats(); st.Dropped != 0 || st.ExportFailed != 0 || st.Spans == 0 {
		t.Errorf("Stats() = %+v, want spans, no drops and no failed exports", st)
	}
}

// A framework launches a task on a local cluster (master, allocator and agent on one
// runtime): Jaeger gets dispatch spans of the master, the allocator and the agent with
// their Go handlers, the health checks' ping/pong traces, allocation cycle and offer
// spans, a task span in the trace of the ACCEPT with the agent's RunTaskMessage handler
// under it and TASK_RUNNING among its events, and a container span with its states in
// order, in that same trace under the RunTaskMessage handler.
func TestJaegerLocalCluster(t *testing.T) {
	query, otlp := jaegerEnv(t)
	service := fmt.Sprintf("mesoscope-master-e2e-%08x", rand.Uint32())
	tr := newJaegerTracer(t, otlp, service)
	// The framework traces its calls as a service of its own, as `mesoscope marathon`
	// does (mesoscope-marathon).
	fwService := strings.Replace(service, "master", "marathon", 1)
	ftr := newJaegerTracer(t, otlp, fwService)
	l := startLocal(t, tr)
	if err := tr.Attach(l.Runtime()); err != nil {
		t.Fatal(err)
	}
	f := startFrameworkWith(t, l, "jaeger-e2e", map[string]string{"t": "true"}, ftr.SchedulerCalls("jaeger-e2e"))
	f.wait("t", mesos.TaskFinished)
	f.stop()
	stopLocal(t, l)
	shutdown(t, tr)
	shutdown(t, ftr)

	states := []string{"STARTING", "PROVISIONING", "PREPARING", "ISOLATING", "FETCHING", "RUNNING", "DESTROYING"}
	eventuallyAll(t, func() string {
		found := map[string]bool{}
		for _, trc := range queryTraces(t, query, service) {
			byID := map[string]*jaegerSpan{}
			for i := range trc.Spans {
				byID[trc.Spans[i].SpanID] = &trc.Spans[i]
			}
			parentName := func(s *jaegerSpan) string {
				if p := byID[s.parent()]; p != nil {
					return p.OperationName
				}
				return ""
			}
			for i := range trc.Spans {
				s := &trc.Spans[i]
				for _, p := range []string{"master ", "allocator ", "slave "} {
					if strings.HasPrefix(s.OperationName, p) && s.tag(AttrCodeFunction) != "" {
						found[p+"dispatch span with code.function.name"] = true
					}
				}
				switch s.OperationName {
				case "allocator allocation cycle":
					found["allocation cycle span"] = true
				case "offer":
					found["offer span under the master's offer dispatch"] = found["offer span under the master's offer dispatch"] || parentName(s) == "master offer"
				case "task":
					if p := byID[s.parent()]; p != nil && p.OperationName == "master POST /api/v1/scheduler" && parentName(p) == "jaeger-e2e ACCEPT" &&
						trc.Processes[byID[p.parent()].ProcessID].ServiceName == fwService {
						found["the framework's ACCEPT (its own service) → the master's handling → task, in one trace"] = true
					}
					if parentName(s) == "master POST /api/v1/scheduler" && slices.Contains(s.events(), "TASK_RUNNING") &&
						slices.Contains(s.events(), "TASK_FINISHED") && s.tag(AttrTaskState) == "TASK_FINISHED" {
						found["task span under the ACCEPT with TASK_RUNNING (ACCEPT → RUNNING in one trace)"] = true
					}
				case "slave mesos.internal.RunTaskMessage":
					if p := byID[s.parent()]; p != nil && p.OperationName == "task" && parentName(p) == "master POST /api/v1/scheduler" {
						found["ACCEPT → task → RunTaskMessage"] = true
					}
				case "container":
					var children []*jaegerSpan
					for j := range trc.Spans {
						if trc.Spans[j].parent() == s.SpanID {
							children = append(children, &trc.Spans[j])
						}
					}
					slices.SortStableFunc(children, func(a, b *jaegerSpan) int { return cmp.Compare(a.StartTime, b.StartTime) })
					var got []string
					for _, c := range children {
						got = append(got, strings.TrimPrefix(c.OperationName, "container "))
					}
					if slices.Equal(got, states) {
						found["container state spans in order under the container span"] = true
					}
					var chain []string // the container's ancestors, nearest first
					for p := byID[s.parent()]; p != nil && len(chain) < 32; p = byID[p.parent()] {
						chain = append(chain, p.OperationName)
					}
					if slices.Contains(chain, "slave mesos.internal.RunTaskMessage") && slices.Contains(chain, "task") &&
						slices.Contains(chain, "master POST /api/v1/scheduler") {
						found["container span under ACCEPT → task → RunTaskMessage"] = true
					}
				}
			}
			found["a ping/pong trace"] = found["a ping/pong trace"] || pingPongTrace(trc, 1)
		}
		var missing []string
		for _, want := range []string{
			"master dispatch span with code.function.name", "allocator dispatch span with code.function.name",
			"slave dispatch span with code.function.name", "allocation cycle span", "offer span under the master's offer dispatch",
			"task span under the ACCEPT with TASK_RUNNING (ACCEPT → RUNNING in one trace)", "ACCEPT → task → RunTaskMessage",
			"container state spans in order under the container span", "container span under ACCEPT → task → RunTaskMessage",
			"a ping/pong trace", "the framework's ACCEPT (its own service) → the master's handling → task, in one trace",
		} {
			if !found[want] {
				missing = append(missing, want)
			}
		}
		return strings.Join(missing, "; ")
	})
}

func currentUser(t *testing.T) string {
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
}

// `mesoscope trace --master` against a local cluster that does not trace itself: the
// follower's task span, with its status updates, and the framework's span reach Jaeger.
func TestJaegerTraceMaster(t *testing.T) {
	query, otlp := jaegerEnv(t)
	service := fmt.Sprintf("mesoscope-trace-e2e-%08x", rand.Uint32())
	tr := newJaegerTracer(t, otlp, service)
	l := startLocal(t, nil)
	log := newEventLog()
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan error, 1)
	go func() { returned <- tr.FollowMaster(ctx, FollowConfig{Master: l.URL(), OnEvent: log.add}) }()
	log.wait(t, "SUBSCRIBED", func(e *operator.Event) bool { return e.Type == operator.EventSubscribed })
	launchTask(t, l, "trace-e2e", "t")
	log.wait(t, "t finished", taskUpdate("t", mesos.TaskFinished))
	cancel()
	if err := <-returned; err != nil {
		t.Errorf("FollowMaster() = %v", err)
	}
	stopLocal(t, l)
	shutdown(t, tr)

	eventuallyAll(t, func() string {
		var task, framework bool
		for _, trc := range queryTraces(t, query, service) {
			for i := range trc.Spans {
				s := &trc.Spans[i]
				ev := s.events()
				task = task || (s.OperationName == "task" && s.tag(AttrTaskID) == "t" && s.tag(AttrTaskState) == "TASK_FINISHED" &&
					len(ev) > 0 && ev[0] == "TASK_STAGING" && slices.Contains(ev, "TASK_RUNNING") && ev[len(ev)-1] == "TASK_FINISHED")
				framework = framework || (s.OperationName == "framework.added" && s.tag("mesos.framework_name") == "trace-e2e")
			}
		}
		var missing []string
		if !task {
			missing = append(missing, "a task span from TASK_STAGING through TASK_RUNNING to TASK_FINISHED")
		}
		if !framework {
			missing = append(missing, "a framework.added span")
		}
		return strings.Join(missing, "; ")
	})
}

func TestJaegerAcrossRuntimes(t *testing.T) {
	query, otlp := jaegerEnv(t)
	run := fmt.Sprintf("%08x", rand.Uint32())
	trA := newJaegerTracer(t, otlp, "mesoscope-master-e2e-"+run)
	trB := newJaegerTracer(t, otlp, "mesoscope-agent-e2e-"+run)
	lnA, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lnB, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rtA, err := process.New(process.Config{Observer: trA, Listener: lnA})
	if err != nil {
		t.Fatal(err)
	}
	rtB, err := process.New(process.Config{Observer: trB, Listener: lnB})
	if err != nil {
		t.Fatal(err)
	}
	if err := trA.Attach(rtA); err != nil {
		t.Fatal(err)
	}
	if err := trB.Attach(rtB); err != nil {
		t.Fatal(err)
	}
	a := &struct{ process.Base }{}
	pongs := make(chan bool, 100)
	agent.InstallPing(&a.Base, func(bool) {
		select {
		case pongs <- true:
		default:
		}
	})
	agentPID, err := rtB.Spawn("slave(1)", a)
	if err != nil {
		t.Fatal(err)
	}
	obs := master.NewSlaveObserver(master.ObserverConfig{Agent: agentPID, AgentID: "S0", PingTimeout: 50 * time.Millisecond})
	if _, err := rtA.Spawn("slave-observer(1)", obs); err != nil {
		t.Fatal(err)
	}
	for range 3 { // the first ping, then two from timeouts
		select {
		case <-pongs:
		case <-time.After(10 * time.Second):
			t.Fatal("the agent on runtime B got no ping within 10s")
		}
	}
	rtA.Stop(context.Background())
	rtB.Stop(context.Background())
	shutdown(t, trA)
	shutdown(t, trB)

	eventually(t, "one trace spanning both runtimes (ping on B, pong back on A)", func() bool {
		for _, trc := range queryTraces(t, query, "mesoscope-agent-e2e-"+run) {
			if pingPongTrace(trc, 2) {
				return true
			}
		}
		return false
	})
}

// BenchmarkExportJaeger measures end-to-end export throughput into the real Jaeger:
// sampled dispatches recorded through the hooks, converted, batched and sent over OTLP
// gRPC, flushed every 8192 spans (spans/s is the figure; skipped without Jaeger).
func BenchmarkExportJaeger(b *testing.B) {
	if os.Getenv("MESOSCOPE_JAEGER_QUERY") == "" {
		b.Skip("MESOSCOPE_JAEGER_QUERY is not set")
	}
	otlp := os.Getenv("MESOSCOPE_JAEGER_OTLP")
	if otlp == "" {
		otlp = "http://127.0.0.1:4317"
	}
	tr, err := New(WithEnv(noEnv), WithServiceName("mesoscope-bench"), WithOTLP(otlp, "grpc"),
		WithRingSize(16384), WithMemory(1024))
	if err != nil {
		b.Fatal(err)
	}
	d := &observe.Dispatch{Process: "bench(1)", Kind: observe.KindDispatch, Name: "tick", Begin: 1, End: 2}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		tr.DispatchBegin(d)
		tr.DispatchEnd(d)
		if i%8192 == 8191 {
			if err := tr.Flush(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "spans/s")
	if st := tr.Stats(); st.Dropped != 0 || st.ExportFailed != 0 {
		b.Errorf("Stats() = %+v, want no drops or failures", st)
	}
}
