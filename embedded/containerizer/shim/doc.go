// Package shim is the containerizer's launch helper, the part that runs in
// its own process between the agent and a task. It models
// `mesos-containerizer launch` (src/slave/containerizer/mesos/launch.cpp):
// it waits on a pipe for the go byte, fork-execs the task, relays signals
// to it and checkpoints its raw wait status to a file, which is how a
// restarted agent learns the true exit status of a process it did not fork.
//
// Unlike Mesos's helper it is a child subreaper, puts the task in its own
// process group, and after the task exits kills and reaps whatever the task
// left in its session. It imports only the standard library's process
// plumbing, so a dedicated shim binary starts quickly; mesoscope itself can
// also re-exec its own binary with Env set (see
// containerizer.RunShimIfRequested).
//
// The same executable is also the agent's launch supervisor (RunSupervisor,
// selected by SupervisorEnv): one process per agent that fork-execs every
// task itself, so that a container is one process rather than a shim and
// its task. Mesos has no such process; it combines the launch helper's
// duties (status file, signals, reaping) with what an agent restart needs
// (tasks outlive the agent; a new agent reconnects over a unix socket and
// learns exits as messages). Its protocol is in proto.go (AppendFrame,
// DecodeMessage).
package shim
