package tracer

import (
	"context"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// Attributes of a scheduler call's span.
const (
	AttrCallType       = "mesos.call.type"           // ACCEPT, DECLINE, KILL, ...
	AttrCallFramework  = "mesos.framework_id"        // the calling framework
	AttrCallOffers     = "mesos.offer_ids"           // offers an ACCEPT or DECLINE answers
	AttrCallTasks      = "mesos.task_ids"            // tasks an ACCEPT launches, or KILL/ACKNOWLEDGE name
	AttrHTTPStatusCode = "http.response.status_code" // the master's answer
)

// SchedulerCalls returns what a v1 scheduler client (schedclient.Config.CallObserver,
// and so marathon.Config.CallObserver) calls before each call: it opens a client span
// named "<framework> <CALL>" ("marathon ACCEPT"), a child of the span in ctx or a new
// root sampled by the tracer's sampler, sends its W3C traceparent with the call, and
// ends it with the master's answer. The master continues that traceparent in its
// handling of the call, so a framework's ACCEPT, the task, the agent's launch and the
// container's states are one trace that begins in the framework.
//
// These spans are made with the OpenTelemetry SDK directly (a call is an HTTP round
// trip, not a dispatch), so they need no Attach.
func (t *Tracer) SchedulerCalls(framework string) func(ctx context.Context, call *scheduler.Call, h http.Header) func(statusCode int, err error) {
	prop := propagation.TraceContext{}
	return func(ctx context.Context, call *scheduler.Call, h http.Header) func(int, error) {
		ctx, span := t.otel.Start(ctx, framework+" "+call.Type.String(),
			trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(callAttributes(call)...))
		prop.Inject(ctx, propagation.HeaderCarrier(h))
		return func(status int, err error) {
			if status != 0 {
				span.SetAttributes(attribute.Int(AttrHTTPStatusCode, status))
			}
			if err != nil {
				span.SetStatus(codes.Error, err.Error())
			}
			span.End()
			if span.SpanContext().IsSampled() {
				t.spans.Add(1) // in Stats, with the spans converted from records
			}
		}
	}
}

// callAttributes describes a call by what it is about.
func callAttributes(call *scheduler.Call) []attribute.KeyValue {
	attrs := []attribute.KeyValue{attribute.String(AttrCallType, call.Type.String())}
	if call.FrameworkID != nil {
		attrs = append(attrs, attribute.String(AttrCallFramework, call.FrameworkID.Value))
	}
	var offers, tasks []string
	switch {
	case call.Accept != nil:
		for _, o := range call.Accept.OfferIDs {
			offers = append(offers, o.Value)
		}
		for _, op := range call.Accept.Operations {
			if op.Launch != nil {
				for _, ti := range op.Launch.TaskInfos {
					tasks = append(tasks, ti.TaskID.Value)
				}
			}
			if op.LaunchGroup != nil {
				for _, ti := range op.LaunchGroup.TaskGroup.Tasks {
					tasks = append(tasks, ti.TaskID.Value)
				}
			}
		}
	case call.Decline != nil:
		for _, o := range call.Decline.OfferIDs {
			offers = append(offers, o.Value)
		}
	case call.Kill != nil:
		tasks = append(tasks, call.Kill.TaskID.Value)
	case call.Acknowledge != nil:
		tasks = append(tasks, call.Acknowledge.TaskID.Value)
	}
	if len(offers) > 0 {
		attrs = append(attrs, attribute.String(AttrCallOffers, strings.Join(offers, ",")))
	}
	if len(tasks) > 0 {
		attrs = append(attrs, attribute.String(AttrCallTasks, strings.Join(tasks, ",")))
	}
	return attrs
}
