package drf

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// DefaultWeight is the weight of a path without an explicit one
// (DEFAULT_WEIGHT in src/master/constants.hpp).
const DefaultWeight = 1.0

// Errors wrapped by the Sorter's methods. Mesos CHECK-fails in these
// situations; we report them and leave the sorter unchanged.
var (
	ErrInvalidClient = errors.New("invalid client path")
	ErrClientExists  = errors.New("client already added")
	ErrUnknownClient = errors.New("unknown client")
	ErrAgentExists   = errors.New("agent already added")
	ErrUnknownAgent  = errors.New("unknown agent")
	ErrNotAllocated  = errors.New("resources are not allocated to the client on that agent")
	ErrInvalidWeight = errors.New("weight must be a positive finite number")
)

// Config configures a Sorter. The zero value is usable.
type Config struct {
	// FairnessExcludeResourceNames are resource names left out of share
	// calculations, like the master's --fair_sharing_excluded_resource_names
	// (for example "gpus").
	FairnessExcludeResourceNames []string
}

// Sorter is Mesos 1.11.0's DRFSorter (src/master/allocator/mesos/sorter/
// drf/sorter.{hpp,cpp}): a tree of clients (role paths such as "eng/web",
// or framework IDs) ordered by weighted dominant resource share, then by
// the number of allocations made to them, then by path.
//
// A Sorter is not safe for concurrent use; the allocator owns it and calls
// it from its own goroutine. Methods that Mesos guards with CHECKs return
// an error wrapping one of the Err variables and change nothing.
type Sorter struct {
	excluded []string

	// dirty means shares must be recomputed and the tree re-sorted on
	// the next Sort.
	dirty bool
	root  *node
	// clients maps a client path to its leaf (the virtual "." leaf for a
	// client that also has child clients).
	clients map[string]*node
	// weights holds the weight configured for each path, whether or not
	// the path is in the tree.
	weights map[string]float64

	// totals is the sum of the scalar quantities of all agents; agents
	// remembers each agent's contribution so it can be removed.
	totals resources.Quantities
	agents map[string]resources.Quantities
}

// New returns an empty sorter (DRFSorter() followed by initialize()).
func New(cfg Config) *Sorter {
	return &Sorter{
		excluded: slices.Clone(cfg.FairnessExcludeResourceNames),
		root:     newNode("", internal, nil),
		clients:  make(map[string]*node),
		weights:  make(map[string]float64),
		agents:   make(map[string]resources.Quantities),
	}
}

func validClient(client string) error {
	if client == "" {
		return ErrInvalidClient
	}
	for c := range strings.SplitSeq(client, "/") {
		if c == "" || c == virtualName {
			return ErrInvalidClient
		}
	}
	return nil
}

// Add adds an inactive client (DRFSorter::add). Adding "a/b" creates the
// internal node "a"; adding a client below an existing client "a" turns
// "a" into an internal node whose own allocation moves to a virtual leaf.
func (s *Sorter) Add(client string) error {
	if err := validClient(client); err != nil {
		return fmt.Errorf("drf: add %q: %w", client, err)
	}
	if _, ok := s.clients[client]; ok {
		return fmt.Errorf("drf: add %q: %w", client, ErrClientExists)
	}

	tokens := strings.Split(client, "/")
	i := 0
	current := s.root

	// Phase 1: walk down while the path exists.
	for {
		if i == len(tokens) {
			// (a) The path names an existing internal node: add its
			// virtual leaf.
			virt := newNode(virtualName, inactiveLeaf, current)
			current.addChild(virt)
			current = virt
			break
		}
		if current.isLeaf() {
			// (b) We reached a client that is a prefix of the new one:
			// it becomes internal and its allocation moves to a new
			// virtual leaf.
			oldKind := current.kind
			current.parent.removeChild(current)
			current.kind = internal
			current.parent.addChild(current)

			virt := newNode(virtualName, oldKind, current)
			virt.alloc = current.alloc.clone()
			moveHandle(current, virt)
			current.addChild(virt)
			s.clients[virt.clientPath()] = virt
			break
		}
		var child *node
		for _, c := range current.kids {
			if c.name == tokens[i] {
				child = c
				break
			}
		}
		if child == nil {
			break // (c)
		}
		current = child
		i++
	}

	// Phase 2: create the rest of the path.
	for ; i < len(tokens); i++ {
		k := internal
		if i == len(tokens)-1 {
			k = inactiveLeaf
		}
		child := newNode(tokens[i], k, current)
		current.addChild(child)
		current = child
	}

	s.clients[client] = current
	s.dirty = true
	return nil
}

// Remove removes a client and its allocation (DRFSorter::remove),
// removing internal nodes left without clients and collapsing a virtual
// leaf back into its parent when it is the last child.
func (s *Sorter) Remove(client string) error {
	current, ok := s.clients[client]
	if !ok {
		return fmt.Errorf("drf: remove %q: %w", client, ErrUnknownClient)
	}
	leafAlloc := current.alloc.resources
	leafQ := current.alloc.quantities()
	delete(s.clients, client)
	if current.client != nil {
		current.client.n = nil // the handle goes stale
		current.client = nil
	}

	for current != s.root {
		parent := current.parent
		for agent, aa := range leafAlloc {
			parent.alloc.subtract(agent, aa.rs)
		}
		if !leafQ.IsEmpty() {
			parent.alloc.totals.Subtract(leafQ)
		}
		switch {
		case current.numChildren() == 0:
			parent.removeChild(current)
		case current.numChildren() == 1 && current.child(0).name == virtualName:
			child := current.child(0)
			current.kind = child.kind
			current.alloc.byQuantity = child.alloc.quantities().Clone()
			current.alloc.explicitQ = true
			moveHandle(child, current)
			current.removeChild(child)
			parent.removeChild(current)
			parent.addChild(current)
			s.clients[current.path] = current
		}
		current = parent
	}
	s.dirty = true
	return nil
}

// Activate makes a client take part in Sort again (DRFSorter::activate);
// activating an active client does nothing.
func (s *Sorter) Activate(client string) error {
	n, ok := s.clients[client]
	if !ok {
		return fmt.Errorf("drf: activate %q: %w", client, ErrUnknownClient)
	}
	if n.kind == inactiveLeaf {
		n.kind = activeLeaf
		n.parent.removeChild(n)
		n.parent.addChild(n)
		s.dirty = true
	}
	return nil
}

// Deactivate leaves a client out of Sort while keeping its allocation
// (DRFSorter::deactivate); deactivating an inactive client does nothing.
// Like Mesos it does not dirty the tree.
func (s *Sorter) Deactivate(client string) error {
	n, ok := s.clients[client]
	if !ok {
		return fmt.Errorf("drf: deactivate %q: %w", client, ErrUnknownClient)
	}
	if n.kind == activeLeaf {
		n.kind = inactiveLeaf
		n.parent.removeChild(n)
		n.parent.addChild(n)
	}
	return nil
}

// UpdateWeight sets the weight of a path, for clients present now or
// added later (DRFSorter::updateWeight). Setting the weight of "a" when "a"
// has child clients changes how the subtree "a" competes with its
// siblings; the client "a" itself keeps the weight of "a/.". As in Mesos,
// the weight cached on an internal node that is not itself a client is not
// refreshed; see the package documentation.
func (s *Sorter) UpdateWeight(path string, weight float64) error {
	if !(weight > 0) || math.IsInf(weight, 1) {
		return fmt.Errorf("drf: update weight of %q to %v: %w", path, weight, ErrInvalidWeight)
	}
	s.weights[path] = weight
	s.dirty = true
	n, ok := s.clients[path]
	if !ok {
		return nil
	}
	if n.name == virtualName {
		n = n.parent
	}
	n.weight, n.weightSet = weight, true
	return nil
}

// Allocated records resources allocated to a client on an agent
// (DRFSorter::allocated). Every node from the client to the root gains
// the allocation and one allocation count; when the tree is sorted the
// affected nodes are moved into place without a full re-sort.
func (s *Sorter) Allocated(client, agent string, rs resources.Resources) error {
	current, ok := s.clients[client]
	if !ok {
		return fmt.Errorf("drf: allocated to %q on %s: %w", client, agent, ErrUnknownClient)
	}
	current.alloc.keepQuantities()
	l := &lender{src: rs}
	for ; current != nil; current = current.parent {
		if current == s.root || s.dirty || current.kind == inactiveLeaf {
			current.alloc.add(agent, rs, l)
			continue
		}
		pos := position(current.parent, current)
		current.alloc.add(agent, rs, l)
		current.share = s.calculateShare(current, true)
		reposition(current.parent, pos)
	}
	return nil
}

// position finds n in its parent's order. While the tree is clean the
// active leaves and internal nodes form a prefix sorted by compareDRF with
// their stored shares, followed by the inactive leaves, so a binary search
// finds n before its share changes. (Mesos scans linearly; the TODO in
// DRFSorter::allocated suggests remembering the position.)
func position(parent, n *node) int {
	kids, order := parent.kids, parent.order
	// The allocator usually allocates to the first client in the order.
	if len(order) > 0 && kids[order[0]] == n {
		return 0
	}
	i := sort0(len(order), func(j int) bool {
		e := kids[order[j]]
		return e.kind == inactiveLeaf || !compareDRF(e, n)
	})
	if i < len(order) && kids[order[i]] == n {
		return i
	}
	// Not reached while the tree is clean.
	return slices.IndexFunc(order, func(k int32) bool { return kids[k] == n })
}

// reposition moves the child at pos of parent's order, whose share or
// count just grew, to where DRFSorter::allocated's swaps would leave it:
// left past every sibling it now sorts before, or right past every active
// sibling that sorts before it. Because the others are sorted, the
// stopping point is found by binary search and the move is one copy.
func reposition(parent *node, pos int) {
	kids, order := parent.kids, parent.order
	k := order[pos]
	n := kids[k]
	// Left: the first sibling in [0, pos) that n sorts before. There is
	// none unless n sorts before its left neighbour (the order is sorted),
	// which a growing allocation never makes it do: check that first.
	if pos > 0 && compareDRF(n, kids[order[pos-1]]) {
		j := sort0(pos, func(j int) bool { return compareDRF(n, kids[order[j]]) })
		copy(order[j+1:pos+1], order[j:pos])
		order[j] = k
		return
	}
	// Right: the first sibling after pos that is inactive or that n does
	// not sort after.
	rest := order[pos+1:]
	m := sort0(len(rest), func(j int) bool {
		e := kids[rest[j]]
		return e.kind == inactiveLeaf || !compareDRF(e, n)
	})
	if m > 0 {
		copy(order[pos:pos+m], rest[:m])
		order[pos+m] = k
	}
}

// sort0 returns the smallest i in [0, n) for which f is true (f is
// false...true), or n.
func sort0(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if f(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// Update replaces part of a client's allocation on an agent, for example
// when an operation turns disk into a persistent volume
// (DRFSorter::update). The old allocation must be held by the client.
func (s *Sorter) Update(client, agent string, oldAlloc, newAlloc resources.Resources) error {
	leaf, ok := s.clients[client]
	if !ok {
		return fmt.Errorf("drf: update allocation of %q on %s: %w", client, agent, ErrUnknownClient)
	}
	if !leaf.alloc.contains(agent, oldAlloc) ||
		!leaf.alloc.totals.Contains(oldAlloc.ScalarQuantities()) {
		return fmt.Errorf("drf: update allocation of %q on %s from %v: %w", client, agent, oldAlloc, ErrNotAllocated)
	}
	leaf.alloc.keepQuantities()
	for current := leaf; current != nil; current = current.parent {
		current.alloc.update(agent, oldAlloc, newAlloc)
	}
	s.dirty = true
	return nil
}

// Unallocated records resources given back by a client on an agent
// (DRFSorter::unallocated). The allocation count is not decremented.
func (s *Sorter) Unallocated(client, agent string, rs resources.Resources) error {
	leaf, ok := s.clients[client]
	if !ok {
		return fmt.Errorf("drf: unallocated from %q on %s: %w", client, agent, ErrUnknownClient)
	}
	if !leaf.alloc.contains(agent, rs) {
		return fmt.Errorf("drf: unallocated %v from %q on %s: %w", rs, client, agent, ErrNotAllocated)
	}
	leaf.alloc.keepQuantities()
	for current := leaf; current != nil; current = current.parent {
		current.alloc.subtract(agent, rs)
	}
	s.dirty = true
	return nil
}

// AddAgent adds an agent's scalar quantities to the total the shares are
// computed against (DRFSorter::addSlave). To change an agent's total,
// remove it and add it again.
func (s *Sorter) AddAgent(agent string, q resources.Quantities) error {
	if _, ok := s.agents[agent]; ok {
		return fmt.Errorf("drf: add agent %s: %w", agent, ErrAgentExists)
	}
	q = q.Clone()
	s.agents[agent] = q
	s.totals.Add(q)
	s.dirty = true
	return nil
}

// RemoveAgent removes an agent's quantities from the total
// (DRFSorter::removeSlave).
func (s *Sorter) RemoveAgent(agent string) error {
	q, ok := s.agents[agent]
	if !ok {
		return fmt.Errorf("drf: remove agent %s: %w", agent, ErrUnknownAgent)
	}
	s.totals.Subtract(q)
	delete(s.agents, agent)
	s.dirty = true
	return nil
}

// Sort returns the active clients in the order they should be offered
// resources (DRFSorter::sort). Shares are recomputed and the tree
// re-sorted only when something other than Allocated changed it;
// otherwise this is a walk of the already sorted tree. The returned slice
// is the caller's.
func (s *Sorter) Sort() []string {
	return s.AppendSorted(make([]string, 0, len(s.clients)))
}

// AppendSorted appends the Sort order to dst and returns it, so a caller
// can reuse one buffer across allocation cycles.
func (s *Sorter) AppendSorted(dst []string) []string {
	if s.dirty {
		s.sortTree(s.root)
		s.dirty = false
	}
	return appendClients(dst, s.root)
}

func (s *Sorter) sortTree(n *node) {
	end := 0
	kids := n.kids
	for _, k := range n.order {
		child := kids[k]
		if child.kind == inactiveLeaf {
			break
		}
		child.share = s.calculateShare(child, true)
		end++
	}
	// compareDRF is a total order on siblings (their paths differ), so the
	// result is the one std::sort gives.
	slices.SortFunc(n.order[:end], func(a, b int32) int { return cmpDRF(kids[a], kids[b]) })
	for _, k := range n.order[:end] {
		if child := kids[k]; child.kind == internal {
			s.sortTree(child)
		}
	}
}

// appendClients lists active leaves in pre-order, stopping at the first
// inactive leaf of each child list.
func appendClients(dst []string, n *node) []string {
	kids := n.kids
	for _, k := range n.order {
		child := kids[k]
		switch child.kind {
		case activeLeaf:
			dst = append(dst, child.clientPath())
		case inactiveLeaf:
			return dst
		case internal:
			dst = appendClients(dst, child)
		}
	}
	return dst
}

// Contains reports whether client is in the sorter, active or not.
func (s *Sorter) Contains(client string) bool {
	_, ok := s.clients[client]
	return ok
}

// Count returns the number of clients, active or not.
func (s *Sorter) Count() int { return len(s.clients) }

// calculateShare models DRFSorter::calculateShare: the largest
// allocation/total ratio over the scalar resource names of the cluster
// total (skipping excluded names and totals <= 0), divided by the node's
// weight, in the same float64 operations as Mesos. cache selects whether
// looking up the weight caches it on the node, as getWeight does.
func (s *Sorter) calculateShare(n *node, cache bool) float64 {
	return n.alloc.totals.DominantRatio(s.totals, s.excluded) / s.weight(n, cache)
}

// weight models DRFSorter::getWeight, which caches the configured weight
// (or DefaultWeight) on the node the first time it is needed.
func (s *Sorter) weight(n *node, cache bool) float64 {
	if n.weightSet {
		return n.weight
	}
	w, ok := s.weights[n.path]
	if !ok {
		w = DefaultWeight
	}
	if cache {
		n.weight, n.weightSet = w, true
	}
	return w
}
