package containerizer

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCommandInfoJSONDefaults(t *testing.T) {
	// Mesos defaults shell and extract to true when absent.
	var c CommandInfo
	if err := json.Unmarshal([]byte(`{"value":"echo hi","uris":[{"value":"http://h/a.tgz"},{"value":"http://h/b","extract":false}]}`), &c); err != nil {
		t.Fatal(err)
	}
	want := CommandInfo{Value: "echo hi", Shell: true, URIs: []URI{{Value: "http://h/a.tgz", Extract: true}, {Value: "http://h/b"}}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
	var argv CommandInfo
	json.Unmarshal([]byte(`{"shell":false,"value":"/bin/echo","arguments":["echo","a b"]}`), &argv)
	if argv.Shell || len(argv.Arguments) != 2 {
		t.Errorf("decoded argv command = %+v", argv)
	}
	b, _ := json.Marshal(ContainerConfig{CommandInfo: want, Resources: Resources{CPUs: 0.5, Mem: 64}, KillPolicy: &KillPolicy{GracePeriod: &DurationInfo{Nanoseconds: 2e9}}})
	for _, k := range []string{`"command_info"`, `"shell":true`, `"resources":{"cpus":0.5,"mem":64}`, `"kill_policy":{"grace_period":{"nanoseconds":2000000000}}`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("JSON %s lacks %s", b, k)
		}
	}
}

func TestContainerConfigValidate(t *testing.T) {
	ok := shell("true")
	tests := []struct {
		name string
		edit func(*ContainerConfig)
		want string
	}{
		{"ok", func(*ContainerConfig) {}, ""},
		{"empty value", func(c *ContainerConfig) { c.CommandInfo.Value = "" }, "'command_info.value' is empty"},
		{"env name", func(c *ContainerConfig) { c.CommandInfo.Environment = &Environment{Variables: []Variable{{Name: ""}}} }, "variables[0].name"},
		{"env equals", func(c *ContainerConfig) {
			c.CommandInfo.Environment = &Environment{Variables: []Variable{{Name: "A=B"}}}
		}, "contains '='"},
		{"nul arg", func(c *ContainerConfig) { c.CommandInfo.Arguments = []string{"a\x00"} }, "arguments[0]"},
		{"uri", func(c *ContainerConfig) { c.CommandInfo.URIs = []URI{{Value: "http://host"}} }, "uris[0].value"},
		{"output", func(c *ContainerConfig) { c.CommandInfo.URIs = []URI{{Value: "/f", OutputFile: "/abs"}} }, "uris[0].output_file"},
		{"negative", func(c *ContainerConfig) { c.Resources.Mem = -1 }, "negative"},
		{"directory", func(c *ContainerConfig) { c.Directory = "rel" }, "'directory'"},
		{"framework", func(c *ContainerConfig) { c.FrameworkID, c.ExecutorID = "a/b", "e" }, "'framework_id'"},
		{"half", func(c *ContainerConfig) { c.FrameworkID = "fw" }, "set together"},
	}
	for _, tc := range tests {
		cfg := ok.clone()
		tc.edit(&cfg)
		err := cfg.Validate()
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v", tc.name, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate() = %v, want error containing %q", tc.name, err, tc.want)
		}
	}
	if g := ok.gracePeriod(time.Second); g != time.Second {
		t.Errorf("gracePeriod(default) = %v", g)
	}
	c := ok.clone()
	c.KillPolicy = &KillPolicy{GracePeriod: &DurationInfo{Nanoseconds: 0}}
	if g := c.gracePeriod(time.Second); g != 0 {
		t.Errorf("gracePeriod(0) = %v, want 0", g)
	}
	if got := (Resources{CPUs: 1, Mem: 64}).String(); got != "cpus:1;mem:64" {
		t.Errorf("Resources.String() = %q", got)
	}
}

func TestTermination(t *testing.T) {
	tests := []struct {
		term Termination
		want string
	}{
		{Termination{Status: int32p(exitStatus(3))}, "exited with status 3"},
		{Termination{Status: int32p(signalStatus(9))}, "terminated with signal killed"},
		{Termination{}, "no status"},
		{Termination{Status: int32p(signalStatus(9)), State: TaskFailed, Reason: ReasonContainerLimitationMemory, Message: "Memory limit exceeded"},
			"terminated with signal killed; REASON_CONTAINER_LIMITATION_MEMORY: Memory limit exceeded"},
	}
	for _, tc := range tests {
		if got := tc.term.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
	b, _ := json.Marshal(tests[3].term)
	if want := `{"status":9,"state":"TASK_FAILED","reason":"REASON_CONTAINER_LIMITATION_MEMORY","message":"Memory limit exceeded"}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
}

func TestURIHelpers(t *testing.T) {
	for _, tc := range []struct{ uri, base, err string }{
		{"http://host/path/file.tar.gz", "file.tar.gz", ""},
		{"http://host/path/file?x=1", "file?x=1", ""},
		{"/abs/path/x.zip", "x.zip", ""},
		{"http://host", "", "missing path"},
		{"http://host/", "", "missing path"},
		{"it's", "", "illegal characters"},
	} {
		got, err := uriBasename(tc.uri)
		if (tc.err == "" && (err != nil || got != tc.base)) || (tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("uriBasename(%q) = %q, %v, want %q / %q", tc.uri, got, err, tc.base, tc.err)
		}
	}
	for _, tc := range []struct {
		uri, path string
		local     bool
		bad       bool
	}{
		{"file:///a/b", "/a/b", true, false},
		{"file://localhost/a/b", "/a/b", true, false},
		{"/a/b", "/a/b", true, false},
		{"file://other/a", "", true, true},
		{"a/b", "", true, true},
		{"https://h/a", "", false, false},
	} {
		p, local, err := uriToLocalPath(tc.uri)
		if p != tc.path || local != tc.local || (err != nil) != tc.bad {
			t.Errorf("uriToLocalPath(%q) = %q, %v, %v", tc.uri, p, local, err)
		}
	}
	for _, tc := range []struct {
		out string
		bad bool
	}{{"a/b.txt", false}, {"x", false}, {"", true}, {"/abs", true}, {"../up", true}, {"a/../../up", true}, {"dir/", true}, {".", true}} {
		if err := validateOutputFile(tc.out); (err != nil) != tc.bad {
			t.Errorf("validateOutputFile(%q) = %v, want bad=%v", tc.out, err, tc.bad)
		}
	}
}
