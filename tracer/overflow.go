package tracer

import (
	"context"
	"sync/atomic"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Stats are the tracer's counters, free of OpenTelemetry so a caller can publish them as
// metrics (e.g. process.Metrics pull gauges "tracer/spans_dropped").
type Stats struct {
	// Spans is the number of spans handed to the exporters.
	Spans uint64
	// Dropped is the number of sampled dispatches and events lost because a worker's
	// ring was full (the exporter goroutine, or an exporter behind it, fell behind),
	// and of offer, task and container spans not opened because 65536 of their kind
	// were open already.
	Dropped uint64
	// ExportFailed is the number of spans an exporter failed to export.
	ExportFailed uint64
}

type counters struct {
	spans, dropped, exportFailed atomic.Uint64
	loggedDrop, loggedExport     atomic.Bool
}

// Stats returns the counters.
func (t *Tracer) Stats() Stats {
	return Stats{Spans: t.spans.Load(), Dropped: t.dropped.Load(), ExportFailed: t.exportFailed.Load()}
}

// Dropped returns the number of spans lost to overflow, as Stats().Dropped.
func (t *Tracer) Dropped() uint64 { return t.dropped.Load() }

// logOverflow logs the first overflow, once; the counters keep counting.
func (t *Tracer) logOverflow() {
	if n := t.dropped.Load(); n > 0 && t.loggedDrop.CompareAndSwap(false, true) {
		t.log.Warn("tracer: span ring overflow: spans are being dropped (counted in Stats().Dropped; logged once)",
			"dropped", n, "ring_size", t.cfg.ringSize)
	}
}

// countingExporter counts the spans its exporter fails on, logging the first failure.
type countingExporter struct {
	sdktrace.SpanExporter
	t *Tracer
}

func (e *countingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	err := e.SpanExporter.ExportSpans(ctx, spans)
	if err != nil {
		e.t.exportFailed.Add(uint64(len(spans)))
		if e.t.loggedExport.CompareAndSwap(false, true) {
			e.t.log.Warn("tracer: export failed: spans are being dropped (counted in Stats().ExportFailed; logged once)",
				"spans", len(spans), "err", err)
		}
	}
	return err
}
