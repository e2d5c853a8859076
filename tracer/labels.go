package tracer

import (
	"context"
	"runtime/pprof"
)

// maxLabelCache bounds each worker's cache of label contexts; past it the cache is
// cleared (process ids and event names are few in practice).
const maxLabelCache = 4096

type labelKey struct{ process, event string }

// labelContext returns the cached context carrying pprof labels process=<id> and
// event=<name>, creating it on first use. Only the worker owning ws calls it.
func (ws *workerState) labelContext(process, event string) context.Context {
	k := labelKey{process, event}
	if ctx, ok := ws.labels[k]; ok {
		return ctx
	}
	if ws.labels == nil || len(ws.labels) >= maxLabelCache {
		ws.labels = make(map[labelKey]context.Context)
	}
	ctx := pprof.WithLabels(context.Background(), pprof.Labels("process", process, "event", event))
	ws.labels[k] = ctx
	return ctx
}

// setLabels labels the calling worker goroutine for the dispatch about to run, so CPU
// profiles can be focused on one actor: go tool pprof -tagfocus process=master.
func (ws *workerState) setLabels(process, event string) {
	pprof.SetGoroutineLabels(ws.labelContext(process, event))
}

// clearLabels removes the dispatch's labels from the worker goroutine.
func clearLabels() { pprof.SetGoroutineLabels(context.Background()) }
