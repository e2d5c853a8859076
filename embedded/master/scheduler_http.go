package master

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/process"
)

const (
	contentJSON     = "application/json"
	contentProtobuf = "application/x-protobuf"
	streamIDHeader  = "Mesos-Stream-Id"
)

// serveScheduler is the v1 scheduler API, Master::Http::scheduler
// (src/master/http.cpp): the same checks in the same order with the same
// status codes and messages. SUBSCRIBE answers 200 with a RecordIO stream
// and a Mesos-Stream-Id header; every other call answers 202 once applied
// (UPDATE_FRAMEWORK 200), 400 for a bad body or stream id, 403 when the
// framework is not subscribed.
func (m *Master) serveScheduler(r *process.Request) process.Response {
	principal, denied := m.authenticate(r, RealmScheduler)
	if denied != nil {
		return *denied
	}
	if r.Method != http.MethodPost {
		return methodNotAllowed(r.Method)
	}
	call, resp, ok := decodeBody(r, "scheduler", scheduler.DecodeCall)
	if !ok {
		return resp
	}
	if err := call.Validate(); err != nil {
		m.m.invalidSchedulerCalls.Inc()
		return process.BadRequest("Failed to validate scheduler::Call: " + err.Error())
	}
	if call.Type == scheduler.CallSubscribe && principal != "" {
		fi := &call.Subscribe.FrameworkInfo
		if fi.Principal != "" && fi.Principal != principal {
			m.m.invalidSchedulerCalls.Inc()
			return process.BadRequest("Failed to validate scheduler::Call: Authenticated principal '" + principal + "' does not match principal '" + fi.Principal + "' set in `FrameworkInfo`")
		}
		// Master::Http::scheduler sets the principal the framework
		// authenticated with when FrameworkInfo has none.
		fi.Principal = principal
	}
	if call.Type == scheduler.CallSubscribe {
		if !accepts(r.Header, contentJSON) {
			return process.Error(http.StatusNotAcceptable, "Expecting 'Accept' to allow '"+contentProtobuf+"' or '"+contentJSON+"'")
		}
		if r.Header.Get(streamIDHeader) != "" {
			return process.BadRequest("Subscribe calls should not include the 'Mesos-Stream-Id' header")
		}
		s := newEventStream(newUUIDString(), m.cfg.StreamBuffer)
		m.subscribe(s, call.Subscribe)
		return process.Response{Status: http.StatusOK, Header: http.Header{
			"Content-Type": {contentJSON}, streamIDHeader: {s.id},
		}, Stream: s}
	}
	f := m.frameworks[call.FrameworkID.Value]
	if f == nil {
		return process.BadRequest("Framework cannot be found")
	}
	f.metrics.call(call.Type)
	if principal != "" && principal != f.info.Principal {
		return process.BadRequest("Authenticated principal '" + principal + "' does not match principal '" + f.info.Principal + "' set in `FrameworkInfo`")
	}
	if !f.connected {
		return process.Error(http.StatusForbidden, "Framework is not subscribed")
	}
	sid := r.Header.Get(streamIDHeader)
	if sid == "" {
		return process.BadRequest("All non-subscribe calls should include the 'Mesos-Stream-Id' header")
	}
	if sid != f.streamID {
		return process.BadRequest("The stream ID '" + sid + "' included in this request didn't match the stream ID currently associated with framework ID " + f.id)
	}
	switch call.Type {
	case scheduler.CallTeardown:
		m.removeFramework(f)
	case scheduler.CallAccept:
		m.accept(f, call.Accept)
	case scheduler.CallDecline:
		m.decline(f, call.Decline)
	case scheduler.CallRevive:
		m.revive(f, reviveRoles(call.Revive))
	case scheduler.CallSuppress:
		m.suppress(f, suppressRoles(call.Suppress))
	case scheduler.CallKill:
		m.kill(f, call.Kill)
	case scheduler.CallShutdown:
		m.shutdown(f, call.Shutdown)
	case scheduler.CallAcknowledge:
		m.acknowledge(f, call.Acknowledge)
	case scheduler.CallReconcile:
		m.reconcile(f, call.Reconcile)
	case scheduler.CallMessage:
		m.message(f, call.Message)
	case scheduler.CallUpdateFramework:
		if err := m.updateFramework(f, call.UpdateFramework); err != nil {
			if errors.Is(err, errUnauthorized) {
				return process.Error(http.StatusForbidden, err.Error())
			}
			return process.BadRequest(err.Error())
		}
		return process.Response{Status: http.StatusOK}
	case scheduler.CallAcceptInverseOffers, scheduler.CallDeclineInverseOffers, scheduler.CallRequest:
		// No maintenance schedules, so no inverse offers; REQUEST is a
		// no-op in Mesos's allocator too.
	case scheduler.CallAcknowledgeOperationStatus, scheduler.CallReconcileOperations:
		return process.Error(http.StatusNotImplemented, "operation feedback is not supported by mesoscope")
	default:
		return process.Error(http.StatusNotImplemented, "")
	}
	return process.Response{Status: http.StatusAccepted}
}

func reviveRoles(r *scheduler.Revive) []string {
	if r == nil {
		return nil
	}
	return r.Roles
}

func suppressRoles(s *scheduler.Suppress) []string {
	if s == nil {
		return nil
	}
	return s.Roles
}

func methodNotAllowed(method string) process.Response {
	return process.Response{Status: http.StatusMethodNotAllowed, Header: http.Header{"Allow": {"POST"}, "Content-Type": {"text/plain; charset=utf-8"}},
		Body: []byte("Expecting one of { 'POST' }, but received '" + method + "'")}
}

// decodeBody applies the Content-Type checks of the v1 API handlers and
// decodes the body with decode.
func decodeBody[T any](r *process.Request, api string, decode func([]byte) (T, error)) (T, process.Response, bool) {
	var zero T
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return zero, process.BadRequest("Expecting 'Content-Type' to be present"), false
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != contentJSON && mt != contentProtobuf) {
		return zero, process.Error(http.StatusUnsupportedMediaType, "Expecting 'Content-Type' of "+contentJSON+" or "+contentProtobuf), false
	}
	if mt == contentProtobuf {
		return zero, process.Error(http.StatusUnsupportedMediaType, "Expecting 'Content-Type' of "+contentJSON+" (mesoscope does not decode protobuf bodies)"), false
	}
	v, err := decode(r.Body)
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), api+": decode call: ")
		var syn *json.SyntaxError
		if errors.As(err, &syn) || !json.Valid(r.Body) {
			return zero, process.BadRequest("Failed to parse body into JSON: " + msg), false
		}
		return zero, process.BadRequest("Failed to convert JSON into Call protobuf: " + msg), false
	}
	return v, process.Response{}, true
}

// accepts reports whether the Accept header allows mediaType (no header
// allows everything), as http::Request::acceptsMediaType.
func accepts(h http.Header, mediaType string) bool {
	vals := h.Values("Accept")
	if len(vals) == 0 {
		return true
	}
	typ, _, _ := strings.Cut(mediaType, "/")
	for _, v := range vals {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			if q, ok := params["q"]; ok && (q == "0" || q == "0.0" || q == "0.00" || q == "0.000") {
				continue
			}
			if mt == "*/*" || mt == mediaType || mt == typ+"/*" {
				return true
			}
		}
	}
	return false
}
