// Package inspector is mesoscope's read side: a client of the HTTP APIs of any Apache
// Mesos master (0.28–1.11) or of mesoscope's own master, plain view models of what
// it reads, one canonical text rendering per model, tables for the CLI, and the
// "why is this waiting" explainer. It never imports mesoscope's embedded cluster;
// everything it knows arrives over HTTP (or as bytes from a file), so the CLI, the
// TUI and the walkthroughs show a real cluster and the embedded one the same way.
//
// # What it reads
//
//	Client ──► leader (307 / /master/redirect) ──► /api/v1   GET_STATE, GET_METRICS, SUBSCRIBE (RecordIO) …
//	                                               /master/state, /master/roles, /master/state-summary …
//	                                               /metrics/snapshot (≤ 2/s), /__processes__, /version, /master/flags
//	                                               /mesoscope/v1/… (mesoscope only; probed once)
//	       ──► agents ──────────────────────────► /state, /containers, /monitor/statistics
//	       ──► Marathon ────────────────────────► /v2/queue?embed=lastUnusedOffers, /v2/info, /v2/apps
//
// Decoders (DecodeState, DecodeRoles, DecodeMetrics, DecodeProcesses,
// DecodeContainers, DecodeEvent, …) accept every shape those versions emit: v0
// "slaves"/"slave_id" and v1 "agents"/"agent_id"; v0 resource maps
// ({"cpus": 4, "ports": "[31000-32000]"}) and v1 Resource lists; float-second times
// and v1 TimeInfo {"nanoseconds": n}; ids as strings or {"value": …}; fields missing
// in older versions. They are hand-written over a single-pass scanner
// (internal/jsonscan) so a /master/state of 10,000 agents and 100,000 tasks decodes
// in well under a second without intermediate structs.
//
// # View models
//
// Cluster, Agent, Framework, Role, Task, Executor, Offer, Container, Actor and
// Metrics are exported plain data with JSON tags and DeepCopy methods; a Snapshot
// groups them with where and when they were read, and an Index looks them up by
// id. DescribeAgent, DescribeFramework, DescribeTask, … give the one canonical text
// form of each (golden-tested); RenderAgents, RenderTasks, … give go-pretty tables
// in table, wide, csv and markdown form, or JSON.
//
// # Why is this waiting
//
// Explain answers for a framework, a role or a Marathon app. Its best-effort half
// works on any Mesos master from the state, roles and metrics: framework activity
// and suppression (master/frameworks/<name>/<id>/roles/<role>/suppressed), the DRF
// order by dominant share (allocator/mesos/roles/<role>/shares/dominant, weighted
// as DRFSorter::calculateShare is), quota limits, active offer filters
// (allocator/mesos/offer_filters/roles/<role>/active), outstanding offers, and per
// agent whether a demand fits in what is free for the role. The framework-side half
// reads Marathon's /v2/queue funnel. The exact half is the AllocatorExplainer
// interface, which mesoscope's master will serve from the allocator's recorded
// decisions; every answer says which half produced it.
//
// # Actor profiles and snapshot bundles
//
// ProfileActors polls /__processes__ (and /mesoscope/v1/processes) and builds a
// github.com/google/pprof profile whose stacks are process → event type →
// message name, with "queued_events/count" summed over polls and, on
// mesoscope, "handled_events/count" and "busy/nanoseconds" as deltas over the
// window; WriteProfile writes it gzipped for `go tool pprof`. Real libprocess
// exposes only the queues, so on Mesos a profile shows where events wait, not
// where time is spent.
//
// SaveBundle writes a master's raw payloads to one tar.gz with a manifest.json:
// state, state-summary, roles, metrics, /__processes__, /version and
// /master/flags (and GET_VERSION, GET_FLAGS); on mesoscope its processes, the
// allocator's recorded cycles and its explanation of every framework, and the
// spans; optionally every agent's /state, /containers and /monitor/statistics,
// and Marathon's /v2/info, /v2/apps and launch queue. LoadBundle reads one
// back (any format version from MinBundleFormatVersion on) within size
// limits, rejecting path traversal, links and unlisted entries, and
// Bundle.Client returns a Client whose http.RoundTripper answers from the
// bundle, so every reader works on a bundle as on a live master (or Marathon).
// A bundle answers /master/redirect with 200 (the saved master is the leader),
// matches query strings except the parameters that only bound an answer
// (timeout, limit), and 404s anything not saved; its client's clock starts at
// the capture time.
//
// # Where it deliberately differs from Mesos
//
//   - Resources are flattened as the v0 JSON does (src/common/http.cpp
//     json(Resources)): scalars summed by name, revocable ones as "<name>_revocable";
//     reservations are kept per agent (Agent.Reserved) but not per resource.
//     Scalar arithmetic rounds to Mesos's three-decimal fixed point.
//   - Agent.FreeFor approximates what the allocator could offer a role: v0 does not
//     say which reservation "used" came out of, so reservations are assumed to be
//     used first (ports are exact).
//   - The DRF order cannot see the sorter's allocation counts, so ties break by role
//     name only; shares without metrics are estimated from /master/roles and marked.
//   - RecordIO decoding follows stout's recordio::Decoder (digits-only header, zero
//     length allowed) but bounds record size instead of buffering without limit.
//   - TaskStatus timestamps are rounded to microseconds: they are float seconds on
//     the wire and carry no more precision than that.
//   - /metrics/snapshot requests are spaced ≥ 500 ms apart per client to stay within
//     libprocess's default rate limit of 2/s; GET_METRICS is preferred.
package inspector
