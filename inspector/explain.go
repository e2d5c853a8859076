package inspector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ExplainSource says which half of the explainer produced an answer.
type ExplainSource string

// The halves of the explainer.
const (
	// SourceBestEffort: inferred from what any Mesos master serves (/master/state,
	// /master/roles, /metrics/snapshot). It cannot see the allocator's decisions,
	// only their inputs.
	SourceBestEffort ExplainSource = "best-effort"
	// SourceExact: read from the allocator's recorded decisions, which only
	// mesoscope's master serves (/mesoscope/v1/allocator).
	SourceExact ExplainSource = "exact"
	// SourceMarathon: the framework-side half, from Marathon's /v2/queue.
	SourceMarathon ExplainSource = "marathon"
)

// Describe returns a short human description of the source.
func (s ExplainSource) Describe() string {
	switch s {
	case SourceBestEffort:
		return "best-effort: inferred from the master's state, roles and metrics"
	case SourceExact:
		return "exact: from the allocator's recorded decisions (mesoscope)"
	case SourceMarathon:
		return "framework side: Marathon's launch queue (/v2/queue)"
	}
	return string(s)
}

// Cause codes, stable for scripts and tests, in the order the explainer ranks them.
const (
	CauseNotFound          = "not_found"
	CauseCompleted         = "completed"
	CauseInactive          = "inactive"
	CauseDisconnected      = "disconnected"
	CauseMarathonDelayed   = "marathon_delayed"
	CauseSuppressed        = "suppressed"
	CauseNoAgents          = "no_agents"
	CauseQuotaLimit        = "quota_limit"
	CauseRole              = "role_not_usable"
	CauseReservedElsewhere = "reserved_for_other_roles"
	CauseGPUFiltered       = "gpu_agents_filtered"
	CauseConstraints       = "constraints"
	CausePorts             = "ports"
	CauseInsufficient      = "insufficient_resources"
	CauseMarathonDeclined  = "marathon_declined"
	CauseDeclining         = "declining_offers"
	CauseMarathonNoOffers  = "marathon_no_offers"
	CauseHoldsOffers       = "holds_offers"
	CauseOfferFilters      = "offer_filters"
	CauseDRF               = "drf_order"
	CauseShouldGetOffers   = "should_get_offers"
	// CauseNoMarathon says an app was explained without Marathon's launch queue:
	// its demand is not known, so the Mesos half tests a stand-in.
	CauseNoMarathon = "marathon_not_read"
	// CausePartial says the answer covers part of the subject (an exact role
	// explanation asks about at most maxExactRoleFrameworks frameworks).
	CausePartial = "partial_answer"
)

// Cause is one reason something is waiting.
type Cause struct {
	Code string `json:"code"`
	Text string `json:"text"`
	// Source is the half that found it.
	Source ExplainSource `json:"source"`
}

// Demand is what one instance needs from a single agent: Mesos offers are per
// agent, so every resource of one task must fit on one agent.
type Demand struct {
	Resources Resources `json:"resources"`
	// PortCount is a number of arbitrary ports (Marathon's dynamic ports).
	PortCount int `json:"port_count,omitempty"`
	// Role the instance launches under; "" means the framework's roles.
	Role string `json:"role,omitempty"`
	// Constraints are Marathon-style placement constraints.
	Constraints [][]string `json:"constraints,omitempty"`
	// AcceptedRoles restricts which roles' resources may be used ("*" for
	// unreserved), like Marathon's acceptedResourceRoles.
	AcceptedRoles []string `json:"accepted_roles,omitempty"`
	// Alternatives are other demands that would do as well: the rest of the
	// master's min_allocatable_resources when no demand was given ("cpus:0.01 or
	// mem:32"). An agent that fits one of them fits.
	Alternatives []Demand `json:"alternatives,omitempty"`
}

// String renders the demand in the Mesos text format plus port count.
func (d Demand) String() string {
	s := d.Resources.Compact()
	if d.PortCount > 0 {
		if s != "" {
			s += ";"
		}
		s += fmt.Sprintf("ports:%d", d.PortCount)
	}
	if s == "" {
		s = "nothing"
	}
	for _, a := range d.Alternatives {
		s += " or " + a.String()
	}
	return s
}

// ParseDemand parses a demand in the Mesos text format, e.g. "cpus:1;mem:512;ports:2"
// or "cpus:1;ports:[8080-8080]". A bare number of ports ("ports:2") is a count of
// arbitrary ports, as in --min_allocatable_resources quantities.
func ParseDemand(text string) (Demand, error) {
	r, err := ParseResources(text)
	if err != nil {
		return Demand{}, fmt.Errorf("demand: %w", err)
	}
	d := Demand{Resources: r}
	if n, ok := r.Scalars["ports"]; ok {
		d.PortCount = int(n)
		delete(d.Resources.Scalars, "ports")
		if len(d.Resources.Scalars) == 0 {
			d.Resources.Scalars = nil
		}
	}
	return d, nil
}

// Query says what to explain. Set one of Framework (id or name), Role or App.
type Query struct {
	Framework string `json:"framework,omitempty"`
	Role      string `json:"role,omitempty"`
	App       string `json:"app,omitempty"`
	// Demand is what one instance needs; nil means "anything the allocator would
	// offer" (the master's min_allocatable_resources, default cpus:0.01|mem:32).
	Demand *Demand `json:"demand,omitempty"`
}

// RoleShare is one role's place in the DRF order.
type RoleShare struct {
	Position int     `json:"position"`
	Role     string  `json:"role"`
	Weight   float64 `json:"weight"`
	Share    float64 `json:"share"`
	// Measured is true when Share came from the allocator's metric, false when
	// it was estimated from the role's allocation and the cluster's total.
	Measured     bool   `json:"measured"`
	Quota        string `json:"quota,omitempty"`
	Frameworks   int    `json:"frameworks"`
	OfferFilters int    `json:"offer_filters"`
	Subject      bool   `json:"subject,omitempty"`
}

// AgentFit says whether the demand fits on one agent for the subject's role.
type AgentFit struct {
	AgentID  string      `json:"agent_id"`
	Hostname string      `json:"hostname"`
	Status   AgentStatus `json:"status"`
	// Free is what this agent has free for the role.
	Free Resources `json:"free"`
	Fits bool      `json:"fits"`
	// Why lists what stops it, empty when it fits.
	Why []string `json:"why,omitempty"`
	// code is the dominant cause for aggregation.
	code string
}

// Explanation answers "why is this waiting". Summary is one sentence a person
// would write; the rest is the evidence, rendered as tables by DescribeExplanation.
type Explanation struct {
	Subject string `json:"subject"`
	Kind    string `json:"kind"` // "framework", "role" or "app"
	// Sources lists the halves that contributed, the first being the one that
	// produced Summary.
	Sources []ExplainSource `json:"sources"`
	Summary string          `json:"summary"`
	Causes  []Cause         `json:"causes"`
	Demand  *Demand         `json:"demand,omitempty"`
	Roles   []string        `json:"roles,omitempty"`
	DRF     []RoleShare     `json:"drf,omitempty"`
	// AgentsTotal counts the agents considered; AgentsFit those the demand fits
	// on for the role. Agents holds the most relevant ones (all that fit, else the
	// nearest misses), at most MaxExplainAgents.
	AgentsTotal int        `json:"agents_total"`
	AgentsFit   int        `json:"agents_fit"`
	Agents      []AgentFit `json:"agents,omitempty"`
	// Marathon's view, when an app was explained.
	Funnel           []FunnelStep    `json:"funnel,omitempty"`
	LastUnusedOffers []MarathonOffer `json:"last_unused_offers,omitempty"`
}

// MaxExplainAgents bounds Explanation.Agents.
const MaxExplainAgents = 20

// AllocatorExplainer is the interface point for the exact half. mesoscope's master
// records every allocation decision and serves explanations under
// /mesoscope/v1/allocator; Client implements this interface by fetching them.
// ExplainAllocation answers for q.Framework, restricted to q.Role when it is set
// (the allocator judges each of a framework's roles apart).
// Implementations return an error wrapping ErrNotSupported when the server has no
// such endpoint (any real Mesos master), and Explain then falls back to the
// best-effort half.
type AllocatorExplainer interface {
	ExplainAllocation(ctx context.Context, q Query) (*Explanation, error)
}

// Explain answers q from a snapshot, the best-effort half, plus Marathon's queue
// (may be nil) for apps. It does no I/O and is deterministic.
func Explain(snap *Snapshot, q Query, queue []MarathonQueueItem) (*Explanation, error) {
	return explainWith(NewIndex(snap), q, queue)
}

// ExplainWith tries the exact half first and falls back to Explain when exact is
// nil or reports ErrNotSupported. Marathon's funnel is merged into either answer.
// A role is explained exactly by asking about each of its frameworks (the allocator
// explains frameworks); the DRF table of an exact answer lists every role, with the
// master's weights, quotas and framework counts around the allocator's shares.
func ExplainWith(ctx context.Context, exact AllocatorExplainer, snap *Snapshot, q Query, queue []MarathonQueueItem) (*Explanation, error) {
	if exact != nil {
		ix := NewIndex(snap)
		var e *Explanation
		var err error
		if q.Role != "" && q.Framework == "" && q.App == "" {
			e, err = explainRoleExact(ctx, exact, ix, q)
		} else {
			e, err = explainFrameworkExact(ctx, exact, ix, q)
		}
		if err == nil && e != nil {
			return e, nil
		}
		if err != nil && !isNotSupported(err) {
			return nil, fmt.Errorf("explain: %w", err)
		}
	}
	return Explain(snap, q, queue)
}

// explainFrameworkExact asks the allocator about one framework (an app query gets
// ErrNotSupported from it, and so the best-effort half).
func explainFrameworkExact(ctx context.Context, exact AllocatorExplainer, ix *Index, q Query) (*Explanation, error) {
	eq := q
	var fw *Framework
	if f, ok := ix.Framework(q.Framework); ok {
		fw = f
		eq.Framework = f.ID // the allocator knows frameworks by id
	}
	e, err := exact.ExplainAllocation(ctx, eq)
	if err != nil || e == nil {
		return nil, err
	}
	if fw != nil {
		e.Subject = fmt.Sprintf("framework %s (%s)", fw.Name, fw.ID)
	}
	fillHostnames(ix, e.Agents)
	e.DRF = exactDRF(ix.Snapshot(), e.DRF, e.Roles)
	e.summarize()
	return e, nil
}

// maxExactRoleFrameworks bounds how many of a role's frameworks an exact role
// explanation asks the allocator about (one request each).
const maxExactRoleFrameworks = 32

// explainRoleExact explains a role from the allocator's explanations of its
// frameworks in that role: an agent is offerable to the role when it is offerable to one of
// them, and each framework's causes are kept under its name. It returns nil (and the
// best-effort half answers) when no framework is subscribed to the role.
func explainRoleExact(ctx context.Context, exact AllocatorExplainer, ix *Index, q Query) (*Explanation, error) {
	r, ok := ix.Role(q.Role)
	if !ok || len(r.Frameworks) == 0 {
		return nil, nil
	}
	e := &Explanation{Kind: "role", Subject: "role " + q.Role, Roles: []string{q.Role}, Sources: []ExplainSource{SourceExact}, Demand: q.Demand}
	ids := r.Frameworks
	if len(ids) > maxExactRoleFrameworks {
		e.cause(CausePartial, SourceExact, "role %s has %d frameworks; the allocator was asked about the first %d", q.Role, len(ids), maxExactRoleFrameworks)
		ids = ids[:maxExactRoleFrameworks]
	}
	var shares []RoleShare
	byAgent := map[string]int{} // agent id -> index in e.Agents
	// Each answer lists at most MaxExplainAgents agents but counts them all.
	var total, fit int
	for _, id := range ids {
		name := id
		if f, ok := ix.Framework(id); ok && f.Name != "" {
			name = f.Name
		}
		fe, err := exact.ExplainAllocation(ctx, Query{Framework: id, Role: q.Role, Demand: q.Demand})
		if err != nil {
			return nil, err
		}
		if fe == nil {
			return nil, nil
		}
		for _, c := range fe.Causes {
			if rest, ok := strings.CutPrefix(c.Text, "it is "); ok {
				c.Text = "framework " + name + " is " + rest
			} else {
				c.Text = "framework " + name + ": " + c.Text
			}
			e.Causes = append(e.Causes, c)
		}
		total, fit = max(total, fe.AgentsTotal), max(fit, fe.AgentsFit)
		for _, rs := range fe.DRF {
			if rs.Role == q.Role && len(shares) == 0 {
				shares = append(shares, rs)
			}
		}
		for _, a := range fe.Agents {
			i, seen := byAgent[a.AgentID]
			if !seen {
				i = len(e.Agents)
				byAgent[a.AgentID] = i
				m := a
				m.Fits, m.Why, m.code = false, nil, ""
				e.Agents = append(e.Agents, m)
				e.AgentsTotal++
			}
			m := &e.Agents[i]
			switch {
			case m.Fits:
			case a.Fits:
				m.Fits, m.Why, m.code = true, nil, a.code
				e.AgentsFit++
			default:
				for _, w := range a.Why {
					m.Why = append(m.Why, name+": "+w)
				}
				if m.code == "" {
					m.code = a.code
				}
			}
		}
	}
	fitsFirst(e.Agents)
	if len(e.Agents) > MaxExplainAgents {
		e.Agents = e.Agents[:MaxExplainAgents]
	}
	e.AgentsTotal, e.AgentsFit = max(e.AgentsTotal, total), max(e.AgentsFit, fit)
	fillHostnames(ix, e.Agents)
	e.DRF = exactDRF(ix.Snapshot(), shares, e.Roles)
	e.summarize()
	return e, nil
}

// fitsFirst moves the agents that fit before those that do not, keeping each
// group's order.
func fitsFirst(agents []AgentFit) {
	slices.SortStableFunc(agents, func(a, b AgentFit) int {
		switch {
		case a.Fits == b.Fits:
			return 0
		case a.Fits:
			return -1
		}
		return 1
	})
}

// fillHostnames names the agents of an exact answer, which knows only their ids.
func fillHostnames(ix *Index, agents []AgentFit) {
	for i := range agents {
		if a, ok := ix.Agent(agents[i].AgentID); ok && agents[i].Hostname == "" {
			agents[i].Hostname = a.Hostname
		}
	}
}

// exactDRF is the DRF table of an exact answer: every role the master reports (with
// its weight, quota, frameworks and filters), the allocator's own shares for the
// subject's roles in place of the metric, and the rows in the order they give.
func exactDRF(snap *Snapshot, allocator []RoleShare, subjects []string) []RoleShare {
	drf := drfOrder(snap, subjects...)
	for _, a := range allocator {
		i := slices.IndexFunc(drf, func(rs RoleShare) bool { return rs.Role == a.Role })
		if i < 0 {
			// A role the master's state does not list yet (it raced the explanation).
			a.Subject = slices.Contains(subjects, a.Role)
			drf = append(drf, a)
			continue
		}
		drf[i].Share, drf[i].Measured = a.Share, true
		if a.OfferFilters > 0 || drf[i].OfferFilters < 0 {
			drf[i].OfferFilters = a.OfferFilters
		}
	}
	sortDRF(drf)
	return drf
}

func explainWith(ix *Index, q Query, queue []MarathonQueueItem) (*Explanation, error) {
	switch {
	case q.App != "":
		return explainApp(ix, q, queue)
	case q.Framework != "":
		return explainFramework(ix, q)
	case q.Role != "":
		return explainRole(ix, q)
	}
	return nil, fmt.Errorf("explain: empty query: name a framework, role or app")
}

// --- framework -------------------------------------------------------------

func explainFramework(ix *Index, q Query) (*Explanation, error) {
	e := &Explanation{Kind: "framework", Sources: []ExplainSource{SourceBestEffort}}
	f, ok := ix.Framework(q.Framework)
	if !ok {
		e.Subject = "framework " + q.Framework
		if fs := ix.FrameworksNamed(q.Framework); len(fs) > 1 {
			e.cause(CauseNotFound, SourceBestEffort, "%d frameworks are named %q; ask by id: %s", len(fs), q.Framework, frameworkIDs(fs))
		} else {
			e.cause(CauseNotFound, SourceBestEffort, "no framework with id or name %q is registered with the master", q.Framework)
		}
		e.Summary = fmt.Sprintf("There is no framework %q on this master, so nothing is waiting on Mesos for it.", q.Framework)
		return e, nil
	}
	e.Subject = fmt.Sprintf("framework %s (%s)", f.Name, f.ID)
	roles := f.Roles
	if q.Role != "" {
		roles = []string{q.Role}
	}
	e.Roles = roles
	analyzeFramework(ix, e, f, roles, q.Demand)
	e.summarize()
	return e, nil
}

// analyzeFramework adds the framework-level and per-agent causes.
func analyzeFramework(ix *Index, e *Explanation, f *Framework, roles []string, demand *Demand) {
	if f.Completed {
		e.cause(CauseCompleted, SourceBestEffort, "framework %s has completed (torn down or failed over past its timeout); it gets no offers", f.Name)
	}
	if !f.Active && !f.Completed {
		e.cause(CauseInactive, SourceBestEffort, "framework %s is inactive: the allocator skips deactivated frameworks (Master::deactivate)", f.Name)
	}
	if !f.Connected && !f.Completed {
		e.cause(CauseDisconnected, SourceBestEffort, "framework %s is disconnected from the master; its failover timeout (%s) is running", f.Name, f.FailoverTimeout)
	}
	var suppressed []string
	for _, r := range roles {
		if slices.Contains(f.SuppressedRoles, r) {
			suppressed = append(suppressed, r)
		}
	}
	if len(suppressed) > 0 {
		what := "role " + strings.Join(suppressed, ", ")
		if len(suppressed) == len(roles) {
			what = "all its roles (" + strings.Join(suppressed, ", ") + ")"
		}
		e.cause(CauseSuppressed, SourceBestEffort, "framework %s has suppressed offers for %s (SUPPRESS); it gets none there until it sends REVIVE", f.Name, what)
	}
	if offers := ix.OffersOfFramework(f.ID); len(offers) > 0 || !f.Offered.IsEmpty() {
		held := f.Offered
		if held.IsEmpty() {
			held = Resources{} // never write into the snapshot's maps
			for _, o := range offers {
				held = addInto(held, o.Resources)
			}
		}
		e.cause(CauseHoldsOffers, SourceBestEffort, "framework %s holds %d outstanding offer(s) (%s) it has neither accepted nor declined", f.Name, len(offers), held.Compact())
	}
	for _, r := range roles {
		if !f.HasRole(r) && r != "*" {
			e.cause(CauseRole, SourceBestEffort, "framework %s is not subscribed to role %s (its roles: %s), so it is never offered that role's resources", f.Name, r, strings.Join(f.Roles, ", "))
		}
		analyzeRole(ix, e, r, f, demand)
	}
}

// --- role --------------------------------------------------------------------

func explainRole(ix *Index, q Query) (*Explanation, error) {
	e := &Explanation{Kind: "role", Sources: []ExplainSource{SourceBestEffort}, Subject: "role " + q.Role, Roles: []string{q.Role}}
	role, ok := ix.Role(q.Role)
	if !ok || (len(role.Frameworks) == 0 && role.Allocated.IsEmpty()) {
		e.cause(CauseNotFound, SourceBestEffort, "no framework is subscribed to role %s, so the allocator does not track it (roles are added with their first framework)", q.Role)
	}
	analyzeRole(ix, e, q.Role, nil, q.Demand)
	e.summarize()
	return e, nil
}

// analyzeRole adds quota, filters, DRF and per-agent causes for one role. f is the
// framework being explained, or nil.
func analyzeRole(ix *Index, e *Explanation, role string, f *Framework, demand *Demand) {
	snap := ix.Snapshot()
	r, hasRole := ix.Role(role)
	d := effectiveDemand(snap, demand, role)
	var alts []Demand
	if demand == nil {
		alts = minAllocatable(snap, role)
		d = alts[0]
	}
	if e.Demand == nil {
		dd := d
		if len(alts) > 1 {
			dd.Alternatives = alts[1:]
		}
		e.Demand = &dd
	}
	if hasRole {
		if r.OfferFilters > 0 {
			e.cause(CauseOfferFilters, SourceBestEffort, "role %s has %d active offer filter(s): agents whose offers were declined are withheld for refuse_seconds (default 5s) unless the framework revives", role, r.OfferFilters)
		}
		if over := quotaExceeded(*r, d); len(over) > 0 {
			e.cause(CauseQuotaLimit, SourceBestEffort, "role %s is at its quota limit for %s (consumed %s, limit %s)", role, strings.Join(over, ", "), r.Quota.Consumed.Compact(), r.Quota.LimitText())
		}
	}
	e.DRF = drfOrder(snap, role)
	if alts == nil {
		e.fitAgents(ix, role, f, d)
	} else {
		e.fitAgentsAny(ix, role, f, alts)
	}
	if pos := subjectPosition(e.DRF); pos > 1 && e.AgentsFit > 0 && !snap.Cluster.Offered.IsEmpty() {
		ahead := e.DRF[pos-2]
		e.cause(CauseDRF, SourceBestEffort, "role %s is %s in DRF order (share %.3f); %s (share %.3f) and others ahead of it are offered free resources first, and %s is tied up in outstanding offers",
			role, ordinal(pos), e.DRF[pos-1].Share, ahead.Role, ahead.Share, snap.Cluster.Offered)
	}
}

// minAllocatable returns the alternatives of the master's
// --min_allocatable_resources ("cpus:0.01|mem:32" by default): Mesos offers an agent
// whose free resources contain any one of them (HierarchicalAllocatorProcess::
// allocatable, std::any_of).
func minAllocatable(snap *Snapshot, role string) []Demand {
	flag := snap.Cluster.Flags["min_allocatable_resources"]
	if flag == "" {
		flag = "cpus:0.01|mem:32"
	}
	var out []Demand
	for alt := range strings.SplitSeq(flag, "|") {
		if d, err := ParseDemand(strings.TrimSpace(alt)); err == nil {
			d.Role = role
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		d := Demand{Role: role}
		d.Resources.CPUs = 0.01
		out = append(out, d)
	}
	return out
}

// fitAgentsAny is fitAgents for "any of these demands": an agent fits when one of
// them fits; what stops an agent, and the causes when none fits, are the first
// demand's.
func (e *Explanation) fitAgentsAny(ix *Index, role string, f *Framework, ds []Demand) {
	causes := len(e.Causes)
	e.fitAgents(ix, role, f, ds[0])
	if len(ds) == 1 || e.AgentsFit == e.AgentsTotal {
		return
	}
	fitsAny := map[string]bool{}
	for _, d := range ds[1:] {
		alt := &Explanation{Demand: e.Demand}
		alt.fitAgents(ix, role, f, d)
		for _, a := range alt.Agents {
			if a.Fits {
				fitsAny[a.AgentID] = true
			}
		}
		if alt.AgentsFit > 0 && len(alt.Agents) < alt.AgentsFit {
			// More agents fit than the list shows: count them from alt.
			e.AgentsFit = max(e.AgentsFit, alt.AgentsFit)
		}
	}
	if len(fitsAny) == 0 {
		return
	}
	added := 0
	for i := range e.Agents {
		if !e.Agents[i].Fits && fitsAny[e.Agents[i].AgentID] {
			e.Agents[i].Fits, e.Agents[i].Why, e.Agents[i].code = true, nil, ""
			added++
		}
	}
	e.AgentsFit = min(e.AgentsTotal, max(e.AgentsFit, e.AgentsFit+added))
	// Some agent is allocatable after all: drop the "nothing fits" causes the first
	// demand alone produced.
	e.Causes = append(e.Causes[:causes], slices.DeleteFunc(e.Causes[causes:], func(c Cause) bool {
		switch c.Code {
		case CauseInsufficient, CausePorts, CauseGPUFiltered, CauseReservedElsewhere, CauseConstraints:
			return true
		}
		return false
	})...)
	fitsFirst(e.Agents)
}

// effectiveDemand returns the demand to test agents with.
func effectiveDemand(snap *Snapshot, demand *Demand, role string) Demand {
	if demand != nil {
		d := *demand
		if d.Role == "" {
			d.Role = role
		}
		return d
	}
	// No demand: the first of the master's min_allocatable_resources (an agent
	// is allocatable if it has any one of them: see minAllocatable).
	return minAllocatable(snap, role)[0]
}

// quotaExceeded lists the resources of demand for which the role's consumed quota
// plus the demand would exceed its limit.
func quotaExceeded(r Role, d Demand) []string {
	var out []string
	for _, name := range append(r.Quota.Limit.ScalarNames(), r.Quota.ZeroLimits...) {
		limit, _ := r.Quota.LimitOf(name)
		need := d.Resources.Get(name)
		if need == 0 {
			continue // the allocator still offers the other resources
		}
		consumed := r.Quota.Consumed.Get(name)
		if r.Quota.Consumed.IsEmpty() {
			consumed = r.Allocated.Get(name) + r.Offered.Get(name) + r.Reserved.Get(name)
		}
		if fixed(consumed+need) > limit {
			out = append(out, name)
		}
	}
	return out
}

// drfOrder sorts the roles with frameworks by DRF share, as the role sorter does
// (DRFSorter::sort: share, then allocation count, then path; the count is not
// observable, so ties break by name). The subjects are marked, and listed even
// without frameworks.
func drfOrder(snap *Snapshot, subjects ...string) []RoleShare {
	var out []RoleShare
	for _, r := range snap.Roles {
		subject := slices.Contains(subjects, r.Name)
		if len(r.Frameworks) == 0 && !subject {
			continue
		}
		rs := RoleShare{Role: r.Name, Weight: r.Weight, Frameworks: len(r.Frameworks), OfferFilters: r.OfferFilters, Subject: subject}
		if r.ShareKnown {
			rs.Share, rs.Measured = r.DominantShare, true
		} else {
			rs.Share = estimateShare(snap, r)
		}
		if !r.Quota.IsZero() {
			rs.Quota = "guarantee " + r.Quota.GuaranteeText()
			if r.Quota.HasLimit() {
				rs.Quota += " limit " + r.Quota.LimitText()
			}
		}
		out = append(out, rs)
	}
	sortDRF(out)
	return out
}

// sortDRF orders rows by share, then name, and numbers them from 1.
func sortDRF(rows []RoleShare) {
	slices.SortStableFunc(rows, func(a, b RoleShare) int {
		return cmp.Or(cmp.Compare(a.Share, b.Share), cmp.Compare(a.Role, b.Role))
	})
	for i := range rows {
		rows[i].Position = i + 1
	}
}

// estimateShare computes DRFSorter::calculateShare from the role's allocated and
// offered quantities and the cluster total: max over scalar resources of
// allocation/total, divided by the weight. fair_sharing_excluded_resource_names is
// honoured when the master's flags list it.
func estimateShare(snap *Snapshot, r Role) float64 {
	excluded := snap.Cluster.Flags["fair_sharing_excluded_resource_names"]
	alloc := r.Allocated.Add(r.Offered)
	total := snap.Cluster.Total
	share := 0.0
	for _, name := range total.ScalarNames() {
		if excluded != "" && slices.Contains(ParseSet(excluded), name) {
			continue
		}
		if t := total.Get(name); t > 0 {
			share = max(share, alloc.Get(name)/t)
		}
	}
	if r.Weight > 0 {
		share /= r.Weight
	}
	return share
}

func subjectPosition(drf []RoleShare) int {
	for _, rs := range drf {
		if rs.Subject {
			return rs.Position
		}
	}
	return 0
}

// fitAgents tests the demand on every agent for role and records causes when none
// fits.
func (e *Explanation) fitAgents(ix *Index, role string, f *Framework, d Demand) {
	snap := ix.Snapshot()
	gpuFilter := snap.Cluster.Flags["filter_gpu_resources"] != "false"
	var appAgents []*Agent
	if len(d.Constraints) > 0 {
		appAgents = e.appPlacement(ix)
	}
	placed := newPlacement(appAgents)
	fits := make([]AgentFit, 0, len(snap.Agents))
	counts := map[string]int{}
	dims := map[string]int{}
	considered := 0
	for i := range snap.Agents {
		a := &snap.Agents[i]
		fit := AgentFit{AgentID: a.ID, Hostname: a.Hostname, Status: a.Status}
		switch a.Status {
		case AgentActive:
		default:
			continue // the allocator only considers activated agents
		}
		considered++
		free := a.FreeFor(role)
		fit.Free = free
		if len(d.AcceptedRoles) > 0 {
			free = restrictToRoles(a, role, d.AcceptedRoles, free)
			fit.Free = free
		}
		var why []string
		code := ""
		if gpuFilter && a.Total.GPUs > 0 && d.Resources.GPUs == 0 && f != nil && !f.HasCapability("GPU_RESOURCES") {
			why = append(why, "agent has GPUs and the framework lacks GPU_RESOURCES (--filter_gpu_resources)")
			code = CauseGPUFiltered
		}
		for _, c := range d.Constraints {
			msg, err := checkConstraint(c, a, placed)
			if err != nil {
				msg = err.Error()
			}
			if msg != "" {
				why = append(why, msg)
				if code == "" {
					code = CauseConstraints
				}
			}
		}
		scalarOnly := d.Resources
		scalarOnly.Ports = nil
		missing := free.Missing(scalarOnly)
		if len(missing) > 0 {
			why = append(why, missing...)
			if code == "" {
				code = CauseInsufficient
				// Would it fit without other roles' reservations?
				if a.Free.Fits(scalarOnly) {
					code = CauseReservedElsewhere
				}
			}
			for _, m := range missing {
				dim, _, _ := strings.Cut(m, ":")
				dims[dim]++
			}
		}
		portsMissing := ""
		if len(d.Resources.Ports) > 0 && !free.Ports.Contains(d.Resources.Ports) {
			portsMissing = fmt.Sprintf("ports: need %s, have %s", d.Resources.Ports, free.Ports)
		}
		if d.PortCount > 0 && free.Ports.Count() < uint64(d.PortCount) {
			portsMissing = fmt.Sprintf("ports: need %d, have %d", d.PortCount, free.Ports.Count())
		}
		if portsMissing != "" {
			why = append(why, portsMissing)
			dims["ports"]++
			if code == "" {
				code = CausePorts
			}
		}
		fit.Fits = len(why) == 0
		fit.Why = why
		fit.code = code
		if code != "" {
			counts[code]++
		}
		fits = append(fits, fit)
	}
	e.AgentsTotal = considered
	e.AgentsFit = 0
	for _, ft := range fits {
		if ft.Fits {
			e.AgentsFit++
		}
	}
	slices.SortStableFunc(fits, func(a, b AgentFit) int {
		if a.Fits != b.Fits {
			if a.Fits {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(len(a.Why), len(b.Why)), cmp.Compare(b.Free.CPUs, a.Free.CPUs), cmp.Compare(a.AgentID, b.AgentID))
	})
	if len(fits) > MaxExplainAgents {
		fits = fits[:MaxExplainAgents]
	}
	e.Agents = fits

	if considered == 0 {
		e.cause(CauseNoAgents, SourceBestEffort, "no active agent is registered (%d known, none activated)", len(snap.Agents))
		return
	}
	if e.AgentsFit > 0 {
		return
	}
	demandText := d.String()
	if n := counts[CauseGPUFiltered]; n > 0 {
		e.cause(CauseGPUFiltered, SourceBestEffort, "%d of %d agents have GPUs and are only offered to GPU_RESOURCES frameworks", n, considered)
	}
	if n := counts[CauseConstraints]; n > 0 {
		e.cause(CauseConstraints, SourceBestEffort, "constraints %s exclude %d of %d agents", formatConstraints(d.Constraints), n, considered)
	}
	if n := counts[CauseReservedElsewhere]; n > 0 {
		e.cause(CauseReservedElsewhere, SourceBestEffort, "%d of %d agents would fit %s only by using resources reserved for other roles, which role %s may not use", n, considered, demandText, role)
	}
	if n := counts[CausePorts]; n > 0 {
		e.cause(CausePorts, SourceBestEffort, "%d of %d agents have the cpus/mem/disk but not the ports (%s)", n, considered, portsText(d))
	}
	if n := counts[CauseInsufficient]; n > 0 {
		if n == considered {
			e.cause(CauseInsufficient, SourceBestEffort, "no agent has %s free for role %s: %s", demandText, role, dimensionsText(dims, considered))
		} else {
			// The others are ruled out by something else (constraints, GPUs, ports):
			// "no agent has it free" would be false.
			e.cause(CauseInsufficient, SourceBestEffort, "%d of %d agents do not have %s free for role %s: %s", n, considered, demandText, role, dimensionsText(dims, considered))
		}
	}
}

func portsText(d Demand) string {
	if len(d.Resources.Ports) > 0 {
		return d.Resources.Ports.String()
	}
	return fmt.Sprintf("%d ports", d.PortCount)
}

// dimensionsText renders Nomad-style "cpus short on 5 agents, mem short on 2".
func dimensionsText(dims map[string]int, total int) string {
	names := make([]string, 0, len(dims))
	for k := range dims {
		names = append(names, k)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(dims[b], dims[a]), cmp.Compare(a, b)) })
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s short on %d of %d agents", n, dims[n], total)
	}
	return strings.Join(parts, ", ")
}

func formatConstraints(cs [][]string) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = strings.Join(c, ":")
	}
	return strings.Join(parts, ", ")
}

// restrictToRoles keeps only resources from the accepted roles ("*" = unreserved),
// like Marathon's acceptedResourceRoles.
func restrictToRoles(a *Agent, role string, accepted []string, free Resources) Resources {
	star, mine := slices.Contains(accepted, "*"), slices.Contains(accepted, role)
	switch {
	case star && mine:
		return free
	case star:
		return a.FreeFor("") // no role: unreserved only
	case mine:
		return free.Sub(a.FreeFor("")) // what is reserved for the role
	}
	return Resources{}
}

// appPlacement returns the agents running the explained app's tasks (one entry per
// task), for UNIQUE and MAX_PER constraints.
func (e *Explanation) appPlacement(ix *Index) []*Agent {
	if e.Kind != "app" {
		return nil
	}
	appID := strings.TrimPrefix(e.Subject, "app ")
	prefix := MarathonTaskPrefix(appID)
	var out []*Agent
	for i := range ix.Snapshot().Tasks {
		t := &ix.Snapshot().Tasks[i]
		if t.List != TasksActive || IsTerminal(t.State) || !strings.HasPrefix(t.ID, prefix) {
			continue
		}
		if a, ok := ix.Agent(t.AgentID); ok {
			out = append(out, a)
		}
	}
	return out
}

// --- app -------------------------------------------------------------------

func isNotSupported(err error) bool { return errors.Is(err, ErrNotSupported) }

func findQueueItem(queue []MarathonQueueItem, app string) (MarathonQueueItem, bool) {
	norm := "/" + strings.TrimPrefix(app, "/")
	for _, it := range queue {
		if it.App.ID == norm || it.App.ID == app {
			return it, true
		}
	}
	return MarathonQueueItem{}, false
}

// explainApp combines Marathon's view of an app with the Mesos half for the
// Marathon framework and the app's demand.
func explainApp(ix *Index, q Query, queue []MarathonQueueItem) (*Explanation, error) {
	appID := "/" + strings.TrimPrefix(q.App, "/")
	e := &Explanation{Kind: "app", Subject: "app " + appID}
	item, inQueue := findQueueItem(queue, appID)
	if queue != nil && !inQueue {
		e.Sources = []ExplainSource{SourceMarathon}
		e.cause(CauseNotFound, SourceMarathon, "app %s is not in Marathon's launch queue: it has no instances waiting to launch", appID)
		e.Summary = fmt.Sprintf("App %s is not waiting: Marathon has nothing queued for it.", appID)
		return e, nil
	}
	demand := q.Demand
	if demand == nil && inQueue {
		d := item.App.Demand()
		demand = &d
	}
	if queue == nil && demand == nil {
		e.cause(CauseNoMarathon, SourceBestEffort, "Marathon's launch queue was not read, so the app's demand is unknown: the agents below are tested with the master's min allocatable resources, not what %s needs (give Marathon's URL with --marathon, or the demand with --demand)", appID)
	}
	if inQueue {
		e.Sources = append(e.Sources, SourceMarathon)
		addMarathon(e, item)
	}
	e.Sources = append(e.Sources, SourceBestEffort)

	// The Mesos half: Marathon is the framework; the app's role decides what
	// it may use.
	role := q.Role
	if role == "" && demand != nil && demand.Role != "" {
		role = demand.Role
	}
	if role == "*" {
		// "*" is not a role to subscribe to but the unreserved pool, which every
		// role is offered: explain for the framework's roles, unreserved only.
		role = ""
		if demand != nil && len(demand.AcceptedRoles) == 0 {
			d := *demand
			d.AcceptedRoles = []string{"*"}
			demand = &d
		}
	}
	fwName := q.Framework
	if fwName == "" {
		fwName = "marathon"
	}
	f, ok := ix.Framework(fwName)
	if ok {
		roles := f.Roles
		if role != "" {
			roles = []string{role}
		}
		e.Roles = roles
		analyzeFramework(ix, e, f, roles, demand)
	} else {
		if role == "" {
			role = "*"
		}
		e.Roles = []string{role}
		e.cause(CauseNotFound, SourceBestEffort, "no framework named %q is registered with the master", fwName)
		analyzeRole(ix, e, role, nil, demand)
	}
	e.summarize()
	return e, nil
}

// addMarathon adds Marathon's funnel and causes for a queue item.
func addMarathon(e *Explanation, item MarathonQueueItem) {
	e.Funnel = item.RejectLastOffers
	if len(e.Funnel) == 0 {
		e.Funnel = item.RejectLaunchAttempt
	}
	e.LastUnusedOffers = item.LastUnusedOffers
	if !item.Overdue {
		e.cause(CauseMarathonDelayed, SourceMarathon, "Marathon is backing off launches of %s after failures (%.0fs left); it ignores offers until then", item.App.ID, item.TimeLeftSeconds)
		return
	}
	if item.ProcessedOffers == 0 {
		e.cause(CauseMarathonNoOffers, SourceMarathon, "Marathon has processed no offers for %s since %s: Mesos is not offering it anything", item.App.ID, item.Since.Format("2006-01-02T15:04:05Z07:00"))
		return
	}
	if item.UnusedOffers == 0 {
		return
	}
	var parts []string
	for _, st := range e.Funnel {
		if st.Declined > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", st.Declined, funnelPhrase(st.Reason)))
		}
	}
	msg := fmt.Sprintf("Marathon declined %d of %d offers it processed for %s", item.UnusedOffers, item.ProcessedOffers, item.App.ID)
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, ", ")
	}
	e.cause(CauseMarathonDeclined, SourceMarathon, "%s", msg)
}

// funnelPhrase turns a Marathon reason into words.
func funnelPhrase(reason string) string {
	switch reason {
	case "UnfulfilledRole":
		return "offered resources of a role the app may not use"
	case "UnfulfilledConstraint":
		return "failed a placement constraint"
	case "NoCorrespondingReservationFound":
		return "lacked the app's reservation"
	case "AgentMaintenance":
		return "came from agents in maintenance"
	case "InsufficientCpus":
		return "lacked cpus"
	case "InsufficientMemory":
		return "lacked memory"
	case "InsufficientDisk":
		return "lacked disk"
	case "InsufficientGpus":
		return "lacked gpus"
	case "InsufficientPorts":
		return "lacked ports"
	case "DeclinedScarceResources":
		return "were declined to protect scarce resources (GPUs)"
	}
	return "declined for " + reason
}

// --- summary -----------------------------------------------------------------

// causeOrder ranks the causes: the first that applies writes the summary.
var causeOrder = [...]string{
	CauseNotFound, CauseCompleted, CauseNoMarathon, CauseInactive, CauseMarathonDelayed, CauseSuppressed,
	CauseNoAgents, CauseQuotaLimit, CauseMarathonDeclined, CauseDeclining, CauseRole, CauseGPUFiltered,
	CauseConstraints, CauseReservedElsewhere, CausePorts, CauseInsufficient,
	CauseDisconnected, CauseOfferFilters, CauseHoldsOffers, CauseDRF,
	CauseMarathonNoOffers, CauseShouldGetOffers, CausePartial,
}

func causeRank(code string) int {
	for i, c := range causeOrder {
		if c == code {
			return i
		}
	}
	return len(causeOrder)
}

func (e *Explanation) cause(code string, src ExplainSource, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	for _, c := range e.Causes {
		if c.Code == code && c.Text == text {
			return
		}
	}
	e.Causes = append(e.Causes, Cause{Code: code, Text: text, Source: src})
}

// summarize ranks the causes and writes the one-sentence answer from the top one.
func (e *Explanation) summarize() {
	if len(e.Causes) == 0 {
		if e.AgentsFit > 0 {
			e.cause(CauseShouldGetOffers, SourceBestEffort, "%d of %d agents have %s free for %s; nothing observable blocks offers, so they should arrive within an allocation interval (if they do, the framework is declining them)",
				e.AgentsFit, e.AgentsTotal, e.demandText(), strings.Join(e.Roles, ", "))
		} else {
			e.cause(CauseShouldGetOffers, SourceBestEffort, "nothing observable blocks offers")
		}
	}
	slices.SortStableFunc(e.Causes, func(a, b Cause) int { return cmp.Compare(causeRank(a.Code), causeRank(b.Code)) })
	top := e.Causes[0]
	// The half that produced the top cause goes first in Sources.
	if i := slices.Index(e.Sources, top.Source); i > 0 {
		e.Sources = append([]ExplainSource{top.Source}, slices.Delete(slices.Clone(e.Sources), i, i+1)...)
	} else if i < 0 {
		e.Sources = append([]ExplainSource{top.Source}, e.Sources...)
	}
	subject := strings.ToUpper(e.Subject[:1]) + e.Subject[1:]
	switch top.Code {
	case CauseShouldGetOffers:
		if e.AgentsFit > 0 {
			e.Summary = fmt.Sprintf("%s should be getting offers: %d of %d agents have %s free for it and nothing observable is holding them back.", subject, e.AgentsFit, e.AgentsTotal, e.demandText())
		} else {
			e.Summary = fmt.Sprintf("%s: nothing observable blocks offers.", subject)
		}
	case CauseMarathonNoOffers:
		e.Summary = fmt.Sprintf("%s is waiting because Mesos is not offering Marathon anything for it; %s.", subject, top.Text)
	case CauseDeclining:
		// Getting offers is not waiting for them: say what the framework does.
		if rest, ok := strings.CutPrefix(top.Text, "it is "); ok {
			e.Summary = fmt.Sprintf("%s is %s.", subject, rest)
		} else {
			e.Summary = fmt.Sprintf("%s: %s.", subject, top.Text)
		}
	case CauseNoMarathon:
		e.Summary = fmt.Sprintf("%s: only the master's side is known; Marathon's launch queue was not read, so the app's demand and the offers Marathon declined are unknown (give its URL with --marathon).", subject)
	default:
		e.Summary = fmt.Sprintf("%s is waiting because %s.", subject, top.Text)
	}
}

func (e *Explanation) demandText() string {
	if e.Demand == nil {
		return "resources"
	}
	return e.Demand.String()
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

func frameworkIDs(fs []*Framework) string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.ID
	}
	return strings.Join(ids, ", ")
}
