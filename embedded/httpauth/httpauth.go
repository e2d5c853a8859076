package httpauth

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/process"
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
			return nil, fmt.Errorf("credentials: %w", err)
		}
		for i, c := range v.Credentials {
			if c.Principal == nil || *c.Principal == "" {
				return nil, fmt.Errorf("credentials[%d]: 'principal' is missing", i)
			}
			if c.Secret == nil {
				return nil, fmt.Errorf("credentials[%d]: 'secret' of %q is missing", i, *c.Principal)
			}
			if _, dup := out[*c.Principal]; dup {
				return nil, fmt.Errorf("credentials[%d]: principal %q appears twice", i, *c.Principal)
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
			return nil, fmt.Errorf("credentials line %d: want \"principal secret\", got %d fields", i+1, len(fields))
		}
		if _, dup := out[fields[0]]; dup {
			return nil, fmt.Errorf("credentials line %d: principal %q appears twice", i+1, fields[0])
		}
		out[fields[0]] = fields[1]
	}
	return out, nil
}

// Basic is BasicAuthenticator::authenticate for one realm whose authentication is
// enforced: a request without valid Basic credentials from one of sets gets 401 with a
// WWW-Authenticate challenge naming the realm. It returns the authenticated principal.
func Basic(r *process.Request, realm string, sets ...Credentials) (string, *process.Response) {
	principal, ok := check(r.Header, sets)
	if !ok {
		return "", &process.Response{Status: http.StatusUnauthorized, Header: challenge(realm)}
	}
	return principal, nil
}

// Handler wraps h, a plain net/http handler mounted on a runtime (such as the tracer's
// /mesoscope/v1/spans), with Basic for realm: requests without valid credentials get
// the same 401 and challenge as the realm's Mesos endpoints.
func Handler(h http.Handler, realm string, sets ...Credentials) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := check(r.Header, sets); !ok {
			for k, v := range challenge(realm) {
				w.Header()[k] = v
			}
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func challenge(realm string) http.Header {
	return http.Header{"WWW-Authenticate": {`Basic realm="` + realm + `"`}}
}

// check returns the principal of valid Basic credentials in header.
func check(header http.Header, sets []Credentials) (string, bool) {
	scheme, payload, ok := strings.Cut(header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
	if err != nil {
		return "", false
	}
	principal, secret, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", false
	}
	for _, creds := range sets {
		if want, known := creds[principal]; known && subtle.ConstantTimeCompare([]byte(want), []byte(secret)) == 1 {
			return principal, true
		}
	}
	return "", false
}
