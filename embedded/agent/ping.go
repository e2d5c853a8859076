package agent

import (
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// InstallPing makes the process b answer the master's health checks, as Slave::ping:
// every PingSlaveMessage gets a PongSlaveMessage back, and onPing (if non-nil) learns
// whether the master considers this agent connected.
func InstallPing(b *process.Base, onPing func(connected bool)) {
	process.Install(b, master.PingSlaveMessage, func(from process.PID, p master.Ping) {
		if onPing != nil {
			onPing(p.Connected)
		}
		b.Send(from, master.PongSlaveMessage, master.Pong{})
	})
}
