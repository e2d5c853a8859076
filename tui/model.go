package tui

import (
	"time"

	"github.com/mesoscope/mesoscope/inspector"
)

// connPhase is where the connection to the master stands.
type connPhase uint8

// Connection phases, shown in the header.
const (
	connConnecting connPhase = iota // no answer yet
	connConnected                   // the last read succeeded
	connRetrying                    // the last read failed; retrying with backoff
)

func (p connPhase) String() string {
	switch p {
	case connConnected:
		return "connected"
	case connRetrying:
		return "reconnecting"
	}
	return "connecting"
}

// connState describes the connection to the master for the header.
type connState struct {
	phase  connPhase
	master string
	// lastOK is when the last successful read was taken; took how long it took.
	lastOK time.Time
	took   time.Duration
	// err is the last read's error; attempt counts failures in a row; retryAt
	// is when the next try is due.
	err     string
	attempt int
	retryAt time.Time
}

// streamPhase is where the operator event stream stands.
type streamPhase uint8

// Stream phases.
const (
	streamOff         streamPhase = iota // not started
	streamSubscribing                    // connecting
	streamSubscribed                     // events flowing
	streamRetrying                       // broken; resubscribing with backoff
	streamUnsupported                    // the master has no v1 operator API (or a bundle)
)

func (p streamPhase) String() string {
	switch p {
	case streamSubscribing:
		return "subscribing"
	case streamSubscribed:
		return "subscribed"
	case streamRetrying:
		return "resubscribing"
	case streamUnsupported:
		return "unsupported"
	}
	return "off"
}

// streamState describes the SUBSCRIBE stream for the header and Events view.
type streamState struct {
	phase    streamPhase
	err      string
	received int
}

// streamEvent is one operator event as received.
type streamEvent struct {
	seq int
	at  time.Time
	ev  inspector.Event
}

// sample is one point of the Pulse sparklines.
type sample struct {
	at                       time.Time
	cpus, mem, disk, gpus    float64 // allocated
	tcpus, tmem, tdisk, tgpu float64 // total
	running, staging, failed int
	offers                   int
	allocMS                  float64 // allocator/mesos/allocation_run_ms
	queue                    float64 // master event queue: messages + dispatches + HTTP
}

// actorRate is an actor's dispatch rate and mean handler latency between two
// reads of /mesoscope/v1/processes.
type actorRate struct {
	perSec  float64
	latency time.Duration
	known   bool
}

// explainResult is the answer of the Why view for one question.
type explainResult struct {
	arg string
	q   inspector.Query
	e   *inspector.Explanation
	err string
	// note says when the exact half failed and the best-effort one answered.
	note string
}

// model is everything the TUI knows after one read of the master. It is built
// off the UI goroutine and never changed once published: renders read it
// without locks.
type model struct {
	snap *inspector.Snapshot
	ix   *inspector.Index
	// now is the moment ages are measured against: when the snapshot was taken.
	now  time.Time
	conn connState

	history    []sample
	offerSeen  map[string]time.Time
	actorRates map[string]actorRate

	cycles    []allocCycle
	cyclesErr string
	spans     []span
	spanTotal uint64
	spansErr  string
	// timelines are the containers' state histories from spans.
	timelines map[string]*containerTimeline
	traces    []*traceView

	explain *explainResult
	// agentsRead is set when the snapshot includes the agents' own state.
	agentsRead bool
}

// hasSnap reports whether the master has been read at least once.
func (m *model) hasSnap() bool { return m != nil && m.snap != nil }
