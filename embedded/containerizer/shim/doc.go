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
package shim
