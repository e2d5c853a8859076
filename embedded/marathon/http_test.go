package marathon_test

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/marathon"
)

// startOffline starts a Marathon whose master is unreachable: the REST API
// works, nothing launches.
func startOffline(t *testing.T) *e2e {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e := &e2e{t: t, cfg: fastConfig(marathon.Config{Master: "http://" + addr})}
	e.startMarathon()
	return e
}

type errorBody struct {
	Message string `json:"message"`
	Details []struct {
		Path   string   `json:"path"`
		Errors []string `json:"errors"`
	} `json:"details"`
	Deployments []struct{ ID string } `json:"deployments"`
}

func decodeError(t *testing.T, body []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	return e
}

// The REST API answers bad requests with Marathon's status codes and
// bodies.
func TestRESTErrors(t *testing.T) {
	e := startOffline(t)
	tests := []struct {
		method, path, body string
		code               int
		contains           string
	}{
		{"GET", "/ping", "", 200, "pong"},
		{"POST", "/v2/apps", `{"id": "/a", "cmd": `, 400, "Invalid JSON"},
		{"POST", "/v2/apps", `{"id": "/a", "cmd": "x", "container": {"type": "DOCKER"}, "secrets": {"s": {"source": "x"}}, "readinessChecks": [{}]}`,
			422, `"path":"/container"`},
		{"POST", "/v2/apps", `{"id": "/a", "cmd": "x", "cpus": -1}`, 422, `"path":"/cpus"`},
		{"GET", "/v2/apps/nope", "", 404, "does not exist"},
		{"GET", "/v2/apps/nope/tasks", "", 404, "does not exist"},
		{"DELETE", "/v2/apps/nope", "", 404, "does not exist"},
		{"POST", "/v2/apps/nope/restart", "", 404, "does not exist"},
		{"DELETE", "/v2/deployments/nope", "", 404, "does not exist"},
		{"DELETE", "/v2/queue/nope/delay", "", 404, `"Application /nope not found in tasks queue."`},
		{"POST", "/v2/apps/x/tasks", "", 405, "not allowed"},
		{"GET", "/v2/queue/nope", "", 404, "not found"},
		{"POST", "/v2/tasks/delete", `{"ids": ["nope.1"]}`, 404, "does not exist"},
	}
	for _, tt := range tests {
		var body any
		if tt.body != "" {
			body = tt.body
		}
		code, got := e.call(tt.method, tt.path, body, nil)
		if code != tt.code || !strings.Contains(string(got), tt.contains) {
			t.Errorf("%s %s = %d %s, want %d containing %q", tt.method, tt.path, code, got, tt.code, tt.contains)
		}
	}
	// Every unsupported field is listed.
	_, got := e.call("POST", "/v2/apps", `{"id": "/a", "cmd": "x", "container": {"type": "DOCKER"}, "secrets": {"s": {"source": "x"}}, "mystery": 1}`, nil)
	eb := decodeError(t, got)
	var paths []string
	for _, d := range eb.Details {
		paths = append(paths, d.Path)
	}
	if eb.Message != "Object is not valid" || strings.Join(paths, ",") != "/container,/mystery,/secrets" {
		t.Errorf("422 body = %s, want Marathon's message and /container, /mystery, /secrets", got)
	}
}

// Creating, locking, forcing, listing and cancelling deployments.
func TestRESTDeploymentsAndConflicts(t *testing.T) {
	e := startOffline(t)
	var created map[string]any
	e.mustCall("POST", "/v2/apps", `{"id": "/a", "cmd": "sleep 1", "instances": 2}`, 201, &created)
	deps, _ := created["deployments"].([]any)
	if len(deps) != 1 || created["id"] != "/a" || created["instances"] != float64(2) {
		t.Fatalf("POST /v2/apps = %v, want the app with one deployment", created)
	}
	if code, _ := e.call("POST", "/v2/apps", `{"id": "/a", "cmd": "sleep 1"}`, nil); code != 409 {
		t.Errorf("POST of an existing app = %d, want 409", code)
	}
	code, got := e.call("PUT", "/v2/apps/a", `{"instances": 3}`, nil)
	if code != 409 || len(decodeError(t, got).Deployments) != 1 {
		t.Errorf("PUT during a deployment = %d %s, want 409 naming the deployment", code, got)
	}
	var res struct {
		DeploymentID string `json:"deploymentId"`
		Version      string `json:"version"`
	}
	e.mustCall("PUT", "/v2/apps/a?force=true", `{"instances": 3}`, 200, &res)
	if res.DeploymentID == "" || res.Version == "" {
		t.Errorf("forced PUT = %+v, want a deployment id and version", res)
	}
	if code, _ := e.call("PUT", "/v2/apps/a?force=true", `{"id": "/b"}`, nil); code != 422 {
		t.Errorf("PUT with another id in the body = %d, want 422", code)
	}
	var list []struct {
		ID             string   `json:"id"`
		AffectedApps   []string `json:"affectedApps"`
		CurrentStep    int      `json:"currentStep"`
		TotalSteps     int      `json:"totalSteps"`
		CurrentActions []struct {
			Action string `json:"action"`
			App    string `json:"app"`
		} `json:"currentActions"`
	}
	e.mustCall("GET", "/v2/deployments", nil, 200, &list)
	if len(list) != 1 || list[0].ID != res.DeploymentID || list[0].AffectedApps[0] != "/a" || list[0].CurrentActions[0].Action != "ScaleApplication" {
		t.Errorf("GET /v2/deployments = %+v, want the forced scale", list)
	}
	var a struct {
		App struct {
			Instances int `json:"instances"`
		} `json:"app"`
	}
	e.mustCall("GET", "/v2/apps/a", nil, 200, &a)
	if a.App.Instances != 3 {
		t.Errorf("instances = %d, want 3", a.App.Instances)
	}
	// Rollback (no force): back to 2 instances, through a new deployment.
	var back struct {
		DeploymentID string `json:"deploymentId"`
	}
	e.mustCall("DELETE", "/v2/deployments/"+res.DeploymentID, nil, 200, &back)
	e.mustCall("GET", "/v2/apps/a", nil, 200, &a)
	if a.App.Instances != 2 || back.DeploymentID == "" || back.DeploymentID == res.DeploymentID {
		t.Errorf("after rollback instances = %d, deployment %q, want 2 and a new deployment", a.App.Instances, back.DeploymentID)
	}
	e.mustCall("DELETE", "/v2/deployments/"+back.DeploymentID+"?force=true", nil, 202, nil)
	e.mustCall("GET", "/v2/deployments", nil, 200, &list)
	if len(list) != 0 {
		t.Errorf("deployments after a forced cancel = %+v, want none", list)
	}
	// PUT of an unknown app creates it.
	code, _ = e.call("PUT", "/v2/apps/new?partialUpdate=false", `{"cmd": "sleep 1"}`, nil)
	if code != 201 {
		t.Errorf("PUT of a new app = %d, want 201", code)
	}
	var apps struct {
		Apps []struct {
			ID string `json:"id"`
		} `json:"apps"`
	}
	e.mustCall("GET", "/v2/apps?id=ne", nil, 200, &apps)
	if len(apps.Apps) != 1 || apps.Apps[0].ID != "/new" {
		t.Errorf("GET /v2/apps?id=ne = %+v, want /new only", apps)
	}
	var info map[string]any
	e.mustCall("GET", "/v2/info", nil, 200, &info)
	if info["name"] != "marathon" || info["elected"] != true {
		t.Errorf("GET /v2/info = %v, want name marathon, elected", info)
	}
}

// The Go API: Deploy, Scale, Delete; a stopped Marathon refuses.
func TestGoAPI(t *testing.T) {
	e := startOffline(t)
	ctx := context.Background()
	app := &marathon.App{ID: "go", Cmd: "sleep 1", Instances: 1}
	id, err := e.m.Deploy(ctx, app)
	if err != nil || id == "" {
		t.Fatalf("Deploy() = %q, %v", id, err)
	}
	if _, err := e.m.Scale(ctx, "/go", 2); err == nil {
		t.Errorf("Scale() during the deployment = nil error, want a conflict")
	}
	if _, err := e.m.Deploy(ctx, &marathon.App{ID: "bad"}); err == nil {
		t.Errorf("Deploy(no cmd) = nil error")
	}
	if _, err := e.m.Delete(ctx, "/missing"); err == nil {
		t.Errorf("Delete(missing) = nil error")
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := e.m.Stop(sctx); err != nil {
		t.Fatal(err)
	}
	if err := e.m.Stop(sctx); err != nil {
		t.Errorf("second Stop() = %v, want nil", err)
	}
	if _, err := e.m.Deploy(ctx, app); err == nil {
		t.Errorf("Deploy() after Stop = nil error, want ErrStopped")
	}
}
