package master

import (
	"strconv"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/master/readonly"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// Point events for observers (the tracer turns them into offer and task
// spans). Attribute keys are those of the allocator's events.
const (
	// EventOfferCreated: an offer was sent (mesos.offer_id,
	// mesos.framework_id, mesos.agent_id, mesos.role, mesos.resources).
	EventOfferCreated = "offer.created"
	// EventOfferClosed: an offer left (mesos.offer_id, mesos.framework_id,
	// offer.outcome = accepted, declined, rescinded or timed_out (--offer_timeout),
	// and for an ACCEPT or DECLINE offer.refuse_seconds: the filter its unused
	// resources go back to the allocator with).
	EventOfferClosed = "offer.closed"
	// EventTaskState: a task entered a state in the master
	// (mesos.task_id, mesos.framework_id, mesos.agent_id,
	// mesos.task_state, mesos.reason, mesos.source).
	EventTaskState = "task.state"
)

func (m *Master) observing() bool { return m.rt.Observer() != nil }

func (m *Master) offerEvent(typ string, o *offer, outcome string, filters *allocator.Filters) {
	if !m.observing() {
		return
	}
	attrs := []observe.Attr{
		{Key: "mesos.offer_id", Value: o.id}, {Key: "mesos.framework_id", Value: o.frameworkID},
		{Key: "mesos.agent_id", Value: o.agentID}, {Key: "mesos.role", Value: o.role},
	}
	if outcome == "" {
		attrs = append(attrs, observe.Attr{Key: "mesos.resources", Value: unallocated(o.resources).String()})
	} else {
		attrs = append(attrs, observe.Attr{Key: "offer.outcome", Value: outcome})
		if filters != nil {
			// The filter the unused resources go back with (refuse_seconds, before the
			// allocator's floor of one allocation interval).
			attrs = append(attrs, observe.Attr{Key: "offer.refuse_seconds",
				Value: strconv.FormatFloat(filters.Timeout().Seconds(), 'g', -1, 64)})
		}
	}
	m.Event(typ, attrs...)
}

func (m *Master) taskEvent(t *mesos.Task, st *mesos.TaskStatus) {
	if !m.observing() {
		return
	}
	attrs := []observe.Attr{
		{Key: "mesos.task_id", Value: t.TaskID.Value}, {Key: "mesos.framework_id", Value: t.FrameworkID.Value},
		{Key: "mesos.agent_id", Value: t.AgentID.Value}, {Key: "mesos.task_state", Value: t.State.String()},
	}
	if st != nil {
		if st.Reason != nil {
			attrs = append(attrs, observe.Attr{Key: "mesos.reason", Value: st.Reason.String()})
		}
		if st.Source != nil {
			attrs = append(attrs, observe.Attr{Key: "mesos.source", Value: st.Source.String()})
		}
		if st.Message != "" {
			attrs = append(attrs, observe.Attr{Key: "mesos.message", Value: st.Message})
		}
	}
	m.Event(EventTaskState, attrs...)
}

// subscriber is an operator API SUBSCRIBE stream (Master::subscribe for
// operators, src/master/master.cpp Subscribers).
type subscriber struct {
	stream *eventStream
	timer  *process.Timer
}

// event builds one operator event's JSON; it is only called when someone
// is subscribed.
type event func() []byte

// publish sends an operator event to every subscriber; a subscriber that
// does not keep up is dropped.
func (m *Master) publish(e event) {
	if len(m.subscribers) == 0 {
		return
	}
	data := e()
	for s := range m.subscribers {
		if err := s.stream.write(data); err != nil {
			m.dropSubscriber(s)
		}
	}
}

func (m *Master) addSubscriber(s *eventStream) {
	sub := &subscriber{stream: s}
	m.subscribers[sub] = struct{}{}
	s.onClose(func() {
		process.Do(m.rt, m.Self(), "operatorSubscriberClosed", func() { m.dropSubscriber(sub) })
	})
	_ = s.write(readonly.Subscribed(m.snapshotNow(), m.cfg.HeartbeatInterval))
	m.operatorHeartbeat(sub)
}

func (m *Master) operatorHeartbeat(sub *subscriber) {
	sub.timer = process.Delay(&m.Base, m.cfg.HeartbeatInterval, m.Self(), "operatorHeartbeat", func() {
		if _, ok := m.subscribers[sub]; !ok {
			return
		}
		if err := sub.stream.write(readonly.Heartbeat()); err != nil {
			m.dropSubscriber(sub)
			return
		}
		m.operatorHeartbeat(sub)
	})
}

func (m *Master) dropSubscriber(s *subscriber) {
	if _, ok := m.subscribers[s]; !ok {
		return
	}
	delete(m.subscribers, s)
	if s.timer != nil {
		s.timer.Stop()
	}
	s.stream.Close()
}

func (m *Master) agentAddedEvent(a *agent) event {
	return func() []byte { return readonly.AgentAdded(m.agentView(a)) }
}

func (m *Master) agentRemovedEvent(id string) event {
	return func() []byte { return readonly.AgentRemoved(id) }
}

func (m *Master) taskAddedEvent(t *mesos.Task) event {
	return func() []byte { return readonly.TaskAdded(t) }
}

func (m *Master) taskUpdatedEvent(t *mesos.Task, st mesos.TaskStatus) event {
	return func() []byte { return readonly.TaskUpdated(t.FrameworkID.Value, &st, t.State) }
}

func (m *Master) frameworkAddedEvent(f *framework) event {
	return func() []byte { return readonly.FrameworkAdded(m.frameworkView(f)) }
}

func (m *Master) frameworkUpdatedEvent(f *framework) event {
	return func() []byte { return readonly.FrameworkUpdated(m.frameworkView(f)) }
}

func (m *Master) frameworkRemovedEvent(f *framework) event {
	info := f.info
	return func() []byte { return readonly.FrameworkRemoved(&info) }
}
