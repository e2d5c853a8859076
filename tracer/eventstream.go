package tracer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
)

// FollowConfig configures Tracer.FollowMaster.
type FollowConfig struct {
	// Master is the master's base URL: "http://host:5050", or "host:5050".
	Master string
	// Client makes the SUBSCRIBE requests; nil means a client without a timeout (the
	// response is a stream that lasts as long as the subscription).
	Client *http.Client
	// MinBackoff and MaxBackoff bound the wait before reconnecting: it starts at
	// MinBackoff (default 100ms), doubles after every attempt that does not get as
	// far as SUBSCRIBED, up to MaxBackoff (default 10s), and starts over after one that
	// does.
	MinBackoff, MaxBackoff time.Duration
	// IdleTimeout is how long the stream may stay silent before the subscription is
	// given up and made again; 0 means three heartbeat intervals as SUBSCRIBED gives
	// them (the master sends a HEARTBEAT every 15 seconds by default), and 45 seconds
	// before SUBSCRIBED.
	IdleTimeout time.Duration
	// OnEvent, if set, is called after every event of the stream is handled, on the
	// goroutine running FollowMaster; it must not keep or change e. The command uses
	// it to report progress, tests to wait for events.
	OnEvent func(e *operator.Event)
	// Logger receives connection errors and undecodable events; nil discards them.
	Logger *slog.Logger
}

const (
	defaultMinBackoff = 100 * time.Millisecond
	defaultMaxBackoff = 10 * time.Second
	defaultIdle       = 45 * time.Second
	subscribeBody     = `{"type":"SUBSCRIBE"}`
)

// FollowMaster traces a Mesos master that does not trace itself, from the outside: it
// subscribes to the master's v1 operator API (POST /api/v1 {"type":"SUBSCRIBE"}, a
// RecordIO stream of JSON master::Event, src/master/master.cpp Master::subscribe) and
// turns the stream into spans exported through the Tracer's exporters:
//
//   - one span "task" per task, from TASK_ADDED (or its first sight, in SUBSCRIBED's
//     state or a TASK_UPDATED) to the TASK_UPDATED that makes it terminal, every
//     status update a span event named by its state (TASK_RUNNING), timed by the
//     status's timestamp;
//   - a zero-length span per AGENT_ADDED, AGENT_REMOVED, FRAMEWORK_ADDED,
//     FRAMEWORK_UPDATED and FRAMEWORK_REMOVED ("agent.added", ..., "framework.removed").
//
// It reconnects with exponential backoff whenever the stream breaks (or stays silent
// past IdleTimeout) and resumes without duplicating spans: a task already seen keeps
// its span, gets the status updates it missed from the new SUBSCRIBED state, and is
// ended there if it became terminal meanwhile; a task that started and ended while
// disconnected gets a span from its statuses. Tasks already terminal at the first
// SUBSCRIBED are history and get no span.
//
// FollowMaster returns when ctx is done, after ending the task spans still open (with
// mesoscope.outstanding true); call Shutdown (or Flush) afterwards to export them. It
// returns an error only for a bad Master URL.
func (t *Tracer) FollowMaster(ctx context.Context, cfg FollowConfig) error {
	u, err := operatorURL(cfg.Master)
	if err != nil {
		return err
	}
	f := newFollower(t, cfg)
	defer func() { f.closeAll(time.Now()) }()
	client := cfg.Client
	if client == nil {
		client = &http.Client{}
	}
	wait := f.minBackoff
	for {
		subscribed, err := f.subscribe(ctx, client, u)
		if ctx.Err() != nil {
			return nil
		}
		if subscribed {
			wait = f.minBackoff
		}
		f.log.Warn("tracer: operator event stream broke; reconnecting", "master", u, "err", err, "backoff", wait)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
		wait = nextBackoff(wait, f.maxBackoff)
	}
}

// nextBackoff doubles d, up to max.
func nextBackoff(d, max time.Duration) time.Duration {
	if d >= max/2 {
		return max
	}
	return 2 * d
}

// operatorURL returns the operator API endpoint of the master at base.
func operatorURL(base string) (string, error) {
	s := strings.TrimSpace(base)
	if s == "" {
		return "", errors.New("tracer: follow master: no master URL")
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("tracer: follow master %q: %w", base, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("tracer: follow master %q: want http://HOST:PORT", base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/api/v1"
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}

// follower is the state of FollowMaster across connections.
type follower struct {
	t          *Tracer
	cfg        FollowConfig
	log        *slog.Logger
	minBackoff time.Duration
	maxBackoff time.Duration
	idle       time.Duration
	tasks      map[taskKey]*followedTask
	done       map[taskKey]bool
	frameworks map[string]string // framework id → name
	subscribed int               // SUBSCRIBED events seen
}

type taskKey struct{ framework, task string }

// followedTask is an open task span.
type followedTask struct {
	span  trace.Span
	state mesos.TaskState
	last  float64 // timestamp of the newest status turned into an event
}

func newFollower(t *Tracer, cfg FollowConfig) *follower {
	f := &follower{
		t: t, cfg: cfg, log: cfg.Logger,
		minBackoff: cfg.MinBackoff, maxBackoff: cfg.MaxBackoff, idle: cfg.IdleTimeout,
		tasks: map[taskKey]*followedTask{}, done: map[taskKey]bool{}, frameworks: map[string]string{},
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.minBackoff <= 0 {
		f.minBackoff = defaultMinBackoff
	}
	if f.maxBackoff < f.minBackoff {
		f.maxBackoff = max(defaultMaxBackoff, f.minBackoff)
	}
	if f.idle <= 0 {
		f.idle = defaultIdle
	}
	return f
}

// subscribe makes one subscription and follows it until it breaks; it reports whether
// it got as far as SUBSCRIBED.
func (f *follower) subscribe(ctx context.Context, client *http.Client, u string) (bool, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(subscribeBody))
	if err != nil {
		return false, fmt.Errorf("tracer: follow %s: %w", u, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	idle := f.idle
	errIdle := fmt.Errorf("no event or heartbeat within %v", idle)
	watchdog := time.AfterFunc(idle, func() { cancel(errIdle) })
	defer watchdog.Stop()
	res, err := client.Do(req)
	if err != nil {
		return false, fmt.Errorf("tracer: follow %s: SUBSCRIBE: %w", u, errors.Join(err, context.Cause(ctx)))
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return false, fmt.Errorf("tracer: follow %s: SUBSCRIBE: %s: %s", u, res.Status, strings.TrimSpace(string(body)))
	}
	subscribed, err := f.consume(res.Body, func() { watchdog.Reset(f.idle) })
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause
	}
	return subscribed, fmt.Errorf("tracer: follow %s: %w", u, err)
}

// consume reads a SUBSCRIBE response's records and handles its events until the stream
// ends or breaks; alive is called after every record. It reports whether the stream
// got as far as SUBSCRIBED. Bad input never panics: an undecodable event is logged and
// skipped, a broken frame ends the stream.
func (f *follower) consume(body io.Reader, alive func()) (bool, error) {
	r := recordio.NewReader(body, 0)
	subscribed := false
	for {
		rec, err := r.ReadRecord()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the master closed the event stream")
			}
			return subscribed, err
		}
		if alive != nil {
			alive()
		}
		e, err := operator.DecodeEvent(rec)
		if err != nil {
			f.log.Warn("tracer: skipping an undecodable operator event", "err", err)
			continue
		}
		if !subscribed && e.Type != operator.EventSubscribed {
			return false, fmt.Errorf("first event is %s, want SUBSCRIBED", e.Type)
		}
		if e.Type == operator.EventSubscribed {
			subscribed = true
		}
		f.handle(e, time.Now())
		if f.cfg.OnEvent != nil {
			f.cfg.OnEvent(e)
		}
	}
}

// handle turns one event into spans; now is when it arrived.
func (f *follower) handle(e *operator.Event, now time.Time) {
	switch e.Type {
	case operator.EventSubscribed:
		if e.Subscribed != nil {
			f.resync(e.Subscribed, now)
		}
	case operator.EventTaskAdded:
		if e.TaskAdded != nil {
			t := &e.TaskAdded.Task
			if f.open(t, "TASK_ADDED", now) {
				f.catchUp(t, now)
			}
		}
	case operator.EventTaskUpdated:
		if u := e.TaskUpdated; u != nil {
			f.update(u, now)
		}
	case operator.EventAgentAdded:
		if e.AgentAdded != nil {
			a := &e.AgentAdded.Agent
			attrs := []attribute.KeyValue{attribute.String("mesos.hostname", a.AgentInfo.Hostname)}
			if a.AgentInfo.ID != nil {
				attrs = append(attrs, attribute.String(AttrAgentID, a.AgentInfo.ID.Value))
			}
			f.point("agent.added", now, attrs)
		}
	case operator.EventAgentRemoved:
		if e.AgentRemoved != nil {
			f.point("agent.removed", now, []attribute.KeyValue{attribute.String(AttrAgentID, e.AgentRemoved.AgentID.Value)})
		}
	case operator.EventFrameworkAdded, operator.EventFrameworkUpdated:
		fe := e.FrameworkAdded
		name := "framework.added"
		if e.Type == operator.EventFrameworkUpdated {
			fe, name = e.FrameworkUpdated, "framework.updated"
		}
		if fe != nil {
			fw := &fe.Framework
			id := f.noteFramework(&fw.FrameworkInfo)
			f.point(name, now, []attribute.KeyValue{
				attribute.String(AttrFrameworkID, id), attribute.String("mesos.framework_name", fw.FrameworkInfo.Name),
				attribute.Bool("mesos.framework_active", fw.Active), attribute.Bool("mesos.framework_connected", fw.Connected),
			})
		}
	case operator.EventFrameworkRemoved:
		if e.FrameworkRemoved != nil {
			info := &e.FrameworkRemoved.FrameworkInfo
			id := f.noteFramework(info)
			f.point("framework.removed", now, []attribute.KeyValue{
				attribute.String(AttrFrameworkID, id), attribute.String("mesos.framework_name", info.Name)})
		}
	}
}

func (f *follower) noteFramework(info *mesos.FrameworkInfo) string {
	if info.ID == nil {
		return ""
	}
	if len(f.frameworks) < maxOpenLifecycle || f.frameworks[info.ID.Value] != "" {
		f.frameworks[info.ID.Value] = info.Name
	}
	return info.ID.Value
}

// point exports a zero-length span for an operator event.
func (f *follower) point(name string, at time.Time, attrs []attribute.KeyValue) {
	_, span := f.t.otel.Start(context.Background(), name, trace.WithTimestamp(at), trace.WithAttributes(attrs...))
	span.End(trace.WithTimestamp(at))
	f.t.spans.Add(1)
}

// resync applies a SUBSCRIBED state: frameworks' names, tasks first seen, updates
// missed while disconnected, tasks that ended meanwhile.
func (f *follower) resync(s *operator.Subscribed, now time.Time) {
	f.subscribed++
	if s.HeartbeatIntervalSeconds != nil && f.cfg.IdleTimeout <= 0 {
		if hb := *s.HeartbeatIntervalSeconds; hb > 0 && hb < 86400 {
			f.idle = max(3*time.Duration(hb*float64(time.Second)), time.Second)
		}
	}
	st := s.GetState
	if st == nil {
		st = &operator.GetState{}
	}
	if fw := st.GetFrameworks; fw != nil {
		for _, list := range [][]operator.Framework{fw.Frameworks, fw.CompletedFrameworks} {
			for i := range list {
				f.noteFramework(&list[i].FrameworkInfo)
			}
		}
	}
	present := map[taskKey]bool{}
	done := map[taskKey]bool{}
	if gt := st.GetTasks; gt != nil {
		for _, list := range [][]mesos.Task{gt.PendingTasks, gt.Tasks, gt.UnreachableTasks, gt.CompletedTasks, gt.OrphanTasks} {
			for i := range list {
				t := &list[i]
				k := taskKey{t.FrameworkID.Value, t.TaskID.Value}
				if present[k] {
					continue
				}
				present[k] = true
				if f.done[k] || (t.State.IsTerminal() && f.subscribed == 1) {
					done[k] = true // already exported, or history: it ended before we looked
					continue
				}
				if f.tasks[k] == nil && !f.open(t, "SUBSCRIBED", now) {
					continue
				}
				f.catchUp(t, now)
				if t.State.IsTerminal() {
					done[k] = true
				}
			}
		}
	}
	// A task we follow that the master no longer reports is gone from its memory:
	// we cannot know how it ended.
	for k, ft := range f.tasks {
		if !present[k] {
			f.end(k, ft, now, true)
		}
	}
	// Only tasks the master still reports can come back in a later SUBSCRIBED.
	f.done = done
}

// open starts the span of a task seen for the first time (how says where); it reports
// false for a task already followed or already exported.
func (f *follower) open(t *mesos.Task, how string, now time.Time) bool {
	k := taskKey{t.FrameworkID.Value, t.TaskID.Value}
	if f.tasks[k] != nil || f.done[k] || len(f.tasks) >= maxOpenLifecycle {
		return false
	}
	start := now
	for _, s := range t.Statuses {
		if at, ok := statusTime(s.Timestamp); ok && at.Before(start) {
			start = at
		}
	}
	attrs := []attribute.KeyValue{
		attribute.String(AttrTaskID, t.TaskID.Value), attribute.String(AttrFrameworkID, t.FrameworkID.Value),
		attribute.String(AttrAgentID, t.AgentID.Value), attribute.String("mesos.task_name", t.Name),
		attribute.String("mesoscope.first_seen", how),
	}
	if name := f.frameworks[t.FrameworkID.Value]; name != "" {
		attrs = append(attrs, attribute.String("mesos.framework_name", name))
	}
	if t.ExecutorID != nil {
		attrs = append(attrs, attribute.String("mesos.executor_id", t.ExecutorID.Value))
	}
	_, span := f.t.otel.Start(context.Background(), "task", trace.WithTimestamp(start), trace.WithAttributes(attrs...))
	f.tasks[k] = &followedTask{span: span, state: -1, last: math.Inf(-1)}
	return true
}

// catchUp adds the task's statuses not yet events (all of them for a task just opened;
// those newer than the last one seen for a task followed across a reconnection), the
// task's state when no status says it, and ends the span if the task is terminal.
func (f *follower) catchUp(t *mesos.Task, now time.Time) {
	k := taskKey{t.FrameworkID.Value, t.TaskID.Value}
	ft := f.tasks[k]
	if ft == nil {
		return
	}
	for i := range t.Statuses {
		s := &t.Statuses[i]
		if s.Timestamp > ft.last { // all of them when ft.last is -Inf (just opened)
			f.statusEvent(ft, s, now)
		}
	}
	if ft.state != t.State {
		ft.span.AddEvent(t.State.String(), trace.WithTimestamp(now),
			trace.WithAttributes(attribute.String(AttrTaskState, t.State.String())))
		ft.state = t.State
	}
	if t.State.IsTerminal() {
		at := now
		if n := len(t.Statuses); n > 0 {
			if st, ok := statusTime(t.Statuses[n-1].Timestamp); ok {
				at = st
			}
		}
		f.end(k, ft, at, false)
	}
}

// update handles TASK_UPDATED: an event on the task's span (opened if the task is new
// to us), ended when the task's latest state or the update is terminal.
func (f *follower) update(u *operator.TaskUpdated, now time.Time) {
	k := taskKey{u.FrameworkID.Value, u.Status.TaskID.Value}
	if f.done[k] {
		return
	}
	ft := f.tasks[k]
	if ft == nil {
		t := &mesos.Task{TaskID: u.Status.TaskID, FrameworkID: u.FrameworkID}
		if u.Status.AgentID != nil {
			t.AgentID = *u.Status.AgentID
		}
		if !f.open(t, "TASK_UPDATED", now) {
			return
		}
		ft = f.tasks[k]
	}
	f.statusEvent(ft, &u.Status, now)
	ft.state = u.State
	if u.State.IsTerminal() || u.Status.State.IsTerminal() {
		at, ok := statusTime(u.Status.Timestamp)
		if !ok {
			at = now
		}
		f.end(k, ft, at, false)
	}
}

// statusEvent adds a status update as an event named by its state.
func (f *follower) statusEvent(ft *followedTask, s *mesos.TaskStatus, now time.Time) {
	at, ok := statusTime(s.Timestamp)
	if !ok {
		at = now
	}
	attrs := []attribute.KeyValue{attribute.String(AttrTaskState, s.State.String())}
	if s.Reason != nil {
		attrs = append(attrs, attribute.String(AttrReason, s.Reason.String()))
	}
	if s.Source != nil {
		attrs = append(attrs, attribute.String("mesos.source", s.Source.String()))
	}
	if s.Message != "" {
		attrs = append(attrs, attribute.String("mesos.message", s.Message))
	}
	if s.AgentID != nil {
		attrs = append(attrs, attribute.String(AttrAgentID, s.AgentID.Value))
	}
	if s.Healthy != nil {
		attrs = append(attrs, attribute.Bool("mesos.healthy", *s.Healthy))
	}
	ft.span.AddEvent(s.State.String(), trace.WithTimestamp(at), trace.WithAttributes(attrs...))
	ft.state = s.State
	if s.Timestamp > ft.last {
		ft.last = s.Timestamp
	}
}

// end ends a task span at at.
func (f *follower) end(k taskKey, ft *followedTask, at time.Time, outstanding bool) {
	delete(f.tasks, k)
	f.done[k] = true
	if ft.state >= 0 {
		ft.span.SetAttributes(attribute.String(AttrTaskState, ft.state.String()))
	}
	if outstanding {
		ft.span.SetAttributes(attribute.Bool(AttrOutstanding, true))
	}
	ft.span.End(trace.WithTimestamp(at))
	f.t.spans.Add(1)
}

// closeAll ends the spans still open (FollowMaster is returning).
func (f *follower) closeAll(now time.Time) {
	for k, ft := range f.tasks {
		f.end(k, ft, now, true)
	}
}

// statusTime converts a TaskStatus timestamp (seconds since the epoch, as a double).
func statusTime(ts float64) (time.Time, bool) {
	if !(ts > 0) || ts > 1e11 { // 0, negative, NaN, or past the year 5000
		return time.Time{}, false
	}
	sec, frac := math.Modf(ts)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}
