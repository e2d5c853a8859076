package marathon

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os/user"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// Log attribute keys.
const (
	keyErr       = "err"
	keyCall      = "call"
	keyFramework = "framework_id"
	keyApp       = "app"
	keyDeploy    = "deployment"
)

// callWorkers is how many goroutines make kill calls; ackWorkers make
// acknowledgements on a queue of their own, so that a scale-down's burst of
// KILLs never holds acknowledgements back until the agents resend their
// updates (10 s later), which floods the queues further; offerWorkers answer
// offers (ACCEPT, DECLINE) on a queue of their own, so that offers are not held
// behind either; control calls have one worker, to keep their order.
const (
	callWorkers  = 4
	ackWorkers   = 2
	offerWorkers = 2
)

// saveInterval bounds how often state changes other than launches are
// saved.
const saveInterval = time.Second

// ErrStopped is returned by operations on a Marathon that is not running.
var ErrStopped = errors.New("marathon: not running")

// Marathon is the app scheduler: a framework that talks to the master
// only over the v1 scheduler API (embedded/schedclient), and serves
// Marathon's REST API. One goroutine owns the decision core; the event
// stream, the REST handlers and the call workers talk to it through
// channels.
type Marathon struct {
	cfg    Config
	log    *slog.Logger
	client *schedclient.Client
	core   *core // owned by loop

	events chan *scheduler.Event
	reqs   chan func(time.Time)
	wake   chan struct{}
	calls  *callQueue
	acks   *callQueue
	offers *callQueue
	ctrl   *callQueue
	// pending counts the actions of the three queues not made yet.
	pending *pendingCalls
	// wakeAt is when the loop's own timer is set to wake it; zero when
	// no timer is set. Owned by loop.
	wakeAt time.Time

	srv *http.Server

	mu       sync.Mutex
	started  bool
	stopped  bool
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	fwID     string
	runErr   error
	failed   chan struct{} // closed when the scheduler stops on its own (runErr)
	loopDone chan struct{}
}

// New checks cfg and returns a Marathon; nothing runs until Start.
func New(cfg Config) (*Marathon, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Seed == 0 {
		cfg.Seed = rand.Uint64()
	}
	if cfg.User == "" {
		cfg.User = "nobody"
		if u, err := user.Current(); err == nil {
			cfg.User = u.Username
		}
	}
	c := newCore(cfg)
	// Task and deployment ids must not repeat across restarts, whatever
	// the seed: they come from a source of their own.
	var b [16]byte
	if _, err := crand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("marathon: new: %w", err)
	}
	c.ids = rand.New(rand.NewPCG(binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])))
	pending := newPendingCalls()
	m := &Marathon{
		cfg: cfg, log: cfg.Logger, core: c,
		events: make(chan *scheduler.Event), reqs: make(chan func(time.Time)), wake: make(chan struct{}, 1),
		calls: newCallQueue(pending), acks: newCallQueue(pending), offers: newCallQueue(pending), ctrl: newCallQueue(pending), pending: pending,
		loopDone: make(chan struct{}),
		failed:   make(chan struct{}),
	}
	return m, nil
}

// frameworkInfo is what Marathon subscribes with: MULTI_ROLE with its
// roles, GPU_RESOURCES (it declines GPU agents for apps without GPUs
// itself), TASK_KILLING_STATE; checkpointing and a week of failover
// timeout by default.
func (m *Marathon) frameworkInfo(id string) mesos.FrameworkInfo {
	info := mesos.FrameworkInfo{
		User: m.cfg.User, Name: m.cfg.FrameworkName, FailoverTimeout: m.cfg.FailoverTimeout.Seconds(),
		Checkpoint: !m.cfg.DisableCheckpoint, Roles: m.cfg.Roles, Hostname: m.cfg.Hostname,
		Capabilities: []mesos.FrameworkCapability{
			{Type: mesos.FrameworkMultiRole}, {Type: mesos.FrameworkGPUResources}, {Type: mesos.FrameworkTaskKillingState},
		},
	}
	if m.cfg.HTTPListener != nil {
		info.WebuiURL = "http://" + m.cfg.HTTPListener.Addr().String()
	}
	if id != "" {
		info.ID = &mesos.FrameworkID{Value: id}
	}
	return info
}

// Start loads the saved state, subscribes with the master (failing over
// to the saved framework id), and serves the REST API. The scheduler runs
// until Stop; ctx only bounds loading the state.
func (m *Marathon) Start(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started || m.stopped {
		return errors.New("marathon: start: already started or stopped")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("marathon: start: %w", err)
	}
	if m.cfg.Store != nil {
		data, err := m.cfg.Store.Load()
		if err != nil {
			return fmt.Errorf("marathon: start: %w", err)
		}
		if len(data) > 0 {
			if err := m.core.restore(data); err != nil {
				return fmt.Errorf("marathon: start: %w", err)
			}
			m.log.Info("recovered state", keyFramework, m.core.frameworkID, "apps", len(m.core.apps), "instances", len(m.core.instances))
		}
	}
	client, err := schedclient.New(schedclient.Config{
		Master: m.cfg.Master, Framework: m.frameworkInfo(m.core.frameworkID), HTTPClient: m.cfg.HTTPClient,
		Logger: m.log, Rand: rand.New(rand.NewPCG(m.cfg.Seed, 1)), CallObserver: m.cfg.CallObserver,
		// Marathon's task tracker ignores an update it has already processed;
		// here the client keeps Mesos's retries of acknowledged updates back.
		DeduplicateUpdates: true,
	})
	if err != nil {
		return fmt.Errorf("marathon: start: %w", err)
	}
	m.client = client
	m.fwID = m.core.frameworkID
	runCtx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	m.started = true

	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.loop(runCtx)
	}()
	cl := &caller{client: client, launchFailed: m.launchFailed, logErr: func(call string, err error) {
		m.log.Warn("call failed", keyCall, call, keyErr, err)
	}}
	for range callWorkers {
		m.wg.Go(func() { cl.run(runCtx, m.calls) })
	}
	for range ackWorkers {
		m.wg.Go(func() { cl.run(runCtx, m.acks) })
	}
	for range offerWorkers {
		m.wg.Go(func() { cl.run(runCtx, m.offers) })
	}
	m.wg.Go(func() { cl.run(runCtx, m.ctrl) })
	m.wg.Go(func() {
		err := client.Run(runCtx, m.handle)
		if err != nil && !errors.Is(err, context.Canceled) {
			m.log.Error("scheduler stopped", keyErr, err)
			var me *schedclient.MasterError
			if errors.As(err, &me) && me.Message == frameworkRemoved {
				// MarathonSchedulerDriver's error callback: a removed framework id
				// is forgotten, so that the next start registers a new framework.
				_ = m.do(runCtx, func(c *core, now time.Time) {
					c.frameworkID, c.dirty = "", true
					m.save(now)
				})
			}
			m.mu.Lock()
			m.runErr = err
			m.mu.Unlock()
			close(m.failed)
		}
	})
	if ln := m.cfg.HTTPListener; ln != nil {
		h := m.Handler()
		if m.cfg.HTTPMiddleware != nil {
			h = m.cfg.HTTPMiddleware(h)
		}
		m.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		m.wg.Go(func() {
			if err := m.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				m.log.Error("http server stopped", keyErr, err)
			}
		})
	}
	return nil
}

// Stop stops serving and scheduling, saving the state; the framework and
// its tasks stay with the master for --failover_timeout, so another
// Marathon with the same Store takes over. Stop is idempotent and waits
// for every goroutine, or until ctx is done.
func (m *Marathon) Stop(ctx context.Context) error {
	m.mu.Lock()
	if !m.started || m.stopped {
		m.stopped = true
		m.mu.Unlock()
		return nil
	}
	m.stopped = true
	m.mu.Unlock()
	var err error
	if m.srv != nil {
		err = m.srv.Shutdown(ctx)
	}
	m.cancel()
	done := make(chan struct{})
	go func() {
		m.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("marathon: stop: %w", ctx.Err())
	}
	if err != nil {
		return fmt.Errorf("marathon: stop: %w", err)
	}
	return nil
}

// frameworkRemoved is the master's ERROR for a framework it tore down or
// removed (Master::subscribe, "Framework has been removed").
const frameworkRemoved = "Framework has been removed"

// Failed is closed when the scheduler stops on its own (Err says why: the
// master removed the framework, or refused the subscription). Marathon then
// has nothing to schedule with and exits ("Committing suicide!"), and so does
// `mesoscope marathon`; when the framework was removed its id is forgotten
// first, so the next start registers a new framework.
func (m *Marathon) Failed() <-chan struct{} { return m.failed }

// Err returns why the scheduler stopped on its own (e.g. the master
// refused it), or nil.
func (m *Marathon) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.runErr
}

// FrameworkID returns the framework id ("" before the first SUBSCRIBED).
func (m *Marathon) FrameworkID() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.fwID
}

// URL returns the base URL of the REST API ("" without a listener).
func (m *Marathon) URL() string {
	if m.cfg.HTTPListener == nil {
		return ""
	}
	return "http://" + m.cfg.HTTPListener.Addr().String()
}

// Deploy creates app, or replaces the definition of an existing app with
// it (a scale or a restart, as PUT /v2/apps/{id}?partialUpdate=false),
// and returns the deployment's id. Zero fields take Marathon's defaults
// (Normalize).
func (m *Marathon) Deploy(ctx context.Context, app *App) (string, error) {
	a := app.Clone()
	a.Normalize()
	if err := a.Validate(); err != nil {
		return "", err
	}
	var id string
	var err error
	if derr := m.do(ctx, func(c *core, now time.Time) {
		var d *deployment
		d, _, err = c.updateApp(now, a, false)
		if d != nil {
			id = d.ID
		}
	}); derr != nil {
		return "", derr
	}
	return id, err
}

// Scale sets an app's instance count.
func (m *Marathon) Scale(ctx context.Context, appID string, instances int) (string, error) {
	var id string
	var err error
	if derr := m.do(ctx, func(c *core, now time.Time) {
		var d *deployment
		d, err = c.scaleApp(now, normalizeID(appID), instances, nil, false)
		if d != nil {
			id = d.ID
		}
	}); derr != nil {
		return "", derr
	}
	return id, err
}

// Delete removes an app and kills its tasks.
func (m *Marathon) Delete(ctx context.Context, appID string) (string, error) {
	var id string
	var err error
	if derr := m.do(ctx, func(c *core, now time.Time) {
		var d *deployment
		d, err = c.deleteApp(now, normalizeID(appID), false)
		if d != nil {
			id = d.ID
		}
	}); derr != nil {
		return "", derr
	}
	return id, err
}

// Stats are counters of the scheduler's work, for metrics and benchmarks.
type Stats struct {
	OffersProcessed, OffersDeclined, TasksLaunched int
	// Updates counts status updates, ReconcileUpdates those answering a
	// reconciliation; Reconciliations counts explicit reconciliations.
	Updates, ReconcileUpdates, Reconciliations int
	Running, Staged, Scheduled                 int
	Deployments                                int
}

// Stats returns the scheduler's counters.
func (m *Marathon) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	err := m.do(ctx, func(c *core, _ time.Time) {
		s = Stats{OffersProcessed: c.offersProcessed, OffersDeclined: c.offersDeclined, TasksLaunched: c.tasksLaunched,
			Updates: c.updates, ReconcileUpdates: c.reconcileUpdates, Reconciliations: c.reconciliations, Deployments: len(c.deployments)}
		for _, i := range c.instances {
			switch i.Cond {
			case Running:
				s.Running++
			case Scheduled:
				s.Scheduled++
			default:
				s.Staged++
			}
		}
	})
	return s, err
}

// normalizeID adds the leading "/" of an app id.
func normalizeID(id string) string {
	if len(id) > 0 && id[0] == '/' {
		return id
	}
	return "/" + id
}
