package agent

import (
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// Media types of the v1 API.
const (
	mediaJSON             = "application/json"
	mediaProtobuf         = "application/x-protobuf"
	mediaRecordIO         = "application/recordio"
	defaultMetricsTimeout = 5 * time.Second
)

// DecodeAgentCall decodes and validates the body of a POST to the agent's /api/v1
// (the deserializer and validation::agent::call::validate of Http::api). The error
// names what is wrong; the handler answers it with 400 Bad Request.
func DecodeAgentCall(body []byte) (*operator.AgentCall, error) {
	call, err := operator.DecodeAgentCall(body)
	if err != nil {
		return nil, fmt.Errorf("agent: api/v1: failed to parse body into Call: %w", err)
	}
	if err := call.Validate(); err != nil {
		return nil, fmt.Errorf("agent: api/v1: failed to validate agent::Call: %w", err)
	}
	return call, nil
}

// serveAPI is Http::api: the v1 operator API of the agent, JSON only. Non-POST
// requests get 405, a missing Content-Type 400, one other than JSON 415, an Accept
// that rules JSON out 406, a call that does not decode or validate 400, and a call
// mesoscope's agent does not implement 501.
func (a *Agent) serveAPI(r *process.Request) *process.Future[process.Response] {
	if resp, ok := a.checkAPIRequest(r); !ok {
		return process.NewFuture(resp)
	}
	call, err := DecodeAgentCall(r.Body)
	if err != nil {
		return process.NewFuture(process.BadRequest(err.Error()))
	}
	switch call.Type {
	case operator.AgentCallGetHealth:
		return respond(operator.AgentResponse{Type: operator.AgentResponseGetHealth, GetHealth: &operator.GetHealth{Healthy: true}})
	case operator.AgentCallGetFlags:
		return respond(operator.AgentResponse{Type: operator.AgentResponseGetFlags, GetFlags: &operator.GetFlags{Flags: a.flagList()}})
	case operator.AgentCallGetVersion:
		return respond(operator.AgentResponse{Type: operator.AgentResponseGetVersion,
			GetVersion: &operator.GetVersion{VersionInfo: mesos.VersionInfo{Version: Version}}})
	case operator.AgentCallGetLoggingLevel:
		return respond(operator.AgentResponse{Type: operator.AgentResponseGetLoggingLevel, GetLoggingLevel: &operator.GetLoggingLevel{}})
	case operator.AgentCallGetMetrics:
		return a.getMetrics(call.GetMetrics)
	case operator.AgentCallGetState:
		return respond(operator.AgentResponse{Type: operator.AgentResponseGetState, GetState: &operator.AgentGetState{
			GetTasks:      a.getTasks(),
			GetExecutors:  a.getExecutors(),
			GetFrameworks: a.getFrameworks(),
		}})
	case operator.AgentCallGetFrameworks:
		return respond(operator.AgentResponse{Type: operator.AgentResponseGetFrameworks, GetFrameworks: a.getFrameworks()})
	case operator.AgentCallGetExecutors:
		return respond(operator.AgentResponse{Type: operator.AgentResponseGetExecutors, GetExecutors: a.getExecutors()})
	case operator.AgentCallGetTasks:
		return respond(operator.AgentResponse{Type: operator.AgentResponseGetTasks, GetTasks: a.getTasks()})
	case operator.AgentCallGetAgent:
		info := a.agentInfo()
		info.Resources = mesos.ResourcesOf(a.total.Clone())
		return respond(operator.AgentResponse{Type: operator.AgentResponseGetAgent, GetAgent: &operator.GetAgent{AgentInfo: &info}})
	case operator.AgentCallGetOperations:
		return respond(operator.AgentResponse{Type: operator.AgentResponseGetOperations, GetOperations: &operator.GetOperations{}})
	case operator.AgentCallGetContainers:
		show := call.GetContainers
		return process.Then(a.containerEntries(show != nil && show.ShowNested),
			func(entries []ContainerEntry) (process.Response, error) {
				out := &operator.GetContainers{}
				for _, e := range entries {
					out.Containers = append(out.Containers, e.v1())
				}
				return jsonResponse(operator.AgentResponse{Type: operator.AgentResponseGetContainers, GetContainers: out}), nil
			})
	}
	return process.NewFuture(process.Error(http.StatusNotImplemented,
		fmt.Sprintf("agent: api/v1: %s is not implemented by mesoscope's agent", call.Type)))
}

// checkAPIRequest applies Http::api's checks of the method and media types.
func (a *Agent) checkAPIRequest(r *process.Request) (process.Response, bool) {
	if a.state == StateRecovering {
		return process.Error(http.StatusServiceUnavailable, "Agent has not finished recovery"), false
	}
	if r.Method != http.MethodPost {
		resp := process.Error(http.StatusMethodNotAllowed, fmt.Sprintf("Expecting one of { 'POST' }, but received '%s'", r.Method))
		resp.Header.Set("Allow", "POST")
		return resp, false
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return process.BadRequest("Expecting 'Content-Type' to be present"), false
	}
	mt, _, err := mime.ParseMediaType(ct)
	switch {
	case err != nil:
		return process.Error(http.StatusUnsupportedMediaType, fmt.Sprintf("Malformed 'Content-Type' %q: %v", ct, err)), false
	case mt == mediaProtobuf || mt == mediaRecordIO:
		return process.Error(http.StatusUnsupportedMediaType,
			"Expecting 'Content-Type' of "+mediaJSON+" (mesoscope's agent does not speak protobuf or streaming calls)"), false
	case mt != mediaJSON:
		return process.Error(http.StatusUnsupportedMediaType,
			"Expecting 'Content-Type' of "+mediaJSON+" or "+mediaProtobuf+" or "+mediaRecordIO), false
	}
	if r.Header.Get("Message-Content-Type") != "" {
		return process.Error(http.StatusUnsupportedMediaType,
			"Expecting 'Message-Content-Type' to be not set for non-streaming requests"), false
	}
	if !AcceptsMediaType(r.Header.Values("Accept"), mediaJSON) {
		return process.Error(http.StatusNotAcceptable, "Expecting 'Accept' to allow "+mediaJSON), false
	}
	if r.Header.Get("Message-Accept") != "" {
		return process.Error(http.StatusNotAcceptable, "Expecting 'Message-Accept' to be not set for non-streaming responses"), false
	}
	return process.Response{}, true
}

// AcceptsMediaType reports whether Accept header values allow mediaType, as
// libprocess's Request::acceptsMediaType does: no header accepts everything; an entry
// matches exactly, by "type/*" or "*/*", unless its q parameter is 0.
func AcceptsMediaType(accept []string, mediaType string) bool {
	if len(accept) == 0 {
		return true
	}
	typ, _, _ := strings.Cut(mediaType, "/")
	for _, header := range accept {
		for _, entry := range strings.Split(header, ",") {
			parts := strings.Split(entry, ";")
			mt := strings.ToLower(strings.TrimSpace(parts[0]))
			q := 1.0
			for _, p := range parts[1:] {
				k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.TrimSpace(k) == "q" {
					if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
						q = f
					}
				}
			}
			if q <= 0 {
				continue
			}
			if mt == mediaType || mt == "*/*" || mt == typ+"/*" {
				return true
			}
		}
	}
	return false
}

func jsonResponse(v operator.AgentResponse) process.Response {
	body, err := mesos.Marshal(v)
	if err != nil {
		return process.InternalServerError("agent: api/v1: encode response: " + err.Error())
	}
	return process.OK(body, mediaJSON)
}

func respond(v operator.AgentResponse) *process.Future[process.Response] {
	return process.NewFuture(jsonResponse(v))
}

// getMetrics answers GET_METRICS with a snapshot of the runtime's metrics. The
// snapshot evaluates pull gauges on their owners, the agent among them, so it is
// taken off the agent's queue.
func (a *Agent) getMetrics(c *operator.GetMetrics) *process.Future[process.Response] {
	timeout := defaultMetricsTimeout
	if c != nil && c.Timeout != nil && c.Timeout.Nanoseconds > 0 {
		timeout = c.Timeout.Duration()
	}
	p := process.NewPromise[process.Response]()
	reg := a.rt.Metrics()
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		snap := reg.Snapshot(timeout)
		out := &operator.GetMetricsResponse{}
		for _, name := range slices.Sorted(maps.Keys(snap)) {
			v := snap[name]
			out.Metrics = append(out.Metrics, mesos.Metric{Name: name, Value: &v})
		}
		p.Set(jsonResponse(operator.AgentResponse{Type: operator.AgentResponseGetMetrics, GetMetrics: out}))
	}()
	return p.Future()
}

// getFrameworks is GET_FRAMEWORKS: active and completed frameworks.
func (a *Agent) getFrameworks() *operator.AgentGetFrameworks {
	out := &operator.AgentGetFrameworks{}
	for _, f := range a.sortedFrameworks() {
		out.Frameworks = append(out.Frameworks, operator.AgentFramework{FrameworkInfo: f.info})
	}
	for _, f := range a.completedFrameworks {
		out.CompletedFrameworks = append(out.CompletedFrameworks, operator.AgentFramework{FrameworkInfo: f.info})
	}
	return out
}

// allFrameworks lists active then completed frameworks, as jsonifyGetExecutors and
// jsonifyGetTasks walk them.
func (a *Agent) allFrameworks() []*framework {
	return append(a.sortedFrameworks(), a.completedFrameworks...)
}

// getExecutors is GET_EXECUTORS: the executors and completed executors of every
// framework.
func (a *Agent) getExecutors() *operator.AgentGetExecutors {
	out := &operator.AgentGetExecutors{}
	for _, f := range a.allFrameworks() {
		for _, e := range f.sortedExecutors() {
			out.Executors = append(out.Executors, operator.AgentExecutor{ExecutorInfo: e.info})
		}
		for _, e := range f.completedExecutors {
			out.CompletedExecutors = append(out.CompletedExecutors, operator.AgentExecutor{ExecutorInfo: e.info})
		}
	}
	return out
}

// getTasks is GET_TASKS: queued (on executors still registering), launched,
// terminated (awaiting acknowledgement) and completed tasks of every executor
// (mesoscope has no pending tasks).
func (a *Agent) getTasks() *operator.AgentGetTasks {
	out := &operator.AgentGetTasks{}
	for _, f := range a.allFrameworks() {
		executors := append(f.sortedExecutors(), f.completedExecutors...)
		for _, e := range executors {
			for _, t := range e.sortedQueued() {
				out.QueuedTasks = append(out.QueuedTasks, *t)
			}
			for _, t := range e.sortedLaunched() {
				out.LaunchedTasks = append(out.LaunchedTasks, cloneTask(t))
			}
			for _, t := range e.sortedTerminated() {
				out.TerminatedTasks = append(out.TerminatedTasks, cloneTask(t))
			}
			for _, t := range e.completedTasks {
				out.CompletedTasks = append(out.CompletedTasks, cloneTask(t))
			}
		}
	}
	return out
}
