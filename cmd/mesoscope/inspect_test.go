package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"
)

func cmdFixture(t *testing.T, name string) []byte {
	t.Helper()
	for _, dir := range []string{os.Getenv("MESOSCOPE_FIXTURES"), "../../../shared/fixtures/mesos", "/work/shared/fixtures/mesos"} {
		if dir == "" {
			continue
		}
		if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			return data
		}
	}
	t.Fatalf("fixture %s not found; set MESOSCOPE_FIXTURES", name)
	return nil
}

// fakeMesos serves a small cluster: one agent whose pid points back at the same
// server, so agent endpoints work too.
func fakeMesos(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	var host string
	state := func() []byte {
		return []byte(`{"version":"1.11.0","id":"M","pid":"master@` + host + `","hostname":"m","flags":{},
			"slaves":[{"id":"S0","hostname":"agent-0","port":5051,"pid":"slave(1)@` + host + `","active":true,
				"resources":{"cpus":1,"mem":1024,"disk":0,"ports":"[31000-31001]"},"used_resources":{"cpus":0.5,"mem":512},
				"offered_resources":{},"reserved_resources":{},"unreserved_resources":{"cpus":1,"mem":1024}}],
			"frameworks":[{"id":"F0","name":"marathon","active":true,"connected":true,"role":"*","failover_timeout":604800,
				"used_resources":{"cpus":0.5,"mem":512},"offered_resources":{},
				"tasks":[{"id":"web.1","name":"web","framework_id":"F0","slave_id":"S0","state":"TASK_RUNNING","resources":{"cpus":0.5,"mem":512},
					"statuses":[{"state":"TASK_RUNNING","timestamp":1500000000}]}],
				"offers":[{"id":"O1","framework_id":"F0","slave_id":"S0","resources":{"cpus":0.1}}]}]}`)
	}
	mux.HandleFunc("GET /master/state", func(w http.ResponseWriter, r *http.Request) { w.Write(state()) })
	mux.HandleFunc("GET /master/state-summary", func(w http.ResponseWriter, r *http.Request) { w.Write(state()) })
	mux.HandleFunc("GET /master/roles", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"roles":[{"name":"*","weight":1,"frameworks":["F0"],"allocated":{"cpus":0.5}}]}`))
	})
	mux.HandleFunc("POST /api/v1", func(w http.ResponseWriter, r *http.Request) {
		w.Write(cmdFixture(t, "operator-GET_METRICS.response.json"))
	})
	mux.HandleFunc("GET /__processes__", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[{"id":"master","events":[{"type":"DISPATCH"},{"type":"MESSAGE","name":"mesos.internal.ReregisterSlaveMessage"}]}]`))
	})
	mux.HandleFunc("GET /slave(1)/state", func(w http.ResponseWriter, r *http.Request) {
		w.Write(cmdFixture(t, "dcos-ui.1-service-with-executor-task.agent-state.json"))
	})
	mux.HandleFunc("GET /slave(1)/containers", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`[{"container_id":"C1","framework_id":"F0","executor_id":"web.1","statistics":{"mem_rss_bytes":1048576,"cpus_limit":0.6,"timestamp":1}}]`))
	})
	srv := httptest.NewServer(mux)
	host = strings.TrimPrefix(srv.URL, "http://")
	return srv
}

// syncBuffer is a bytes.Buffer safe for the loggers of commands that run
// clusters (they write from the runtime's goroutines).
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

func runInspect(t *testing.T, cmd *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var out syncBuffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestInspectCommand(t *testing.T) {
	srv := fakeMesos(t)
	defer srv.Close()
	tests := []struct {
		args []string
		want []string // substrings of the output
	}{
		{[]string{"agents"}, []string{"ID", "S0", "agent-0", "active", "0.5/1"}},
		{[]string{"agents", "agent-0"}, []string{"agent S0 agent-0:5051 active", "free         cpus:0.5;mem:512;disk:0;ports:[31000-31001]"}},
		{[]string{"frameworks", "-o", "wide"}, []string{"F0", "marathon", "PRINCIPAL"}},
		{[]string{"frameworks", "marathon"}, []string{"framework marathon (F0) active connected roles=*"}},
		{[]string{"tasks", "-o", "csv"}, []string{"ID,NAME,STATE", "web.1,web,TASK_RUNNING,F0,S0"}},
		{[]string{"tasks", "web.1"}, []string{"task web.1 (web) TASK_RUNNING framework F0 agent S0"}},
		{[]string{"roles", "-o", "markdown"}, []string{"| NAME |", "| * |"}},
		{[]string{"offers"}, []string{"O1", "cpus:0.1"}},
		{[]string{"actors"}, []string{"master", "mesos.internal.ReregisterSlaveMessage×1"}},
		{[]string{"containers"}, []string{"C1", "1.0MiB"}},
		{[]string{"metrics", "--prefix", "master/slaves"}, []string{"master/slaves_active"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, err := runInspect(t, newInspectCommand(), append(tc.args, "--master", srv.URL)...)
			if err != nil {
				t.Fatalf("inspect %v error = %v\n%s", tc.args, err, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("inspect %v output lacks %q:\n%s", tc.args, w, out)
				}
			}
		})
	}
	out, err := runInspect(t, newInspectCommand(), "agents", "-o", "json", "--master", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var agents []map[string]any
	if err := json.Unmarshal([]byte(out), &agents); err != nil || len(agents) != 1 || agents[0]["id"] != "S0" {
		t.Errorf("inspect agents -o json = %s, %v", out, err)
	}
}

func TestWhyCommand(t *testing.T) {
	srv := fakeMesos(t)
	defer srv.Close()
	out, err := runInspect(t, newWhyCommand(), "marathon", "--master", srv.URL, "--demand", "cpus:2;mem:128")
	if err != nil {
		t.Fatalf("why marathon error = %v\n%s", err, out)
	}
	for _, w := range []string{
		"Framework marathon (F0) is waiting because no agent has cpus:2;mem:128 free for role *",
		"answered by: best-effort",
		"agents (0 of 1 fit; showing 1)",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("why output lacks %q:\n%s", w, out)
		}
	}
	out, err = runInspect(t, newWhyCommand(), "*", "--kind", "role", "-o", "json", "--master", srv.URL)
	if err != nil {
		t.Fatalf("why role error = %v", err)
	}
	var e map[string]any
	if err := json.Unmarshal([]byte(out), &e); err != nil || e["kind"] != "role" {
		t.Errorf("why -o json = %s, %v", out, err)
	}
}

func TestInspectErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	status := func(code int, body, ctype string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			w.WriteHeader(code)
			w.Write([]byte(body))
		}))
	}
	noLeader := status(http.StatusServiceUnavailable, "No leader elected", "")
	defer noLeader.Close()
	unauth := status(http.StatusUnauthorized, "", "")
	defer unauth.Close()
	html := status(http.StatusOK, "<html>hello</html>", "text/html")
	defer html.Close()
	tests := []struct {
		name, master, want string
		extra              []string
	}{
		{"unreachable", closed, "cannot reach the Mesos master", nil},
		{"no leader", noLeader.URL, "no leading Mesos master", nil},
		{"auth", unauth.URL, "authentication failed", nil},
		{"not mesos", html.URL, "does not look like a Mesos master", nil},
		{"bad format", html.URL, "output format \"yaml\"", []string{"-o", "yaml"}},
		{"zookeeper", "zk://zk:2181/mesos", "ZooKeeper addresses are not supported", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"agents", "--master", tc.master, "--timeout", "2s"}, tc.extra...)
			_, err := runInspect(t, newInspectCommand(), args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("inspect agents --master %s error = %v, want it to contain %q", tc.master, err, tc.want)
			}
		})
	}
}

// why reads Marathon before the master, so the master's view is never
// older than Marathon's: an offer Marathon processed comes from an agent
// the master's state already lists. Its errors keep their order: a master
// that cannot be read is reported before Marathon.
func TestWhyReadsMarathonBeforeMaster(t *testing.T) {
	var (
		mu  sync.Mutex
		log []string
	)
	record := func(what string) {
		mu.Lock()
		defer mu.Unlock()
		log = append(log, what)
	}
	mesos := fakeMesos(t)
	defer mesos.Close()
	master := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/master/state" {
			record("master state")
		}
		mesos.Config.Handler.ServeHTTP(w, r)
	}))
	defer master.Close()
	marathon := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/queue":
			record("marathon queue")
			w.Write([]byte(`{"queue":[]}`))
		case "/v2/info":
			record("marathon info")
			w.Write([]byte(`{"frameworkId":"F0","name":"marathon"}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer marathon.Close()

	out, err := runInspect(t, newWhyCommand(), "marathon", "--master", master.URL, "--marathon", marathon.URL, "--demand", "cpus:2;mem:128")
	if err != nil {
		t.Fatalf("why marathon error = %v\n%s", err, out)
	}
	mu.Lock()
	got := append([]string(nil), log...)
	mu.Unlock()
	if want := []string{"marathon queue", "marathon info", "master state"}; strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("why read %q, want %q (Marathon first)", got, want)
	}

	// Neither readable: the master's error comes first, as before.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	out, err = runInspect(t, newWhyCommand(), "marathon", "--master", closed, "--marathon", closed)
	if err == nil || !strings.Contains(err.Error(), "cannot reach the Mesos master") {
		t.Errorf("why with neither reachable = %v, want the master's error first\n%s", err, out)
	}
}
