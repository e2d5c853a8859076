package inspector

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Cluster summarises the master and the cluster it leads: the master's identity
// (v0 /master/state top level, v1 GET_MASTER / GET_VERSION) and totals computed from
// the agents, frameworks and tasks.
type Cluster struct {
	MasterID    string            `json:"master_id,omitempty"`
	PID         string            `json:"pid,omitempty"`
	Hostname    string            `json:"hostname,omitempty"`
	Port        int               `json:"port,omitempty"`
	Version     string            `json:"version,omitempty"`
	GitSHA      string            `json:"git_sha,omitempty"`
	BuildDate   string            `json:"build_date,omitempty"`
	Name        string            `json:"cluster,omitempty"`
	Leader      string            `json:"leader,omitempty"`
	StartTime   time.Time         `json:"start_time,omitzero"`
	ElectedTime time.Time         `json:"elected_time,omitzero"`
	Flags       map[string]string `json:"flags,omitempty"`

	Capabilities []string `json:"capabilities,omitempty"`

	// Counts as the master reports them (v0 activated_slaves, ...), or -1.
	ActivatedAgents   int `json:"activated_agents"`
	DeactivatedAgents int `json:"deactivated_agents"`
	UnreachableAgents int `json:"unreachable_agents"`

	// Computed from the lists.
	Agents            int            `json:"agents"`
	Frameworks        int            `json:"frameworks"`
	ActiveFrameworks  int            `json:"active_frameworks"`
	Tasks             int            `json:"tasks"`
	TaskCounts        map[string]int `json:"task_counts,omitempty"`
	Total             Resources      `json:"total"`
	Used              Resources      `json:"used"`
	Offered           Resources      `json:"offered"`
	OutstandingOffers int            `json:"outstanding_offers"`
}

// DeepCopy returns a copy sharing no memory with c.
func (c Cluster) DeepCopy() Cluster {
	out := c
	out.Flags = maps.Clone(c.Flags)
	out.Capabilities = slices.Clone(c.Capabilities)
	out.TaskCounts = maps.Clone(c.TaskCounts)
	out.Total = c.Total.Clone()
	out.Used = c.Used.Clone()
	out.Offered = c.Offered.Clone()
	return out
}

// summarize fills the computed fields of st.Cluster and each framework's task
// counts from the lists.
func (st *State) summarize() {
	c := &st.Cluster
	c.Agents = len(st.Agents)
	c.Frameworks, c.ActiveFrameworks = 0, 0
	var total, used, offered Resources
	for i := range st.Agents {
		a := &st.Agents[i]
		if a.Status == AgentRecovered || a.Status == AgentUnreachable {
			continue
		}
		total = addInto(total, a.Total)
		used = addInto(used, a.Used)
		offered = addInto(offered, a.Offered)
	}
	c.Total, c.Used, c.Offered = total, used, offered
	fwIndex := make(map[string]int, len(st.Frameworks))
	for i := range st.Frameworks {
		f := &st.Frameworks[i]
		if f.Completed {
			continue
		}
		c.Frameworks++
		if f.Active {
			c.ActiveFrameworks++
		}
		fwIndex[f.ID] = i
	}
	hadCounts := make(map[int]bool)
	for i := range st.Frameworks {
		hadCounts[i] = len(st.Frameworks[i].TaskCounts) > 0
	}
	c.TaskCounts = map[string]int{}
	c.Tasks = 0
	for i := range st.Tasks {
		t := &st.Tasks[i]
		if t.List == TasksCompleted || t.List == TasksTerminated {
			continue
		}
		c.Tasks++
		c.TaskCounts[t.State]++
		fi, ok := fwIndex[t.FrameworkID]
		if !ok || hadCounts[fi] {
			continue
		}
		f := &st.Frameworks[fi]
		if f.TaskCounts == nil {
			f.TaskCounts = map[string]int{}
		}
		f.TaskCounts[t.State]++
	}
	if len(st.Tasks) == 0 {
		// Summaries carry counts instead of tasks.
		for i := range st.Frameworks {
			for state, n := range st.Frameworks[i].TaskCounts {
				c.TaskCounts[state] += n
				c.Tasks += n
			}
		}
	}
	if len(c.TaskCounts) == 0 {
		c.TaskCounts = nil
	}
	c.OutstandingOffers = len(st.Offers)
}

// addInto adds b's scalars to a, reusing a's storage (a must be exclusively
// owned). Ranges and sets are not summed: ports on different agents are different
// ports, so a cluster-wide union would mislead.
func addInto(a, b Resources) Resources {
	a.CPUs = fixed(a.CPUs + b.CPUs)
	a.Mem = fixed(a.Mem + b.Mem)
	a.Disk = fixed(a.Disk + b.Disk)
	a.GPUs = fixed(a.GPUs + b.GPUs)
	for k, v := range b.Scalars {
		a.AddScalar(k, v)
	}
	return a
}

// RolesCoverSubtrees reports whether the master's role figures (/master/roles and
// GET_ROLES: allocated, offered, reserved, consumed quota) cover each role's whole
// subtree, as they do from Mesos 1.9 on (Master::RoleResourceBreakdown, with every
// ancestor of a known role listed); before 1.9 a role reported its own allocation
// only. A version that does not parse counts as current.
func (c Cluster) RolesCoverSubtrees() bool {
	var major, minor int
	if _, err := fmt.Sscanf(c.Version, "%d.%d", &major, &minor); err != nil {
		return true
	}
	return major > 1 || (major == 1 && minor >= 9)
}
