// Package walkthroughs holds mesoscope's guided tours of the Mesos 1.11.0 source: scripts
// that act on the embedded Mesos (embedded/process, embedded/allocator/drf,
// embedded/allocator, embedded/master) on a paused clock, show what happens through
// the same renderings the inspector uses for a real cluster, and name, at every step,
// the Go function doing it and the Mesos function it models.
//
//	tours/<name>.txt ──ParseScript──▶ Script ──▶ Player ──▶ `mesoscope walk <name>`
//	  #tour / #step / #en / #ja          │          │ one Session per tour
//	  command                            │          ▼
//	  ----                               │     Session.Run(command)
//	  expected output                    │       runtime, actors      (embedded/process)
//	                                     │       DRF sorter           (embedded/allocator/drf)
//	TestWalkthroughs ◀───────────────────┘       allocator process    (embedded/allocator)
//	  replays every tour in en and ja,           master + fake agents (embedded/master)
//	  fails on drift, -rewrite records           framework over HTTP  (v1 scheduler API)
//	                                             ▼
//	                          inspector.Describe*, allocator.Describe, "where" pointers
//
// # Scripts
//
// A tour is one file, tours/<name>.txt, in the format of
// github.com/cockroachdb/datadriven (as etcd raft's testdata): a command line, "----",
// the expected output. Narration lives in "#" lines, English and Japanese side by side
// so that a change to one is seen next to the other (see Script for the syntax). Every
// step has a "where" command naming entries of Pointers, the reviewed table of Go
// functions and the Mesos functions they model; the table is checked against the Go
// source and, when a Mesos 1.11.0 checkout is at hand (/work/mesos-1.11.0 or
// $MESOS_SRC), against Mesos.
//
// `go test ./walkthroughs` replays every tour in both languages and fails when a
// command's output differs from the recorded one, so the narration cannot silently go
// stale; `go test ./walkthroughs -run TestWalkthroughs -rewrite` records the new outputs
// for review (datadriven's flag and workflow).
//
// # Determinism
//
// Each tour's world runs on a paused libprocess-style clock (Clock.Pause, Advance,
// Settle): every command settles the runtime before it reports, and "advance" moves
// the clock in half-second steps, settling after each, so timers fire exactly at their
// deadlines. The allocator's batch loop is started half a second before the tour's T+0,
// so allocation ticks (T+0.5s, T+1.5s, ...) never coincide with the timers the tour
// arms at whole seconds. Master ids are fixed ("walk"), the allocator's shuffle is
// seeded, PIDs carry a fixed address (127.0.0.1:5050) whatever port the HTTP server
// listens on, and every timestamp in an output is printed as its offset from T+0.
//
// The offers tour reads the framework's event stream over HTTP. To know that it has
// read everything the master sent, it does not wait on a wall clock: after each command
// it makes an explicit RECONCILE call for a task that does not exist, and reads up to
// the master's UPDATE answer, which the master writes behind every earlier event
// (Master::reconcile). Those barrier updates are not shown; they do appear in the
// framework's call and event counters in /metrics/snapshot, so the tour does not print
// those counters.
//
// The libprocess tour holds actors inside a handler ("block") to make queues visible.
// While an actor is held, Settle would wait forever, so commands wait for the other
// actors with barrier dispatches instead, and do not wait at all when every worker is
// held (nothing else can run).
//
// # Where it differs from datadriven and from Mesos
//
//   - The scripts are parsed by this package (ParseScript), not by the datadriven
//     module: `mesoscope walk` must read them at run time, outside a test, and the
//     module is not a dependency of mesoscope. The syntax is datadriven's; commands take
//     no input block.
//   - The tours show mesoscope's behaviour, which models Mesos 1.11.0 with the
//     differences each embedded package documents; the allocator's cycle records
//     (/mesoscope/v1/allocator) have no Mesos counterpart.
//   - The agents of the offers tour are fake (processes that register and answer
//     pings); nothing is launched.
//
// # Tours
//
// This package has the first three tours: libprocess (spawn, the run queue and
// workers, a mailbox drained in one resume, dispatch versus message, futures and defer,
// terminate with and without inject, link and exited, /__processes__), drf (the DRF
// paper's example, the allocation-count tie-break, weights, the role tree, and when the
// allocator calls its sorters) and offers (an allocation cycle, an offer, DECLINE and
// its filter, REVIVE, SUPPRESS, --offer_timeout). Later sessions add: 4 containerizer
// (the Mesos containerizer's states with real processes), 5 "Goodbye Waiting" (the
// Marathon-like scheduler's decline funnel and `mesoscope why`), 6 reliability (status
// update retries, agent failover and recovery).
package walkthroughs
