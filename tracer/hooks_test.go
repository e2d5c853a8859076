package tracer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// send runs one dispatch on worker 0 carrying header in, sends one message from it, and
// returns the header the message got.
func send(tr *Tracer, in observe.Header) observe.Header {
	d := &observe.Dispatch{Process: "p(1)", Kind: observe.KindMessage, Name: "m", Header: in, Begin: 10, Enqueued: 5}
	tr.DispatchBegin(d)
	m := &observe.Message{Kind: observe.KindMessage, Name: "n"}
	tr.MessageSend(d, m)
	d.End = 20
	tr.DispatchEnd(d)
	return m.Header
}

func TestPropagationDecisions(t *testing.T) {
	const sampledIn = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	const unsampledIn = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
	tests := []struct {
		name        string
		sampler     string
		in          observe.Header
		wantSampled bool   // the sent traceparent has the sampled flag
		wantTrace   string // the sent trace id, "" for any
		wantNone    bool   // nothing is sent
		wantState   string
	}{
		{"root always on", "parentbased_always_on", nil, true, "", false, ""},
		{"root ratio 0", "parentbased_traceidratio", nil, false, "", true, ""},
		{"sampled parent", "parentbased_always_off", observe.Header{"traceparent": sampledIn, "tracestate": "k=v"}, true, "4bf92f3577b34da6a3ce929d0e0e4736", false, "k=v"},
		{"unsampled parent", "parentbased_always_on", observe.Header{"traceparent": unsampledIn}, false, "4bf92f3577b34da6a3ce929d0e0e4736", false, ""},
		{"bad parent is a root", "parentbased_always_on", observe.Header{"traceparent": "junk"}, true, "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arg := ""
			if tt.sampler == "parentbased_traceidratio" {
				arg = "0"
			}
			tr, _ := newTestTracer(t, WithSampler(tt.sampler, arg))
			got := send(tr, tt.in)
			if tt.wantNone {
				if got != nil {
					t.Errorf("sent header = %v, want none", got)
				}
				return
			}
			sc, ok := parseTraceparent(got["traceparent"])
			if !ok {
				t.Fatalf("sent traceparent = %q, want a valid one", got["traceparent"])
			}
			if sc.sampled() != tt.wantSampled {
				t.Errorf("sent traceparent %q sampled = %v, want %v", got["traceparent"], sc.sampled(), tt.wantSampled)
			}
			if tt.wantTrace != "" && !strings.Contains(got["traceparent"], tt.wantTrace) {
				t.Errorf("sent traceparent = %q, want trace id %s", got["traceparent"], tt.wantTrace)
			}
			if got["tracestate"] != tt.wantState {
				t.Errorf("sent tracestate = %q, want %q", got["tracestate"], tt.wantState)
			}
			if tt.wantSampled && strings.Contains(got["traceparent"], "00f067aa0ba902b7") {
				t.Errorf("sent traceparent %q reuses the parent's span id, want the dispatch's own", got["traceparent"])
			}
		})
	}
}

func TestHotPathAllocations(t *testing.T) {
	tests := []struct {
		sampler, arg string
		send         bool
		max          float64
	}{
		{"parentbased_traceidratio", "0", true, 0},    // off
		{"parentbased_traceidratio", "0.0", false, 0}, // off, no send
		{"always_on", "", false, 0},                   // sampled dispatch: a ring record only
		{"always_on", "", true, 3},                    // sampled send: header map (2) + traceparent
	}
	for _, tt := range tests {
		tr, _ := newTestTracer(t, WithSampler(tt.sampler, tt.arg), WithRingSize(4096))
		d := &observe.Dispatch{Process: "p(1)", Kind: observe.KindMessage, Name: "m", Begin: 1, End: 2}
		m := &observe.Message{}
		allocs := testing.AllocsPerRun(1000, func() {
			tr.DispatchBegin(d)
			if tt.send {
				m.Header = nil
				tr.MessageSend(d, m)
			}
			tr.DispatchEnd(d)
		})
		if allocs > tt.max {
			t.Errorf("%s:%s send=%v: %v allocs per dispatch, want <= %v", tt.sampler, tt.arg, tt.send, allocs, tt.max)
		}
	}
}

func TestPprofLabels(t *testing.T) {
	tr, _ := newTestTracer(t)
	rt := newRuntime(t, tr, nil)
	var profile bytes.Buffer
	e := &eventer{}
	process.Install(&e.Base, "profile", func(process.PID, struct{}) {
		_ = pprof.Lookup("goroutine").WriteTo(&profile, 1)
	})
	pid, err := rt.Spawn("master", e)
	if err != nil {
		t.Fatal(err)
	}
	rt.Send(pid, "profile", struct{}{})
	rt.Settle()
	if want := `"event":"profile"`; !strings.Contains(profile.String(), want) || !strings.Contains(profile.String(), `"process":"master"`) {
		t.Errorf("goroutine profile taken in a handler has no labels process=master event=profile:\n%.2000s", profile.String())
	}

	off, _ := newTestTracer(t, WithPprofLabels(false))
	rt2 := newRuntime(t, off, nil)
	profile.Reset()
	e2 := &eventer{}
	process.Install(&e2.Base, "profile2", func(process.PID, struct{}) {
		_ = pprof.Lookup("goroutine").WriteTo(&profile, 1)
	})
	pid2, err := rt2.Spawn("master", e2)
	if err != nil {
		t.Fatal(err)
	}
	rt2.Send(pid2, "profile2", struct{}{})
	rt2.Settle()
	if strings.Contains(profile.String(), `"event":"profile2"`) {
		t.Errorf("WithPprofLabels(false) still labels dispatches")
	}
}

func TestMemoryHandler(t *testing.T) {
	tr, _ := newTestTracer(t, WithMemory(3), WithServiceName("mesoscope-master"))
	for range 5 {
		send(tr, nil)
	}
	flush(t, tr)
	srv := httptest.NewServer(tr.Memory())
	defer srv.Close()

	get := func(q string) (int, spansResponse) {
		t.Helper()
		res, err := http.Get(srv.URL + "/mesoscope/v1/spans" + q)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body spansResponse
		if res.StatusCode == http.StatusOK {
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatalf("GET %s: decode: %v", q, err)
			}
		}
		return res.StatusCode, body
	}
	code, all := get("")
	if code != http.StatusOK || all.Total != 5 || len(all.Spans) != 3 {
		t.Fatalf("GET spans = %d total %d, %d spans; want 200, total 5, 3 spans kept", code, all.Total, len(all.Spans))
	}
	s := all.Spans[2]
	want := SpanData{Name: "p m", Service: "mesoscope-master", Kind: "consumer"}
	got := SpanData{Name: s.Name, Service: s.Service, Kind: s.Kind}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("span (-want +got):\n%s", diff)
	}
	if s.Attributes[AttrProcessID] != "p(1)" || s.Attributes[AttrQueueWait] != "5" {
		t.Errorf("span attributes = %v, want %s=p(1) %s=5", s.Attributes, AttrProcessID, AttrQueueWait)
	}
	if code, one := get("?trace_id=" + s.TraceID); code != 200 || len(one.Spans) != 1 {
		t.Errorf("GET ?trace_id = %d, %d spans; want 200, 1", code, len(one.Spans))
	}
	if code, two := get("?limit=2"); code != 200 || len(two.Spans) != 2 {
		t.Errorf("GET ?limit=2 = %d, %d spans; want 200, 2", code, len(two.Spans))
	}
	if code, some := get("?name_prefix=x&name_prefix=p"); code != 200 || len(some.Spans) != 3 {
		t.Errorf("GET ?name_prefix=x&name_prefix=p = %d, %d spans; want 200, 3 (all are \"p m\")", code, len(some.Spans))
	}
	if code, none := get("?name_prefix=container"); code != 200 || len(none.Spans) != 0 {
		t.Errorf("GET ?name_prefix=container = %d, %d spans; want 200, none", code, len(none.Spans))
	}
	if code, _ := get("?limit=x"); code != http.StatusBadRequest {
		t.Errorf("GET ?limit=x = %d, want 400", code)
	}
	res, err := http.Post(srv.URL, "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST = %d, want 405", res.StatusCode)
	}
}

func TestSetupFromEnv(t *testing.T) {
	env := func(kv map[string]string) Option {
		return WithEnv(func(k string) string { return kv[k] })
	}
	tests := []struct {
		name    string
		env     map[string]string
		opts    []Option
		wantErr string
	}{
		{"bad sampler", map[string]string{"OTEL_TRACES_SAMPLER": "nope"}, nil, "OTEL_TRACES_SAMPLER"},
		{"bad ratio", map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "2"}, nil, "OTEL_TRACES_SAMPLER_ARG"},
		{"bad exporter", map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, nil, "OTEL_TRACES_EXPORTER"},
		{"bad protocol", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1", "OTEL_EXPORTER_OTLP_PROTOCOL": "thrift"}, nil, "OTLP protocol"},
		{"bad headers", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1", "OTEL_EXPORTER_OTLP_HEADERS": "novalue"}, nil, "OTEL_EXPORTER_OTLP_HEADERS"},
		{"bad resource", map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "a=%zz"}, nil, "OTEL_RESOURCE_ATTRIBUTES"},
		{"otlp grpc", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_HEADERS": "a=b"}, nil, ""},
		{"otlp http", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}, nil, ""},
		{"otlp option", nil, []Option{WithOTLP("http://127.0.0.1:1", "grpc")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := New(append([]Option{env(tt.env)}, tt.opts...)...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("New() error = %v, want one naming %s", err, tt.wantErr)
				}
				if tr != nil {
					tr.Shutdown(context.Background())
				}
				return
			}
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			tr.Shutdown(ctx) // nothing recorded, so nothing to export to the closed port
		})
	}
}

func TestResourceAndStdout(t *testing.T) {
	var out bytes.Buffer
	tr, err := New(WithEnv(func(k string) string {
		return map[string]string{
			"OTEL_SERVICE_NAME":        "from-env",
			"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test,service.name=ignored",
		}[k]
	}), WithServiceName("mesoscope-agent"), WithStdout(&out), WithFlushInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	send(tr, nil)
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := tr.Memory().Spans()
	if len(spans) != 1 || spans[0].Service != "from-env" {
		t.Errorf("memory spans = %+v, want one with service from-env (OTEL_SERVICE_NAME wins)", spans)
	}
	for _, want := range []string{`"deployment.environment"`, `"host.name"`, `"process.pid"`, `"Name": "p m"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout export has no %s:\n%.1500s", want, out.String())
		}
	}
}

func TestFlagsOptions(t *testing.T) {
	tests := []struct {
		flags   Flags
		wantErr bool
	}{
		{Flags{Exporter: "stdout"}, false},
		{Flags{Exporter: "none"}, false},
		{Flags{Exporter: "otlp", Endpoint: "http://127.0.0.1:1", Protocol: "grpc"}, false},
		{Flags{Sampler: "always_off"}, false},
		{Flags{Exporter: "jaeger"}, true},
	}
	for _, tt := range tests {
		opts, err := tt.flags.Options(&bytes.Buffer{})
		if (err != nil) != tt.wantErr {
			t.Errorf("Flags%+v.Options() error = %v, want error %v", tt.flags, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		tr, err := New(append([]Option{WithEnv(noEnv)}, opts...)...)
		if err != nil {
			t.Errorf("New(Flags%+v) error = %v", tt.flags, err)
			continue
		}
		tr.Shutdown(context.Background())
	}
}

// TestSourcesTable checks every entry of the reviewed table against the Mesos source
// tree, when it is present.
func TestSourcesTable(t *testing.T) {
	const root = "/work/mesos-1.11.0"
	if _, err := os.Stat(root); err != nil {
		t.Skipf("Mesos source tree not at %s", root)
	}
	for key, src := range Sources() {
		b, err := os.ReadFile(filepath.Join(root, src.Path))
		if err != nil {
			t.Errorf("source %q: %s: %v", key, src.Path, err)
			continue
		}
		// Class::method is defined out of line ("Class::method(") or inside the class
		// body ("class Class" ... " method(").
		fn, _, _ := strings.Cut(src.Function, "(")
		class, method, _ := strings.Cut(fn, "::")
		if !bytes.Contains(b, []byte(fn+"(")) &&
			!(bytes.Contains(b, []byte("class "+class)) && bytes.Contains(b, []byte(" "+method+"("))) {
			t.Errorf("source %q: %s defines no %s", key, src.Path, fn)
		}
	}
	lookups := []struct {
		process string
		kind    observe.Kind
		name    string
		want    string // "" when the table must not know it
	}{
		{"slave(3)", observe.KindMessage, "mesos.internal.PingSlaveMessage", "Slave::ping"},
		{"metrics", observe.KindHTTP, "GET /metrics/snapshot", "MetricsProcess::_snapshot"},
		{"master", observe.KindHTTP, "POST /api/v1/scheduler", "Master::Http::scheduler"},
		{"master", observe.KindHTTP, "GET /master/state", "Master::Http::state"},
		{"master", observe.KindHTTP, "GET /master/state-summary", "Master::Http::stateSummary"},
		{"slave(1)", observe.KindHTTP, "GET /slave(1)/state", "Http::state"},
		{"files", observe.KindHTTP, "GET /files/browse", "FilesProcess::browse"},
		{"master", observe.KindHTTP, "GET /master/statex", ""},
		{"master", observe.KindHTTP, "GET /masterx/state", ""},
		{"allocator", observe.KindDispatch, "initialize", "HierarchicalAllocatorProcess::initialize"},
	}
	for _, tt := range lookups {
		got, ok := lookupSource(tt.process, tt.kind, tt.name)
		if ok != (tt.want != "") || got.Function != tt.want {
			t.Errorf("lookupSource(%s, %s, %q) = %q, %v; want %q", tt.process, tt.kind, tt.name, got.Function, ok, tt.want)
		}
	}
}

// failing is an exporter that always fails.
type failing struct{}

func (failing) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error {
	return errors.New("backend down")
}
func (failing) Shutdown(context.Context) error { return nil }

func TestExportFailuresAreCountedAndLoggedOnce(t *testing.T) {
	var logs bytes.Buffer
	tr, _ := newTestTracer(t, WithSpanExporter(failing{}), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	for range 3 {
		send(tr, nil)
		if err := tr.Flush(context.Background()); err == nil {
			t.Errorf("Flush() = nil with a failing exporter, want its error")
		}
	}
	if got := tr.Stats().ExportFailed; got != 3 {
		t.Errorf("Stats().ExportFailed = %d, want 3", got)
	}
	if n := strings.Count(logs.String(), "export failed"); n != 1 {
		t.Errorf("export failure logged %d times, want once; logs:\n%s", n, logs.String())
	}
}

func TestExportTarget(t *testing.T) {
	tests := []struct {
		opts []Option
		want string
	}{
		{nil, ""},
		{[]Option{WithOTLP("http://127.0.0.1:4318", "http/protobuf")}, "OTLP http/protobuf http://127.0.0.1:4318/v1/traces"},
		{[]Option{WithOTLP("http://127.0.0.1:4317", "grpc")}, "OTLP grpc http://127.0.0.1:4317"},
		{[]Option{WithOTLP("", "")}, "OTLP http/protobuf http://localhost:4318/v1/traces"},
		{[]Option{WithStdout(&bytes.Buffer{})}, "stdout"},
	}
	for _, tt := range tests {
		tr, err := New(append([]Option{WithEnv(noEnv)}, tt.opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.ExportTarget(); got != tt.want {
			t.Errorf("ExportTarget() = %q, want %q", got, tt.want)
		}
		tr.Shutdown(context.Background())
	}
}
