// Package agent is mesoscope's Mesos agent (src/slave/slave.cpp of Mesos 1.11.0).
//
// So far it holds the agent's side of the master's health check: the handler of
// mesos.internal.PingSlaveMessage that answers with PongSlaveMessage (Slave::ping). The
// rest of the agent (registration, tasks through the containerizer, the status update
// manager, the agent HTTP API) arrives with the master/agent issue.
package agent
