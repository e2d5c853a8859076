package schedclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// Run subscribes with the master and calls handle with every event of the
// subscription stream, HEARTBEATs included, sequentially on Run's
// goroutine and in stream order; each *Event is handle's to keep. handle
// gets ctx, so calls it makes end with Run. When SUBSCRIBED reaches
// handle, FrameworkID and Call are already usable.
//
// When the stream ends, breaks, or is silent for MissedHeartbeats
// heartbeat intervals, Run waits a backoff and subscribes again with the
// FrameworkID (failover), starting from Config.Master and following 307s
// to the leader; 503, 404 and 5xx answers and network errors are retried
// the same way.
//
// Run returns:
//   - ctx.Err() once ctx is done (the stream is closed first);
//   - a *MasterError after handing an ERROR event to handle;
//   - a *CallError for a SUBSCRIBE answered with a 4xx other than 404, 408
//     and 429 (e.g. 400 for an invalid FrameworkInfo, 401);
//   - an error wrapping ErrBadEvent or recordio.ErrRecordTooLarge for an
//     event it cannot read;
//   - nil after a TEARDOWN call was answered 202;
//   - ErrRunning if another Run of c is in progress, ErrTornDown after a
//     teardown.
//
// Run may be called again after it returns (the framework ID is kept).
func (c *Client) Run(ctx context.Context, handle func(context.Context, *scheduler.Event)) error {
	if handle == nil {
		return errors.New("schedclient: run: nil handler")
	}
	if !c.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer c.running.Store(false)
	if c.closeIdle != nil {
		defer c.closeIdle()
	}
	c.mu.Lock()
	tornDown := c.tornDown
	c.mu.Unlock()
	if tornDown {
		return ErrTornDown
	}
	for attempt := 0; ; attempt++ {
		subscribed, fatal, err := c.session(ctx, handle)
		c.endSubscription()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if c.awaitTeardown(ctx) {
			c.log.Info("schedclient: framework torn down")
			return nil
		}
		if fatal {
			return err
		}
		if subscribed {
			attempt = 0
		}
		d := backoff(attempt, c.backoffInitial, c.backoffMax, c.rand)
		c.log.Warn("schedclient: no subscription; subscribing again", keyErr, err, keyDelay, d)
		if err := sleep(ctx, c.clock, d); err != nil {
			return err
		}
	}
}

// session makes one subscription: SUBSCRIBE, then events until the stream
// ends. It reports whether SUBSCRIBED arrived, and whether err ends Run.
func (c *Client) session(ctx context.Context, handle func(context.Context, *scheduler.Event)) (subscribed, fatal bool, err error) {
	streamCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// The watchdog covers the wait for the response and for each event;
	// until SUBSCRIBED says otherwise, the interval is the master default.
	timeout := silence(DefaultHeartbeatInterval, c.missed)
	watchdog := c.clock.AfterFunc(timeout, func() { cancel(ErrHeartbeatTimeout) })
	defer watchdog.Stop()
	silent := func(err error) error {
		if context.Cause(streamCtx) == ErrHeartbeatTimeout && ctx.Err() == nil {
			return fmt.Errorf("schedclient: event stream: nothing for %v: %w", timeout, ErrHeartbeatTimeout)
		}
		return err
	}

	resp, u, fatal, err := c.subscribe(streamCtx)
	if err != nil {
		return false, fatal, silent(err)
	}
	defer resp.Body.Close()
	streamID := resp.Header.Get(headerStreamID)
	if streamID == "" {
		return false, false, fmt.Errorf("schedclient: subscribe at %s: response has no %s header", u.Redacted(), headerStreamID)
	}
	events := NewEventReader(resp.Body, c.maxEventSize)
	for {
		ev, err := events.Read()
		if err != nil {
			if err == io.EOF {
				return subscribed, false, fmt.Errorf("schedclient: event stream: master closed it: %w", err)
			}
			fatal := errors.Is(err, ErrBadEvent) || errors.Is(err, recordio.ErrRecordTooLarge)
			return subscribed, fatal, silent(err)
		}
		watchdog.Stop() // time in handle is not the master's silence
		switch {
		case ev.Type == scheduler.EventError:
			handle(ctx, ev)
			msg := ""
			if ev.Error != nil {
				msg = ev.Error.Message
			}
			return subscribed, true, &MasterError{Message: msg}
		case ev.Type == scheduler.EventSubscribed:
			if ev.Subscribed == nil || ev.Subscribed.FrameworkID.Value == "" {
				return subscribed, false, errors.New("schedclient: event stream: SUBSCRIBED without framework_id")
			}
			timeout = silence(heartbeatInterval(ev.Subscribed), c.missed)
			c.beginSubscription(ev.Subscribed.FrameworkID.Value, streamID, u)
			subscribed = true
		case !subscribed:
			return false, false, fmt.Errorf("schedclient: event stream: first event is %s, want SUBSCRIBED", ev.Type)
		}
		if ev.Type == scheduler.EventUpdate && ev.Update != nil && c.suppressRetry(ctx, &ev.Update.Status) {
			watchdog.Reset(timeout)
			continue
		}
		handle(ctx, ev)
		if c.autoAck && ev.Type == scheduler.EventUpdate && ev.Update != nil {
			c.autoAcknowledge(ctx, &ev.Update.Status)
		}
		if ctx.Err() != nil {
			return subscribed, false, ctx.Err()
		}
		watchdog.Reset(timeout)
	}
}

// heartbeatInterval returns SUBSCRIBED's heartbeat_interval_seconds, or
// the master default if it is unset or not positive.
func heartbeatInterval(s *scheduler.Subscribed) time.Duration {
	if s.HeartbeatIntervalSeconds == nil {
		return DefaultHeartbeatInterval
	}
	v := *s.HeartbeatIntervalSeconds
	if !(v > 0) {
		return DefaultHeartbeatInterval
	}
	if v >= float64(maxDuration/time.Second) {
		return maxDuration
	}
	return time.Duration(v * float64(time.Second))
}

// maxDuration is the longest time.Duration.
const maxDuration = time.Duration(1<<63 - 1)

// silence returns how long the stream may be silent: missed intervals,
// saturating rather than overflowing.
func silence(interval time.Duration, missed int) time.Duration {
	if interval > maxDuration/time.Duration(missed) {
		return maxDuration
	}
	return interval * time.Duration(missed)
}

// autoAcknowledge acknowledges an update carrying a uuid (Config.AutoAck).
func (c *Client) autoAcknowledge(ctx context.Context, s *mesos.TaskStatus) {
	if len(s.UUID) == 0 {
		return // not retried by the master, so must not be acknowledged
	}
	if err := c.Acknowledge(ctx, s); err != nil {
		c.log.Warn("schedclient: acknowledge", keyTask, s.TaskID.Value, keyErr, err)
	}
}

// beginSubscription records a SUBSCRIBED.
func (c *Client) beginSubscription(frameworkID, streamID string, u *url.URL) {
	c.mu.Lock()
	c.frameworkID = frameworkID
	c.sub = &subscription{streamID: streamID, url: u}
	c.mu.Unlock()
	c.log.Info("schedclient: subscribed", keyFramework, frameworkID, keyStream, streamID, keyMaster, u.Redacted())
}

// endSubscription forgets the stream: calls fail until the next one.
func (c *Client) endSubscription() {
	c.mu.Lock()
	c.sub = nil
	c.mu.Unlock()
}

// awaitTeardown waits for a TEARDOWN call in flight (the master closes
// the stream before it answers) and reports whether the framework is torn
// down.
func (c *Client) awaitTeardown(ctx context.Context) bool {
	c.mu.Lock()
	inflight := c.teardown
	c.mu.Unlock()
	if inflight != nil {
		select {
		case <-inflight:
		case <-ctx.Done():
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tornDown
}
