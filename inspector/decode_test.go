package inspector

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeStateShapes checks that the same facts decode the same from every
// shape Mesos has used for them.
func TestDecodeStateShapes(t *testing.T) {
	reg := time.Date(2016, 8, 10, 9, 9, 32, 46532000, time.UTC)
	wantAgent := Agent{
		ID: "S0", Hostname: "h", Port: 5051, PID: "slave(1)@h:5051", Status: AgentActive, Active: true,
		RegisteredTime: reg, Attributes: map[string]string{"rack": "r1", "n": "3"},
		Total:      Resources{CPUs: 4, Mem: 1024, Ports: Ranges{{31000, 32000}}},
		Used:       Resources{CPUs: 1},
		Unreserved: Resources{CPUs: 4, Mem: 1024, Ports: Ranges{{31000, 32000}}},
		Free:       Resources{CPUs: 3, Mem: 1024, Ports: Ranges{{31000, 32000}}},
	}
	tests := []struct {
		name string
		in   string
	}{
		{"v0 slaves", `{"slaves":[{"id":"S0","hostname":"h","port":5051,"pid":"slave(1)@h:5051","active":true,
			"registered_time":1470820172.046532,"attributes":{"rack":"r1","n":3},
			"resources":{"cpus":4,"mem":1024,"disk":0,"gpus":0,"ports":"[31000-32000]"},"used_resources":{"cpus":1}}]}`},
		{"v1 GET_AGENTS", `{"type":"GET_AGENTS","get_agents":{"agents":[{"active":true,"pid":"slave(1)@h:5051",
			"agent_info":{"id":{"value":"S0"},"hostname":"h","port":5051,
				"attributes":[{"name":"rack","type":"TEXT","text":{"value":"r1"}},{"name":"n","type":"SCALAR","scalar":{"value":3}}]},
			"registered_time":{"nanoseconds":1470820172046532000},
			"total_resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":4},"role":"*"},
				{"name":"mem","type":"SCALAR","scalar":{"value":1024}},
				{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]}}],
			"allocated_resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"allocation_info":{"role":"web"}}]}]}}`},
		{"v1 agents with TimeInfo value", `{"agents":[{"active":true,"pid":"slave(1)@h:5051",
			"agent_info":{"id":{"value":"S0"},"hostname":"h","port":5051,"attributes":{"rack":"r1","n":"3"}},
			"registered_time":{"value":1470820172046532000},
			"total_resources":{"cpus":4,"mem":1024,"ports":"[31000-32000]"},"allocated_resources":{"cpus":1}}]}`},
		{"double encoded", `"{\"slaves\":[{\"id\":\"S0\",\"hostname\":\"h\",\"port\":5051,\"pid\":\"slave(1)@h:5051\",\"registered_time\":1470820172.046532,\"attributes\":{\"rack\":\"r1\",\"n\":3},\"resources\":{\"cpus\":4,\"mem\":1024,\"ports\":\"[31000-32000]\"},\"used_resources\":{\"cpus\":1}}]}"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := DecodeState([]byte(tc.in))
			if err != nil {
				t.Fatalf("DecodeState() error = %v", err)
			}
			if len(st.Agents) != 1 {
				t.Fatalf("DecodeState() agents = %d, want 1", len(st.Agents))
			}
			if diff := cmp.Diff(wantAgent, st.Agents[0]); diff != "" {
				t.Errorf("DecodeState() agent mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeTaskShapes(t *testing.T) {
	want := Task{ID: "T1", Name: "web", FrameworkID: "F", AgentID: "S0", ExecutorID: "E", State: "TASK_RUNNING",
		Role: "web", List: TasksActive, Resources: Resources{CPUs: 0.5, Mem: 128, Ports: Ranges{{80, 80}}},
		ContainerID: "C1",
		Statuses: []TaskStatus{{State: "TASK_RUNNING", Timestamp: time.Date(2016, 8, 10, 9, 9, 32, 73150000, time.UTC),
			ContainerID: "C1", IPAddresses: []string{"10.0.0.1"}}}}
	tests := []struct{ name, in string }{
		{"v0", `{"frameworks":[{"id":"F","name":"fw","role":"web","tasks":[{"id":"T1","name":"web","framework_id":"F",
			"executor_id":"E","slave_id":"S0","state":"TASK_RUNNING","role":"web",
			"resources":{"cpus":0.5,"mem":128,"ports":"[80-80]"},
			"statuses":[{"state":"TASK_RUNNING","timestamp":1470820172.07315,
				"container_status":{"container_id":{"value":"C1"},"network_infos":[{"ip_addresses":[{"ip_address":"10.0.0.1"}]}]}}]}]}]}`},
		{"v1", `{"get_tasks":{"tasks":[{"task_id":{"value":"T1"},"name":"web","framework_id":{"value":"F"},
			"executor_id":{"value":"E"},"agent_id":{"value":"S0"},"state":"TASK_RUNNING",
			"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":0.5},"allocation_info":{"role":"web"}},
				{"name":"mem","type":"SCALAR","scalar":{"value":128},"allocation_info":{"role":"web"}},
				{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":80,"end":80}]},"allocation_info":{"role":"web"}}],
			"statuses":[{"state":"TASK_RUNNING","timestamp":1470820172.07315,
				"container_status":{"container_id":{"value":"C1"},"network_infos":[{"ip_address":"10.0.0.1"}]}}]}]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := DecodeState([]byte(tc.in))
			if err != nil {
				t.Fatalf("DecodeState() error = %v", err)
			}
			if len(st.Tasks) != 1 {
				t.Fatalf("DecodeState() tasks = %d, want 1", len(st.Tasks))
			}
			if diff := cmp.Diff(want, st.Tasks[0]); diff != "" {
				t.Errorf("task mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeResourceForms(t *testing.T) {
	tests := []struct {
		name, in string
		want     Resources
	}{
		{"v0 map", `{"cpus":4,"mem":1024.5,"ports":"[31000-31005, 31007-31007]","cpus_revocable":1,"zones":"{b,a}"}`,
			Resources{CPUs: 4, Mem: 1024.5, Ports: Ranges{{31000, 31005}, {31007, 31007}}, Scalars: map[string]float64{"cpus_revocable": 1}, Sets: map[string][]string{"zones": {"a", "b"}}}},
		{"v1 list", `[{"name":"cpus","type":"SCALAR","scalar":{"value":2}},{"name":"cpus","type":"SCALAR","scalar":{"value":1},"revocable":{}},
			{"name":"cpus","type":"SCALAR","scalar":{"value":2},"reservations":[{"type":"DYNAMIC","role":"eng"}]},
			{"name":"zones","type":"SET","set":{"item":["a"]}},{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":1,"end":2}]}}]`,
			Resources{CPUs: 4, Ports: Ranges{{1, 2}}, Scalars: map[string]float64{"cpus_revocable": 1}, Sets: map[string][]string{"zones": {"a"}}}},
		{"marathon list", `[{"name":"cpus","scalar":23,"ranges":[{"begin":1,"end":5}],"set":["a"],"role":"*"},{"name":"ports","ranges":[{"begin":80,"end":81}]}]`,
			Resources{CPUs: 23, Ports: Ranges{{80, 81}}}},
		{"infinity limit", `{"cpus":"Infinity","mem":512}`, Resources{Mem: 512}},
		{"null", `null`, Resources{}},
		{"bad ranges ignored", `{"ports":"[9-1]","cpus":1}`, Resources{CPUs: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := readResources(newScanner([]byte(tc.in)))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("readResources(%s) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestDecodeTimeForms(t *testing.T) {
	want := time.Date(2017, 7, 14, 2, 40, 0, 250000000, time.UTC)
	for _, in := range []string{`1500000000.25`, `{"nanoseconds":1500000000250000000}`, `{"value":1500000000250000000}`, `"2017-07-14T02:40:00.25Z"`} {
		if got := readTime(newScanner([]byte(in))); !got.Equal(want) {
			t.Errorf("readTime(%s) = %v, want %v", in, got, want)
		}
	}
	for _, in := range []string{`0`, `null`, `"soon"`, `-5`, `1e300`, `{}`} {
		if got := readTime(newScanner([]byte(in))); !got.IsZero() {
			t.Errorf("readTime(%s) = %v, want zero", in, got)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		fn   func([]byte) error
		in   string
		want error // nil means any error
	}{
		{"state array", func(b []byte) error { _, err := DecodeState(b); return err }, `[]`, ErrNotMesos},
		{"state unknown", func(b []byte) error { _, err := DecodeState(b); return err }, `{"hello":"world"}`, ErrNotMesos},
		{"state truncated", func(b []byte) error { _, err := DecodeState(b); return err }, `{"slaves":[{"id":"S0"`, nil},
		{"state trailing", func(b []byte) error { _, err := DecodeState(b); return err }, `{"slaves":[]} x`, nil},
		{"metrics array", func(b []byte) error { _, err := DecodeMetrics(b); return err }, `[1]`, ErrNotMesos},
		{"processes object", func(b []byte) error { _, err := DecodeProcesses(b); return err }, `{}`, ErrNotMesos},
		{"roles html", func(b []byte) error { _, err := DecodeRoles(b); return err }, `<html>`, ErrNotMesos},
		{"event no type", func(b []byte) error { _, err := DecodeEvent(b); return err }, `{}`, ErrNotMesos},
		{"version empty", func(b []byte) error { _, err := DecodeVersion(b); return err }, `{}`, ErrNotMesos},
		{"containers string", func(b []byte) error { _, err := DecodeContainers(b); return err }, `"x"`, ErrNotMesos},
		{"agent state empty", func(b []byte) error { _, err := DecodeAgentState(b); return err }, `{}`, ErrNotMesos},
		{"queue missing", func(b []byte) error { _, err := DecodeMarathonQueue(b); return err }, `{}`, ErrNotMesos},
		{"deep nesting", func(b []byte) error { _, err := DecodeState(b); return err }, `{"slaves":` + repeat("[", 1000) + repeat("]", 1000) + `}`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.fn([]byte(tc.in))
			if err == nil {
				t.Fatalf("decode(%.40q) error = nil, want one", tc.in)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("decode(%.40q) error = %v, want %v", tc.in, err, tc.want)
			}
		})
	}
}

func repeat(s string, n int) string {
	b := make([]byte, 0, len(s)*n)
	for range n {
		b = append(b, s...)
	}
	return string(b)
}

func TestDecodeProcessesSummary(t *testing.T) {
	actors, err := DecodeProcesses([]byte(`[
		{"id":"allocator","events":[{"type":"DISPATCH","timestamp":1500000002},{"type":"DISPATCH","timestamp":1500000001.5}]},
		{"id":"master","events":[
			{"type":"MESSAGE","name":"mesos.internal.StatusUpdateMessage","from":"slave(1)@a:5051","to":"master@m:5050","body":"\u0008\u0001\ufffd"},
			{"type":"MESSAGE","name":"mesos.internal.StatusUpdateMessage","body":""},
			{"type":"HTTP","method":"GET","url":"/master/state?jsonp=cb"},
			{"type":"EXITED"},{"type":"TERMINATE"},{}]},
		{"id":"idle","events":[]}, 7]`))
	if err != nil {
		t.Fatalf("DecodeProcesses() error = %v", err)
	}
	want := []Actor{
		{ID: "master", QueueDepth: 6,
			Counts:   map[string]int{EventMessage: 2, EventHTTP: 1, EventExited: 1, EventTerminate: 1, "UNKNOWN": 1},
			Messages: map[string]int{"mesos.internal.StatusUpdateMessage": 2},
			HTTP:     map[string]int{"GET /master/state": 1}},
		{ID: "allocator", QueueDepth: 2, Counts: map[string]int{EventDispatch: 2},
			Oldest: time.Date(2017, 7, 14, 2, 40, 1, 500000000, time.UTC)},
		{ID: "idle"},
	}
	opts := cmp.Transformer("noEvents", func(a Actor) Actor { a.Events = nil; return a })
	if diff := cmp.Diff(want, actors, opts); diff != "" {
		t.Errorf("DecodeProcesses() mismatch (-want +got):\n%s", diff)
	}
	if got := actors[0].Events[0].BodyBytes; got != 5 {
		t.Errorf("body bytes = %d, want 5 (3 runes: 1+1+3 bytes)", got)
	}
	if got := actors[1].Age(time.Date(2017, 7, 14, 2, 40, 11, 500000000, time.UTC)); got != 10*time.Second {
		t.Errorf("Age() = %v, want 10s", got)
	}
}

// TestDeepCopyShares walks a deep copy of a snapshot decoded from a fixture and
// checks that no map or slice shares memory with the original.
func TestDeepCopyShares(t *testing.T) {
	st, err := DecodeState(fixtureBytes(t, "dcos-ui.1-service-with-executor-task.master-state.json"))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := DecodeMetrics(fixtureBytes(t, "operator-GET_METRICS.response.json"))
	snap := NewSnapshot("x", st, nil, m)
	snap.Actors = []Actor{{ID: "a", Counts: map[string]int{"X": 1}, Events: []ActorEvent{{Type: "X"}}}}
	snap.AgentState = []AgentState{{ID: "S", Flags: map[string]string{"a": "b"}, Tasks: st.Tasks}}
	cp := snap.DeepCopy()
	if diff := cmp.Diff(snap, cp, cmp.AllowUnexported(Snapshot{})); diff != "" {
		t.Fatalf("DeepCopy() differs (-orig +copy):\n%s", diff)
	}
	seen := map[uintptr]bool{}
	collect(reflect.ValueOf(snap), seen)
	checkDisjoint(t, reflect.ValueOf(cp), seen, "snapshot")
}

// collect records the backing pointers of every map and non-empty slice.
func collect(v reflect.Value, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			seen[v.Pointer()] = true
			collect(v.Elem(), seen)
		}
	case reflect.Map:
		if !v.IsNil() {
			seen[v.Pointer()] = true
			for it := v.MapRange(); it.Next(); {
				collect(it.Value(), seen)
			}
		}
	case reflect.Slice:
		if v.Len() > 0 {
			seen[v.Pointer()] = true
		}
		for i := range v.Len() {
			collect(v.Index(i), seen)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			collect(v.Field(i), seen)
		}
	}
}

func checkDisjoint(t *testing.T, v reflect.Value, seen map[uintptr]bool, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			if seen[v.Pointer()] {
				t.Errorf("%s shares a pointer with the original", path)
			}
			checkDisjoint(t, v.Elem(), seen, path)
		}
	case reflect.Map:
		if !v.IsNil() && seen[v.Pointer()] {
			t.Errorf("%s shares a map with the original", path)
		}
		for it := v.MapRange(); it.Next(); {
			checkDisjoint(t, it.Value(), seen, path+"[…]")
		}
	case reflect.Slice:
		if v.Len() > 0 && seen[v.Pointer()] {
			t.Errorf("%s shares a slice with the original", path)
		}
		for i := range v.Len() {
			checkDisjoint(t, v.Index(i), seen, path+"[i]")
		}
	case reflect.Struct:
		for i := range v.NumField() {
			checkDisjoint(t, v.Field(i), seen, path+"."+v.Type().Field(i).Name)
		}
	}
}

func TestIndexLookups(t *testing.T) {
	st, err := DecodeState(fixtureBytes(t, "dcos-ui.1-service-with-executor-task.master-state.json"))
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(NewSnapshot("x", st, nil, nil))
	if a, ok := ix.Agent("10.0.5.136"); !ok || a.ID != "b3bd182c-c6d7-463e-8bf0-06cd5807df4e-S1" {
		t.Errorf("Agent(hostname) = %v, %v", a, ok)
	}
	if f, ok := ix.Framework("cassandra"); !ok || f.ID != "b3bd182c-c6d7-463e-8bf0-06cd5807df4e-0001" {
		t.Errorf("Framework(name) = %v, %v", f, ok)
	}
	if got := len(ix.TasksOfFramework("b3bd182c-c6d7-463e-8bf0-06cd5807df4e-0001")); got != 3 {
		t.Errorf("TasksOfFramework(cassandra) = %d, want 3", got)
	}
	if got := len(ix.TasksOnAgent("b3bd182c-c6d7-463e-8bf0-06cd5807df4e-S0")); got != 1 {
		t.Errorf("TasksOnAgent(S0) = %d, want 1", got)
	}
	if task, ok := ix.Task("", "server-1_486aff94-2af8-49c7-9266-b2710c9b08d9"); !ok || task.Name != "server-1" {
		t.Errorf("Task(server-1) = %v, %v", task, ok)
	}
	if r, ok := ix.Role("cassandra_role"); !ok || len(r.Frameworks) != 1 {
		t.Errorf("Role(cassandra_role) = %+v, %v", r, ok)
	}
	if got := len(ix.Executors("server-0_10ab666b-cf9b-44eb-bc53-b6dba1b7c737_executor")); got != 1 {
		t.Errorf("Executors() = %d, want 1", got)
	}
	if _, ok := ix.Framework("nope"); ok {
		t.Errorf("Framework(nope) found, want not")
	}
}

func TestIndexDuplicateTaskIDs(t *testing.T) {
	snap := &Snapshot{Tasks: []Task{{ID: "t", FrameworkID: "A"}, {ID: "t", FrameworkID: "B"}, {ID: "u", FrameworkID: "A"}}}
	ix := NewIndex(snap)
	if got := len(ix.Tasks("t")); got != 2 {
		t.Errorf("Tasks(t) = %d, want 2", got)
	}
	if task, ok := ix.Task("B", "t"); !ok || task.FrameworkID != "B" {
		t.Errorf("Task(B, t) = %v, %v", task, ok)
	}
	if got := len(ix.TasksOfFramework("A")); got != 2 {
		t.Errorf("TasksOfFramework(A) = %d, want 2", got)
	}
}
