// Package readonly renders the embedded master's read-only views: the v0
// endpoints /master/state (and /state), /master/state-summary,
// /master/frameworks, /master/slaves, /master/tasks and /master/roles,
// the v1 operator API responses GET_STATE, GET_AGENTS, GET_FRAMEWORKS,
// GET_EXECUTORS, GET_TASKS, GET_ROLES, GET_MASTER, GET_HEALTH,
// GET_VERSION and GET_FLAGS, and the events of the operator SUBSCRIBE
// stream. It models Master::ReadOnlyHandler (src/master/
// readonly_handler.cpp), the v0 JSON writers of src/common/http.cpp
// (json(JSON::ObjectWriter*, Resources/Task/TaskStatus/ExecutorInfo/
// Offer/SlaveInfo/MasterInfo...)), the Master::Http::get* handlers of
// src/master/http.cpp and the operator event builders of
// src/common/protobuf_utils.cpp (createTaskUpdated, createAgentResponse,
// createFrameworkAdded, ...), at Mesos 1.11.0.
//
// # Snapshots
//
// Mesos serializes /master/state on the master actor itself (batched since
// 1.7), so a large state blocks the master for seconds. Here the master
// copies slices of pointers into a Snapshot on its queue and the renderers
// run on any goroutine: everything a Snapshot points to is immutable once
// published (the master replaces values, never mutates them), and the
// renderers mutate nothing. Summarize fills the state-summary counters of
// a snapshot being built.
//
// # Output
//
// The renderers are append-style JSON writers (no reflection for tasks,
// agents, frameworks, offers and resources; rarely present sub-messages
// such as discovery, container and health checks go through
// embedded/mesos) and never fail: the output is always valid JSON. Keys
// are written in Mesos's order. Doubles use rapidjson's format ("2.0",
// "1470820172.07315"), as a master writes them; times are float seconds
// in v0 and {"nanoseconds": n} in v1. v0 resources are the flat map of
// json(JSON::ObjectWriter*, Resources) with cpus, gpus, mem and disk
// always present; the v1 resource lists of agents and frameworks are in
// the ENDPOINT format, and copied messages (tasks, offers, executors,
// agent infos) keep the format of their mesos.Resources. Every v1 body
// decodes with embedded/mesos/operator's types to the values rendered.
//
// # Deliberate differences from Mesos
//
//   - There is no authorization: every object is visible (Mesos filters
//     by the VIEW_* ACLs of the requesting principal).
//   - Order: agents, frameworks and tasks come in the snapshot's order
//     (sorted by id) and v0 resource map keys as resources.V0 writes them
//     (scalars, ranges, sets, each sorted); Mesos uses hash-map order.
//     /master/tasks sorts stably, where Mesos's std::sort leaves ties in
//     an unspecified order.
//   - /master/tasks rejects a malformed or negative limit or offset and
//     an order other than "asc" or "des" with a *QueryError (400); Mesos
//     silently uses the defaults (and turns a negative int into a huge
//     size_t).
//   - The jsonp callback must be made of [A-Za-z0-9_$.] (ParseJSONP);
//     Mesos copies it into the response unchecked.
//   - A task without resources gets "role": "" in v0 (Mesos dereferences
//     the begin() of an empty collection). NaN or infinite doubles, which
//     JSON cannot carry and on which rapidjson fails, are written as null;
//     a v1 resource that cannot be encoded is left out. Invalid UTF-8 in
//     strings is written as U+FFFD, as encoding/json does.
//   - v0 task limits are written sorted by name; raw sub-messages
//     (check_status, cgroup_info, limits) are copied only when they are
//     valid JSON.
//   - Sub-messages encoded through embedded/mesos (discovery, container,
//     health_check, kill_policy, environment, drain_info, offer
//     constraints, MasterInfo in GET_MASTER) write doubles in
//     encoding/json's format ("15", not "15.0"); the values are the same.
//   - PendingTasks (Mesos 1.11 has none) are written first in v0 "tasks",
//     as masters before 1.5 did, and in v1 pending_tasks.
//   - Offers carry no inverse offers and agents no resource providers:
//     the embedded master has neither.
//
// Where the Mesos documentation examples (the operator-*.json fixtures)
// disagree with the 1.11.0 code, the code wins: FRAMEWORK_ADDED/UPDATED
// carry unregistered_time, GET_FRAMEWORKS and /master/state frameworks
// carry offer_constraints, TASK_UPDATED is {framework_id, status, state},
// fields with proto defaults (IPv4, shell, failover_timeout) are written,
// and empty repeated fields inside protobuf messages are omitted.
package readonly
