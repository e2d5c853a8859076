package tracer

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
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
	TraceID string `json:"traceID"`
	Spans   []struct {
		SpanID        string `json:"spanID"`
		OperationName string `json:"operationName"`
		ProcessID     string `json:"processID"`
		References    []struct {
			RefType string `json:"refType"`
			SpanID  string `json:"spanID"`
		} `json:"references"`
	} `json:"spans"`
	Processes map[string]struct {
		ServiceName string `json:"serviceName"`
	} `json:"processes"`
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
	deadline := time.Now().Add(30 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("Jaeger: %s: not seen within 30s", what)
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

// A framework launches a task on a local cluster (master and agent on one
// runtime): Jaeger gets the master's and the agent's dispatch spans, the
// health checks' ping/pong traces, and one trace from the master's
// handling of the ACCEPT to the agent's RunTaskMessage handler.
func TestJaegerLocalCluster(t *testing.T) {
	query, otlp := jaegerEnv(t)
	service := fmt.Sprintf("mesoscope-master-e2e-%08x", rand.Uint32())
	tr := newJaegerTracer(t, otlp, service)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := cluster.StartLocal(cluster.LocalConfig{
		Listener: ln, WorkDir: t.TempDir(), NumAgents: 1, Observer: tr,
		DefaultAgent: cluster.AgentSpec{Resources: "cpus:1;mem:256;disk:100;ports:[31000-31001]", Hostname: "localhost"},
		Master:       master.Config{AgentPingTimeout: 100 * time.Millisecond},
		Agent:        agent.Config{RegistrationBackoffFactor: 10 * time.Millisecond, Containerizer: containerizer.Config{Isolation: []string{"posix/cpu", "posix/mem"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Attach(l.Runtime()); err != nil {
		t.Fatal(err)
	}
	finished := make(chan struct{})
	c, err := schedclient.New(schedclient.Config{Master: l.URL(), Framework: mesos.FrameworkInfo{User: currentUser(t), Name: "jaeger-e2e"}, AutoAck: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	launched := false
	go func() {
		done <- c.Run(ctx, func(ctx context.Context, e *scheduler.Event) {
			switch {
			case e.Type == scheduler.EventOffers && !launched:
				launched = true
				o := e.Offers.Offers[0]
				shell, cmd := true, "true"
				task := mesos.TaskInfo{Name: "t", TaskID: mesos.TaskID{Value: "t"}, AgentID: o.AgentID,
					Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:32")), Command: &mesos.CommandInfo{Shell: &shell, Value: &cmd}}
				if err := c.Launch(ctx, o.ID, task); err != nil {
					t.Errorf("launch: %v", err)
				}
			case e.Type == scheduler.EventUpdate && e.Update.Status.State == mesos.TaskFinished:
				close(finished)
			}
		})
	}()
	select {
	case <-finished:
	case <-time.After(30 * time.Second):
		t.Fatal("the task did not finish within 30s")
	}
	cancel()
	<-done
	if err := l.Stop(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	shutdown(t, tr)

	eventually(t, "master and agent spans, a ping/pong, and ACCEPT → RunTaskMessage in one trace", func() bool {
		var master, agentSpan, pingPong, launch bool
		for _, trc := range queryTraces(t, query, service) {
			byID := map[string]string{}
			for _, s := range trc.Spans {
				byID[s.SpanID] = s.OperationName
			}
			for _, s := range trc.Spans {
				master = master || strings.HasPrefix(s.OperationName, "master ")
				agentSpan = agentSpan || strings.HasPrefix(s.OperationName, "slave ")
				if s.OperationName == "slave mesos.internal.RunTaskMessage" && len(s.References) > 0 &&
					strings.HasPrefix(byID[s.References[0].SpanID], "master ") {
					launch = true
				}
			}
			pingPong = pingPong || pingPongTrace(trc, 1)
		}
		return master && agentSpan && pingPong && launch
	})
}

func currentUser(t *testing.T) string {
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.Username
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
