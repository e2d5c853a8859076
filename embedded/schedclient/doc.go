// Package schedclient is a client of the Mesos v1 scheduler HTTP API
// (POST /api/v1/scheduler, docs/scheduler-http-api.md): what a framework
// uses to subscribe with a master, receive its events and make calls. It
// models the C++ scheduler library, src/scheduler/scheduler.cpp
// (mesos::v1::scheduler::MesosProcess), and speaks only HTTP: it works the
// same against the embedded master and against a real Mesos 1.11 master.
//
//	framework              schedclient                            master /api/v1/scheduler
//	                       Run ──── POST SUBSCRIBE (no stream id) ──►
//	                           ◄─── 307 Location: //leader:5050/... ── not the leader: follow
//	                           ◄─── 503, 404, 5xx, network error ───── back off, retry
//	                           ◄─── 200 OK, Mesos-Stream-Id: <id> ────
//	handle(ctx, ev) ◄───────── ◄─── RecordIO JSON events ────────────── SUBSCRIBED, OFFERS, ...
//	                           (stream ends, or silent for heartbeat
//	                            interval × MissedHeartbeats: back off,
//	                            SUBSCRIBE again with the FrameworkID)
//	                           ◄─── ERROR event ────────────────────── Run returns *MasterError
//	c.Decline(ctx, ...) ─────► Call ─── POST + framework_id ──────────► (another connection)
//	                                    + Mesos-Stream-Id: <id>
//	nil or *CallError ◄─────── ◄─── 202 Accepted / 4xx, 5xx ──────────
//
// Behaviour, as MesosProcess has it:
//
//   - SUBSCRIBE is a POST with Content-Type and Accept application/json
//     and no Mesos-Stream-Id; the 200 OK response is a RecordIO stream
//     (package recordio) of JSON scheduler.Events whose first event is
//     SUBSCRIBED or ERROR, and carries the Mesos-Stream-Id header.
//   - Every other call is a POST on another connection carrying
//     framework_id and that Mesos-Stream-Id (MesosProcess::_call). Calls
//     are validated locally first, as MesosProcess::call does with
//     validation::scheduler::call::validate, and refused while no
//     subscription is current ("Cannot perform calls until subscribed").
//   - The subscription is re-established after the stream ends, breaks,
//     cannot be decoded (MesosProcess::_read → disconnected), or carries no
//     event for MissedHeartbeats heartbeat intervals (the "Network
//     partitions" advice of the doc: 5 × 15 s). The SUBSCRIBE that follows
//     carries the FrameworkID the master assigned (failover), and the
//     roles the framework has since suppressed.
//   - 307 Temporary Redirect is followed to the leading master: the
//     master's Location is protocol-relative, "//host:port/api/v1/scheduler"
//     (Master::Http::redirect); 503 (no leader elected, recovery not
//     finished) and 404 (routes not yet installed) are retried.
//
// Deliberate differences from the C++ library:
//
//   - There is no master detector (ZooKeeper): Config.Master is one URL,
//     and every reconnect starts there again, so a changed leader is found
//     through that master's 307. The library waits a random delay in
//     [0, connection_delay_max = 500 ms] before each connection; this
//     client connects at once the first time, then waits a full-jitter
//     exponential backoff (0.5 s doubling, capped at 15 s, the doc's
//     advice) between attempts, reset after each SUBSCRIBED.
//   - The C++ library leaves heartbeat checking to the scheduler; this
//     client does it (the time spent in handle does not count).
//   - An event that cannot be decoded ends Run with an error wrapping
//     ErrBadEvent, where the library injects an ERROR event (which the
//     doc says a scheduler should abort on). Events are limited to
//     Config.MaxEventSize bytes (recordio.MaxRecordSize by default); a
//     larger one ends Run with an error wrapping recordio.ErrRecordTooLarge.
//   - A 4xx answer to SUBSCRIBE other than 404, 408 and 429 ends Run with a
//     *CallError; the library injects an ERROR event for unexpected codes.
//   - Only JSON is spoken (Config.ContentType must be "" or
//     "application/json"); the library also speaks protobuf.
//   - Call returns only success or failure: a 200 body (the answer to
//     RECONCILE_OPERATIONS) is read and discarded.
//   - Acknowledgements are explicit, as in the v1 API. Config.AutoAck
//     acknowledges UPDATE events that carry a uuid after handle returns,
//     like the old driver's implicit acknowledgements.
//   - Mesos delivers status updates at least once (an acknowledgement lost
//     with a master or an agent makes the agent resend the update, same
//     uuid). Config.DeduplicateUpdates makes delivery to handle exactly once
//     for updates acknowledged through the client: their retries are
//     acknowledged again and kept back (dedup.go). The library leaves this
//     to the framework.
//   - A TEARDOWN answered 202 ends Run with nil, and later calls to Run
//     return ErrTornDown.
package schedclient
