package walkthroughs

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/process"
)

// walkAddress is the address written in the PIDs of every tour's runtime, so that
// outputs do not depend on a port picked at random: a master's usual address.
var walkAddress = netip.MustParseAddrPort("127.0.0.1:5050")

// syncTimeout bounds how long a command waits for the runtime to finish what it
// started; reaching it means the tour (or the code) is broken, not that time matters.
const syncTimeout = 10 * time.Second

// syncName labels the dispatches the tour uses as barriers; the recorder skips them.
const syncName = "walkthrough.sync"

// libprocessEnv is the libprocess tour's world: a runtime on a paused clock and the
// demo actors spawned on it.
type libprocessEnv struct {
	rt      *process.Runtime
	tr      *transcript
	obs     *recorder
	actors  map[string]*actor
	order   []string // actor names, in spawn order
	futures map[string]*process.Future[int]
	blocked map[string]*actor
}

// runtimeCmd: runtime workers=N — a process.Runtime (libprocess's ProcessManager).
func (s *Session) runtimeCmd(c *Command) (string, error) {
	if s.lib != nil {
		return "", errors.New("runtime: already started")
	}
	workers, err := intArg(c, "workers", 2)
	if err != nil {
		return "", err
	}
	obs := newRecorder()
	observer, attach, err := s.observer("runtime", obs)
	if err != nil {
		return "", err
	}
	rt, err := process.New(process.Config{
		Workers: workers, Address: walkAddress, Observer: observer, Logger: s.logger,
		MetricsRateLimit: process.RateLimit{Permits: -1},
	})
	if err != nil {
		return "", fmt.Errorf("runtime: %w", err)
	}
	attach(rt)
	rt.Clock().Pause()
	s.lib = &libprocessEnv{rt: rt, tr: &transcript{}, obs: obs, actors: map[string]*actor{},
		futures: map[string]*process.Future[int]{}, blocked: map[string]*actor{}}
	s.setClock(rt)
	rt.Settle()
	out := fmt.Sprintf("runtime at %s with %d workers (libprocess would start max(8, cpus))", rt.Address(), rt.Workers())
	procs, err := s.lib.processes(nil)
	if err != nil {
		return "", err
	}
	return out + "\n" + procs, nil
}

func (s *Session) libEnv(cmd string) (*libprocessEnv, error) {
	if s.lib == nil {
		return nil, fmt.Errorf("%s: no runtime yet (run \"runtime\" first)", cmd)
	}
	return s.lib, nil
}

func (e *libprocessEnv) actor(cmd, name string) (*actor, error) {
	a := e.actors[name]
	if a == nil {
		return nil, fmt.Errorf("%s: no actor %q (spawned: %s)", cmd, name, strings.Join(e.order, ", "))
	}
	return a, nil
}

// settle waits until everything the last command started has run: with no actor
// blocked, Runtime.Settle (libprocess Clock::settle); with some blocked, a barrier
// dispatch to every other actor, repeated until nothing more happens; with every
// worker held, nothing can run and there is nothing to wait for.
func (e *libprocessEnv) settle() error {
	switch {
	case len(e.blocked) == 0:
		e.rt.Settle()
		return nil
	case len(e.blocked) >= e.rt.Workers():
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	for round := 0; round < 8; round++ {
		before := e.tr.count()
		for _, name := range e.order {
			a := e.actors[name]
			if e.blocked[name] != nil || !e.rt.Exists(a.Self()) {
				continue
			}
			f := process.Dispatch(e.rt, a.Self(), syncName, func() (struct{}, error) { return struct{}{}, nil })
			if _, err := f.Await(ctx); err != nil && !errors.Is(err, process.ErrAbandoned) {
				return fmt.Errorf("waiting for %s: %w", name, err)
			}
		}
		if e.tr.count() == before {
			return nil
		}
	}
	return nil
}

// report is the transcript since the last command, or "(nothing ran)".
func (e *libprocessEnv) report(head ...string) string {
	lines := append(head, e.tr.take()...)
	if len(lines) == 0 {
		return "(nothing ran)"
	}
	return strings.Join(lines, "\n")
}

// spawnCmd: spawn NAME... — Runtime.Spawn (ProcessManager::spawn).
func (s *Session) spawnCmd(c *Command) (string, error) {
	e, err := s.libEnv("spawn")
	if err != nil {
		return "", err
	}
	names := bareArgs(c)
	if len(names) == 0 {
		return "", errors.New("spawn: want actor names")
	}
	var head []string
	for _, name := range names {
		if e.actors[name] != nil {
			return "", fmt.Errorf("spawn %s: already spawned", name)
		}
		a := newActor(name, e.tr, e.obs)
		e.obs.watch(name)
		pid, err := e.rt.Spawn(name, a)
		if err != nil {
			return "", fmt.Errorf("spawn %s: %w", name, err)
		}
		e.actors[name] = a
		e.order = append(e.order, name)
		// Settle after each spawn so that the initialize() lines come in spawn order.
		if err := e.settle(); err != nil {
			return "", fmt.Errorf("spawn: %w", err)
		}
		head = append(head, "spawned "+pid.String())
		head = append(head, e.tr.take()...)
	}
	return e.report(head...), nil
}

// sendCmd: send TO ping [n=N] [from=NAME] — a MESSAGE event (ProcessBase::send, or
// post() from outside any process).
func (s *Session) sendCmd(c *Command) (string, error) {
	e, err := s.libEnv("send")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 2 || words[1] != "ping" {
		return "", errors.New("send: want \"send TO ping [n=N] [from=NAME]\"")
	}
	to, err := e.actor("send", words[0])
	if err != nil {
		return "", err
	}
	n, err := intArg(c, "n", 1)
	if err != nil {
		return "", err
	}
	fromName, _ := stringArg(c, "from")
	var from *actor
	if fromName != "" {
		if from, err = e.actor("send", fromName); err != nil {
			return "", err
		}
		if e.blocked[fromName] != nil {
			return "", fmt.Errorf("send: %s is blocked and cannot send", fromName)
		}
	}
	for range n {
		if from == nil {
			e.rt.Send(to.Self(), "ping", struct{}{})
			continue
		}
		process.Do(e.rt, from.Self(), "send ping", func() { from.Send(to.Self(), "ping", struct{}{}) })
	}
	if err := e.settle(); err != nil {
		return "", fmt.Errorf("send: %w", err)
	}
	return e.report(), nil
}

// blockCmd: block NAME — the actor runs a handler that holds its worker.
func (s *Session) blockCmd(c *Command) (string, error) {
	e, err := s.libEnv("block")
	if err != nil {
		return "", err
	}
	var out []string
	for _, name := range bareArgs(c) {
		a, err := e.actor("block", name)
		if err != nil {
			return "", err
		}
		if e.blocked[name] != nil {
			return "", fmt.Errorf("block %s: already blocked", name)
		}
		if len(e.blocked) >= e.rt.Workers() {
			return "", fmt.Errorf("block %s: every worker is already held", name)
		}
		if err := e.settle(); err != nil {
			return "", err
		}
		a.gate, a.entered = make(chan struct{}), make(chan struct{})
		if !process.Do(e.rt, a.Self(), "block", a.block) {
			return "", fmt.Errorf("block %s: the actor is gone", name)
		}
		select {
		case <-a.entered:
		case <-time.After(syncTimeout):
			return "", fmt.Errorf("block %s: its handler did not start (is every worker held?)", name)
		}
		e.blocked[name] = a
		e.obs.take() // the block itself starts the batch that release reports
		out = append(out, e.tr.take()...)
	}
	return strings.Join(out, "\n"), nil
}

// releaseCmd: release NAME... — open the gates; each actor then serves everything that
// queued up behind its handler, back to back (ProcessManager::resume).
func (s *Session) releaseCmd(c *Command) (string, error) {
	e, err := s.libEnv("release")
	if err != nil {
		return "", err
	}
	names := bareArgs(c)
	for _, name := range names {
		a := e.blocked[name]
		if a == nil {
			return "", fmt.Errorf("release %s: not blocked", name)
		}
		delete(e.blocked, name)
		close(a.gate)
	}
	if err := e.settle(); err != nil {
		return "", fmt.Errorf("release: %w", err)
	}
	out := e.report()
	batches := describeBatches(e.obs.take(), names)
	if batches != "" {
		out += "\n" + batches
	}
	return out, nil
}

// describeBatches says, for each released actor, which events it served and whether
// they all ran on the worker its blocking handler held: one resume, back to back.
func describeBatches(evs []served, names []string) string {
	var out []string
	for _, name := range names {
		var labels []string
		worker, same, first := -1, true, true
		for _, ev := range evs {
			if ev.Process != name || ev.Name == syncName {
				continue
			}
			if first {
				worker, first = ev.Worker, false
			} else if ev.Worker != worker {
				same = false
			}
			labels = append(labels, eventLabel(ev.Kind, ev.Name))
		}
		if len(labels) == 0 {
			continue
		}
		where := "on the worker its blocked handler held, back to back (one resume)"
		if !same {
			where = "on more than one worker"
		}
		out = append(out, fmt.Sprintf("%s served %s %s: %s", name, plural(len(labels), "queued event"), where, strings.Join(compact(labels), ", ")))
	}
	return strings.Join(out, "\n")
}

// plural renders "1 event", "2 events".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// compact turns runs of equal labels into "label ×n".
func compact(labels []string) []string {
	var out []string
	for i := 0; i < len(labels); {
		j := i
		for j < len(labels) && labels[j] == labels[i] {
			j++
		}
		if n := j - i; n > 1 {
			out = append(out, fmt.Sprintf("%s ×%d", labels[i], n))
		} else {
			out = append(out, labels[i])
		}
		i = j
	}
	return out
}

// terminateCmd: terminate NAME inject=BOOL — a TERMINATE event (process::terminate).
func (s *Session) terminateCmd(c *Command) (string, error) {
	e, err := s.libEnv("terminate")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("terminate: want \"terminate NAME inject=true|false\"")
	}
	a, err := e.actor("terminate", words[0])
	if err != nil {
		return "", err
	}
	inject, err := boolArg(c, "inject", true)
	if err != nil {
		return "", err
	}
	e.rt.Terminate(a.Self(), inject)
	if err := e.settle(); err != nil {
		return "", fmt.Errorf("terminate: %w", err)
	}
	head := fmt.Sprintf("terminate(%s, inject=%t)", a.Self(), inject)
	if !e.rt.Exists(a.Self()) {
		head += ": terminated"
	} else {
		head += ": TERMINATE queued"
	}
	return e.report(head), nil
}

// linkCmd: link FROM TO — FROM links to TO (ProcessBase::link).
func (s *Session) linkCmd(c *Command) (string, error) {
	e, err := s.libEnv("link")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 2 {
		return "", errors.New("link: want \"link FROM TO\"")
	}
	from, err := e.actor("link", words[0])
	if err != nil {
		return "", err
	}
	to := e.rt.PID(words[1])
	if a := e.actors[words[1]]; a != nil {
		to = a.Self()
	}
	process.Do(e.rt, from.Self(), "link", func() { from.Link(to) })
	if err := e.settle(); err != nil {
		return "", fmt.Errorf("link: %w", err)
	}
	return e.report(fmt.Sprintf("%s linked to %s", from.name, to)), nil
}

func (e *libprocessEnv) close(ctx context.Context) error {
	for name, a := range e.blocked {
		delete(e.blocked, name)
		close(a.gate)
	}
	return e.rt.Stop(ctx)
}
