package allocator

import (
	"maps"
	"slices"
	"time"
	"unsafe"

	"github.com/mesoscope/mesoscope/embedded/allocator/drf"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Offer is what one cycle offers a framework in one role on one agent:
// an entry of Mesos's offerable[frameworkId][role][slaveId]. Resources
// carry allocation_info.role.
type Offer struct {
	FrameworkID string              `json:"framework_id"`
	Role        string              `json:"role"`
	AgentID     string              `json:"agent_id"`
	Resources   resources.Resources `json:"resources"`
}

// FrameworkOffers is everything one cycle offers one framework, the
// argument of one offerCallback call. Offers are in the order they were
// made.
type FrameworkOffers struct {
	FrameworkID string  `json:"framework_id"`
	Offers      []Offer `json:"offers"`
}

// Result is the outcome of one cycle: the offers, by framework ID, and
// the cycle's explanation (nil when the core is paused).
type Result struct {
	Offers []FrameworkOffers
	Cycle  *Cycle
}

// scratch holds buffers reused across cycles.
type scratch struct {
	roles, fws drf.Cursor
	agents     []*agent
	pending    []pending
	offered    []*frameworkRole
	// offers is every offer of the cycle in the order made; endCycle hands
	// them out in one array, grouped by framework.
	offers     []Offer
	cycleRoles []*role
	// q, unreserved and reserved are track's quantities.
	q, unreserved, reserved resources.Quantities
}

// pending is an allocation of the current agent whose sorter updates wait
// until the agent is done, so the DRF orders being walked for it stay as
// they were when the agent's turn began (Mesos copies the sort() result).
type pending struct {
	fr                     *frameworkRole
	r                      *role
	q, unreserved, reserve resources.Quantities
}

// cycleState is the quota bookkeeping of one cycle.
type cycleState struct {
	now               time.Time
	consumed          map[string]resources.Quantities
	requiredHeadroom  resources.Quantities
	availableHeadroom resources.Quantities
	heldBack          resources.Quantities
	stage1            bool
	offers            int
}

// Allocate runs one cycle on every agent, the batch allocation of each
// allocation interval.
func (c *Core) Allocate(now time.Time) Result {
	c.scratch.agents = c.scratch.agents[:0]
	for _, a := range c.agentList {
		if a.activated {
			c.scratch.agents = append(c.scratch.agents, a)
		}
	}
	return c.allocate1(now)
}

// AllocateOn runs one cycle on the given agents only (an event-triggered
// generateOffers(slaveIds)); unknown and deactivated agents are skipped.
func (c *Core) AllocateOn(now time.Time, agentIDs []string) Result {
	c.scratch.agents = c.scratch.agents[:0]
	c.stampSeq++
	mark := c.stampSeq
	for _, id := range agentIDs {
		if a, ok := c.agents[id]; ok && a.activated {
			a.stamp = mark
		}
	}
	for _, a := range c.agentList {
		if a.stamp == mark {
			c.scratch.agents = append(c.scratch.agents, a)
		}
	}
	return c.allocate1(now)
}

// allocate1 models __generateOffers (hierarchical.cpp) on the agents in
// c.scratch.agents.
func (c *Core) allocate1(now time.Time) Result {
	if c.paused {
		return Result{}
	}
	c.cycleSeq++
	agents := c.scratch.agents
	c.rng.Shuffle(len(agents), func(i, j int) { agents[i], agents[j] = agents[j], agents[i] })

	cs := &cycleState{now: now, consumed: make(map[string]resources.Quantities)}
	cyc := c.beginCycle(now, len(agents))

	// Quota bookkeeping: consumed quota of top-level roles with quota,
	// required and available headroom.
	for _, name := range slices.Sorted(maps.Keys(c.roles)) {
		r := c.roles[name]
		if r.quota.IsDefault() || len(c.ancestors(name)) > 0 {
			continue
		}
		cq := c.consumedQuota(name)
		cs.consumed[name] = cq
		cs.requiredHeadroom.Add(r.quota.Guarantees.Minus(cq))
		if !r.quota.Guarantees.IsEmpty() {
			cs.stage1 = true
		}
	}
	if cs.stage1 {
		h := c.totalQ.Clone()
		h.Subtract(c.allocatedQ)
		h.Subtract(c.reservedQ.Minus(c.allocatedReservedQ))
		for _, a := range c.agentList {
			for r := range a.available.All() {
				if r.Revocable && r.Type == resources.TypeScalar {
					h.SubtractScalar(r.Name, r.Scalar)
				}
			}
		}
		cs.availableHeadroom = h
	}
	if cs.stage1 {
		cyc.RequiredHeadroom = cs.requiredHeadroom.String()
		cyc.AvailableHeadroom = cs.availableHeadroom.String()
	}

	// Stage 1: quota guarantees.
	if cs.stage1 {
		for _, a := range agents {
			c.roleSorter.Start(&c.scratch.roles)
			for rh, ok := c.scratch.roles.NextClient(); ok; rh, ok = c.scratch.roles.NextClient() {
				r := rh.Data.(*role)
				roleName := r.name
				if r.quota.Guarantees.IsEmpty() || len(r.frameworks) == 0 {
					continue
				}
				if a.available.IsEmpty() {
					break
				}
				unsatisfied := r.quota.Guarantees.Minus(cs.consumed[roleName])
				if unsatisfied.IsEmpty() {
					continue
				}
				r.sorter.Start(&c.scratch.fws)
				for fh, ok := c.scratch.fws.NextClient(); ok; fh, ok = c.scratch.fws.NextClient() {
					if unsatisfied.IsEmpty() {
						break
					}
					if !c.offerStage1(cs, a, r, fh.Data.(*frameworkRole), &unsatisfied) {
						break
					}
				}
			}
			c.flushPending()
		}
		c.rng.Shuffle(len(agents), func(i, j int) { agents[i], agents[j] = agents[j], agents[i] })
	}

	// Stage 2: fair share. Agents come in random order, each a cache miss
	// away: the lines a cycle touches of the agent prefetchDistance ahead
	// are requested while this one is worked on.
	for i, a := range agents {
		if j := i + prefetchDistance; j < len(agents) {
			prefetch(uintptr(unsafe.Pointer(agents[j])))
		}
		c.roleSorter.Start(&c.scratch.roles)
		for rh, ok := c.scratch.roles.NextClient(); ok; rh, ok = c.scratch.roles.NextClient() {
			if a.available.IsEmpty() {
				break
			}
			r := rh.Data.(*role)
			r.sorter.Start(&c.scratch.fws)
			for fh, ok := c.scratch.fws.NextClient(); ok; fh, ok = c.scratch.fws.NextClient() {
				if !c.offerStage2(cs, a, r, fh.Data.(*frameworkRole)) {
					break
				}
			}
		}
		c.flushPending()
	}
	if !cs.heldBack.IsEmpty() {
		cyc.HeldBack = cs.heldBack.String()
	}
	return c.endCycle(cyc, cs)
}

// prefetchDistance is how many agents ahead a cycle prefetches: a miss
// takes a few hundred nanoseconds, an agent's turn about as long.
const prefetchDistance = 4

// allocatableTo returns what on the agent the role may be offered, and
// whether it is the agent's whole available (no copy made).
func (a *agent) allocatableTo(role string) (resources.Resources, bool) {
	if a.plain {
		return a.available, true
	}
	return a.available.AllocatableTo(role), false
}

// allocatable models HierarchicalAllocatorProcess::allocatable.
func (c *Core) allocatable(rs resources.Resources, fr *frameworkRole) bool {
	return c.allocatableQ(rs, nil, fr)
}

// allocatableQ is allocatable with, when q is non-nil, the scalar
// quantities of rs already at hand (an untouched plain agent's total).
func (c *Core) allocatableQ(rs resources.Resources, q *resources.Quantities, fr *frameworkRole) bool {
	if rs.IsEmpty() {
		return false
	}
	sets := c.minAlloc
	if fr.hasMin {
		sets = fr.minAlloc
	}
	if len(sets) == 0 {
		return true
	}
	for _, set := range sets {
		if q != nil && q.Contains(set) || q == nil && rs.ContainsQuantities(set) {
			return true
		}
	}
	return false
}

// capable models isCapableOfReceivingAgent's GPU rule.
func (c *Core) capable(fw *framework, a *agent) bool {
	return !(c.gpuFilter && a.hasGPU && !fw.info.Capabilities.GPUResources)
}

// strip models stripIncapableResources.
func strip(rs resources.Resources, caps Capabilities) resources.Resources {
	return rs.Filter(func(r *resources.Resource) bool {
		if r.Shared && !caps.SharedResources {
			return false
		}
		if r.Revocable && !caps.RevocableResources {
			return false
		}
		if r.HasRefinedReservations() && !caps.ReservationRefinement {
			return false
		}
		return true
	})
}

func isQuotaScalar(r *resources.Resource) bool {
	return r.Type == resources.TypeScalar && r.IsUnreserved() && !r.Revocable
}

// offerStage1 evaluates one framework in stage 1 on one agent; it
// returns false when nothing is left for the role on the agent.
func (c *Core) offerStage1(cs *cycleState, a *agent, r *role, fr *frameworkRole, unsatisfied *resources.Quantities) bool {
	available, _ := a.allocatableTo(r.name)
	if available.IsEmpty() {
		return false
	}
	fw := fr.fw
	if !c.allocatable(available, fr) || !c.capable(fw, a) {
		return true // stage 2 records the reason
	}
	if !a.plain {
		available = strip(available, fw.info.Capabilities)
	}
	quotaRes := available.Filter(isQuotaScalar)
	guarantees := shrinkToQuantities(quotaRes, *unsatisfied)
	if guarantees.IsEmpty() {
		return true
	}
	toOffer := guarantees.Plus(available.Filter(func(rr *resources.Resource) bool {
		return rr.IsReserved(r.name) || rr.Type != resources.TypeScalar || rr.Revocable
	}))
	additional := quotaRes.Minus(guarantees)
	if len(r.quota.Limits) > 0 {
		consumed := cs.consumed[r.name].Plus(guarantees.ScalarQuantities())
		additional = shrinkToLimits(additional, r.quota.Limits.minus(consumed))
	}
	if !cs.requiredHeadroom.IsEmpty() && !additional.IsEmpty() {
		additional = shrinkToQuantities(additional, cs.availableHeadroom.Minus(cs.requiredHeadroom))
	}
	toOffer.Add(additional)
	if !c.allocatable(toOffer, fr) || fr.filteredBy(a.id, toOffer, cs.now) != nil {
		return true
	}
	gq := guarantees.ScalarQuantities()
	inc := gq.Plus(additional.ScalarQuantities())
	unsatisfied.Subtract(inc)
	c.consume(cs, r.name, inc)
	cs.requiredHeadroom.Subtract(gq)
	cs.availableHeadroom.Subtract(inc)
	c.offer(cs, a, r, fr, toOffer, false)
	return true
}

// consume adds to the consumed quota of a role and its ancestors.
func (c *Core) consume(cs *cycleState, role string, inc resources.Quantities) {
	q := cs.consumed[role]
	q.Add(inc)
	cs.consumed[role] = q
	for _, anc := range c.ancestors(role) {
		q := cs.consumed[anc]
		q.Add(inc)
		cs.consumed[anc] = q
	}
}

// offerStage2 evaluates one framework in stage 2 on one agent and records
// the reason; it returns false when nothing is left for the role there.
func (c *Core) offerStage2(cs *cycleState, a *agent, r *role, fr *frameworkRole) bool {
	available, whole := a.allocatableTo(r.name)
	if available.IsEmpty() {
		return false
	}
	fw := fr.fw
	var q *resources.Quantities
	if whole && a.allocated.len() == 0 {
		q = &a.shared.q // nothing taken yet: available is the total
	}
	if !c.allocatableQ(available, q, fr) {
		c.note(cs, fr, a, ReasonMinAllocatable, available)
		return true
	}
	if !c.capable(fw, a) {
		c.note(cs, fr, a, ReasonIncapable, resources.Resources{})
		return true
	}
	limits := r.quota.Limits
	var toOffer resources.Resources
	if whole && len(limits) == 0 && cs.requiredHeadroom.IsEmpty() {
		toOffer = available // fast path: the whole of an unreserved agent
	} else {
		whole = false
		if !a.plain {
			available = strip(available, fw.info.Capabilities)
		}
		toOffer = available.Filter(func(rr *resources.Resource) bool {
			return !rr.IsUnreserved() || rr.Type != resources.TypeScalar || rr.Revocable
		})
		additional := available.Filter(isQuotaScalar)
		cut := ReasonMinAllocatable
		if len(limits) > 0 {
			shrunk := shrinkToLimits(additional, limits.minus(cs.consumed[r.name]))
			if !shrunk.Equal(additional) {
				cut = ReasonQuotaLimit
			}
			additional = shrunk
		}
		if !cs.requiredHeadroom.IsEmpty() && !additional.IsEmpty() {
			shrunk := shrinkToQuantities(additional, cs.availableHeadroom.Minus(cs.requiredHeadroom))
			if !shrunk.Equal(additional) {
				cs.heldBack.Add(additional.Minus(shrunk).ScalarQuantities())
				if cut == ReasonMinAllocatable {
					cut = ReasonHeadroom
				}
				additional = shrunk
			}
		}
		toOffer.Add(additional)
		if !c.allocatable(toOffer, fr) {
			c.note(cs, fr, a, cut, toOffer)
			return true
		}
	}
	if f := fr.filteredBy(a.id, toOffer, cs.now); f != nil {
		c.noteFiltered(cs, fr, a, f)
		return true
	}
	if !r.quota.IsDefault() {
		var inc resources.Quantities
		for rr := range toOffer.All() {
			if isQuotaScalar(&rr) {
				inc.AddScalar(rr.Name, rr.Scalar)
			}
		}
		c.consume(cs, r.name, inc)
		cs.availableHeadroom.Subtract(inc)
	} else if !cs.requiredHeadroom.IsEmpty() {
		var inc resources.Quantities
		for rr := range toOffer.All() {
			if isQuotaScalar(&rr) {
				inc.AddScalar(rr.Name, rr.Scalar)
			}
		}
		cs.availableHeadroom.Subtract(inc)
	}
	c.offer(cs, a, r, fr, toOffer, whole)
	return true
}

// offer makes an offer of toOffer (without allocation_info) to fr on a:
// Slave::decreaseAvailable now, the sorters after the agent is done.
func (c *Core) offer(cs *cycleState, a *agent, r *role, fr *frameworkRole, toOffer resources.Resources, whole bool) {
	fwID := fr.fw.info.ID
	p := pending{fr: fr, r: r}
	var res resources.Resources
	switch {
	case whole && a.plain && a.idle():
		// The whole idle agent: the offer is the role's shared copy of the
		// total; nothing is copied or written but the agent's fields.
		if rs, ok := r.whole(a.shared); ok {
			p.q = a.shared.q
			p.unreserved = p.q
			res = rs
			a.available = resources.Resources{}
			break
		}
		a.ownAvailable()
		fallthrough
	case whole && a.plain:
		if a.allocated.len() == 0 {
			p.q = a.shared.q // available was the whole total; read only
		} else {
			p.q = toOffer.ScalarQuantities()
		}
		p.unreserved = p.q
		// The agent's available storage becomes the offer: no copy.
		res = a.available
		res.AllocateInfo(fr.allocInfo)
		a.available = resources.Resources{}
	default:
		res = toOffer.Clone()
		res.AllocateInfo(fr.allocInfo)
		for r := range toOffer.All() {
			if r.Type != resources.TypeScalar {
				continue
			}
			p.q.AddScalar(r.Name, r.Scalar)
			switch {
			case !r.IsUnreserved():
				p.reserve.AddScalar(r.Name, r.Scalar)
			case !r.Revocable:
				p.unreserved.AddScalar(r.Name, r.Scalar)
			}
		}
		a.ownAvailable()
		a.available.Subtract(toOffer)
	}
	c.scratch.pending = append(c.scratch.pending, p)
	fr.offeredQ.Add(p.q)

	// The holding shares res with the offer until either changes; both
	// sides copy on write (see Config.OfferCallback).
	if cur, _ := a.allocated.get(fwID); cur.IsEmpty() {
		a.allocated.set(fwID, res)
	} else {
		a.allocated.set(fwID, cur.Plus(res))
	}

	cs.offers++
	if fr.seenCycle != c.cycleSeq || fr.seenAgent != a {
		fr.seenCycle, fr.seenAgent = c.cycleSeq, a
		fr.counts.Offered++
	}
	if len(fr.offered) == 0 {
		c.scratch.offered = append(c.scratch.offered, fr)
	}
	if cs.stage1 {
		for _, i := range fr.offered {
			if o := &c.scratch.offers[i]; o.AgentID == a.id { // stage 1 and stage 2 on one agent
				o.Resources = o.Resources.Plus(res)
				return
			}
		}
	}
	fr.offered = append(fr.offered, int32(len(c.scratch.offers)))
	c.scratch.offers = append(c.scratch.offers, Offer{FrameworkID: fwID, Role: fr.role, AgentID: a.id, Resources: res})
}

// flushPending applies the current agent's allocations to the sorters
// and the quota bookkeeping (trackAllocatedResources).
func (c *Core) flushPending() {
	for _, p := range c.scratch.pending {
		c.trackQ(p.fr, p.r, p.q, p.unreserved, p.reserve, +1)
	}
	clear(c.scratch.pending)
	c.scratch.pending = c.scratch.pending[:0]
}
