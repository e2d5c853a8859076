package allocator

import (
	"fmt"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// AgentVerdict is what one agent would give a framework in one role if a
// cycle ran now, taking the framework's turn in isolation: the agent's
// free resources as they stand, the framework's filters, capabilities and
// min allocatable, and the role's quota limit.
type AgentVerdict struct {
	AgentID   string `json:"agent_id"`
	Role      string `json:"role"`
	Reason    Reason `json:"reason"`
	Available string `json:"available"`
	// Detail is a short human explanation (which filter, which limit).
	Detail string `json:"detail,omitempty"`
}

// Explanation is the full per-agent detail for one framework, computed on
// demand (the per-cycle record keeps only counts and a few agents).
type Explanation struct {
	FrameworkID string         `json:"framework_id"`
	Time        time.Time      `json:"time"`
	Active      bool           `json:"active"`
	Roles       []RoleStanding `json:"roles"`
	Agents      []AgentVerdict `json:"agents"`
	Counts      Counts         `json:"counts"`
}

// RoleStanding is a framework's standing in one of its roles.
type RoleStanding struct {
	Role       string  `json:"role"`
	Suppressed bool    `json:"suppressed"`
	RoleShare  float64 `json:"role_share"`
	Share      float64 `json:"share"`
	Filters    int     `json:"filters"`
}

// Explain computes, for every agent and every role of the framework, the
// reason the framework would or would not be offered the agent now, in
// agent ID order. It changes nothing.
func (c *Core) Explain(frameworkID string, now time.Time) (Explanation, error) {
	fw, ok := c.frameworks[frameworkID]
	if !ok {
		return Explanation{}, fmt.Errorf("allocator: explain %s: %w", frameworkID, ErrUnknownFramework)
	}
	ex := Explanation{FrameworkID: frameworkID, Time: now, Active: fw.active}
	agents := slices.Clone(c.agentList)
	slices.SortFunc(agents, func(x, y *agent) int {
		switch {
		case x.id < y.id:
			return -1
		case x.id > y.id:
			return 1
		}
		return 0
	})
	for _, name := range fw.roleNames() {
		fr := fw.roles[name]
		if !fr.subscribed {
			continue
		}
		r := c.roles[name]
		st := RoleStanding{Role: name, Suppressed: fr.suppressed}
		st.RoleShare, _ = c.roleSorter.Share(name)
		if r.sorter != nil {
			st.Share, _ = r.sorter.Share(frameworkID)
		}
		for _, fs := range fr.filters {
			st.Filters += len(fs)
		}
		ex.Roles = append(ex.Roles, st)
		for _, a := range agents {
			v := c.verdict(fw, fr, r, a, now)
			ex.Counts.add(v.Reason, 1)
			ex.Agents = append(ex.Agents, v)
		}
	}
	return ex, nil
}

// verdict evaluates one agent for one framework role the way stage 2
// would.
func (c *Core) verdict(fw *framework, fr *frameworkRole, r *role, a *agent, now time.Time) AgentVerdict {
	v := AgentVerdict{AgentID: a.id, Role: fr.role}
	available, _ := a.allocatableTo(fr.role)
	v.Available = available.String()
	switch {
	case !fw.active:
		v.Reason = ReasonInactive
		return v
	case fr.suppressed:
		v.Reason = ReasonSuppressed
		return v
	case !a.activated || available.IsEmpty():
		v.Reason, v.Detail = ReasonNothingLeft, "no free resources allocatable to the role"
		if !a.activated {
			v.Detail = "agent deactivated"
		}
		return v
	case !c.allocatable(available, fr):
		v.Reason, v.Detail = ReasonMinAllocatable, "below "+c.minAllocText(fr)
		return v
	case !c.capable(fw, a):
		v.Reason, v.Detail = ReasonIncapable, "agent has GPUs; framework lacks GPU_RESOURCES"
		return v
	}
	toOffer := available
	if !a.plain {
		toOffer = strip(available, fw.info.Capabilities)
	}
	if len(r.quota.Limits) > 0 {
		reserved := toOffer.Filter(func(rr *resources.Resource) bool { return !isQuotaScalar(rr) })
		additional := shrinkToLimits(toOffer.Filter(isQuotaScalar), r.quota.Limits.minus(c.consumedQuota(fr.role)))
		reserved.Add(additional)
		toOffer = reserved
		if !c.allocatable(toOffer, fr) {
			v.Reason, v.Detail = ReasonQuotaLimit, "quota limit "+formatLimits(r.quota.Limits)+" leaves "+toOffer.String()
			return v
		}
	}
	if f := fr.filteredBy(a.id, toOffer, now); f != nil {
		v.Reason = ReasonFiltered
		v.Detail = fmt.Sprintf("filter #%d refusing %s until %s", f.id, f.refused, f.expires.UTC().Format(time.RFC3339Nano))
		return v
	}
	v.Reason = ReasonOffered
	return v
}

func (c *Core) minAllocText(fr *frameworkRole) string {
	sets := c.minAlloc
	if fr.hasMin {
		sets = fr.minAlloc
	}
	out := ""
	for i, q := range sets {
		if i > 0 {
			out += " | "
		}
		out += q.String()
	}
	return out
}
