package walkthroughs

import (
	"sync"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// served is one event a demo actor handled, as the runtime's observer hook saw it.
type served struct {
	Process string
	Kind    string
	Name    string
	Worker  int
}

// recorder is an observe.Observer that records the events the tour's demo actors
// serve (which worker, which kind) and which of them is inside a handler right now,
// so that a future's callback can say whose handler it ran in. Built-in processes are
// ignored.
type recorder struct {
	observe.Nop

	mu      sync.Mutex
	watched map[string]bool
	events  []served
	read    int
	running map[string]string // process -> event name, while its handler runs
}

func newRecorder() *recorder {
	return &recorder{watched: map[string]bool{}, running: map[string]string{}}
}

// Needs asks for the dispatch hooks only.
func (r *recorder) Needs() observe.Needs { return observe.NeedDispatch }

func (r *recorder) watch(id string) {
	r.mu.Lock()
	r.watched[id] = true
	r.mu.Unlock()
}

// DispatchBegin records an event a watched process starts to handle.
func (r *recorder) DispatchBegin(d *observe.Dispatch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.watched[d.Process] || d.Name == syncName {
		return // the tour's own barriers are not part of the story
	}
	r.events = append(r.events, served{Process: d.Process, Kind: d.Kind.String(), Name: d.Name, Worker: d.Worker})
	r.running[d.Process] = eventLabel(d.Kind.String(), d.Name)
}

// DispatchEnd notes that the handler returned.
func (r *recorder) DispatchEnd(d *observe.Dispatch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.watched[d.Process] && d.Name != syncName {
		delete(r.running, d.Process)
	}
}

// take returns the events recorded since the last take.
func (r *recorder) take() []served {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]served(nil), r.events[r.read:]...)
	r.read = len(r.events)
	return out
}

// inHandler returns the watched processes inside a handler now, with the event.
func (r *recorder) inHandler() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]string, len(r.running))
	for k, v := range r.running {
		out[k] = v
	}
	return out
}

func eventLabel(kind, name string) string {
	if name == "" {
		return kind
	}
	return kind + " " + name
}
