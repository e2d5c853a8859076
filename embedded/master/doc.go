// Package master is mesoscope's Mesos master (src/master/master.cpp,
// src/master/http.cpp and src/master/readonly_handler.cpp of Mesos 1.11.0).
//
// One process, "master", owns every record: agents (master.go, agents.go),
// frameworks (framework.go), offers (offers.go) and tasks (tasks.go). It
// embeds the hierarchical allocator (embedded/allocator, process
// "allocator") and turns its decisions into offers (Master::offer), one per
// agent and role, with Mesos's ids: "<master id>-0000" for frameworks,
// "-S<n>" for agents, "-O<n>" for offers.
//
// Agents speak the internal protocol of src/messages/messages.proto
// (embedded/mesos messages): RegisterSlaveMessage/ReregisterSlaveMessage,
// StatusUpdateMessage, and the master sends RunTaskMessage, KillTaskMessage,
// StatusUpdateAcknowledgementMessage, ShutdownFrameworkMessage. Each agent
// gets a SlaveObserver (observer.go) that pings it every
// --agent_ping_timeout and marks it unreachable after
// --max_agent_ping_timeouts misses.
//
// Frameworks use the v1 scheduler API at /api/v1/scheduler (and
// /master/api/v1/scheduler): the checks, status codes and messages of
// Master::Http::scheduler, a RecordIO stream for SUBSCRIBE with a
// Mesos-Stream-Id and HEARTBEAT every 15 s, failover within
// failover_timeout, reconciliation (Master::reconcile), task
// validation with TASK_ERROR/REASON_TASK_INVALID, TASK_DROPPED/TASK_LOST on
// invalid offers or a vanished agent, TASK_UNREACHABLE for partition-aware
// frameworks.
//
// Operators use /api/v1 (GET_HEALTH, GET_VERSION, GET_FLAGS, GET_METRICS,
// GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_EXECUTORS, GET_TASKS, GET_ROLES,
// GET_WEIGHTS, UPDATE_WEIGHTS, GET_QUOTA, UPDATE_QUOTA, GET_MASTER,
// MARK_AGENT_GONE, TEARDOWN, SUBSCRIBE with TASK_ADDED, TASK_UPDATED,
// AGENT_ADDED, AGENT_REMOVED, FRAMEWORK_ADDED/UPDATED/REMOVED and HEARTBEAT)
// and the v0 endpoints /master/state, /state-summary, /frameworks, /slaves,
// /tasks, /roles, /flags, /health, /redirect, /version.
//
// # Reading without stalling the master
//
// Task, offer and info values are immutable once stored: an update
// replaces the pointer. A read-only request takes a snapshot on the
// master's queue (pointer copies, see readonly.Snapshot) and renders it on
// a goroutine of its own (subpackage readonly), so a big /master/state does
// not hold up offers and status updates (Mesos 1.7+ batches such requests
// on the master actor instead).
//
// # Where mesoscope differs from Mesos, on purpose
//
//   - One standalone master, elected at start: no ZooKeeper. The registry
//     (registry.go: admitted, unreachable and gone agents, what Mesos's
//     registrar keeps) is an append-only JSON-lines log under --work_dir,
//     compacted at start and synced every second and at shutdown, instead
//     of the replicated log; without --work_dir it is in memory. A
//     reregistering agent the registry does not know is admitted.
//   - Bodies are JSON only: application/x-protobuf gets 415.
//   - The scheduler API validates task infos structurally when the call
//     arrives (embedded/mesos/scheduler.Validate), so such a call gets 400
//     where Mesos would answer 202 and then TASK_ERROR; tasks that are
//     invalid against the offer (resources, agent, duplicate ids) get
//     TASK_ERROR as in Mesos.
//   - Bodies above the runtime's MaxBodyBytes (16 MiB) get 413 from the
//     runtime; Mesos has no limit. A SUBSCRIBE client that leaves more
//     than Config.StreamBuffer unread is disconnected.
//   - HTTP basic authentication per realm (auth.go: mesos-master-readonly,
//     -readwrite, -scheduler) against --http_credentials; no SASL (v0
//     drivers); no maintenance, inverse offers, operation feedback,
//     persistent volumes or resource providers: those calls answer 501 or
//     are ignored as Mesos ignores REQUEST.
//   - Authorization: --acls with Mesos's local authorizer (package
//     authorizer; authorize.go) for register_frameworks (SUBSCRIBE's ERROR
//     event, UPDATE_FRAMEWORK's 403), run_tasks (TASK_ERROR with
//     REASON_TASK_UNAUTHORIZED or REASON_TASK_GROUP_UNAUTHORIZED, with
//     Mesos 1.11's messages verbatim, typos included: "Principal 'p' no
//     authorized to launch task ..." and "Task 't' is not authorized
//     tolaunch task ..."), teardown_frameworks, update_weights,
//     update_quotas and mark_agents_gone (403). Mesos answers those 403s
//     with an empty body; mesoscope says what was denied to whom. Other ACL
//     kinds are refused at start-up rather than silently not enforced.
//   - A wrong Mesos-Stream-Id answers 400 as Master::Http::scheduler does
//     (not 403, which Mesos uses for an unsubscribed framework).
package master
