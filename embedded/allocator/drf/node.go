package drf

import (
	"slices"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// kind models DRFSorter::Node::Kind.
type kind uint8

const (
	activeLeaf kind = iota
	inactiveLeaf
	internal
)

func (k kind) String() string {
	switch k {
	case activeLeaf:
		return "active"
	case inactiveLeaf:
		return "inactive"
	}
	return "internal"
}

// virtualName is the name of the hidden leaf that carries an internal
// node's own allocation when a client is also the parent of other clients.
const virtualName = "."

// node models DRFSorter::Node (src/master/allocator/mesos/sorter/drf/
// sorter.hpp): one path component of the client tree.
type node struct {
	// name is the edge label from the parent; virtual leaves are ".".
	name string
	// path is the full path from the root ("" for the root, "a/." for a
	// virtual leaf).
	path string
	// share is the last computed DRF share (not maintained for the root
	// or for inactive leaves).
	share float64
	// weight caches getWeight's lookup; weightSet is Option::isSome.
	weight    float64
	weightSet bool
	kind      kind
	parent    *node
	// kids holds the children in no particular order, and order lists
	// them as indices into kids: active leaves and internal nodes first
	// (sorted by DRF when the sorter is not dirty), then inactive leaves.
	// Mesos keeps one vector of pointers; indices let an allocation move a
	// node past its siblings by shifting small integers, which needs no GC
	// write barrier (copying pointers while the GC marks does).
	kids  []*node
	order []int32
	alloc allocation
	// client is the leaf's handle, once asked for (see Client).
	client *Client
}

func newNode(name string, k kind, parent *node) *node {
	n := &node{name: name, kind: k, parent: parent}
	switch {
	case parent == nil:
		n.path = ""
	case parent.parent == nil:
		n.path = name
	default:
		n.path = parent.path + "/" + name
	}
	return n
}

// clientPath is the client a leaf stands for: the parent's path for a
// virtual leaf, the node's path otherwise (Node::clientPath).
func (n *node) clientPath() string {
	if n.name == virtualName {
		return n.parent.path
	}
	return n.path
}

func (n *node) isLeaf() bool { return n.kind == activeLeaf || n.kind == inactiveLeaf }

// numChildren is the number of children.
func (n *node) numChildren() int { return len(n.order) }

// child returns the i-th child in order.
func (n *node) child(i int) *node { return n.kids[n.order[i]] }

// children returns the children in order, as a new slice.
func (n *node) children() []*node {
	out := make([]*node, len(n.order))
	for i, k := range n.order {
		out[i] = n.kids[k]
	}
	return out
}

// removeChild models Node::removeChild: erase, keeping the order.
func (n *node) removeChild(child *node) {
	i := slices.IndexFunc(n.order, func(k int32) bool { return n.kids[k] == child })
	if i < 0 {
		return
	}
	k := n.order[i]
	n.order = slices.Delete(n.order, i, i+1)
	last := int32(len(n.kids) - 1)
	if k != last {
		n.kids[k] = n.kids[last]
		n.order[slices.Index(n.order, last)] = k
	}
	n.kids[last] = nil
	n.kids = n.kids[:last]
}

// addChild models Node::addChild: inactive leaves go to the back, others
// to the front; the caller restores the DRF order (usually by dirtying).
func (n *node) addChild(child *node) {
	n.kids = append(n.kids, child)
	k := int32(len(n.kids) - 1)
	if child.kind == inactiveLeaf {
		n.order = append(n.order, k)
		return
	}
	n.order = slices.Insert(n.order, 0, k)
}

// compareDRF models Node::compareDRF: by share, then by the number of
// allocations made, then by path.
func compareDRF(left, right *node) bool {
	if left.share != right.share {
		return left.share < right.share
	}
	if left.alloc.count != right.alloc.count {
		return left.alloc.count < right.alloc.count
	}
	return left.path < right.path
}

func cmpDRF(left, right *node) int {
	if compareDRF(left, right) {
		return -1
	}
	if compareDRF(right, left) {
		return 1
	}
	return 0
}

// allocation models Node::Allocation: what is allocated to a node's
// subtree, per agent, with scalar totals kept alongside to make shares
// cheap. Shared resources are counted once in totals however many copies
// are allocated.
type allocation struct {
	// count is the number of allocated() calls ever made to the node; it
	// is never decremented.
	count     uint64
	resources map[string]agentAlloc
	totals    resources.Quantities
	// byQuantity is, on a leaf, the part of totals recorded through
	// AllocatedQuantities, which keeps no per-agent detail; Remove
	// subtracts it from the ancestors. Internal nodes do not keep it.
	// Until something is recorded per agent (keepQuantities), it is all
	// of totals and not kept separately: see quantities.
	byQuantity resources.Quantities
	explicitQ  bool
}

// quantities returns the part of totals recorded by quantity only.
func (a *allocation) quantities() resources.Quantities {
	if a.explicitQ {
		return a.byQuantity
	}
	return a.totals
}

// keepQuantities starts keeping byQuantity apart from totals, before
// something is recorded per agent. While only quantities are recorded the
// two see the same additions and subtractions in the same order, so they
// hold the same values and one copy serves.
func (a *allocation) keepQuantities() {
	if !a.explicitQ {
		a.byQuantity = a.totals.Clone()
		a.explicitQ = true
	}
}

// agentAlloc is one agent's share of an allocation. A first allocation on
// an agent is copied once per Allocated call and that copy is lent to every
// node on the path (borrowed); a node clones it before its first change.
// Mesos copies per node; the result is the same.
type agentAlloc struct {
	rs       resources.Resources
	borrowed bool
}

// owned returns the agent's resources ready to be changed in place.
func (a agentAlloc) owned() resources.Resources {
	if a.borrowed {
		return a.rs.Clone()
	}
	return a.rs
}

func (a *allocation) clone() allocation {
	out := allocation{count: a.count, totals: a.totals.Clone(), byQuantity: a.byQuantity.Clone(), explicitQ: a.explicitQ}
	if a.resources != nil {
		out.resources = make(map[string]agentAlloc, len(a.resources))
		for agent, aa := range a.resources {
			out.resources[agent] = agentAlloc{rs: aa.rs.Clone()}
		}
	}
	return out
}

// lender makes at most one private copy of an allocation for the nodes
// of one Allocated call to borrow.
type lender struct {
	src, copy resources.Resources
	made      bool
}

func (l *lender) lend() resources.Resources {
	if !l.made {
		l.copy, l.made = l.src.Clone(), true
	}
	return l.copy
}

// add models Allocation::add; nodes without resources on the agent
// borrow l's copy of toAdd.
func (a *allocation) add(agent string, toAdd resources.Resources, l *lender) {
	if a.resources == nil {
		a.resources = make(map[string]agentAlloc)
	}
	cur, ok := a.resources[agent]
	// Scalars count into totals, except shared resources this agent's
	// allocation already holds a copy of (checked before adding).
	for i := range toAdd.Len() {
		r := toAdd.At(i)
		if r.Type != resources.TypeScalar {
			continue
		}
		if r.Shared && ok && cur.rs.ContainsResource(r) {
			continue
		}
		a.totals.AddScalar(r.Name, r.Scalar)
	}
	if !ok || cur.rs.IsEmpty() {
		a.resources[agent] = agentAlloc{rs: l.lend(), borrowed: true}
	} else {
		rs := cur.owned()
		rs.Add(toAdd)
		a.resources[agent] = agentAlloc{rs: rs}
	}
	a.count++
}

// contains reports whether the agent's allocation holds rs (the CHECKs at
// the top of Allocation::subtract and Allocation::update).
func (a *allocation) contains(agent string, rs resources.Resources) bool {
	cur, ok := a.resources[agent]
	return ok && cur.rs.Contains(rs)
}

// subtract models Allocation::subtract; the caller has checked contains.
func (a *allocation) subtract(agent string, toRemove resources.Resources) {
	cur := a.resources[agent]
	var rs resources.Resources
	if !cur.borrowed || !toRemove.Contains(cur.rs) {
		rs = cur.owned()
		rs.Subtract(toRemove)
	} // else everything goes: no need to copy what is lent
	// Shared resources leave totals only when no copy is left.
	for i := range toRemove.Len() {
		r := toRemove.At(i)
		if r.Type != resources.TypeScalar {
			continue
		}
		if r.Shared && rs.ContainsResource(r) {
			continue
		}
		a.totals.SubtractScalar(r.Name, r.Scalar)
	}
	if rs.IsEmpty() {
		delete(a.resources, agent)
	} else {
		a.resources[agent] = agentAlloc{rs: rs}
	}
}

// update models Allocation::update: swap old for new on one agent,
// adjusting totals by the scalar quantities of each.
func (a *allocation) update(agent string, oldAlloc, newAlloc resources.Resources) {
	oldQ := oldAlloc.ScalarQuantities()
	newQ := newAlloc.ScalarQuantities()
	rs := a.resources[agent].owned()
	rs.Subtract(oldAlloc)
	rs.Add(newAlloc)
	if rs.IsEmpty() {
		delete(a.resources, agent)
	} else {
		a.resources[agent] = agentAlloc{rs: rs}
	}
	a.totals.Subtract(oldQ)
	a.totals.Add(newQ)
}
