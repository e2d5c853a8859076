package agent

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// With --authenticate_http_readonly and --authenticate_http_readwrite the agent's
// endpoints answer 401 with their realm's challenge unless the request carries valid
// credentials; /health needs none.
func TestHTTPAuthentication(t *testing.T) {
	e := newEnv(t, func(c *Config, _ *fakeMaster) {
		c.AuthenticateHTTPReadonly, c.AuthenticateHTTPReadwrite = true, true
		c.HTTPCredentials = map[string]string{"ops": "s3cret"}
	})
	id := e.agent.Self().ID
	for _, tc := range []struct {
		method, path, user, pass string
		code                     int
		realm                    string
	}{
		{"GET", "/" + id + "/health", "", "", 200, ""},
		{"GET", "/" + id + "/state", "", "", 401, RealmReadonly},
		{"GET", "/" + id + "/state", "ops", "wrong", 401, RealmReadonly},
		{"GET", "/" + id + "/state", "ops", "s3cret", 200, ""},
		{"GET", "/" + id + "/flags", "", "", 401, RealmReadonly},
		{"GET", "/" + id + "/monitor/statistics", "", "", 401, RealmReadonly},
		{"GET", "/" + id + "/containers", "", "", 401, RealmReadonly},
		{"GET", "/files/debug", "", "", 401, RealmReadonly},
		{"GET", "/files/debug", "ops", "s3cret", 200, ""},
		{"POST", "/" + id + "/api/v1", "", "", 401, RealmReadwrite},
		{"POST", "/" + id + "/api/v1", "ops", "s3cret", 200, ""},
	} {
		body := ""
		if tc.method == "POST" {
			body = `{"type":"GET_HEALTH"}`
		}
		req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.pass)
		}
		rec := httptest.NewRecorder()
		e.rt.ServeHTTP(rec, req)
		if rec.Code != tc.code {
			t.Errorf("%s %s as %q = %d, want %d", tc.method, tc.path, tc.user, rec.Code, tc.code)
		}
		if tc.realm != "" {
			if got, want := rec.Header().Get("WWW-Authenticate"), `Basic realm="`+tc.realm+`"`; got != want {
				t.Errorf("%s %s: WWW-Authenticate = %q, want %q", tc.method, tc.path, got, want)
			}
		}
	}
	if got := e.agent.flags()["authenticate_http_readonly"]; got != "true" {
		t.Errorf("flags()[authenticate_http_readonly] = %q, want true", got)
	}
}
