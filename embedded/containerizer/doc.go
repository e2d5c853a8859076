// Package containerizer models the Mesos containerizer of an agent: the
// Containerizer interface (src/slave/containerizer/containerizer.hpp) and
// the Mesos containerizer (src/slave/containerizer/mesos/containerizer.
// {hpp,cpp}) that walks a container through Mesos's seven states —
// STARTING → PROVISIONING → PREPARING → ISOLATING → FETCHING → RUNNING →
// DESTROYING — running real processes.
//
// # Shape
//
// The state machine (table, State.CanTransition, History) is synchronous
// and deterministic: no I/O, no goroutines, time passed in. Mesos is the
// shell around it: it performs each step's I/O, owns one reaper goroutine
// (an epoll set of pidfds), one goroutine per destroy in progress, and
// callbacks on the injected Clock; Close stops them all. Every transition is
// reported, in order, to Config.OnTransition (the seam the agent connects to
// embedded/observe). The lead wraps this in a libprocess-style actor later.
//
// A launch does what MesosContainerizerProcess does: PROVISIONING (no image
// support, so nothing to do), PREPARING (checkpoint the config in the
// runtime directory, create the sandbox at
// work_dir/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>
// with a runs/latest symlink, or work_dir/containers/<id> for standalone
// and <parent sandbox>/containers/<id> for nested containers; isolators
// prepare; fork the launch shim blocked on a pipe; checkpoint its pid),
// ISOLATING (isolators get the pid), FETCHING (the Fetcher), RUNNING (write
// the go byte). Destroy may start in any state.
//
// # The launch shim
//
// Mesos forks `mesos-containerizer launch`, which waits on a pipe, then
// fork-execs the task, relays signals to it and writes its wait status to
// <runtime_dir>/containers/<id>/status. Ours (package shim) is by default a
// re-exec of the current binary with ShimEnv set (the binary must call
// RunShimIfRequested at the top of main, test binaries in TestMain);
// Config.Shim can name a dedicated binary instead (internal/shim), which
// starts faster. The shim also runs from package shim's init function, so a
// large re-exec'd binary skips most other packages' initialisation, and its
// launch info travels in a small length-prefixed encoding (shim.Encode)
// rather than JSON: a shim is started per container, and its start-up is
// most of a launch's CPU cost. It runs in its own session with GOMAXPROCS=1, is a child
// subreaper (so no descendant of the task escapes to init), puts the task
// in its own process group, and on the task's exit writes the status, kills
// and reaps everything left and exits. Because the shim writes the status
// file, a restarted agent that cannot wait(2) for a process it did not fork
// still learns the task's true exit status. The shim closes a "ready" pipe
// once its signal handlers are installed; the containerizer waits for that
// before signalling it.
//
// # The launch supervisor
//
// With Config.Launcher = LauncherSupervisor (the default of agents built by
// embedded/agent; the package default stays the shim) a container is one
// process, not two: one supervisor per runtime directory (per agent) forks
// every task itself. It is the same executable as the shim (a re-exec of
// this binary with SupervisorEnv set, or Config.Shim), started lazily by the
// first launch, in its own session, a child subreaper with GOMAXPROCS=2. It
// holds an exclusive flock on <runtime_dir>/supervisor.lock (which records
// its pid and start time), logs to <runtime_dir>/supervisor.log, and listens on an abstract unix socket named after
// a hash of the runtime directory (shim.SocketName: no 108-byte sun_path
// limit, no stale socket file; only peers of its uid or root are accepted).
// The agent connects (again after a restart), says hello and gets the list
// of live tasks; a launch sends the LaunchInfo with the sandbox's stdout and
// stderr (and the cgroup directory, for CLONE_INTO_CGROUP) as SCM_RIGHTS and
// gets the task's pid and start time back, or the exec failure ("Failed to
// execute '<path>': ..." is in the task's stderr and status 1 in its status
// file, as with the shim). When a task exits the supervisor writes its raw
// wait status to the same status file, SIGKILLs its process group and the
// processes of its session that were orphaned to it (with their
// descendants), reaps them all and only then sends Exited, which is how the
// agent's reaper learns the exit. Signals go straight from the agent to the
// task: a pidfd check that the task is not reaped, then kill(-pgid). The
// messages are length-prefixed frames in shim.Encode's style (shim.
// AppendFrame, shim.DecodeMessage). The supervisor exits once it has no live
// task and no connected agent; Close waits for that, so nothing is left
// behind. An agent killed with SIGKILL leaves it running with its tasks; the
// restarted agent's Recover reconnects, re-attaches the tasks it lists,
// reads the status files of those that ended meanwhile, and kills tasks of
// containers it no longer knows. If the supervisor itself is gone while a
// task lives, the agent can only kill the task (watching it through a
// pidfd): its termination then has no status, as when Mesos's executor dies.
//
// Differences from the shim launcher: the task exists only from exec() on,
// so PREPARING forks nothing, ISOLATING only starts the isolators' watches,
// and in exec() (FETCHING → RUNNING) the task is forked, its pid (the task's,
// not a helper's: Status's executor_pid) is checkpointed (pid, pid.start_time,
// forked.pid, plus an empty "supervised" marker written in PREPARING) and
// handed to the isolators before the RUNNING transition; with cgroups v2 the
// task is created in its cgroup. posix usage counts the task itself and its
// descendants, not orphans it left to the supervisor. Kill and the
// SIGTERM/SIGKILL of a destroy go to the task's group; after the task
// exits the supervisor kills the rest of its session, the processes that
// left the session (setsid) but still carry the task's MESOS_SANDBOX in
// their environment, and orphans it can trace to no running task. Nested
// containers work the same.
//
// Commands: shell=true runs `/bin/sh -c <value>`; shell=false execs value
// with arguments as the complete argv, never re-split or re-joined. The
// environment is PATH (default), the agent's environment, MESOS_SANDBOX
// and the command's variables; the working directory is the sandbox;
// stdout/stderr go to the sandbox files of those names (the fetcher's log
// lines come first in stderr, as with the mesos-fetcher). When the agent
// runs as root, a task user is switched to with setuid/setgid.
//
// # Checkpoints and recovery
//
// The layout is Mesos's: <runtime_dir>/containers/<id>[/containers/<nested>]
// holds pid, status, config (JSON instead of protobuf), termination (nested)
// and standalone.marker, plus pid.start_time, ours: field 22 of
// /proc/<pid>/stat, compared on recovery to rule out a recycled pid. Files
// written once into a fresh directory (config, pid) are plain writes, since
// a torn one only makes the container an orphan; files rewritten in place
// (boot_id, forked.pid, termination) are atomic like slave::state::checkpoint.
// Executor runs also get work_dir/meta/slaves/<agent>/frameworks/<fw>/
// executors/<ex>/runs/<id>/pids/forked.pid, and work_dir/meta/boot_id
// detects reboots. Recover re-attaches live shims via pidfd_open, destroys
// the exited ones (reporting the checkpointed status) and destroys orphans.
// A recovered shim has lost its ready pipe: a signal for it waits until it
// has forked its task (so its handlers are installed), and a zombie shim of
// this process is watched until it can be reaped. Before the runtime
// directory of an executor's container goes, its termination is kept in the
// run's meta directory (runs/<id>/termination, ours): an agent that died
// before handling it reads the task's true status there once recovered. A
// shim that exits without starting its task (the agent died, or gave up,
// before the go byte) leaves an "unstarted" marker next to its status: its
// container's termination then has no status, the task never having run.
//
// # Isolators, usage and limits
//
// posix/cpu and posix/mem sum /proc/<pid>/stat (and status for the anon/file
// split) over the container's process tree, as src/usage/usage.cpp does.
// cgroups v2 enforcement (cpu.max, cpu.weight, memory.max, OOM via
// memory.events) is used when a cgroup2 mount offers the cpu and memory
// controllers and <mount>/<cgroups_root> can be created with them enabled;
// otherwise New logs one warning and falls back to posix, where posix/mem
// polls the tree's RSS against the limit.
//
// # Where this deliberately differs from Mesos
//
//   - Default isolation is cgroups v2 with automatic posix fallback (Mesos:
//     posix/cpu,posix/mem, and a failure if cgroups are requested but
//     missing). Mesos's posix/mem never enforces; ours polls RSS. Memory
//     limits below MIN_MEMORY (32 MB) are raised to it in both.
//   - The shim's own process is not counted in usage (Mesos counts its
//     helper); nested containers get no cgroup of their own.
//   - Destroy of a RUNNING container sends SIGTERM to the shim, which relays
//     it to the task's process group, and after the KillPolicy grace
//     (default 3 s, the command executor's) SIGKILLs every process of the
//     session but the shim (repeating until the shim, which reaps them and
//     records the status, exits; the shim itself only after 2 s).
//     Mesos's containerizer kills at once and leaves the grace to the
//     executor; here the containerizer plays both parts. Kill(sig) relays to
//     the task's group rather than its pid.
//   - The fetcher runs in-process instead of as the mesos-fetcher binary;
//     http(s), file:// and absolute paths only (no Hadoop, FTP or
//     frameworks_home); .tar.xz/.txz are refused (no xz in the standard
//     library). Extraction is stricter than libarchive's SECURE_NODOTDOT: no
//     absolute names, no writes through symlinks, symlinks and hard links
//     must resolve inside the sandbox, set-id bits dropped, a size cap.
//     Downloads have a size cap too. The cache dir defaults to
//     <work_dir>/fetch. Own downloads into the cache finish before waiting
//     on other fetches' entries, which avoids a cross-fetch wait cycle.
//   - A failed launch step destroys the container itself and Launch
//     returns a *LaunchError with REASON_CONTAINER_LAUNCH_FAILED (in Mesos
//     the agent does that), and Wait keeps answering for the last 1024
//     destroyed containers instead of returning None at once. Next to each
//     of those terminations the containerizer keeps the container's
//     Snapshot (state DESTROYING, its whole History): Completed returns
//     them, and the agent serves them, with the live ones, at
//     /mesoscope/v1/containers. Mesos only logs the transitions.
//   - FetcherMetrics adds containerizer/fetcher/cache_hits, cache_misses,
//     cache_evictions and cache_entries to Mesos's four fetcher metrics;
//     they are ours, not Mesos's.
//   - ResourceStatistics.HasCPUTimes stands for protobuf's "field set":
//     cpus_user_time_secs and cpus_system_time_secs are marshalled, even
//     when 0, whenever posix/cpu or the cgroups cpu controller measured the
//     container, as Mesos sets them (src/usage/usage.cpp); the other
//     optional fields are still omitted when 0.
//   - Sandboxes are garbage collected --gc_delay after their mtime by the
//     containerizer (in Mesos, by the agent's GarbageCollector).
//   - Recover takes the list of known containers instead of the agent's
//     SlaveState; RuntimeDir defaults under work_dir.
//   - Agents start tasks through one launch supervisor per agent by default
//     (LauncherSupervisor, above) instead of Mesos's launch helper per
//     container: ending and starting a Go helper process per container
//     cost more than the task itself on a small machine. The helper model
//     stays available (LauncherShim, the package default and what the
//     containerizer tour walks through).
//
// Requires Linux 5.3+ (pidfd_open, pidfd_send_signal, PR_SET_CHILD_SUBREAPER;
// 5.7+ for CLONE_INTO_CGROUP with the supervisor and cgroups v2).
package containerizer
