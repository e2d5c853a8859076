package tracer

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// SpanData is one finished span as the memory exporter keeps it and
// /mesoscope/v1/spans serves it (snake_case JSON, ids in lowercase hex as in W3C
// traceparent).
type SpanData struct {
	TraceID       string            `json:"trace_id"`
	SpanID        string            `json:"span_id"`
	ParentSpanID  string            `json:"parent_span_id,omitempty"`
	Name          string            `json:"name"`
	Service       string            `json:"service"`
	Kind          string            `json:"kind"`
	StartUnixNano int64             `json:"start_unix_nano"`
	EndUnixNano   int64             `json:"end_unix_nano"`
	Attributes    map[string]string `json:"attributes,omitempty"`
	Events        []SpanEvent       `json:"events,omitempty"`
}

// SpanEvent is a span event of a SpanData.
type SpanEvent struct {
	Name         string            `json:"name"`
	TimeUnixNano int64             `json:"time_unix_nano"`
	Attributes   map[string]string `json:"attributes,omitempty"`
}

// Memory is a span exporter that keeps the most recent spans in a ring, for tests and
// the TUI. It is safe for concurrent use, and serves its spans as JSON over HTTP.
type Memory struct {
	mu    sync.Mutex
	buf   []sdktrace.ReadOnlySpan // immutable snapshots; converted when read
	next  int
	full  bool
	total uint64
}

// NewMemory returns a Memory holding the last n spans (n <= 0 means 10000).
func NewMemory(n int) *Memory {
	if n <= 0 {
		n = 10000
	}
	return &Memory{buf: make([]sdktrace.ReadOnlySpan, n)}
}

// ExportSpans implements sdktrace.SpanExporter.
func (m *Memory) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range spans {
		m.buf[m.next] = s
		m.next++
		m.total++
		if m.next == len(m.buf) {
			m.next, m.full = 0, true
		}
	}
	return nil
}

// Shutdown implements sdktrace.SpanExporter; the spans stay readable.
func (m *Memory) Shutdown(context.Context) error { return nil }

// Spans returns the kept spans, oldest first.
func (m *Memory) Spans() []SpanData {
	m.mu.Lock()
	var kept []sdktrace.ReadOnlySpan
	if m.full {
		kept = append(kept, m.buf[m.next:]...)
	}
	kept = append(kept, m.buf[:m.next]...)
	m.mu.Unlock()
	out := make([]SpanData, len(kept))
	for i, s := range kept {
		out[i] = toSpanData(s)
	}
	return out
}

// Total returns how many spans the exporter has seen, including those overwritten.
func (m *Memory) Total() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.total
}

func toSpanData(s sdktrace.ReadOnlySpan) SpanData {
	d := SpanData{
		TraceID:       s.SpanContext().TraceID().String(),
		SpanID:        s.SpanContext().SpanID().String(),
		Name:          s.Name(),
		Kind:          s.SpanKind().String(),
		StartUnixNano: s.StartTime().UnixNano(),
		EndUnixNano:   s.EndTime().UnixNano(),
	}
	if p := s.Parent(); p.IsValid() {
		d.ParentSpanID = p.SpanID().String()
	}
	if r := s.Resource(); r != nil {
		for _, kv := range r.Attributes() {
			if kv.Key == "service.name" {
				d.Service = kv.Value.String()
			}
		}
	}
	if attrs := s.Attributes(); len(attrs) > 0 {
		d.Attributes = make(map[string]string, len(attrs))
		for _, kv := range attrs {
			d.Attributes[string(kv.Key)] = kv.Value.String()
		}
	}
	for _, e := range s.Events() {
		ev := SpanEvent{Name: e.Name, TimeUnixNano: e.Time.UnixNano()}
		if len(e.Attributes) > 0 {
			ev.Attributes = make(map[string]string, len(e.Attributes))
			for _, kv := range e.Attributes {
				ev.Attributes[string(kv.Key)] = kv.Value.String()
			}
		}
		d.Events = append(d.Events, ev)
	}
	return d
}

// spansResponse is the JSON body of /mesoscope/v1/spans.
type spansResponse struct {
	Total uint64     `json:"total"`
	Spans []SpanData `json:"spans"`
}

// ServeHTTP serves the kept spans as JSON: {"total": N, "spans": [...]}, newest last.
// Query parameters: trace_id keeps one trace; name_prefix (repeatable) keeps the spans
// whose name starts with one of them ("container" and "mesos-containerizer" for the
// containers' states); limit keeps the newest N spans of what is left.
func (m *Memory) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "tracer: spans: method "+r.Method+" not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	limit := -1
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			http.Error(w, "tracer: spans: limit="+strconv.Quote(v)+": want a non-negative integer", http.StatusBadRequest)
			return
		}
		limit = n
	}
	spans := m.Spans()
	if prefixes := q["name_prefix"]; len(prefixes) > 0 {
		kept := spans[:0]
		for _, s := range spans {
			for _, p := range prefixes {
				if strings.HasPrefix(s.Name, p) {
					kept = append(kept, s)
					break
				}
			}
		}
		spans = kept
	}
	if tid := q.Get("trace_id"); tid != "" {
		kept := spans[:0]
		for _, s := range spans {
			if s.TraceID == tid {
				kept = append(kept, s)
			}
		}
		spans = kept
	}
	if limit >= 0 && len(spans) > limit {
		spans = spans[len(spans)-limit:]
	}
	if spans == nil {
		spans = []SpanData{}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(spansResponse{Total: m.Total(), Spans: spans})
}
