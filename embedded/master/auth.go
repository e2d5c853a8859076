package master

import (
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/httpauth"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// HTTP authentication realms (src/master/constants.hpp).
const (
	RealmReadonly  = "mesos-master-readonly"
	RealmReadwrite = "mesos-master-readwrite"
	RealmScheduler = "mesos-master-scheduler"
)

// Credentials maps principals to secrets (mesos.Credentials).
type Credentials = httpauth.Credentials

// ParseCredentials reads a credentials file as Mesos does (see
// httpauth.ParseCredentials).
func ParseCredentials(data []byte) (Credentials, error) {
	c, err := httpauth.ParseCredentials(data)
	if err != nil {
		return nil, fmt.Errorf("master: %w", err)
	}
	return c, nil
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
	if realm == RealmScheduler {
		return httpauth.Basic(r, realm, creds, m.cfg.FrameworkCredentials)
	}
	return httpauth.Basic(r, realm, creds)
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
