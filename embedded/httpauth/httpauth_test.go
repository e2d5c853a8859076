package httpauth

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/process"
)

// challengeOf returns the WWW-Authenticate values of h whatever the key's spelling
// (the package writes Mesos's, "WWW-Authenticate", as the map key).
func challengeOf(h http.Header) []string {
	for k, v := range h {
		if strings.EqualFold(k, "www-authenticate") {
			return v
		}
	}
	return nil
}

func TestBasicAndHandler(t *testing.T) {
	creds := Credentials{"ops": "s3cret"}
	fw := Credentials{"fw": "x"}
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	for _, tc := range []struct {
		name, user, pass string
		noAuth           bool
		header           string
		wantPrincipal    string
	}{
		{name: "valid", user: "ops", pass: "s3cret", wantPrincipal: "ops"},
		{name: "second set", user: "fw", pass: "x", wantPrincipal: "fw"},
		{name: "wrong secret", user: "ops", pass: "nope"},
		{name: "unknown principal", user: "eve", pass: "s3cret"},
		{name: "none", noAuth: true},
		{name: "not basic", noAuth: true, header: "Bearer abc"},
		{name: "bad base64", noAuth: true, header: "Basic !!!"},
		{name: "no colon", noAuth: true, header: "Basic b3Bz"},
	} {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		if !tc.noAuth {
			req.SetBasicAuth(tc.user, tc.pass)
		}
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		principal, denied := Basic(&process.Request{Header: req.Header}, "realm-r", creds, fw)
		if principal != tc.wantPrincipal || (denied == nil) != (tc.wantPrincipal != "") {
			t.Errorf("%s: Basic = %q, %v, want principal %q", tc.name, principal, denied, tc.wantPrincipal)
		}
		if denied != nil && (denied.Status != http.StatusUnauthorized || !slices.Equal(challengeOf(denied.Header), []string{`Basic realm="realm-r"`})) {
			t.Errorf("%s: denial = %d %v, want 401 with the realm's challenge", tc.name, denied.Status, denied.Header)
		}
		rec := httptest.NewRecorder()
		Handler(ok, "realm-r", creds, fw).ServeHTTP(rec, req)
		want := http.StatusUnauthorized
		if tc.wantPrincipal != "" {
			want = http.StatusOK
		}
		if rec.Code != want {
			t.Errorf("%s: Handler status = %d, want %d", tc.name, rec.Code, want)
		}
	}
}
