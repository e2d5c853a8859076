package schedclient

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// ErrNotSubscribed is wrapped by errors of calls made without a current
// subscription: refused locally before SUBSCRIBED (or after the stream
// broke), or answered by the master with 403 Forbidden ("Framework is not
// subscribed": the master saw the stream break) or with 400 for a
// Mesos-Stream-Id that is no longer the framework's (a newer subscription
// replaced this one). The call had no effect; repeat it after the next
// SUBSCRIBED.
var ErrNotSubscribed = errors.New("schedclient: not subscribed")

// ErrHeartbeatTimeout is wrapped by the error that ends a subscription
// when no event arrived for MissedHeartbeats heartbeat intervals.
var ErrHeartbeatTimeout = errors.New("schedclient: no heartbeat from master")

// ErrBadEvent is wrapped by errors for a record of the event stream that
// is not a scheduler Event.
var ErrBadEvent = errors.New("schedclient: undecodable event")

// ErrTornDown is returned by Run and Call once the framework has torn
// itself down with a TEARDOWN call.
var ErrTornDown = errors.New("schedclient: framework torn down")

// ErrRunning is returned by Run while another Run of the same Client is
// in progress.
var ErrRunning = errors.New("schedclient: already running")

// staleStreamBody is what the master answers (400) to a call whose
// Mesos-Stream-Id is not the framework's current one
// (src/master/http.cpp Master::Http::scheduler).
const staleStreamBody = "didn't match the stream ID"

// CallError is a call's HTTP answer other than 200 OK or 202 Accepted:
// 400 for an invalid call, 403 when the framework is not subscribed, 307
// from a master that is no longer the leader, 503 while it recovers, ...
type CallError struct {
	// Call is the type of the call that was answered.
	Call scheduler.CallType
	// StatusCode is the HTTP status code, e.g. 400.
	StatusCode int
	// Body is the response body (the master's reason), trimmed and
	// truncated to maxErrorBody bytes.
	Body string
	// Location is the Location header of a redirect: the leader.
	Location string
}

// Error reads "schedclient: call DECLINE: 400 Bad Request: <body>".
func (e *CallError) Error() string {
	var b strings.Builder
	b.WriteString("schedclient: call ")
	b.WriteString(e.Call.String())
	b.WriteString(": ")
	b.WriteString(statusText(e.StatusCode))
	if e.Location != "" {
		b.WriteString(" to ")
		b.WriteString(e.Location)
	}
	if e.Body != "" {
		b.WriteString(": ")
		b.WriteString(e.Body)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrNotSubscribed) hold for a 403, and for a 400
// naming a stale Mesos-Stream-Id.
func (e *CallError) Is(target error) bool {
	if target != ErrNotSubscribed {
		return false
	}
	return e.StatusCode == http.StatusForbidden ||
		e.StatusCode == http.StatusBadRequest && strings.Contains(e.Body, staleStreamBody)
}

func statusText(code int) string {
	s := http.StatusText(code)
	if s == "" {
		s = "status"
	}
	return strconv.Itoa(code) + " " + s
}

// MasterError is the ERROR event that ends Run: the master refused the
// subscription (e.g. "Framework has been removed", an unauthorized role)
// or dropped this scheduler instance (e.g. "Framework failed over").
type MasterError struct {
	// Message is Event.Error.message.
	Message string
}

// Error reads "schedclient: master sent ERROR: <message>".
func (e *MasterError) Error() string { return "schedclient: master sent ERROR: " + e.Message }
