package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mesoscope/mesoscope/inspector"
)

func whyDef() viewDef {
	return viewDef{
		name: "why", title: "Why", sortCol: -1,
		about: "why is this framework, role or Marathon app waiting: the explainer's answer and evidence",
		need:  func(arg string) needs { return needs{explain: arg} },
		build: buildWhy,
	}
}

// resolveWhy turns a Why argument into a query. "framework:ID", "role:NAME"
// and "app:/ID" say what it is; a bare word is resolved as `mesoscope why`
// does: an app when it starts with "/", else a framework id or name, else a
// role; an unknown word is asked as a framework, which says it is unknown.
func resolveWhy(ix *inspector.Index, arg string) inspector.Query {
	if kind, v, ok := strings.Cut(arg, ":"); ok {
		switch kind {
		case "framework":
			return inspector.Query{Framework: v}
		case "role":
			return inspector.Query{Role: v}
		case "app":
			return inspector.Query{App: v}
		}
	}
	switch {
	case strings.HasPrefix(arg, "/"):
		return inspector.Query{App: arg}
	case ix != nil:
		if _, ok := ix.Framework(arg); ok {
			return inspector.Query{Framework: arg}
		}
		if _, ok := ix.Role(arg); ok {
			return inspector.Query{Role: arg}
		}
	}
	return inspector.Query{Framework: arg}
}

// marathonQueue is Marathon's launch queue as the poller read it for the Why
// view: before the master's snapshot, so that the snapshot is never older
// than the queue (see runWhy in cmd/mesoscope). It is empty without a
// Marathon URL.
type marathonQueue struct {
	items []inspector.MarathonQueueItem
	err   error
}

// explain answers a Why question: the exact half (mesoscope's allocator) when
// the master serves it, else the best-effort half; Marathon's queue joins in
// for apps when a Marathon URL is configured. It does I/O and runs on the
// poller's goroutine.
func explain(ctx context.Context, c inspector.AllocatorExplainer, snap *inspector.Snapshot, ix *inspector.Index, arg string, mq marathonQueue) *explainResult {
	res := &explainResult{arg: arg, q: resolveWhy(ix, arg)}
	queue := mq.items
	if mq.err != nil {
		res.note = "marathon: " + mq.err.Error()
	}
	e, err := inspector.ExplainWith(ctx, c, snap, res.q, queue)
	if err != nil {
		// The exact half failed (an old mesoscope, a bundle that saved the
		// cycles instead of this framework's explanation): answer best-effort.
		e2, err2 := inspector.Explain(snap, res.q, queue)
		if err2 != nil {
			res.err = errors.Join(err, err2).Error()
			return res
		}
		if !errors.Is(err, inspector.ErrNotSupported) {
			res.note = strings.TrimPrefix(res.note+"; ", "; ") + "exact half unavailable (" + err.Error() + "), best-effort answer"
		}
		e = e2
	}
	res.e = e
	return res
}

func buildWhy(in *viewInput, p *page) *frame {
	f := newFrame(p, "Why "+p.arg)
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Why "+p.arg)
	}
	r := in.m.explain
	if r == nil || r.arg != p.arg {
		f.empty = "asking the explainer…"
		return f
	}
	if r.err != "" {
		f.empty = "explain: " + r.err
		return f
	}
	lines := textLines(inspector.DescribeExplanation(r.e))
	if len(lines) > 0 {
		lines[0] = tonedLine(lines[0].String(), toneAccent)
	}
	f.info = lines
	if r.note != "" {
		f.info = append(f.info, plain(""), tonedLine("note: "+r.note, toneWarn))
	}
	f.title = fmt.Sprintf("Why %s", r.e.Subject)
	return f
}
