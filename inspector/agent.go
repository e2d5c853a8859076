package inspector

import (
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// AgentStatus is the master's view of an agent's lifecycle, as the web UI shows it.
type AgentStatus string

// Agent states. Mesos has no single enum for this; it is derived from the fields
// "active", "deactivated" and from which list the agent appears in
// (slaves, recovered_slaves, unreachable agents).
const (
	AgentActive      AgentStatus = "active"      // registered and active
	AgentDeactivated AgentStatus = "deactivated" // deactivated by an operator (DEACTIVATE_AGENT) or draining
	AgentDraining    AgentStatus = "draining"    // has drain_info
	AgentInactive    AgentStatus = "inactive"    // registered but disconnected (active=false)
	AgentRecovered   AgentStatus = "recovered"   // known from the registry, not yet re-registered after failover
	AgentUnreachable AgentStatus = "unreachable" // marked unreachable
)

// Agent is the inspector's view of one agent as the master sees it
// (v0 SlaveWriter in src/master/readonly_handler.cpp; v1 GetAgents.Agent).
type Agent struct {
	ID         string            `json:"id"`
	Hostname   string            `json:"hostname"`
	Port       int               `json:"port,omitempty"`
	PID        string            `json:"pid,omitempty"`
	Version    string            `json:"version,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// Region and Zone come from the agent's fault domain.
	Region string `json:"region,omitempty"`
	Zone   string `json:"zone,omitempty"`

	Status      AgentStatus `json:"status"`
	Active      bool        `json:"active"`
	Deactivated bool        `json:"deactivated,omitempty"`
	Draining    bool        `json:"draining,omitempty"`

	RegisteredTime   time.Time `json:"registered_time,omitzero"`
	ReregisteredTime time.Time `json:"reregistered_time,omitzero"`

	// Total is everything the agent offers to the cluster.
	Total Resources `json:"total"`
	// Used is allocated to tasks and executors.
	Used Resources `json:"used"`
	// Offered is sitting in outstanding offers.
	Offered Resources `json:"offered"`
	// Reserved maps a role to what is reserved for it on this agent.
	Reserved map[string]Resources `json:"reserved,omitempty"`
	// Unreserved is Total minus every reservation.
	Unreserved Resources `json:"unreserved"`
	// Free is Total minus Used minus Offered: what the allocator could hand out
	// next (to the roles entitled to it).
	Free Resources `json:"free"`

	Capabilities []string `json:"capabilities,omitempty"`
	// TaskCounts holds per-state task counts where the payload has them
	// (/master/state-summary).
	TaskCounts   map[string]int `json:"task_counts,omitempty"`
	FrameworkIDs []string       `json:"framework_ids,omitempty"`
}

// DeepCopy returns a copy sharing no memory with a.
func (a Agent) DeepCopy() Agent {
	c := a
	c.Attributes = maps.Clone(a.Attributes)
	c.Total = a.Total.Clone()
	c.Used = a.Used.Clone()
	c.Offered = a.Offered.Clone()
	c.Unreserved = a.Unreserved.Clone()
	c.Free = a.Free.Clone()
	if a.Reserved != nil {
		c.Reserved = make(map[string]Resources, len(a.Reserved))
		for k, v := range a.Reserved {
			c.Reserved[k] = v.Clone()
		}
	}
	c.Capabilities = slices.Clone(a.Capabilities)
	c.TaskCounts = maps.Clone(a.TaskCounts)
	c.FrameworkIDs = slices.Clone(a.FrameworkIDs)
	return c
}

// FreeFor returns what on this agent a framework in role could be offered: the
// unreserved free resources plus free resources reserved for role (hierarchical
// reservations of ancestors included), approximating the allocator's
// "available to role" (src/master/allocator/mesos/hierarchical.cpp).
//
// The v0 payload does not say which part of "used" came out of which reservation,
// so scalars assume reservations are consumed first and split the still-free
// reserved quantity between roles in proportion to their reservations; ranges
// (ports) are exact because they are sets of values.
func (a Agent) FreeFor(role string) Resources {
	if len(a.Reserved) == 0 {
		return a.Free
	}
	out := a.Free.Clone()
	var reservedAll, reservedMine Resources
	for _, r := range slices.Sorted(maps.Keys(a.Reserved)) {
		res := a.Reserved[r]
		reservedAll = reservedAll.Add(res)
		if r == role || isAncestorRole(r, role) {
			reservedMine = reservedMine.Add(res)
			continue
		}
		// Ranges reserved for another role are never available to this one.
		out.Ports = out.Ports.Minus(res.Ports)
		for name, rs := range res.RangeSets {
			if cur, ok := out.RangeSets[name]; ok {
				out.RangeSets[name] = cur.Minus(rs)
			}
		}
	}
	busy := a.Used.Add(a.Offered)
	for _, name := range reservedAll.ScalarNames() {
		total := reservedAll.Get(name)
		freeReserved := total - min(busy.Get(name), total)
		mine := freeReserved * reservedMine.Get(name) / total
		out.SetScalar(name, max(0, fixed(a.Free.Get(name)-freeReserved+mine)))
	}
	return out
}

// isAncestorRole reports whether anc is a strict ancestor of role ("a" of "a/b").
func isAncestorRole(anc, role string) bool {
	return len(role) > len(anc) && role[:len(anc)] == anc && role[len(anc)] == '/'
}

// finish fills the derived fields once all raw fields are read.
func (a *Agent) finish() {
	switch {
	case a.Status == AgentRecovered || a.Status == AgentUnreachable:
	case a.Draining:
		a.Status = AgentDraining
	case a.Deactivated:
		a.Status = AgentDeactivated
	case a.Active:
		a.Status = AgentActive
	default:
		a.Status = AgentInactive
	}
	if a.Unreserved.IsEmpty() && !a.Total.IsEmpty() {
		a.Unreserved = a.Total
		for _, r := range a.Reserved {
			a.Unreserved = a.Unreserved.Sub(r)
		}
	}
	a.Free = a.Total.Sub(a.Used).Sub(a.Offered)
}

// readAgent reads one agent in the v0 shape (SlaveWriter, flat, "resources" is the
// total) or the v1 shape (GetAgents.Agent: agent_info + total_resources…), or a
// bare v1 AgentInfo (recovered_agents).
func readAgent(s *jsonscan.Scanner) Agent {
	var a Agent
	var hasActive bool
	var v1Total Resources
	var v1Detail resourceDetail
	readInfo := func() {
		s.Object(func(k []byte) {
			switch string(k) {
			case "id":
				a.ID = readID(s)
			case "hostname":
				a.Hostname = s.String()
			case "port":
				n, _ := s.Int()
				a.Port = int(n)
			case "attributes":
				a.Attributes = readAttributes(s)
			case "domain":
				a.Region, a.Zone = readDomain(s)
			case "resources":
				// AgentInfo.resources is what the agent was started with; the
				// master's total may differ (dynamic reservations). Use it only
				// when no total is given.
				if a.Total.IsEmpty() {
					a.Total, v1Detail = readResourcesDetail(s, true)
				} else {
					s.Skip()
				}
			}
		})
	}
	s.Object(func(k []byte) {
		switch string(k) {
		case "id":
			a.ID = readID(s)
		case "hostname":
			a.Hostname = s.String()
		case "port":
			n, _ := s.Int()
			a.Port = int(n)
		case "pid":
			a.PID = s.String()
		case "version":
			a.Version = s.Interned()
		case "attributes":
			a.Attributes = readAttributes(s)
		case "domain":
			a.Region, a.Zone = readDomain(s)
		case "agent_info", "slave_info", "info":
			readInfo()
		case "registered_time":
			a.RegisteredTime = readTime(s)
		case "reregistered_time":
			a.ReregisteredTime = readTime(s)
		case "resources":
			a.Total, v1Detail = readResourcesDetail(s, true)
		case "total_resources":
			v1Total, v1Detail = readResourcesDetail(s, true)
		case "used_resources", "allocated_resources":
			a.Used = readResources(s)
		case "offered_resources":
			a.Offered = readResources(s)
		case "reserved_resources":
			s.Object(func(k []byte) {
				if a.Reserved == nil {
					a.Reserved = map[string]Resources{}
				}
				a.Reserved[s.InternBytes(k)] = readResources(s)
			})
		case "unreserved_resources":
			a.Unreserved = readResources(s)
		case "active":
			a.Active = s.Bool()
			hasActive = true
		case "deactivated":
			a.Deactivated = s.Bool()
		case "drain_info":
			if s.Peek() == jsonscan.Object {
				a.Draining = true
			}
			s.Skip()
		case "capabilities":
			a.Capabilities = readCapabilities(s)
		case "framework_ids":
			a.FrameworkIDs = readIDs(s)
		default:
			if state := string(k); len(state) > 5 && state[:5] == "TASK_" {
				n, _ := s.Int()
				if n != 0 {
					if a.TaskCounts == nil {
						a.TaskCounts = map[string]int{}
					}
					a.TaskCounts[state] = int(n)
				}
			}
		}
	})
	if !v1Total.IsEmpty() {
		a.Total = v1Total
	}
	if len(a.Reserved) == 0 && len(v1Detail.reserved) > 0 {
		a.Reserved = v1Detail.reserved
	}
	if !hasActive {
		// Mesos 0.19-era state omitted "active" for registered agents.
		a.Active = true
	}
	return a
}

// readDomain reads a DomainInfo {"fault_domain": {"region": {"name"}, "zone": {"name"}}}.
func readDomain(s *jsonscan.Scanner) (region, zone string) {
	s.Object(func(k []byte) {
		if string(k) != "fault_domain" {
			return
		}
		s.Object(func(k []byte) {
			name := func() (n string) {
				s.Object(func(k []byte) {
					if string(k) == "name" {
						n = s.Interned()
					}
				})
				return n
			}
			switch string(k) {
			case "region":
				region = name()
			case "zone":
				zone = name()
			}
		})
	})
	return region, zone
}
