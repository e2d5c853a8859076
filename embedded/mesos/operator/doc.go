// Package operator is the v1 operator API of Mesos 1.11.0
// (include/mesos/v1/master/master.proto, include/mesos/v1/agent/
// agent.proto, docs/operator-http-api.md): the master's Call (every call
// type from GET_HEALTH to MARK_AGENT_GONE), Response (one body per GET_*
// call, in the shapes a master returns), the Events of the SUBSCRIBE
// stream (SUBSCRIBED, TASK_ADDED, TASK_UPDATED, AGENT_ADDED,
// AGENT_REMOVED, FRAMEWORK_ADDED, FRAMEWORK_UPDATED, FRAMEWORK_REMOVED,
// HEARTBEAT), and the agent's AgentCall and AgentResponse (GET_STATE,
// GET_CONTAINERS, GET_HEALTH, GET_TASKS, GET_EXECUTORS, GET_FRAMEWORKS,
// ...), with Validate for both call kinds and DescribeEvent, the canonical
// one-line rendering of an event.
//
// Note that the numeric values of ResponseType differ from CallType's, as
// in Mesos.
//
// Deliberate differences from Mesos: those of package mesos; the
// maintenance ClusterStatus keeps per-machine statuses and agents keep
// resource providers as raw JSON; agent container and resource-provider
// call bodies are raw JSON (the embedded agent does not serve them);
// Validate rejects the UNKNOWN call type, checks role names, weights,
// quota configs and maintenance windows up front (Mesos checks them while
// handling the call), and ListFiles/ReadFile paths for emptiness and
// "..".
package operator
