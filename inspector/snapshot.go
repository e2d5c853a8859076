package inspector

import (
	"slices"
	"time"
)

// Snapshot is everything the inspector read from one master at one moment, as plain
// data: the master's state, roles, metrics and libprocess processes, and
// optionally each agent's own state. It is safe to keep, render, marshal or
// compare on any goroutine; DeepCopy gives an independent copy.
type Snapshot struct {
	// Source is the URL of the master the snapshot was taken from (the leader,
	// after redirects).
	Source string `json:"source"`
	// TakenAt is when the first request was sent; Took how long all took.
	TakenAt time.Time     `json:"taken_at,omitzero"`
	Took    time.Duration `json:"took"`

	Cluster    Cluster      `json:"cluster"`
	Agents     []Agent      `json:"agents"`
	Frameworks []Framework  `json:"frameworks"`
	Tasks      []Task       `json:"tasks"`
	Executors  []Executor   `json:"executors"`
	Offers     []Offer      `json:"offers"`
	Roles      []Role       `json:"roles"`
	Metrics    Metrics      `json:"metrics,omitempty"`
	Actors     []Actor      `json:"actors,omitempty"`
	AgentState []AgentState `json:"agent_states,omitempty"`
	// Containers lists every container of every agent whose /containers was read,
	// with AgentID set.
	Containers []Container `json:"containers,omitempty"`

	// Mesoscope is true when the master serves mesoscope's /mesoscope/v1 extras.
	Mesoscope bool `json:"mesoscope,omitempty"`
	// Warnings lists the parts that could not be read (e.g. metrics behind auth)
	// without failing the snapshot.
	Warnings []string `json:"warnings,omitempty"`
}

// NewSnapshot builds a snapshot from a decoded state, roles and metrics, merging
// the metrics into the view models: DRF shares and offer filter counts into roles,
// suppressed roles into frameworks, and roles known only from frameworks into the
// role list (Mesos < 1.9 /master/roles lists only roles with frameworks or weights).
func NewSnapshot(source string, st *State, roles []Role, m Metrics) *Snapshot {
	s := &Snapshot{Source: source, Metrics: m}
	if st != nil {
		s.Cluster = st.Cluster
		s.Agents = st.Agents
		s.Frameworks = st.Frameworks
		s.Tasks = st.Tasks
		s.Executors = st.Executors
		s.Offers = st.Offers
	}
	s.Roles = roles
	s.rolesFromRoleList()
	s.mergeMetrics()
	return s
}

// rolesFromRoleList fixes the roles of frameworks whose state did not say
// (Mesos's /master/state-summary has no "role", so the decoder defaulted
// them to "*") from the frameworks that /master/roles lists per role.
func (s *Snapshot) rolesFromRoleList() {
	listed := map[string][]string{}
	for _, r := range s.Roles {
		for _, id := range r.Frameworks {
			listed[id] = append(listed[id], r.Name)
		}
	}
	if len(listed) == 0 {
		return
	}
	for i := range s.Frameworks {
		f := &s.Frameworks[i]
		rs, ok := listed[f.ID]
		if !ok || (len(f.Roles) == 1 && f.Roles[0] != "*") || len(f.Roles) > 1 {
			continue
		}
		if len(f.Roles) == 1 && slices.Contains(rs, "*") {
			continue
		}
		f.Roles = slices.Sorted(slices.Values(rs))
	}
}

// mergeMetrics folds metrics into roles and frameworks and adds roles that appear
// only in frameworks.
func (s *Snapshot) mergeMetrics() {
	known := make(map[string]bool, len(s.Roles))
	for _, r := range s.Roles {
		known[r.Name] = true
	}
	added := map[string]int{}
	for _, f := range s.Frameworks {
		if f.Completed {
			continue
		}
		for _, r := range f.Roles {
			if i, ok := added[r]; ok {
				s.Roles[i].Frameworks = append(s.Roles[i].Frameworks, f.ID)
				if len(f.Roles) == 1 {
					s.Roles[i].Allocated = s.Roles[i].Allocated.Add(f.Used)
					s.Roles[i].Offered = s.Roles[i].Offered.Add(f.Offered)
				}
				continue
			}
			if !known[r] {
				known[r] = true
				added[r] = len(s.Roles)
				s.Roles = append(s.Roles, Role{Name: r, Weight: 1, OfferFilters: -1, Frameworks: []string{f.ID}})
			}
			if i, ok := added[r]; ok && len(f.Roles) == 1 {
				// Without /master/roles, a single-role framework's usage is
				// its role's allocation.
				s.Roles[i].Allocated = s.Roles[i].Allocated.Add(f.Used)
				s.Roles[i].Offered = s.Roles[i].Offered.Add(f.Offered)
			}
		}
	}
	slices.SortFunc(s.Roles, func(a, b Role) int { return cmpString(a.Name, b.Name) })
	if s.Metrics == nil {
		return
	}
	for i := range s.Roles {
		r := &s.Roles[i]
		if v, ok := s.Metrics.DominantShare(r.Name); ok {
			r.DominantShare, r.ShareKnown = v, true
		}
		if n, ok := s.Metrics.OfferFiltersActive(r.Name); ok {
			r.OfferFilters = n
		}
	}
	for i := range s.Frameworks {
		f := &s.Frameworks[i]
		if sup := s.Metrics.SuppressedRoles(f.Name, f.ID); len(sup) > 0 {
			f.SuppressedRoles = sup
		}
	}
}

// DeepCopy returns a snapshot sharing no memory with s.
func (s *Snapshot) DeepCopy() *Snapshot {
	if s == nil {
		return nil
	}
	c := *s
	c.Cluster = s.Cluster.DeepCopy()
	c.Agents = deepCopyAll(s.Agents, Agent.DeepCopy)
	c.Frameworks = deepCopyAll(s.Frameworks, Framework.DeepCopy)
	c.Tasks = deepCopyAll(s.Tasks, Task.DeepCopy)
	c.Executors = deepCopyAll(s.Executors, Executor.DeepCopy)
	c.Offers = deepCopyAll(s.Offers, Offer.DeepCopy)
	c.Roles = deepCopyAll(s.Roles, Role.DeepCopy)
	c.Metrics = s.Metrics.DeepCopy()
	c.Actors = deepCopyAll(s.Actors, Actor.DeepCopy)
	c.AgentState = deepCopyAll(s.AgentState, AgentState.DeepCopy)
	c.Containers = deepCopyAll(s.Containers, Container.DeepCopy)
	c.Warnings = slices.Clone(s.Warnings)
	return &c
}
