package agent

import (
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
)

const fixtureDir = "/work/shared/fixtures/mesos/"

// runningEnv is an environment with one task running "sleep 60" and its updates
// acknowledged.
func runningEnv(t *testing.T) *testEnv {
	t.Helper()
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	e.runTask(testFramework("fw1"), commandTask("t1", "sleep 60"))
	waitTaskState(t, e, "t1", mesos.TaskRunning)
	return e
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// missing returns the keys of want that got lacks.
func missing(want, got map[string]any, optional ...string) []string {
	var out []string
	for k := range want {
		if _, ok := got[k]; !ok && !slices.Contains(optional, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func first(v any) map[string]any {
	if l, ok := v.([]any); ok && len(l) > 0 {
		m, _ := l[0].(map[string]any)
		return m
	}
	return nil
}

func TestStateShapeMatchesRealAgent(t *testing.T) {
	e := runningEnv(t)
	code, body := e.get(t, "/"+e.agent.Self().ID+"/state")
	if code != http.StatusOK {
		t.Fatalf("GET /state = %d %s", code, body)
	}
	var got map[string]any
	decode(t, body, &got)
	raw, err := os.ReadFile(fixtureDir + "dcos-ui.1-service-with-executor-task.agent-state.json")
	if err != nil {
		t.Skipf("fixture: %v", err)
	}
	var want map[string]any
	decode(t, raw, &want)

	// Keys a 1.11 agent writes only when it has them (build info, log_dir, a
	// resolvable master host name).
	if m := missing(want, got, "git_sha", "log_dir", "master_hostname"); len(m) != 0 {
		t.Errorf("/state lacks top-level keys %v of a real agent's; has %v", m, keys(got))
	}
	wfw, gfw := first(want["frameworks"]), first(got["frameworks"])
	if m := missing(wfw, gfw); len(m) != 0 {
		t.Errorf("framework lacks %v; has %v", m, keys(gfw))
	}
	wex, gex := first(wfw["executors"]), first(gfw["executors"])
	if m := missing(wex, gex); len(m) != 0 {
		t.Errorf("executor lacks %v; has %v", m, keys(gex))
	}
	wt, gt := first(wex["tasks"]), first(gex["tasks"])
	if m := missing(wt, gt); len(m) != 0 {
		t.Errorf("task lacks %v; has %v", m, keys(gt))
	}

	// v0 resource maps: numbers for scalars, the text form for ranges.
	res, _ := got["resources"].(map[string]any)
	wantRes := map[string]any{"cpus": 2.0, "mem": 1024.0, "disk": 1024.0, "gpus": 0.0, "ports": "[31000-32000]"}
	if diff := cmp.Diff(wantRes, res); diff != "" {
		t.Errorf("/state resources (-want +got):\n%s", diff)
	}
	exRes, _ := gex["resources"].(map[string]any)
	if exRes["cpus"] != 0.2 || exRes["mem"] != 64.0 {
		t.Errorf("executor resources = %v, want the task's and the executor's: cpus 0.2, mem 64", exRes)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"id", got["id"], "S0"},
		{"pid", got["pid"], e.agent.Self().String()},
		{"version", got["version"], "1.11.0"},
		{"hostname", got["hostname"], "agent.example"},
		{"attributes", got["attributes"], map[string]any{"rack": "r1", "zone": "a"}},
		{"task state", gt["state"], "TASK_RUNNING"},
		{"task slave_id", gt["slave_id"], "S0"},
		{"executor id", gex["id"], "t1"},
		{"executor source", gex["source"], "t1"},
		{"executor name", gex["name"], "Command Executor (Task: t1) (Command: sh -c 'sleep 60')"},
		{"framework role", gfw["role"], "*"},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, c.got); diff != "" {
			t.Errorf("/state %s (-want +got):\n%s", c.name, diff)
		}
	}
	statuses, _ := gt["statuses"].([]any)
	if len(statuses) != 2 {
		t.Fatalf("task statuses = %v, want STARTING and RUNNING", statuses)
	}
	cs, _ := statuses[1].(map[string]any)["container_status"].(map[string]any)
	ni := first(cs["network_infos"])
	if ip := first(ni["ip_addresses"]); ip["ip_address"] != "127.0.0.1" {
		t.Errorf("RUNNING container_status = %v, want the agent's IP in network_infos", cs)
	}
	dir, _ := gex["directory"].(string)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Errorf("executor directory %q: %v", dir, err)
	}
}

func TestAPIGetStateAndContainers(t *testing.T) {
	e := runningEnv(t)
	code, body := e.post(t, `{"type":"GET_STATE"}`, nil)
	if code != http.StatusOK {
		t.Fatalf("GET_STATE = %d %s", code, body)
	}
	resp, err := operator.DecodeAgentResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	st := resp.GetState
	if resp.Type != operator.AgentResponseGetState || st == nil || st.GetTasks == nil || st.GetExecutors == nil || st.GetFrameworks == nil {
		t.Fatalf("GET_STATE response = %s", body)
	}
	if n := len(st.GetTasks.LaunchedTasks); n != 1 || st.GetTasks.LaunchedTasks[0].State != mesos.TaskRunning {
		t.Errorf("launched tasks = %+v, want t1 RUNNING", st.GetTasks.LaunchedTasks)
	}
	if n := len(st.GetExecutors.Executors); n != 1 || st.GetExecutors.Executors[0].ExecutorInfo.ExecutorID.Value != "t1" {
		t.Errorf("executors = %+v, want t1", st.GetExecutors.Executors)
	}
	if n := len(st.GetFrameworks.Frameworks); n != 1 {
		t.Errorf("frameworks = %+v, want fw1", st.GetFrameworks.Frameworks)
	}

	code, body = e.post(t, `{"type":"GET_CONTAINERS"}`, nil)
	if code != http.StatusOK {
		t.Fatalf("GET_CONTAINERS = %d %s", code, body)
	}
	resp, err = operator.DecodeAgentResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	cs := resp.GetContainers
	if cs == nil || len(cs.Containers) != 1 {
		t.Fatalf("GET_CONTAINERS = %s, want one container", body)
	}
	c := cs.Containers[0]
	if c.ExecutorID == nil || c.ExecutorID.Value != "t1" || c.FrameworkID == nil || c.FrameworkID.Value != "fw1" ||
		c.ContainerStatus == nil || c.ContainerStatus.ExecutorPID == nil {
		t.Errorf("container = %s", body)
	}
	if s := c.ResourceStatistics; s == nil || s.Timestamp == 0 || s.MemLimitBytes != 64<<20 {
		t.Errorf("container statistics = %+v, want a timestamp and mem_limit_bytes %d", s, 64<<20)
	}
}

func TestAPIBadCalls(t *testing.T) {
	e := newEnv(t)
	e.registerAgent(t)
	tests := []struct {
		name     string
		method   string
		body     string
		header   map[string]string
		wantCode int
		wantBody string
	}{
		{"get", http.MethodGet, "", nil, http.StatusMethodNotAllowed, "Expecting one of { 'POST' }, but received 'GET'"},
		{"no content type", "", `{"type":"GET_HEALTH"}`, map[string]string{"Content-Type": ""}, http.StatusBadRequest, "Expecting 'Content-Type' to be present"},
		{"text", "", `{"type":"GET_HEALTH"}`, map[string]string{"Content-Type": "text/plain"}, http.StatusUnsupportedMediaType, "Expecting 'Content-Type' of application/json"},
		{"protobuf", "", `x`, map[string]string{"Content-Type": "application/x-protobuf"}, http.StatusUnsupportedMediaType, "does not speak protobuf"},
		{"accept protobuf", "", `{"type":"GET_HEALTH"}`, map[string]string{"Accept": "application/x-protobuf"}, http.StatusNotAcceptable, "Expecting 'Accept' to allow application/json"},
		{"not json", "", `{`, nil, http.StatusBadRequest, "failed to parse body into Call"},
		{"unknown type", "", `{"type":"NOPE"}`, nil, http.StatusBadRequest, "type"},
		{"no type", "", `{}`, nil, http.StatusBadRequest, "expecting 'type' to be present"},
		{"missing body", "", `{"type":"GET_METRICS"}`, nil, http.StatusBadRequest, "get_metrics"},
		{"bad read_file path", "", `{"type":"READ_FILE","read_file":{"path":"../etc"}}`, nil, http.StatusBadRequest, "read_file.path"},
		{"not implemented", "", `{"type":"PRUNE_IMAGES"}`, nil, http.StatusNotImplemented, "PRUNE_IMAGES"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var code int
			var body []byte
			if tc.method == http.MethodGet {
				code, body = e.get(t, "/"+e.agent.Self().ID+"/api/v1")
			} else {
				code, body = e.post(t, tc.body, tc.header)
			}
			if code != tc.wantCode || !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("POST %s = %d %q, want %d containing %q", tc.body, code, body, tc.wantCode, tc.wantBody)
			}
		})
	}
}

func TestAPISimpleCalls(t *testing.T) {
	e := newEnv(t)
	e.registerAgent(t)
	tests := []struct {
		body  string
		check func(r *operator.AgentResponse) bool
	}{
		{`{"type":"GET_HEALTH"}`, func(r *operator.AgentResponse) bool { return r.GetHealth != nil && r.GetHealth.Healthy }},
		{`{"type":"GET_VERSION"}`, func(r *operator.AgentResponse) bool {
			return r.GetVersion != nil && r.GetVersion.VersionInfo.Version == "1.11.0"
		}},
		{`{"type":"GET_FLAGS"}`, func(r *operator.AgentResponse) bool {
			for _, f := range r.GetFlags.Flags {
				if f.Name == "work_dir" && *f.Value == e.work {
					return true
				}
			}
			return false
		}},
		{`{"type":"GET_METRICS","get_metrics":{"timeout":{"nanoseconds":1000000000}}}`, func(r *operator.AgentResponse) bool {
			for _, m := range r.GetMetrics.Metrics {
				if m.Name == "slave/registered" && *m.Value == 1 {
					return true
				}
			}
			return false
		}},
		{`{"type":"GET_AGENT"}`, func(r *operator.AgentResponse) bool {
			return r.GetAgent != nil && r.GetAgent.AgentInfo.ID.Value == "S0" && r.GetAgent.AgentInfo.Hostname == "agent.example"
		}},
		{`{"type":"GET_FRAMEWORKS"}`, func(r *operator.AgentResponse) bool { return r.GetFrameworks != nil }},
		{`{"type":"GET_EXECUTORS"}`, func(r *operator.AgentResponse) bool { return r.GetExecutors != nil }},
		{`{"type":"GET_TASKS"}`, func(r *operator.AgentResponse) bool { return r.GetTasks != nil }},
		{`{"type":"GET_CONTAINERS"}`, func(r *operator.AgentResponse) bool { return r.GetContainers != nil }},
	}
	for _, tc := range tests {
		code, body := e.post(t, tc.body, map[string]string{"Accept": "application/json;q=0.9, */*;q=0.1"})
		if code != http.StatusOK {
			t.Errorf("POST %s = %d %s, want 200", tc.body, code, body)
			continue
		}
		r, err := operator.DecodeAgentResponse(body)
		if err != nil || !tc.check(r) {
			t.Errorf("POST %s = %s (%v)", tc.body, body, err)
		}
	}
}

func TestHealthFlagsStatistics(t *testing.T) {
	e := runningEnv(t)
	id := e.agent.Self().ID
	if code, body := e.get(t, "/"+id+"/health"); code != http.StatusOK || len(body) != 0 {
		t.Errorf("GET /health = %d %q, want 200 and no body", code, body)
	}
	var flags struct {
		Flags map[string]string `json:"flags"`
	}
	_, body := e.get(t, "/"+id+"/flags")
	decode(t, body, &flags)
	if flags.Flags["work_dir"] != e.work || flags.Flags["registration_backoff_factor"] != "1secs" {
		t.Errorf("GET /flags = %s", body)
	}
	var stats []map[string]any
	code, body := e.get(t, "/"+id+"/monitor/statistics")
	decode(t, body, &stats)
	if code != http.StatusOK || len(stats) != 1 || stats[0]["executor_id"] != "t1" || stats[0]["framework_id"] != "fw1" {
		t.Fatalf("GET /monitor/statistics = %d %s", code, body)
	}
	s, _ := stats[0]["statistics"].(map[string]any)
	if ts, _ := s["timestamp"].(float64); ts == 0 || s["cpus_limit"] != 0.2 {
		t.Errorf("statistics = %v, want a timestamp and cpus_limit 0.2", s)
	}
	var containers []map[string]any
	_, body = e.get(t, "/"+id+"/containers")
	decode(t, body, &containers)
	if len(containers) != 1 || containers[0]["executor_id"] != "t1" || containers[0]["status"] == nil {
		t.Errorf("GET /containers = %s", body)
	}
}

func TestMetrics(t *testing.T) {
	e := runningEnv(t)
	snap := e.rt.Metrics().Snapshot(time.Second)
	want := map[string]float64{
		"slave/registered":             1,
		"slave/tasks_running":          1,
		"slave/tasks_starting":         0,
		"slave/executors_running":      1,
		"slave/frameworks_active":      1,
		"slave/cpus_total":             2,
		"slave/cpus_used":              0.2,
		"slave/mem_total":              1024,
		"slave/mem_used":               64,
		"slave/mem_percent":            64.0 / 1024,
		"slave/gpus_total":             0,
		"slave/valid_status_updates":   2,
		"slave/invalid_status_updates": 0,
		"slave/tasks_finished":         0,
	}
	got := map[string]float64{}
	for k := range want {
		v, ok := snap[k]
		if !ok {
			t.Errorf("metric %s missing", k)
		}
		got[k] = v
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	if snap["slave/uptime_secs"] < 0 {
		t.Errorf("slave/uptime_secs = %v", snap["slave/uptime_secs"])
	}
}

func TestAcceptsMediaType(t *testing.T) {
	tests := []struct {
		accept []string
		want   bool
	}{
		{nil, true},
		{[]string{"application/json"}, true},
		{[]string{"*/*"}, true},
		{[]string{"application/*"}, true},
		{[]string{"text/html, application/json;q=0.5"}, true},
		{[]string{"application/json;q=0"}, false},
		{[]string{"application/x-protobuf"}, false},
		{[]string{"text/*", "application/x-protobuf"}, false},
	}
	for _, tc := range tests {
		if got := AcceptsMediaType(tc.accept, "application/json"); got != tc.want {
			t.Errorf("AcceptsMediaType(%q) = %v, want %v", tc.accept, got, tc.want)
		}
	}
}
