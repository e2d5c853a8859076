package allocator

import (
	"errors"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator/drf"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Errors returned by the core. Mesos CHECK-fails or ignores these calls;
// we report them and change nothing.
var (
	ErrUnknownFramework = errors.New("unknown framework")
	ErrFrameworkExists  = errors.New("framework already added")
	ErrUnknownAgent     = errors.New("unknown agent")
	ErrAgentExists      = errors.New("agent already added")
	ErrNotAllocated     = errors.New("resources are not offered or allocated to the framework on that agent")
	ErrInvalid          = errors.New("invalid argument")
)

// Sorter is what the core needs from a DRF sorter (habit 5: the consumer
// declares the interface); *drf.Sorter implements it. The core records
// allocations by quantity and keeps the per-agent view itself.
type Sorter interface {
	Add(client string) error
	Remove(client string) error
	Activate(client string) error
	Deactivate(client string) error
	UpdateWeight(path string, weight float64) error
	AddTotal(q resources.Quantities)
	SubtractTotal(q resources.Quantities)
	AllocatedQuantities(client string, q resources.Quantities) error
	UnallocatedQuantities(client string, q resources.Quantities) error
	AllocationScalarQuantities(client string) (resources.Quantities, bool)
	Share(client string) (float64, bool)
	Start(c *drf.Cursor)
	Contains(client string) bool
	Count() int

	// Handles, so a cycle neither looks clients up by name nor maps
	// names back to its own entries (drf.Client.Data holds them).
	Client(client string) (*drf.Client, bool)
	AllocatedQuantitiesTo(h *drf.Client, q resources.Quantities) error
	UnallocatedQuantitiesFrom(h *drf.Client, q resources.Quantities) error
	ShareOf(h *drf.Client) float64
}

var _ Sorter = (*drf.Sorter)(nil)

// Core is the synchronous hierarchical allocator: the state of
// HierarchicalAllocatorProcess (src/master/allocator/mesos/hierarchical.hpp)
// and its __generateOffers, with no goroutines and no clock. Time comes in
// as arguments and randomness from Config.Seed, so the same calls give the
// same offers. It is not safe for concurrent use; Allocator owns one on
// its goroutine.
type Core struct {
	cfg      Config
	interval time.Duration
	minAlloc []resources.Quantities
	rng      *rand.Rand

	agents    map[string]*agent
	agentList []*agent // insertion order, for a deterministic shuffle
	// frameworkList is kept sorted by ID, the order offers leave in.
	frameworks    map[string]*framework
	frameworkList []*framework
	roles         map[string]*role

	roleSorter Sorter

	// totalQ is the scalar quantities of all agents; allocatedQ what is
	// offered or allocated; reservedQ all reservations and
	// allocatedReservedQ the offered or allocated part of them.
	totalQ, allocatedQ, reservedQ, allocatedReservedQ resources.Quantities

	cycleSeq uint64
	// stampSeq numbers AllocateOn's candidate marks (not cycles).
	stampSeq   uint64
	filterSeq  uint64
	history    *ring
	scratch    scratch
	paused     bool
	gpuFilter  bool
	roleScopes map[string][]string // role → ancestors, cached
	// totals interns agents' totals by text (see internTotal).
	totals map[string]*sharedTotal
	// texts remembers the text of quantities (see quantityText).
	texts map[textKey]string
}

// agent models HierarchicalAllocatorProcess::Slave. A cycle visits the
// agents in random order, so each agent's state is a cache miss: what a
// cycle reads and writes of an agent fills its first two cache lines
// (offsets 0-63: available, shared, id, flags; 64-127: the inline
// holding), and the struct is padded to 192 bytes, a size class whose
// objects start on 64-byte boundaries.
type agent struct {
	// available is total minus what is offered or allocated, without
	// allocation_info (Slave::getAvailable).
	available resources.Resources
	// shared is the total and its scalar quantities. Agents with equal
	// totals share one read-only copy (see Core.internTotal), which a
	// cycle then finds in cache.
	shared    *sharedTotal
	id        string
	activated bool
	hasGPU    bool
	// plain means the total holds only unreserved, non-revocable,
	// non-shared resources, so allocatableTo(role) is the whole of
	// available and nothing needs stripping.
	plain bool
	// stamp marks the agent as a candidate of cycle stamp.
	stamp uint64
	// allocated is what each framework holds, with allocation_info.
	allocated holdings
	total     resources.Resources
	_         [agentPad]byte
}

// agentPad pads agent to 192 bytes (see agent).
const agentPad = 192 - 160

// framework models HierarchicalAllocatorProcess::Framework.
type framework struct {
	info   FrameworkInfo
	active bool
	// roles holds the subscribed roles and, until their allocations are
	// recovered, roles the framework left.
	roles map[string]*frameworkRole
}

// frameworkRole is one (framework, role) pair: suppression, offer
// filters, min allocatable override and this cycle's explanation counts.
type frameworkRole struct {
	fw   *framework
	role string
	// client is the framework's handle in the role's sorter (Data: fr).
	client     *drf.Client
	allocInfo  *resources.AllocationInfo // {role}, shared by every offer in the role
	subscribed bool
	suppressed bool
	// filters holds offerFilters[role][agent].
	filters  map[string][]*offerFilter
	minAlloc []resources.Quantities
	hasMin   bool

	// Per-cycle explanation state.
	counts Counts
	rank   int
	share  float64
	// seenCycle and seenAgent identify the last agent counted, so an
	// agent visited in both stages counts once.
	seenCycle uint64
	seenAgent *agent
	// offered indexes this cycle's offers to the framework in the role
	// in Core.scratch.offers, in the order they were made; its storage is
	// kept from cycle to cycle.
	offered  []int32
	offeredQ resources.Quantities
	filtered []FilteredAgent
	nearest  []NearAgent
}

// role models the role tree entry (hierarchical.hpp Role) plus the
// framework sorter of the role.
type role struct {
	name       string
	frameworks map[string]*framework
	// members maps a tracked framework's ID to its (framework, role).
	members map[string]*frameworkRole
	sorter  Sorter
	// client is the role's handle in the role sorter (Data: the role).
	client    *drf.Client
	weight    float64
	hasWeight bool
	quota     Quota
	// reservedQ is the scalar quantities reserved to exactly this role
	// on all agents; allocatedReservedQ the offered or allocated part;
	// allocatedUnreservedQ the offered or allocated unreserved,
	// non-revocable scalars.
	reservedQ, allocatedReservedQ, allocatedUnreservedQ resources.Quantities
	activeFilters                                       int
	// wholes holds, per shared total, a read-only copy of it allocated to
	// the role: what a whole idle agent is offered as (see whole).
	wholes map[*sharedTotal]resources.Resources
}

// maxWholes bounds role.wholes: agents of further totals are offered
// their own copies.
const maxWholes = 64

// whole returns st's total allocated to the role, shared by every offer of
// a whole idle agent of that total to the role (and by the agents'
// records of them), or false when the role keeps no more copies.
func (r *role) whole(st *sharedTotal) (resources.Resources, bool) {
	if rs, ok := r.wholes[st]; ok {
		return rs, true
	}
	if len(r.wholes) >= maxWholes {
		return resources.Resources{}, false
	}
	if r.wholes == nil {
		r.wholes = make(map[*sharedTotal]resources.Resources)
	}
	rs := st.rs.Clone()
	rs.AllocateInfo(&resources.AllocationInfo{Role: r.name})
	r.wholes[st] = rs
	return rs, true
}

// NewCore returns an empty core.
func NewCore(cfg Config) *Core {
	c := &Core{
		cfg:        cfg,
		interval:   cfg.interval(),
		minAlloc:   cfg.minAllocatable(),
		rng:        rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		agents:     make(map[string]*agent),
		frameworks: make(map[string]*framework),
		roles:      make(map[string]*role),
		roleSorter: drf.New(drf.Config{FairnessExcludeResourceNames: cfg.FairSharingExcludedResourceNames}),
		history:    newRing(cfg.history()),
		gpuFilter:  cfg.filterGPUs(),
		roleScopes: make(map[string][]string),
		totals:     make(map[string]*sharedTotal),
		texts:      make(map[textKey]string),
	}
	return c
}

func (c *Core) newSorter() Sorter {
	s := drf.New(drf.Config{FairnessExcludeResourceNames: c.cfg.FairSharingExcludedResourceNames})
	s.AddTotal(c.totalQ)
	return s
}

// roleEntry returns the role, creating it.
func (c *Core) roleEntry(name string) *role {
	r, ok := c.roles[name]
	if !ok {
		r = &role{name: name, frameworks: make(map[string]*framework), members: make(map[string]*frameworkRole)}
		c.roles[name] = r
	}
	return r
}

// maybeDropRole forgets a role that holds nothing worth keeping.
func (c *Core) maybeDropRole(r *role) {
	if len(r.frameworks) == 0 && r.reservedQ.IsEmpty() && !r.hasWeight &&
		r.quota.IsDefault() && r.allocatedUnreservedQ.IsEmpty() && r.allocatedReservedQ.IsEmpty() {
		delete(c.roles, r.name)
	}
}

// ancestors returns the role's ancestors, nearest first (roles::ancestors).
func (c *Core) ancestors(name string) []string {
	if a, ok := c.roleScopes[name]; ok {
		return a
	}
	a := resources.RoleAncestors(name)
	c.roleScopes[name] = a
	return a
}

// trackFrameworkUnderRole models the function of that name
// (hierarchical.cpp): the first framework of a role adds the role to the
// role sorter (active) and creates its framework sorter.
func (c *Core) trackFrameworkUnderRole(fw *framework, name string) {
	r := c.roleEntry(name)
	if len(r.frameworks) == 0 && r.sorter == nil {
		_ = c.roleSorter.Add(name)
		_ = c.roleSorter.Activate(name)
		r.client, _ = c.roleSorter.Client(name)
		r.client.Data = r
		r.sorter = c.newSorter()
	}
	fr := fw.roles[name] // the caller created it
	r.frameworks[fw.info.ID] = fw
	r.members[fw.info.ID] = fr
	_ = r.sorter.Add(fw.info.ID)
	fr.client, _ = r.sorter.Client(fw.info.ID)
	fr.client.Data = fr
}

// tryUntrackFrameworkUnderRole models the function of that name: it
// succeeds only when the framework holds nothing in the role.
func (c *Core) tryUntrackFrameworkUnderRole(fw *framework, name string) bool {
	if c.holds(fw, name) {
		return false
	}
	r := c.roles[name]
	if r == nil || r.sorter == nil {
		return true
	}
	delete(r.frameworks, fw.info.ID)
	delete(r.members, fw.info.ID)
	_ = r.sorter.Remove(fw.info.ID)
	delete(fw.roles, name)
	if len(r.frameworks) == 0 {
		_ = c.roleSorter.Remove(name)
		r.sorter, r.client = nil, nil
		c.maybeDropRole(r)
	}
	return true
}

// holds reports whether the framework is offered or allocated anything
// in the role on any agent.
func (c *Core) holds(fw *framework, roleName string) bool {
	for _, a := range c.agentList {
		if rs, ok := a.allocated.get(fw.info.ID); ok {
			for r := range rs.All() {
				if r.AllocationInfo != nil && r.AllocationInfo.Role == roleName {
					return true
				}
			}
		}
	}
	return false
}

// insertFramework keeps frameworkList sorted by ID.
func (c *Core) insertFramework(fw *framework) {
	i, _ := slices.BinarySearchFunc(c.frameworkList, fw.info.ID, func(f *framework, id string) int {
		switch {
		case f.info.ID < id:
			return -1
		case f.info.ID > id:
			return 1
		}
		return 0
	})
	c.frameworkList = slices.Insert(c.frameworkList, i, fw)
}

func (c *Core) removeFrameworkFromList(fw *framework) {
	if i := slices.Index(c.frameworkList, fw); i >= 0 {
		c.frameworkList = slices.Delete(c.frameworkList, i, i+1)
	}
}

// Pause stops allocation cycles until Resume (HierarchicalAllocatorProcess::
// pause); Allocate on a paused core returns nothing.
func (c *Core) Pause() { c.paused = true }

// Resume undoes Pause.
func (c *Core) Resume() { c.paused = false }

// Paused reports whether the core is paused.
func (c *Core) Paused() bool { return c.paused }
