package allocator

import (
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator/drf"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// Metric names from src/master/allocator/mesos/metrics.cpp.
const (
	metricRuns       = "allocator/mesos/allocation_runs"
	metricRun        = "allocator/mesos/allocation_run"
	metricLatency    = "allocator/mesos/allocation_run_latency"
	metricDispatches = "allocator/mesos/event_queue_dispatches"
)

// metrics holds the allocator's registered metrics; per-role and
// per-resource pull gauges are registered as roles and resources appear.
type metrics struct {
	runs      counter
	run       recorder
	latency   recorder
	roles     map[string][]string // role → its registered gauge names
	resources map[string]bool
	quota     map[string][]string
}

type counter interface{ Inc() }
type recorder interface{ Record(time.Duration) }

type nopMetric struct{}

func (nopMetric) Inc()                 {}
func (nopMetric) Record(time.Duration) {}

func (a *Allocator) initMetrics() {
	m := a.rt.Metrics()
	a.m = metrics{runs: nopMetric{}, run: nopMetric{}, latency: nopMetric{},
		roles: map[string][]string{}, resources: map[string]bool{}, quota: map[string][]string{}}
	if c, err := m.NewCounter(metricRuns, 0); err == nil {
		a.m.runs = c
	}
	if t, err := m.NewTimer(metricRun, 0); err == nil {
		a.m.run = t
	}
	if t, err := m.NewTimer(metricLatency, 0); err == nil {
		a.m.latency = t
	}
	_ = m.NewPullGauge(metricDispatches, process.PID{}, func() float64 {
		for _, s := range a.rt.ProcessStats() {
			if s.ID == a.Self().ID {
				return float64(s.Depth)
			}
		}
		return 0
	})
}

func (a *Allocator) removeMetrics() {
	m := a.rt.Metrics()
	for _, n := range []string{metricRuns, metricRun + "_ms", metricLatency + "_ms", metricDispatches} {
		m.Remove(n)
	}
	for _, names := range a.m.roles {
		for _, n := range names {
			m.Remove(n)
		}
	}
	for name := range a.m.resources {
		m.Remove("allocator/mesos/resources/" + name + "/total")
		m.Remove("allocator/mesos/resources/" + name + "/offered_or_allocated")
	}
	for _, names := range a.m.quota {
		for _, n := range names {
			m.Remove(n)
		}
	}
}

// syncRoleMetrics registers allocator/mesos/roles/<role>/shares/dominant
// and allocator/mesos/offer_filters/roles/<role>/active for roles in the
// role sorter and removes those of roles that left.
func (a *Allocator) syncRoleMetrics() {
	m := a.rt.Metrics()
	for role, names := range a.m.roles {
		if r := a.core.roles[role]; r == nil || r.sorter == nil {
			for _, n := range names {
				m.Remove(n)
			}
			delete(a.m.roles, role)
		}
	}
	for role, r := range a.core.roles {
		if r.sorter == nil || a.m.roles[role] != nil {
			continue
		}
		share := drf.DominantShareMetric("allocator/mesos/roles/", role)
		filters := "allocator/mesos/offer_filters/roles/" + role + "/active"
		_ = m.NewPullGauge(share, a.Self(), func() float64 {
			s, _ := a.core.roleSorter.Share(role)
			return s
		})
		_ = m.NewPullGauge(filters, a.Self(), func() float64 { return float64(a.core.ActiveFilters(role)) })
		a.m.roles[role] = []string{share, filters}
	}
}

// syncResourceMetrics registers allocator/mesos/resources/<name>/total
// and /offered_or_allocated for every scalar resource name seen.
func (a *Allocator) syncResourceMetrics() {
	m := a.rt.Metrics()
	for name := range a.core.totalQ.All() {
		if a.m.resources[name] {
			continue
		}
		a.m.resources[name] = true
		_ = m.NewPullGauge("allocator/mesos/resources/"+name+"/total", a.Self(), func() float64 { return a.core.totalQ.Get(name) })
		_ = m.NewPullGauge("allocator/mesos/resources/"+name+"/offered_or_allocated", a.Self(), func() float64 { return a.core.allocatedQ.Get(name) })
	}
}

// syncQuotaMetrics registers allocator/mesos/quota/roles/<role>/resources/
// <name>/{guarantee,limit,offered_or_allocated} for roles with quota.
func (a *Allocator) syncQuotaMetrics() {
	m := a.rt.Metrics()
	for role, names := range a.m.quota {
		for _, n := range names {
			m.Remove(n)
		}
		delete(a.m.quota, role)
	}
	for role, r := range a.core.roles {
		if r.quota.IsDefault() {
			continue
		}
		var names []string
		prefix := "allocator/mesos/quota/roles/" + role + "/resources/"
		for name, v := range r.quota.Guarantees.All() {
			n := prefix + name + "/guarantee"
			_ = m.NewPullGauge(n, process.PID{}, func() float64 { return v })
			names = append(names, n)
		}
		for name, v := range r.quota.Limits {
			n := prefix + name + "/limit"
			_ = m.NewPullGauge(n, process.PID{}, func() float64 { return v })
			names = append(names, n)
		}
		for name := range r.quota.Guarantees.All() {
			n := prefix + name + "/offered_or_allocated"
			_ = m.NewPullGauge(n, a.Self(), func() float64 { q := a.core.consumedQuota(role); return q.Get(name) })
			names = append(names, n)
		}
		slices.Sort(names)
		a.m.quota[role] = names
	}
}
