package tracer

import (
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Attributes of an HTTP server span (OpenTelemetry's semantic conventions).
const (
	AttrHTTPMethod = "http.request.method"
	AttrURLPath    = "url.path"
)

// HTTPServer returns a middleware that gives each request to h a server span named
// "<service> METHOD route" ("marathon GET /v2/apps" for /v2/apps/web/tasks: the first
// two path segments, so that names stay few; url.path has the whole path), continuing the request's W3C
// traceparent when it has one, and ending with the response's status. The request's
// context carries the span to h. It is for HTTP servers outside the runtime (the
// Marathon's REST API); the runtime's own HTTP events are dispatch spans already.
func (t *Tracer) HTTPServer(service string) func(http.Handler) http.Handler {
	prop := propagation.TraceContext{}
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := prop.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
			ctx, span := t.otel.Start(ctx, service+" "+r.Method+" "+route(r.URL.Path), trace.WithSpanKind(trace.SpanKindServer),
				trace.WithAttributes(attribute.String(AttrHTTPMethod, r.Method), attribute.String(AttrURLPath, r.URL.Path)))
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			defer func() {
				span.SetAttributes(attribute.Int(AttrHTTPStatusCode, sw.status))
				if sw.status >= 500 {
					span.SetStatus(codes.Error, http.StatusText(sw.status))
				}
				span.End()
				if span.SpanContext().IsSampled() {
					t.spans.Add(1)
				}
			}()
			h.ServeHTTP(sw, r.WithContext(ctx))
		})
	}
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (flushes).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// route is the first two segments of path: "/v2/apps/web/tasks" → "/v2/apps".
func route(path string) string {
	n := 0
	for i := 1; i < len(path); i++ {
		if path[i] == '/' {
			if n++; n == 2 {
				return path[:i]
			}
		}
	}
	return strings.TrimSuffix(path, "/")
}
