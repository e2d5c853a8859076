package master

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/process"
)

// HTTP authentication realms (src/master/constants.hpp).
const (
	RealmReadonly  = "mesos-master-readonly"
	RealmReadwrite = "mesos-master-readwrite"
	RealmScheduler = "mesos-master-scheduler"
)

// Credentials maps principals to secrets (mesos.Credentials).
type Credentials map[string]string

// ParseCredentials reads a credentials file as Mesos does
// (src/credentials/credentials.hpp): JSON {"credentials": [{"principal":
// "...", "secret": "..."}]}, or text with one "principal secret" pair per
// line. Errors name the entry.
func ParseCredentials(data []byte) (Credentials, error) {
	out := Credentials{}
	trimmed := strings.TrimSpace(string(data))
	if strings.HasPrefix(trimmed, "{") {
		var v struct {
			Credentials []struct {
				Principal *string `json:"principal"`
				Secret    *string `json:"secret"`
			} `json:"credentials"`
		}
		if err := json.Unmarshal([]byte(trimmed), &v); err != nil {
			return nil, fmt.Errorf("master: credentials: %w", err)
		}
		for i, c := range v.Credentials {
			if c.Principal == nil || *c.Principal == "" {
				return nil, fmt.Errorf("master: credentials[%d]: 'principal' is missing", i)
			}
			if c.Secret == nil {
				return nil, fmt.Errorf("master: credentials[%d]: 'secret' of %q is missing", i, *c.Principal)
			}
			if _, dup := out[*c.Principal]; dup {
				return nil, fmt.Errorf("master: credentials[%d]: principal %q appears twice", i, *c.Principal)
			}
			out[*c.Principal] = *c.Secret
		}
		return out, nil
	}
	for i, line := range strings.Split(trimmed, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, fmt.Errorf("master: credentials line %d: want \"principal secret\", got %d fields", i+1, len(fields))
		}
		if _, dup := out[fields[0]]; dup {
			return nil, fmt.Errorf("master: credentials line %d: principal %q appears twice", i+1, fields[0])
		}
		out[fields[0]] = fields[1]
	}
	return out, nil
}

// authenticate is libprocess's BasicAuthenticator for one realm
// (3rdparty/libprocess/src/authenticator.cpp): when the realm is enforced,
// a request without valid Basic credentials gets 401 with a
// WWW-Authenticate challenge; otherwise it passes, unauthenticated. It
// returns the authenticated principal ("" when none).
func (m *Master) authenticate(r *process.Request, realm string) (string, *process.Response) {
	var enforced bool
	creds := m.cfg.HTTPCredentials
	switch realm {
	case RealmReadonly:
		enforced = m.cfg.AuthenticateHTTPReadonly
	case RealmReadwrite:
		enforced = m.cfg.AuthenticateHTTPReadwrite
	case RealmScheduler:
		enforced = m.cfg.AuthenticateHTTPFrameworks
	}
	if !enforced {
		return "", nil
	}
	unauthorized := &process.Response{Status: http.StatusUnauthorized, Header: http.Header{"WWW-Authenticate": {`Basic realm="` + realm + `"`}}}
	h := r.Header.Get("Authorization")
	scheme, payload, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return "", unauthorized
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if err != nil {
		return "", unauthorized
	}
	principal, secret, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", unauthorized
	}
	want, known := creds[principal]
	if !known {
		want, known = m.cfg.FrameworkCredentials[principal]
		known = known && realm == RealmScheduler
	}
	if !known || subtle.ConstantTimeCompare([]byte(want), []byte(secret)) != 1 {
		return "", unauthorized
	}
	return principal, nil
}

// guard wraps a synchronous handler with the realm's authentication.
func (m *Master) guard(realm string, h func(r *process.Request) process.Response) func(r *process.Request) process.Response {
	return func(r *process.Request) process.Response {
		if _, resp := m.authenticate(r, realm); resp != nil {
			return *resp
		}
		return h(r)
	}
}
