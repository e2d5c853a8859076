package allocator

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator/drf"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// beginCycle resets the per-cycle explanation state and records the DRF
// orders as they stand before the cycle.
func (c *Core) beginCycle(now time.Time, candidates int) *Cycle {
	cyc := &Cycle{Seq: c.cycleSeq, Time: now, Candidates: candidates}
	rank := 0
	var rc drf.Cursor
	c.roleSorter.Start(&rc)
	for h, ok := rc.NextClient(); ok; h, ok = rc.NextClient() {
		r := h.Data.(*role)
		rc := RoleCycle{Role: r.name, Rank: rank, Share: c.roleSorter.ShareOf(h), Weight: 1}
		if r.hasWeight {
			rc.Weight = r.weight
		}
		if !r.quota.IsDefault() {
			rc.Guarantees = r.quota.Guarantees.String()
			rc.Limits = formatLimits(r.quota.Limits)
		}
		cyc.Roles = append(cyc.Roles, rc)
		c.scratch.cycleRoles = append(c.scratch.cycleRoles, r)
		rank++
	}
	for _, fw := range c.frameworkList {
		for _, fr := range fw.roles {
			fr.counts = Counts{}
			fr.filtered = nil
			fr.nearest = nil
			fr.rank = -1
		}
	}
	for _, r := range c.scratch.cycleRoles {
		k := 0
		r.sorter.Start(&c.scratch.fws)
		for h, ok := c.scratch.fws.NextClient(); ok; h, ok = c.scratch.fws.NextClient() {
			fr := h.Data.(*frameworkRole)
			fr.rank = k
			fr.share = r.sorter.ShareOf(h)
			k++
		}
	}
	clear(c.scratch.cycleRoles)
	c.scratch.cycleRoles = c.scratch.cycleRoles[:0]
	return cyc
}

// note counts a reason for fr on agent a, once per agent and cycle, and
// keeps the agents nearest to fitting.
func (c *Core) note(_ *cycleState, fr *frameworkRole, a *agent, reason Reason, left resources.Resources) {
	if fr.seenCycle == c.cycleSeq && fr.seenAgent == a {
		return
	}
	fr.seenCycle, fr.seenAgent = c.cycleSeq, a
	fr.counts.add(reason, 1)
	if reason == ReasonIncapable {
		return
	}
	fit := c.fit(left, fr)
	i := len(fr.nearest)
	for i > 0 && fr.nearest[i-1].Fit < fit {
		i--
	}
	if i >= MaxNotable {
		return
	}
	na := NearAgent{AgentID: a.id, Available: left.String(), Reason: reason, Fit: fit}
	fr.nearest = slices.Insert(fr.nearest, i, na)
	if len(fr.nearest) > MaxNotable {
		fr.nearest = fr.nearest[:MaxNotable]
	}
}

// fit is how close rs comes to the nearest min allocatable set: the
// smallest available/required ratio over the set's names, best set.
func (c *Core) fit(rs resources.Resources, fr *frameworkRole) float64 {
	sets := c.minAlloc
	if fr.hasMin {
		sets = fr.minAlloc
	}
	best := 0.0
	q := rs.ScalarQuantities()
	for _, set := range sets {
		f := 1.0
		for name, need := range set.All() {
			f = min(f, q.Get(name)/need)
		}
		best = max(best, f)
	}
	return best
}

// noteFiltered counts a filtered agent and keeps the first few.
func (c *Core) noteFiltered(_ *cycleState, fr *frameworkRole, a *agent, f *offerFilter) {
	if fr.seenCycle == c.cycleSeq && fr.seenAgent == a {
		return
	}
	fr.seenCycle, fr.seenAgent = c.cycleSeq, a
	fr.counts.Filtered++
	if len(fr.filtered) < MaxNotable {
		fr.filtered = append(fr.filtered, FilteredAgent{
			AgentID: a.id, FilterID: f.id, Declined: f.created, Until: f.expires, Refused: f.refused.String(),
		})
	}
}

// endCycle completes the explanation, records it and gathers the offers
// by framework.
func (c *Core) endCycle(cyc *Cycle, cs *cycleState) Result {
	cyc.Offers = cs.offers
	roleIdx := make(map[string]int, len(cyc.Roles))
	for i, rc := range cyc.Roles {
		roleIdx[rc.Role] = i
	}
	var res Result
	// Every offer goes out in one array, each framework's a clipped part
	// of it: one allocation per cycle instead of a list per framework.
	all := make([]Offer, 0, len(c.scratch.offers))
	cyc.Frameworks = make([]FrameworkCycle, 0, len(c.frameworkList))
	var one [1]string
	for _, fw := range c.frameworkList {
		names := one[:0]
		if len(fw.roles) == 1 {
			for name := range fw.roles {
				names = append(names, name)
			}
		} else {
			names = fw.roleNames()
		}
		var fo FrameworkOffers
		start := len(all)
		for _, name := range names {
			fr := fw.roles[name]
			if !fr.subscribed && len(fr.offered) == 0 {
				continue
			}
			r := c.roles[name]
			fc := FrameworkCycle{FrameworkID: fw.info.ID, Role: name, Rank: fr.rank,
				Share: fr.share, Filtered: fr.filtered, Nearest: fr.nearest}
			if fr.rank < 0 && r != nil && r.sorter != nil {
				fc.Share, _ = r.sorter.Share(fw.info.ID)
			}
			counts := fr.counts
			switch {
			case !fw.active:
				counts = Counts{Inactive: cyc.Candidates}
			case fr.suppressed:
				counts = Counts{Suppressed: cyc.Candidates}
			default:
				counts.NothingLeft += cyc.Candidates - counts.Total()
			}
			fc.Counts = counts
			if len(fr.offered) > 0 {
				fc.Offered = c.quantityText(fr.offeredQ)
				for _, i := range fr.offered {
					all = append(all, c.scratch.offers[i])
				}
			}
			cyc.Frameworks = append(cyc.Frameworks, fc)
			if i, ok := roleIdx[name]; ok {
				cyc.Roles[i].Counts.plus(counts)
			}
		}
		if len(all) > start {
			fo.Offers = all[start:len(all):len(all)]
			fo.FrameworkID = fw.info.ID
			res.Offers = append(res.Offers, fo)
		}
	}
	for i := range cyc.Roles {
		if q, ok := cs.consumed[cyc.Roles[i].Role]; ok {
			cyc.Roles[i].Consumed = q.String()
		}
	}
	for _, fr := range c.scratch.offered {
		fr.offered = fr.offered[:0]
		fr.offeredQ.Reset()
	}
	clear(c.scratch.offers) // the offers live on in res only
	c.scratch.offers = c.scratch.offers[:0]
	clear(c.scratch.offered)
	c.scratch.offered = c.scratch.offered[:0]
	c.history.push(cyc)
	res.Cycle = cyc
	return res
}

// textKey identifies quantities of up to four names exactly, to reuse
// their text.
type textKey struct {
	n      int
	names  [4]string
	values [4]float64
}

// maxTexts bounds Core.texts; past it the memo starts afresh.
const maxTexts = 4096

// quantityText is q.String(), remembered: in a cluster of a few machine
// types many frameworks are offered the same sums cycle after cycle, and
// formatting them is a good part of recording a cycle's explanation.
func (c *Core) quantityText(q resources.Quantities) string {
	if q.Len() > len(textKey{}.names) {
		return q.String()
	}
	var k textKey
	for name, v := range q.All() {
		k.names[k.n], k.values[k.n] = name, v
		k.n++
	}
	if s, ok := c.texts[k]; ok {
		return s
	}
	if len(c.texts) >= maxTexts {
		clear(c.texts)
	}
	s := q.String()
	c.texts[k] = s
	return s
}

// roleNames returns the framework's roles in name order.
func (fw *framework) roleNames() []string {
	if len(fw.roles) == 1 {
		for name := range fw.roles {
			return []string{name}
		}
	}
	return slices.Sorted(maps.Keys(fw.roles))
}

func formatLimits(l Limits) string {
	if len(l) == 0 {
		return ""
	}
	out := ""
	for i, name := range slices.Sorted(maps.Keys(l)) {
		if i > 0 {
			out += "; "
		}
		out += name + ":" + strconv.FormatFloat(l[name], 'f', -1, 64)
	}
	return out
}
