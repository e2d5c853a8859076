package master

import (
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// metrics are the master's entries of /metrics/snapshot, named as in
// src/master/metrics.cpp: counters for messages and transitions, pull
// gauges (evaluated on the master's queue) for what is derived from state.
type metrics struct {
	registerSlave, reregisterSlave                       counter
	slaveRegistrations, slaveReregistrations             counter
	slaveRemovals                                        counter
	slaveUnreachableScheduled, slaveUnreachableCompleted counter
	messagesLaunchTasks, messagesDeclineOffers           counter
	messagesReviveOffers, messagesSuppressOffers         counter
	messagesStatusUpdate, messagesStatusUpdateAck        counter
	validStatusUpdates, invalidStatusUpdates             counter
	invalidSchedulerCalls, recoverySlaveRemovals         counter
	outstandingOffers                                    gauge

	// active counts tasks per non-terminal state; terminal states are
	// counters of transitions.
	active   [numTaskStates]int
	terminal [numTaskStates]counter

	names []string
}

const numTaskStates = 14

type counter interface {
	Inc()
	Add(float64)
}

type gauge interface{ Set(float64) }

type nop struct{}

func (nop) Inc()        {}
func (nop) Add(float64) {}
func (nop) Set(float64) {}

func (m *Master) counter(name string) counter {
	c, err := m.rt.Metrics().NewCounter(name, 0)
	if err != nil {
		return nop{}
	}
	m.m.names = append(m.m.names, name)
	return c
}

func (m *Master) pull(name string, fn func() float64) {
	if err := m.rt.Metrics().NewPullGauge(name, m.Self(), fn); err == nil {
		m.m.names = append(m.m.names, name)
	}
}

func (m *Master) initMetrics() {
	mm := &m.m
	mm.registerSlave = m.counter("master/messages_register_slave")
	mm.reregisterSlave = m.counter("master/messages_reregister_slave")
	mm.slaveRegistrations = m.counter("master/slave_registrations")
	mm.slaveReregistrations = m.counter("master/slave_reregistrations")
	mm.slaveRemovals = m.counter("master/slave_removals")
	mm.slaveUnreachableScheduled = m.counter("master/slave_unreachable_scheduled")
	mm.slaveUnreachableCompleted = m.counter("master/slave_unreachable_completed")
	mm.messagesLaunchTasks = m.counter("master/messages_launch_tasks")
	mm.messagesDeclineOffers = m.counter("master/messages_decline_offers")
	mm.messagesReviveOffers = m.counter("master/messages_revive_offers")
	mm.messagesSuppressOffers = m.counter("master/messages_suppress_offers")
	mm.messagesStatusUpdate = m.counter("master/messages_status_update")
	mm.messagesStatusUpdateAck = m.counter("master/messages_status_update_acknowledgement")
	mm.validStatusUpdates = m.counter("master/valid_status_updates")
	mm.invalidStatusUpdates = m.counter("master/invalid_status_updates")
	mm.invalidSchedulerCalls = m.counter("master/invalid_scheduler_calls")
	mm.recoverySlaveRemovals = m.counter("master/recovery_slave_removals")
	mm.outstandingOffers = nop{}
	m.pull("master/outstanding_offers", func() float64 { return float64(len(m.offers)) })
	m.pull("master/elected", func() float64 { return 1 })
	m.pull("master/uptime_secs", func() float64 { return m.now().Sub(m.startTime).Seconds() })
	m.pull("master/slaves_active", func() float64 { return float64(m.countAgents(func(a *agent) bool { return a.active })) })
	m.pull("master/slaves_inactive", func() float64 { return float64(m.countAgents(func(a *agent) bool { return !a.active })) })
	m.pull("master/slaves_connected", func() float64 { return float64(m.countAgents(func(a *agent) bool { return a.connected })) })
	m.pull("master/slaves_disconnected", func() float64 { return float64(m.countAgents(func(a *agent) bool { return !a.connected })) })
	m.pull("master/slaves_unreachable", func() float64 { return float64(len(m.unreachable)) })
	m.pull("master/frameworks_active", func() float64 { return float64(m.countFrameworks(func(f *framework) bool { return f.active })) })
	m.pull("master/frameworks_inactive", func() float64 { return float64(m.countFrameworks(func(f *framework) bool { return !f.active })) })
	m.pull("master/frameworks_connected", func() float64 { return float64(m.countFrameworks(func(f *framework) bool { return f.connected })) })
	m.pull("master/frameworks_disconnected", func() float64 {
		return float64(m.countFrameworks(func(f *framework) bool { return !f.connected }))
	})
	m.pull("master/operator_event_stream_subscribers", func() float64 { return float64(len(m.subscribers)) })
	for s := range numTaskStates {
		st := mesos.TaskState(s)
		if !st.IsKnown() {
			continue
		}
		name := "master/tasks_" + strings.TrimPrefix(strings.ToLower(st.String()), "task_")
		if st.IsTerminal() {
			mm.terminal[s] = m.counter(name)
			continue
		}
		m.pull(name, func() float64 { return float64(mm.active[s]) })
	}
	for _, res := range []string{"cpus", "mem", "disk", "gpus"} {
		m.pull("master/"+res+"_total", func() float64 { t, _ := m.resourceTotals(res); return t })
		m.pull("master/"+res+"_used", func() float64 { _, u := m.resourceTotals(res); return u })
		m.pull("master/"+res+"_percent", func() float64 {
			t, u := m.resourceTotals(res)
			if t == 0 {
				return 0
			}
			return u / t
		})
	}
	for name, kind := range map[string]string{
		"master/event_queue_messages":      "MESSAGE",
		"master/event_queue_dispatches":    "DISPATCH",
		"master/event_queue_http_requests": "HTTP",
	} {
		// Owned by no process: read from outside, like the allocator's.
		if err := m.rt.Metrics().NewPullGauge(name, process.PID{}, func() float64 {
			for _, s := range m.rt.ProcessStats() {
				if s.ID == ID {
					return float64(s.Queued[kind])
				}
			}
			return 0
		}); err == nil {
			mm.names = append(mm.names, name)
		}
	}
}

func (m *Master) removeMetrics() {
	for _, n := range m.m.names {
		m.rt.Metrics().Remove(n)
	}
	m.m.names = nil
}

func (m *Master) countAgents(pred func(*agent) bool) int {
	n := 0
	for _, a := range m.agents {
		if pred(a) {
			n++
		}
	}
	return n
}

func (m *Master) countFrameworks(pred func(*framework) bool) int {
	n := 0
	for _, f := range m.frameworks {
		if pred(f) {
			n++
		}
	}
	return n
}

// resourceTotals sums a scalar over the agents' totals and used resources.
func (m *Master) resourceTotals(name string) (total, used float64) {
	for _, a := range m.agents {
		v, _ := a.total.ScalarValue(name)
		total += v
		for _, u := range a.used {
			v, _ := u.ScalarValue(name)
			used += v
		}
	}
	return total, used
}

// taskState counts a task entering (delta 1) or leaving (-1) a state.
func (mm *metrics) taskState(s mesos.TaskState, delta int) {
	if s < 0 || int(s) >= numTaskStates {
		return
	}
	if s.IsTerminal() {
		if delta > 0 && mm.terminal[s] != nil {
			mm.terminal[s].Inc()
		}
		return
	}
	mm.active[s] += delta
}

// frameworkMetrics are the per-framework metrics under
// master/frameworks/<encoded name>/<id>/ (getFrameworkMetricPrefix).
type frameworkMetrics struct {
	m                                                           *Master
	prefix                                                      string
	calls, events                                               counter
	offersSent, offersAccepted, offersDeclined, offersRescinded counter
	updates                                                     counter
	byName                                                      map[string]counter
	active                                                      [numTaskStates]int
}

func (m *Master) initFrameworkMetrics(f *framework) {
	fm := &f.metrics
	fm.m = m
	fm.prefix = "master/frameworks/" + encodeMetricName(f.info.Name) + "/" + f.id + "/"
	fm.byName = map[string]counter{}
	fm.calls = m.counter(fm.prefix + "calls")
	fm.events = m.counter(fm.prefix + "events")
	fm.offersSent = m.counter(fm.prefix + "offers/sent")
	fm.offersAccepted = m.counter(fm.prefix + "offers/accepted")
	fm.offersDeclined = m.counter(fm.prefix + "offers/declined")
	fm.offersRescinded = m.counter(fm.prefix + "offers/rescinded")
	fm.updates = nop{}
	m.pull(fm.prefix+"subscribed", func() float64 {
		if f.connected {
			return 1
		}
		return 0
	})
	for s := range numTaskStates {
		st := mesos.TaskState(s)
		if !st.IsKnown() || st.IsTerminal() {
			continue
		}
		m.pull(fm.prefix+"tasks/active/"+strings.ToLower(st.String()), func() float64 { return float64(fm.active[s]) })
	}
}

func (m *Master) removeFrameworkMetrics(f *framework) {
	if f.metrics.prefix == "" {
		return
	}
	keep := m.m.names[:0]
	for _, n := range m.m.names {
		if strings.HasPrefix(n, f.metrics.prefix) {
			m.rt.Metrics().Remove(n)
			continue
		}
		keep = append(keep, n)
	}
	m.m.names = keep
}

func (fm *frameworkMetrics) named(name string) counter {
	if fm.m == nil {
		return nop{}
	}
	c, ok := fm.byName[name]
	if !ok {
		c = fm.m.counter(fm.prefix + name)
		fm.byName[name] = c
	}
	return c
}

func (fm *frameworkMetrics) call(t scheduler.CallType) {
	if fm.m == nil {
		return
	}
	fm.calls.Inc()
	fm.named("calls/" + strings.ToLower(t.String())).Inc()
}

func (fm *frameworkMetrics) event(t scheduler.EventType) {
	if fm.m == nil {
		return
	}
	fm.events.Inc()
	fm.named("events/" + strings.ToLower(t.String())).Inc()
}

func (fm *frameworkMetrics) taskState(s mesos.TaskState, delta int) {
	if fm.m == nil || s < 0 || int(s) >= numTaskStates {
		return
	}
	if s.IsTerminal() {
		if delta > 0 {
			fm.named("tasks/terminal/" + strings.ToLower(s.String())).Inc()
		}
		return
	}
	fm.active[s] += delta
}

// encodeMetricName is http::encode: everything but unreserved characters
// percent-encoded.
func encodeMetricName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(string("0123456789abcdef"[c>>4])+string("0123456789abcdef"[c&15])))
	}
	return b.String()
}
