package resources

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestV0Marshal(t *testing.T) {
	rs := mustParse(t, "cpus:4;mem:1024;ports:[31000-32000];disk(role):100;disks:{a,b}")
	rs.AddResource(revocable(t, "cpus", "2", "*", true))
	got := string(must(json.Marshal(V0(rs))))
	want := `{"cpus":4.0,"cpus_revocable":2.0,"disk":100.0,"gpus":0.0,"mem":1024.0,"ports":"[31000-32000]","disks":"{a, b}"}`
	if got != want {
		t.Errorf("Marshal(V0) = %s, want %s", got, want)
	}
	if got := string(must(json.Marshal(V0{}))); got != `{"cpus":0.0,"disk":0.0,"gpus":0.0,"mem":0.0}` {
		t.Errorf("Marshal(empty V0) = %s", got)
	}
	// A default name used by a non-scalar is written once.
	odd := mustParse(t, "cpus:{a}")
	if got := string(must(json.Marshal(V0(odd)))); strings.Count(got, `"cpus"`) != 1 {
		t.Errorf("Marshal(V0(cpus set)) = %s, want one cpus key", got)
	}
}

func TestV0Unmarshal(t *testing.T) {
	in := `{"disk": 75853.0, "mem": 6659.0, "gpus": 0.0, "cpus": 2.0, "cpus_revocable": 1,
	        "ports": "[1025-2180, 2182-3887, 3889-5049]", "disks": "{a, b}", "n": "3", "skip": null}`
	var v V0
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatalf("Unmarshal error: %v", err)
	}
	rs := Resources(v)
	want := mustParse(t, "disk:75853;mem:6659;cpus:2;ports:[1025-2180,2182-3887,3889-5049];disks:{a,b};n:3")
	want.AddResource(revocable(t, "cpus", "1", "*", true))
	if !rs.Equal(want) {
		t.Errorf("Unmarshal = %v, want %v", rs, want)
	}

	errs := []struct{ in, want string }{
		{`[]`, "expecting a JSON object"},
		{`{"cpus": -1}`, `"cpus"`},
		{`{"cpus": true}`, "expecting a number or a string"},
		{`{"ports": "[5-1]"}`, "begin > end"},
		{`{"x": "abc"}`, "neither a number, ranges nor a set"},
		{`{"x": "[1-2]]"}`, "mismatched brackets"},
		{`{"x": 1e400}`, `"x"`},
	}
	for _, tc := range errs {
		_, err := DecodeV0([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeV0(%s) error = %v, want it to contain %q", tc.in, err, tc.want)
		}
	}
}

func TestV0RoundTrip(t *testing.T) {
	rs := mustParse(t, "cpus:2.5;mem:1024;ports:[1-10,20-30];disks:{x,y}")
	back, err := DecodeV0(must(json.Marshal(V0(rs))))
	if err != nil || !back.Equal(rs) {
		t.Errorf("DecodeV0(Marshal(V0(%v))) = %v, %v", rs, back, err)
	}
}
