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
// models, from the one reviewed table in sources.go.
//
// Sending a message from inside a dispatch injects a W3C traceparent (and tracestate)
// into the message's observe.Header; the runtime carries it with the event, and across
// OS processes as HTTP headers of the libprocess-format POST, so the receiver's
// dispatch span is a child of the sender's and a causal chain is one trace. A send made
// outside any dispatch (a timer, a test) carries nothing: its receiver starts a trace.
//
// Point events (observe.Event: allocation.cycle, allocation.decision, agent.unreachable,
// later offers, containers, tasks) become span events on the span of the dispatch they
// happened in; WithEventSpans turns chosen types into child spans instead (the offer,
// allocation-cycle, container and task spans of the tracing issue plug in there). An
// event outside any dispatch is a zero-length span of its own.
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
// # Where it differs
//
// Mesos 1.11.0 has no tracing at all; this package is mesoscope's own. Deliberate
// choices: one Tracer per runtime (worker indexes key its rings); an unsampled root
// forwards a tracer-wide traceparent with the not-sampled flag (its ids mean nothing,
// only the flag is read), and an unsampled child forwards the header it received
// unchanged, so neither allocates — an observer combined through observe.Multi must
// therefore not write into a header it did not create; the Go handler's
// code.function.name is not recorded (the runtime does not expose the handler).
package tracer
