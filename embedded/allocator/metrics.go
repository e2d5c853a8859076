package allocator

import (
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator/drf"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Metric names from src/master/allocator/mesos/metrics.cpp.
const (
	metricRuns       = "allocator/mesos/allocation_runs"
	metricRun        = "allocator/mesos/allocation_run"
	metricLatency    = "allocator/mesos/allocation_run_latency"
	metricDispatches = "allocator/mesos/event_queue_dispatches"
	// metricDispatchesAlias is the same gauge under the name Mesos keeps
	// for compatibility (event_queue_dispatches_ in metrics.cpp).
	metricDispatchesAlias = "allocator/event_queue_dispatches"
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
	// consumed is the registered .../resources/<name>/consumed gauges, by
	// role and name (see syncConsumedMetrics).
	consumed map[string]map[string]bool
}

type counter interface{ Inc() }
type recorder interface{ Record(time.Duration) }

type nopMetric struct{}

func (nopMetric) Inc()                 {}
func (nopMetric) Record(time.Duration) {}

func (a *Allocator) initMetrics() {
	m := a.rt.Metrics()
	a.m = metrics{runs: nopMetric{}, run: nopMetric{}, latency: nopMetric{},
		roles: map[string][]string{}, resources: map[string]bool{}, quota: map[string][]string{},
		consumed: map[string]map[string]bool{}}
	if c, err := m.NewCounter(metricRuns, 0); err == nil {
		a.m.runs = c
	}
	if t, err := m.NewTimer(metricRun, 0); err == nil {
		a.m.run = t
	}
	if t, err := m.NewTimer(metricLatency, 0); err == nil {
		a.m.latency = t
	}
	depth := func() float64 {
		for _, s := range a.rt.ProcessStats() {
			if s.ID == a.Self().ID {
				return float64(s.Depth)
			}
		}
		return 0
	}
	_ = m.NewPullGauge(metricDispatches, process.PID{}, depth)
	_ = m.NewPullGauge(metricDispatchesAlias, process.PID{}, depth)
}

func (a *Allocator) removeMetrics() {
	m := a.rt.Metrics()
	for _, n := range []string{metricRuns, metricRun + "_ms", metricLatency + "_ms", metricDispatches, metricDispatchesAlias} {
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
	for role, names := range a.m.consumed {
		for name := range names {
			m.Remove(consumedMetric(role, name))
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
		// Guarantee and limit names, as Metrics::updateQuota registers them:
		// what the role sorter records as the role's allocation.
		seen := map[string]bool{}
		for name := range r.quota.Guarantees.All() {
			seen[name] = true
		}
		for name := range r.quota.Limits {
			seen[name] = true
		}
		for _, name := range slices.Sorted(maps.Keys(seen)) {
			n := prefix + name + "/offered_or_allocated"
			_ = m.NewPullGauge(n, a.Self(), func() float64 {
				q, _ := a.core.roleSorter.AllocationScalarQuantities(role)
				return q.Get(name)
			})
			names = append(names, n)
		}
		slices.Sort(names)
		a.m.quota[role] = names
	}
}

// consumedMetric names the gauge of one role's consumed quota of one
// resource (QuotaMetrics quotaConsumed in metrics.hpp).
func consumedMetric(role, name string) string {
	return "allocator/mesos/quota/roles/" + role + "/resources/" + name + "/consumed"
}

// syncConsumedMetrics keeps one allocator/mesos/quota/roles/<role>/
// resources/<name>/consumed gauge for every role and resource the role
// consumes (its own and its descendants' unreserved non-revocable
// allocations plus reservations), as RoleTree::updateQuotaConsumedMetric
// does for every role, quota or not. Mesos pushes a value at each change;
// these gauges read the core when sampled, and the set of gauges is
// brought up to date after each cycle and quota change, so a gauge whose
// consumption dropped to nothing reads 0 until the next cycle removes it.
func (a *Allocator) syncConsumedMetrics() {
	c := a.core
	want := map[string]map[string]bool{}
	add := func(role string, q resources.Quantities) {
		for name := range q.All() {
			if want[role] == nil {
				want[role] = map[string]bool{}
			}
			want[role][name] = true
		}
	}
	for name, r := range c.roles {
		if r.allocatedUnreservedQ.IsEmpty() && r.reservedQ.IsEmpty() {
			continue
		}
		for _, role := range append([]string{name}, c.ancestors(name)...) {
			add(role, r.allocatedUnreservedQ)
			add(role, r.reservedQ)
		}
	}
	m := a.rt.Metrics()
	for role, names := range a.m.consumed {
		for name := range names {
			if !want[role][name] {
				m.Remove(consumedMetric(role, name))
				delete(names, name)
			}
		}
		if len(names) == 0 {
			delete(a.m.consumed, role)
		}
	}
	for role, names := range want {
		for name := range names {
			if a.m.consumed[role][name] {
				continue
			}
			_ = m.NewPullGauge(consumedMetric(role, name), a.Self(), func() float64 {
				q := a.core.consumedQuota(role)
				return q.Get(name)
			})
			if a.m.consumed[role] == nil {
				a.m.consumed[role] = map[string]bool{}
			}
			a.m.consumed[role][name] = true
		}
	}
}
