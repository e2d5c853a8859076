// Package cluster composes the embedded Mesos: it is where runtimes, masters, agents and
// their processes are wired together (mesos-local style), and nothing else imports it
// but commands, walkthroughs and tests.
//
// Today it runs the runtime demo (RuntimeDemo): one libprocess-style runtime hosting a
// "master" with one SlaveObserver per agent and N "slave(N)" processes answering its
// health checks over Mesos's PingSlaveMessage/PongSlaveMessage, with Mesos's metric
// names, so /__processes__, /metrics/snapshot and the inspector have real traffic to
// show. The full in-process cluster (master, allocator, agents, containerizer) replaces
// it with the master/agent issue.
package cluster
