package walkthroughs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/mesoscope/mesoscope/embedded/process"
)

// dispatchCmd: dispatch TO add N as=F — a DISPATCH event with a result
// (process::dispatch returning a Future).
func (s *Session) dispatchCmd(c *Command) (string, error) {
	e, err := s.libEnv("dispatch")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 3 || words[1] != "add" {
		return "", errors.New("dispatch: want \"dispatch TO add N as=NAME\"")
	}
	a, err := e.actor("dispatch", words[0])
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(words[2])
	if err != nil {
		return "", fmt.Errorf("dispatch: add %q: %w", words[2], err)
	}
	name, ok := stringArg(c, "as")
	if !ok || name == "" {
		return "", errors.New("dispatch: want as=NAME for the future")
	}
	f := process.Dispatch(e.rt, a.Self(), "add", func() (int, error) { return a.add(n) })
	e.futures[name] = f
	if err := e.settle(); err != nil {
		return "", fmt.Errorf("dispatch: %w", err)
	}
	return e.report(fmt.Sprintf("%s = dispatch(%s, add, %d): %s", name, a.name, n, describeFuture(f))), nil
}

func describeFuture(f *process.Future[int]) string {
	v, err := f.Get()
	switch {
	case err == nil:
		return fmt.Sprintf("READY %d", v)
	case errors.Is(err, process.ErrAbandoned):
		return "PENDING and abandoned: its promise is gone, it will never complete"
	case errors.Is(err, process.ErrPending):
		return "PENDING"
	}
	return fmt.Sprintf("%s: %v", f.State(), err)
}

// futureCmd: future F — the state of a future.
func (s *Session) futureCmd(c *Command) (string, error) {
	e, err := s.libEnv("future")
	if err != nil {
		return "", err
	}
	var out []string
	for _, name := range bareArgs(c) {
		f := e.futures[name]
		if f == nil {
			return "", fmt.Errorf("future: no future %q", name)
		}
		out = append(out, name+": "+describeFuture(f))
	}
	return strings.Join(out, "\n"), nil
}

// onReadyCmd: on-ready F [defer=NAME] — a callback on a future: synchronous (it runs
// wherever the future completes) or deferred to an actor (process::defer).
func (s *Session) onReadyCmd(c *Command) (string, error) {
	e, err := s.libEnv("on-ready")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("on-ready: want \"on-ready FUTURE [defer=ACTOR]\"")
	}
	name := words[0]
	f := e.futures[name]
	if f == nil {
		return "", fmt.Errorf("on-ready: no future %q", name)
	}
	if target, ok := stringArg(c, "defer"); ok {
		a, err := e.actor("on-ready", target)
		if err != nil {
			return "", err
		}
		f.OnReady(process.Defer(&a.Base, "continuation", func(v int) {
			e.tr.add("%s: continuation(%s = %d), a DISPATCH that defer sent to %s", a.name, name, v, a.name)
		}))
	} else {
		var registering atomic.Bool
		registering.Store(true)
		f.OnReady(func(v int) {
			where := "on a goroutine outside every actor"
			if registering.Load() {
				where = "at once, in the caller of OnReady: the future was already READY"
			} else if running := e.obs.inHandler(); len(running) == 1 {
				for p, ev := range running {
					where = fmt.Sprintf("inside %s's handler (%s), which completed the future", p, ev)
				}
			}
			e.tr.add("callback(%s = %d) ran %s", name, v, where)
		})
		registering.Store(false)
	}
	if err := e.settle(); err != nil {
		return "", fmt.Errorf("on-ready: %w", err)
	}
	return e.report(fmt.Sprintf("%s: %s", name, describeFuture(f))), nil
}
