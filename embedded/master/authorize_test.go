package master_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/authorizer"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

const testACLs = `{
  "permissive": false,
  "register_frameworks": [
    {"principals": {"values": ["web-team"]}, "roles": {"values": ["web", "web/%"]}},
    {"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}
  ],
  "run_tasks": [
    {"principals": {"type": "ANY"}, "users": {"values": ["test"]}}
  ],
  "teardown_frameworks": [
    {"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}}
  ],
  "update_weights": [
    {"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}
  ]
}`

func testACLConfig(t *testing.T) master.Config {
	t.Helper()
	acls, err := authorizer.Parse([]byte(testACLs))
	if err != nil {
		t.Fatal(err)
	}
	return master.Config{ACLs: acls}
}

// A framework may subscribe only in roles --acls lets its principal use: otherwise the
// stream carries one ERROR event with Mesos's message and closes.
func TestACLRegisterFramework(t *testing.T) {
	c := newTestCluster(t, testACLConfig(t))
	for _, tc := range []struct {
		principal string
		roles     []string
		wantError string // "" means SUBSCRIBED
	}{
		{"web-team", []string{"web"}, ""},
		{"web-team", []string{"web/api"}, ""},
		{"web-team", []string{"web", "batch"}, "Not authorized to register framework  with roles { batch, web }"},
		{"ops", []string{"batch"}, ""},
		{"", []string{"web"}, "Not authorized to register framework  with roles { web }"},
	} {
		info := framework("fw-"+tc.principal, tc.roles...)
		info.Principal = tc.principal
		resp, err := c.post("/api/v1/scheduler", subscribeCall(info), nil)
		if err != nil {
			t.Fatal(err)
		}
		r := recordio.NewReader(resp.Body, 0)
		rec, err := r.ReadRecord()
		resp.Body.Close()
		if err != nil {
			t.Fatalf("SUBSCRIBE %q %v: no event: %v", tc.principal, tc.roles, err)
		}
		e, err := scheduler.DecodeEvent(rec)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tc.wantError == "" && e.Type != scheduler.EventSubscribed:
			t.Errorf("SUBSCRIBE %q %v: event %s, want SUBSCRIBED", tc.principal, tc.roles, scheduler.DescribeEvent(e))
		case tc.wantError != "" && (e.Type != scheduler.EventError || e.Error.Message != tc.wantError):
			t.Errorf("SUBSCRIBE %q %v: event %s, want ERROR %q", tc.principal, tc.roles, scheduler.DescribeEvent(e), tc.wantError)
		}
	}
	// UPDATE_FRAMEWORK into a role the principal may not use: 403.
	info := framework("web", "web")
	info.Principal = "web-team"
	s := c.subscribe(info)
	info.ID = &mesos.FrameworkID{Value: s.frameworkID}
	info.Roles = []string{"web", "batch"}
	code, body := s.call(&scheduler.Call{Type: scheduler.CallUpdateFramework, UpdateFramework: &scheduler.UpdateFramework{FrameworkInfo: info}})
	if want := "Not authorized to register framework " + s.frameworkID + " with roles { batch, web }"; code != http.StatusForbidden || !strings.Contains(body, want) {
		t.Errorf("UPDATE_FRAMEWORK into batch = %d %q, want 403 %q", code, body, want)
	}
}

// Tasks run only as users --acls allows: TASK_ERROR with REASON_TASK_UNAUTHORIZED (and
// REASON_TASK_GROUP_UNAUTHORIZED for a group), never reaching the agent.
func TestACLRunTask(t *testing.T) {
	c := newTestCluster(t, testACLConfig(t))
	a := c.addAgent("slave(1)", "cpus:4;mem:1024")
	info := framework("ops")
	info.Principal = "ops"
	s := c.subscribe(info)
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	ok := commandTask("ok", o.AgentID, "cpus:1")
	asRoot := commandTask("as-root", o.AgentID, "cpus:1")
	asRoot.Command.User = "root"
	s.launch(o, ok, asRoot)
	u := s.next(scheduler.EventUpdate).Update.Status
	want := "Principal 'ops' no authorized to launch task as-root of framework " + s.frameworkID + " under user 'root'"
	if u.TaskID.Value != "as-root" || u.State != mesos.TaskError || u.Reason == nil || *u.Reason != mesos.ReasonTaskUnauthorized || u.Message != want {
		t.Errorf("update = %s, want TASK_ERROR REASON_TASK_UNAUTHORIZED %q", mesos.DescribeTaskStatus(&u), want)
	}
	ran := 0
	for _, m := range a.messages() {
		if strings.HasPrefix(m, "run ") {
			ran++
			if strings.Contains(m, "as-root") {
				t.Errorf("agent got %q for an unauthorized task", m)
			}
		}
	}
	if ran != 1 {
		t.Errorf("agent ran %d tasks, want 1 (ok)", ran)
	}

	c.advance(5 * time.Second)
	o = s.next(scheduler.EventOffers).Offers.Offers[0]
	g1, g2 := commandTask("g1", o.AgentID, "cpus:0.5"), commandTask("g2", o.AgentID, "cpus:0.5")
	g2.Command.User = "root"
	s.mustCall(&scheduler.Call{Type: scheduler.CallAccept, Accept: &scheduler.Accept{
		OfferIDs: []mesos.OfferID{o.ID},
		Operations: []mesos.OfferOperation{{Type: mesos.OperationLaunchGroup, LaunchGroup: &mesos.LaunchGroupOperation{
			Executor:  mesos.ExecutorInfo{Type: mesos.ExecutorDefault, ExecutorID: mesos.ExecutorID{Value: "e"}, Resources: mesos.ResourcesOf(resources.MustParse("cpus:0.1"))},
			TaskGroup: mesos.TaskGroupInfo{Tasks: []mesos.TaskInfo{g1, g2}},
		}}},
	}})
	for range 2 {
		u := s.next(scheduler.EventUpdate).Update.Status
		want := "Task 'g2' is not authorized tolaunch task g2 of framework " + s.frameworkID + " under user 'root'"
		if u.State != mesos.TaskError || u.Reason == nil || *u.Reason != mesos.ReasonTaskGroupUnauthorized || u.Message != want {
			t.Errorf("group update = %s, want TASK_ERROR REASON_TASK_GROUP_UNAUTHORIZED %q", mesos.DescribeTaskStatus(&u), want)
		}
	}
}

// Operator calls under --acls: TEARDOWN and UPDATE_WEIGHTS need the right principal
// (403 otherwise, with a body saying what was denied).
func TestACLOperator(t *testing.T) {
	cfg := testACLConfig(t)
	cfg.AuthenticateHTTPReadwrite = true
	cfg.HTTPCredentials = master.Credentials{"ops": "s1", "dev": "s2"}
	c := newTestCluster(t, cfg)
	info := framework("web", "web")
	info.Principal = "web-team"
	s := c.subscribe(info)
	call := func(user, pass, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, c.url+"/api/v1", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(user, pass)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		user, pass, body string
		code             int
		want             string
	}{
		{"dev", "s2", `{"type":"UPDATE_WEIGHTS","update_weights":{"weight_infos":[{"role":"web","weight":3}]}}`, 403, "Principal 'dev' is not authorized to update the weight of role 'web'"},
		{"ops", "s1", `{"type":"UPDATE_WEIGHTS","update_weights":{"weight_infos":[{"role":"web","weight":3}]}}`, 200, ""},
		{"dev", "s2", `{"type":"TEARDOWN","teardown":{"framework_id":{"value":"` + s.frameworkID + `"}}}`, 403, "Principal 'dev' is not authorized to tear down framework " + s.frameworkID + " of principal 'web-team'"},
		{"ops", "s1", `{"type":"MARK_AGENT_GONE","mark_agent_gone":{"agent_id":{"value":"x"}}}`, 403, "Principal 'ops' is not authorized to mark agent x gone"},
		{"ops", "s1", `{"type":"TEARDOWN","teardown":{"framework_id":{"value":"` + s.frameworkID + `"}}}`, 200, ""},
	} {
		code, body := call(tc.user, tc.pass, tc.body)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s as %s = %d %q, want %d %q", tc.body, tc.user, code, body, tc.code, tc.want)
		}
	}
}
