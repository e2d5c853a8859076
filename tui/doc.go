// Package tui is mesoscope's terminal UI: k9s for Apache Mesos. It attaches to
// any Mesos master (0.28–1.11, or mesoscope's own) through the inspector and
// shows the inspector's view models only; it never imports the embedded
// cluster, so what it shows of mesoscope's master it would show of a real one.
//
// # Views
//
//	Pulse       cluster gauges and sparklines: cpus/mem/disk/gpus allocated vs
//	            total, tasks by state, offers, allocation run time, event queues
//	Actors      libprocess processes by queue depth (/__processes__), pending
//	            events by type, oldest event, dispatch rate and handler latency
//	            (mesoscope's /mesoscope/v1/processes); Enter lists the queue
//	DRF         the role tree in DRF order with weight, quota, dominant share,
//	            allocation and frameworks, and the last allocation cycles'
//	            decisions (/mesoscope/v1/allocator)
//	Agents      used/total per agent as bars, attributes, state
//	Containers  each container's state among the containerizer's seven and its
//	            timeline (from mesoscope's spans), usage, tasks with status history
//	Frameworks, Tasks, Offers (age, declines, filters), Events (the operator
//	SUBSCRIBE stream), Traces (spans as a waterfall, /mesoscope/v1/spans) and
//	Why (the explainer for a framework, role or Marathon app).
//
// Keys follow k9s: ':' with aliases (:ct, :fw, :drf …), '/' filters by regular
// expression ('!' inverts), Enter drills in, Esc goes back along the
// breadcrumbs, '?' lists the view's keys, Shift+letter and '<' '>' sort, 'y'
// copies the selected row as JSON (OSC 52), ctrl-a lists every alias.
//
// # Threads
//
//	poller ──model──► hub ◄──page── UI goroutine (tview event loop)
//	stream ──events─►  │                 ▲
//	                   ▼                 │ QueueUpdateDraw(swap frame)
//	               renderer ─────────────┘
//
// The poller takes an inspector snapshot every Config.Refresh (and what the page
// on screen needs: agents' containers, allocation cycles, spans, an
// explanation), retrying with backoff from 1 s to 30 s while the last data stays
// on screen; the stream reader follows the operator event stream and pokes the
// poller (at most one read per 500 ms). The renderer builds the page on screen
// from the newest model, filtered and sorted, into a frame; the UI goroutine
// only swaps frames in and draws the visible rows, so keys never wait for the
// network or for a render. tview and tcell are used nowhere else.
//
// # Where it differs from Mesos and its tools
//
//   - Mesos has no TUI; the views mirror the master's web UI, the v1 operator API
//     and k9s's habits. Names, states and metric names are Mesos's.
//   - The DRF order of roles is computed as DRFSorter::sort orders siblings
//     (weighted dominant share, ties by name) from
//     allocator/mesos/roles/<role>/shares/dominant; without that metric the
//     share is estimated as max over cpus, mem, disk, gpus of allocated/total
//     divided by the weight, and marked "~". Frameworks within a role are
//     ordered by the allocator's own ranking when mesoscope serves its cycles.
//   - Containers' states come from the containerizer's transitions in
//     mesoscope's spans, remembered across reads while the TUI runs (the
//     tracer keeps only recent spans). Real Mesos does not expose them, so
//     there, and for containers started before the TUI, the state is inferred
//     from the tasks (running task: RUNNING) and marked "~".
//   - An offer's age is counted from when the TUI first saw it ("≥"): Mesos's
//     state does not carry an offer's creation time.
//   - The decoders of /mesoscope/v1/spans and /mesoscope/v1/allocator's cycles
//     live here (spans.go, cycles.go) because only the TUI reads those
//     payloads; they are fuzzed like the inspector's.
//   - Write actions (TEARDOWN, MARK_AGENT_GONE, UPDATE_WEIGHTS) exist only with
//     Config.ReadWrite and each asks first; k9s is read-write unless --readonly,
//     mesoscope is the other way round.
package tui
