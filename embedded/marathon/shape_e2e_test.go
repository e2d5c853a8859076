package marathon_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/master"
)

const fixtureDir = "../../../shared/fixtures/mesos/"

func loadFixture(t *testing.T, name string) any {
	t.Helper()
	b, err := os.ReadFile(fixtureDir + name)
	if err != nil {
		t.Skipf("fixture %s: %v", name, err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return v
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}

// shape compares the shape of got (our JSON) with want (Marathon's):
// every key we write must be Marathon's (or listed in extra, with why),
// with the same JSON type; Marathon's keys we leave out must be listed in
// missing (with why). Arrays compare each element with the union of
// Marathon's elements; a null in Marathon's JSON matches any type.
type shape struct {
	t       *testing.T
	extra   map[string]string
	missing map[string]string
	seen    map[string]bool
}

// freeForm are objects whose keys are data (environment, labels).
var freeForm = map[string]bool{
	".app.env": true, ".app.labels": true, ".app.portDefinitions[].labels": true, ".queue[].app.env": true, ".queue[].app.labels": true,
	".apps[].env": true, ".apps[].labels": true, ".apps[].portDefinitions[].labels": true,
}

// union merges the shapes of two JSON values (objects key by key).
func union(a, b any) any {
	ao, aok := a.(map[string]any)
	bo, bok := b.(map[string]any)
	if aok && bok {
		m := maps.Clone(ao)
		for k, v := range bo {
			if x, ok := m[k]; ok {
				m[k] = union(x, v)
			} else {
				m[k] = v
			}
		}
		return m
	}
	aa, aok := a.([]any)
	ba, bok := b.([]any)
	if aok && bok {
		return append(slices.Clone(aa), ba...)
	}
	if a == nil {
		return b
	}
	return a
}

func (s *shape) compare(path string, got, want any) {
	if want == nil || freeForm[path] && jsonType(got) == "object" {
		return
	}
	if jsonType(got) != jsonType(want) {
		s.t.Errorf("%s: our JSON has %s, Marathon's %s", path, jsonType(got), jsonType(want))
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(g)) {
			p := path + "." + k
			if wv, ok := w[k]; ok {
				s.compare(p, g[k], wv)
			} else if _, ok := s.extra[p]; !ok {
				s.t.Errorf("%s: not a key of Marathon's JSON (value %v)", p, g[k])
			} else {
				s.seen[p] = true
			}
		}
		for _, k := range slices.Sorted(maps.Keys(w)) {
			p := path + "." + k
			if _, ok := g[k]; !ok {
				if _, ok := s.missing[p]; !ok {
					s.t.Errorf("%s: Marathon writes it, we do not", p)
				}
			}
		}
	case []any:
		if len(w) == 0 {
			return
		}
		u := w[0]
		for _, e := range w[1:] {
			u = union(u, e)
		}
		for _, e := range got.([]any) {
			s.compare(path+"[]", e, u)
		}
	}
}

// The JSON of /v2/apps/{id}, /v2/tasks and /v2/queue has Marathon's shape
// (marathon.v2.app.json, marathon.v2.tasks.json, marathon.v2.queue.json).
func TestJSONShapesMatchMarathon(t *testing.T) {
	agents := []cluster.AgentSpec{{Resources: "cpus:2;mem:1024;disk:1024;ports:[31000-31099]", Attributes: "rack:r1;level:2;ports:[1-5]", Hostname: "h1"}}
	e := startE2E(t, agents, master.Config{}, marathon.Config{})
	e.mustCall("POST", "/v2/apps", `{"id": "/web", "cmd": "sleep 600", "cpus": 0.1, "mem": 16, "instances": 1,
	  "constraints": [["hostname", "UNIQUE"]], "env": {"A": "b"}, "labels": {"x": "y"}, "fetch": [{"uri": "file:///dev/null", "extract": false}],
	  "healthChecks": [{"protocol": "COMMAND", "command": {"value": "true"}}], "acceptedResourceRoles": ["*"], "taskKillGracePeriodSeconds": 3}`, 201, nil)
	e.mustCall("POST", "/v2/apps", `{"id": "/waiting", "cmd": "sleep 600", "cpus": 8, "mem": 16}`, 201, nil)
	e.eventually(30*time.Second, "a running task and a processed offer", func() (bool, string) {
		a, q := e.app("/web"), e.queue()
		return len(a.App.Tasks) == 1 && a.App.Tasks[0].State == "TASK_RUNNING" && len(q.Queue) == 1 &&
			q.Queue[0].ProcessedOffersSummary.ProcessedOffersCount > 0, fmt.Sprintf("%+v %+v", a, q)
	})
	decode := func(path string) any {
		var v any
		e.mustCall("GET", path, nil, 200, &v)
		return v
	}
	appExtra := map[string]string{
		".app.gpus": "app.raml: gpus", ".app.killSelection": "app.raml: killSelection", ".app.role": "app.raml: role (Marathon 1.9+)",
		".app.version": "AppInfo: version", ".app.versionInfo": "AppInfo: versionInfo", ".app.tasksStaged": "AppInfo counts",
		".app.tasksRunning": "AppInfo counts", ".app.tasksHealthy": "AppInfo counts", ".app.tasksUnhealthy": "AppInfo counts",
		".app.deployments": "AppInfo: deployments", ".app.tasks": "AppInfo: tasks (embedded for one app)",
		".app.lastTaskFailure": "AppInfo: lastTaskFailure",
	}
	unsupported := map[string]string{}
	for _, k := range []string{"container", "dependencies", "ipAddress", "readinessChecks", "secrets", "tty", "args", "user"} {
		unsupported[".app."+k] = "not supported (refused with 422), or written only when set"
	}
	for _, k := range []string{"ignoreHttp1xx", "path", "portIndex"} {
		unsupported[".app.healthChecks[]."+k] = "HTTP health checks are not supported"
	}
	unsupported[".app.fetch[].destPath"] = "written when set"
	unsupported[".app.portDefinitions[].labels"] = "written when set"
	appExtra[".app.healthChecks[].command"] = "raml AppHealthCheck: command (COMMAND checks)"
	appExtra[".app.healthChecks[].delaySeconds"] = "raml AppHealthCheck: delaySeconds"
	app := map[string]any{"app": loadFixture(t, "marathon.v2.app.json")}
	s := &shape{t: t, extra: appExtra, missing: unsupported, seen: map[string]bool{}}
	got := decode("/v2/apps/web").(map[string]any)
	// The tasks embedded in an app have the shape of /v2/tasks.
	tasksFixture := loadFixture(t, "marathon.v2.tasks.json").(map[string]any)
	app["app"].(map[string]any)["tasks"] = tasksFixture["tasks"]
	delete(appExtra, ".app.tasks")
	taskExtra := map[string]string{".app.tasks[].healthCheckResults": "EnrichedTask: healthCheckResults (raml Health)"}
	maps.Copy(appExtra, taskExtra)
	taskMissing := map[string]string{".app.tasks[].region": "written when the agent has a fault domain", ".app.tasks[].zone": "as region"}
	maps.Copy(unsupported, taskMissing)
	s.compare("", got, app)

	// GET /v2/apps lists the same apps without their tasks (no embed), as Marathon's
	// AppsResource.index does: each item has the shape of /v2/apps/{id}'s app.
	list, ok := decode("/v2/apps").(map[string]any)["apps"].([]any)
	if !ok || len(list) == 0 {
		t.Fatalf("GET /v2/apps = %v, want {\"apps\": [...]} with the deployed app", list)
	}
	listFixture := maps.Clone(app["app"].(map[string]any))
	delete(listFixture, "tasks")
	listMissing, listExtra := map[string]string{}, map[string]string{}
	for k, v := range unsupported {
		if k != ".app.tasks" && !strings.HasPrefix(k, ".app.tasks[") {
			listMissing[strings.Replace(k, ".app.", ".apps[].", 1)] = v
		}
	}
	for k, v := range appExtra {
		if k != ".app.tasks" && !strings.HasPrefix(k, ".app.tasks[") {
			listExtra[strings.Replace(k, ".app.", ".apps[].", 1)] = v
		}
	}
	// The test's other apps leave these unset, and unset they are not written.
	listMissing[".apps[].acceptedResourceRoles"] = "written when set"
	listMissing[".apps[].taskKillGracePeriodSeconds"] = "written when set"
	s = &shape{t: t, extra: listExtra, missing: listMissing, seen: map[string]bool{}}
	s.compare("", map[string]any{"apps": list}, map[string]any{"apps": []any{listFixture}})

	s = &shape{t: t, missing: map[string]string{".tasks[].region": "no fault domain", ".tasks[].zone": "no fault domain"},
		extra: map[string]string{".tasks[].healthCheckResults": "EnrichedTask"}, seen: map[string]bool{}}
	s.compare("", decode("/v2/tasks"), tasksFixture)

	queueFixture := loadFixture(t, "marathon.v2.queue.json").(map[string]any)
	qMissing := map[string]string{}
	for _, k := range []string{"container", "executor", "uris", "ports", "user"} {
		qMissing[".queue[].app."+k] = "unsupported, deprecated (uris, ports: fetch, portDefinitions) or written only when set"
	}
	qExtra := map[string]string{}
	for _, k := range []string{"args", "gpus", "killSelection", "role", "fetch", "portDefinitions", "healthChecks", "labels", "acceptedResourceRoles", "env", "cmd"} {
		qExtra[".queue[].app."+k] = "app.raml fields the older queue example leaves out"
	}
	qExtra[".queue[].lastUnusedOffers[].offer.attributes[].text"] = "raml AgentAttribute: text (OfferConversion)"
	for _, k := range []string{"scalar", "ranges", "set"} {
		qMissing[".queue[].lastUnusedOffers[].offer.resources[]."+k] = "raml OfferResource: one of scalar, ranges, set"
		qMissing[".queue[].lastUnusedOffers[].offer.attributes[]."+k] = "raml AgentAttribute: one of text, scalar, ranges, set"
	}
	qExtra[".queue[].app.executor"] = "app.raml: executor"
	qMissing[".queue[].processedOffersSummary.lastUsedOfferAt"] = "raml: optional, written once an offer was used"
	s = &shape{t: t, missing: qMissing, extra: qExtra, seen: map[string]bool{}}
	s.compare("", decode("/v2/queue?embed=lastUnusedOffers"), queueFixture)
	for _, p := range []string{".queue[].lastUnusedOffers[].offer.attributes[].text"} {
		if !s.seen[p] {
			t.Errorf("%s: not seen; the agent's text attribute should be written as text", p)
		}
	}
}
