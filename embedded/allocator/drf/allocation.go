package drf

import (
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Read accessors for allocations. They return copies the caller owns.

// Allocation returns the client's allocation per agent
// (DRFSorter::allocation(client)) and whether the client exists.
func (s *Sorter) Allocation(client string) (map[string]resources.Resources, bool) {
	n, ok := s.clients[client]
	if !ok {
		return nil, false
	}
	out := make(map[string]resources.Resources, len(n.alloc.resources))
	for agent, aa := range n.alloc.resources {
		out[agent] = aa.rs.Clone()
	}
	return out, true
}

// AllocationOn returns what the client holds on one agent
// (DRFSorter::allocation(client, slaveId)); empty when nothing is held
// there. The bool reports whether the client exists.
func (s *Sorter) AllocationOn(client, agent string) (resources.Resources, bool) {
	n, ok := s.clients[client]
	if !ok {
		return resources.Resources{}, false
	}
	return n.alloc.resources[agent].rs.Clone(), true
}

// AllocationScalarQuantities returns the scalar quantities allocated to a
// client (DRFSorter::allocationScalarQuantities(client)).
func (s *Sorter) AllocationScalarQuantities(client string) (resources.Quantities, bool) {
	n, ok := s.clients[client]
	if !ok {
		return resources.Quantities{}, false
	}
	return n.alloc.totals.Clone(), true
}

// TotalAllocationScalarQuantities returns the scalar quantities allocated
// to all clients (DRFSorter::allocationScalarQuantities()).
func (s *Sorter) TotalAllocationScalarQuantities() resources.Quantities {
	return s.root.alloc.totals.Clone()
}

// TotalScalarQuantities returns the sum of the agents' quantities, the
// denominator of every share.
func (s *Sorter) TotalScalarQuantities() resources.Quantities {
	return s.totals.Clone()
}

// AllocationCount returns how many times resources were allocated to the
// client, the first tie-breaker after the share. The count survives
// unallocation and deactivation.
func (s *Sorter) AllocationCount(client string) (uint64, bool) {
	n, ok := s.clients[client]
	if !ok {
		return 0, false
	}
	return n.alloc.count, true
}
