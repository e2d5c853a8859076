package tui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mesoscope/mesoscope/inspector"
)

// Backoff bounds for reconnecting, like k9s's retries: 1 s doubling to 30 s.
const (
	minBackoff = time.Second
	maxBackoff = 30 * time.Second
	// minPollGap spaces reads that the event stream triggers.
	minPollGap = 500 * time.Millisecond
	// historyLen is how many reads the sparklines remember.
	historyLen = 120
	// spanLimit is how many of the newest spans one read asks for.
	spanLimit = 1000
	// containerSpanLimit is how many of the newest container spans one read asks for.
	containerSpanLimit = 2000
	// cycleLimit is how many allocation cycles one read asks for.
	cycleLimit = 16
)

// backoff is the wait after the n-th failure in a row (n ≥ 1).
func backoff(n int) time.Duration {
	d := minBackoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// worker reads the master off the UI goroutine: a poller that takes a
// snapshot every refresh interval (and what the page on screen needs), and a
// stream reader that follows the operator event stream and pokes the poller
// when something changed.
type worker struct {
	c        *inspector.Client
	hub      *hub
	log      *slog.Logger
	refresh  time.Duration
	now      func() time.Time
	marathon string
	// agentsAlways reads agents on every poll (Config.Agents).
	agentsAlways bool
}

// poll runs until ctx is done.
func (w *worker) poll(ctx context.Context) {
	var prev *model
	failures := 0
	for {
		n := w.hub.needs()
		m, err := w.read(ctx, prev, n)
		if ctx.Err() != nil {
			return
		}
		delay := w.refresh
		if err != nil {
			failures++
			delay = backoff(failures)
			w.log.Debug("read failed", "err", err, "attempt", failures, "retry_in", delay)
			m = failedModel(prev, w.c.Master(), err, failures, w.now().Add(delay))
		} else {
			failures = 0
		}
		w.hub.publish(m)
		prev = m
		if !w.wait(ctx, delay) {
			return
		}
	}
}

// wait waits out delay before the next read, cut short by a poke (at once)
// or by a nudge from the event stream (at least minPollGap after this read,
// so a busy stream costs at most two reads a second). It reports false when
// ctx is done.
func (w *worker) wait(ctx context.Context, delay time.Duration) bool {
	t := time.NewTimer(delay)
	defer t.Stop()
	var gap <-chan time.Time
	nudge := w.hub.nudge
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case <-w.hub.poke:
			return true
		case <-gap:
			return true
		case <-nudge:
			nudge = nil
			g := time.NewTimer(minPollGap)
			defer g.Stop()
			gap = g.C
		}
	}
}

// failedModel keeps the last good data and marks the connection as retrying.
func failedModel(prev *model, master string, err error, attempt int, retryAt time.Time) *model {
	m := &model{}
	if prev != nil {
		c := *prev
		m = &c
	}
	m.conn.phase = connRetrying
	if prev == nil || prev.conn.lastOK.IsZero() {
		m.conn.phase = connConnecting
		if attempt > 1 {
			m.conn.phase = connRetrying
		}
	}
	m.conn.master = master
	m.conn.err = err.Error()
	if errors.Is(err, inspector.ErrUnauthorized) {
		m.conn.err = "authentication failed (start mesoscope tui with --principal and --secret, or --credentials): " + err.Error()
	}
	m.conn.attempt = attempt
	m.conn.retryAt = retryAt
	return m
}

// read takes one snapshot and whatever n asks for, carrying history over from
// prev.
func (w *worker) read(ctx context.Context, prev *model, n needs) (*model, error) {
	// Marathon's queue before the master's snapshot: an offer Marathon has
	// processed then comes from an agent the snapshot lists.
	var mq marathonQueue
	if n.explain != "" && w.marathon != "" {
		mq.items, mq.err = w.c.MarathonQueue(ctx, w.marathon)
	}
	snap, err := w.c.Snapshot(ctx, inspector.SnapshotOptions{Agents: n.agents || w.agentsAlways})
	if err != nil {
		return nil, err
	}
	m := &model{snap: snap, ix: inspector.NewIndex(snap), agentsRead: n.agents || w.agentsAlways}
	m.now = snap.TakenAt
	if m.now.IsZero() {
		m.now = w.now()
	}
	m.conn = connState{phase: connConnected, master: snap.Source, lastOK: m.now, took: snap.Took}
	m.history = nextHistory(prev, snap, m.now)
	m.offerSeen = make(map[string]time.Time, len(snap.Offers))
	for _, o := range snap.Offers {
		seen := m.now
		if prev != nil {
			if t, ok := prev.offerSeen[o.ID]; ok {
				seen = t
			}
		}
		m.offerSeen[o.ID] = seen
	}
	m.actorRates = actorRates(prev, snap, m.now)
	if snap.Mesoscope && n.cycles {
		if data, err := w.c.Mesoscope(ctx, fmt.Sprintf("%s?limit=%d", inspector.MesoscopeAllocator, cycleLimit)); err != nil {
			m.cyclesErr = err.Error()
		} else if m.cycles, err = decodeCycles(data); err != nil {
			m.cyclesErr = err.Error()
		}
	}
	if snap.Mesoscope && n.spans {
		if data, err := w.c.Mesoscope(ctx, fmt.Sprintf("%s?limit=%d", inspector.MesoscopeSpans, spanLimit)); err != nil {
			m.spansErr = err.Error()
		} else if m.spans, m.spanTotal, err = decodeSpans(data); err != nil {
			m.spansErr = err.Error()
		}
		m.traces = groupTraces(m.spans)
		m.timelines = containerTimelines(m.spans)
		// The newest spans cover a few seconds of a busy cluster; the containers'
		// own spans (and the containerizer's dispatches carrying their state events)
		// reach further back, so a long-running container keeps its timeline.
		if data, err := w.c.Mesoscope(ctx, fmt.Sprintf("%s?limit=%d&name_prefix=container&name_prefix=mesos-containerizer",
			inspector.MesoscopeSpans, containerSpanLimit)); err == nil {
			if cs, _, err := decodeSpans(data); err == nil {
				m.timelines = mergeTimelines(containerTimelines(cs), m.timelines, m.now)
			}
		}
	}
	if prev != nil {
		m.timelines = mergeTimelines(prev.timelines, m.timelines, m.now)
	}
	if n.explain != "" {
		m.explain = explain(ctx, w.c, snap, m.ix, n.explain, mq)
	}
	w.log.Debug("read the master", "snapshot", snap.Took, "total", w.now().Sub(m.now), "agents", m.agentsRead,
		"spans", len(m.spans), "cycles", len(m.cycles), "explain", n.explain != "")
	return m, nil
}

// nextHistory appends one sample to the sparkline history.
func nextHistory(prev *model, snap *inspector.Snapshot, now time.Time) []sample {
	var h []sample
	if prev != nil {
		h = prev.history
	}
	c := snap.Cluster
	s := sample{
		at: now, cpus: c.Used.CPUs, mem: c.Used.Mem, disk: c.Used.Disk, gpus: c.Used.GPUs,
		tcpus: c.Total.CPUs, tmem: c.Total.Mem, tdisk: c.Total.Disk, tgpu: c.Total.GPUs,
		running: c.TaskCounts["TASK_RUNNING"], staging: c.TaskCounts["TASK_STAGING"], failed: c.TaskCounts["TASK_FAILED"],
		offers: len(snap.Offers),
	}
	s.allocMS, _ = snap.Metrics.Get("allocator/mesos/allocation_run_ms")
	for _, q := range []string{"master/event_queue_messages", "master/event_queue_dispatches", "master/event_queue_http_requests"} {
		s.queue += snap.Metrics.Value(q)
	}
	// Copy rather than append in place: the previous model shares h.
	start := max(0, len(h)+1-historyLen)
	out := make([]sample, 0, historyLen)
	out = append(out, h[start:]...)
	return append(out, s)
}

// actorRates computes dispatch rate and mean handler time per actor from the
// change in mesoscope's handled counts and busy time since the previous read.
func actorRates(prev *model, snap *inspector.Snapshot, now time.Time) map[string]actorRate {
	if prev == nil || prev.snap == nil || !snap.Mesoscope {
		return nil
	}
	dt := now.Sub(prev.now).Seconds()
	if dt <= 0 {
		return nil
	}
	before := make(map[string]*inspector.Actor, len(prev.snap.Actors))
	for i := range prev.snap.Actors {
		before[prev.snap.Actors[i].ID] = &prev.snap.Actors[i]
	}
	out := make(map[string]actorRate, len(snap.Actors))
	for _, a := range snap.Actors {
		b, ok := before[a.ID]
		if !ok || a.Handled == nil {
			continue
		}
		var h1, h0 uint64
		for _, v := range a.Handled {
			h1 += v
		}
		for _, v := range b.Handled {
			h0 += v
		}
		if h1 < h0 {
			continue // restarted
		}
		r := actorRate{perSec: float64(h1-h0) / dt, known: true}
		if dh := h1 - h0; dh > 0 && a.Busy >= b.Busy {
			r.latency = (a.Busy - b.Busy) / time.Duration(dh)
		}
		out[a.ID] = r
	}
	return out
}

// stream follows the operator event stream until ctx is done, resubscribing
// with backoff. A master without the v1 operator API (or a bundle) is noted
// once and not asked again.
func (w *worker) stream(ctx context.Context) {
	failures := 0
	for {
		w.hub.setStream(streamSubscribing, "")
		s, err := w.c.Subscribe(ctx)
		if ctx.Err() != nil {
			if s != nil {
				s.Close()
			}
			return
		}
		if err != nil {
			if errors.Is(err, inspector.ErrNotMesos) || errors.Is(err, inspector.ErrNotSupported) || errors.Is(err, inspector.ErrUnauthorized) {
				w.hub.setStream(streamUnsupported, err.Error())
				return
			}
			failures++
			d := backoff(failures)
			w.hub.setStream(streamRetrying, err.Error())
			w.log.Debug("subscribe failed", "err", err, "retry_in", d)
			if !sleep(ctx, d) {
				return
			}
			continue
		}
		w.hub.setStream(streamSubscribed, "")
		for {
			e, err := s.Next()
			if err != nil {
				s.Close()
				if ctx.Err() != nil {
					return
				}
				failures++
				w.hub.setStream(streamRetrying, err.Error())
				break
			}
			failures = 0
			if e.Type == inspector.EventHeartbeat {
				continue
			}
			if e.State != nil {
				// SUBSCRIBED carries the whole state: keep its counts only.
				st := *e.State
				e.State = &inspector.State{Cluster: st.Cluster}
			}
			w.hub.addEvent(streamEvent{at: w.now(), ev: e})
			if e.Type != inspector.EventSubscribed {
				signal(w.hub.nudge)
			}
		}
		if !sleep(ctx, backoff(failures)) {
			return
		}
	}
}

// sleep waits d or until ctx is done, reporting whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
