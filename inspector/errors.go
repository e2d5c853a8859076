package inspector

import (
	"errors"
	"fmt"
)

// Sentinel errors. Client errors wrap exactly one of the first five, so callers
// (and the CLI's exit messages) can tell the failure modes apart with errors.Is.
var (
	// ErrUnreachable: the master could not be reached (DNS, refused, timeout, TLS).
	ErrUnreachable = errors.New("inspector: master unreachable")
	// ErrNotMesos: something answered but it is not a Mesos master (HTML, unknown
	// JSON, a 404 on a Mesos endpoint).
	ErrNotMesos = errors.New("inspector: not a Mesos master")
	// ErrUnauthorized: 401 or 403; credentials missing, wrong, or not allowed.
	ErrUnauthorized = errors.New("inspector: authentication failed")
	// ErrNoLeader: 503 "No leader elected" or a master still recovering.
	ErrNoLeader = errors.New("inspector: no leading master")
	// ErrTooLarge: a response body or RecordIO record exceeded the configured limit.
	ErrTooLarge = errors.New("inspector: response too large")

	// ErrNotSupported: an optional endpoint (mesoscope extras, /v2/queue) is absent.
	ErrNotSupported = errors.New("inspector: endpoint not supported by this server")
)

// HTTPError describes an unexpected HTTP status from a Mesos endpoint.
type HTTPError struct {
	Method string
	URL    string
	Status int
	// Body holds the start of the response body, which Mesos fills with the reason
	// (e.g. "No leader elected", "Failed to parse the request body").
	Body string
	// kind is the sentinel this status maps to, if any.
	kind error
}

// Error implements error.
func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d", e.Method, e.URL, e.Status)
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Unwrap returns the sentinel the status maps to (ErrUnauthorized, ErrNoLeader,
// ErrNotMesos) or nil.
func (e *HTTPError) Unwrap() error { return e.kind }
