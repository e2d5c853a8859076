package containerizer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// Process is the containerizer as a libprocess-style process, like
// MesosContainerizerProcess behind MesosContainerizer (src/slave/containerizer/mesos/
// containerizer.cpp): callers get futures, and every state transition becomes a
// "container.state" point event of the process, so observers (the tracer) see each
// container walk STARTING → ... → DESTROYING with timestamps.
//
// The Mesos core it drives blocks while processes fork, fetch and die; the process runs
// those calls on goroutines it owns and completes the futures from them, so its own
// queue never waits on a child process. Spawn it with SpawnProcess; stop it by
// terminating its PID (Finalize closes the containerizer and waits for the goroutines).
type Process struct {
	process.Base
	m      *Mesos
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// origins holds, per container being launched or running, the context of the launch
	// call that created it: its transitions are dispatched through it, so observers see
	// them in the launch's trace. Written from the process's handlers and read from the
	// containerizer's goroutines.
	mu      sync.Mutex
	origins map[string]*process.Carried
}

// SpawnProcess creates the Mesos containerizer with cfg and spawns it on rt as
// rt.GenerateID("mesos-containerizer"), the id Mesos uses. cfg.OnTransition and
// cfg.OnTerminated, if set, are still called, after the process records the event.
func SpawnProcess(rt *process.Runtime, cfg Config) (*Process, error) {
	p := &Process{origins: map[string]*process.Carried{}}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	userTransition, userTerminated := cfg.OnTransition, cfg.OnTerminated
	cfg.OnTransition = func(t Transition) {
		// Called on the containerizer's goroutines: hand the event to the process.
		process.Do(p.origin(rt, t.ContainerID, false), p.Self(), "transition", func() { p.recordTransition(t) })
		if userTransition != nil {
			userTransition(t)
		}
	}
	cfg.OnTerminated = func(id ContainerID, t Termination) {
		process.Do(p.origin(rt, id, true), p.Self(), "terminated", func() {
			p.Event("container.terminated",
				observe.Attr{Key: "mesos.container_id", Value: id.String()},
				observe.Attr{Key: "mesos.task_state", Value: string(t.State)},
				observe.Attr{Key: "mesos.reason", Value: string(t.Reason)},
				observe.Attr{Key: "mesos.message", Value: t.Message})
		})
		if userTerminated != nil {
			userTerminated(id, t)
		}
	}
	m, err := New(cfg)
	if err != nil {
		p.cancel()
		return nil, err
	}
	p.m = m
	if _, err := rt.Spawn(rt.GenerateID("mesos-containerizer"), p); err != nil {
		p.cancel()
		m.Close()
		return nil, fmt.Errorf("containerizer: spawn process: %w", err)
	}
	return p, nil
}

// origin returns the context to report container id's events from: the launch call's,
// or rt for containers the process did not launch (recovered ones). forget drops it (the
// container terminated).
func (p *Process) origin(rt *process.Runtime, id ContainerID, forget bool) process.Context {
	key := id.String()
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.origins[key]
	if !ok {
		return rt
	}
	if forget {
		delete(p.origins, key)
	}
	return c
}

func (p *Process) recordTransition(t Transition) {
	p.Event("container.state",
		observe.Attr{Key: "mesos.container_id", Value: t.ContainerID.String()},
		observe.Attr{Key: "mesos.container_state_from", Value: t.From.String()},
		observe.Attr{Key: "mesos.container_state", Value: t.To.String()},
		observe.Attr{Key: "mesos.container_state_time", Value: t.Time.UTC().Format(time.RFC3339Nano)},
		observe.Attr{Key: "mesos.container_state_from_duration", Value: t.Since.String()})
}

// Finalize cancels calls in flight, waits for them, and closes the containerizer.
func (p *Process) Finalize() {
	p.cancel()
	p.wg.Wait()
	p.m.Close()
}

// Containerizer returns the Mesos containerizer the process drives (for reads such as
// Snapshot; use the process's methods to change it).
func (p *Process) Containerizer() *Mesos { return p.m }

// call runs fn on a goroutine the process owns and returns its future, completed from
// that goroutine. The dispatch keeps the call in order with the process's other events.
func call[R any](p *Process, name string, fn func(ctx context.Context) (R, error)) *process.Future[R] {
	return callAs(p, p.Runtime(), name, nil, fn)
}

// callAs is call dispatched from the caller's context from (so observers parent the
// call to the caller's handler), with before, when non-nil, run in the process's
// dispatch first.
func callAs[R any](p *Process, from process.Context, name string, before func(), fn func(ctx context.Context) (R, error)) *process.Future[R] {
	return process.DispatchFuture(from, p.Self(), name, func() *process.Future[R] {
		if before != nil {
			before()
		}
		pr := process.NewPromise[R]()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			v, err := fn(p.ctx)
			if err != nil {
				pr.Fail(err)
				return
			}
			pr.Set(v)
		}()
		return pr.Future()
	})
}

// Launch launches a container (Containerizer::launch); the future is ready once it is
// RUNNING, or failed with a *LaunchError.
func (p *Process) Launch(id ContainerID, cfg ContainerConfig) *process.Future[LaunchResult] {
	return p.LaunchFrom(p.Runtime(), id, cfg)
}

// LaunchFrom is Launch called from a process's handler: from is the caller (its
// *process.Base), so observers see the launch, and every state the container goes
// through until it terminates, as part of the caller's work (the tracer puts the
// container in the trace of the task that asked for it).
func (p *Process) LaunchFrom(from process.Context, id ContainerID, cfg ContainerConfig) *process.Future[LaunchResult] {
	remember := func() {
		// The launch dispatch is a child of the caller's (the agent's RunTaskMessage
		// handler): the container's transitions are reported in its context.
		c := process.Carry(&p.Base)
		p.mu.Lock()
		if _, dup := p.origins[id.String()]; !dup { // a duplicate launch fails; keep the first
			p.origins[id.String()] = c
		}
		p.mu.Unlock()
	}
	return callAs(p, from, "launch", remember, func(ctx context.Context) (LaunchResult, error) {
		r, err := p.m.Launch(ctx, id, cfg)
		if err != nil {
			// A launch that failed before the container existed reports no
			// termination; do not keep its context.
			if _, serr := p.m.Status(ctx, id); errors.Is(serr, ErrUnknownContainer) {
				p.mu.Lock()
				delete(p.origins, id.String())
				p.mu.Unlock()
			}
		}
		return r, err
	})
}

// Wait completes with the container's termination (Containerizer::wait); nil for an
// unknown container.
func (p *Process) Wait(id ContainerID) *process.Future[*Termination] {
	return call(p, "wait", func(ctx context.Context) (*Termination, error) { return p.m.Wait(ctx, id) })
}

// Destroy destroys the container (Containerizer::destroy).
func (p *Process) Destroy(id ContainerID) *process.Future[*Termination] {
	return call(p, "destroy", func(ctx context.Context) (*Termination, error) { return p.m.Destroy(ctx, id) })
}

// Usage returns the container's statistics (Containerizer::usage).
func (p *Process) Usage(id ContainerID) *process.Future[ResourceStatistics] {
	return call(p, "usage", func(ctx context.Context) (ResourceStatistics, error) { return p.m.Usage(ctx, id) })
}

// Recover re-attaches to the containers of a previous run (Containerizer::recover).
func (p *Process) Recover(known []ContainerID) *process.Future[struct{}] {
	return call(p, "recover", func(ctx context.Context) (struct{}, error) { return struct{}{}, p.m.Recover(ctx, known) })
}
