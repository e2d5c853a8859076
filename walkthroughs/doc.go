// Package walkthroughs holds mesoscope's guided tours of the Mesos 1.11.0 source: scripts
// that act on the embedded Mesos (embedded/process, embedded/allocator/drf,
// embedded/allocator, embedded/master, embedded/containerizer, embedded/marathon) on a
// paused clock, show what happens through the same renderings the inspector uses for
// a real cluster, and name, at every step, the Go function doing it and the Mesos (or
// Marathon) function it models.
//
//	tours/<name>.txt ──ParseScript──▶ Script ──▶ Player ──▶ `mesoscope walk <name>`
//	  #tour / #step / #en / #ja          │          │ one Session per tour   (--tui: WalkTUI)
//	  #view (the TUI view, --tui)        │          ▼
//	  command                            │     Session.Run(command)
//	  ----                               │       runtime, actors      (embedded/process)
//	  expected output                    │       DRF sorter           (embedded/allocator/drf)
//	                                     │       allocator process    (embedded/allocator)
//	TestWalkthroughs ◀───────────────────┘       master + fake agents (embedded/master)
//	  replays every tour in en and ja,           framework over HTTP  (v1 scheduler API)
//	  fails on drift, -rewrite records           containerizer        (embedded/containerizer)
//	                                             Marathon-like app scheduler (embedded/marathon)
//	                                             ▼
//	                          inspector.Describe*, allocator.Describe, "where" pointers,
//	                          Session.Trace (--trace), TUISource / TextView (--tui)
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
// Because the master so advertises 127.0.0.1:5050 as the leader, the tours' inspector
// clients are pinned to the port they were given (inspector.Config.PinMaster): a
// `mesoscope demo` running on 5050 would otherwise answer their questions.
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
// The containerizer tour runs real processes (the containerizer's launch shim, which
// `mesoscope walk` runs as a re-exec of itself and the tests as the containerizer's
// dedicated shim binary) in a temporary work_dir shown as $WORK. Its clock is a manual
// one (manualclock.go) given to the containerizer as its Clock: the kill grace period
// and the SIGKILL escalation fire when the tour advances it. What a process does on its
// own time is waited for, in real time and bounded, as an observed fact: "wait-output"
// waits for a line in a sandbox's stdout, "destroy" for the SIGKILL timer to be armed,
// "advance" for a destroy its SIGKILL finished. Pids never show.
//
// The Goodbye Waiting tour runs the Marathon-like scheduler against the offers tour's
// master, with three things that make it repeatable (marathonenv.go). Its clock follows
// the master's paused clock (followclock.go), so its timers fire only when the tour
// advances that clock, and each reading is a nanosecond after the last, so that its
// --min_revive_offers_interval (a nanosecond here) never holds a REVIVE back to a later
// tick. Its HTTP client is a proxy (schedproxy.go): calls pass through and are counted
// (what they answer: offers, status updates), and the SUBSCRIBE stream is read by the
// tour, which hands the scheduler one event at a time followed by a HEARTBEAT, so that
// "the scheduler has taken this event" is known. After every command the tour settles:
// it reads the master's events up to a RECONCILE barrier, hands them over, fences the
// scheduler's loop with a request, fires its due timers (a wake-up is known to be taken
// when the loop arms its next timer), and waits until every offer it got is accepted
// or declined, every update acknowledged, its REVIVE/SUPPRESS state agrees with its
// launch queue, and no call is in flight. One thing cannot be observed from outside
// embedded/marathon: an action the scheduler queued for its call workers before the
// call starts (a KILL after a deploy, the second REVIVE of two kills). The tour waits
// until no call has started for 10 ms after each batch, and every outcome a step shows
// is also waited for explicitly (wait=done: no deployment left). The scheduler's calls
// and events are reported grouped by type, in a fixed order, so the order in which
// concurrent calls happened to arrive does not show. Its random task and deployment ids
// are shown by label (uuidLabels): a task after the agent it runs on (web.a1-1), a
// deployment by its number (d2).
//
// # Where it differs from datadriven and from Mesos
//
//   - The scripts are parsed by this package (ParseScript), not by the datadriven
//     module: `mesoscope walk` must read them at run time, outside a test, and the
//     module is not a dependency of mesoscope. The syntax is datadriven's; commands take
//     no input block.
//   - The tours show mesoscope's behaviour, which models Mesos 1.11.0 (and Marathon
//     1.10 for the scheduler) with the differences each embedded package documents;
//     the allocator's cycle records (/mesoscope/v1/allocator) have no Mesos
//     counterpart.
//   - The agents of the offers and Goodbye Waiting tours are fake (processes that
//     register and answer pings); nothing is launched: a task they are asked to run is
//     reported TASK_RUNNING at once, and TASK_KILLED when killed.
//   - The containerizer tour uses posix/cpu and posix/mem whatever the machine offers,
//     so that it reads the same with or without cgroups v2.
//   - Pointers into Marathon (Project ProjectMarathon) name mesosphere/marathon's
//     Scala source; no checkout is at hand, so only their paths are checked.
//
// # Tracing a step (--trace)
//
// With Options.Trace every actor runtime a session starts gets a tracer (package
// tracer, with its in-memory ring only: no exporter, whatever the OTEL_* environment
// says); Session.Trace returns the spans recorded since the last call as indented
// trees, each dispatch under the one that sent its event, with its sender, its Go
// handler and the Mesos function that handler models. Durations are left out (wall
// times differ on every run); the tour's own barrier dispatches are not shown. The
// containerizer tour has no actor runtime, so its steps have no spans.
//
// # The TUI beside the narration (--tui)
//
// WalkTUI plays a tour full-screen (tview): the step on the left, and on the right the
// view of mesoscope's TUI (package tui, which never imports embedded/) that the step
// names with "#view". The TUI runs on an off-screen tcell screen whose cells the right
// pane copies; keys go to it after Tab. It reads the world through TUISource: the
// master of the offers and Goodbye Waiting tours over HTTP like any master (with
// Marathon's URL, so ":why /app" works), and for the tours without a master a
// stand-in (standIn, an http.RoundTripper) that answers what the inspector asks a
// master and its agents, rendered from the world after every step in Mesos's JSON
// (package embedded/master/readonly): the libprocess tour's runtime (an empty master;
// /__processes__ and /metrics/snapshot are the runtime's own); the DRF tour's sorter
// as a master whose role sorter it is (roles, agents, shares/dominant gauges;
// drfStandIn) and then its allocator (frameworks with their outstanding offers; the
// runtime's metrics and /mesoscope/v1/allocator cycles; allocStandIn); the
// containerizer tour's containerizer as one agent's /state and /containers, its
// transitions as "container.state" span events at /mesoscope/v1/spans (contStandIn).
// The stand-in's clock is the world's, running on in real time between steps, so the
// TUI's ages are the world's. It is asked to read again (Ctrl-R) after every step.
// TextView renders the same views as text for the terminal mode. Known differences:
// the TUI orders roles by share then name (it cannot see the sorter's allocation
// counts), so at a tie it may list them in another order than sort(); and a role that
// is both a client and a parent ("eng" with "eng/web") shows its own leaf's share, as
// Mesos's gauge does, not its subtree's. Mesos has no such UI.
//
// # Tours
//
// 1 libprocess (spawn, the run queue and workers, a mailbox drained in one resume,
// dispatch versus message, futures and defer, terminate with and without inject, link
// and exited, /__processes__); 2 drf (the DRF paper's example, the allocation-count
// tie-break, weights, the role tree, and when the allocator calls its sorters); 3
// offers (an allocation cycle, an offer, DECLINE and its filter, REVIVE, SUPPRESS,
// --offer_timeout); 4 containerizer (the seven states of a launch, the fetcher and its
// cache, kill with a grace period, argv versus a joined command line, recovery after an
// agent restart); 5 waiting, "Goodbye Waiting" (the three causes of a waiting app, each
// through `mesoscope why`, and the upgradeStrategy that trades a brief outage for a
// deploy that does not wait); 6 reliability (a status update retried every 10 s,
// 20 s, ... until the framework acknowledges it; an agent that crashes and a new
// agent over the same work_dir that recovers its running task from meta/,
// re-registers under the same agent ID without the framework noticing, and reports
// the task's real end; a master failover: the new master recovers the agent from its
// registry, gives no answer to a reconciliation of the agent's task until the agent
// has re-registered, then answers TASK_RUNNING).
//
// The reliability tour runs mesoscope's real agent (embedded/agent) on the master's
// runtime (reliability.go), with real processes in a temporary work_dir ($WORK): the
// runtime's PIDs then carry the address it really listens on (shown as
// 127.0.0.1:5050, the agent as a1:5051), since executors connect to it. What the
// executor does on its own time is waited for in real time, bounded, with the clock
// standing still: "wait-update" for the framework's UPDATE, "wait-agent" for the
// agent to hold an update (so that its timestamp is the same on every run); an agent
// starting waits for its recovery to end, then moves the clock in 100 ms steps
// until it is registered. The master's registry is kept under the same directory;
// "restart-master" terminates the master process (not the runtime: the agent lives
// on it) and starts one with a new id ("walk2") on that registry. While a recovered
// agent has not re-registered, the master does not answer a RECONCILE of an unknown
// task without an agent id, so the barrier reconciliations of a re-subscribed
// framework name an agent id nobody has (the master answers TASK_UNKNOWN, hidden).
package walkthroughs
