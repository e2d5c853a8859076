package allocator

import (
	"math"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Filters is the Filters message of a DECLINE or ACCEPT
// (include/mesos/mesos.proto): how long the framework refuses the
// resources it gives back.
type Filters struct {
	// RefuseSeconds is refuse_seconds; nil means the default, 5 s.
	// Negative, NaN or infinite values mean the default, values above
	// 365 days are capped at 365 days, and 0 means no filter
	// (recoverResources).
	RefuseSeconds *float64 `json:"refuse_seconds,omitempty"`
}

// RefuseSeconds returns Filters with refuse_seconds set to s.
func RefuseSeconds(s float64) *Filters { return &Filters{RefuseSeconds: &s} }

// Timeout is how long these filters refuse an agent's resources, before the
// allocator's floor of one allocation interval (nil: the default, 5 s).
func (f *Filters) Timeout() time.Duration {
	if f == nil {
		return time.Duration(DefaultRefuseSeconds * float64(time.Second))
	}
	s := DefaultRefuseSeconds
	if f.RefuseSeconds != nil {
		s = *f.RefuseSeconds
	}
	switch {
	case math.IsNaN(s) || math.IsInf(s, -1) || s < 0:
		s = DefaultRefuseSeconds
	case math.IsInf(s, 1) || s > MaxRefuse.Seconds():
		return MaxRefuse
	}
	return time.Duration(s * float64(time.Second))
}

// offerFilter models RefusedOfferFilter (hierarchical.hpp): it filters an
// offer the refused resources contain, until it expires.
type offerFilter struct {
	id      uint64
	refused resources.Resources
	created time.Time
	expires time.Time
}

// FilterInfo describes an offer filter created by RecoverResources, so
// the process can schedule its expiry (the filter's timer in Mesos).
type FilterInfo struct {
	ID          uint64    `json:"id"`
	FrameworkID string    `json:"framework_id"`
	Role        string    `json:"role"`
	AgentID     string    `json:"agent_id"`
	Expires     time.Time `json:"expires"`
}

// filteredBy models isFiltered's refusal part: the first live filter of
// the framework in the role on the agent that contains the offer. A
// filter is live while now is before its expiry.
func (fr *frameworkRole) filteredBy(agentID string, offer resources.Resources, now time.Time) *offerFilter {
	if len(fr.filters) == 0 {
		return nil
	}
	for _, f := range fr.filters[agentID] {
		if now.Before(f.expires) && f.refused.Contains(offer) {
			return f
		}
	}
	return nil
}

// dropFilters clears the framework's filters in one role (reviveOffers).
func (c *Core) dropFilters(fr *frameworkRole) {
	if len(fr.filters) == 0 {
		return
	}
	n := 0
	for _, fs := range fr.filters {
		n += len(fs)
	}
	if r := c.roles[fr.role]; r != nil {
		r.activeFilters -= n
	}
	fr.filters = nil
}

// ExpireFilters removes the filters whose time has come (the expire()
// that each RefusedOfferFilter's timer dispatches) and returns how many
// it removed. Expired filters never filter even before this runs.
func (c *Core) ExpireFilters(now time.Time) int {
	removed := 0
	for _, fw := range c.frameworkList {
		for _, fr := range fw.roles {
			for agentID, fs := range fr.filters {
				kept := slices.DeleteFunc(fs, func(f *offerFilter) bool { return !now.Before(f.expires) })
				if d := len(fs) - len(kept); d > 0 {
					removed += d
					c.roles[fr.role].activeFilters -= d
				}
				if len(kept) == 0 {
					delete(fr.filters, agentID)
				} else {
					fr.filters[agentID] = kept
				}
			}
		}
	}
	return removed
}

// ActiveFilters returns the number of offer filters held in a role, the
// allocator/mesos/offer_filters/roles/<role>/active gauge.
func (c *Core) ActiveFilters(role string) int {
	if r := c.roles[role]; r != nil {
		return r.activeFilters
	}
	return 0
}
