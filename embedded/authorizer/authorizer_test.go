package authorizer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustParse(t *testing.T, s string) *ACLs {
	t.Helper()
	a, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("Parse(%s) = %v", s, err)
	}
	return a
}

// The matrices of authorizer.cpp's matches and allows, cell by cell.
func TestMatchesAndAllowsMatrices(t *testing.T) {
	someA, someAB, anyE, noneE := some("a"), Entity{Type: Some, Values: []string{"a", "b"}}, Entity{Type: Any}, Entity{Type: None}
	someB := some("b")
	for _, tc := range []struct {
		name                  string
		request, acl          Entity
		wantMatch, wantAllows bool
	}{
		{"SOME in SOME", someA, someAB, true, true},
		{"SOME not in SOME", someA, someB, false, false},
		{"SOME vs NONE", someA, noneE, true, false},
		{"SOME vs ANY", someA, anyE, true, true},
		{"NONE vs SOME", noneE, someA, false, false},
		{"NONE vs NONE", noneE, noneE, true, true},
		{"NONE vs ANY", noneE, anyE, false, false},
		{"ANY vs SOME", anyE, someA, false, false},
		{"ANY vs NONE", anyE, noneE, true, false},
		{"ANY vs ANY", anyE, anyE, true, true},
	} {
		if got := matches(tc.request, tc.acl); got != tc.wantMatch {
			t.Errorf("%s: matches = %v, want %v", tc.name, got, tc.wantMatch)
		}
		if got := allows(tc.request, tc.acl); got != tc.wantAllows {
			t.Errorf("%s: allows = %v, want %v", tc.name, got, tc.wantAllows)
		}
	}
}

// Examples in the spirit of docs/authorization.md: first match decides, permissive
// decides when nothing matches, hierarchical roles with "a/%".
func TestDecisionsTable(t *testing.T) {
	acls := mustParse(t, `{
	  "permissive": false,
	  "register_frameworks": [
	    {"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}},
	    {"principals": {"values": ["web-team"]}, "roles": {"values": ["web", "web/%"]}},
	    {"principals": {"type": "ANY"}, "roles": {"values": ["public"]}},
	    {"principals": {"values": ["intern"]}, "roles": {"type": "NONE"}}
	  ],
	  "run_tasks": [
	    {"principals": {"type": "NONE"}, "users": {"values": ["root"]}},
	    {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
	    {"principals": {"type": "ANY"}, "users": {"values": ["nobody"]}}
	  ],
	  "teardown_frameworks": [
	    {"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}}
	  ],
	  "update_weights": [
	    {"principals": {"values": ["ops"]}, "roles": {"values": ["web/%"]}}
	  ],
	  "mark_agents_gone": [
	    {"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}
	  ]
	}`)
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"ops registers with any roles", acls.RegisterFramework("ops", []string{"web", "batch"}), true},
		{"web-team registers in web", acls.RegisterFramework("web-team", []string{"web"}), true},
		{"web-team registers in web/api (recursive)", acls.RegisterFramework("web-team", []string{"web/api"}), true},
		{"web-team registers in web and batch (every role must pass)", acls.RegisterFramework("web-team", []string{"web", "batch"}), false},
		{"anyone registers in public", acls.RegisterFramework("someone", []string{"public"}), true},
		{"no principal (ANY) registers in public: ANY principals allow ANY", acls.RegisterFramework("", []string{"public"}), true},
		{"no principal (ANY) registers in web: SOME principals never allow ANY", acls.RegisterFramework("", []string{"web"}), false},
		{"intern registers in public (first match: ANY principals)", acls.RegisterFramework("intern", []string{"public"}), true},
		{"intern registers in batch (NONE roles)", acls.RegisterFramework("intern", []string{"batch"}), false},
		{"unknown principal, no match, not permissive", acls.RegisterFramework("x", []string{"batch"}), false},
		{"nobody runs as root (NONE principals)", acls.RunTask("ops", "root"), false},
		{"ops runs as alice", acls.RunTask("ops", "alice"), true},
		{"web-team runs as nobody", acls.RunTask("web-team", "nobody"), true},
		{"web-team runs as alice", acls.RunTask("web-team", "alice"), false},
		{"ops tears down anyone's framework", acls.TeardownFramework("ops", "web-team"), true},
		{"web-team tears down", acls.TeardownFramework("web-team", "web-team"), false},
		{"ops updates web/api's weight", acls.UpdateWeight("ops", "web/api"), true},
		{"ops updates web's weight (web/% excludes web)", acls.UpdateWeight("ops", "web"), false},
		{"ops marks an agent gone", acls.MarkAgentGone("ops"), true},
		{"no principal marks an agent gone", acls.MarkAgentGone(""), false},
		{"no ACLs for quota, not permissive", acls.UpdateQuota("ops", "web"), false},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	permissive := mustParse(t, `{"register_frameworks": [{"principals": {"values": ["a"]}, "roles": {"values": ["r"]}}]}`)
	if !permissive.RegisterFramework("b", []string{"x"}) {
		t.Errorf("permissive (default true) with no match: got false, want true")
	}
	var none *ACLs
	if !none.RunTask("", "root") || !none.RegisterFramework("", []string{"r"}) || !none.TeardownFramework("", "") {
		t.Errorf("nil ACLs: got a denial, want everything allowed (no --acls)")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`[]`, "not a JSON object"},
		{`{"permissive": "yes"}`, "permissive: want true or false"},
		{`{"register_frameworks": {}}`, "register_frameworks: want a list of ACLs"},
		{`{"register_frameworks": [{"principals": {"values": ["a"]}}]}`, `register_frameworks[0]: missing "roles"`},
		{`{"register_frameworks": [{"principals": {"values": ["a"]}, "users": {"type": "ANY"}}]}`, `register_frameworks[0]: unknown field "users"`},
		{`{"run_tasks": [{"principals": {"type": "SOMETIMES"}, "users": {"type": "ANY"}}]}`, `run_tasks[0].principals: type "SOMETIMES" is not one of SOME, ANY, NONE`},
		{`{"run_tasks": [{"principals": {"value": ["a"]}, "users": {"type": "ANY"}}]}`, `run_tasks[0].principals: json: unknown field "value"`},
		{`{"view_frameworks": []}`, "view_frameworks: mesoscope does not enforce this kind of ACL"},
		{`{"register_framework": []}`, "register_framework: unknown kind of ACL"},
	} {
		_, err := Parse([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%s) = %v, want an ErrInvalid containing %q", tc.in, err, tc.want)
		}
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acls.json")
	doc := `{"permissive": false, "run_tasks": [{"principals": {"type": "ANY"}, "users": {"values": ["nobody"]}}]}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{doc, path, "file://" + path} {
		a, err := Load(flag)
		if err != nil {
			t.Fatalf("Load(%q) = %v", flag, err)
		}
		if a.Permissive || !a.RunTask("", "nobody") || a.RunTask("", "root") {
			t.Errorf("Load(%q) = %+v, want permissive false and nobody only", flag, a)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "read --acls file") {
		t.Errorf("Load(missing) = %v, want a read error naming --acls", err)
	}
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, []byte(`{"permissive": true, "x": "`+strings.Repeat("a", MaxSize)+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("Load(oversized) = %v, want a size error", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"permissive": false, "register_frameworks": [{"principals": {"values": ["a"]}, "roles": {"values": ["r", "r/%"]}}]}`))
	f.Add([]byte(`{"run_tasks": [{"principals": {"type": "ANY"}, "users": {"type": "NONE"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse error %v does not wrap ErrInvalid", err)
			}
			return
		}
		// Decisions never panic on any parsed ACLs.
		a.RegisterFramework("p", []string{"r", "r/s"})
		a.RunTask("", "u")
		a.UpdateWeight("p", "r/s/t")
	})
}
