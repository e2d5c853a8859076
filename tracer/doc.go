// Package tracer turns the embedded Mesos's runtime events into OpenTelemetry traces.
//
// A *Tracer is an observe.Observer (embedded/observe is the only seam: nothing under
// embedded/ imports OpenTelemetry). Install it as the runtime's Observer and Attach the
// runtime so monotonic dispatch times become wall times:
//
//	tr, err := tracer.New(tracer.WithServiceName("mesoscope-master"), tracer.WithLogger(log))
//	rt, err := process.New(process.Config{Observer: tr, ...})
//	tr.Attach(rt)
//	defer tr.Shutdown(ctx) // after rt.Stop
//
// # What becomes a span
//
// Every dispatch a process handles (libprocess's MESSAGE, DISPATCH, HTTP, EXITED and
// TERMINATE events, 3rdparty/libprocess/include/process/event.hpp) is one span named
// "<process> <event>", where <process> is the process id without the "(N)" suffix of
// libprocess's ID::generate ("slave-observer mesos.internal.PongSlaveMessage"), so names
// stay low-cardinality. Attributes: mesos.process.id (the full id), mesos.event.type,
// mesos.event.name, mesos.queue.wait_ns, mesos.message.from, mesos.worker, and
// mesos.source.path / mesos.source.function: the Mesos 1.11.0 function the handler
// models, from the one reviewed table in sources.go (the master's, the agent's, the
// allocator's, the containerizer's and libprocess's handlers), and code.function.name,
// code.file.path and code.line.number: the Go function that handled it, whose entry PC
// the runtime passes in observe.Dispatch.Handler and the exporter goroutine resolves
// (cached per PC). A method value given to process.Install (m.registerSlave) is a
// compiler-made "-fm" wrapper without a position, so the executable's own symbol table
// is read once, the first time one is met, to find the method behind each wrapper.
//
// Sending a message from inside a dispatch injects a W3C traceparent (and tracestate)
// into the message's observe.Header; the runtime carries it with the event, and across
// OS processes as HTTP headers of the libprocess-format POST, so the receiver's
// dispatch span is a child of the sender's and a causal chain is one trace. A send made
// outside any dispatch (a timer, a test) carries nothing: its receiver starts a trace.
//
// Point events (observe.Event) become span events on the span of the dispatch they
// happened in; WithEventSpans turns chosen types into child spans instead. An event
// outside any dispatch is a zero-length span of its own.
//
// # Offers, allocation cycles, tasks and containers
//
// Some point events make spans of their own, which outlive the dispatch:
//
//   - "allocator allocation cycle": each allocation.cycle event
//     (HierarchicalAllocatorProcess::_generateOffers) is a child of its dispatch, lasting
//     allocation.duration_ms and ending at the event, with the cycle's attributes (and
//     allocation.drf_order when the allocator gives it); the allocation.decision events
//     that follow it are its span events, one per framework and role.
//   - "offer": from offer.created (Master::offer), a child of the dispatch that made the
//     offer, to offer.closed, with offer.outcome accepted, declined, rescinded or
//     timed_out, the filter an ACCEPT or DECLINE set on what it left
//     (offer.refuse_seconds), a link to the dispatch that closed it and an offer.closed
//     event naming it.
//   - "task": from the master's TASK_STAGING (Master::_accept), a child of the dispatch
//     that handled the ACCEPT, to the master's terminal state (Master::updateTask); every
//     task.state of the master or an agent is a span event named by the state
//     (TASK_RUNNING), and the dispatches that reported them are linked. The span's id is
//     chosen on the hot path when TASK_STAGING happens, and the RunTaskMessage (or
//     RunTaskGroupMessage) the dispatch sends next carries it as the parent, so ACCEPT →
//     task → the agent's Slave::runTask → TASK_RUNNING is one trace.
//   - "container": from a container's first state (MesosContainerizerProcess::
//     transition) to container.terminated, with one child span per state, "container
//     STARTING" ... "container DESTROYING", in order.
//
// Their events come from different dispatches on different workers, so they reach the
// exporter goroutine through different rings, possibly out of order; they are queued
// with their dispatch's begin time and applied in that order, a periodic drain applying
// only those that began before the previous drain did (everything that causally
// precedes them has been collected by then); Flush and Shutdown apply them all. To close
// a span opened in a sampled dispatch whichever dispatch closes it, these events also
// leave unsampled dispatches (through the shared ring, without a span of their own)
// while any root can be sampled. A span still open at Shutdown ends there: an offer with
// offer.outcome "outstanding", a task or container with mesoscope.outstanding true.
//
// # Following a master that does not trace itself
//
// FollowMaster (the command mesoscope trace --master URL) subscribes to any Mesos
// master's v1 operator API event stream and exports a "task" span per task, from
// TASK_ADDED to its terminal TASK_UPDATED with every status update as an event, and a
// zero-length span per agent and framework event; it reconnects with backoff and
// resumes from the next SUBSCRIBED state without duplicating spans.
//
// # Cost
//
// DispatchBegin and DispatchEnd run on the worker goroutine and never allocate or touch
// the SDK: the sampling decision reads the incoming traceparent (or draws a trace id for
// a root), and a sampled dispatch is copied as a fixed-size record into that worker's
// preallocated single-producer ring. The Tracer's goroutine drains the rings every
// WithFlushInterval and builds real SDK spans with the ids and times the hot path chose
// (a preset IDGenerator and sampler), which go through the SDK's batch processors to the
// exporters. MessageSend allocates only for sampled dispatches (the header map, and the
// traceparent string once per dispatch). An unsampled dispatch costs the decision and,
// when it sends, a shared read-only header carrying the not-sampled flag.
//
// Sampling is OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default
// parentbased_always_on): roots are decided by the TraceIDRatioBased rule on the trace
// id, children follow the sampled flag of their traceparent.
//
// # Never silently losing spans
//
// A full ring drops the new record and counts it; the exporters' batch processors block
// rather than drop (so a slow exporter shows up as ring overflow), and failed exports
// are counted too. Stats (Spans, Dropped, ExportFailed) is free of OpenTelemetry for the
// caller to publish as metrics; the first overflow and the first export failure are
// logged once through the slog.Logger given with WithLogger.
//
// # Set-up
//
// Exporters: OTLP over gRPC or HTTP/protobuf (WithOTLP, or OTEL_EXPORTER_OTLP_ENDPOINT,
// _PROTOCOL, _HEADERS and their _TRACES_ variants, OTEL_TRACES_EXPORTER), stdout as
// indented JSON (WithStdout), any SpanExporter or SpanProcessor (tests use tracetest),
// and always an in-memory ring (Memory) that tests and the TUI read and that serves
// /mesoscope/v1/spans as JSON. Flags.Register adds --trace_exporter, --otlp_endpoint,
// --otlp_protocol, --trace_sampler, --trace_sampler_arg and --pprof_labels to a command.
// The resource carries service.name (WithServiceName: mesoscope-master,
// mesoscope-agent, mesoscope-marathon; OTEL_SERVICE_NAME wins), host.name, process.pid,
// process.executable.path, the Go runtime, and OTEL_RESOURCE_ATTRIBUTES.
//
// pprof: with WithPprofLabels (default on) every dispatch runs with goroutine labels
// process=<id> and event=<name> (cached label contexts, no allocation), so
// "go tool pprof -tagfocus process=master" attributes CPU to one actor.
//
// Frameworks: SchedulerCalls gives a v1 scheduler client (schedclient.CallObserver) a
// client span per call ("marathon ACCEPT") whose traceparent goes with the call, so the
// master's handling of an ACCEPT, and the task and container it starts, join the
// framework's trace; HTTPServer gives an HTTP server outside the runtime (the
// Marathon's REST API) a server span per request that continues an incoming
// traceparent. `mesoscope marathon` and the demo's Marathon use both, as service
// mesoscope-marathon.
//
// Service names follow OS processes and runtimes: `mesoscope master` and `mesoscope
// agent` are mesoscope-master and mesoscope-agent; in `mesoscope demo` and `mesoscope
// local` the master, its allocator and the agents share one runtime, so their spans are
// all mesoscope-master (the process.id attribute tells slave(1) from master), while the
// demo's Marathon has a tracer, and so a service, of its own.
//
// Cost: Needs asks only for what the sampler can use. With always_off (or a ratio of 0
// that is not parent-based) the tracer asks for no hook at all; with a parent-based
// sampler that samples no roots (the "off" setting) the dispatch hooks run only around
// events that carry a context (observe.NeedHeaderDispatch), unless pprof labels are on;
// otherwise every dispatch is hooked, with enqueue stamps for the queue wait, and only a
// sampled dispatch reads the clock at its begin and end.
//
// # Where it differs
//
// Mesos 1.11.0 has no tracing at all; this package is mesoscope's own. Deliberate
// choices: one Tracer per runtime (worker indexes key its rings); an unsampled root
// forwards a tracer-wide traceparent with the not-sampled flag (its ids mean nothing,
// only the flag is read), and an unsampled child forwards the header it received
// unchanged, so neither allocates — an observer combined through observe.Multi must
// therefore not write into a header it did not create.
//
// The Go handler is the function handed to the runtime: work the allocator dispatches
// through its own wrapper (Allocator.do) is attributed to that wrapper's closure, and
// EXITED and TERMINATE events have none. Container spans are in the ACCEPT's trace: the
// agent calls the containerizer from its RunTaskMessage handler (Process.LaunchFrom), and
// the containerizer reports each transition of that container, from its own goroutines,
// through a process.Carry of the launch dispatch, so the chain is ACCEPT → task →
// RunTaskMessage → containerizer launch → transition → container → its states. Containers
// the containerizer did not launch in this run (recovered after an agent restart) are in
// traces of their own. A task span needs
// the master's TASK_STAGING on the same runtime: an agent traced in another OS process
// reports its task.state events as span events of its dispatches only. The allocation
// cycle span carries the DRF role order only if the allocator's allocation.cycle event
// has it (allocation.drf_order).
package tracer
