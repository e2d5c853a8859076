package walkthroughs

import (
	"sync"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// fakeAgent is a process on the master's runtime that speaks the master–agent protocol
// (src/messages/messages.proto) and nothing more: it registers, answers the master's
// health pings, and remembers what the master told it. The offers tour needs agents
// only as resources to offer; it launches nothing.
type fakeAgent struct {
	process.Base
	name string
	res  resources.Resources

	mu sync.Mutex
	id string // the agent id the master assigned
}

func newFakeAgent(name string, res resources.Resources) *fakeAgent {
	a := &fakeAgent{name: name, res: res}
	process.Install(&a.Base, mesos.SlaveRegisteredMessageName, func(_ process.PID, m mesos.SlaveRegisteredMessage) {
		a.mu.Lock()
		a.id = m.SlaveID.Value
		a.mu.Unlock()
	})
	process.Install(&a.Base, mesos.PingSlaveMessageName, func(from process.PID, _ mesos.PingSlaveMessage) {
		a.Send(from, mesos.PongSlaveMessageName, mesos.PongSlaveMessage{})
	})
	return a
}

// register sends RegisterSlaveMessage to the master, as Slave::doReliableRegistration
// does (once: the master is on the same runtime and cannot lose it).
func (a *fakeAgent) register(master process.PID) {
	a.Send(master, mesos.RegisterSlaveMessageName, mesos.RegisterSlaveMessage{
		Slave:   mesos.AgentInfo{Hostname: a.name, Port: 5051, Resources: mesos.ResourcesOf(a.res)},
		Version: "1.11.0",
	})
}

func (a *fakeAgent) agentID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.id
}
