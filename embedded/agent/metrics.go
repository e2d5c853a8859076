package agent

import (
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// counter is the part of a process.Counter the agent uses; nopCounter stands in when
// the metric could not be registered (another agent on the runtime owns the name).
type counter interface {
	Inc()
	Value() float64
}

type nopCounter struct{}

func (nopCounter) Inc()           {}
func (nopCounter) Value() float64 { return 0 }

// metrics are the agent's metrics (src/slave/metrics.cpp), registered on the
// runtime's metrics registry. Like a libprocess instance, a runtime holds the slave/*
// metrics of one agent: a second agent on the same runtime keeps its counts but does
// not publish them.
type metrics struct {
	names                    []string
	registered               bool
	validStatusUpdates       counter
	invalidStatusUpdates     counter
	containerLaunchErrors    counter
	executorsTerminatedCount counter
	tasksFinished            counter
	tasksFailed              counter
	tasksKilled              counter
	tasksLost                counter
	tasksGone                counter
	recoveryErrors           counter
}

// taskTerminated counts a task reaching a terminal state (Executor::updateTaskState).
func (m *metrics) taskTerminated(s mesos.TaskState) {
	switch s {
	case mesos.TaskFinished:
		m.tasksFinished.Inc()
	case mesos.TaskFailed:
		m.tasksFailed.Inc()
	case mesos.TaskKilled:
		m.tasksKilled.Inc()
	case mesos.TaskLost:
		m.tasksLost.Inc()
	case mesos.TaskGone:
		m.tasksGone.Inc()
	}
}

func (m *metrics) setRegistered(v bool) { m.registered = v }

// initMetrics registers the agent's counters and pull gauges (evaluated on the agent).
func (a *Agent) initMetrics() {
	reg := a.rt.Metrics()
	m := &a.m
	newCounter := func(name string) counter {
		c, err := reg.NewCounter(name, 0)
		if err != nil {
			return nopCounter{}
		}
		m.names = append(m.names, name)
		return c
	}
	m.validStatusUpdates = newCounter("slave/valid_status_updates")
	m.invalidStatusUpdates = newCounter("slave/invalid_status_updates")
	m.containerLaunchErrors = newCounter("slave/container_launch_errors")
	m.executorsTerminatedCount = newCounter("slave/executors_terminated")
	m.tasksFinished = newCounter("slave/tasks_finished")
	m.tasksFailed = newCounter("slave/tasks_failed")
	m.tasksKilled = newCounter("slave/tasks_killed")
	m.tasksLost = newCounter("slave/tasks_lost")
	m.tasksGone = newCounter("slave/tasks_gone")
	m.recoveryErrors = newCounter("slave/recovery_errors")

	gauge := func(name string, fn func() float64) {
		if err := reg.NewPullGauge(name, a.Self(), fn); err == nil {
			m.names = append(m.names, name)
		}
	}
	gauge("slave/registered", func() float64 { return boolGauge(m.registered) })
	gauge("slave/uptime_secs", func() float64 { return a.now().Sub(a.startTime).Seconds() })
	gauge("slave/frameworks_active", func() float64 { return float64(len(a.frameworks)) })
	for _, s := range []struct {
		name  string
		state mesos.TaskState
	}{
		{"slave/tasks_staging", mesos.TaskStaging},
		{"slave/tasks_starting", mesos.TaskStarting},
		{"slave/tasks_running", mesos.TaskRunning},
		{"slave/tasks_killing", mesos.TaskKilling},
	} {
		gauge(s.name, func() float64 { return float64(a.countTasks(s.state)) })
	}
	for _, s := range []struct {
		name  string
		state executorState
	}{
		{"slave/executors_registering", executorRegistering},
		{"slave/executors_running", executorRunning},
		{"slave/executors_terminating", executorTerminating},
	} {
		gauge(s.name, func() float64 { return float64(a.countExecutors(s.state)) })
	}
	for _, g := range fetcherGauges() {
		gauge(g.name, func() float64 { return g.get(a.fetcherMetrics()) })
	}
	for _, name := range []string{"cpus", "mem", "disk", "gpus"} {
		gauge("slave/"+name+"_total", func() float64 { return a.resourceTotal(name) })
		gauge("slave/"+name+"_used", func() float64 { return a.resourceUsed(name) })
		gauge("slave/"+name+"_percent", func() float64 {
			total := a.resourceTotal(name)
			if total == 0 {
				return 0
			}
			return a.resourceUsed(name) / total
		})
	}
}

// fetcherGauges are the containerizer's fetcher metrics the agent publishes
// (FetcherProcess::Metrics in src/slave/containerizer/fetcher.cpp registers the first
// four with the agent's libprocess; Mesos's two fetch counts are counters, read here
// through pull gauges: /metrics/snapshot serves the same numbers). The cache_* counts
// and cache_entries are mesoscope's.
func fetcherGauges() []struct {
	name string
	get  func(containerizer.FetcherMetrics) float64
} {
	return []struct {
		name string
		get  func(containerizer.FetcherMetrics) float64
	}{
		{"containerizer/fetcher/task_fetches_succeeded", func(m containerizer.FetcherMetrics) float64 { return float64(m.TaskFetchesSucceeded) }},
		{"containerizer/fetcher/task_fetches_failed", func(m containerizer.FetcherMetrics) float64 { return float64(m.TaskFetchesFailed) }},
		{"containerizer/fetcher/cache_size_total_bytes", func(m containerizer.FetcherMetrics) float64 { return float64(m.CacheSizeTotalBytes) }},
		{"containerizer/fetcher/cache_size_used_bytes", func(m containerizer.FetcherMetrics) float64 { return float64(m.CacheSizeUsedBytes) }},
		{"containerizer/fetcher/cache_hits", func(m containerizer.FetcherMetrics) float64 { return float64(m.CacheHits) }},
		{"containerizer/fetcher/cache_misses", func(m containerizer.FetcherMetrics) float64 { return float64(m.CacheMisses) }},
		{"containerizer/fetcher/cache_evictions", func(m containerizer.FetcherMetrics) float64 { return float64(m.CacheEvictions) }},
		{"containerizer/fetcher/cache_entries", func(m containerizer.FetcherMetrics) float64 { return float64(m.CacheEntries) }},
	}
}

// fetcherMetrics reads the containerizer's fetcher counters (zero before the
// containerizer exists, i.e. before the first registration).
func (a *Agent) fetcherMetrics() containerizer.FetcherMetrics {
	if a.cont == nil {
		return containerizer.FetcherMetrics{}
	}
	f := a.cont.Containerizer().Fetcher()
	if f == nil {
		return containerizer.FetcherMetrics{}
	}
	return f.Metrics()
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// removeMetrics unregisters the metrics the agent registered.
func (a *Agent) removeMetrics() {
	reg := a.rt.Metrics()
	for _, n := range a.m.names {
		reg.Remove(n)
	}
	a.m.names = nil
}

// countTasks counts launched tasks in a state, and queued ones as TASK_STAGING
// (Slave::_tasks_staging, _tasks_starting and friends).
func (a *Agent) countTasks(s mesos.TaskState) int {
	n := 0
	for _, f := range a.frameworks {
		for _, e := range f.executors {
			if s == mesos.TaskStaging {
				n += len(e.queuedTasks)
			}
			for _, t := range e.launchedTasks {
				if t.State == s {
					n++
				}
			}
		}
	}
	return n
}

// countExecutors counts executors in a state (Slave::_executors_running and friends).
func (a *Agent) countExecutors(s executorState) int {
	n := 0
	for _, f := range a.frameworks {
		for _, e := range f.executors {
			if e.state == s {
				n++
			}
		}
	}
	return n
}

// resourceTotal is Slave::_resources_total: the scalar total of a resource.
func (a *Agent) resourceTotal(name string) float64 {
	total := 0.0
	for r := range a.total.All() {
		if r.Name == name && r.Type == mesos.ValueScalar {
			total += r.Scalar
		}
	}
	return total
}

// resourceUsed is Slave::_resources_used: the frameworks' allocated, non-revocable
// resources.
func (a *Agent) resourceUsed(name string) float64 {
	used := 0.0
	for _, f := range a.frameworks {
		for r := range f.allocatedResources().NonRevocable().All() {
			if r.Name == name && r.Type == mesos.ValueScalar {
				used += r.Scalar
			}
		}
	}
	return used
}

var _ counter = (*process.Counter)(nil)
