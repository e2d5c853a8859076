// Package allocator is Mesos 1.11.0's hierarchical allocator
// (src/master/allocator/mesos/hierarchical.{hpp,cpp},
// HierarchicalAllocatorProcess) with its decisions recorded as data.
//
//	       Allocator (process "allocator")                  Core (synchronous)
//	AddFramework ─┐  dispatch   ┌──────────────┐        ┌───────────────────────┐
//	AddAgent ─────┼───────────▶ │ generateOffers├──────▶│ Allocate / AllocateOn │
//	ReviveOffers ─┘   (batched) │ batch timer   │       │ stage 1 quota         │
//	RecoverResources ─────────▶ │ every interval│       │ stage 2 fair share    │
//	                            └──────┬────────┘       │ filters, min alloc,   │
//	             OfferCallback ◀───────┘ offers          │ GPU, headroom         │
//	                                                     └──────────┬────────────┘
//	                                 Cycle ring (last 32) ◀─────────┘ explanations
//
// Core is the synchronous heart (style habit 1): agents (total, available,
// what each framework holds), frameworks (roles, capabilities, per-role
// suppression, offer filters, min_allocatable_resources overrides), roles
// (weights, quota guarantees and limits) and one DRF sorter for roles plus
// one per role for its frameworks (embedded/allocator/drf). Allocate runs
// __generateOffers: agents are shuffled with a seeded source; stage 1 offers
// roles with unsatisfied quota guarantees what they are owed; stage 2 walks
// roles and frameworks in DRF order, offering each the whole of what is left
// on the agent, chopped by the role's quota limit and by the headroom other
// roles' guarantees need. Offers must contain one of the min allocatable
// sets (default "cpus:0.01|mem:32"), frameworks without GPU_RESOURCES never
// see agents with GPUs (--filter_gpu_resources), and a refusal filter
// (RecoverResources with Filters) hides an agent from a framework in a role
// while the refused resources contain the candidate offer, for
// max(allocation_interval, refuse_seconds) (default 5 s, 0 = no filter,
// capped at 365 days).
//
// Allocator is the process around it: its methods dispatch to the
// process, event triggers (AddFramework of an active framework,
// ActivateFramework, AddAgent, UpdateAgent with a new total, ReviveOffers:
// the calls that generateOffers in hierarchical.cpp) and the batch
// timer of AllocationInterval merge into one pending cycle, and offers
// leave through Config.OfferCallback on the allocator's goroutine.
// RecoverResources does not trigger a cycle (MESOS-3078). Metrics use
// Mesos's names (allocator/mesos/allocation_runs, allocation_run_ms,
// allocation_run_latency_ms, roles/<role>/shares/dominant,
// offer_filters/roles/<role>/active, event_queue_dispatches (also as
// allocator/event_queue_dispatches), resources/<name>/{total,offered_or_allocated},
// quota/roles/<role>/resources/<name>/{guarantee,limit,offered_or_allocated,consumed};
// consumed is kept for every role that consumes, quota or not, and its set
// of gauges is brought up to date after each cycle rather than at every
// change),
// and each cycle emits the point events "allocation.cycle" and one
// "allocation.decision" per framework and role.
//
// # Explanations
//
// Every cycle is recorded as a Cycle (Nomad's AllocMetric is the model):
// the role order with shares and weights, and per framework and role the
// count of candidate agents per Reason (offered, inactive, suppressed,
// nothing_left, below_min_allocatable, incapable, quota_limit,
// quota_headroom, filtered), with the few agents that matter (the filters
// that applied, the agents nearest to fitting). Counts add up to the number
// of candidate agents. Full per-agent detail for one framework is computed
// on demand (Core.Explain / Allocator.Explain). The last Config.History
// cycles (32) are kept; Describe is the canonical text rendering and the
// process serves them at /allocator/mesoscope/v1/allocator (JSON,
// ?format=text, ?framework_id=, ?limit=).
//
// # Deliberate differences from Mesos
//
//   - Agents are assumed MULTI_ROLE and HIERARCHICAL_ROLE capable (every 1.11
//     agent is); there are no agent attributes, offer constraints, domains,
//     whitelist, maintenance or inverse offers yet.
//   - A recorded cycle keeps, per framework and role, the count of agents
//     for each reason and at most MaxNotable agents by name (the filters
//     that applied, the agents nearest to fitting), not a reason for
//     every agent: at 10,000 agents and 1,000 frameworks that would be ten
//     million entries a cycle. The reason for every agent is computed on
//     demand for the present (Explain); which agents a framework was
//     offered is in the offers themselves. A cycle's "offered" sums the
//     scalars only, as the sorters count them.
//   - Shared resources are treated as ordinary resources (not offered
//     more than once per cycle, counted once).
//   - shrinkResources keeps the resources' order instead of shuffling them
//     (only matters with several resources of one name).
//   - UpdateAllocation takes the resulting resources instead of offer
//     operations; errors are returned (or logged by the process) where
//     Mesos CHECK-fails.
//   - Offer filters are live while the clock is before their expiry; the
//     process also removes them with a timer, like Mesos's expire().
//   - The sorters record allocations by quantity (drf.AllocatedQuantities)
//     and their totals without per-agent maps; the core keeps the
//     per-agent view. A cycle applies the sorter updates for an agent when
//     the agent is done, which is equivalent to Mesos walking a copy of
//     sort() for each agent.
//   - Offers leave in framework ID order (Mesos iterates a hashmap).
package allocator
