// Package drf is Mesos 1.11.0's DRF sorter (DRFSorter in
// src/master/allocator/mesos/sorter/drf/sorter.{hpp,cpp}): it keeps the
// clients of one allocation level — roles for the role sorter, framework
// IDs for a role's framework sorter — in a tree and orders them by
// weighted dominant resource share.
//
// What it models:
//
//   - The hierarchical tree: a client "a/b" lives under internal node "a";
//     a client that is also the parent of other clients keeps its own
//     allocation in a hidden virtual leaf "a/.", which competes with its
//     siblings "a/b"... while the subtree "a" competes, by its total
//     allocation, with the subtrees beside it.
//   - Share = max over the scalar resource names of the cluster total
//     (skipping Config.FairnessExcludeResourceNames and totals <= 0) of
//     allocation/total, divided by the node's weight, computed in float64
//     with the operations in Mesos's order, so ties and near-ties break as
//     they do in a Mesos master (0.15/3 < 0.1/2). Allocations are
//     aggregated by name only (resources.Quantities), so reserved,
//     unreserved and revocable cpus all count as cpus, and a shared
//     persistent volume counts once per client.
//   - Order: share, then the number of allocations ever made to the node
//     (never decremented), then path.
//   - Incremental ordering: Allocated moves the affected nodes into place
//     in their parents' child lists; everything else marks the tree dirty
//     and the next Sort recomputes every share and re-sorts. Sort on a
//     clean tree is a walk of the sorted tree.
//   - Clients start inactive (Add), are listed by Sort only while active,
//     and keep their allocation and count while inactive.
//   - Weights: UpdateWeight(path) applies to the node at path whether it
//     exists yet or not; DefaultWeight otherwise. As in Mesos the weight
//     is cached on a node the first time a share needs it, and
//     UpdateWeight refreshes the cache only on the node of a client
//     (leaf, or the internal node above a virtual leaf): the cached
//     weight of an internal node that is not a client keeps its old value
//     until the node is recreated. This Mesos quirk is reproduced on
//     purpose (see TestWeightCacheOnInternalNode).
//   - DominantShares is the allocator/mesos/roles/<role>/shares/dominant
//     gauge of src/master/allocator/mesos/sorter/drf/metrics.cpp.
//
// Deliberate differences:
//
//   - Where Mesos CHECK-fails (unknown client, agent added twice,
//     unallocating resources the client does not hold, ...) the methods
//     return an error wrapping ErrUnknownClient, ErrAgentExists,
//     ErrNotAllocated, ... and leave the sorter unchanged.
//   - Client paths must be non-empty with no empty or "." components
//     (ErrInvalidClient); weights must be positive and finite
//     (ErrInvalidWeight) — the master validates both in Mesos.
//   - Agents are called agents (AddAgent/RemoveAgent for addSlave/
//     removeSlave) and identified by their ID string.
//   - The sorter has no metrics registry and no process: the allocator
//     owns it, calls it from one goroutine and publishes DominantShares.
//     Snapshot gives explanations a deep copy without disturbing the
//     sorter (it neither re-sorts nor caches weights).
//
// For the allocator, which tracks per-agent allocations itself, the sorter
// also records allocations by quantity only (AllocatedQuantities,
// UnallocatedQuantities, AddTotal, SubtractTotal: no per-agent maps, same
// shares and order) and walks the order with a reusable Cursor that stops
// as soon as the caller is done, so an allocation cycle over 10,000 agents
// does not rebuild the order per agent. Client handles (Client,
// AllocatedQuantitiesTo, ShareOf, Cursor.NextClient) spare it the lookups
// by name, and carry the caller's own entry for the client.
//
// Representation (no change in behaviour): a node's children are kept in
// creation order with the DRF order as a list of indices into them, so
// moving a node past its siblings shifts small integers rather than
// pointers (which need GC write barriers while a collection is marking);
// and a leaf recorded only by quantity keeps one set of totals, not two.
//
// The allocator declares the interface it needs; this package returns the
// concrete *Sorter.
package drf
