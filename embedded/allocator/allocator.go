package allocator

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// ID is the allocator's process id (Mesos names it
// "hierarchical-allocator(N)"; one per master here).
const ID = "allocator"

// Allocator is HierarchicalAllocatorProcess: a process owning a Core that
// runs the batch allocation loop every allocation interval on the
// runtime's clock, batches event-triggered allocations into one pending
// cycle (generateOffers/_generateOffers), and hands offers to
// Config.OfferCallback on its own goroutine.
//
// Its methods mirror Mesos's Allocator interface
// (include/mesos/allocator/allocator.hpp): each dispatches to the process
// and returns at once; errors are logged (Mesos CHECK-fails). Queries
// (Cycles, Explain) return futures.
type Allocator struct {
	process.Base
	rt     *process.Runtime
	cfg    Config
	core   *Core
	logger *slog.Logger

	// pending is the batched allocation (offerGeneration); candidates
	// are the agents it covers (allocationCandidates), all means every
	// agent.
	pending    bool
	candidates map[string]bool
	all        bool
	queuedAt   time.Time

	m metrics
}

// New spawns an allocator on rt.
func New(rt *process.Runtime, cfg Config) (*Allocator, error) {
	a := &Allocator{rt: rt, cfg: cfg, core: NewCore(cfg), logger: cfg.Logger, candidates: make(map[string]bool)}
	if a.logger == nil {
		a.logger = slog.New(slog.DiscardHandler)
	}
	if _, err := rt.Spawn(ID, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Initialize starts the batch allocation loop (initialize's loop over
// after(allocation_interval)) and registers metrics and routes.
func (a *Allocator) Initialize() {
	a.initMetrics()
	a.RouteFunc("/mesoscope/v1/allocator", "Allocation cycle explanations (mesoscope).", func(r *process.Request) process.Response {
		if a.cfg.Authenticate != nil {
			if denied := a.cfg.Authenticate(r); denied != nil {
				return *denied
			}
		}
		return a.serveHTTP(r)
	})
	a.tick()
}

func (a *Allocator) tick() {
	process.Delay(&a.Base, a.core.interval, a.Self(), "batch", func() {
		a.generateOffers(nil)
		a.tick()
	})
}

// Finalize removes the allocator's metrics.
func (a *Allocator) Finalize() { a.removeMetrics() }

// generateOffers models generateOffers(slaveIds): nil means every agent.
func (a *Allocator) generateOffers(agentIDs []string) {
	if a.core.paused {
		return
	}
	if agentIDs == nil {
		a.all = true
	}
	for _, id := range agentIDs {
		a.candidates[id] = true
	}
	if a.pending {
		return
	}
	a.pending = true
	a.queuedAt = a.rt.Clock().Now()
	process.Do(&a.Base, a.Self(), "_generateOffers", a._generateOffers)
}

// _generateOffers models the function of that name: one cycle on the
// batched candidates, then the offers leave through the callback.
func (a *Allocator) _generateOffers() {
	a.pending = false
	a.m.latency.Record(a.rt.Clock().Now().Sub(a.queuedAt))
	if a.core.paused {
		return
	}
	a.m.runs.Inc()
	start := time.Now()
	now := a.rt.Clock().Now()
	var res Result
	if a.all {
		res = a.core.Allocate(now)
	} else {
		res = a.core.AllocateOn(now, slices.Sorted(maps.Keys(a.candidates)))
	}
	a.all = false
	clear(a.candidates)
	elapsed := time.Since(start)
	a.m.run.Record(elapsed)
	if res.Cycle != nil {
		res.Cycle.Duration = elapsed
		a.events(res.Cycle)
	}
	a.syncConsumedMetrics()
	for _, fo := range res.Offers {
		if a.cfg.OfferCallback != nil {
			a.cfg.OfferCallback(fo.FrameworkID, fo.Offers)
		}
	}
}

// events emits the allocation.cycle and allocation.decision point events.
func (a *Allocator) events(c *Cycle) {
	if a.rt.Observer() == nil {
		return
	}
	a.Event("allocation.cycle",
		observe.Attr{Key: "allocation.seq", Value: strconv.FormatUint(c.Seq, 10)},
		observe.Attr{Key: "allocation.candidates", Value: strconv.Itoa(c.Candidates)},
		observe.Attr{Key: "allocation.offers", Value: strconv.Itoa(c.Offers)},
		observe.Attr{Key: "allocation.duration_ms", Value: strconv.FormatFloat(float64(c.Duration)/1e6, 'f', 3, 64)},
		observe.Attr{Key: "allocation.drf_order", Value: drfOrder(c)},
	)
	for _, f := range c.Frameworks {
		attrs := []observe.Attr{
			{Key: "allocation.seq", Value: strconv.FormatUint(c.Seq, 10)},
			{Key: "mesos.framework_id", Value: f.FrameworkID},
			{Key: "mesos.role", Value: f.Role},
		}
		for _, r := range Reasons() {
			if n := f.Counts.Get(r); n > 0 {
				attrs = append(attrs, observe.Attr{Key: "allocation." + string(r), Value: strconv.Itoa(n)})
			}
		}
		a.Event("allocation.decision", attrs...)
	}
}

// do dispatches fn to the allocator, logging its error.
func (a *Allocator) do(name string, fn func() error) {
	process.Do(a.rt, a.Self(), name, func() {
		if err := fn(); err != nil {
			a.logger.Warn("allocator call failed", "call", name, "err", err)
		}
	})
}

// AddFramework models Allocator::addFramework; an active framework
// triggers an allocation, an inactive one does not (addFramework calls
// generateOffers only if active).
func (a *Allocator) AddFramework(info FrameworkInfo, used map[string]resources.Resources, active bool, suppressedRoles []string) {
	info = info.clone()
	a.do("addFramework", func() error {
		if err := a.core.AddFramework(info, used, active, suppressedRoles); err != nil {
			return err
		}
		a.syncRoleMetrics()
		if active {
			a.generateOffers(nil)
		}
		return nil
	})
}

// RemoveFramework models Allocator::removeFramework.
func (a *Allocator) RemoveFramework(id string) {
	a.do("removeFramework", func() error {
		err := a.core.RemoveFramework(id)
		a.syncRoleMetrics()
		return err
	})
}

// ActivateFramework models Allocator::activateFramework; it triggers an
// allocation.
func (a *Allocator) ActivateFramework(id string) {
	a.do("activateFramework", func() error {
		if err := a.core.ActivateFramework(id); err != nil {
			return err
		}
		a.generateOffers(nil)
		return nil
	})
}

// DeactivateFramework models Allocator::deactivateFramework.
func (a *Allocator) DeactivateFramework(id string) {
	a.do("deactivateFramework", func() error { return a.core.DeactivateFramework(id) })
}

// UpdateFramework models Allocator::updateFramework.
func (a *Allocator) UpdateFramework(info FrameworkInfo, suppressedRoles []string) {
	info = info.clone()
	a.do("updateFramework", func() error {
		err := a.core.UpdateFramework(info, suppressedRoles)
		a.syncRoleMetrics()
		return err
	})
}

// AddAgent models Allocator::addSlave; it triggers an allocation on the
// agent.
func (a *Allocator) AddAgent(id string, total resources.Resources, used map[string]resources.Resources) {
	total = total.Clone()
	a.do("addSlave", func() error {
		if err := a.core.AddAgent(id, total, used); err != nil {
			return err
		}
		a.syncResourceMetrics()
		a.generateOffers([]string{id})
		return nil
	})
}

// RemoveAgent models Allocator::removeSlave.
func (a *Allocator) RemoveAgent(id string) {
	a.do("removeSlave", func() error { return a.core.RemoveAgent(id) })
}

// UpdateAgent models Allocator::updateSlave with a new total; it triggers
// an allocation on the agent when the total changed.
func (a *Allocator) UpdateAgent(id string, total resources.Resources) {
	total = total.Clone()
	a.do("updateSlave", func() error {
		changed, err := a.core.UpdateAgent(id, total)
		if changed {
			a.syncResourceMetrics()
			a.generateOffers([]string{id})
		}
		return err
	})
}

// ActivateAgent models Allocator::activateSlave: the agent is offered
// again from the next cycle; like Mesos it does not trigger one.
func (a *Allocator) ActivateAgent(id string) {
	a.do("activateSlave", func() error {
		return a.core.ActivateAgent(id)
	})
}

// DeactivateAgent models Allocator::deactivateSlave.
func (a *Allocator) DeactivateAgent(id string) {
	a.do("deactivateSlave", func() error { return a.core.DeactivateAgent(id) })
}

// UpdateAllocation models Allocator::updateAllocation (see
// Core.UpdateAllocation for how it differs).
func (a *Allocator) UpdateAllocation(frameworkID, agentID string, from, to resources.Resources) {
	from, to = from.Clone(), to.Clone()
	a.do("updateAllocation", func() error { return a.core.UpdateAllocation(frameworkID, agentID, from, to) })
}

// RecoverResources models Allocator::recoverResources. A filter's expiry
// is scheduled on the runtime clock (the RefusedOfferFilter timer). It
// does not trigger an allocation (MESOS-3078).
func (a *Allocator) RecoverResources(frameworkID, agentID string, rs resources.Resources, filters *Filters) {
	rs = rs.Clone()
	if filters != nil {
		f := *filters
		filters = &f
	}
	a.do("recoverResources", func() error {
		fi, err := a.core.RecoverResources(frameworkID, agentID, rs, filters, a.rt.Clock().Now())
		if fi != nil {
			process.Delay(&a.Base, fi.Expires.Sub(a.rt.Clock().Now()), a.Self(), "expire", func() {
				a.core.ExpireFilters(a.rt.Clock().Now())
			})
		}
		return err
	})
}

// SuppressOffers models Allocator::suppressOffers (all roles when none
// are given).
func (a *Allocator) SuppressOffers(frameworkID string, roles []string) {
	roles = slices.Clone(roles)
	a.do("suppressOffers", func() error { return a.core.SuppressOffers(frameworkID, roles) })
}

// ReviveOffers models Allocator::reviveOffers: filters cleared, roles
// unsuppressed, allocation triggered.
func (a *Allocator) ReviveOffers(frameworkID string, roles []string) {
	roles = slices.Clone(roles)
	a.do("reviveOffers", func() error {
		if err := a.core.ReviveOffers(frameworkID, roles); err != nil {
			return err
		}
		a.generateOffers(nil)
		return nil
	})
}

// UpdateWeights models Allocator::updateWeights.
func (a *Allocator) UpdateWeights(weights map[string]float64) {
	weights = maps.Clone(weights)
	a.do("updateWeights", func() error { return a.core.UpdateWeights(weights) })
}

// UpdateQuota models Allocator::updateQuota.
func (a *Allocator) UpdateQuota(role string, q Quota) {
	q = Quota{Guarantees: q.Guarantees.Clone(), Limits: maps.Clone(q.Limits)}
	a.do("updateQuota", func() error {
		err := a.core.UpdateQuota(role, q)
		a.syncQuotaMetrics()
		a.syncConsumedMetrics()
		return err
	})
}

// Pause models Allocator::pause.
func (a *Allocator) Pause() { a.do("pause", func() error { a.core.Pause(); return nil }) }

// Resume models Allocator::resume.
func (a *Allocator) Resume() { a.do("resume", func() error { a.core.Resume(); return nil }) }

// Cycles returns the explanations of the last cycles, oldest first.
func (a *Allocator) Cycles(ctx context.Context) ([]Cycle, error) {
	return process.Dispatch(a.rt, a.Self(), "cycles", func() ([]Cycle, error) {
		return a.core.Cycles(), nil
	}).Await(ctx)
}

// Explain computes, for one framework, what every agent would give it
// now and why (see Core.Explain).
func (a *Allocator) Explain(ctx context.Context, frameworkID string) (Explanation, error) {
	return process.Dispatch(a.rt, a.Self(), "explain", func() (Explanation, error) {
		return a.core.Explain(frameworkID, a.rt.Clock().Now())
	}).Await(ctx)
}

// drfOrder lists the cycle's roles in DRF order with their shares
// ("web=0.175,batch=1"), for the allocation.cycle event.
func drfOrder(c *Cycle) string {
	var b []byte
	for i, r := range c.Roles {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, r.Role...)
		b = append(b, '=')
		b = strconv.AppendFloat(b, r.Share, 'g', 4, 64)
	}
	return string(b)
}
