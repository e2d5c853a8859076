package allocator

import (
	"time"
)

// Reason says why a framework was or was not offered an agent in a
// role during a cycle. The values are the snake_case names used in JSON.
type Reason string

// The reasons, in the order __generateOffers checks them.
const (
	// ReasonOffered: the agent's resources were offered.
	ReasonOffered Reason = "offered"
	// ReasonInactive: the framework is deactivated (disconnected).
	ReasonInactive Reason = "inactive"
	// ReasonSuppressed: the framework suppressed offers for the role.
	ReasonSuppressed Reason = "suppressed"
	// ReasonNothingLeft: nothing allocatable to the role was left on the
	// agent by the framework's turn (earlier roles or frameworks in DRF
	// order took it, or it was all in use).
	ReasonNothingLeft Reason = "nothing_left"
	// ReasonMinAllocatable: what was left is below the min allocatable
	// resources (--min_allocatable_resources or the framework's
	// offer_filters override).
	ReasonMinAllocatable Reason = "below_min_allocatable"
	// ReasonIncapable: the framework cannot receive the agent (an agent
	// with GPUs and a framework without GPU_RESOURCES while
	// --filter_gpu_resources is on).
	ReasonIncapable Reason = "incapable"
	// ReasonQuotaLimit: the role's quota limit left too little to offer.
	ReasonQuotaLimit Reason = "quota_limit"
	// ReasonHeadroom: resources were held back as headroom for other
	// roles' quota guarantees, leaving too little to offer.
	ReasonHeadroom Reason = "quota_headroom"
	// ReasonFiltered: an offer filter from an earlier decline covers
	// what would have been offered.
	ReasonFiltered Reason = "filtered"
)

// numReasons is the number of reasons.
const numReasons = 9

// Reasons returns every reason in check order.
func Reasons() [numReasons]Reason {
	return [numReasons]Reason{ReasonOffered, ReasonInactive, ReasonSuppressed, ReasonNothingLeft,
		ReasonMinAllocatable, ReasonIncapable, ReasonQuotaLimit, ReasonHeadroom, ReasonFiltered}
}

// Counts counts the candidate agents of one cycle by reason, for one
// framework in one role or summed over a role's frameworks. Every
// candidate agent is counted once per framework and role, so the fields
// add up to the cycle's candidate count (Nomad's AllocMetric does the same
// with nodes evaluated, filtered and exhausted).
type Counts struct {
	Offered        int `json:"offered"`
	Inactive       int `json:"inactive,omitempty"`
	Suppressed     int `json:"suppressed,omitempty"`
	NothingLeft    int `json:"nothing_left,omitempty"`
	MinAllocatable int `json:"below_min_allocatable,omitempty"`
	Incapable      int `json:"incapable,omitempty"`
	QuotaLimit     int `json:"quota_limit,omitempty"`
	Headroom       int `json:"quota_headroom,omitempty"`
	Filtered       int `json:"filtered,omitempty"`
}

// Get returns the count for one reason.
func (c Counts) Get(r Reason) int {
	if f := c.field(r); f != nil {
		return *f
	}
	return 0
}

func (c *Counts) add(r Reason, n int) {
	if f := c.field(r); f != nil {
		*f += n
	}
}

// field is the counter of one reason, or nil for an unknown reason.
func (c *Counts) field(r Reason) *int {
	switch r {
	case ReasonOffered:
		return &c.Offered
	case ReasonInactive:
		return &c.Inactive
	case ReasonSuppressed:
		return &c.Suppressed
	case ReasonNothingLeft:
		return &c.NothingLeft
	case ReasonMinAllocatable:
		return &c.MinAllocatable
	case ReasonIncapable:
		return &c.Incapable
	case ReasonQuotaLimit:
		return &c.QuotaLimit
	case ReasonHeadroom:
		return &c.Headroom
	case ReasonFiltered:
		return &c.Filtered
	}
	return nil
}

// Total returns the sum of all counts.
func (c Counts) Total() int {
	n := 0
	for _, r := range Reasons() {
		n += c.Get(r)
	}
	return n
}

func (c *Counts) plus(o Counts) {
	for _, r := range Reasons() {
		c.add(r, o.Get(r))
	}
}

// FilteredAgent is an agent an offer filter kept from a framework: which
// filter (they are numbered in creation order), when the decline made it
// and until when it holds, and what was refused.
type FilteredAgent struct {
	AgentID  string    `json:"agent_id"`
	FilterID uint64    `json:"filter_id"`
	Declined time.Time `json:"declined"`
	Until    time.Time `json:"until"`
	Refused  string    `json:"refused"`
}

// NearAgent is an agent that came close to being offered: what was left
// for the framework there and why it was not enough.
type NearAgent struct {
	AgentID string `json:"agent_id"`
	// Available is what the agent could still offer the framework in the
	// role: for quota_limit and quota_headroom, what the cut left.
	Available string `json:"available"`
	Reason    Reason `json:"reason"`
	// Fit is how close the agent came to the nearest min allocatable set,
	// as the smallest ratio of available to required over its names
	// (1 would fit).
	Fit float64 `json:"fit"`
}

// MaxNotable is how many filtered and nearest agents a cycle keeps per
// framework and role; Explain computes the full list on demand.
const MaxNotable = 3

// FrameworkCycle explains one cycle for one framework in one role.
type FrameworkCycle struct {
	FrameworkID string `json:"framework_id"`
	Role        string `json:"role"`
	// Rank is the framework's place in the role's DRF order at the start
	// of the cycle (0 first), or -1 when it was not in the order
	// (inactive or suppressed).
	Rank int `json:"rank"`
	// Share is its weighted dominant share in the role at the start of the
	// cycle.
	Share  float64 `json:"share"`
	Counts Counts  `json:"counts"`
	// Offered is the sum of what it was offered in the role this cycle.
	Offered string `json:"offered,omitempty"`
	// Filtered lists up to MaxNotable agents offer filters kept from it.
	Filtered []FilteredAgent `json:"filtered,omitempty"`
	// Nearest lists up to MaxNotable agents that came closest to being
	// offered among those below min allocatable or cut by quota.
	Nearest []NearAgent `json:"nearest,omitempty"`
}

// RoleCycle explains one cycle for one role.
type RoleCycle struct {
	Role string `json:"role"`
	// Rank is the role's place in the role sorter's order at the start
	// of the cycle.
	Rank   int     `json:"rank"`
	Share  float64 `json:"share"`
	Weight float64 `json:"weight"`
	// Counts sums its frameworks' counts.
	Counts Counts `json:"counts"`
	// Guarantees, Limits and Consumed describe its quota when it has one.
	Guarantees string `json:"guarantees,omitempty"`
	Limits     string `json:"limits,omitempty"`
	Consumed   string `json:"consumed,omitempty"`
}

// Cycle explains one allocation cycle (one __generateOffers run).
type Cycle struct {
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"`
	// Duration is the wall time the cycle took, filled in by the process
	// (zero from the core, which has no clock); Describe leaves it out.
	Duration time.Duration `json:"duration_ns"`
	// Candidates is the number of agents considered.
	Candidates int `json:"candidates"`
	// Offers is the number of (framework, role, agent) offers made.
	Offers int `json:"offers"`
	// Roles lists the roles in DRF order at the start of the cycle.
	Roles []RoleCycle `json:"roles"`
	// Frameworks lists every framework and role, by framework ID, then
	// role.
	Frameworks []FrameworkCycle `json:"frameworks"`
	// RequiredHeadroom and AvailableHeadroom are the quota headroom
	// before allocation; HeldBack what stage 2 held back for it.
	RequiredHeadroom  string `json:"required_headroom,omitempty"`
	AvailableHeadroom string `json:"available_headroom,omitempty"`
	HeldBack          string `json:"held_back,omitempty"`
}

// Framework returns the explanation of a framework in a role.
func (c *Cycle) Framework(frameworkID, role string) (FrameworkCycle, bool) {
	for _, f := range c.Frameworks {
		if f.FrameworkID == frameworkID && f.Role == role {
			return f, true
		}
	}
	return FrameworkCycle{}, false
}

// Role returns the explanation of a role.
func (c *Cycle) Role(role string) (RoleCycle, bool) {
	for _, r := range c.Roles {
		if r.Role == role {
			return r, true
		}
	}
	return RoleCycle{}, false
}

// ring keeps the last cycles.
type ring struct {
	buf  []*Cycle
	next int
	full bool
}

func newRing(n int) *ring { return &ring{buf: make([]*Cycle, n)} }

func (r *ring) push(c *Cycle) {
	r.buf[r.next] = c
	r.next = (r.next + 1) % len(r.buf)
	if r.next == 0 {
		r.full = true
	}
}

// all returns the cycles oldest first.
func (r *ring) all() []*Cycle {
	var out []*Cycle
	if r.full {
		out = append(out, r.buf[r.next:]...)
	}
	return append(out, r.buf[:r.next]...)
}

// Cycles returns the explanations of the last cycles, oldest first. A
// Cycle is never changed once recorded, so the values may be kept and
// read on any goroutine.
func (c *Core) Cycles() []Cycle {
	ps := c.history.all()
	out := make([]Cycle, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// LastCycle returns the latest cycle's explanation.
func (c *Core) LastCycle() (Cycle, bool) {
	ps := c.history.all()
	if len(ps) == 0 {
		return Cycle{}, false
	}
	return *ps[len(ps)-1], true
}
