package master_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

func (c *testCluster) operator(body string) (int, []byte) {
	c.t.Helper()
	resp, err := c.post("/api/v1", body, http.Header{"Accept": {"application/json"}})
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (c *testCluster) operatorResponse(typ string) *operator.Response {
	c.t.Helper()
	call := `{"type":"` + typ + `"}`
	if typ == "GET_METRICS" {
		call = `{"type":"GET_METRICS","get_metrics":{}}`
	}
	code, body := c.operator(call)
	if code != http.StatusOK {
		c.t.Fatalf("%s: %d %s", typ, code, body)
	}
	r, err := operator.DecodeResponse(body)
	if err != nil {
		c.t.Fatalf("%s: decode %s: %v", typ, body, err)
	}
	return r
}

// The operator API answers from the master's live state, in the shapes
// embedded/mesos/operator decodes (those of the Mesos fixtures).
func TestOperatorAPI(t *testing.T) {
	c := newTestCluster(t, master.Config{Weights: map[string]float64{"web": 2}})
	a := c.addAgent("slave(1)", "cpus:4;mem:1024")
	s := c.subscribe(framework("fw", "web"))
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	task := commandTask("t1", o.AgentID, "cpus:1;mem:128")
	task.Resources.Resources.Allocate("web") // a MULTI_ROLE framework says which role
	s.launch(o, task)
	c.update(a, s.frameworkID, "t1", mesos.TaskRunning, 1)

	st := c.operatorResponse("GET_STATE").GetState
	if st == nil || st.GetAgents == nil || len(st.GetAgents.Agents) != 1 || st.GetFrameworks == nil || len(st.GetFrameworks.Frameworks) != 1 || st.GetTasks == nil || len(st.GetTasks.Tasks) != 1 {
		t.Fatalf("GET_STATE = %+v, want one agent, one framework, one task", st)
	}
	if got := st.GetTasks.Tasks[0]; got.State != mesos.TaskRunning || got.TaskID.Value != "t1" || len(got.Statuses) != 1 {
		t.Errorf("task = %+v, want t1 TASK_RUNNING with one status", got)
	}
	ag := st.GetAgents.Agents[0]
	if got, want := ag.AllocatedResources.Resources.ScalarQuantities().String(), "cpus:1; mem:128"; got != want {
		t.Errorf("agent allocated_resources = %q, want %q", got, want)
	}
	if fw := st.GetFrameworks.Frameworks[0]; !fw.Active || !fw.Connected || fw.FrameworkInfo.ID.Value != s.frameworkID {
		t.Errorf("framework = %+v, want active, connected %s", fw, s.frameworkID)
	}
	roles := c.operatorResponse("GET_ROLES").GetRoles.Roles
	var web *mesos.Role
	for i := range roles {
		if roles[i].Name == "web" {
			web = &roles[i]
		}
	}
	if web == nil || web.Weight != 2 || len(web.Frameworks) != 1 {
		t.Errorf("GET_ROLES = %+v, want web with weight 2 and the framework", roles)
	}
	if h := c.operatorResponse("GET_HEALTH").GetHealth; h == nil || !h.Healthy {
		t.Errorf("GET_HEALTH = %+v, want healthy", h)
	}
	if v := c.operatorResponse("GET_VERSION").GetVersion; v == nil || v.VersionInfo.Version != master.Version {
		t.Errorf("GET_VERSION = %+v, want %s", v, master.Version)
	}
	m := c.operatorResponse("GET_METRICS").GetMetrics
	found := map[string]float64{}
	for _, mt := range m.Metrics {
		if mt.Value != nil {
			found[mt.Name] = *mt.Value
		}
	}
	for name, want := range map[string]float64{"master/slaves_active": 1, "master/tasks_running": 1, "master/frameworks_active": 1, "master/cpus_total": 4, "master/cpus_used": 1} {
		if found[name] != want {
			t.Errorf("GET_METRICS %s = %v, want %v", name, found[name], want)
		}
	}

	// UPDATE_WEIGHTS is all or nothing.
	if code, body := c.operator(`{"type":"UPDATE_WEIGHTS","update_weights":{"weight_infos":[{"role":"a","weight":3},{"role":"b","weight":-1}]}}`); code != 400 || !strings.Contains(string(body), "weight_infos[1].weight") {
		t.Errorf("UPDATE_WEIGHTS with a negative weight: %d %s, want 400 naming weight_infos[1].weight", code, body)
	}
	if w := c.operatorResponse("GET_WEIGHTS").GetWeights.WeightInfos; len(w) != 1 {
		t.Errorf("weights after a refused update = %+v, want only web", w)
	}
	if code, body := c.operator(`{"type":"UPDATE_WEIGHTS","update_weights":{"weight_infos":[{"role":"a","weight":3}]}}`); code != 200 {
		t.Errorf("UPDATE_WEIGHTS: %d %s", code, body)
	}
	if w := c.operatorResponse("GET_WEIGHTS").GetWeights.WeightInfos; len(w) != 2 {
		t.Errorf("weights = %+v, want a and web", w)
	}
	if code, body := c.operator(`{"type":"UPDATE_QUOTA","update_quota":{"quota_configs":[{"role":"web","guarantees":{"cpus":{"value":2}},"limits":{"cpus":{"value":3}}}]}}`); code != 200 {
		t.Errorf("UPDATE_QUOTA: %d %s", code, body)
	}
	if q := c.operatorResponse("GET_QUOTA").GetQuota.Status.Configs; len(q) != 1 || q[0].Role != "web" || q[0].Limits["cpus"].Value != 3 {
		t.Errorf("GET_QUOTA = %+v, want web's limit of 3 cpus", q)
	}
	for _, tt := range []struct{ body, want string }{
		{`{"type":"GET_STATE"`, "Failed to parse body into JSON"},
		{`{"type":3.5}`, "type"},
		{`{"type":"GET_METRICS"}`, "get_metrics"},
		{`{"type":"UPDATE_WEIGHTS"}`, "update_weights"},
		{`{"type":"UPDATE_WEIGHTS","update_weights":{"weight_infos":[{"role":"../x","weight":1}]}}`, "role"},
		{`{"type":"UPDATE_QUOTA"}`, "update_quota"},
		{`{"type":"UPDATE_QUOTA","update_quota":{"quota_configs":[{"role":"*"}]}}`, "role"},
		{`{"type":"MARK_AGENT_GONE"}`, "mark_agent_gone"},
		{`{"type":"MARK_AGENT_GONE","mark_agent_gone":{}}`, "agent_id"},
		{`{"type":"TEARDOWN"}`, "teardown"},
		{`{"type":"TEARDOWN","teardown":{"framework_id":{"value":"nope"}}}`, "No framework found"},
		{`{"type":"NOPE"}`, "NOPE"},
		{`{"type":"MARK_AGENT_GONE","mark_agent_gone":{"agent_id":{"value":"M-S77"}}}`, "M-S77"},
		{`{"type":"UPDATE_QUOTA","update_quota":{"quota_configs":[{"role":"web","guarantees":{"cpus":{"value":4}},"limits":{"cpus":{"value":3}}}]}}`, "exceeds limit"},
	} {
		if code, body := c.operator(tt.body); code != 400 || !strings.Contains(string(body), tt.want) {
			t.Errorf("operator %s: %d %s, want 400 containing %q", tt.body, code, body, tt.want)
		}
	}
}

// The operator SUBSCRIBE stream starts with the full state and then
// reports every change.
func TestOperatorSubscribe(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	resp, err := c.post("/api/v1", `{"type":"SUBSCRIBE"}`, http.Header{"Accept": {"application/json"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan *operator.Event, 64)
	go func() {
		defer close(events)
		r := recordio.NewReader(resp.Body, 0)
		for {
			rec, err := r.ReadRecord()
			if err != nil {
				return
			}
			e, err := operator.DecodeEvent(rec)
			if err != nil {
				t.Errorf("decode %s: %v", rec, err)
				return
			}
			events <- e
		}
	}()
	next := func() *operator.Event {
		t.Helper()
		for {
			select {
			case e := <-events:
				if e == nil {
					t.Fatal("stream closed")
				}
				if e.Type == operator.EventHeartbeat {
					continue
				}
				return e
			case <-time.After(10 * time.Second):
				t.Fatal("no event within 10s")
			}
		}
	}
	if e := next(); e.Type != operator.EventSubscribed || e.Subscribed.GetState == nil {
		t.Fatalf("first event = %+v, want SUBSCRIBED with the state", e)
	}
	a := c.addAgent("slave(1)", "cpus:4;mem:1024")
	if e := next(); e.Type != operator.EventAgentAdded || e.AgentAdded.Agent.AgentInfo.ID.Value != a.agentID() {
		t.Fatalf("event = %+v, want AGENT_ADDED", e)
	}
	s := c.subscribe(framework("fw"))
	if e := next(); e.Type != operator.EventFrameworkAdded || e.FrameworkAdded.Framework.FrameworkInfo.ID.Value != s.frameworkID {
		t.Fatalf("event = %+v, want FRAMEWORK_ADDED", e)
	}
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	s.launch(o, commandTask("t1", o.AgentID, "cpus:1"))
	if e := next(); e.Type != operator.EventTaskAdded || e.TaskAdded.Task.State != mesos.TaskStaging {
		t.Fatalf("event = %+v, want TASK_ADDED in TASK_STAGING", e)
	}
	c.update(a, s.frameworkID, "t1", mesos.TaskRunning, 1)
	e := next()
	if e.Type != operator.EventTaskUpdated || e.TaskUpdated.State != mesos.TaskRunning || e.TaskUpdated.Status.TaskID.Value != "t1" {
		t.Fatalf("event = %+v, want TASK_UPDATED to TASK_RUNNING", e)
	}
	b, _ := json.Marshal(e)
	if !strings.Contains(string(b), `"framework_id":{"value":"M-0000"}`) {
		t.Errorf("TASK_UPDATED = %s, want framework_id", b)
	}
	s.mustCall(&scheduler.Call{Type: scheduler.CallTeardown})
	if e := next(); e.Type != operator.EventTaskUpdated || e.TaskUpdated.State != mesos.TaskKilled {
		t.Fatalf("event = %+v, want TASK_UPDATED to TASK_KILLED on teardown", e)
	}
	if e := next(); e.Type != operator.EventFrameworkRemoved {
		t.Fatalf("event = %+v, want FRAMEWORK_REMOVED", e)
	}
}

// The v0 endpoints render the same state.
func TestV0Endpoints(t *testing.T) {
	c := newTestCluster(t, master.Config{Cluster: "test"})
	c.addAgent("slave(1)", "cpus:4;mem:1024")
	s := c.subscribe(framework("fw"))
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	s.launch(o, commandTask("t1", o.AgentID, "cpus:1"))
	get := func(path string) (int, string, map[string]any) {
		t.Helper()
		resp, err := http.Get(c.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var v map[string]any
		_ = json.Unmarshal(b, &v)
		return resp.StatusCode, string(b), v
	}
	for _, path := range []string{"/master/state", "/state", "/master/state.json"} {
		code, body, v := get(path)
		if code != 200 || v["cluster"] != "test" || len(v["slaves"].([]any)) != 1 || len(v["frameworks"].([]any)) != 1 {
			t.Errorf("%s: %d %.300s, want the cluster, one slave and one framework", path, code, body)
		}
	}
	if code, body, v := get("/master/tasks"); code != 200 || len(v["tasks"].([]any)) != 1 {
		t.Errorf("/master/tasks: %d %.300s", code, body)
	}
	if code, body, _ := get("/master/tasks?limit=x"); code != 400 || !strings.Contains(body, "limit") {
		t.Errorf("/master/tasks?limit=x: %d %q, want 400 naming limit", code, body)
	}
	if code, body, _ := get("/master/state?jsonp=cb"); code != 200 || !strings.HasPrefix(body, "cb({") {
		t.Errorf("jsonp: %d %.40q", code, body)
	}
	if code, _, _ := get("/master/state?jsonp=alert(1)"); code != 400 {
		t.Errorf("jsonp with script: %d, want 400", code)
	}
	if code, body, v := get("/master/state-summary"); code != 200 || len(v["slaves"].([]any)) != 1 {
		t.Errorf("/master/state-summary: %d %.300s", code, body)
	}
	if code, _, _ := get("/master/health"); code != 200 {
		t.Errorf("/master/health: %d", code)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(c.url + "/master/redirect")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || !strings.HasPrefix(resp.Header.Get("Location"), "//") {
		t.Errorf("/master/redirect: %d Location %q, want 307 to //host:port", resp.StatusCode, resp.Header.Get("Location"))
	}
}
