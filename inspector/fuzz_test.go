package inspector

import (
	"bytes"
	"encoding/json"
	"net/url"
	"testing"
)

// FuzzDecodeState feeds arbitrary bytes to the state decoder and everything
// downstream of it: decoding must fail cleanly or produce a state that renders,
// indexes, explains and marshals without error.
func FuzzDecodeState(f *testing.F) {
	f.Add([]byte(`{"slaves":[{"id":"S0","resources":{"cpus":1,"ports":"[1-2]"}}],"frameworks":[{"id":"F","name":"f","tasks":[{"id":"T","slave_id":"S0"}]}]}`))
	f.Add([]byte(`{"get_state":{"get_agents":{"agents":[{"agent_info":{"id":{"value":"S"}},"total_resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}]}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := DecodeState(data)
		if err != nil {
			return
		}
		_ = DescribeState(st)
		snap := NewSnapshot("fuzz", st, nil, nil)
		ix := NewIndex(snap)
		for i, fw := range snap.Frameworks {
			if i >= 3 {
				break
			}
			if fw.ID == "" {
				continue // an empty query is rightly an error
			}
			if _, err := explainWith(ix, Query{Framework: fw.ID}, nil); err != nil {
				t.Fatalf("Explain(framework %q) error = %v", fw.ID, err)
			}
		}
		if _, err := json.Marshal(snap); err != nil {
			t.Fatalf("json.Marshal(snapshot) error = %v", err)
		}
	})
}

// FuzzProcesses checks /__processes__ decoding: counts must add up to the queue
// depth and the result must render and marshal.
func FuzzProcesses(f *testing.F) {
	f.Add([]byte(`[{"id":"master","events":[{"type":"MESSAGE","name":"x","body":"\u0000"},{"type":"HTTP","method":"GET","url":"/a?b"}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		actors, err := DecodeProcesses(data)
		if err != nil {
			return
		}
		for _, a := range actors {
			sum := 0
			for _, n := range a.Counts {
				sum += n
			}
			if sum != a.QueueDepth {
				t.Fatalf("actor %q: counts %v sum to %d, queue depth %d", a.ID, a.Counts, sum, a.QueueDepth)
			}
			if len(a.Events) > MaxActorEvents {
				t.Fatalf("actor %q keeps %d events, max %d", a.ID, len(a.Events), MaxActorEvents)
			}
			_ = DescribeActor(a)
		}
		if _, err := json.Marshal(actors); err != nil {
			t.Fatalf("json.Marshal(actors) error = %v", err)
		}
	})
}

// FuzzMetrics checks metrics decoding: values must be finite and marshal.
func FuzzMetrics(f *testing.F) {
	f.Add([]byte(`{"master/elected":1,"a/b":0.5}`))
	f.Add([]byte(`{"type":"GET_METRICS","get_metrics":{"metrics":[{"name":"x","value":"Infinity"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeMetrics(data)
		if err != nil {
			return
		}
		_ = DescribeMetrics(m)
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("json.Marshal(metrics) error = %v", err)
		}
	})
}

// FuzzDecoders feeds the same bytes to every other decoder (roles, containers,
// agent state, events, scheduler events, calls, versions, Marathon payloads,
// ranges and resources, mesoscope's extras): none may panic, and what decodes
// must render and marshal.
func FuzzDecoders(f *testing.F) {
	f.Add([]byte(`{"roles":[{"name":"web","weight":2,"quota":{"guarantee":{"cpus":1}}}]}`))
	f.Add([]byte(`{"type":"TASK_UPDATED","task_updated":{"status":{"task_id":{"value":"t"},"state":"TASK_FAILED"}}}`))
	f.Add([]byte(`{"framework_id":"F","agents":[{"agent_id":"S","reason":"filtered","available":"cpus:1"}]}`))
	f.Add([]byte("event: status_update_event\ndata: {\"appId\":\"/a\"}\n\n"))
	f.Add([]byte(`{"name":"marathon","frameworkId":"F","marathon_config":{"framework_name":"m","mesos_role":"r"}}`))
	f.Add([]byte(`{"apps":[{"id":"/a","cpus":1,"portDefinitions":[{"port":0}],"constraints":[["hostname","UNIQUE"]]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out []any
		keep := func(v any, err error) {
			if err == nil {
				out = append(out, v)
			}
		}
		if r, err := DecodeRoles(data); err == nil {
			for _, x := range r {
				_ = DescribeRole(x)
			}
			out = append(out, r)
		}
		if c, err := DecodeContainers(data); err == nil {
			for _, x := range c {
				_ = DescribeContainer(x)
			}
			out = append(out, c)
		}
		if a, err := DecodeAgentState(data); err == nil {
			_ = DescribeAgentState(*a)
			out = append(out, a)
		}
		if e, err := DecodeEvent(data); err == nil {
			_ = DescribeEvent(e)
			out = append(out, e)
		}
		if e, err := DecodeSchedulerEvent(data); err == nil {
			_ = DescribeSchedulerEvent(e)
			out = append(out, e)
		}
		if c, err := DecodeCall(data); err == nil {
			_ = DescribeCall(c)
			out = append(out, c)
		}
		keep(DecodeVersion(data))
		keep(DecodeHealth(data))
		keep(DecodeMasterInfo(data))
		keep(DecodeFlags(data))
		if q, err := DecodeMarathonQueue(data); err == nil {
			for _, x := range q {
				_ = DescribeMarathonQueueItem(x)
			}
			out = append(out, q)
		}
		keep(DecodeMarathonApp(data))
		keep(DecodeMarathonInfo(data))
		if apps, err := DecodeMarathonApps(data); err == nil {
			for _, a := range apps {
				if a.ID == "" {
					t.Fatalf("DecodeMarathonApps(%q) kept an app without id", data)
				}
				_ = a.Demand()
			}
			out = append(out, apps)
		}
		keep(DecodeMarathonTasks(data))
		keep(DecodeMarathonEvents(data))
		if e, err := decodeAllocatorExplanation(data, ""); err == nil {
			_ = DescribeExplanation(e)
			out = append(out, e)
		}
		if p, err := decodeMesoscopeProcesses(data); err == nil {
			mergeMesoscopeProcesses([]Actor{{ID: "x"}}, p)
		}
		if r, err := ParseResources(string(data)); err == nil {
			_ = r.String()
			_ = r.Sub(r).Add(r)
		}
		if rs, ok := parseRangesBytes(data); ok {
			if slow, err := ParseRanges(string(data)); err != nil || slow.String() != rs.String() {
				t.Fatalf("parseRangesBytes(%q) = %s, ParseRanges = %s, %v", data, rs, slow, err)
			}
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatalf("json.Marshal(decoded) error = %v", err)
		}
	})
}

// FuzzBundleQuery checks how a bundle matches a request's query to a saved
// one: canonical forms are stable, the bounding parameters (timeout, limit)
// are dropped and nothing else, and a request matches its own saved query.
func FuzzBundleQuery(f *testing.F) {
	f.Add("framework_id=F1&limit=10", "framework_id=F1")
	f.Add("timeout=5secs", "")
	f.Fuzz(func(t *testing.T, saved, requested string) {
		cs, err := canonicalQuery(saved)
		if err != nil {
			return
		}
		if again, err := canonicalQuery(cs); err != nil || again != cs {
			t.Fatalf("canonicalQuery(%q) = %q, not stable: %q, %v", saved, cs, again, err)
		}
		bare := withoutBoundingParams(cs)
		v, err := url.ParseQuery(bare)
		if err != nil || v.Has("timeout") || v.Has("limit") {
			t.Fatalf("withoutBoundingParams(%q) = %q, %v: bounding parameters left", cs, bare, err)
		}
		if withoutBoundingParams(bare) != bare {
			t.Fatalf("withoutBoundingParams(%q) is not idempotent", bare)
		}
		state := `{"id":"M","slaves":[]}`
		m := manifestJSON("http://m:5050",
			BundleEntry{Name: "s", Method: "GET", Path: "/master/state", Size: int64(len(state))},
			BundleEntry{Name: "x", Method: "GET", Path: "/x", Query: saved, Size: 2})
		b, err := LoadBundle(bytes.NewReader(makeTarGz(t, tarEntry{name: BundleManifestName, body: m}, tarEntry{name: "s", body: state}, tarEntry{name: "x", body: "{}"})), BundleLimits{})
		if err != nil {
			t.Fatalf("LoadBundle(query %q) error = %v", saved, err)
		}
		// The manifest is JSON: invalid UTF-8 in the query came back as U+FFFD.
		kept := b.Manifest.Entries[1].Query
		if _, ok := b.lookup("m:5050", "GET", "/x", kept, ""); !ok {
			t.Fatalf("lookup(%q) of the query saved as %q found nothing", kept, saved)
		}
		b.lookup("m:5050", "GET", "/x", requested, "")
	})
}
