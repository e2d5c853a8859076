package drf

import (
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Snapshot is a read-only copy of a sorter's state for explanations and
// inspection. It holds plain data and shares nothing with the sorter.
type Snapshot struct {
	// Order is what Sort would return now.
	Order []string
	// Clients describes every client, active or not, sorted by path.
	Clients []ClientSnapshot
	// Nodes describes the whole tree in pre-order (children in sort
	// order, inactive leaves last), root excluded, so a hierarchy of roles
	// can be shown with each subtree's share.
	Nodes []NodeSnapshot
	// Total is the sum of the agents' scalar quantities, by name.
	Total []resources.Quantity
}

// ClientSnapshot describes one client.
type ClientSnapshot struct {
	Client string
	Active bool
	// Share is the weighted dominant share Sort would use now
	// (calculateShare: max over resources of allocation/total, divided by
	// Weight).
	Share float64
	// Weight is the weight the client competes with: that of its own
	// path, or of "<client>/." for a client with child clients.
	Weight float64
	// AllocationCount is the number of allocations ever made to it.
	AllocationCount uint64
	// Allocation is the scalar quantities allocated to it, by name.
	Allocation []resources.Quantity
}

// NodeSnapshot describes one node of the client tree.
type NodeSnapshot struct {
	// Path is the node's path; a virtual leaf is "<client>/.".
	Path string
	// Client is the client the node stands for, or "" for an internal
	// node.
	Client string
	// Kind is "active", "inactive" or "internal".
	Kind            string
	Depth           int
	Share           float64
	Weight          float64
	AllocationCount uint64
	Allocation      []resources.Quantity
}

// Snapshot returns a deep copy of the sorter's state. It does not change
// the sorter: when shares are stale the order is computed on the side, and
// weights looked up are not cached.
func (s *Sorter) Snapshot() Snapshot {
	var snap Snapshot
	snap.Total = s.totals.Slice()
	if s.dirty {
		snap.Order = s.orderReadOnly(nil, s.root)
	} else {
		snap.Order = appendClients(nil, s.root)
	}
	for client, n := range s.clients {
		snap.Clients = append(snap.Clients, ClientSnapshot{
			Client:          client,
			Active:          n.kind == activeLeaf,
			Share:           s.calculateShare(n, false),
			Weight:          s.weight(n, false),
			AllocationCount: n.alloc.count,
			Allocation:      n.alloc.totals.Slice(),
		})
	}
	slices.SortFunc(snap.Clients, func(a, b ClientSnapshot) int { return strings.Compare(a.Client, b.Client) })
	s.appendNodes(&snap.Nodes, s.root, 0)
	return snap
}

func (s *Sorter) appendNodes(dst *[]NodeSnapshot, n *node, depth int) {
	for _, child := range s.orderedChildren(n) {
		ns := NodeSnapshot{
			Path:            child.path,
			Kind:            child.kind.String(),
			Depth:           depth,
			Share:           s.calculateShare(child, false),
			Weight:          s.weight(child, false),
			AllocationCount: child.alloc.count,
			Allocation:      child.alloc.totals.Slice(),
		}
		if child.isLeaf() {
			ns.Client = child.clientPath()
		}
		*dst = append(*dst, ns)
		if child.kind == internal {
			s.appendNodes(dst, child, depth+1)
		}
	}
}

// orderedChildren returns n's children in the order a Sort would leave
// them, without modifying the tree.
func (s *Sorter) orderedChildren(n *node) []*node {
	out := n.children()
	if !s.dirty {
		return out
	}
	end := 0
	shares := make(map[*node]float64)
	for _, child := range out {
		if child.kind == inactiveLeaf {
			break
		}
		shares[child] = s.calculateShare(child, false)
		end++
	}
	slices.SortFunc(out[:end], func(a, b *node) int {
		sa, sb := shares[a], shares[b]
		switch {
		case sa != sb:
			if sa < sb {
				return -1
			}
			return 1
		case a.alloc.count != b.alloc.count:
			if a.alloc.count < b.alloc.count {
				return -1
			}
			return 1
		}
		return strings.Compare(a.path, b.path)
	})
	return out
}

// orderReadOnly is appendClients over orderedChildren.
func (s *Sorter) orderReadOnly(dst []string, n *node) []string {
	for _, child := range s.orderedChildren(n) {
		switch child.kind {
		case activeLeaf:
			dst = append(dst, child.clientPath())
		case inactiveLeaf:
			return dst
		case internal:
			dst = s.orderReadOnly(dst, child)
		}
	}
	return dst
}
