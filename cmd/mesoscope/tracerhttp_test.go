package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/mesoscope/mesoscope/embedded/httpauth"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/tracer"
)

// mountTracer serves the spans and Go's profiles behind the guard it is given, and
// publishes the tracer's counters as metrics.
func TestMountTracer(t *testing.T) {
	tr, err := tracer.New(tracer.WithEnv(func(string) string { return "" }), tracer.WithMemory(16))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Shutdown(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := process.New(process.Config{Listener: ln, Observer: tr})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Stop(context.Background())
	if err := tr.Attach(rt); err != nil {
		t.Fatal(err)
	}
	guard := func(h http.Handler) http.Handler {
		return httpauth.Handler(h, "mesos-master-readonly", httpauth.Credentials{"ops": "s3cret"})
	}
	if err := mountTracer(rt, tr, guard); err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	get := func(path string, auth bool) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if auth {
			req.SetBasicAuth("ops", "s3cret")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for _, tc := range []struct {
		path string
		auth bool
		want int
	}{
		{"/mesoscope/v1/spans", false, http.StatusUnauthorized},
		{"/mesoscope/v1/spans", true, http.StatusOK},
		{"/debug/pprof/profile?seconds=1", false, http.StatusUnauthorized},
		{"/debug/pprof/heap", true, http.StatusOK},
		{"/debug/pprof/cmdline", true, http.StatusNotFound}, // flags may hold secrets
	} {
		if got := get(tc.path, tc.auth).StatusCode; got != tc.want {
			t.Errorf("GET %s (credentials %v) = %d, want %d", tc.path, tc.auth, got, tc.want)
		}
	}
	resp := get("/debug/pprof/profile?seconds=1", true)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /debug/pprof/profile = %d, want 200", resp.StatusCode)
	}
	p, err := profile.Parse(resp.Body)
	if err != nil {
		t.Fatalf("the CPU profile does not parse: %v", err)
	}
	if len(p.SampleType) == 0 || p.SampleType[0].Type != "samples" {
		t.Errorf("CPU profile sample types = %v, want samples first", p.SampleType)
	}
	var metrics map[string]float64
	if err := json.NewDecoder(get("/metrics/snapshot", false).Body).Decode(&metrics); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"tracer/spans_exported", "tracer/spans_dropped", "tracer/spans_export_failed"} {
		if _, ok := metrics[name]; !ok {
			t.Errorf("/metrics/snapshot has no %s", name)
		}
	}
}

func TestJaegerUI(t *testing.T) {
	tests := []struct{ target, want string }{
		{"OTLP http/protobuf http://127.0.0.1:4318/v1/traces", "http://127.0.0.1:16686"},
		{"OTLP grpc http://localhost:4317", "http://localhost:16686"},
		{"OTLP grpc http://[::1]:4317", "http://[::1]:16686"},
		{"OTLP http/protobuf https://collector.example:443/v1/traces", ""},
		{"stdout", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := jaegerUI(tt.target); got != tt.want {
			t.Errorf("jaegerUI(%q) = %q, want %q", tt.target, got, tt.want)
		}
	}
}
