package drf

import (
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Quantity-only bookkeeping for callers that track per-agent allocations
// themselves. Mesos's DRFSorter keeps every client's allocation per agent
// (Node::Allocation::resources) although the share needs only the scalar
// totals; the allocator already keeps the per-agent view, so it records
// allocations here by quantity and skips the per-agent maps, which is what
// makes an allocation cycle over 10,000 agents cheap. A client's
// Allocation and AllocationOn do not include what was recorded this way.

// AllocatedQuantities records scalar quantities allocated to a client,
// like Allocated but without per-agent detail: every node from the client
// to the root gains q and one allocation count, and a sorted tree is kept
// sorted incrementally. The caller counts a shared resource once per
// client, as Allocated would.
func (s *Sorter) AllocatedQuantities(client string, q resources.Quantities) error {
	current, ok := s.clients[client]
	if !ok {
		return fmt.Errorf("drf: allocated %v to %q: %w", q, client, ErrUnknownClient)
	}
	s.allocatedQuantities(current, q)
	return nil
}

// allocatedQuantities is AllocatedQuantities on the client's leaf.
func (s *Sorter) allocatedQuantities(current *node, q resources.Quantities) {
	// Only the leaf remembers what was recorded by quantity (Remove and
	// UnallocatedQuantities need it); every node's totals grow.
	if current.alloc.explicitQ {
		current.alloc.byQuantity.Add(q)
	}
	for ; current != nil; current = current.parent {
		if current == s.root || s.dirty || current.kind == inactiveLeaf {
			current.alloc.addQuantities(q)
			continue
		}
		pos := position(current.parent, current)
		current.alloc.addQuantities(q)
		current.share = s.calculateShare(current, true)
		reposition(current.parent, pos)
	}
}

// UnallocatedQuantities records scalar quantities given back by a client
// that were recorded with AllocatedQuantities (the quantity form of
// Unallocated). The allocation count is not decremented.
func (s *Sorter) UnallocatedQuantities(client string, q resources.Quantities) error {
	leaf, ok := s.clients[client]
	if !ok {
		return fmt.Errorf("drf: unallocated %v from %q: %w", q, client, ErrUnknownClient)
	}
	return s.unallocatedQuantities(leaf, q)
}

// unallocatedQuantities is UnallocatedQuantities on the client's leaf.
func (s *Sorter) unallocatedQuantities(leaf *node, q resources.Quantities) error {
	if !leaf.alloc.quantities().Contains(q) {
		return fmt.Errorf("drf: unallocated %v from %q: %w", q, leaf.clientPath(), ErrNotAllocated)
	}
	if leaf.alloc.explicitQ {
		leaf.alloc.byQuantity.Subtract(q)
	}
	for current := leaf; current != nil; current = current.parent {
		current.alloc.totals.Subtract(q)
	}
	s.dirty = true
	return nil
}

func (a *allocation) addQuantities(q resources.Quantities) {
	a.totals.Add(q)
	a.count++
}

// Cursor walks the Sort order one client at a time without allocating
// (after its first use): Start positions it, Next returns the clients.
// The allocator keeps one per sorter level and stops as soon as an agent
// is used up. The sorter must not change between Start and the last Next
// except through Allocated or AllocatedQuantities once the walk is over.
type Cursor struct {
	stack []cursorFrame
}

type cursorFrame struct {
	kids  []*node
	order []int32
	i     int
}

// Start positions c at the first client of the Sort order, re-sorting the
// tree first if something dirtied it.
func (s *Sorter) Start(c *Cursor) {
	if s.dirty {
		s.sortTree(s.root)
		s.dirty = false
	}
	c.stack = append(c.stack[:0], cursorFrame{kids: s.root.kids, order: s.root.order})
}

// Next returns the next client in Sort order, or false at the end.
func (c *Cursor) Next() (string, bool) {
	if n := c.next(); n != nil {
		return n.clientPath(), true
	}
	return "", false
}

// next returns the next active leaf in Sort order, or nil at the end.
func (c *Cursor) next() *node {
	for len(c.stack) > 0 {
		top := &c.stack[len(c.stack)-1]
		if top.i >= len(top.order) {
			c.stack = c.stack[:len(c.stack)-1]
			continue
		}
		child := top.kids[top.order[top.i]]
		top.i++
		switch child.kind {
		case activeLeaf:
			return child
		case inactiveLeaf:
			// Inactive leaves close every child list.
			c.stack = c.stack[:len(c.stack)-1]
		case internal:
			c.stack = append(c.stack, cursorFrame{kids: child.kids, order: child.order})
		}
	}
	return nil
}

// Share returns a client's weighted dominant share as Sort would use it
// now (calculateShare), without caching its weight, and whether the
// client exists.
func (s *Sorter) Share(client string) (float64, bool) {
	n, ok := s.clients[client]
	if !ok {
		return 0, false
	}
	return s.calculateShare(n, false), true
}

// AddTotal adds quantities to the total the shares are computed against
// without remembering which agent they belong to: the quantity form of
// AddAgent for a caller that tracks agents itself (the allocator's
// framework sorters would otherwise each keep a map of every agent).
func (s *Sorter) AddTotal(q resources.Quantities) {
	s.totals.Add(q)
	s.dirty = true
}

// SubtractTotal removes quantities added with AddTotal.
func (s *Sorter) SubtractTotal(q resources.Quantities) {
	s.totals.Subtract(q)
	s.dirty = true
}
