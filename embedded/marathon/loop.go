package marathon

import (
	"context"
	"log/slog"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// handle forwards an event to the loop (it runs on the client's goroutine).
func (m *Marathon) handle(ctx context.Context, ev *scheduler.Event) {
	select {
	case m.events <- ev:
	case <-ctx.Done():
	}
}

// launchFailed reports a refused ACCEPT to the loop.
func (m *Marathon) launchFailed(ids []string) {
	_ = m.do(context.Background(), func(c *core, now time.Time) { c.launchFailed(now, ids) })
}

// do runs f on the loop with the core and the current time, and waits.
func (m *Marathon) do(ctx context.Context, f func(c *core, now time.Time)) error {
	done := make(chan struct{})
	req := func(now time.Time) {
		defer close(done)
		f(m.core, now)
	}
	m.mu.Lock()
	running := m.started && !m.stopped
	m.mu.Unlock()
	if !running {
		return ErrStopped
	}
	select {
	case m.reqs <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-m.stoppedCh():
		return ErrStopped
	}
	<-done
	return nil
}

// stoppedCh is closed once the loop has ended.
func (m *Marathon) stoppedCh() <-chan struct{} { return m.loopDone }

// loop owns the core: it applies events, requests and ticks, hands the
// resulting actions to the call workers and saves the state.
func (m *Marathon) loop(ctx context.Context) {
	defer close(m.loopDone)
	var timer interface{ Stop() bool }
	lastSave := time.Time{}
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			m.save(m.cfg.Clock.Now())
			return
		case ev := <-m.events:
			m.event(m.cfg.Clock.Now(), ev)
		case req := <-m.reqs:
			req(m.cfg.Clock.Now())
		case <-m.wake:
			m.wakeAt = time.Time{}
			m.core.tick(m.cfg.Clock.Now())
		}
		now := m.cfg.Clock.Now()
		c := m.core
		if c.launched || c.dirty && now.Sub(lastSave) >= saveInterval {
			m.save(now)
			lastSave = now
		}
		for _, a := range c.takeActions() {
			switch a.(type) {
			case ReviveAction, SuppressAction, ReconcileAction:
				m.ctrl.push(a)
			case LaunchAction, DeclineAction:
				m.offers.push(a)
			case AckAction:
				m.acks.push(a)
			default:
				m.calls.push(a)
			}
		}
		next := c.nextWakeup(now)
		if c.dirty && m.cfg.Store != nil {
			if at := lastSave.Add(saveInterval); next.IsZero() || at.Before(next) {
				next = at
			}
		}
		if !next.IsZero() && (m.wakeAt.IsZero() || next.Before(m.wakeAt)) {
			if timer != nil {
				timer.Stop()
			}
			m.wakeAt = next
			timer = m.cfg.Clock.AfterFunc(max(0, next.Sub(now)), func() {
				select {
				case m.wake <- struct{}{}:
				default:
				}
			})
		}
	}
}

// save writes the state to the store.
func (m *Marathon) save(now time.Time) {
	c := m.core
	c.launched = false
	if m.cfg.Store == nil || !c.dirty && c.frameworkID == "" {
		c.dirty = false
		return
	}
	data, err := c.save(now)
	if err == nil {
		err = m.cfg.Store.Save(data)
	}
	if err != nil {
		m.log.Error("saving state failed", keyErr, err)
		return
	}
	c.dirty = false
}

// event applies one scheduler event.
func (m *Marathon) event(now time.Time, ev *scheduler.Event) {
	c := m.core
	switch ev.Type {
	case scheduler.EventSubscribed:
		if ev.Subscribed == nil {
			return
		}
		id := ev.Subscribed.FrameworkID.Value
		m.log.Info("subscribed", keyFramework, id)
		m.mu.Lock()
		m.fwID = id
		m.mu.Unlock()
		c.subscribedTo(now, id)
	case scheduler.EventOffers:
		if ev.Offers != nil {
			m.log.Debug("offers", "count", len(ev.Offers.Offers))
			c.offers(now, ev.Offers.Offers)
		}
	case scheduler.EventUpdate:
		if ev.Update != nil {
			st := &ev.Update.Status
			if m.log.Enabled(context.Background(), slog.LevelDebug) {
				reason := ""
				if st.Reason != nil {
					reason = st.Reason.String()
				}
				m.log.Debug("status update", "task_id", st.TaskID.Value, "state", st.State.String(), "reason", reason, "message", st.Message)
			}
			c.update(now, *st)
		}
	case scheduler.EventFailure, scheduler.EventRescind, scheduler.EventHeartbeat, scheduler.EventMessage:
		// Rescinded offers are not held; executor failures come with task
		// updates; heartbeats are the client's.
	case scheduler.EventError:
		c.disconnected()
	}
}
