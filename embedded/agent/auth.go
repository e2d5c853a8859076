package agent

import (
	"github.com/mesoscope/mesoscope/embedded/httpauth"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// The agent's HTTP authentication realms (src/slave/constants.hpp).
const (
	RealmReadonly  = "mesos-agent-readonly"
	RealmReadwrite = "mesos-agent-readwrite"
)

// authenticate checks a request of realm against --http_credentials when
// --authenticate_http_readonly or --authenticate_http_readwrite enforces it: nil lets
// it through, otherwise it is the 401 to answer.
func (a *Agent) authenticate(r *process.Request, realm string) *process.Response {
	enforced := a.cfg.AuthenticateHTTPReadonly
	if realm == RealmReadwrite {
		enforced = a.cfg.AuthenticateHTTPReadwrite
	}
	if !enforced {
		return nil
	}
	_, denied := httpauth.Basic(r, realm, a.cfg.HTTPCredentials)
	return denied
}

// guardFunc wraps a synchronous endpoint with the realm's authentication.
func (a *Agent) guardFunc(realm string, h func(*process.Request) process.Response) func(*process.Request) process.Response {
	return func(r *process.Request) process.Response {
		if denied := a.authenticate(r, realm); denied != nil {
			return *denied
		}
		return h(r)
	}
}

// guard wraps an asynchronous endpoint with the realm's authentication.
func (a *Agent) guard(realm string, h process.HTTPHandler) process.HTTPHandler {
	return func(r *process.Request) *process.Future[process.Response] {
		if denied := a.authenticate(r, realm); denied != nil {
			return process.NewFuture(*denied)
		}
		return h(r)
	}
}
