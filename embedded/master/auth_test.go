package master_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

func TestParseCredentials(t *testing.T) {
	tests := []struct {
		in      string
		want    master.Credentials
		wantErr string
	}{
		{`{"credentials":[{"principal":"ops","secret":"s3"},{"principal":"fw","secret":"x"}]}`, master.Credentials{"ops": "s3", "fw": "x"}, ""},
		{"ops s3\n\nfw x\n", master.Credentials{"ops": "s3", "fw": "x"}, ""},
		{`{"credentials":[{"secret":"s3"}]}`, nil, "credentials[0]: 'principal' is missing"},
		{`{"credentials":[{"principal":"a"}]}`, nil, `'secret' of "a" is missing`},
		{"a b c", nil, "line 1"},
		{"a b\na c", nil, `principal "a" appears twice`},
		{`{"credentials": 3}`, nil, "credentials"},
	}
	for _, tt := range tests {
		got, err := master.ParseCredentials([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseCredentials(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || len(got) != len(tt.want) || got["ops"] != tt.want["ops"] || got["fw"] != tt.want["fw"] {
			t.Errorf("ParseCredentials(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
}

// With --authenticate_http_* the realms answer 401 with a Basic challenge
// unless the request carries valid credentials; the scheduler API checks
// the authenticated principal against FrameworkInfo.principal.
func TestHTTPAuthentication(t *testing.T) {
	c := newTestCluster(t, master.Config{
		AuthenticateHTTPReadonly: true, AuthenticateHTTPReadwrite: true, AuthenticateHTTPFrameworks: true,
		HTTPCredentials: master.Credentials{"ops": "secret", "fw": "fwpass"},
	})
	do := func(method, path, body, user, pass string) (int, http.Header, string) {
		t.Helper()
		req, _ := http.NewRequest(method, c.url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b := make([]byte, 512)
		n, _ := io.ReadFull(resp.Body, b)
		return resp.StatusCode, resp.Header, string(b[:n])
	}
	tests := []struct {
		method, path, body, user, pass string
		code                           int
		realm                          string
	}{
		{"GET", "/master/state", "", "", "", 401, master.RealmReadonly},
		{"GET", "/master/state", "", "ops", "wrong", 401, master.RealmReadonly},
		{"GET", "/master/state", "", "ops", "secret", 200, ""},
		{"GET", "/master/flags", "", "", "", 401, master.RealmReadonly},
		{"GET", "/master/health", "", "", "", 200, ""},
		{"GET", "/mesoscope/v1/allocator", "", "", "", 401, master.RealmReadonly},
		{"GET", "/mesoscope/v1/allocator", "", "ops", "secret", 200, ""},
		{"POST", "/api/v1", `{"type":"GET_HEALTH"}`, "", "", 401, master.RealmReadwrite},
		{"POST", "/api/v1", `{"type":"GET_HEALTH"}`, "ops", "secret", 200, ""},
		{"POST", "/api/v1/scheduler", `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n"}}}`, "", "", 401, master.RealmScheduler},
		{"POST", "/api/v1/scheduler", `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n","principal":"other"}}}`, "fw", "fwpass", 400, ""},
	}
	for _, tt := range tests {
		code, h, body := do(tt.method, tt.path, tt.body, tt.user, tt.pass)
		if code != tt.code {
			t.Errorf("%s %s as %q: %d %q, want %d", tt.method, tt.path, tt.user, code, body, tt.code)
		}
		if tt.realm != "" && h.Get("WWW-Authenticate") != `Basic realm="`+tt.realm+`"` {
			t.Errorf("%s %s: WWW-Authenticate = %q, want realm %s", tt.method, tt.path, h.Get("WWW-Authenticate"), tt.realm)
		}
		if tt.code == 400 && !strings.Contains(body, "does not match principal 'other'") {
			t.Errorf("principal mismatch body = %q", body)
		}
	}
	// An authenticated framework without a principal gets the one it
	// authenticated with.
	req := &scheduler.Call{Type: scheduler.CallSubscribe, Subscribe: &scheduler.Subscribe{FrameworkInfo: mesos.FrameworkInfo{User: "u", Name: "n"}}}
	resp, err := c.post("/api/v1/scheduler", req, http.Header{"Authorization": {"Basic Znc6ZndwYXNz"}}) // fw:fwpass
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("authenticated SUBSCRIBE: %d", resp.StatusCode)
	}
	c.rt.Settle()
	_, _, body := do("GET", "/master/frameworks", "", "ops", "secret")
	if !strings.Contains(body, `"principal":"fw"`) {
		t.Errorf("/master/frameworks = %.300s, want principal fw", body)
	}
}
