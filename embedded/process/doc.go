// Package process is mesoscope's libprocess: the actor runtime the embedded master,
// allocator, agents and containerizer run on, written as the Go twin of Mesos's
// 3rdparty/libprocess so that a learner can read one beside the other.
//
// # The model
//
// A process is a Go value that embeds Base and is spawned on a Runtime under an id; its
// PID is "id@ip:port" (pid.go, libprocess pid.hpp). Everything that happens to a process
// is an event in its one queue, and there are exactly libprocess's five kinds
// (event.go, include/process/event.hpp):
//
//	MESSAGE    a named message from another process (Send, Install)
//	DISPATCH   a function to run on the process (Dispatch, Do, Defer, Delay)
//	HTTP       a request to one of its routes (Route, /<id>/<path>)
//	EXITED     a linked process terminated or its connection broke (Link)
//	TERMINATE  the process must stop (Terminate, with or without inject)
//
// When an idle process receives an event it is put on the run queue; a pool of worker
// goroutines takes processes off it and resumes each one by serving every event in its
// queue back to back until it is empty (runtime.go resume, libprocess
// ProcessManager::resume). A process therefore never runs concurrently with itself, and
// its handlers need no locks for its own state.
//
// The queue (mailbox.go) is a lock-free stack whose top word is also the process's
// BLOCKED/READY state: a send is one compare-and-swap that both enqueues and tells the
// sender whether to schedule the process, and the worker takes everything queued with
// one swap and serves it oldest first, with no atomic read-modify-write per event.
// Queue nodes are recycled through per-worker caches (nodes.go). A worker takes up to
// its share of the READY processes at once (runqueue.go), and on a one-worker runtime
// the processes a handler makes READY are pushed together when it returns.
//
// Futures and promises follow libprocess (future.go): PENDING, READY, FAILED, DISCARDED,
// with "abandoned" for a pending future whose promise is gone; callbacks run
// synchronously; Discard is only a request; Then, Recover, After compose them.
//
// All timers go through the runtime's Clock (clock.go), which tests Pause, Advance and
// Settle exactly as libprocess tests do, so every timeout is deterministic.
//
// Each runtime can serve HTTP (http.go): /<id>/<path> is routed to the process id as an
// HTTP event (longest prefix first, trailing "/" ignored, paths with "/.." refused), a
// first segment that is not a process id goes to the Delegate ("master"), and the
// built-in processes answer /__processes__ (builtins.go, libprocess's exact JSON shape),
// /metrics/snapshot (metrics.go: counters, gauges, pull gauges evaluated on their owner,
// timers with p50..p9999 windows; rate limited to 2/s like Mesos) and /help.
//
// Messages to another runtime (another OS process) use libprocess's wire format
// (remote.go): POST /<to-id>/<name> with Libprocess-From and User-Agent
// "libprocess/<from>", chunked, on one persistent connection per destination so that
// messages to one destination stay in order; the receiver answers 202 or 404. Link to a
// remote process fires EXITED when that connection breaks, as in libprocess.
//
// # Where mesoscope differs from libprocess, on purpose
//
//   - Worker count defaults to the number of CPUs, not max(8, cpus): handlers here never
//     block a worker waiting on another process, which is what the "at least 8" rule
//     (MESOS-818) protects against in libprocess's own tests. Override with
//     Config.Workers or LIBPROCESS_NUM_WORKER_THREADS (1..1024).
//   - Message bodies are Go values locally and JSON (or raw bytes) on the wire; mesoscope
//     does not speak Mesos's internal protobufs.
//   - /__processes__ reads each queue directly instead of dispatching into every
//     process, so a process stuck in a long handler shows its backlog instead of hanging
//     the endpoint. Like libprocess's, the snapshot of a process that is busy draining
//     its queue is not atomic; for a process held in one handler it is exact.
//   - The run queue is popped in batches (up to a worker's share of the queue) rather
//     than one process per lock, and on a one-worker runtime pushed in batches too (the
//     processes one handler made READY); a send from a handler takes no lock except,
//     now and then, to refill its worker's node cache. mesoscope's richer view (depths per kind, oldest event age, events
//     handled) is /mesoscope/v1/processes.
//   - A panicking handler does not abort the program (libprocess LOG(FATAL)s): the panic
//     is logged, the event's future fails or its HTTP request gets 500, and the process
//     continues.
//   - Several runtimes can live in one OS process, each with its own clock, which is how
//     an in-process cluster runs a master and several agents.
//   - ParsePID accepts IP literals and "localhost" only; it never resolves names.
//
// # Observing
//
// The runtime calls an observe.Observer for each dispatch (begin/end, with queue wait),
// message send (with a header for trace context, carried across the wire as HTTP
// headers) and point event. With no observer the cost is a nil check per event.
package process
