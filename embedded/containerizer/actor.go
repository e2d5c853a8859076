package containerizer

import (
	"context"
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
}

// SpawnProcess creates the Mesos containerizer with cfg and spawns it on rt as
// rt.GenerateID("mesos-containerizer"), the id Mesos uses. cfg.OnTransition and
// cfg.OnTerminated, if set, are still called, after the process records the event.
func SpawnProcess(rt *process.Runtime, cfg Config) (*Process, error) {
	p := &Process{}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	userTransition, userTerminated := cfg.OnTransition, cfg.OnTerminated
	cfg.OnTransition = func(t Transition) {
		// Called on the containerizer's goroutines: hand the event to the process.
		process.Do(rt, p.Self(), "transition", func() { p.recordTransition(t) })
		if userTransition != nil {
			userTransition(t)
		}
	}
	cfg.OnTerminated = func(id ContainerID, t Termination) {
		process.Do(rt, p.Self(), "terminated", func() {
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
	return process.DispatchFuture(p.Runtime(), p.Self(), name, func() *process.Future[R] {
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
	return call(p, "launch", func(ctx context.Context) (LaunchResult, error) { return p.m.Launch(ctx, id, cfg) })
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
