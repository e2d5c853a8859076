package walkthroughs

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator/drf"
	"github.com/mesoscope/mesoscope/embedded/master/readonly"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// roleSharePrefix is the role sorter's metrics prefix (HierarchicalAllocatorProcess's
// roleSorter: allocator/mesos/roles/<role>/shares/dominant).
const roleSharePrefix = "allocator/mesos/roles/"

// drfStandIn renders the DRF tour's sorter as a master whose role sorter it is (its
// clients are roles, as in the role sorter): /master/roles lists each client with the
// weight set for its path and its allocation, plus the paths given a weight that are
// not clients (Master::knownRoles lists roles with weights); /master/state has the
// sorter's agents with what the clients hold on them, and no frameworks (a sorter has
// none); /metrics/snapshot has allocator/mesos/roles/<client>/shares/dominant, the
// gauge DRFSorter's Metrics registers per client (src/master/allocator/mesos/sorter/
// drf/metrics.cpp), with the value calculateShare gives now. There is no allocator:
// /mesoscope/v1/allocator has no cycles.
//
// As Mesos 1.11's master does, /master/roles lists every ancestor of a known role and
// reports each role's subtree (readonly.WithSubroles: RoleResourceBreakdown,
// allocatedToRoleSubtree); the shares gauge stays the client's own, as the sorter's.
func drfStandIn(s *Session, e *drfEnv) (map[string][]byte, error) {
	now := walkEpoch
	snap := standInMaster(now, now)
	sorted := e.s.Snapshot()
	metrics := map[string]float64{}
	roles := map[string]*readonly.Role{}
	role := func(name string) *readonly.Role {
		r := roles[name]
		if r == nil {
			w, ok := e.weights[name]
			if !ok {
				w = drf.DefaultWeight
			}
			r = &readonly.Role{Name: name, Weight: w}
			roles[name] = r
		}
		return r
	}
	for path := range e.weights {
		role(path)
	}
	used := map[string]resources.Resources{} // agent → what clients hold there
	for _, cl := range sorted.Clients {
		r := role(cl.Client)
		alloc, _ := e.s.Allocation(cl.Client)
		for _, agent := range slices.Sorted(maps.Keys(alloc)) {
			r.Allocated.Add(alloc[agent])
			u := used[agent]
			u.Add(alloc[agent])
			used[agent] = u
		}
		r.Consumed = r.Allocated.ScalarQuantities()
		metrics[drf.DominantShareMetric(roleSharePrefix, cl.Client)] = cl.Share
	}
	var own []readonly.Role
	for _, name := range slices.Sorted(maps.Keys(roles)) {
		own = append(own, *roles[name])
	}
	snap.Roles = readonly.WithSubroles(own)
	for i, id := range e.agents {
		snap.Agents = append(snap.Agents, standInAgent(i, id, e.agentRes[id], used[id], resources.Resources{}, now))
	}
	bodies := masterBodies(snap)
	m, err := metricsJSON(metrics)
	if err != nil {
		return nil, err
	}
	bodies["/metrics/snapshot"] = m
	bodies["/mesoscope/v1/processes"] = []byte("[]")
	bodies["/mesoscope/v1/allocator"] = []byte(`{"cycles":[]}`)
	bodies["/__processes__"] = []byte("[]")
	return bodies, nil
}

// allocStandIn renders the DRF tour's allocator as the master around it would: its
// agents, its frameworks with the offers outstanding (made by the allocator, not yet
// recovered), and the roles of those frameworks (Master::knownRoles) with what is
// offered to them. The allocator's runtime serves the rest: its metrics (the role
// sorter's shares/dominant among them), its processes, and its cycles at
// /mesoscope/v1/allocator, as mesoscope's master aliases them.
func allocStandIn(s *Session, e *allocEnv) map[string][]byte {
	now := e.rt.Clock().Now()
	snap := standInMaster(s.t0, now)
	offers := e.outstanding()
	offered := map[string]resources.Resources{} // agent → offered there
	roles := map[string]*readonly.Role{}
	role := func(name string) *readonly.Role {
		r := roles[name]
		if r == nil {
			r = &readonly.Role{Name: name, Weight: drf.DefaultWeight}
			roles[name] = r
		}
		return r
	}
	for _, id := range slices.Sorted(maps.Keys(e.frameworks)) {
		info := mesos.FrameworkInfo{User: "walkthrough", Name: id, ID: &mesos.FrameworkID{Value: id}, Roles: e.frameworks[id],
			Capabilities: []mesos.FrameworkCapability{{Type: mesos.FrameworkMultiRole}}}
		f := &readonly.Framework{Info: info, Active: true, Connected: true, RegisteredTime: s.t0}
		for i, o := range offers {
			if o.FrameworkID != id {
				continue
			}
			wire := &mesos.Offer{
				ID: mesos.OfferID{Value: masterID + "-O" + strconv.Itoa(i)}, FrameworkID: mesos.FrameworkID{Value: id},
				AgentID: mesos.AgentID{Value: o.AgentID}, Hostname: o.AgentID,
				Resources: mesos.ResourcesOf(o.Resources), AllocationInfo: &resources.AllocationInfo{Role: o.Role},
			}
			f.Offers = append(f.Offers, wire)
			f.Offered.Add(o.Resources)
			role(o.Role).Offered.Add(o.Resources)
			a := offered[o.AgentID]
			a.Add(o.Resources)
			offered[o.AgentID] = a
		}
		for _, r := range e.frameworks[id] {
			role(r).Frameworks = append(role(r).Frameworks, id)
		}
		snap.Frameworks = append(snap.Frameworks, f)
	}
	var own []readonly.Role
	for _, name := range slices.Sorted(maps.Keys(roles)) {
		own = append(own, *roles[name])
	}
	snap.Roles = readonly.WithSubroles(own)
	for i, id := range slices.Sorted(maps.Keys(e.agents)) {
		snap.Agents = append(snap.Agents, standInAgent(i, id, e.agents[id], resources.Resources{}, offered[id], s.t0))
	}
	return masterBodies(snap)
}

// standInAgent is a registered agent with no libprocess pid of its own (nothing
// answers at it: its /state is 404).
func standInAgent(i int, id string, total, used, offered resources.Resources, registered time.Time) *readonly.Agent {
	return &readonly.Agent{
		Info: mesos.AgentInfo{Hostname: id, ID: &mesos.AgentID{Value: id}, Resources: mesos.ResourcesOf(total)},
		PID:  fmt.Sprintf("slave(%d)@%s", i+1, walkAddress), Version: "1.11.0", Active: true,
		RegisteredTime: registered, Total: total, Allocated: used, Offered: offered,
	}
}

// metricsJSON renders a /metrics/snapshot body.
func metricsJSON(m map[string]float64) ([]byte, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("tui stand-in: metrics: %w", err)
	}
	return b, nil
}
