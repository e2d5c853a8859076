package marathon

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const fixtures = "../../../shared/fixtures/mesos/"

// readFixture reads a Marathon fixture, skipping when the shared folder is
// not there.
func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(fixtures + name)
	if err != nil {
		t.Skipf("fixture %s: %v", name, err)
	}
	return b
}

func violationPaths(t *testing.T, err error) []string {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	var out []string
	for _, v := range ve.Details {
		out = append(out, v.Path)
	}
	return out
}

// Marathon's documented example app uses Docker, secrets, HTTP health
// checks and more: each unsupported field is named in the 422.
func TestDecodeFixtureAppRefusesUnsupported(t *testing.T) {
	_, err := DecodeApp(readFixture(t, "marathon.v2.app.json"))
	if err == nil {
		t.Fatal("DecodeApp(marathon.v2.app.json) = nil error, want a 422 listing the unsupported fields")
	}
	got := violationPaths(t, err)
	for _, want := range []string{"/", "/container", "/dependencies", "/env/PASSWORD", "/healthChecks(0)", "/ipAddress",
		"/readinessChecks", "/secrets", "/tty", "/acceptedResourceRoles(0)"} {
		if want == "/acceptedResourceRoles(0)" {
			continue // mesos_role is a valid role name
		}
		if !slices.Contains(got, want) {
			t.Errorf("DecodeApp(fixture) violations %v lack %s", got, want)
		}
	}
	if msg := err.Error(); !strings.Contains(msg, `"container" is not supported`) {
		t.Errorf("error %q does not say that container is not supported", msg)
	}
}

// Without the unsupported parts the fixture decodes, with its values.
func TestDecodeFixtureAppSupportedPart(t *testing.T) {
	data := `{"id": "/foo", "instances": 2, "cmd": "sleep 1000", "cpus": 0.1, "disk": 0, "mem": 16,
	  "acceptedResourceRoles": ["mesos_role"], "backoffFactor": 1.15, "backoffSeconds": 1,
	  "constraints": [["hostname", "LIKE", "srv2.*"]], "env": {"XPS1": "Test", "XPS2": "Rest"}, "executor": "",
	  "labels": {"owner": "zeus", "note": "Away from olympus"}, "maxLaunchDelaySeconds": 3600,
	  "portDefinitions": [{"port": 0, "protocol": "tcp", "name": "http", "labels": {"vip": "192.168.0.1:80"}}],
	  "requirePorts": false, "upgradeStrategy": {"maximumOverCapacity": 1, "minimumHealthCapacity": 1},
	  "fetch": [{"uri": "https://foo.com/setup.py"}, {"uri": "https://foo.com/archive.zip", "executable": false, "extract": true, "cache": true, "destPath": "newname.zip"}],
	  "user": "root", "taskKillGracePeriodSeconds": 30, "container": null, "dependencies": [], "secrets": {}, "tty": false}`
	a, err := DecodeApp([]byte(data))
	if err != nil {
		t.Fatalf("DecodeApp() error = %v", err)
	}
	grace := 30
	want := &App{
		ID: "/foo", Cmd: "sleep 1000", User: "root", Env: map[string]string{"XPS1": "Test", "XPS2": "Rest"}, Instances: 2,
		CPUs: 0.1, Mem: 16, AcceptedResourceRoles: []string{"mesos_role"},
		Constraints:     []Constraint{MustParseConstraint("hostname", "LIKE", "srv2.*")},
		PortDefinitions: []PortDefinition{{Port: 0, Protocol: "tcp", Name: "http", Labels: map[string]string{"vip": "192.168.0.1:80"}}},
		Fetch: []FetchURI{{URI: "https://foo.com/setup.py", Extract: true},
			{URI: "https://foo.com/archive.zip", Extract: true, Cache: true, DestPath: "newname.zip"}},
		BackoffSeconds: 1, BackoffFactor: 1.15, MaxLaunchDelaySeconds: 3600, UpgradeStrategy: UpgradeStrategy{1, 1},
		KillSelection: YoungestFirst, Labels: map[string]string{"owner": "zeus", "note": "Away from olympus"},
		TaskKillGracePeriodSeconds: &grace,
	}
	if diff := cmp.Diff(want, a, cmpopts.IgnoreUnexported(Constraint{})); diff != "" {
		t.Errorf("DecodeApp() (-want +got):\n%s", diff)
	}
}

// A minimal app gets app.raml's defaults, and what is written reads back
// the same.
func TestDecodeDefaultsAndRoundTrip(t *testing.T) {
	a, err := DecodeApp([]byte(`{"id": "tools/registry", "cmd": "sleep 1"}`))
	if err != nil {
		t.Fatalf("DecodeApp() error = %v", err)
	}
	if a.ID != "/tools/registry" || a.Instances != 1 || a.CPUs != 1 || a.Mem != 128 || a.BackoffSeconds != 1 ||
		a.BackoffFactor != 1.15 || a.MaxLaunchDelaySeconds != 300 || a.UpgradeStrategy != (UpgradeStrategy{1, 1}) || a.KillSelection != YoungestFirst {
		t.Errorf("DecodeApp(minimal) = %+v, want app.raml defaults", a)
	}
	if diff := cmp.Diff([]PortDefinition{{Port: 0, Protocol: "tcp", Name: "default"}}, a.PortDefinitions); diff != "" {
		t.Errorf("DecodeApp(minimal) ports = %+v, want one dynamic port named default", a.PortDefinitions)
	}
	b, err := encodeApp(a)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeApp(b)
	if err != nil {
		t.Fatalf("DecodeApp(%s) error = %v", b, err)
	}
	if diff := cmp.Diff(a, back, cmpopts.IgnoreUnexported(Constraint{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	zero, err := DecodeApp([]byte(`{"id": "/z", "args": ["sleep", "1"], "instances": 0, "backoffSeconds": 0, "upgradeStrategy": {"minimumHealthCapacity": 0, "maximumOverCapacity": 0}, "ports": []}`))
	if err != nil {
		t.Fatalf("DecodeApp(zeros) error = %v", err)
	}
	if zero.Instances != 0 || zero.BackoffSeconds != 0 || zero.UpgradeStrategy != (UpgradeStrategy{}) || len(zero.PortDefinitions) != 0 {
		t.Errorf("DecodeApp(zeros) = %+v, want explicit zeros kept", zero)
	}
}

// Invalid definitions are refused with every violation.
func TestValidate(t *testing.T) {
	tests := []struct {
		json string
		want []string
	}{
		{`{"cmd": "x"}`, []string{"/id"}},
		{`{"id": "/Bad_ID", "cmd": "x"}`, []string{"/id"}},
		{`{"id": "/a"}`, []string{"/"}},
		{`{"id": "/a", "cmd": "x", "args": ["x"]}`, []string{"/"}},
		{`{"id": "/a", "cmd": "x", "cpus": 0, "mem": -1, "instances": -2}`, []string{"/cpus", "/instances", "/mem"}},
		{`{"id": "/a", "cmd": "x", "backoffFactor": 0.5, "upgradeStrategy": {"minimumHealthCapacity": 2}}`, []string{"/backoffFactor", "/upgradeStrategy/minimumHealthCapacity"}},
		{`{"id": "/a", "cmd": "x", "constraints": [["hostname", "NEAR"]]}`, []string{"/constraints(0)"}},
		{`{"id": "/a", "cmd": "x", "ports": [80, 80]}`, []string{"/portDefinitions"}},
		{`{"id": "/a", "cmd": "x", "requirePorts": true, "ports": [0]}`, []string{"/portDefinitions(0)/port"}},
		{`{"id": "/a", "cmd": "x", "killSelection": "RANDOM"}`, []string{"/killSelection"}},
		{`{"id": "/a", "cmd": "x", "executor": "/custom"}`, []string{"/executor"}},
		{`{"id": "/a", "cmd": "x", "cpus": "many"}`, []string{"/cpus"}},
		{`{"id": "/a", "cmd": "x", "pods": [], "nonsense": 1}`, []string{"/nonsense", "/pods"}},
		{`{"id": "/a", "cmd": "x", "healthChecks": [{"protocol": "HTTP", "path": "/"}]}`, []string{"/healthChecks(0)"}},
		{`{"id": "/a", "cmd": "x", "healthChecks": [{"protocol": "COMMAND"}]}`, []string{"/healthChecks(0)"}},
		{`{"id": "/a", "cmd": "x", "ports": [1], "portDefinitions": []}`, []string{"/ports"}},
		// Members of nested objects are checked too, never dropped.
		{`{"id": "/a", "cmd": "x", "portDefinitions": [{"port": 0, "hostPort": 31005}]}`, []string{"/portDefinitions"}},
		{`{"id": "/a", "cmd": "x", "fetch": [{"uri": "http://x/y", "outputFile": "z"}]}`, []string{"/fetch"}},
		{`{"id": "/a", "cmd": "x", "upgradeStrategy": {"minimumHealthCapacity": 0.5, "foo": 1}}`, []string{"/upgradeStrategy"}},
		{`{"id": "/a", "cmd": "x", "gpus": 1.5}`, []string{"/gpus"}},
	}
	for _, tt := range tests {
		_, err := DecodeApp([]byte(tt.json))
		if err == nil {
			t.Errorf("DecodeApp(%s) = nil error, want violations %v", tt.json, tt.want)
			continue
		}
		if got := violationPaths(t, err); !slices.Equal(got, tt.want) {
			t.Errorf("DecodeApp(%s) violations = %v, want %v (%v)", tt.json, got, tt.want, err)
		}
	}
}

// Syntax errors are not validation errors.
func TestDecodeSyntax(t *testing.T) {
	for _, in := range []string{``, `[]`, `null`, `{"id": `, `{"id":"/a","cmd":"x"} {}`} {
		_, err := DecodeApp([]byte(in))
		var ve *ValidationError
		if err == nil || errors.As(err, &ve) || !strings.HasPrefix(err.Error(), "marathon: decode app") {
			t.Errorf("DecodeApp(%q) error = %v, want a decode error", in, err)
		}
	}
}

// A partial update replaces only what it gives; cmd replaces args.
func TestMergeApp(t *testing.T) {
	base, err := DecodeApp([]byte(`{"id": "/a", "args": ["sleep", "1"], "instances": 2, "mem": 64, "constraints": [["hostname", "UNIQUE"]]}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := mergeApp(base, []byte(`{"instances": 5, "cmd": "sleep 2"}`))
	if err != nil {
		t.Fatalf("mergeApp() error = %v", err)
	}
	if got.Instances != 5 || got.Cmd != "sleep 2" || got.Args != nil || got.Mem != 64 || len(got.Constraints) != 1 {
		t.Errorf("mergeApp() = %+v, want instances 5, cmd replacing args, mem and constraints kept", got)
	}
	if _, err := mergeApp(base, []byte(`{"container": {"type": "DOCKER"}}`)); err == nil {
		t.Errorf("mergeApp(container) = nil error, want 422")
	}
}

// A nested member this scheduler does not know is named in the 422.
func TestDecodeNestedUnknownNamed(t *testing.T) {
	tests := []struct{ json, want string }{
		{`{"id": "/a", "cmd": "x", "portDefinitions": [{"port": 0, "hostPort": 31005}]}`, `unknown field "hostPort"`},
		{`{"id": "/a", "cmd": "x", "gpus": 1.5}`, "expected an integer, got number 1.5"},
	}
	for _, tt := range tests {
		_, err := DecodeApp([]byte(tt.json))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("DecodeApp(%s) error = %v, want it to say %s", tt.json, err, tt.want)
		}
	}
}
