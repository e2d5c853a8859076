// Package master is mesoscope's Mesos master (src/master/master.cpp of Mesos 1.11.0).
//
// So far it holds the agent health checker, SlaveObserver: one process per registered
// agent ("slave-observer(N)") that sends mesos.internal.PingSlaveMessage every
// agent_ping_timeout (15 s by default) and asks the master to mark the agent unreachable
// after max_agent_ping_timeouts (5) pings in a row go unanswered. The rest of the master
// (frameworks, offers, tasks, the scheduler and operator APIs) arrives with the
// master/agent issue.
package master
