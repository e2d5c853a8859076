package marathon

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// Errors of the core's operations; the REST layer maps them to Marathon's
// status codes.
var (
	// ErrAppNotFound: 404 "App '/x' does not exist".
	ErrAppNotFound = errors.New("marathon: app does not exist")
	// ErrAppExists: 409 on POST of an existing id.
	ErrAppExists = errors.New("marathon: app already exists")
	// ErrTaskNotFound: 404 for an unknown task id.
	ErrTaskNotFound = errors.New("marathon: task does not exist")
	// ErrDeploymentNotFound: 404 for an unknown deployment id.
	ErrDeploymentNotFound = errors.New("marathon: deployment does not exist")
	// ErrNoDelay: 404 from DELETE /v2/queue/{app}/delay for an app that is not
	// in the launch queue (a *notQueuedError).
	ErrNoDelay = errors.New("marathon: not in the launch queue")
)

// ConflictError is a change to an app that a running deployment holds
// (409): Marathon's "App is locked by one or more deployments".
type ConflictError struct {
	App         string
	Deployments []string
}

// Error names the app and the deployments.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("marathon: app %s is locked by deployments %v: override with ?force=true", e.App, e.Deployments)
}

// core is the scheduler's decision logic: apps, instances, the launch
// queue and its statistics, backoff, deployments, suppress/revive and
// reconciliation. It does no I/O, starts no goroutines and reads no
// clock: every input carries the time, and what should be sent to the
// master comes out as Actions (takeActions). One goroutine owns it.
type core struct {
	cfg Config
	rng *rand.Rand // offer order, host ports
	ids *rand.Rand // task, instance and deployment ids

	apps      map[string]*App
	deleted   map[string]bool // apps being stopped (not listed)
	instances map[string]*Instance
	byApp     map[string]map[string]*Instance
	byTask    map[string]*Instance
	limiter   *RateLimiter
	stats     map[string]*OfferStats
	failures  map[string]*TaskFailure
	delayed   map[string]bool // app was delayed at the last tick
	ports     map[int]string  // service port → app

	// Indexes kept by setCond, addInstance and removeInstance so that
	// offers and settling cost per app, not per instance: the number of
	// scheduled instances per app and a FIFO of them (stale entries are
	// skipped), the apps whose instances changed since the last settle,
	// and the instances a timer may concern (launched without a status
	// yet, or being killed).
	schedN  map[string]int
	schedQ  map[string][]schedEntry
	seq     uint64
	touched map[string]bool
	watch   map[string]*Instance
	// placedCache holds each app's placed sites until its instances change.
	placedCache map[string][]*Site

	deployments []*deployment

	frameworkID string
	subscribed  bool
	rev         *reviver
	reconcileAt time.Time

	actions []Action
	// dirty: state changed since the last save; launched: instances were
	// launched, so the state must be saved before the ACCEPTs go out.
	dirty, launched bool

	// Counters for the shell's metrics and the benchmark.
	offersProcessed, offersDeclined, tasksLaunched int
	updates, reconcileUpdates, reconciliations     int
}

// newCore returns an empty core; cfg must be normalized.
func newCore(cfg Config) *core {
	return &core{
		cfg:         cfg,
		rng:         rand.New(rand.NewPCG(cfg.Seed, 0x6d61726174686f6e)),
		ids:         rand.New(rand.NewPCG(cfg.Seed, 0x696473)),
		apps:        map[string]*App{},
		deleted:     map[string]bool{},
		instances:   map[string]*Instance{},
		byApp:       map[string]map[string]*Instance{},
		byTask:      map[string]*Instance{},
		limiter:     NewRateLimiter(),
		stats:       map[string]*OfferStats{},
		failures:    map[string]*TaskFailure{},
		delayed:     map[string]bool{},
		ports:       map[int]string{},
		schedN:      map[string]int{},
		schedQ:      map[string][]schedEntry{},
		touched:     map[string]bool{},
		watch:       map[string]*Instance{},
		placedCache: map[string][]*Site{},
		rev:         newReviver(cfg.MinReviveOffersInterval, !cfg.DisableSuppressOffers),
	}
}

// takeActions returns and clears the pending actions.
func (c *core) takeActions() []Action {
	a := c.actions
	c.actions = nil
	return a
}

func (c *core) emit(a Action) { c.actions = append(c.actions, a) }

// uuid returns a random (version 4 layout) UUID from the core's source.
func (c *core) uuid() string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := c.ids.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// roles are the framework's roles (MULTI_ROLE).
func (c *core) roles() []string { return c.cfg.Roles }

// appOf returns the definition of an instance's app, deleted or not.
func (c *core) appOf(id string) *App { return c.apps[id] }

// appInstances returns app's instances sorted by id.
func (c *core) appInstances(id string) []*Instance {
	m := c.byApp[id]
	out := make([]*Instance, 0, len(m))
	for _, i := range m {
		out = append(out, i)
	}
	slices.SortFunc(out, func(a, b *Instance) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// scheduledCount counts app's instances waiting for an offer.
func (c *core) scheduledCount(id string) int { return c.schedN[id] }

// schedEntry is one place in an app's FIFO of scheduled instances; it is
// stale once the instance left Scheduled (seq no longer matches).
type schedEntry struct {
	inst *Instance
	seq  uint64
}

// setCond moves an instance to cond at now, keeping the indexes.
func (c *core) setCond(i *Instance, cond Condition, now time.Time) {
	old := i.Cond
	if old == Scheduled && cond != Scheduled {
		c.schedN[i.AppID]--
	}
	if cond == Scheduled && (old != Scheduled || i.schedSeq == 0) {
		c.schedN[i.AppID]++
		c.seq++
		i.schedSeq = c.seq
		c.schedQ[i.AppID] = append(c.schedQ[i.AppID], schedEntry{i, c.seq})
	}
	if cond != old {
		i.Since = now
	}
	i.Cond = cond
	c.touch(i.AppID)
	c.dirty = true
	c.updateWatch(i)
}

// touch records that an app's instances changed.
func (c *core) touch(appID string) {
	c.touched[appID] = true
	delete(c.placedCache, appID)
}

// updateWatch keeps i in the timer watch list while it is launched
// without a status or being killed.
func (c *core) updateWatch(i *Instance) {
	if c.instances[i.ID] == i && i.Task != nil && (i.Cond == Provisioned || i.Goal == GoalDecommissioned) {
		c.watch[i.ID] = i
	} else {
		delete(c.watch, i.ID)
	}
}

// addInstance schedules a new instance of app.
func (c *core) addInstance(now time.Time, app *App) *Instance {
	if c.scheduledCount(app.ID) == 0 {
		// A new launch attempt: its statistics start afresh.
		delete(c.stats, app.ID)
	}
	i := &Instance{
		ID: TaskIDPrefix(app.ID) + "instance-" + c.uuid(), AppID: app.ID,
		Version: app.Version, Config: app.VersionInfo.LastConfigChangeAt,
		Role: c.roleOf(app), Goal: GoalRunning, Cond: Provisioned,
	}
	c.indexInstance(i)
	c.setCond(i, Scheduled, now)
	c.rev.bump(i.Role)
	return i
}

// indexInstance adds an instance to the maps (its condition is counted
// by setCond, or by restore).
func (c *core) indexInstance(i *Instance) {
	c.instances[i.ID] = i
	if c.byApp[i.AppID] == nil {
		c.byApp[i.AppID] = map[string]*Instance{}
	}
	c.byApp[i.AppID][i.ID] = i
	if i.Task != nil {
		c.byTask[i.Task.ID] = i
	}
	c.touch(i.AppID)
}

// removeInstance forgets an instance.
func (c *core) removeInstance(i *Instance) {
	delete(c.instances, i.ID)
	delete(c.byApp[i.AppID], i.ID)
	if len(c.byApp[i.AppID]) == 0 {
		delete(c.byApp, i.AppID)
	}
	if i.Task != nil && c.byTask[i.Task.ID] == i {
		delete(c.byTask, i.Task.ID)
	}
	if i.Cond == Scheduled {
		c.schedN[i.AppID]--
		i.Cond = Provisioned // its queue entries are stale now
	}
	delete(c.watch, i.ID)
	c.touch(i.AppID)
	c.launchFinishedIfDone(i.AppID)
	c.dirty = true
}

// launchFinishedIfDone drops an app's offer statistics when nothing is
// left to launch (OfferMatchStatistics LaunchFinished).
func (c *core) launchFinishedIfDone(appID string) {
	if c.scheduledCount(appID) == 0 {
		delete(c.stats, appID)
	}
}

// roleOf returns the role app's instances launch with.
func (c *core) roleOf(app *App) string {
	if app.Role != "" {
		return app.Role
	}
	return c.cfg.Role
}

// decommission sets an instance's goal to Decommissioned: a scheduled one
// is dropped, a launched one killed (and dropped when its task ends).
func (c *core) decommission(now time.Time, i *Instance) {
	i.Goal = GoalDecommissioned
	c.dirty = true
	c.touch(i.AppID)
	if i.Cond == Scheduled || i.Task == nil {
		c.removeInstance(i)
		return
	}
	c.updateWatch(i)
	c.kill(now, i)
}

// kill sends KILL for an instance's task.
func (c *core) kill(now time.Time, i *Instance) {
	if i.Task == nil {
		return
	}
	i.KillSentAt = now
	agent := mesos.AgentID{Value: i.Task.AgentID}
	c.emit(KillAction{TaskID: mesos.TaskID{Value: i.Task.ID}, AgentID: &agent})
}

// wantedRoles returns the roles with instances ready to launch now.
func (c *core) wantedRoles(now time.Time) map[string]bool {
	out := map[string]bool{}
	for id, n := range c.schedN {
		if n == 0 {
			continue
		}
		if app := c.appOf(id); app != nil && !c.deleted[id] && c.limiter.LaunchAllowed(app, now) {
			out[c.roleOf(app)] = true
		}
	}
	return out
}

// settle runs after every input: deployments advance and the
// suppress/revive directives due are emitted.
func (c *core) settle(now time.Time) {
	c.advanceDeployments(now)
	if !c.subscribed {
		return
	}
	revive, suppress, _ := c.rev.step(now, c.roles(), c.wantedRoles(now))
	if len(suppress) > 0 {
		c.emit(SuppressAction{Roles: suppress})
	}
	if len(revive) > 0 {
		c.emit(ReviveAction{Roles: revive})
	}
}

// nextWakeup returns when the core next needs a tick after now: a backoff
// delay ending, a held-back revive, reconciliation, a kill to retry or a
// launch to time out (zero: none).
func (c *core) nextWakeup(now time.Time) time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if !t.After(now) {
			t = now.Add(time.Millisecond)
		}
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	if t, ok := c.limiter.NextExpiry(now); ok {
		consider(t)
	}
	if c.subscribed {
		_, _, held := c.peekRevive(now)
		consider(held)
		consider(c.reconcileAt)
	}
	for _, i := range c.watch {
		if i.Task == nil || i.Cond == Scheduled {
			continue
		}
		if i.Goal == GoalDecommissioned && !i.KillSentAt.IsZero() {
			consider(i.KillSentAt.Add(c.cfg.KillRetryTimeout))
		}
		if i.Cond == Provisioned {
			consider(i.Task.StagedAt.Add(c.cfg.TaskLaunchTimeout))
		}
	}
	return next
}

// peekRevive reports when held-back directives become due, without
// changing the reviver.
func (c *core) peekRevive(now time.Time) (revive, suppress []string, next time.Time) {
	saved := *c.rev
	saved.version, saved.revived, saved.suppressed = maps.Clone(c.rev.version), maps.Clone(c.rev.revived), maps.Clone(c.rev.suppressed)
	return saved.step(now, c.roles(), c.wantedRoles(now))
}

// tick handles the passage of time.
func (c *core) tick(now time.Time) {
	// Backoff delays that ended are reasons to revive
	// (ReviveOffersStreamLogic: NotDelayed).
	for id, app := range c.apps {
		allowed := c.limiter.LaunchAllowed(app, now)
		if c.delayed[id] && allowed {
			c.rev.bump(c.roleOf(app))
		}
		c.delayed[id] = !allowed
	}
	c.limiter.Cleanup(now, func(app string, config time.Time) bool {
		a := c.apps[app]
		return a != nil && a.VersionInfo.LastConfigChangeAt.Equal(config)
	})
	if c.subscribed && !c.reconcileAt.IsZero() && !now.Before(c.reconcileAt) {
		c.reconcile()
		c.reconcileAt = now.Add(c.cfg.ReconciliationInterval)
	}
	watched := slices.Collect(maps.Values(c.watch))
	slices.SortFunc(watched, func(a, b *Instance) int { return cmp.Compare(a.ID, b.ID) })
	for _, i := range watched {
		if i.Task == nil || i.Cond == Scheduled {
			continue
		}
		switch {
		case i.Goal == GoalDecommissioned && !i.KillSentAt.IsZero() && !now.Before(i.KillSentAt.Add(c.cfg.KillRetryTimeout)):
			c.kill(now, i) // KillService retries
		case i.Cond == Provisioned && !now.Before(i.Task.StagedAt.Add(c.cfg.TaskLaunchTimeout)):
			// No status for the launch: give the task up and start over.
			c.kill(now, i)
			c.taskEnded(now, i, mesos.TaskStatus{TaskID: mesos.TaskID{Value: i.Task.ID}, State: mesos.TaskLost,
				Message: "task launch timed out"})
		}
	}
	c.settle(now)
}

func (c *core) sortedInstances() []*Instance {
	out := slices.Collect(maps.Values(c.instances))
	slices.SortFunc(out, func(a, b *Instance) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// reconcile asks for the state of every known task, then of all tasks
// (SchedulerActions.reconcileTasks: explicit, then implicit).
func (c *core) reconcile() {
	var tasks []scheduler.ReconcileTask
	for _, i := range c.instances {
		if i.Task != nil && i.Cond != Scheduled {
			agent := mesos.AgentID{Value: i.Task.AgentID}
			tasks = append(tasks, scheduler.ReconcileTask{TaskID: mesos.TaskID{Value: i.Task.ID}, AgentID: &agent})
		}
	}
	slices.SortFunc(tasks, func(a, b scheduler.ReconcileTask) int { return cmp.Compare(a.TaskID.Value, b.TaskID.Value) })
	if len(tasks) > 0 {
		c.emit(ReconcileAction{Tasks: tasks})
	}
	c.emit(ReconcileAction{})
	c.reconciliations++
}

// subscribedTo handles SUBSCRIBED: the framework id is kept (and saved),
// reconciliation is due after the initial delay, suppress/revive start
// over.
func (c *core) subscribedTo(now time.Time, frameworkID string) {
	if c.frameworkID != frameworkID {
		c.frameworkID = frameworkID
		c.dirty = true
	}
	c.subscribed = true
	c.reconcileAt = now.Add(c.cfg.ReconciliationInitialDelay)
	c.rev.resubscribed()
	c.settle(now)
}

// disconnected handles the end of a subscription.
func (c *core) disconnected() { c.subscribed = false }

// notQueuedError is ErrNoDelay for one app; the REST API answers it with
// Marathon's "Application /x not found in tasks queue.".
type notQueuedError struct{ app string }

func (e *notQueuedError) Error() string {
	return "marathon: app " + e.app + " is not in the launch queue"
}
func (e *notQueuedError) Is(target error) bool { return target == ErrNoDelay }
