package tui

import (
	"context"
	"fmt"
)

// renderer prepares frames off the UI goroutine: whenever the hub signals a
// new model, event or page, it builds the page on screen from the latest of
// each and hands the frame to post, which swaps it in on the UI goroutine.
type renderer struct {
	hub       *hub
	reg       *registry
	readWrite bool
}

// build prepares the frame for the page on screen.
func (r *renderer) build() *frame {
	m, p, evs, st := r.hub.input()
	return r.buildFor(m, p, evs, st)
}

// buildFor prepares the frame of page p from a model and the stream.
func (r *renderer) buildFor(m *model, p page, evs []streamEvent, st streamState) *frame {
	in := &viewInput{m: m, reg: r.reg, events: evs, stream: st, readWrite: r.readWrite, fc: newFmtCache()}
	if in.m == nil {
		in.m = &model{}
	}
	var f *frame
	func() {
		// A view that trips over data it did not expect shows the error
		// instead of taking the terminal down with it.
		defer func() {
			if v := recover(); v != nil {
				f = &frame{title: r.reg.def(p.view).title, empty: fmt.Sprintf("tui: render %s: %v", r.reg.def(p.view).name, v)}
			}
		}()
		f = r.reg.def(p.view).build(in, &p)
	}()
	f.pageID = p.id
	f.status = statusOf(m, st)
	return f
}

// run builds a frame per signal until ctx is done. post returns false when the
// UI is gone.
func (r *renderer) run(ctx context.Context, post func(*frame) bool) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.hub.wake:
		}
		if ctx.Err() != nil {
			return
		}
		if !post(r.build()) {
			return
		}
	}
}
