package inspector

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeMarathonInfo(t *testing.T) {
	tests := []struct {
		name, in string
		want     MarathonInfo
		wantErr  string
	}{
		{"full", testMarathonInfo, MarathonInfo{Name: "marathon", Version: "1.11.24", Leader: "m1:8080", Elected: true, FrameworkID: "FW-marathon",
			FrameworkName: "marathon-user", Role: "slave_public", Master: "zk://zk:2181/mesos"}, ""},
		{"not elected, no framework yet", `{"name":"marathon","elected":false}`, MarathonInfo{Name: "marathon"}, ""},
		{"array", `[]`, MarathonInfo{}, "top level is array"},
		{"other json", `{"queue":[]}`, MarathonInfo{}, `no "name" or "frameworkId"`},
		{"truncated", `{"name":"marathon"`, MarathonInfo{}, "decode marathon info"},
	}
	for _, tt := range tests {
		got, err := DecodeMarathonInfo([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "decode marathon info: ") {
				t.Errorf("DecodeMarathonInfo(%s) error = %v, want one containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("DecodeMarathonInfo(%s) error = %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("DecodeMarathonInfo(%s) (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestDecodeMarathonApps(t *testing.T) {
	app := fixtureBytes(t, "marathon.v2.app.json")
	one, err := DecodeMarathonApp(app)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in string
		want     []MarathonApp
		wantErr  string
	}{
		{"fixture", `{"apps":[` + string(app) + `]}`, []MarathonApp{one}, ""},
		{"empty", `{"apps":[]}`, []MarathonApp{}, ""},
		{"two", `{"apps":[{"id":"/a","cpus":1,"instances":2},{"id":"/b","mem":64,"role":"web"}]}`,
			[]MarathonApp{{ID: "/a", CPUs: 1, Instances: 2}, {ID: "/b", Mem: 64, Role: "web"}}, ""},
		{"no apps", `{"app":{}}`, nil, `no "apps"`},
		{"app without id", `{"apps":[{"cpus":1}]}`, nil, `apps[0]: no "id"`},
		{"not an object", `"apps"`, nil, "top level is string"},
	}
	for _, tt := range tests {
		got, err := DecodeMarathonApps([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("DecodeMarathonApps(%s) error = %v, want one containing %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("DecodeMarathonApps(%s) error = %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("DecodeMarathonApps(%s) (-want +got):\n%s", tt.name, diff)
		}
	}
	if _, err := DecodeMarathonApps([]byte(`[1]`)); !errors.Is(err, ErrNotMesos) {
		t.Errorf("DecodeMarathonApps([1]) error = %v, want ErrNotMesos", err)
	}
}

func TestParseMarathonURL(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{"marathon.example.com:8080", "http://marathon.example.com:8080", ""},
		{"https://m:8443/service/marathon", "https://m:8443", ""},
		{" http://m:8080 ", "http://m:8080", ""},
		{"", "", "no Marathon URL"},
		{"zk://zk:2181/marathon", "", `marathon "zk://zk:2181/marathon": scheme must be http or https`},
		{"http://", "", `marathon "http://": no host`},
	}
	for _, tt := range tests {
		u, err := ParseMarathonURL(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseMarathonURL(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || u.String() != tt.want {
			t.Errorf("ParseMarathonURL(%q) = %v, %v, want %s", tt.in, u, err, tt.want)
		}
	}
}
