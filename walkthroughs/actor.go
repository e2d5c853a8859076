package walkthroughs

import (
	"fmt"
	"sync"

	"github.com/mesoscope/mesoscope/embedded/process"
)

// transcript is what the demo actors did, in the order they did it. Actors append to it
// from worker goroutines; the tour prints what was appended since the last command.
type transcript struct {
	mu    sync.Mutex
	lines []string
	read  int
}

func (t *transcript) add(format string, args ...any) {
	t.mu.Lock()
	t.lines = append(t.lines, fmt.Sprintf(format, args...))
	t.mu.Unlock()
}

// count returns the number of lines so far.
func (t *transcript) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.lines)
}

// take returns the lines added since the last take.
func (t *transcript) take() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]string(nil), t.lines[t.read:]...)
	t.read = len(t.lines)
	return out
}

// actor is the libprocess tour's demo process: it counts pings, adds numbers on
// dispatch, can be held inside a handler (so that its mailbox fills up while a worker
// is busy with it), and says what it does in the transcript.
type actor struct {
	process.Base
	name string
	tr   *transcript
	obs  *recorder

	// Owned by the actor's handlers.
	pings int
	total int

	// gate holds the actor inside its "block" handler until closed; entered is closed
	// once the handler runs. Both are set by block() before the dispatch.
	gate    chan struct{}
	entered chan struct{}
}

func newActor(name string, tr *transcript, obs *recorder) *actor {
	a := &actor{name: name, tr: tr, obs: obs}
	process.Install(&a.Base, "ping", func(from process.PID, _ struct{}) {
		a.pings++
		a.tr.add("%s: ping #%d from %s", a.name, a.pings, sender(from))
	})
	return a
}

// sender renders a message's from: empty for a message posted from outside any process
// (libprocess's post()).
func sender(from process.PID) string {
	if from.IsZero() {
		return "(outside any process)"
	}
	return from.ID
}

// Initialize is libprocess's initialize(): the first thing a spawned process runs.
func (a *actor) Initialize() { a.tr.add("%s: initialize()", a.name) }

// Finalize is libprocess's finalize(): run when the TERMINATE event is served.
func (a *actor) Finalize() { a.tr.add("%s: finalize()", a.name) }

// Exited is libprocess's exited(pid): a linked process terminated.
func (a *actor) Exited(pid process.PID) { a.tr.add("%s: exited(%s)", a.name, pid) }

// block runs on the actor: it holds its worker until the gate opens.
func (a *actor) block() {
	a.tr.add("%s: block: holding its worker until released", a.name)
	close(a.entered)
	<-a.gate
	a.tr.add("%s: released", a.name)
}

// add runs on the actor as a dispatch and returns the new total.
func (a *actor) add(n int) (int, error) {
	a.total += n
	a.tr.add("%s: add(%d) = %d", a.name, n, a.total)
	return a.total, nil
}
