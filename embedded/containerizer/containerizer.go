package containerizer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Containerizer is the Mesos containerizer interface
// (src/slave/containerizer/containerizer.hpp), synchronous: each method
// blocks until the Mesos future would be satisfied or ctx is done. All
// methods are safe for concurrent use. The agent that consumes it may
// declare a narrower interface of its own.
type Containerizer interface {
	// Recover re-attaches to the containers of a previous run over the same
	// work_dir. known lists the top-level containers the agent checkpointed;
	// others are orphans and are destroyed. A nil known recovers everything.
	Recover(ctx context.Context, known []ContainerID) error
	// Launch creates and starts a container, returning once it is RUNNING.
	// A nested container (id.Parent set) runs in a sandbox under its parent's.
	Launch(ctx context.Context, id ContainerID, cfg ContainerConfig) (LaunchResult, error)
	// Update applies new resource requests to a running container.
	Update(ctx context.Context, id ContainerID, r Resources) error
	// Usage returns the container's resource statistics.
	Usage(ctx context.Context, id ContainerID) (ResourceStatistics, error)
	// Status returns the container's run-time status.
	Status(ctx context.Context, id ContainerID) (ContainerStatus, error)
	// Wait blocks until the container terminates. It returns nil, nil for a
	// container it does not know (Mesos's None).
	Wait(ctx context.Context, id ContainerID) (*Termination, error)
	// Destroy kills the container and returns its termination, or nil, nil
	// for an unknown container.
	Destroy(ctx context.Context, id ContainerID) (*Termination, error)
	// Kill sends a signal to the container; false means unknown container.
	Kill(ctx context.Context, id ContainerID, sig syscall.Signal) (bool, error)
	// Containers lists the containers the containerizer knows.
	Containers(ctx context.Context) ([]ContainerID, error)
	// Remove deletes a terminated nested container's sandbox and runtime
	// directory.
	Remove(ctx context.Context, id ContainerID) error
}

// LaunchResult is Containerizer::LaunchResult.
type LaunchResult int

// Launch results.
const (
	LaunchSuccess LaunchResult = iota
	LaunchAlreadyLaunched
	LaunchNotSupported
)

// String returns Mesos's name.
func (r LaunchResult) String() string {
	switch r {
	case LaunchSuccess:
		return "SUCCESS"
	case LaunchAlreadyLaunched:
		return "ALREADY_LAUNCHED"
	case LaunchNotSupported:
		return "NOT_SUPPORTED"
	}
	return fmt.Sprintf("LaunchResult(%d)", int(r))
}

// LaunchError is returned by Launch when the container could not be
// started. The container has been destroyed; Termination says how (for a
// failure of a launch step, REASON_CONTAINER_LAUNCH_FAILED with the cause).
type LaunchError struct {
	ContainerID ContainerID
	Termination Termination
	Err         error
}

func (e *LaunchError) Error() string {
	return fmt.Sprintf("containerizer: launch %s: %v", e.ContainerID, e.Err)
}

func (e *LaunchError) Unwrap() error { return e.Err }

// ErrClosed is returned after Close.
var ErrClosed = errors.New("containerizer: closed")

// Defaults of Config.
const (
	// DefaultGCDelay is --gc_delay's default, GC_DELAY = Weeks(1).
	DefaultGCDelay = 7 * 24 * time.Hour
	// DefaultUsagePollInterval is how often memory limits are checked when
	// enforcement polls (posix/mem fallback, cgroups v2 memory.events).
	DefaultUsagePollInterval = 250 * time.Millisecond
	// maxCompleted bounds the terminations kept for Wait after a destroy.
	maxCompleted = 1024
	// shimExitBackstop is how long a destroy waits for the shim to exit after
	// the escalation SIGKILL before killing the shim itself.
	shimExitBackstop = 2 * time.Second
)

// DefaultLauncher is the Launcher of a Config that names none: the
// per-container shim, which the package documentation and the containerizer
// walkthrough describe. Agents (embedded/agent) default to the supervisor.
const DefaultLauncher = LauncherShim

// Config configures the Mesos containerizer. The zero value is usable
// except for WorkDir.
type Config struct {
	// WorkDir is --work_dir: sandboxes and meta/ live here.
	WorkDir string
	// RuntimeDir is --runtime_dir, where the containerizer checkpoints each
	// container (pid, status, config). Mesos defaults it to /var/run/mesos;
	// we default to <WorkDir>/run so an embedded cluster stays in one tree.
	RuntimeDir string
	// AgentID names the agent in sandbox and meta paths (default "S0").
	AgentID string
	// Isolation is --isolation. Known names: posix/cpu, posix/mem,
	// cgroups/cpu, cgroups/mem. Default: cgroups/cpu,cgroups/mem when a
	// cgroup2 hierarchy with both controllers delegated is writable, else
	// (logged once) posix/cpu,posix/mem with RSS polling to enforce memory.
	Isolation []string
	// Isolators are added after the ones named in Isolation.
	Isolators []Isolator
	// CgroupsRoot is --cgroups_root, relative to the cgroup2 mount.
	CgroupsRoot string
	// CgroupMount overrides the cgroup2 mount point found in
	// /proc/self/mountinfo (tests point it at a fake tree).
	CgroupMount string
	// UsagePollInterval is how often memory limits are checked.
	UsagePollInterval time.Duration
	// DefaultKillGracePeriod is the SIGTERM→SIGKILL grace of Destroy when
	// the container's KillPolicy sets none (default 3 s).
	DefaultKillGracePeriod time.Duration
	// GCDelay is --gc_delay: how long after termination a sandbox is
	// removed (default one week; negative disables GC).
	GCDelay time.Duration
	// Fetcher downloads URIs; nil creates one from FetcherConfig, with the
	// cache in <WorkDir>/fetch (Mesos: /tmp/mesos/fetch) so that agents
	// sharing a machine do not wipe each other's caches.
	Fetcher       *Fetcher
	FetcherConfig FetcherConfig
	// Shim is the argv that starts the launch shim, and the launch
	// supervisor: a binary that calls RunShimIfRequested first thing.
	// Default: this executable.
	Shim []string
	// Launcher chooses how tasks are started: LauncherShim (default) forks
	// one launch shim per container, LauncherSupervisor has the agent's one
	// launch supervisor fork them (see the package documentation).
	Launcher string
	// Clock is the source of time (nil: RealClock).
	Clock Clock
	// Logger receives the containerizer's log (nil: discarded).
	Logger *slog.Logger
	// OnTransition is called for every state transition, in order, outside
	// the containerizer's lock. It must not block or call the
	// containerizer's mutating methods.
	OnTransition func(Transition)
	// OnTerminated is called once a destroy finished, with the same rules.
	OnTerminated func(ContainerID, Termination)
}

// Mesos is the Mesos containerizer: MesosContainerizer and
// MesosContainerizerProcess (src/slave/containerizer/mesos/containerizer.
// {hpp,cpp}) with the posix launcher, a supervising launch shim, the
// fetcher and the posix and cgroups v2 isolators. The state machine lives in
// table (synchronous, no I/O); Mesos is the shell that does the I/O and owns
// the goroutines: one reaper for all containers, one per destroy in
// progress, and clock callbacks. Create it with New and stop it with Close.
type Mesos struct {
	cfg       Config
	lay       layout
	clock     Clock
	log       *slog.Logger
	fetcher   *Fetcher
	isolators []Isolator
	closers   []interface{ close() }
	reaper    *reaper
	sup       *supervisorClient // always set: recovery may find supervised tasks
	useSup    bool              // Launcher is LauncherSupervisor
	gc        *gc
	grace     time.Duration
	devnull   *os.File // every shim's stdin

	mu        sync.Mutex
	tab       table
	events    []event
	completed map[string]Termination
	finished  map[string]Snapshot // the Snapshot of each completed entry, same keys
	order     []string
	closed    bool
	quit      chan struct{}
	wg        sync.WaitGroup

	emitMu sync.Mutex
}

var _ Containerizer = (*Mesos)(nil)

type event struct {
	tr   *Transition
	id   ContainerID
	term Termination
}

// New creates the containerizer: it sets up the runtime directory, the
// fetcher (wiping its cache directory), the isolators and the reaper. Call
// Recover before launching if a previous run may have left containers.
func New(cfg Config) (*Mesos, error) {
	if cfg.WorkDir == "" {
		return nil, fmt.Errorf("containerizer: new: %w: 'work_dir' is required", ErrInvalidConfig)
	}
	work, err := filepath.Abs(cfg.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("containerizer: new: work_dir: %w", err)
	}
	cfg.WorkDir = work
	if cfg.RuntimeDir == "" {
		cfg.RuntimeDir = filepath.Join(work, defaultRuntimeDirIn)
	}
	if cfg.AgentID == "" {
		cfg.AgentID = defaultAgentID
	}
	if err := validatePathComponent(cfg.AgentID); err != nil {
		return nil, fmt.Errorf("containerizer: new: %w: 'agent_id': %w", ErrInvalidConfig, err)
	}
	if cfg.CgroupsRoot == "" {
		cfg.CgroupsRoot = DefaultCgroupsRoot
	}
	if cfg.UsagePollInterval <= 0 {
		cfg.UsagePollInterval = DefaultUsagePollInterval
	}
	if cfg.DefaultKillGracePeriod == 0 {
		cfg.DefaultKillGracePeriod = DefaultKillGracePeriod
	}
	if cfg.GCDelay == 0 {
		cfg.GCDelay = DefaultGCDelay
	}
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	switch cfg.Launcher {
	case "":
		cfg.Launcher = DefaultLauncher
	case LauncherShim, LauncherSupervisor:
	default:
		return nil, fmt.Errorf("containerizer: new: %w: 'launcher' %q is not %q or %q", ErrInvalidConfig, cfg.Launcher, LauncherShim, LauncherSupervisor)
	}
	if len(cfg.Shim) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("containerizer: new: locate shim executable: %w", err)
		}
		cfg.Shim = []string{exe}
	}
	m := &Mesos{
		cfg:       cfg,
		lay:       layout{workDir: work, runtimeDir: cfg.RuntimeDir, agentID: cfg.AgentID},
		clock:     cfg.Clock,
		log:       cfg.Logger,
		grace:     cfg.DefaultKillGracePeriod,
		tab:       newTable(),
		completed: map[string]Termination{},
		quit:      make(chan struct{}),
	}
	if err := os.MkdirAll(filepath.Join(cfg.RuntimeDir, containersDir), 0o755); err != nil {
		return nil, fmt.Errorf("containerizer: new: create runtime directory: %w", err)
	}
	m.fetcher = cfg.Fetcher
	if m.fetcher == nil {
		fc := cfg.FetcherConfig
		if fc.CacheDir == "" {
			fc.CacheDir = filepath.Join(work, "fetch")
		}
		if fc.Clock == nil {
			fc.Clock = cfg.Clock
		}
		if fc.Logger == nil {
			fc.Logger = cfg.Logger
		}
		if m.fetcher, err = NewFetcher(fc); err != nil {
			return nil, fmt.Errorf("containerizer: new: %w", err)
		}
	}
	m.fetcher.setAfter(m.after)
	if err := m.setupIsolators(); err != nil {
		return nil, err
	}
	if m.devnull, err = os.Open(os.DevNull); err != nil {
		return nil, fmt.Errorf("containerizer: new: %w", err)
	}
	if m.reaper, err = newReaper(); err != nil {
		m.devnull.Close()
		return nil, err
	}
	m.sup = newSupervisorClient(cfg.Shim, cfg.RuntimeDir, cfg.Logger, m.reaper, m.devnull)
	m.useSup = cfg.Launcher == LauncherSupervisor
	m.gc = &gc{m: m}
	return m, nil
}

// setupIsolators turns Isolation into isolators, falling back from cgroups
// v2 to posix when the machine does not allow it.
func (m *Mesos) setupIsolators() error {
	names := m.cfg.Isolation
	auto := len(names) == 0
	if auto {
		names = []string{"cgroups/cpu", "cgroups/mem"}
	}
	wantCgroups, posixCPU, posixMem := false, false, false
	for _, n := range names {
		switch strings.TrimSpace(n) {
		case "cgroups/cpu", "cgroups/mem":
			wantCgroups = true
		case "posix/cpu":
			posixCPU = true
		case "posix/mem":
			posixMem = true
		default:
			return fmt.Errorf("containerizer: new: %w: unknown isolator %q in 'isolation'", ErrInvalidConfig, n)
		}
	}
	if wantCgroups {
		h, err := m.detectCgroups()
		if err != nil {
			m.log.Warn("cgroups v2 enforcement unavailable; falling back to posix/cpu,posix/mem with memory polling",
				"err", err)
			posixCPU, posixMem = true, true
		} else {
			c := newCgroupsIsolator(h, m.cfg.UsagePollInterval, m.after)
			m.isolators = append(m.isolators, c)
			m.closers = append(m.closers, c)
		}
	}
	if posixCPU {
		p := newPosixIsolator("posix/cpu", false, m.cfg.UsagePollInterval, m.after)
		m.isolators = append(m.isolators, p)
		m.closers = append(m.closers, p)
	}
	if posixMem {
		p := newPosixIsolator("posix/mem", true, m.cfg.UsagePollInterval, m.after)
		m.isolators = append(m.isolators, p)
		m.closers = append(m.closers, p)
	}
	m.isolators = append(m.isolators, m.cfg.Isolators...)
	return nil
}

func (m *Mesos) detectCgroups() (*cgroup2Hierarchy, error) {
	return detectCgroups(m.cfg.CgroupMount, m.cfg.CgroupsRoot)
}

func detectCgroups(mount, root string) (*cgroup2Hierarchy, error) {
	if mount == "" {
		info, err := os.ReadFile("/proc/self/mountinfo")
		if err != nil {
			return nil, err
		}
		if mount, err = findCgroup2Mount(info); err != nil {
			return nil, err
		}
	}
	return setupCgroup2(mount, cmp.Or(root, DefaultCgroupsRoot))
}

// CheckCgroups reports whether the cgroups isolators could enforce limits with cfg
// (CgroupMount, CgroupsRoot): nil when the cgroup2 hierarchy has the cpu and memory
// controllers and the root cgroup can be set up, else why not. A process that runs
// several agents checks once and, when it fails, gives them posix isolation, so the
// fallback is logged once rather than by every agent.
func CheckCgroups(cfg Config) error {
	if _, err := detectCgroups(cfg.CgroupMount, cfg.CgroupsRoot); err != nil {
		return fmt.Errorf("containerizer: cgroups: %w", err)
	}
	return nil
}

// Isolators returns the names of the active isolators, in order.
func (m *Mesos) Isolators() []string {
	out := make([]string, len(m.isolators))
	for i, iso := range m.isolators {
		out[i] = iso.Name()
	}
	return out
}

// Fetcher returns the containerizer's fetcher.
func (m *Mesos) Fetcher() *Fetcher { return m.fetcher }

// Close stops the containerizer's goroutines and timers and waits for them,
// without killing containers: like an agent that exits, it leaves them
// running for a later Recover. Destroys in progress are abandoned.
// Idempotent.
func (m *Mesos) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	close(m.quit)
	for _, ct := range m.tab.containers {
		if ct.launchCancel != nil {
			ct.launchCancel()
		}
		if ct.ready != nil {
			ct.ready.Close() // unblocks a destroyer in waitReady
		}
	}
	m.mu.Unlock()
	for _, c := range m.closers {
		c.close()
	}
	m.gc.close()
	m.sup.close()
	m.reaper.close()
	m.wg.Wait()
	m.devnull.Close()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, ct := range m.tab.containers {
		if ct.sigfd >= 0 {
			syscall.Close(ct.sigfd)
			ct.sigfd = -1
		}
		if ct.pipe != nil {
			ct.pipe.Close()
			ct.pipe = nil
		}
	}
	return nil
}

// after schedules f on the clock; the call is tracked so Close waits for it
// and skipped once closed.
func (m *Mesos) after(d time.Duration, f func()) Timer {
	return m.clock.AfterFunc(d, func() {
		if !m.enter() {
			return
		}
		defer m.wg.Done()
		f()
	})
}

// enter registers a goroutine with the WaitGroup unless closed.
func (m *Mesos) enter() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.enterLocked()
}

func (m *Mesos) enterLocked() bool {
	if m.closed {
		return false
	}
	m.wg.Add(1)
	return true
}

// goLocked runs f on a tracked goroutine (m.mu held).
func (m *Mesos) goLocked(f func()) {
	if !m.enterLocked() {
		return
	}
	go func() {
		defer m.wg.Done()
		f()
	}()
}

// transitionLocked moves ct to next and logs it like Mesos.
func (m *Mesos) transitionLocked(ct *container, next State) error {
	now := m.clock.Now()
	from := ct.state
	if err := m.tab.transition(ct, next, now); err != nil {
		return err
	}
	for _, tr := range m.tab.takePending() {
		tr := tr
		m.events = append(m.events, event{tr: &tr})
	}
	m.log.Debug("Transitioning the state of container", "container", ct.key, "from", from.String(), "to", next.String())
	return nil
}

// flush delivers queued events in order, outside m.mu.
func (m *Mesos) flush() {
	m.emitMu.Lock()
	defer m.emitMu.Unlock()
	for {
		m.mu.Lock()
		evs := m.events
		m.events = nil
		m.mu.Unlock()
		if len(evs) == 0 {
			return
		}
		for _, e := range evs {
			if e.tr != nil {
				if m.cfg.OnTransition != nil {
					m.cfg.OnTransition(*e.tr)
				}
			} else if m.cfg.OnTerminated != nil {
				m.cfg.OnTerminated(e.id, e.term)
			}
		}
	}
}
