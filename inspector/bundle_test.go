package inspector

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixtureMaster serves a master from the shared fixtures, with the v1 operator
// API; with extras it also serves mesoscope's endpoints.
func fixtureMaster(t *testing.T, stateFixture string, extras bool) *fakeMaster {
	t.Helper()
	fm := newFakeMaster(t)
	fm.json("GET /master/state", fixtureBytes(t, stateFixture))
	fm.json("GET /master/state-summary", fixtureBytes(t, stateFixture))
	fm.json("GET /master/roles", fixtureBytes(t, "operator-GET_ROLES.response.json"))
	fm.json("GET /version", []byte(testVersion))
	fm.json("GET /master/flags", []byte(testFlags))
	fm.json("POST /api/v1 GET_METRICS", fixtureBytes(t, "operator-GET_METRICS.response.json"))
	fm.json("POST /api/v1 GET_VERSION", fixtureBytes(t, "operator-GET_VERSION.response.json"))
	fm.json("POST /api/v1 GET_FLAGS", []byte(`{"type":"GET_FLAGS","get_flags":{"flags":[{"name":"allocation_interval","value":"1secs"}]}}`))
	fm.json("GET /__processes__", []byte(profileProcesses[0]))
	if extras {
		fm.json("GET "+MesoscopeProcesses, []byte(`[{"id":"master","handled":{"MESSAGE":3},"busy_seconds":0.5,"oldest_age_seconds":1.25}]`))
		fm.json("GET "+MesoscopeSpans, []byte(`[]`))
		fm.handle("GET "+MesoscopeAllocator, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if id := r.URL.Query().Get("framework_id"); id != "" {
				fmt.Fprintf(w, `{"framework_id":%q,"active":true,"roles":[{"role":"*","role_share":0.25,"filters":1}]}`, id)
				return
			}
			w.Write([]byte(`{"cycles":[]}`))
		})
	}
	return fm
}

const (
	testVersion = `{"version":"1.11.0","git_sha":"7d9d1b5d","git_tag":"1.11.0","build_date":"2020-11-20 00:00:00","build_time":1605830400,"build_user":"root"}`
	testFlags   = `{"flags":{"allocation_interval":"1secs","min_allocatable_resources":"cpus:0.01|mem:32"}}`
)

// comparable clears what differs between two reads of the same data.
func comparableSnapshot(s *Snapshot) *Snapshot {
	c := s.DeepCopy()
	c.Took = 0
	c.TakenAt = time.Time{}
	return c
}

func saveBundle(t *testing.T, url string, opt BundleOptions) ([]byte, *BundleManifest) {
	t.Helper()
	c, _ := testClient(t, url, nil)
	var buf bytes.Buffer
	m, err := SaveBundle(t.Context(), c, &buf, opt)
	if err != nil {
		t.Fatalf("SaveBundle(%s) error = %v", url, err)
	}
	return buf.Bytes(), m
}

func TestBundleRoundTrip(t *testing.T) {
	base := []string{"master/state.json", "master/state-summary.json", "master/roles.json", "__processes__.json", "version.json", "master/flags.json",
		"api/v1/GET_METRICS.json", "api/v1/GET_VERSION.json", "api/v1/GET_FLAGS.json"}
	tests := []struct {
		fixture     string
		extras      bool
		wantEntries []string
		wantMissing []string
	}{
		{
			fixture:     "dcos-ui.healthy-tasks.master-state.json",
			wantEntries: base,
			wantMissing: []string{MesoscopeProcesses},
		},
		{
			fixture: "bun.ok.master-state.json",
			extras:  true,
			wantEntries: append(slices.Clone(base), "mesoscope/v1/processes.json", "mesoscope/v1/allocator.json", "mesoscope/v1/spans.json",
				"mesoscope/v1/allocator/frameworks/0.json", "mesoscope/v1/allocator/frameworks/1.json"),
		},
		{
			fixture:     "mesos-dns.fake.master-state.json",
			wantEntries: base,
			wantMissing: []string{MesoscopeProcesses},
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			srv := httptest.NewServer(fixtureMaster(t, tt.fixture, tt.extras))
			defer srv.Close()
			data, m := saveBundle(t, srv.URL, BundleOptions{})
			var names, missing []string
			for _, e := range m.Entries {
				names = append(names, e.Name)
			}
			for _, e := range m.Missing {
				missing = append(missing, e.Path)
			}
			if diff := cmp.Diff(tt.wantEntries, names); diff != "" {
				t.Errorf("manifest entries (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMissing, missing); diff != "" {
				t.Errorf("manifest missing (-want +got):\n%s", diff)
			}

			b, err := LoadBundle(bytes.NewReader(data), BundleLimits{})
			if err != nil {
				t.Fatalf("LoadBundle() error = %v", err)
			}
			if diff := cmp.Diff(*m, b.Manifest); diff != "" {
				t.Errorf("loaded manifest (-saved +loaded):\n%s", diff)
			}
			bc, err := b.Client(Config{})
			if err != nil {
				t.Fatalf("Bundle.Client() error = %v", err)
			}
			live, _ := testClient(t, srv.URL, nil)
			want, err := live.Snapshot(t.Context(), SnapshotOptions{})
			if err != nil {
				t.Fatalf("live Snapshot() error = %v", err)
			}
			got, err := bc.Snapshot(t.Context(), SnapshotOptions{})
			if err != nil {
				t.Fatalf("bundle Snapshot() error = %v", err)
			}
			if diff := cmp.Diff(comparableSnapshot(want), comparableSnapshot(got)); diff != "" {
				t.Errorf("bundle Snapshot() differs from live (-live +bundle):\n%s", diff)
			}
			if g, w := DescribeCluster(got.Cluster), DescribeCluster(want.Cluster); g != w {
				t.Errorf("DescribeCluster(bundle) = %q, want %q", g, w)
			}
			st, err := bc.MasterState(t.Context())
			if err != nil {
				t.Fatalf("bundle MasterState() error = %v", err)
			}
			lst, err := live.MasterState(t.Context())
			if err != nil {
				t.Fatalf("live MasterState() error = %v", err)
			}
			if g, w := DescribeState(st), DescribeState(lst); g != w {
				t.Errorf("DescribeState(bundle) differs from live:\n%s", cmp.Diff(w, g))
			}
		})
	}
}

// TestBundleAgents saves two agents, one without /containers (as agents
// older than that endpoint), and checks the bundle answers their /state,
// /containers and /monitor/statistics, and a Snapshot with agents, as live.
func TestBundleAgents(t *testing.T) {
	fm := newFakeMaster(t)
	srv := httptest.NewServer(fm)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	fm.json("GET /master/state", []byte(`{"version":"1.11.0","id":"M","pid":"master@`+host+`","hostname":"m",
		"slaves":[{"id":"S0","hostname":"a","port":5051,"pid":"slave(1)@`+host+`","active":true,"resources":{"cpus":1}},
		          {"id":"S1","hostname":"b","port":5051,"pid":"slave(2)@`+host+`","active":true,"resources":{"cpus":1}},
		          {"id":"S2","hostname":"c","port":5051,"pid":"slave(3)@`+host+`","active":false,"resources":{"cpus":1}}],"frameworks":[]}`))
	fm.json("GET /master/roles", fixtureBytes(t, "operator-GET_ROLES.response.json"))
	fm.json("POST /api/v1 GET_METRICS", fixtureBytes(t, "operator-GET_METRICS.response.json"))
	fm.json("GET /__processes__", []byte(profileProcesses[0]))
	agentState := fixtureBytes(t, "dcos-ui.1-service-with-executor-task.agent-state.json")
	fm.json("GET /slave(1)/state", agentState)
	fm.json("GET /slave(1)/containers", []byte(`[{"container_id":"C1","framework_id":"F0","executor_id":"web.1","statistics":{"mem_rss_bytes":1048576,"timestamp":1}}]`))
	fm.json("GET /slave(1)/monitor/statistics", []byte(`[{"framework_id":"F0","executor_id":"web.1","statistics":{"mem_rss_bytes":1048576,"timestamp":1}}]`))
	fm.json("GET /slave(2)/state", agentState)
	fm.json("GET /slave(2)/monitor/statistics", []byte(`[{"framework_id":"F1","executor_id":"db.1","executor_name":"db","source":"db","statistics":{"cpus_user_time_secs":2.5,"timestamp":2}}]`))
	data, m := saveBundle(t, srv.URL, BundleOptions{Agents: true})
	var names, missing []string
	for _, e := range m.Entries {
		if strings.HasPrefix(e.Name, "agents/") {
			names = append(names, e.Name)
		}
	}
	for _, e := range m.Missing {
		if strings.HasPrefix(e.Path, "agent ") {
			missing = append(missing, e.Path)
		}
	}
	wantNames := []string{"agents/0/state.json", "agents/0/containers.json", "agents/0/monitor/statistics.json",
		"agents/1/state.json", "agents/1/monitor/statistics.json"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("SaveBundle(agents) entries (-want +got):\n%s", diff)
	}
	// The inactive agent S2 is not read; S1's /containers is missing.
	if diff := cmp.Diff([]string{"agent S1 /containers"}, missing); diff != "" {
		t.Errorf("SaveBundle(agents) missing (-want +got):\n%s", diff)
	}
	b, err := LoadBundle(bytes.NewReader(data), BundleLimits{})
	if err != nil {
		t.Fatalf("LoadBundle() error = %v", err)
	}
	bc, err := b.Client(Config{})
	if err != nil {
		t.Fatalf("Bundle.Client() error = %v", err)
	}
	live, _ := testClient(t, srv.URL, nil)
	for _, agentURL := range []string{srv.URL + "/slave(1)", srv.URL + "/slave(2)"} {
		want, err := live.AgentState(t.Context(), agentURL)
		if err != nil {
			t.Fatalf("live AgentState(%s) error = %v", agentURL, err)
		}
		got, err := bc.AgentState(t.Context(), agentURL)
		if err != nil {
			t.Fatalf("bundle AgentState(%s) error = %v", agentURL, err)
		}
		if g, w := DescribeAgentState(*got), DescribeAgentState(*want); g != w {
			t.Errorf("DescribeAgentState(bundle %s) differs from live:\n%s", agentURL, cmp.Diff(w, g))
		}
		wantStats, err := live.MonitorStatistics(t.Context(), agentURL)
		if err != nil {
			t.Fatalf("live MonitorStatistics(%s) error = %v", agentURL, err)
		}
		gotStats, err := bc.MonitorStatistics(t.Context(), agentURL)
		if err != nil {
			t.Fatalf("bundle MonitorStatistics(%s) error = %v", agentURL, err)
		}
		if diff := cmp.Diff(wantStats, gotStats); diff != "" {
			t.Errorf("MonitorStatistics(%s) bundle differs from live (-live +bundle):\n%s", agentURL, diff)
		}
	}
	want, err := live.Snapshot(t.Context(), SnapshotOptions{Agents: true})
	if err != nil {
		t.Fatalf("live Snapshot(agents) error = %v", err)
	}
	got, err := bc.Snapshot(t.Context(), SnapshotOptions{Agents: true})
	if err != nil {
		t.Fatalf("bundle Snapshot(agents) error = %v", err)
	}
	if diff := cmp.Diff(comparableSnapshot(want), comparableSnapshot(got)); diff != "" {
		t.Errorf("bundle Snapshot(agents) differs from live (-live +bundle):\n%s", diff)
	}
	// S1 has no /containers: its executors come from /monitor/statistics.
	var ids []string
	for _, c := range got.Containers {
		ids = append(ids, c.AgentID+"/"+c.ExecutorID)
	}
	if diff := cmp.Diff([]string{"S0/web.1", "S1/db.1"}, ids); diff != "" {
		t.Errorf("Snapshot(agents).Containers (-want +got):\n%s", diff)
	}
}

// fakeMarathon serves Marathon's /v2/info, /v2/apps and /v2/queue from the
// shared fixtures.
func fakeMarathon(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	reply := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}
	}
	mux.HandleFunc("GET /v2/info", reply([]byte(testMarathonInfo)))
	mux.HandleFunc("GET /v2/apps", reply([]byte(`{"apps":[`+string(fixtureBytes(t, "marathon.v2.app.json"))+`]}`)))
	queue := fixtureBytes(t, "marathon.v2.queue.json")
	mux.HandleFunc("GET /v2/queue", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("embed") != "lastUnusedOffers" {
			http.Error(w, "want embed=lastUnusedOffers", http.StatusBadRequest)
			return
		}
		reply(queue)(w, r)
	})
	return httptest.NewServer(mux)
}

const testMarathonInfo = `{"name":"marathon","version":"1.11.24","buildref":"x","elected":true,"leader":"m1:8080",
	"frameworkId":"FW-marathon","marathon_config":{"master":"zk://zk:2181/mesos","framework_name":"marathon-user","mesos_role":"slave_public"},
	"http_config":{"http_port":8080}}`

// TestBundleMarathon saves Marathon with the master and checks the bundle
// answers Marathon's endpoints as the live Marathon does.
func TestBundleMarathon(t *testing.T) {
	srv := httptest.NewServer(fixtureMaster(t, "dcos-ui.marathon-1-task.master-state.json", false))
	defer srv.Close()
	mara := fakeMarathon(t)
	defer mara.Close()
	data, m := saveBundle(t, srv.URL, BundleOptions{Marathon: mara.URL + "/ignored/path"})
	if m.Marathon != mara.URL {
		t.Errorf("SaveBundle().Marathon = %q, want %q", m.Marathon, mara.URL)
	}
	var names []string
	for _, e := range m.Entries {
		if strings.HasPrefix(e.Name, "marathon/") {
			names = append(names, e.Name+" "+e.Path+"?"+e.Query)
		}
	}
	wantNames := []string{"marathon/v2/info.json /v2/info?", "marathon/v2/apps.json /v2/apps?", "marathon/v2/queue.json /v2/queue?embed=lastUnusedOffers"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("SaveBundle(marathon) entries (-want +got):\n%s", diff)
	}
	b, err := LoadBundle(bytes.NewReader(data), BundleLimits{})
	if err != nil {
		t.Fatalf("LoadBundle() error = %v", err)
	}
	bc, err := b.Client(Config{})
	if err != nil {
		t.Fatalf("Bundle.Client() error = %v", err)
	}
	live, _ := testClient(t, srv.URL, nil)
	wantQ, err := live.MarathonQueue(t.Context(), mara.URL)
	if err != nil {
		t.Fatalf("live MarathonQueue() error = %v", err)
	}
	gotQ, err := bc.MarathonQueue(t.Context(), b.Manifest.Marathon)
	if err != nil {
		t.Fatalf("bundle MarathonQueue() error = %v", err)
	}
	if diff := cmp.Diff(wantQ, gotQ); diff != "" {
		t.Errorf("MarathonQueue() bundle differs from live (-live +bundle):\n%s", diff)
	}
	gotInfo, err := bc.MarathonInfo(t.Context(), b.Manifest.Marathon)
	if err != nil {
		t.Fatalf("bundle MarathonInfo() error = %v", err)
	}
	wantInfo := MarathonInfo{Name: "marathon", Version: "1.11.24", Leader: "m1:8080", Elected: true, FrameworkID: "FW-marathon",
		FrameworkName: "marathon-user", Role: "slave_public", Master: "zk://zk:2181/mesos"}
	if diff := cmp.Diff(wantInfo, gotInfo); diff != "" {
		t.Errorf("bundle MarathonInfo() (-want +got):\n%s", diff)
	}
	apps, err := bc.MarathonApps(t.Context(), b.Manifest.Marathon)
	if err != nil || len(apps) != 1 || apps[0].ID != "/foo" {
		t.Errorf("bundle MarathonApps() = %+v, %v, want one app /foo", apps, err)
	}
	// An app is explained from the bundle as from the live cluster.
	for _, c := range []*Client{live, bc} {
		snap, err := c.Snapshot(t.Context(), SnapshotOptions{})
		if err != nil {
			t.Fatalf("Snapshot() error = %v", err)
		}
		q, err := c.MarathonQueue(t.Context(), b.Manifest.Marathon)
		if err != nil && c == bc {
			t.Fatalf("MarathonQueue() error = %v", err)
		}
		if c == live {
			q = wantQ
		}
		e, err := Explain(snap, Query{App: "/tools/datadog-agent"}, q)
		if err != nil {
			t.Fatalf("Explain(app) error = %v", err)
		}
		if !slices.Contains(e.Sources, SourceMarathon) {
			t.Errorf("Explain(app) sources = %v, want Marathon's among them", e.Sources)
		}
	}
	// Explicitly asked for, an absent Marathon fails the save.
	c, _ := testClient(t, srv.URL, nil)
	if _, err := SaveBundle(t.Context(), c, io.Discard, BundleOptions{Marathon: srv.URL}); err == nil || !strings.Contains(err.Error(), "save bundle: marathon at "+srv.URL) {
		t.Errorf("SaveBundle(marathon %s without /v2/queue) error = %v, want one naming Marathon", srv.URL, err)
	}
}

// TestBundleOldMaster saves a master without the v1 operator API (Mesos < 1.0):
// metrics come from /metrics/snapshot and GET_VERSION/GET_FLAGS are not asked.
func TestBundleOldMaster(t *testing.T) {
	fm := newFakeMaster(t)
	fm.json("GET /master/state", fixtureBytes(t, "datadog.mesos_master.state.json"))
	fm.json("GET /master/roles", []byte(`{"roles":[{"name":"*","weight":1,"frameworks":[],"resources":{}}]}`))
	fm.json("GET /metrics/snapshot", fixtureBytes(t, "mackerel-plugin-mesos.master.metrics-snapshot.json"))
	fm.json("GET /version", []byte(`{"version":"0.28.2","build_user":"root"}`))
	fm.json("GET /master/flags", []byte(testFlags))
	fm.json("GET /__processes__", []byte(profileProcesses[1]))
	srv := httptest.NewServer(fm)
	defer srv.Close()
	data, m := saveBundle(t, srv.URL, BundleOptions{})
	var names []string
	for _, e := range m.Entries {
		names = append(names, e.Name)
	}
	want := []string{"master/state.json", "master/roles.json", "__processes__.json", "version.json", "master/flags.json", "metrics/snapshot.json"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("SaveBundle(0.28) entries (-want +got):\n%s", diff)
	}
	if n := fm.count("POST /api/v1 GET_VERSION") + fm.count("POST /api/v1 GET_FLAGS"); n != 0 {
		t.Errorf("SaveBundle(0.28) asked GET_VERSION/GET_FLAGS %d times, want 0 (no operator API)", n)
	}
	b, err := LoadBundle(bytes.NewReader(data), BundleLimits{})
	if err != nil {
		t.Fatalf("LoadBundle() error = %v", err)
	}
	bc, err := b.Client(Config{Retry: RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}})
	if err != nil {
		t.Fatalf("Bundle.Client() error = %v", err)
	}
	live, _ := testClient(t, srv.URL, nil)
	for _, c := range []struct {
		name string
		read func(*Client) (any, error)
	}{
		{"Metrics", func(c *Client) (any, error) { return c.Metrics(t.Context()) }},
		{"Version", func(c *Client) (any, error) { return c.Version(t.Context()) }},
		{"MasterFlags", func(c *Client) (any, error) { return c.MasterFlags(t.Context()) }},
		{"Processes", func(c *Client) (any, error) { return c.Processes(t.Context()) }},
	} {
		w, err := c.read(live)
		if err != nil {
			t.Fatalf("live %s() error = %v", c.name, err)
		}
		g, err := c.read(bc)
		if err != nil {
			t.Fatalf("bundle %s() error = %v", c.name, err)
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s(): bundle differs from live (-live +bundle):\n%s", c.name, diff)
		}
	}
}

// TestSaveBundleSkipsUndecodable checks that a body which would not load (a
// server answering every operator call with the same document) is listed as
// missing instead of saved, so every saved bundle loads.
func TestSaveBundleSkipsUndecodable(t *testing.T) {
	fm := fixtureMaster(t, "mesos-dns.fake.master-state.json", false)
	fm.json("POST /api/v1 GET_FLAGS", []byte(`{"type":"GET_FLAGS"}`))
	fm.json("GET /version", []byte(`<html>version</html>`))
	fm.json("GET /master/flags", []byte(`["not","flags"]`))
	srv := httptest.NewServer(fm)
	defer srv.Close()
	data, m := saveBundle(t, srv.URL, BundleOptions{})
	var missing []string
	for _, e := range m.Missing {
		missing = append(missing, e.Path)
	}
	want := []string{"/version", "/master/flags", "/api/v1 GET_FLAGS", MesoscopeProcesses}
	if diff := cmp.Diff(want, missing); diff != "" {
		t.Errorf("SaveBundle() missing (-want +got):\n%s", diff)
	}
	if _, err := LoadBundle(bytes.NewReader(data), BundleLimits{}); err != nil {
		t.Errorf("LoadBundle(saved) error = %v, want a bundle that loads", err)
	}
	// A Marathon whose queue is not a queue fails the save.
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"apps":[]}`)) }))
	defer bad.Close()
	c, _ := testClient(t, srv.URL, nil)
	if _, err := SaveBundle(t.Context(), c, io.Discard, BundleOptions{Marathon: bad.URL}); err == nil || !strings.Contains(err.Error(), `no "queue"`) {
		t.Errorf("SaveBundle(marathon without a queue) error = %v, want one saying it has no queue", err)
	}
}

// TestBundleLookup checks which requests a bundle answers: queries match in
// any order, timeout and limit are ignored, other parameters must match.
func TestBundleLookup(t *testing.T) {
	state := `{"id":"M","slaves":[]}`
	expl := `{"framework_id":"F1","roles":[]}`
	entries := []BundleEntry{
		{Name: "master/state.json", Method: "GET", Path: "/master/state", Size: int64(len(state))},
		{Name: "metrics.json", Method: "GET", Path: "/metrics/snapshot", Size: 2},
		{Name: "cycles.json", Method: "GET", Path: MesoscopeAllocator, Size: 2},
		{Name: "f1.json", Method: "GET", Path: MesoscopeAllocator, Query: "framework_id=F1", Size: int64(len(expl))},
		{Name: "queue.json", Host: "mara:8080", Method: "GET", Path: "/v2/queue", Query: "embed=lastUnusedOffers&x=1", Size: 12},
		{Name: "agent.json", Host: "a:5051", Method: "GET", Path: "/slave(1)/monitor/statistics", Size: 2},
		{Name: "metrics-v1.json", Method: "POST", Path: "/api/v1", Call: CallGetMetrics, Size: 2},
	}
	data := makeTarGz(t,
		tarEntry{name: BundleManifestName, body: manifestJSONMarathon("http://m:5050", "http://mara:8080", entries...)},
		tarEntry{name: "master/state.json", body: state}, tarEntry{name: "metrics.json", body: "{}"},
		tarEntry{name: "cycles.json", body: "{}"}, tarEntry{name: "f1.json", body: expl},
		tarEntry{name: "queue.json", body: `{"queue":[]}`}, tarEntry{name: "agent.json", body: "[]"},
		tarEntry{name: "metrics-v1.json", body: "{}"})
	b, err := LoadBundle(bytes.NewReader(data), BundleLimits{})
	if err != nil {
		t.Fatalf("LoadBundle() error = %v", err)
	}
	tests := []struct {
		method, url, body string
		want              int
	}{
		{"GET", "http://m:5050/master/state", "", 200},
		{"GET", "http://m:5050/master/state?jsonp=x", "", 404},
		{"GET", "http://m:5050/master/redirect", "", 200},
		{"GET", "http://other:5050/master/redirect", "", 404},
		{"GET", "http://m:5050/metrics/snapshot?timeout=5secs", "", 200},
		{"GET", "http://m:5050" + MesoscopeAllocator + "?limit=10", "", 200},
		{"GET", "http://m:5050" + MesoscopeAllocator + "?framework_id=F1", "", 200},
		{"GET", "http://m:5050" + MesoscopeAllocator + "?framework_id=F1&timeout=1secs", "", 200},
		{"GET", "http://m:5050" + MesoscopeAllocator + "?framework_id=F2", "", 404},
		{"GET", "http://m:5050" + MesoscopeAllocator + "?framework_id=F1&format=text", "", 404},
		{"GET", "http://mara:8080/v2/queue?x=1&embed=lastUnusedOffers", "", 200},
		{"GET", "http://mara:8080/v2/queue", "", 404},
		{"GET", "http://mara:8080/v2/queue?embed=%zz", "", 404},
		{"GET", "http://a:5051/slave(1)/monitor/statistics", "", 200},
		{"GET", "http://m:5050/slave(1)/monitor/statistics", "", 404},
		{"POST", "http://m:5050/api/v1", `{"type":"GET_METRICS","get_metrics":{}}`, 200},
		{"POST", "http://m:5050/api/v1", `{"type":"GET_STATE"}`, 404},
		{"POST", "http://m:5050/api/v1", `not json`, 404},
	}
	for _, tt := range tests {
		var body io.Reader
		if tt.body != "" {
			body = strings.NewReader(tt.body)
		}
		req := httptest.NewRequest(tt.method, tt.url, body)
		resp, err := b.RoundTrip(req)
		if err != nil {
			t.Errorf("RoundTrip(%s %s) error = %v", tt.method, tt.url, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("RoundTrip(%s %s %s) = %d, want %d", tt.method, tt.url, tt.body, resp.StatusCode, tt.want)
		}
	}
}

// TestLoadBundleFormatV1 reads a bundle saved by the format-1 SaveBundle
// (testdata/bundles/README.md): everything it saved still reads, and what it
// could not answer right (an allocator explanation per framework; it saved
// only the cycles) is not answered at all, so the explainer falls back to its
// best-effort half.
func TestLoadBundleFormatV1(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "bundles", "format-v1.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadBundle(bytes.NewReader(data), BundleLimits{})
	if err != nil {
		t.Fatalf("LoadBundle(format-v1) error = %v", err)
	}
	if b.Manifest.FormatVersion != 1 || b.Manifest.Marathon != "" {
		t.Errorf("LoadBundle(format-v1).Manifest = version %d, marathon %q, want 1, \"\"", b.Manifest.FormatVersion, b.Manifest.Marathon)
	}
	c, err := b.Client(Config{})
	if err != nil {
		t.Fatalf("Bundle.Client() error = %v", err)
	}
	snap, err := c.Snapshot(t.Context(), SnapshotOptions{Agents: true})
	if err != nil {
		t.Fatalf("Snapshot(format-v1) error = %v", err)
	}
	if len(snap.Warnings) != 0 {
		t.Errorf("Snapshot(format-v1).Warnings = %q, want none", snap.Warnings)
	}
	var got []string
	got = append(got, fmt.Sprintf("agents=%d frameworks=%d tasks=%d offers=%d roles=%d metrics=%d actors=%d mesoscope=%v",
		len(snap.Agents), len(snap.Frameworks), len(snap.Tasks), len(snap.Offers), len(snap.Roles), len(snap.Metrics), len(snap.Actors), snap.Mesoscope))
	for _, ct := range snap.Containers {
		got = append(got, "container "+ct.AgentID+"/"+ct.ID)
	}
	for _, as := range snap.AgentState {
		got = append(got, "agent state "+as.ID)
	}
	want := []string{
		"agents=1 frameworks=1 tasks=1 offers=1 roles=1 metrics=109 actors=1 mesoscope=true",
		"container S0/C1",
		"agent state " + snap.AgentState[0].ID,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Snapshot(format-v1) (-want +got):\n%s", diff)
	}
	if _, err := c.ExplainAllocation(t.Context(), Query{Framework: "F0"}); !errors.Is(err, ErrNotSupported) {
		t.Errorf("ExplainAllocation(format-v1, F0) error = %v, want ErrNotSupported", err)
	}
	e, err := ExplainWith(t.Context(), c, snap, Query{Framework: "F0"}, nil)
	if err != nil {
		t.Fatalf("ExplainWith(format-v1, F0) error = %v", err)
	}
	if diff := cmp.Diff([]ExplainSource{SourceBestEffort}, e.Sources); diff != "" {
		t.Errorf("ExplainWith(format-v1, F0).Sources (-want +got):\n%s", diff)
	}
	if cycles, err := c.Mesoscope(t.Context(), MesoscopeAllocator+"?limit=5"); err != nil || !strings.Contains(string(cycles), `"cycles"`) {
		t.Errorf("Mesoscope(allocator?limit=5) = %s, %v, want the saved cycles", cycles, err)
	}
	if _, err := c.Version(t.Context()); err == nil {
		t.Errorf("Version(format-v1) error = nil, want not found (format 1 saved no /version)")
	}
}

type tarEntry struct {
	name string
	typ  byte
	body string
}

func makeTarGz(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: e.name, Typeflag: typ, Mode: 0o644, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			hdr.Size, hdr.Linkname = 0, "/etc/passwd"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatalf("WriteHeader(%q) = %v", e.name, err)
		}
		if typ == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func manifestJSON(source string, entries ...BundleEntry) string {
	return manifestJSONMarathon(source, "", entries...)
}

func manifestJSONMarathon(source, marathon string, entries ...BundleEntry) string {
	m := BundleManifest{FormatVersion: BundleFormatVersion, Source: source, Marathon: marathon, Entries: entries}
	data, _ := json.Marshal(m)
	return string(data)
}

func TestLoadBundleErrors(t *testing.T) {
	state := `{"id":"M","slaves":[]}`
	okEntry := BundleEntry{Name: "master/state.json", Method: "GET", Path: "/master/state", Size: int64(len(state))}
	okManifest := manifestJSON("http://m:5050", okEntry)
	tests := []struct {
		name   string
		data   []byte
		limits BundleLimits
		want   string
	}{
		{"not gzip", []byte("PK\x03\x04 zip"), BundleLimits{}, "not gzip"},
		{"truncated", makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest})[:30], BundleLimits{}, "load bundle"},
		{"no manifest", makeTarGz(t, tarEntry{name: "master/state.json", body: state}), BundleLimits{}, `"manifest.json": missing`},
		{"traversal", makeTarGz(t, tarEntry{name: "../../etc/cron.d/x", body: "x"}), BundleLimits{}, `"../../etc/cron.d/x": path traversal`},
		{"traversal clean", makeTarGz(t, tarEntry{name: "../x", body: "x"}), BundleLimits{}, `"../x": path traversal`},
		{"absolute", makeTarGz(t, tarEntry{name: "/etc/passwd", body: "x"}), BundleLimits{}, `"/etc/passwd": absolute path`},
		{"backslash", makeTarGz(t, tarEntry{name: `..\x`, body: "x"}), BundleLimits{}, "backslash"},
		{"symlink", makeTarGz(t, tarEntry{name: "master/state.json", typ: tar.TypeSymlink}), BundleLimits{}, `"master/state.json": type`},
		{"duplicate", makeTarGz(t, tarEntry{name: "a", body: "1"}, tarEntry{name: "a", body: "2"}), BundleLimits{}, `"a": duplicate`},
		{"entry too large", makeTarGz(t, tarEntry{name: "master/state.json", body: strings.Repeat("x", 100)}, tarEntry{name: BundleManifestName, body: okManifest}), BundleLimits{MaxEntryBytes: 99}, `"master/state.json": 100 bytes exceed`},
		{"total too large", makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest}, tarEntry{name: "master/state.json", body: state}), BundleLimits{MaxTotalBytes: int64(len(okManifest)) + 1}, `"master/state.json": bundle exceeds the total limit`},
		{"too many", makeTarGz(t, tarEntry{name: "a", body: "1"}, tarEntry{name: "b", body: "2"}), BundleLimits{MaxEntries: 1}, `"b": more than 1 entries`},
		{"bad manifest", makeTarGz(t, tarEntry{name: BundleManifestName, body: "{"}), BundleLimits{}, `"manifest.json": unexpected EOF`},
		{"unknown field", makeTarGz(t, tarEntry{name: BundleManifestName, body: `{"format_version":1,"extra":1}`}), BundleLimits{}, `"manifest.json": json: unknown field "extra"`},
		{"version", makeTarGz(t, tarEntry{name: BundleManifestName, body: `{"format_version":3,"source":"http://m"}`}), BundleLimits{}, "format_version 3, want 1 to 2"},
		{"version 0", makeTarGz(t, tarEntry{name: BundleManifestName, body: `{"source":"http://m"}`}), BundleLimits{}, "format_version 0, want 1 to 2"},
		{"marathon", makeTarGz(t, tarEntry{name: BundleManifestName, body: `{"format_version":2,"source":"http://m","marathon":"ftp://x"}`}), BundleLimits{}, `marathon "ftp://x" is not an http(s) URL`},
		{"bad query", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", okEntry, BundleEntry{Name: "q", Method: "GET", Path: "/x", Query: "a=%zz", Size: 1})}, tarEntry{name: "master/state.json", body: state}, tarEntry{name: "q", body: "x"}), BundleLimits{}, `"q" (manifest entries[1]): query "a=%zz"`},
		{"corrupt queue", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSONMarathon("http://m", "http://mara:8080", okEntry, BundleEntry{Name: "q", Host: "mara:8080", Method: "GET", Path: "/v2/queue", Size: 2})}, tarEntry{name: "master/state.json", body: state}, tarEntry{name: "q", body: "[]"}), BundleLimits{}, `entry "q": decode marathon queue`},
		{"corrupt statistics", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", okEntry, BundleEntry{Name: "s", Host: "a:5051", Method: "GET", Path: "/monitor/statistics", Size: 5})}, tarEntry{name: "master/state.json", body: state}, tarEntry{name: "s", body: "<html"}), BundleLimits{}, `entry "s": decode containers`},
		{"corrupt explanation", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", okEntry, BundleEntry{Name: "e", Method: "GET", Path: MesoscopeAllocator, Query: "framework_id=F", Size: 2})}, tarEntry{name: "master/state.json", body: state}, tarEntry{name: "e", body: "[]"}), BundleLimits{}, `entry "e": decode allocator explanation`},
		{"source", makeTarGz(t, tarEntry{name: BundleManifestName, body: `{"format_version":1,"source":"file:///etc"}`}), BundleLimits{}, `source "file:///etc" is not an http(s) URL`},
		{"listed not present", makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest}), BundleLimits{}, `"master/state.json" (manifest entries[0]): not in the archive`},
		{"unlisted", makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest}, tarEntry{name: "master/state.json", body: state}, tarEntry{name: "extra.json", body: "{}"}), BundleLimits{}, `"extra.json": not listed`},
		{"size mismatch", makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest}, tarEntry{name: "master/state.json", body: state + " "}), BundleLimits{}, `"master/state.json": 23 bytes, manifest says 22`},
		{"corrupt state", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", BundleEntry{Name: "master/state.json", Method: "GET", Path: "/master/state", Size: 5})}, tarEntry{name: "master/state.json", body: "<html"}), BundleLimits{}, `entry "master/state.json": decode state`},
		{"corrupt roles", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", okEntry, BundleEntry{Name: "r", Method: "GET", Path: "/master/roles", Size: 2})}, tarEntry{name: "master/state.json", body: state}, tarEntry{name: "r", body: "[]"}), BundleLimits{}, `entry "r": `},
		{"no state", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m")}), BundleLimits{}, `"manifest.json": no /master/state entry`},
		{"manifest traversal", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", BundleEntry{Name: "../state", Method: "GET", Path: "/"})}), BundleLimits{}, `"../state" (manifest entries[0]): path traversal`},
		{"bad request", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", BundleEntry{Name: "s", Method: "DELETE", Path: "/x", Size: 1})}, tarEntry{name: "s", body: "x"}), BundleLimits{}, `"s" (manifest entries[0]): bad request DELETE "/x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadBundle(bytes.NewReader(tt.data), tt.limits)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadBundle(%s) error = %v, want containing %q", tt.name, err, tt.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "load bundle: ") {
				t.Errorf("LoadBundle(%s) error = %q, want prefix \"load bundle: \"", tt.name, err)
			}
		})
	}
	// Size errors are ErrTooLarge.
	_, err := LoadBundle(bytes.NewReader(tests[9].data), tests[9].limits)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("LoadBundle(entry too large) error = %v, want ErrTooLarge", err)
	}
	// A minimal valid bundle loads and serves its state.
	b, err := LoadBundle(bytes.NewReader(makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest}, tarEntry{name: "master/state.json", body: state})), BundleLimits{})
	if err != nil {
		t.Fatalf("LoadBundle(minimal) error = %v", err)
	}
	if got, ok := b.File("master/state.json"); !ok || string(got) != state {
		t.Errorf("File(master/state.json) = %q, %v, want %q, true", got, ok, state)
	}
}

// TestWriteBundleSeeds regenerates testdata/fuzz/FuzzLoadBundle with -update.
func TestWriteBundleSeeds(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the FuzzLoadBundle seeds")
	}
	srv := httptest.NewServer(fixtureMaster(t, "mesos-dns.fake.master-state.json", true))
	defer srv.Close()
	mara := fakeMarathon(t)
	defer mara.Close()
	data, _ := saveBundle(t, srv.URL, BundleOptions{Marathon: mara.URL})
	v1, err := os.ReadFile(filepath.Join("testdata", "bundles", "format-v1.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	state := `{"id":"M","slaves":[]}`
	seeds := map[string][]byte{
		"valid":     data,
		"format-v1": v1,
		"minimal":   makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m:5050", BundleEntry{Name: "master/state.json", Method: "GET", Path: "/master/state", Size: int64(len(state))})}, tarEntry{name: "master/state.json", body: state}),
		"traversal": makeTarGz(t, tarEntry{name: "../x", body: "x"}),
		"symlink":   makeTarGz(t, tarEntry{name: "a", typ: tar.TypeSymlink}),
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzLoadBundle")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, d := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", d)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzLoadBundle checks that no archive panics LoadBundle, that limits hold,
// and that a loaded bundle serves a Snapshot without panicking.
func FuzzLoadBundle(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := BundleLimits{MaxEntryBytes: 1 << 20, MaxTotalBytes: 4 << 20, MaxEntries: 64}
		b, err := LoadBundle(bytes.NewReader(data), limits)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "load bundle: ") {
				t.Fatalf("LoadBundle() error = %q, want prefix \"load bundle: \"", err)
			}
			return
		}
		var total int64
		for name, body := range b.files {
			if checkBundleName(name) != nil {
				t.Fatalf("LoadBundle() accepted entry %q", name)
			}
			total += int64(len(body))
		}
		if total > limits.MaxTotalBytes || len(b.files) > limits.MaxEntries {
			t.Fatalf("LoadBundle() accepted %d bytes in %d entries beyond %+v", total, len(b.files), limits)
		}
		c, err := b.Client(Config{})
		if err != nil {
			return
		}
		c.Snapshot(t.Context(), SnapshotOptions{Agents: true})
		if b.Manifest.Marathon != "" {
			c.MarathonQueue(t.Context(), b.Manifest.Marathon)
		}
	})
}

func BenchmarkLoadBundle(b *testing.B) {
	for _, n := range []int{10, 1000} {
		// A master's state and n agents' /state, each an agent-state
		// fixture (~6 KiB), all validated by LoadBundle.
		state := `{"id":"M","slaves":[]}`
		entries := []BundleEntry{{Name: "master/state.json", Method: "GET", Path: "/master/state", Size: int64(len(state))}}
		tars := []tarEntry{{name: "master/state.json", body: state}}
		body := string(fixtureBytes(b, "dcos-ui.1-service-with-executor-task.agent-state.json"))
		for i := range n {
			name := fmt.Sprintf("agents/%d/state.json", i)
			entries = append(entries, BundleEntry{Name: name, Host: fmt.Sprintf("a%d:5051", i), Method: "GET", Path: "/state", Size: int64(len(body))})
			tars = append(tars, tarEntry{name: name, body: body})
		}
		tars = append(tars, tarEntry{name: BundleManifestName, body: manifestJSON("http://m:5050", entries...)})
		data := makeTarGz(b, tars...)
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := LoadBundle(bytes.NewReader(data), BundleLimits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
