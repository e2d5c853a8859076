// Package agent is mesoscope's Mesos agent: the slave(N) process of
// src/slave/slave.cpp (Mesos 1.11.0) with its task status update manager
// (src/slave/task_status_update_manager.cpp), the executors it plays for its
// tasks — the command executor (src/launcher/executor.cpp) and, for task groups,
// the default executor (src/launcher/default_executor.cpp) — its HTTP endpoints
// (src/slave/http.cpp) and the files process that serves sandboxes
// (src/files/files.cpp).
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
//	         │◄──RunTaskGroupMessage  executor container (queued while it launches),
//	         │                    per task: TASK_STARTING, nested container, all
//	         │                    launched ─► TASK_RUNNING; each exit ─► its terminal
//	         │                    update; FAILED/KILLED ─► kill the rest of the group;
//	         │                    last child gone ─► destroy executor container
//	         │──ExitedExecutorMessage──► master (every executor but command ones)
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
// escalation, max_completion_time, executor shutdown — is on the runtime's clock,
// so tests Pause and Advance it.
//
// Task groups (taskgroup.go, defaultexecutor.go, defaultkill.go) follow Slave::runTaskGroup and
// run, and the agent plays DefaultExecutor for them: one executor container per
// executor (its resources are the executor's plus its first tasks'), the group
// queued on the executor until that container runs (a kill meanwhile gives the
// whole group TASK_KILLED, REASON_TASK_KILLED_DURING_LAUNCH, from the agent), then
// every task in a nested container (ContainerID with the executor's container as
// parent, sandbox <executor sandbox>/containers/<id>, linked at tasks/<task id> so
// /files reaches it under the executor's sandbox). Updates are SOURCE_EXECUTOR with
// the executor ID and the child's container ID; terminal states come from each
// child's exit (FINISHED, FAILED "Command exited with status N", KILLED,
// FAILED with REASON_MAX_COMPLETION_TIME_REACHED), a limitation's state and reason
// taking precedence. A FAILED or KILLED task has the other live tasks of its group
// killed (SIGTERM, then SIGKILL after the grace); further groups for a live
// executor share it. When its last child is gone the executor terminates: the
// agent destroys its container, and Slave::executorTerminated sends the master
// ExitedExecutorMessage. A shut-down executor kills its children and is destroyed
// after --executor_shutdown_grace_period if they linger; then the agent reports
// the tasks still live (TASK_FAILED, REASON_EXECUTOR_TERMINATED).
//
// Health checks (health.go, healthchecker.go, healthprobe.go): for a command task
// and for every task of a group, the executor the agent plays runs
// TaskInfo.health_check as HealthChecker and CheckerProcess do
// (src/checks/health_checker.cpp, checker_process.cpp): the first check
// delay_seconds after the task started, the next interval_seconds after each
// result, each failing after timeout_seconds, all on the runtime's clock. A
// COMMAND check is a real process (sh -c, or the executable with its arguments) in
// the task's sandbox with the task's environment; an HTTP check GETs
// <scheme>://127.0.0.1:<port><path> and passes on 200-399; a TCP check passes when
// 127.0.0.1:<port> accepts a connection (::1 for IPv6). Failures during
// grace_period_seconds are ignored until the first success; the first success,
// the first success after failures and every counted failure become a TASK_RUNNING
// update with healthy set and REASON_TASK_HEALTH_CHECK_STATUS_UPDATED; after
// consecutive_failures the task is killed (its kill policy's grace, else 3 s) and
// its terminal update says healthy: false (a default executor then marks every
// later terminal update of its tasks so, MESOS-8543). Checking pauses when a kill
// begins and stops, cancelling the check in flight, when the task's container
// ends. Every result is a "task.health_check" point event (task_id, framework_id,
// type, result passed/failed/ignored, consecutive_failures, message).
//
// The status update manager (updatemanager.go) is a synchronous core, testable
// without processes: per (framework, task) stream, duplicates ignored, only the
// head in flight, retried with doubling backoff until acknowledged, paused while
// disconnected, and checkpointed as length-prefixed records in
// work_dir/meta/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>/
// tasks/<task>/task.updates for checkpointing frameworks (checkpoint.go).
//
// Checkpointing and recovery (state_checkpoint.go, state_recover.go, recover.go,
// updatereplay.go) follow src/slave/paths.cpp, state.cpp and Slave::recover,
// _recover and __recover. On registration the agent writes meta/slaves/<id>/
// slave.info and points meta/slaves/latest at it; for frameworks with
// FrameworkInfo.checkpoint it writes framework.info and framework.pid,
// executor.info, executor_generated_for_command_task and runs/latest for each
// executor, task.info for each task before it is queued or launched, task.updates
// as its updates come and go, and executor.sentinel once the executor is removed
// (every file an atomic rename). An agent started on that work_dir reads it back
// in New (strict by default: an unreadable checkpoint fails New with ErrRecovery;
// a status update record cut short by a crash is dropped and the file truncated
// either way; a SlaveInfo that no longer matches the flags fails too, unless the
// host rebooted, when the agent registers as a new one), then, RECOVERING, takes
// back its agent ID and every framework with the latest run of each executor: the
// tasks take the states of their checkpointed updates, the unacknowledged updates
// wait in their streams, and the containerizer recovers the containers of the runs
// not completed (re-attaching live shims, reaping those that exited meanwhile with
// their real status, destroying unknown ones). The agent then plays its executors
// again: it waits on every container (a task that ended while the agent was down
// gets the update a live exit gets, "Command exited with status 3"; one whose
// launch the crash interrupted fails with "Executor terminated"), a task still
// STARTING whose container runs gets TASK_RUNNING, a task being killed is killed
// again, a STAGING task the executor never got is TASK_LOST (TASK_DROPPED for
// partition-aware frameworks), REASON_SLAVE_RESTARTED, as
// Slave::reregisterExecutor has it. meta/boot_id is
// checkpointed, the agent is DISCONNECTED and re-registers with its ID, frameworks,
// executors and tasks; once the master answers, the replayed updates are sent, in
// order. After a reboot (boot_id changed) the executors are gone: their tasks fail
// with "Abnormal executor termination: unknown container". With
// Config.Recover = cleanup the recovered executors are killed and the agent
// terminates. Recovery ends with an "agent.recovered" point event (agent_id,
// recover, executors); slave/recovery_errors counts what a non-strict recovery
// skipped.
//
// Observation: every status update the agent generates is a "task.state" point
// event (task_id, framework_id, state, reason), and every executor whose container
// ended an "executor.terminated" event (executor_id, framework_id, container_id).
// Snapshot hands out a deep copy of the agent's state for in-process readers.
//
// HTTP: /slave(N)/state (v0 shape), /slave(N)/api/v1 (GET_HEALTH, GET_FLAGS,
// GET_VERSION, GET_METRICS, GET_LOGGING_LEVEL, GET_STATE, GET_FRAMEWORKS,
// GET_EXECUTORS, GET_TASKS, GET_AGENT, GET_OPERATIONS, GET_CONTAINERS, whose
// show_nested lists default executors' child containers with their parent),
// /slave(N)/flags, /slave(N)/health, /slave(N)/monitor/statistics,
// /slave(N)/containers, and the shared files process's /files/browse and
// /files/read. Metrics: slave/* on the runtime's registry (metrics.go), and the
// containerizer's fetcher metrics under containerizer/fetcher/ (Mesos's
// task_fetches_succeeded, task_fetches_failed, cache_size_total_bytes and
// cache_size_used_bytes; cache_hits, cache_misses, cache_evictions and cache_entries
// are mesoscope's).
//
// mesoscope extra: /slave(N)/mesoscope/v1/containers (containerhistory.go; plain
// /mesoscope/v1/containers where the runtime's delegate is the agent, as in
// `mesoscope agent`) serves the containerizer's state history of every live container
// and of the last 1024 destroyed ones ({"containers": [...]}, live first), each state
// with its time, in the read-only realm; ?container_id= keeps one (404 if unknown),
// ?completed=false leaves the destroyed ones out. Mesos has no such endpoint.
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
//   - No mesos-default-executor process either: the agent plays it, so there are
//     no executor SUBSCRIBE, LAUNCH_GROUP events, LAUNCH_CONTAINER or
//     WAIT_NESTED_CONTAINER calls; the agent drives the containerizer directly.
//     The executor container runs a stand-in ("exec sleep 2147483647") that the
//     agent destroys when the executor terminates. The executor's updates are
//     acknowledged to it at once (Mesos acknowledges once the update manager has
//     an update), so it terminates as soon as its last child ends, and
//     ExitedExecutorMessage reports that clean exit as status 0 (the container's
//     wait status otherwise, -1 if unknown). The executor container is not
//     resized when a further group arrives.
//   - Default executor: no checks (TaskInfo.check is ignored; health_check is
//     run, see below), no volume mapping of the executor's disk
//     resources into the children, no resource limits; the default kill grace is
//     --kill_grace_period (3 s, the default executor's fixed default). A kill that
//     arrives while a child is still launching takes effect once the launch is
//     answered (Mesos's default executor drops it), and children whose launch
//     completes after the executor began shutting down are destroyed at once
//     (Mesos leaves them to the shutdown timeout). A child that fails to launch
//     gets TASK_FAILED with the containerizer's launch error as the message.
//   - Health checks run in the agent, not in an executor process: a COMMAND
//     check is a child of the agent, outside the container's isolation, run as
//     the agent's user, with the environment the containerizer gives the task
//     (Mesos: a child of the executor inside the container, or for task groups a
//     nested check container through LAUNCH_NESTED_CONTAINER_SESSION); a command
//     task's check writes to the sandbox's stderr, a group task's output is
//     dropped. At its timeout the check's whole process group gets SIGKILL (Mesos
//     kills the process tree). HTTP checks use Go's HTTP client instead of curl
//     (redirects followed, at most 10; certificates not verified, as curl -k) and
//     TCP checks dial instead of running mesos-tcp-connect, so failure messages,
//     which only reach the log and the event, are worded differently.
//     HTTPCheckInfo.statuses is ignored, as in Mesos 1.11. Timings too large for a
//     Go duration saturate (Mesos's Duration::create CHECK-fails). Tasks of custom
//     executors are not checked (their executor would check them). The master
//     refuses invalid health checks with TASK_ERROR; one that reaches the agent
//     anyway is logged and the command task runs unchecked, while a default
//     executor shuts down, as the two executors do.
//   - launch_executor: mesoscope's master sets it on every RunTaskGroupMessage,
//     so a group for a live executor is added to it (Mesos drops it, "Master wants
//     to launch executor, but one already exists", and shuts the executor down);
//     with a terminated executor awaiting acknowledgements, or with false and no
//     executor, the group is dropped as in Mesos. Whatever its type, the
//     ExecutorInfo of a task group is played as the default executor (the master
//     only sends DEFAULT); a group for a live command executor, or a command task
//     for a live default executor, shuts that executor down, as the executors do
//     on an unsupported LAUNCH_GROUP or LAUNCH.
//   - Checkpoints are JSON, not serialized protobuf: the records of task.updates
//     keep Mesos's 4-byte host-endian length prefix with JSON bodies, the other
//     files are plain JSON (framework.pid, boot_id and
//     executor_generated_for_command_task are text, as in Mesos). They are not
//     fsynced (Mesos's sync=false) unless Config.CheckpointSync is set. Besides
//     Mesos's files the agent keeps task.group, the TaskGroupInfo of a task of a
//     default executor (the executor's memory in Mesos), and the containerizer
//     keeps an executor container's termination in its run's meta directory, so
//     a task whose end the agent had not yet handled when it died still gets its
//     true status. There are no libprocess.pid or http.marker files (no executor
//     process), no resources, operations, volume or drain checkpoints, and no
//     garbage collection of old runs' meta directories by the agent.
//   - Recovery: the agent plays the executors, so there is no executor
//     re-registration, no executor_reregistration_timeout (recovery goes on as
//     soon as the containerizer has recovered) and no recovery_timeout; only
//     --reconfiguration_policy=equal. A kill in progress is resumed only for a
//     task that reached TASK_KILLING (frameworks with TASK_KILLING_STATE), with
//     its full grace; a recovered group child's max_completion_time is not armed
//     again. With --recover=cleanup the executors are killed as a framework
//     shutdown kills them (no status updates). A fresh agent (no checkpointed ID)
//     leaves containers of an earlier agent on its runtime directory alone. A
//     recovered agent keeps its PID only if Config.ID names it (mesoscope
//     agent's slave(1)@ip:port does), and needs a Seed of its own.
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
//   - Stop(ctx, killTasks) stands in for signals; see Stop. Crash stops the agent
//     as SIGKILL would, for tests of recovery.
package agent
