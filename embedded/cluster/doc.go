// Package cluster composes the embedded Mesos: it is where runtimes, masters, agents and
// their processes are wired together, and nothing else imports it but commands,
// walkthroughs and tests.
//
// Local (local.go) is mesos-local (src/local/local.cpp): one runtime holding the master,
// its allocator and the agents slave(1) ... slave(N), served on one address, the agents'
// tasks running as real processes through the containerizer. Demo (demo.go) is a Local
// with three agents of different shapes (one with a GPU, rack and zone attributes) and a
// workload of frameworks in two weighted roles that speak only the v1 scheduler HTTP API
// (embedded/schedclient): long-running web services, short batch tasks of which some fail,
// a GPU trainer, and one framework that waits forever because no agent is big enough (the
// "Waiting" problem, for `mesoscope why`).
package cluster
