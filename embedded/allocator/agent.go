package allocator

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// AddAgent models HierarchicalAllocatorProcess::addSlave: the agent's
// total joins every sorter's denominator, and used (framework →
// resources with allocation_info) is counted as allocated. The agent is
// activated; the caller should then allocate on it.
func (c *Core) AddAgent(id string, total resources.Resources, used map[string]resources.Resources) error {
	if id == "" {
		return fmt.Errorf("allocator: add agent: agent id is empty: %w", ErrInvalid)
	}
	if _, ok := c.agents[id]; ok {
		return fmt.Errorf("allocator: add agent %s: %w", id, ErrAgentExists)
	}
	a := &agent{id: id, activated: true}
	c.agents[id] = a
	c.agentList = append(c.agentList, a)
	c.setTotal(a, total)
	c.sortersTotal(a.quantities(), +1)
	for _, fwID := range slices.Sorted(maps.Keys(used)) {
		if fw, ok := c.frameworks[fwID]; ok {
			c.allocate(a, fw, used[fwID])
		}
	}
	return nil
}

// setTotal installs a new total, adjusting reservations and totals; the
// allocation is kept and available recomputed.
func (c *Core) setTotal(a *agent, total resources.Resources) {
	c.trackReservations(a.total, -1)
	c.totalQ.Subtract(a.quantities())

	t := total.Clone()
	t.Unallocate()
	a.shared = c.internTotal(t)
	a.total = a.shared.rs
	_, a.hasGPU = a.total.ScalarValue("gpus")
	a.plain = true
	for r := range a.total.All() {
		if !r.IsUnreserved() || r.Revocable || r.Shared {
			a.plain = false
		}
	}
	c.totalQ.Add(a.quantities())
	c.trackReservations(a.total, +1)
	c.recomputeAvailable(a)
}

// maxInterned bounds Core.totals: a cluster of agents of more distinct
// totals than this keeps the rest unshared.
const maxInterned = 1024

// sharedTotal is an agent's total as every agent of an equal total shares
// it (clusters are mostly a few machine types): read-only, never changed
// in place; an agent's total is only read, or replaced.
type sharedTotal struct {
	// rs is the total, without allocation_info. An idle plain agent's
	// available is rs itself (see agent.ownAvailable).
	rs resources.Resources
	// q is rs's scalar quantities.
	q resources.Quantities
}

// internTotal returns the sharedTotal of total (without allocation_info),
// shared with every agent whose total is exactly equal.
func (c *Core) internTotal(total resources.Resources) *sharedTotal {
	q := total.ScalarQuantities()
	key := total.String()
	if s, ok := c.totals[key]; ok && sameQuantities(s.q, q) && s.rs.EqualExceptAllocation(total) {
		return s
	}
	s := &sharedTotal{rs: total, q: q}
	if len(c.totals) < maxInterned {
		c.totals[key] = s
	}
	return s
}

// quantities returns the scalar quantities of the agent's total.
func (a *agent) quantities() resources.Quantities {
	if a.shared == nil {
		return resources.Quantities{}
	}
	return a.shared.q
}

// idle reports whether the agent's available is its shared total: a plain
// agent nothing is offered or allocated on. A whole offer of it is then a
// shared copy allocated to the role (role.whole) and a recovery of all of
// it gives the shared total back: neither copies nor writes the agent's
// resources.
func (a *agent) idle() bool {
	return a.plain && !a.available.IsEmpty() && a.available.Same(a.shared.rs)
}

// ownAvailable makes the agent's available its own before it is changed
// in place.
func (a *agent) ownAvailable() {
	if a.idle() {
		a.available = a.available.Clone()
	}
}

// sameQuantities reports whether a and b hold the same names with exactly
// the same values (Equal compares at three decimals; sharing needs more).
func sameQuantities(a, b resources.Quantities) bool {
	if a.Len() != b.Len() {
		return false
	}
	for name, v := range a.All() {
		if w := b.Get(name); w != v {
			return false
		}
	}
	return true
}

// sortersTotal adds (sign > 0) or removes an agent's quantities to the
// denominators of the role sorter and every framework sorter (addSlave /
// removeSlave on each sorter).
func (c *Core) sortersTotal(q resources.Quantities, sign int) {
	apply := func(s Sorter) {
		if sign > 0 {
			s.AddTotal(q)
		} else {
			s.SubtractTotal(q)
		}
	}
	apply(c.roleSorter)
	for _, r := range c.roles {
		if r.sorter != nil {
			apply(r.sorter)
		}
	}
}

func (c *Core) recomputeAvailable(a *agent) {
	if a.plain && a.allocated.len() == 0 {
		a.available = a.shared.rs
		return
	}
	avail := a.total.Clone()
	for _, h := range a.allocated.items {
		u := h.rs.Clone()
		u.Unallocate()
		avail.Subtract(u)
	}
	a.available = avail
}

// trackReservations adds (sign > 0) or removes the scalar reservations of
// rs to the role entries (roleTree.trackReservations).
func (c *Core) trackReservations(rs resources.Resources, sign int) {
	for r := range rs.All() {
		if r.Type != resources.TypeScalar || r.IsUnreserved() {
			continue
		}
		role := c.roleEntry(r.ReservationRole())
		if sign > 0 {
			role.reservedQ.AddScalar(r.Name, r.Scalar)
			c.reservedQ.AddScalar(r.Name, r.Scalar)
		} else {
			role.reservedQ.SubtractScalar(r.Name, r.Scalar)
			c.reservedQ.SubtractScalar(r.Name, r.Scalar)
			c.maybeDropRole(role)
		}
	}
}

func (c *Core) agent(op, id string) (*agent, error) {
	a, ok := c.agents[id]
	if !ok {
		return nil, fmt.Errorf("allocator: %s %s: %w", op, id, ErrUnknownAgent)
	}
	return a, nil
}

// RemoveAgent models removeSlave: what frameworks hold there is dropped
// from the sorters and the agent leaves the totals; filters on it go.
func (c *Core) RemoveAgent(id string) error {
	a, err := c.agent("remove agent", id)
	if err != nil {
		return err
	}
	for _, fwID := range a.allocated.sortedIDs() {
		held, _ := a.allocated.get(fwID)
		c.unallocate(a, c.frameworks[fwID], held)
	}
	c.trackReservations(a.total, -1)
	c.totalQ.Subtract(a.quantities())
	c.sortersTotal(a.quantities(), -1)
	for _, fw := range c.frameworkList {
		for _, fr := range fw.roles {
			if fs, ok := fr.filters[id]; ok {
				c.roles[fr.role].activeFilters -= len(fs)
				delete(fr.filters, id)
			}
		}
	}
	delete(c.agents, id)
	if i := slices.Index(c.agentList, a); i >= 0 {
		c.agentList = slices.Delete(c.agentList, i, i+1)
	}
	return nil
}

// UpdateAgent models updateSlave's total update (updateSlaveTotal): the
// sorters' denominators change and the agent becomes a candidate when
// the total changed. It reports whether it did, which is when Mesos
// allocates on the agent.
func (c *Core) UpdateAgent(id string, total resources.Resources) (bool, error) {
	a, err := c.agent("update agent", id)
	if err != nil {
		return false, err
	}
	t := total.Clone()
	t.Unallocate()
	if t.Equal(a.total) {
		return false, nil
	}
	c.sortersTotal(a.quantities(), -1)
	c.setTotal(a, t)
	c.sortersTotal(a.quantities(), +1)
	return true, nil
}

// ActivateAgent models activateSlave.
func (c *Core) ActivateAgent(id string) error {
	a, err := c.agent("activate agent", id)
	if err != nil {
		return err
	}
	a.activated = true
	return nil
}

// DeactivateAgent models deactivateSlave: no offers are made on it.
func (c *Core) DeactivateAgent(id string) error {
	a, err := c.agent("deactivate agent", id)
	if err != nil {
		return err
	}
	a.activated = false
	return nil
}

// allocate records rs (with allocation_info) as offered or allocated to
// fw on a: the agent's available shrinks, the role and framework sorters
// and the quota bookkeeping grow (Slave::decreaseAvailable +
// trackAllocatedResources).
func (c *Core) allocate(a *agent, fw *framework, rs resources.Resources) {
	// Copy on write: a holding may share storage with an offer handed out.
	cur, _ := a.allocated.get(fw.info.ID)
	if cur.IsEmpty() {
		cur = rs.Clone()
	} else {
		cur = cur.Plus(rs)
	}
	a.allocated.set(fw.info.ID, cur)
	u := rs.Clone()
	u.Unallocate()
	a.ownAvailable()
	a.available.Subtract(u)
	if role, ok := rs.SingleAllocationRole(); ok {
		c.track(fw, role, rs, +1)
		return
	}
	for role, part := range rs.Allocations() {
		c.track(fw, role, part, +1)
	}
}

// unallocate is the inverse of allocate; rs must be held.
func (c *Core) unallocate(a *agent, fw *framework, rs resources.Resources) {
	held, _ := a.allocated.get(fw.info.ID)
	if rs.Same(held) || rs.Contains(held) {
		// All of it back (rs is held, so this means rs equals held), the
		// common case of a declined offer: no copy.
		a.allocated.del(fw.info.ID)
	} else if cur := held.Minus(rs); cur.IsEmpty() { // copy on write, see allocate
		a.allocated.del(fw.info.ID)
	} else {
		a.allocated.set(fw.info.ID, cur)
	}
	whole := a.plain && a.available.IsEmpty() && a.shared.rs.EqualExceptAllocation(rs)
	if a.plain && a.allocated.len() == 0 {
		// Nothing is held there any more: available is the whole total,
		// which the agent shares again instead of rebuilding it.
		a.available = a.shared.rs
	} else {
		a.ownAvailable()
		a.available.AddUnallocated(rs)
	}
	role, single := rs.SingleAllocationRole()
	switch {
	case single && whole:
		c.trackQuantities(fw, role, a.shared.q, a.shared.q, resources.Quantities{}, -1)
	case single:
		c.track(fw, role, rs, -1)
	default:
		for role, part := range rs.Allocations() {
			c.track(fw, role, part, -1)
		}
	}
}

// track adds or removes one role's part of an allocation to the sorters
// and the quota bookkeeping.
func (c *Core) track(fw *framework, roleName string, rs resources.Resources, sign int) {
	// Scratch quantities: trackQ copies what it records, never the slices.
	q, unreserved, reserved := &c.scratch.q, &c.scratch.unreserved, &c.scratch.reserved
	q.Reset()
	unreserved.Reset()
	reserved.Reset()
	q.AddScalarsOf(rs)
	for r := range rs.All() {
		if r.Type != resources.TypeScalar {
			continue
		}
		switch {
		case !r.IsUnreserved():
			reserved.AddScalar(r.Name, r.Scalar)
		case !r.Revocable:
			unreserved.AddScalar(r.Name, r.Scalar)
		}
	}
	c.trackQuantities(fw, roleName, *q, *unreserved, *reserved, sign)
}

// trackQuantities is track with the quantities of the resources at hand:
// q all scalars, unreserved the unreserved non-revocable ones, reserved
// the reserved ones.
func (c *Core) trackQuantities(fw *framework, roleName string, q, unreserved, reserved resources.Quantities, sign int) {
	fr, ok := fw.roles[roleName]
	if !ok {
		// Allocation to a role the framework is not subscribed to
		// (recovered state): track it like Mesos's addFramework does.
		fr = &frameworkRole{fw: fw, role: roleName, allocInfo: &resources.AllocationInfo{Role: roleName}}
		fw.roles[roleName] = fr
		c.trackFrameworkUnderRole(fw, roleName)
		c.syncActivation(fr)
	}
	c.trackQ(fr, c.roles[roleName], q, unreserved, reserved, sign)
}

// trackQ is track with the quantities already split.
func (c *Core) trackQ(fr *frameworkRole, r *role, q, unreserved, reserved resources.Quantities, sign int) {
	if sign > 0 {
		_ = c.roleSorter.AllocatedQuantitiesTo(r.client, q)
		_ = r.sorter.AllocatedQuantitiesTo(fr.client, q)
		c.allocatedQ.Add(q)
		c.allocatedReservedQ.Add(reserved)
		r.allocatedReservedQ.Add(reserved)
		r.allocatedUnreservedQ.Add(unreserved)
		return
	}
	_ = c.roleSorter.UnallocatedQuantitiesFrom(r.client, q)
	_ = r.sorter.UnallocatedQuantitiesFrom(fr.client, q)
	c.allocatedQ.Subtract(q)
	c.allocatedReservedQ.Subtract(reserved)
	r.allocatedReservedQ.Subtract(reserved)
	r.allocatedUnreservedQ.Subtract(unreserved)
}

// RecoverResources models recoverResources: resources offered or
// allocated to a framework on an agent come back (a declined offer, the
// unused part of an accept, a finished task). With filters, the framework
// will not be offered a subset of them on that agent in that role until
// the filter expires; see Filters. now is the current time on the
// allocator's clock. Like Mesos (MESOS-3078) it does not allocate; the
// freed resources wait for the next cycle.
func (c *Core) RecoverResources(fwID, agentID string, rs resources.Resources, filters *Filters, now time.Time) (*FilterInfo, error) {
	if rs.IsEmpty() {
		return nil, nil
	}
	fw, ok := c.frameworks[fwID]
	a, aok := c.agents[agentID]
	if !ok || !aok {
		return nil, nil // Mesos ignores recoveries for departed frameworks or agents
	}
	roleName, ok := rs.SingleAllocationRole()
	if !ok {
		return nil, fmt.Errorf("allocator: recover resources %v of %s on %s: want resources allocated to exactly one role: %w", rs, fwID, agentID, ErrInvalid)
	}
	held, _ := a.allocated.get(fwID)
	if !held.Same(rs) && !held.Contains(rs) {
		return nil, fmt.Errorf("allocator: recover resources %v of %s on %s: %w", rs, fwID, agentID, ErrNotAllocated)
	}
	c.unallocate(a, fw, rs)
	fr := fw.roles[roleName]
	if fr != nil && !fr.subscribed {
		c.tryUntrackFrameworkUnderRole(fw, roleName)
	}
	if filters == nil || fr == nil || !fr.subscribed {
		return nil, nil
	}
	timeout := filters.Timeout()
	if timeout == 0 {
		return nil, nil
	}
	timeout = max(timeout, c.interval)
	refused := rs.Clone()
	refused.Unallocate()
	c.filterSeq++
	f := &offerFilter{id: c.filterSeq, refused: refused, created: now, expires: now.Add(timeout)}
	if fr.filters == nil {
		fr.filters = make(map[string][]*offerFilter)
	}
	fr.filters[agentID] = append(fr.filters[agentID], f)
	c.roles[roleName].activeFilters++
	return &FilterInfo{ID: f.id, FrameworkID: fwID, Role: roleName, AgentID: agentID, Expires: f.expires}, nil
}

// UpdateAllocation replaces part of what a framework holds on an agent,
// as updateAllocation does after applying offer operations (RESERVE,
// CREATE, ...). Deliberate difference: it takes the resulting resources
// instead of the operations; from and to carry allocation_info.
func (c *Core) UpdateAllocation(fwID, agentID string, from, to resources.Resources) error {
	fw, err := c.framework("update allocation", fwID)
	if err != nil {
		return err
	}
	a, err := c.agent("update allocation", agentID)
	if err != nil {
		return err
	}
	if held, _ := a.allocated.get(fwID); !held.Contains(from) {
		return fmt.Errorf("allocator: update allocation %v of %s on %s: %w", from, fwID, agentID, ErrNotAllocated)
	}
	// The agent's total changes by the same amount (a reservation or a
	// volume is part of the total, as updateAllocation does with
	// slave.total = slave.total - from + to).
	c.unallocate(a, fw, from)
	f, t := from.Clone(), to.Clone()
	f.Unallocate()
	t.Unallocate()
	total := a.total.Clone()
	total.Subtract(f)
	total.Add(t)
	c.setTotal(a, total)
	c.allocate(a, fw, to)
	return nil
}
