package main

import (
	"fmt"
	"net/http"
	"net/http/pprof"

	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/tracer"
)

// pprofProfiles are the runtime profiles served under /debug/pprof/. The command line
// (/debug/pprof/cmdline) is left out: flags such as --credentials may be inline values.
var pprofProfiles = []string{"allocs", "block", "goroutine", "heap", "mutex", "threadcreate"}

// mountTracer serves, on a runtime the tracer is attached to, each behind guard (the
// read-only realm when HTTP authentication is on):
//
//	/mesoscope/v1/spans      the tracer's recent spans (its in-memory ring)
//	/debug/pprof/profile     a CPU profile whose samples carry the tracer's pprof
//	                         labels: go tool pprof -tagfocus process=master URL
//	/debug/pprof/trace       an execution trace
//	/debug/pprof/<name>      the runtime profiles of pprofProfiles
//
// and publishes the tracer's counters in /metrics/snapshot as tracer/spans_exported,
// tracer/spans_dropped and tracer/spans_export_failed, so lost spans are never silent.
func mountTracer(rt *process.Runtime, tr *tracer.Tracer, guard func(http.Handler) http.Handler) error {
	rt.Handle("/mesoscope/v1/spans", guard(tr.Memory()))
	rt.Handle("/debug/pprof/profile", guard(http.HandlerFunc(pprof.Profile)))
	rt.Handle("/debug/pprof/trace", guard(http.HandlerFunc(pprof.Trace)))
	for _, name := range pprofProfiles {
		rt.Handle("/debug/pprof/"+name, guard(pprof.Handler(name)))
	}
	for name, fn := range map[string]func(tracer.Stats) uint64{
		"tracer/spans_exported":      func(s tracer.Stats) uint64 { return s.Spans },
		"tracer/spans_dropped":       func(s tracer.Stats) uint64 { return s.Dropped },
		"tracer/spans_export_failed": func(s tracer.Stats) uint64 { return s.ExportFailed },
	} {
		// The counters are atomics: read them on the snapshot's goroutine.
		if err := rt.Metrics().NewPullGauge(name, process.PID{}, func() float64 { return float64(fn(tr.Stats())) }); err != nil {
			return fmt.Errorf("tracer metrics: %w", err)
		}
	}
	return nil
}
