package walkthroughs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/process"
)

// Options configure a Session.
type Options struct {
	// Logger receives the embedded system's logs; nil discards them.
	Logger *slog.Logger
	// Shim is the containerizer tour's launch shim argv (containerizer.Config.Shim);
	// nil re-executes the running binary, which must then call
	// containerizer.RunShimIfRequested first thing.
	Shim []string
	// Trace installs a tracer (package tracer, with its in-memory ring only) on every
	// actor runtime the session starts; Session.Trace returns what each step recorded.
	Trace bool
}

// Session runs a tour's commands against the embedded system it builds as it goes: a
// runtime and demo actors (libprocess tour), a DRF sorter and an allocator (DRF tour),
// a master with fake agents and a framework over HTTP (offers tour). Every runtime runs
// on a paused clock, so a session's outputs are the same on every run.
//
// A Session is used from one goroutine. Close it to stop what it started.
type Session struct {
	logger *slog.Logger

	lib    *libprocessEnv
	drf    *drfEnv
	alloc  *allocEnv
	offers *offersEnv
	cont   *containerEnv
	mara   *marathonEnv
	labels *uuidLabels

	standIn *standIn // what the TUI beside the tour reads, for worlds without a master

	repl []string // old, new pairs applied to every output (normalize)

	trace   bool
	tracers []*runtimeTracer
	shim    []string

	clk worldClock // the clock "advance" moves
	t0  time.Time  // that clock's time when the tour's world started
}

// worldClock is the clock a tour's world runs on: a paused runtime clock, or a
// manual clock for the parts of the embedded system that take their own.
type worldClock interface {
	Now() time.Time
	// step moves the clock forward by d and lets everything due by then happen.
	step(d time.Duration)
}

// runtimeClock is a runtime's paused clock: a step advances it and settles the
// runtime (libprocess tests' Clock::advance + Clock::settle).
type runtimeClock struct{ rt *process.Runtime }

func (c runtimeClock) Now() time.Time { return c.rt.Clock().Now() }

func (c runtimeClock) step(d time.Duration) {
	c.rt.Clock().Advance(d)
	c.rt.Settle()
}

// NewSession returns an empty session.
func NewSession(opts Options) *Session {
	l := opts.Logger
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &Session{logger: l, labels: newUUIDLabels(), trace: opts.Trace, shim: opts.Shim}
}

// setClock makes rt's clock the one "advance" moves and outputs are timed against.
func (s *Session) setClock(rt *process.Runtime) { s.setWorldClock(runtimeClock{rt}) }

// setWorldClock makes c the clock "advance" moves and outputs are timed against.
func (s *Session) setWorldClock(c worldClock) {
	s.clk = c
	s.t0 = c.Now()
}

// Run runs one command and returns its output, normalized: clock times are shown
// relative to the start of the tour's world ("T+5s"), trailing spaces are dropped. A
// command that fails returns "error: ..." as its output, as datadriven tests do.
func (s *Session) Run(c *Command) string {
	out, err := s.run(c)
	if err != nil {
		out = "error: " + err.Error()
	}
	return s.normalize(out)
}

func (s *Session) run(c *Command) (string, error) {
	switch c.Name {
	case "where":
		return whereCmd(c)
	case "advance":
		return s.advanceCmd(c)
	// libprocess
	case "runtime":
		return s.runtimeCmd(c)
	case "spawn":
		return s.spawnCmd(c)
	case "send":
		return s.sendCmd(c)
	case "block":
		return s.blockCmd(c)
	case "release":
		return s.releaseCmd(c)
	case "processes":
		return s.processesCmd(c)
	case "queues":
		return s.queuesCmd(c)
	case "dispatch":
		return s.dispatchCmd(c)
	case "future":
		return s.futureCmd(c)
	case "on-ready":
		return s.onReadyCmd(c)
	case "terminate":
		return s.terminateCmd(c)
	case "link":
		return s.linkCmd(c)
	// DRF sorter
	case "sorter":
		return s.sorterCmd(c)
	case "add-agent":
		return s.addAgentCmd(c)
	case "add-client":
		return s.addClientCmd(c)
	case "activate", "deactivate":
		return s.activateCmd(c)
	case "weight":
		return s.weightCmd(c)
	case "allocated", "unallocated":
		return s.allocatedCmd(c)
	case "sort":
		return s.sortCmd(c)
	case "fill":
		return s.fillCmd(c)
	case "tree":
		return s.treeCmd(c)
	// allocator process
	case "allocator":
		return s.allocatorCmd(c)
	case "alloc-agent":
		return s.allocAgentCmd(c)
	case "alloc-framework":
		return s.allocFrameworkCmd(c)
	case "alloc-recover":
		return s.allocRecoverCmd(c)
	case "alloc-cycles":
		return s.allocCyclesCmd(c)
	// master and offers
	case "master":
		return s.masterCmd(c)
	case "agent":
		return s.agentCmd(c)
	case "subscribe":
		return s.subscribeCmd(c)
	case "decline", "revive", "suppress", "accept":
		return s.callCmd(c)
	case "offers":
		return s.offersCmd(c)
	case "framework":
		return s.frameworkCmd(c)
	case "cycle":
		return s.cycleCmd(c)
	case "explain":
		return s.explainCmd(c)
	case "metrics":
		return s.metricsCmd(c)
	// containerizer
	case "containerizer":
		return s.containerizerCmd(c)
	case "artifact":
		return s.artifactCmd(c)
	case "launch":
		return s.launchCmd(c)
	case "wait":
		return s.waitCmd(c)
	case "wait-output":
		return s.waitOutputCmd(c)
	case "sandbox":
		return s.sandboxCmd(c)
	case "checkpoint":
		return s.checkpointCmd(c)
	case "containers":
		return s.containersCmd(c)
	case "fetcher":
		return s.fetcherCmd(c)
	case "destroy":
		return s.destroyCmd(c)
	case "restart":
		return s.restartCmd(c)
	// the reliability tour's real agent
	case "mesos-agent":
		return s.mesosAgentCmd(c)
	case "launch-task":
		return s.launchTaskCmd(c)
	case "wait-update":
		return s.waitUpdateCmd(c)
	case "wait-agent":
		return s.waitAgentCmd(c)
	case "acknowledge":
		return s.acknowledgeCmd(c)
	case "open-gate":
		return s.openGateCmd(c)
	case "crash-agent":
		return s.crashAgentCmd(c)
	case "restart-agent":
		return s.restartAgentCmd(c)
	case "restart-master":
		return s.restartMasterCmd(c)
	case "master-agents":
		return s.masterAgentsCmd(c)
	case "resubscribe":
		return s.resubscribeCmd(c)
	case "reconcile":
		return s.reconcileCmd(c)
	case "meta":
		return s.metaCmd(c)
	// the Marathon-like scheduler
	case "marathon":
		return s.marathonCmd(c)
	case "deploy":
		return s.deployCmd(c)
	case "delete":
		return s.deleteCmd(c)
	case "queue":
		return s.queueCmd(c)
	case "why":
		return s.whyCmd(c)
	case "tasks":
		return s.tasksCmd(c)
	case "deployments":
		return s.deploymentsCmd(c)
	case "cancel":
		return s.cancelCmd(c)
	}
	return "", fmt.Errorf("unknown command %q", c.Name)
}

// Close stops every runtime the session started and waits for them.
func (s *Session) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	var errs []error
	if s.cont != nil {
		errs = append(errs, s.cont.close())
		s.cont = nil
	}
	if s.mara != nil {
		errs = append(errs, s.mara.close(ctx))
		s.mara = nil
	}
	if s.offers != nil {
		errs = append(errs, s.offers.close(ctx))
		s.offers = nil
	}
	if s.alloc != nil {
		errs = append(errs, s.alloc.rt.Stop(ctx))
		s.alloc = nil
	}
	if s.lib != nil {
		errs = append(errs, s.lib.close(ctx))
		s.lib = nil
	}
	errs = append(errs, s.closeTracers(ctx))
	return errors.Join(errs...)
}

// replace makes every later output show new instead of old (a temporary directory
// becomes "$WORK").
func (s *Session) replace(old, new string) { s.repl = append(s.repl, old, new) }

// advanceCmd: advance D — moves the paused clock by D in steps of at most half a
// second, settling after each (libprocess tests' Clock::advance + Clock::settle), and
// reports what happened at each step. Half-second steps land exactly on every allocation
// tick (whole seconds after the tour's world started) and on every timer the tour arms
// (at half seconds), so a timer never fires late and two timers never race.
func (s *Session) advanceCmd(c *Command) (string, error) {
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("advance: want \"advance DURATION\"")
	}
	d, err := time.ParseDuration(words[0])
	if err != nil || d <= 0 {
		return "", fmt.Errorf("advance %q: want a positive duration such as 5s", words[0])
	}
	if s.clk == nil {
		return "", errors.New("advance: no clock yet")
	}
	if s.lib != nil && len(s.lib.blocked) > 0 {
		return "", errors.New("advance: an actor is blocked; release it first")
	}
	const step = 500 * time.Millisecond
	var out []string
	for left := d; left > 0; left -= step {
		s.clk.step(min(step, left))
		lines, err := s.afterStep()
		if err != nil {
			return "", fmt.Errorf("advance: %w", err)
		}
		out = append(out, lines...)
	}
	head := fmt.Sprintf("clock now %s", s.clockText())
	if len(out) == 0 {
		return head + " (nothing happened)", nil
	}
	return head + "\n" + strings.Join(out, "\n"), nil
}

// afterStep collects what the worlds report after one step of the clock.
func (s *Session) afterStep() ([]string, error) {
	var out []string
	if s.alloc != nil {
		out = append(out, s.alloc.newCycles(s)...)
	}
	if s.offers != nil {
		lines, err := s.offers.newEvents(s)
		if err != nil {
			return nil, err
		}
		out = append(out, lines...)
	}
	if s.mara != nil {
		lines, err := s.mara.afterStep(s)
		if err != nil {
			return nil, err
		}
		out = append(out, lines...)
	}
	if s.cont != nil {
		lines, err := s.cont.afterStep(s)
		if err != nil {
			return nil, err
		}
		out = append(out, lines...)
	}
	return out, nil
}

// clockText is the clock's time relative to the start of the world.
func (s *Session) clockText() string {
	return formatOffset(s.clk.Now().Sub(s.t0))
}

// --- argument helpers ---

// bareArgs returns the arguments without "=".
func bareArgs(c *Command) []string {
	var out []string
	for _, a := range c.Args {
		if !a.HasValue {
			out = append(out, a.Key)
		}
	}
	return out
}

// multiArg returns every value given for key, in order ("arg=a arg=b").
func multiArg(c *Command, key string) []string {
	var out []string
	for _, a := range c.Args {
		if a.HasValue && a.Key == key {
			out = append(out, a.Value)
		}
	}
	return out
}

func stringArg(c *Command, key string) (string, bool) {
	for _, a := range c.Args {
		if a.HasValue && a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

func intArg(c *Command, key string, def int) (int, error) {
	v, ok := stringArg(c, key)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %s=%q: want an integer", c.Name, key, v)
	}
	return n, nil
}

func boolArg(c *Command, key string, def bool) (bool, error) {
	v, ok := stringArg(c, key)
	if !ok {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s: %s=%q: want true or false", c.Name, key, v)
	}
	return b, nil
}

func durationArg(c *Command, key string, def time.Duration) (time.Duration, error) {
	v, ok := stringArg(c, key)
	if !ok {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s: %s=%q: want a duration such as 5s", c.Name, key, v)
	}
	return d, nil
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
