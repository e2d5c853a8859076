package readonly

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The shape tests compare, for every kind of object, the set of keys and
// the JSON type of each value in our output with a real Mesos payload
// (the fixtures of /work/shared/fixtures/mesos) or, where no payload
// exists, with the keys the Mesos 1.11.0 source writes. Keys that differ
// for a documented reason (the capture predates 1.11, the key is written
// only when set, the documentation example is outdated) are listed with
// that reason.

// walk returns the JSON objects found at path in v: dot-separated keys,
// "[]" after a key iterates its array ("frameworks[].tasks[]").
func walk(v any, path string) []map[string]any {
	cur := []any{v}
	if path != "" {
		for _, seg := range strings.Split(path, ".") {
			key, many := strings.CutSuffix(seg, "[]")
			var next []any
			for _, c := range cur {
				m, ok := c.(map[string]any)
				if !ok {
					continue
				}
				x, ok := m[key]
				if !ok {
					continue
				}
				if many {
					a, _ := x.([]any)
					next = append(next, a...)
				} else {
					next = append(next, x)
				}
			}
			cur = next
		}
	}
	var out []map[string]any
	for _, c := range cur {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// kindOf names the JSON type of a decoded value.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "?"
}

// shapeOf returns key → JSON type over the union of objs (a key whose
// type varies gets the types joined by "|").
func shapeOf(objs []map[string]any) map[string]string {
	out := map[string]string{}
	for _, o := range objs {
		for k, v := range o {
			kind := kindOf(v)
			switch prev, ok := out[k]; {
			case !ok:
				out[k] = kind
			case !slices.Contains(strings.Split(prev, "|"), kind):
				out[k] = prev + "|" + kind
			}
		}
	}
	return out
}

// shapeCase compares the objects at gotPath of our output with those at
// wantPath of a fixture (or with a key list taken from the Mesos source).
type shapeCase struct {
	name     string
	got      func(*Snapshot) []byte
	gotPath  string
	fixture  string            // file in fixturesDir; empty: use source
	wantPath string            // path in the fixture
	source   map[string]string // key → type from the Mesos source
	extra    map[string]string // keys we write that the reference lacks → why
	missing  map[string]string // keys the reference has that we do not → why
}

func TestShapes(t *testing.T) {
	state := func(s *Snapshot) []byte { return State(s) }
	summary := func(s *Snapshot) []byte { return StateSummary(s) }
	const (
		v12        = "the 1.2.0 capture predates it"
		whenSet    = "written only when set; the capture has none"
		drainAdded = "written only for a draining agent (1.9+)"
	)
	cases := []shapeCase{
		{
			name: "state", got: state, fixture: "bun.ok.master-state.json",
			extra: map[string]string{"log_dir": "written when --log_dir is set; the capture's master had none"},
		},
		{
			name: "slave", got: state, gotPath: "slaves[]", fixture: "bun.ok.master-state.json", wantPath: "slaves[]",
			extra: map[string]string{
				"reregistered_time": whenSet, "drain_info": drainAdded, "estimated_drain_start_time_seconds": drainAdded,
			},
		},
		{
			name: "framework", got: state, gotPath: "frameworks[]", fixture: "bun.ok.master-state.json", wantPath: "frameworks[]",
			extra: map[string]string{
				"reregistered_time": "written only when it differs from registered_time; it does not in the capture",
				"labels":            whenSet,
				"offer_constraints": "added in 1.11 (FullFrameworkWriter); the capture is 1.9.1",
			},
		},
		{
			name: "completed framework", got: state, gotPath: "completed_frameworks[]",
			source: map[string]string{
				"id": "string", "name": "string", "used_resources": "object", "offered_resources": "object",
				"capabilities": "array", "hostname": "string", "webui_url": "string", "active": "bool",
				"connected": "bool", "recovered": "bool", "user": "string", "failover_timeout": "number",
				"checkpoint": "bool", "registered_time": "number", "unregistered_time": "number",
				"resources": "object", "role": "string", "tasks": "array", "unreachable_tasks": "array",
				"completed_tasks": "array", "offers": "array", "executors": "array", "offer_constraints": "object",
			},
		},
		{
			name: "task", got: state, gotPath: "frameworks[].tasks[]", fixture: "dcos-ui.healthy-tasks.master-state.json", wantPath: "frameworks[].tasks[]",
			extra: map[string]string{
				"role":         "added with MULTI_ROLE in 1.3; " + v12,
				"health_check": whenSet,
			},
		},
		{
			name: "completed task", got: state, gotPath: "frameworks[].completed_tasks[]", fixture: "dcos-ui.marathon-1-task.master-state.json", wantPath: "frameworks[].completed_tasks[]",
			extra: map[string]string{
				"role": "added with MULTI_ROLE in 1.3; the 0.23 capture predates it", "user": whenSet,
				"container": whenSet,
			},
		},
		{
			name: "task status", got: state, gotPath: "frameworks[].tasks[].statuses[]", fixture: "dcos-ui.healthy-tasks.master-state.json", wantPath: "frameworks[].tasks[].statuses[]",
			extra: map[string]string{"healthy": whenSet},
		},
		{
			name: "container status", got: state, gotPath: "frameworks[].tasks[].statuses[].container_status", fixture: "dcos-ui.healthy-tasks.master-state.json", wantPath: "frameworks[].tasks[].statuses[].container_status",
		},
		{
			name: "executor", got: state, gotPath: "frameworks[].executors[]", fixture: "dcos-ui.healthy-tasks.master-state.json", wantPath: "frameworks[].executors[]",
			extra: map[string]string{
				"role": "added with MULTI_ROLE in 1.3; " + v12, "type": "added in 1.2 with DEFAULT executors, written when set",
				"labels": whenSet,
			},
		},
		{
			name: "executor command", got: state, gotPath: "frameworks[].executors[].command", fixture: "dcos-ui.healthy-tasks.master-state.json", wantPath: "frameworks[].executors[].command",
			extra: map[string]string{"shell": "written when set (has_shell)"},
		},
		{
			name: "offer", got: state, gotPath: "frameworks[].offers[]",
			source: map[string]string{ // json(JSON::ObjectWriter*, const Offer&), src/common/http.cpp
				"id": "string", "framework_id": "string", "allocation_info": "object", "slave_id": "string", "resources": "object",
			},
		},
		{
			name: "recovered slave", got: state, gotPath: "recovered_slaves[]",
			source: map[string]string{ // json(JSON::ObjectWriter*, const SlaveInfo&); bun.non_active_agents was edited by hand
				"id": "string", "hostname": "string", "port": "number", "attributes": "object",
			},
		},
		{
			name: "role", got: func(s *Snapshot) []byte { return Roles(s) }, gotPath: "roles[]",
			source: map[string]string{ // Master::ReadOnlyHandler::roles
				"name": "string", "weight": "number", "quota": "object", "resources": "object",
				"allocated": "object", "offered": "object", "reserved": "object", "frameworks": "array",
			},
		},
		{
			name: "role quota", got: func(s *Snapshot) []byte { return Roles(s) }, gotPath: "roles[].quota",
			source: map[string]string{"role": "string", "guarantee": "object", "limit": "object", "consumed": "object"},
		},
		{
			name: "state-summary", got: summary, fixture: "datadog.mesos_slave.state-summary.json",
		},
		{
			name: "state-summary slave", got: summary, gotPath: "slaves[]", fixture: "datadog.mesos_slave.state-summary.json", wantPath: "slaves[]",
			extra: map[string]string{
				"deactivated": "added in 1.9 with agent draining; the capture is 1.7.1", "domain": whenSet,
				"reregistered_time": whenSet, "drain_info": drainAdded, "estimated_drain_start_time_seconds": drainAdded,
			},
		},
		{
			name: "state-summary framework", got: summary, gotPath: "frameworks[]", fixture: "datadog.mesos_slave.state-summary.json", wantPath: "frameworks[]",
		},
		{
			name: "slaves endpoint", got: func(s *Snapshot) []byte { return Slaves(s, IDFilter{}) }, gotPath: "slaves[]",
			fixture: "bun.ok.master-state.json", wantPath: "slaves[]",
			extra: map[string]string{
				"reregistered_time": whenSet, "drain_info": drainAdded, "estimated_drain_start_time_seconds": drainAdded,
				"reserved_resources_full":   "SlavesWriter::writeSlave adds it for /master/slaves only",
				"unreserved_resources_full": "SlavesWriter::writeSlave adds it for /master/slaves only",
				"used_resources_full":       "SlavesWriter::writeSlave adds it for /master/slaves only",
				"offered_resources_full":    "SlavesWriter::writeSlave adds it for /master/slaves only",
			},
		},
	}
	cases = append(cases, v1ShapeCases()...)
	s := testSnapshot(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gotObjs := walk(decode(t, tc.got(s)), tc.gotPath)
			if len(gotObjs) == 0 {
				t.Fatalf("no %s objects at %q in our output", tc.name, tc.gotPath)
			}
			got := shapeOf(gotObjs)
			want := tc.source
			if tc.fixture != "" {
				objs := walk(decode(t, loadFixture(t, tc.fixture)), tc.wantPath)
				if len(objs) == 0 {
					t.Fatalf("no objects at %q in %s", tc.wantPath, tc.fixture)
				}
				want = shapeOf(objs)
			}
			want = adjust(t, want, got, tc.extra, tc.missing)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: keys and types differ from the reference (-reference +ours):\n%s", tc.name, diff)
			}
		})
	}
}

// adjust applies the documented differences to a copy of the reference
// shape: extra keys take our type, missing keys are dropped. A documented
// difference that does not occur is an error, so the lists stay honest.
func adjust(t *testing.T, want, got map[string]string, extra, missing map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range want {
		out[k] = v
	}
	for k := range extra {
		if _, ok := want[k]; ok {
			t.Errorf("documented extra key %q is in the reference", k)
		}
		if _, ok := got[k]; !ok {
			t.Errorf("documented extra key %q is not in our output", k)
		}
		out[k] = got[k]
	}
	for k := range missing {
		if _, ok := want[k]; !ok {
			t.Errorf("documented missing key %q is not in the reference", k)
		}
		delete(out, k)
	}
	return out
}
