// Package observe is the one seam between the embedded Mesos and whoever watches it.
//
// The actor runtime (embedded/process), and later the allocator, master, agent and
// containerizer, call an Observer for every event worth observing: the begin and end of
// each handled event (a "dispatch", with its queue wait), each message sent between
// processes (with a Header map that carries trace context such as W3C traceparent), and
// point events (an offer made, an allocation decision, a container or task changing state).
//
// The package is stdlib only and knows nothing of OpenTelemetry: the tracer package
// implements Observer with it, tests implement it with recorders, and the default is no
// observer at all. Cost when nobody listens is one predictable branch per event: the
// runtime stores a nil Observer and checks it. An installed observer says which hooks it
// wants through Needs, so an observer that only wants point events costs nothing on the
// dispatch hot path, and one that does not want timestamps does not pay for reading the
// clock.
//
// Hooks are called synchronously on runtime goroutines (the worker running the process,
// or the goroutine sending a message). They must not block and must not retain the
// *Dispatch or *Message they are handed past the call: the runtime reuses them.
package observe
