// Package agent is mesoscope's Mesos agent: the slave(N) process of
// src/slave/slave.cpp (Mesos 1.11.0) with its task status update manager
// (src/slave/task_status_update_manager.cpp), the command executor it plays for
// its tasks (src/launcher/executor.cpp), its HTTP endpoints (src/slave/http.cpp)
// and the files process that serves sandboxes (src/files/files.cpp).
//
// # What it does
//
//	New ─► slave(N) ─ detected ─► doReliableRegistration ──RegisterSlaveMessage──► master
//	         │  DISCONNECTED  (uniform [0, backoff], doubling, ≤ 1 min)
//	         │◄───────────────────────────────SlaveRegisteredMessage───────────────
//	         │  RUNNING: ping timer (75 s or the master's), status updates resume
//	         │◄──RunTaskMessage   sandbox + /files attach, TASK_STARTING,
//	         │                    containerizer Launch ─► TASK_RUNNING, Wait ─►
//	         │                    TASK_FINISHED / TASK_FAILED / TASK_KILLED
//	         │──StatusUpdateMessage{update, latest_state, pid}──► master (retried
//	         │◄──StatusUpdateAcknowledgementMessage               10 s, 20 s, … 10 min)
//	         │◄──KillTaskMessage  TASK_KILLING?, SIGTERM, grace, SIGKILL
//	         │  no ping / link EXITED ─► DISCONNECTED ─► ReregisterSlaveMessage
//
// Registration (registration.go) follows Slave::detected and
// doReliableRegistration: the agent links to the master, sends
// RegisterSlaveMessage (or ReregisterSlaveMessage with its frameworks, tasks
// and executors once it has an ID) and retries with randomized exponential
// backoff from a seedable source. Slave::reregistered's reconciliation is kept:
// tasks the master lists that the agent does not know get TASK_LOST (TASK_DROPPED
// for partition-aware frameworks). The agent states are Mesos's: RECOVERING,
// DISCONNECTED, RUNNING, TERMINATING.
//
// Tasks (run.go, executor.go, kill.go) go through the embedded containerizer (one
// containerizer.Process per agent, spawned once the agent has its ID). Every
// timer — registration backoff, ping timeout, status update retries, kill
// escalation — is on the runtime's clock, so tests Pause and Advance it.
//
// The status update manager (updatemanager.go) is a synchronous core, testable
// without processes: per (framework, task) stream, duplicates ignored, only the
// head in flight, retried with doubling backoff until acknowledged, paused while
// disconnected, and checkpointed as length-prefixed records in
// work_dir/meta/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>/
// tasks/<task>/task.updates for checkpointing frameworks (checkpoint.go).
//
// Observation: every status update the agent generates is a "task.state" point
// event (task_id, framework_id, state, reason), and every executor whose container
// ended an "executor.terminated" event (executor_id, framework_id, container_id).
// Snapshot hands out a deep copy of the agent's state for in-process readers.
//
// HTTP: /slave(N)/state (v0 shape), /slave(N)/api/v1 (GET_HEALTH, GET_FLAGS,
// GET_VERSION, GET_METRICS, GET_LOGGING_LEVEL, GET_STATE, GET_FRAMEWORKS,
// GET_EXECUTORS, GET_TASKS, GET_AGENT, GET_OPERATIONS, GET_CONTAINERS),
// /slave(N)/flags, /slave(N)/health, /slave(N)/monitor/statistics,
// /slave(N)/containers, and the shared files process's /files/browse and
// /files/read. Metrics: slave/* on the runtime's registry (metrics.go).
//
// # Where it deliberately differs from Mesos
//
//   - No separate executor process: for a command task the agent plays
//     mesos-executor. It sends TASK_STARTING when the container launch begins and
//     TASK_RUNNING once the containerizer reports RUNNING (Mesos: when the
//     executor has registered and forked the task), and words the terminal
//     updates as executor.cpp does ("Command exited with status N", "Command
//     terminated with signal Terminated"), with SOURCE_EXECUTOR. The executor's
//     ExecutorInfo.command is the task's command, not a mesos-executor invocation.
//     A kill sends SIGTERM to the task's process group and, after the grace period
//     (KillTaskMessage's kill policy, else the task's, else 3 s), destroys the
//     container (SIGKILL); containers are launched with no grace of their own.
//   - A task with an explicit ExecutorInfo (a CUSTOM executor) does not get an
//     executor that registers and receives tasks: the executor's command runs as
//     the container and is reported like the command executor. A second task for
//     a live executor fails with the command executor's "Attempted to run multiple
//     tasks" message.
//   - Task groups (RunTaskGroupMessage) get TASK_ERROR with
//     REASON_TASK_GROUP_INVALID: there is no default executor.
//   - No recovery: a restarted agent registers as a new agent. The task.updates
//     records are written (JSON record bodies instead of serialized protobuf, with
//     Mesos's 4-byte host-endian length prefix) so recovery can be added; nothing
//     else is checkpointed, and the containerizer is not asked to recover.
//   - The master is fixed (no ZooKeeper detector). A ping timeout or the EXITED
//     event of the link to the master makes a registered agent DISCONNECTED and
//     re-register, as a re-detection would; Mesos's Slave::exited only logs.
//   - Agent capabilities advertised: HIERARCHICAL_ROLE, MULTI_ROLE and
//     RESERVATION_REFINEMENT only (no resource providers, volume resizing,
//     operation feedback, draining or resource limits). No authentication,
//     authorization, hooks, resource providers, operations, oversubscription, QoS,
//     draining, GPU detection or garbage collector (sandbox GC is the
//     containerizer's).
//   - --attributes values that values::parse reads as sets are rejected with an
//     error, as Mesos rejects them, but without LOG(FATAL); every configuration
//     error is returned by New.
//   - A status update's ContainerStatus is filled from the agent's own knowledge
//     (container ID, executor pid, the agent's IP) instead of a containerizer
//     status call, and a terminal update is forwarded without the containerizer
//     resource update Mesos waits for.
//   - /api/v1 speaks JSON only: application/x-protobuf and streaming calls get
//     415; calls other than the GET_* ones listed above get 501. The files process
//     checks containment per path element and rejects ".." outright (Mesos
//     compares string prefixes); it serves /files/browse, /files/read and
//     /files/debug, not /files/download.
//   - One files process and one set of slave/* metrics per runtime: a second agent
//     on a runtime shares the files process and keeps its counters unpublished.
//   - Stop(ctx, killTasks) stands in for signals; see Stop.
package agent
