package walkthroughs

import (
	"encoding/binary"
	"sync"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// fakeAgent is a process on the master's runtime that speaks the master–agent protocol
// (src/messages/messages.proto) and nothing more: it registers, answers the master's
// health pings, and remembers what the master told it. The offers tour needs agents
// only as resources to offer. For the Goodbye Waiting tour it also "runs" tasks: a
// RunTaskMessage is answered at once with TASK_RUNNING and a KillTaskMessage with
// TASK_KILLED, as an agent whose tasks start and stop instantly would; nothing is
// executed, and status updates are sent once (the master and the agent are on one
// runtime and lose nothing).
type fakeAgent struct {
	process.Base
	name  string
	res   resources.Resources
	attrs []mesos.Attribute

	mu      sync.Mutex
	id      string          // the agent id the master assigned
	running map[string]bool // task id -> running
	updates uint64          // status updates sent, for their uuids
}

func newFakeAgent(name string, res resources.Resources, attrs []mesos.Attribute) *fakeAgent {
	a := &fakeAgent{name: name, res: res, attrs: attrs, running: map[string]bool{}}
	process.Install(&a.Base, mesos.SlaveRegisteredMessageName, func(_ process.PID, m mesos.SlaveRegisteredMessage) {
		a.mu.Lock()
		a.id = m.SlaveID.Value
		a.mu.Unlock()
	})
	process.Install(&a.Base, mesos.PingSlaveMessageName, func(from process.PID, _ mesos.PingSlaveMessage) {
		a.Send(from, mesos.PongSlaveMessageName, mesos.PongSlaveMessage{})
	})
	process.Install(&a.Base, mesos.RunTaskMessageName, func(from process.PID, m mesos.RunTaskMessage) {
		fw := m.Framework.ID
		if fw == nil {
			fw = m.FrameworkID
		}
		if fw == nil {
			return
		}
		a.mu.Lock()
		a.running[m.Task.TaskID.Value] = true
		a.mu.Unlock()
		a.update(from, *fw, m.Task.TaskID, mesos.TaskRunning)
	})
	process.Install(&a.Base, mesos.KillTaskMessageName, func(from process.PID, m mesos.KillTaskMessage) {
		a.mu.Lock()
		was := a.running[m.TaskID.Value]
		delete(a.running, m.TaskID.Value)
		a.mu.Unlock()
		if was {
			a.update(from, m.FrameworkID, m.TaskID, mesos.TaskKilled)
		}
	})
	process.Install(&a.Base, mesos.StatusUpdateAcknowledgementMessageName, func(process.PID, mesos.StatusUpdateAcknowledgementMessage) {})
	return a
}

// register sends RegisterSlaveMessage to the master, as Slave::doReliableRegistration
// does (once: the master is on the same runtime and cannot lose it).
func (a *fakeAgent) register(master process.PID) {
	a.Send(master, mesos.RegisterSlaveMessageName, mesos.RegisterSlaveMessage{
		Slave:   mesos.AgentInfo{Hostname: a.name, Port: 5051, Resources: mesos.ResourcesOf(a.res), Attributes: a.attrs},
		Version: "1.11.0",
	})
}

// update sends a status update for a task, with a uuid the master will have the
// framework acknowledge (Slave::statusUpdate, reduced to one send).
func (a *fakeAgent) update(master process.PID, fw mesos.FrameworkID, task mesos.TaskID, state mesos.TaskState) {
	a.mu.Lock()
	a.updates++
	n := a.updates
	id := a.id
	a.mu.Unlock()
	uuid := make([]byte, 16)
	copy(uuid, a.name)
	binary.BigEndian.PutUint64(uuid[8:], n)
	agentID := mesos.AgentID{Value: id}
	now := float64(a.Runtime().Clock().Now().UnixNano()) / 1e9
	src := mesos.SourceExecutor
	st := mesos.TaskStatus{TaskID: task, State: state, Source: &src, AgentID: &agentID, UUID: uuid, Timestamp: now}
	a.Send(master, mesos.StatusUpdateMessageName, mesos.StatusUpdateMessage{
		Update: mesos.StatusUpdate{FrameworkID: fw, SlaveID: &agentID, Status: st, Timestamp: now, UUID: uuid},
		PID:    a.Self().String(),
	})
}

func (a *fakeAgent) agentID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.id
}
