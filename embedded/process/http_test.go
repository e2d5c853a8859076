package process

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// serve starts a runtime with an HTTP listener on loopback.
func newServingRuntime(t *testing.T, cfg Config) (*Runtime, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Listener = ln
	rt := newTestRuntime(t, cfg)
	return rt, "http://" + ln.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// routed is a process with a few endpoints.
type routed struct{ Base }

func newRouted() *routed {
	r := &routed{}
	r.RouteFunc("/state", "The state.", func(req *Request) Response {
		return OK([]byte("state:"+req.Path), "text/plain")
	})
	r.RouteFunc("/api/v1", "The API.", func(req *Request) Response {
		return OK([]byte("api:"+req.Method+":"+string(req.Body)), "text/plain")
	})
	r.Route("/slow", "Answers later.", func(req *Request) *Future[Response] {
		p := NewPromise[Response]()
		Delay(&r.Base, time.Millisecond, r.Self(), "answer", func() { p.Set(OK([]byte("later"), "")) })
		return p.Future()
	})
	r.RouteFunc("/panic", "Panics.", func(*Request) Response { panic("handler bug") })
	return r
}

func TestHTTPRouting(t *testing.T) {
	rt, base := newServingRuntime(t, Config{Delegate: "master", Workers: 2})
	mustSpawn(t, rt, "master", newRouted())
	tests := []struct {
		method, path, body string
		wantStatus         int
		wantBody           string
	}{
		{"GET", "/master/state", "", 200, "state:/state"},
		{"GET", "/master/state/", "", 200, "state:/state/"},                     // trailing slash: same route
		{"GET", "/master/state/extra/path", "", 200, "state:/state/extra/path"}, // longest prefix
		{"GET", "/state", "", 200, "state:/state"},                              // delegate rewrite
		{"POST", "/master/api/v1", `{"type":"GET_HEALTH"}`, 200, `api:POST:{"type":"GET_HEALTH"}`},
		{"POST", "/api/v1", `x`, 200, "api:POST:x"},
		{"GET", "/master/slow", "", 200, "later"},
		{"GET", "/master/nothing-here", "", 404, ""},
		{"GET", "/master/panic", "", 500, "handler panicked"},
		{"GET", "/master/../etc/passwd", "", 404, ""},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
		req.URL.Opaque = tc.path // keep "/.." as sent, no client-side cleaning
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.wantStatus || !strings.Contains(string(b), tc.wantBody) {
			t.Errorf("%s %s = %d %q, want %d containing %q", tc.method, tc.path, resp.StatusCode, b, tc.wantStatus, tc.wantBody)
		}
	}
}

func TestHTTPNoDelegateUnknownProcess(t *testing.T) {
	_, base := newServingRuntime(t, Config{Workers: 1})
	if code, _ := get(t, base+"/nobody/state"); code != 404 {
		t.Errorf("GET /nobody/state = %d, want 404", code)
	}
}

func TestHTTPBodyLimit(t *testing.T) {
	rt, base := newServingRuntime(t, Config{Workers: 1, MaxBodyBytes: 1024})
	mustSpawn(t, rt, "master", newRouted())
	resp, err := http.Post(base+"/master/api/v1", "application/json", bytes.NewReader(make([]byte, 4096)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized body: status %d, want 413", resp.StatusCode)
	}
	// The server keeps working.
	if code, body := get(t, base+"/master/state"); code != 200 || body != "state:/state" {
		t.Errorf("after oversized request: %d %q", code, body)
	}
}

// TestHTTPPurgedRequestGets500: an HTTP event queued behind a TERMINATE with inject is
// answered 500, like libprocess's ~HttpEvent.
func TestHTTPPurgedRequestGets500(t *testing.T) {
	rt, base := newServingRuntime(t, Config{Workers: 2})
	r := newRecorder()
	r.RouteFunc("/x", "", func(*Request) Response { return OK(nil, "") })
	pid := mustSpawn(t, rt, "rec", r)
	rt.Send(pid, "block", struct{}{})
	<-r.blocked
	codes := make(chan int, 1)
	go func() {
		resp, err := http.Get(base + "/rec/x")
		if err != nil {
			codes <- 0
			return
		}
		resp.Body.Close()
		codes <- resp.StatusCode
	}()
	// Wait until the request is queued behind the blocked message.
	for statFor(t, rt, "rec").Queued["HTTP"] == 0 {
		time.Sleep(time.Millisecond)
	}
	rt.Terminate(pid, true)
	close(r.release)
	if code := <-codes; code != 500 {
		t.Errorf("purged HTTP request: status %d, want 500", code)
	}
}

func TestProcessesEndpointShape(t *testing.T) {
	rt, base := newServingRuntime(t, Config{Workers: 2})
	r := newRecorder()
	r.RouteFunc("/x", "", func(*Request) Response { return OK(nil, "") })
	pid := mustSpawn(t, rt, "rec", r)
	mustSpawn(t, rt, "sender", newRecorder())
	rt.Send(pid, "block", struct{}{})
	<-r.blocked
	// Queue one event of each kind behind the blocked handler.
	rt.Send(pid, "note", "hello")
	Do(rt, pid, "dispatch", func() {})
	go http.Get(base + "/rec/x?verbose=1") // answered 500 once the process terminates
	for statFor(t, rt, "rec").Queued["HTTP"] == 0 {
		time.Sleep(time.Millisecond)
	}
	rt.deliverExited(pid, rt.PID("gone"))
	rt.Terminate(pid, false)

	code, body := get(t, base+"/__processes__")
	close(r.release)
	if code != 200 {
		t.Fatalf("GET /__processes__ = %d", code)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("/__processes__ is not a JSON array: %v\n%s", err, body)
	}
	var rec map[string]any
	ids := []string{}
	for _, p := range got {
		ids = append(ids, p["id"].(string))
		if p["id"] == "rec" {
			rec = p
		}
	}
	for _, want := range []string{"__processes__", "help", "mesoscope", "metrics", "rec", "sender"} {
		if !strings.Contains(strings.Join(ids, ","), want) {
			t.Errorf("/__processes__ ids %v lack %q", ids, want)
		}
	}
	want := map[string]any{
		"id": "rec",
		"events": []any{
			map[string]any{"type": "MESSAGE", "name": "note", "from": "", "to": "rec@" + rt.Address().String(), "body": "hello"},
			map[string]any{"type": "DISPATCH"},
			map[string]any{"type": "HTTP", "method": "GET", "url": "/rec/x?verbose=1"},
			map[string]any{"type": "EXITED"},
			map[string]any{"type": "TERMINATE"},
		},
	}
	if diff := cmp.Diff(want, rec); diff != "" {
		t.Errorf("/__processes__ entry for rec (-want +got):\n%s", diff)
	}
}

func TestMetricsSnapshot(t *testing.T) {
	rt, base := newServingRuntime(t, Config{Workers: 2, MetricsRateLimit: RateLimit{Permits: -1}})
	m := rt.Metrics()
	c, err := m.NewCounter("master/messages_received", 0)
	if err != nil {
		t.Fatal(err)
	}
	c.Inc()
	c.Add(2)
	g, _ := m.NewGauge("master/slaves_active")
	g.Set(3)
	owner := newRecorder()
	opid := mustSpawn(t, rt, "owner", owner)
	if err := m.NewPullGauge("master/event_queue_messages", opid, func() float64 { return float64(len(owner.log)) }); err != nil {
		t.Fatal(err)
	}
	tm, _ := m.NewTimer("allocator/mesos/allocation_run", 0)
	for _, d := range []time.Duration{1, 2, 3, 4} {
		tm.Record(d * time.Millisecond)
	}
	if _, err := m.NewCounter("master/messages_received", 0); err == nil {
		t.Errorf("registering a metric twice succeeded")
	}
	code, body := get(t, base+"/metrics/snapshot")
	if code != 200 {
		t.Fatalf("GET /metrics/snapshot = %d %s", code, body)
	}
	var got map[string]float64
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"master/messages_received":                3,
		"master/slaves_active":                    3,
		"master/event_queue_messages":             1, // "initialize"
		"allocator/mesos/allocation_run_ms":       4,
		"allocator/mesos/allocation_run_ms/count": 4,
		"allocator/mesos/allocation_run_ms/min":   1,
		"allocator/mesos/allocation_run_ms/max":   4,
		"allocator/mesos/allocation_run_ms/p50":   2.5,
		"allocator/mesos/allocation_run_ms/p90":   3.7,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || (g-v) > 1e-9 || (v-g) > 1e-9 {
			t.Errorf("snapshot[%q] = %v (present=%v), want %v", k, g, ok, v)
		}
	}
	if code, body := get(t, base+"/metrics/snapshot?timeout=nonsense"); code != 400 || !strings.Contains(body, "Invalid timeout") {
		t.Errorf("bad timeout: %d %q, want 400 Invalid timeout", code, body)
	}
}

func TestMetricsRateLimitOnPausedClock(t *testing.T) {
	rt, base := newServingRuntime(t, Config{Workers: 2})
	rt.Clock().Pause()
	results := make(chan int, 3)
	for range 3 {
		go func() {
			resp, err := http.Get(base + "/metrics/snapshot")
			if err == nil {
				resp.Body.Close()
			}
			results <- 0
		}()
	}
	// Two per second: the first is immediate, the second waits 500ms, the third 1s.
	got := 0
	for got < 3 {
		select {
		case <-results:
			got++
		case <-time.After(20 * time.Millisecond):
			rt.Clock().Advance(100 * time.Millisecond)
		}
	}
	if elapsed := rt.Clock().Now(); elapsed.IsZero() {
		t.Fatal("clock did not move")
	}
}

func TestHelp(t *testing.T) {
	rt, base := newServingRuntime(t, Config{Workers: 1})
	mustSpawn(t, rt, "master", newRouted())
	code, body := get(t, base+"/help")
	if code != 200 || !strings.Contains(body, "[/master/state](/help/master/state)") {
		t.Errorf("/help = %d %q", code, body)
	}
	code, body = get(t, base+"/help/master/api/v1")
	if code != 200 || !strings.Contains(body, "The API.") {
		t.Errorf("/help/master/api/v1 = %d %q", code, body)
	}
	if code, _ := get(t, base+"/help/nobody"); code != 404 {
		t.Errorf("/help/nobody = %d, want 404", code)
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"5secs", 5 * time.Second, true},
		{"1.5mins", 90 * time.Second, true},
		{"100ms", 100 * time.Millisecond, true},
		{"2hrs", 2 * time.Hour, true},
		{"1days", 24 * time.Hour, true},
		{"1weeks", 7 * 24 * time.Hour, true},
		{"10ns", 10, true},
		{"3us", 3 * time.Microsecond, true},
		{"5s", 5 * time.Second, true},
		{"-1secs", 0, false},
		{"secs", 0, false},
		{"5xsecs", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseDuration(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestRuntimeAsHTTPHandler(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 1, Delegate: "master"})
	mustSpawn(t, rt, "master", newRouted())
	srv := httptest.NewServer(rt)
	defer srv.Close()
	if code, body := get(t, srv.URL+"/state"); code != 200 || body != "state:/state" {
		t.Errorf("GET /state via httptest = %d %q", code, body)
	}
}

func TestAlias(t *testing.T) {
	rt, base := newServingRuntime(t, Config{Workers: 1})
	pid := mustSpawn(t, rt, "allocator", newRouted())
	rt.Alias("/mesoscope/v1/allocator", pid, "/state")
	for _, tc := range []struct{ path, want string }{
		{"/mesoscope/v1/allocator", "state:/state"},
		{"/mesoscope/v1/allocator/x", "state:/state/x"},
	} {
		if code, body := get(t, base+tc.path); code != 200 || body != tc.want {
			t.Errorf("GET %s = %d %q, want 200 %q", tc.path, code, body, tc.want)
		}
	}
	// Other mesoscope endpoints still reach the mesoscope process.
	if code, _ := get(t, base+"/mesoscope/v1/processes"); code != 200 {
		t.Errorf("GET /mesoscope/v1/processes = %d after an alias", code)
	}
}

func TestHandle(t *testing.T) {
	rt, base := newServingRuntime(t, Config{Workers: 1})
	rt.Handle("/mesoscope/v1/spans", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("spans"))
	}))
	if code, body := get(t, base+"/mesoscope/v1/spans"); code != 200 || body != "spans" {
		t.Errorf("GET /mesoscope/v1/spans = %d %q", code, body)
	}
	if code, _ := get(t, base+"/mesoscope/v1/processes"); code != 200 {
		t.Errorf("GET /mesoscope/v1/processes = %d", code)
	}
}
