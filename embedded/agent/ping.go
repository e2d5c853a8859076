package agent

import (
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// InstallPing makes the process b answer the master's health checks, as Slave::ping:
// every PingSlaveMessage gets a PongSlaveMessage back, and onPing (if non-nil) learns
// whether the master considers this agent connected.
func InstallPing(b *process.Base, onPing func(connected bool)) {
	process.Install(b, mesos.PingSlaveMessageName, func(from process.PID, p mesos.PingSlaveMessage) {
		if onPing != nil {
			onPing(p.Connected)
		}
		b.Send(from, mesos.PongSlaveMessageName, mesos.PongSlaveMessage{})
	})
}
