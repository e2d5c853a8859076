package containerizer

import "context"

// Isolator isolates and accounts one kind of resource of a container. It
// models include/mesos/slave/isolator.hpp, synchronously: every method is
// called by the containerizer on the goroutine running the launch or
// destroy step, may block on I/O, and must be safe for concurrent use
// across containers.
type Isolator interface {
	// Name is the --isolation name, e.g. "posix/mem".
	Name() string
	// SupportsNesting says whether nested containers get their own
	// isolation; when false the isolator is skipped for them
	// (MesosContainerizerProcess::isSupportedByIsolator).
	SupportsNesting() bool
	// Recover re-attaches to containers found running after an agent
	// restart; orphans are about to be destroyed.
	Recover(ctx context.Context, recovered []RecoveredContainer, orphans []ContainerID) error
	// Prepare runs in PREPARING, before the shim is forked.
	Prepare(ctx context.Context, id ContainerID, cfg ContainerConfig) error
	// Isolate runs in ISOLATING with the pid of the container's init (shim).
	Isolate(ctx context.Context, id ContainerID, pid int) error
	// Watch registers limited, which the isolator calls at most once, on any
	// goroutine and without blocking, when the container hits a limit.
	Watch(id ContainerID, limited func(Limitation))
	// Update applies new resource requests.
	Update(ctx context.Context, id ContainerID, r Resources) error
	// Usage reports the statistics this isolator is responsible for.
	Usage(ctx context.Context, id ContainerID) (ResourceStatistics, error)
	// Cleanup runs while destroying, after every process is gone.
	Cleanup(ctx context.Context, id ContainerID) error
}

// Limitation is what an isolator reports when a container exceeds a limit
// (include/mesos/slave/isolator.proto ContainerLimitation).
type Limitation struct {
	Reason  Reason
	Message string
	// Resources names what was exceeded, e.g. "mem:80".
	Resources string
}

// RecoveredContainer is the state an isolator gets back on recovery
// (include/mesos/slave/containerizer.proto ContainerState).
type RecoveredContainer struct {
	ContainerID ContainerID
	PID         int
	Directory   string
	Config      ContainerConfig

	taskPID bool // PID is the task's (supervisor launcher), not a shim's
}
