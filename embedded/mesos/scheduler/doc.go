// Package scheduler is the v1 scheduler API of Mesos 1.11.0
// (include/mesos/v1/scheduler/scheduler.proto, docs/scheduler-http-api.md):
// the Call a framework POSTs to /api/v1/scheduler (SUBSCRIBE, TEARDOWN,
// ACCEPT, DECLINE, ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS, REVIVE,
// KILL, SHUTDOWN, ACKNOWLEDGE, ACKNOWLEDGE_OPERATION_STATUS, RECONCILE,
// RECONCILE_OPERATIONS, MESSAGE, REQUEST, SUPPRESS, UPDATE_FRAMEWORK), the
// Events of the SUBSCRIBE stream (SUBSCRIBED, OFFERS, INVERSE_OFFERS,
// RESCIND, RESCIND_INVERSE_OFFER, UPDATE, UPDATE_OPERATION_STATUS,
// MESSAGE, FAILURE, ERROR, HEARTBEAT), OfferConstraints, Validate (the
// master's scheduler::call::validate plus required fields and limits) and
// DescribeEvent.
//
// It is a subpackage (rather than files of package mesos) so that the
// names read as Mesos's do: scheduler.Call, scheduler.Event.
//
// Deliberate differences from Mesos: those of package mesos (JSON and
// validation); in addition Validate checks offer constraints, suppressed
// roles and the IDs inside every call body up front, where the master
// checks some of them only while handling the call, and it rejects the
// UNKNOWN call type (Mesos accepts it and answers 501 later).
package scheduler
