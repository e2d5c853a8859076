package tui

import (
	"slices"
	"sync"
)

// hub is where the goroutines meet. The poller publishes models, the stream
// adds events, the UI says which page it shows; the renderer reads all of it.
// Every method holds the lock only to copy pointers, so the UI goroutine never
// waits on the network or on a render.
type hub struct {
	mu        sync.Mutex
	model     *model
	page      page
	need      needs
	events    []streamEvent
	evSeq     int
	maxEvents int
	stream    streamState

	// wake tells the renderer there is something new; poke tells the
	// poller to read now (a key, a page needing other data); nudge tells it
	// something changed on the master (an event), which it heeds at most
	// every minPollGap. All hold at most one signal: senders never block,
	// repeated signals coalesce.
	wake  chan struct{}
	poke  chan struct{}
	nudge chan struct{}
}

func newHub(maxEvents int) *hub {
	return &hub{maxEvents: maxEvents, wake: make(chan struct{}, 1), poke: make(chan struct{}, 1), nudge: make(chan struct{}, 1)}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// publish installs a new model and wakes the renderer.
func (h *hub) publish(m *model) {
	h.mu.Lock()
	h.model = m
	h.mu.Unlock()
	signal(h.wake)
}

// show records the page on screen and what it needs read. A page needing
// data it did not need before pokes the poller, so switching to the
// Containers view reads the agents now rather than at the next tick.
func (h *hub) show(p page, n needs) {
	h.mu.Lock()
	h.page = p
	old := h.need
	h.need = n
	h.mu.Unlock()
	signal(h.wake)
	if (n.agents && !old.agents) || (n.cycles && !old.cycles) || (n.spans && !old.spans) || n.explain != old.explain {
		signal(h.poke)
	}
}

// needs returns what the page on screen needs read.
func (h *hub) needs() needs {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.need
}

// addEvent appends an operator event to the ring. Only the Events pages
// show events, so only they are re-rendered for one.
func (h *hub) addEvent(e streamEvent) {
	h.mu.Lock()
	h.evSeq++
	e.seq = h.evSeq
	h.stream.received++
	if len(h.events) >= h.maxEvents {
		// Drop the oldest half at once: amortised O(1) per event.
		n := copy(h.events, h.events[len(h.events)-h.maxEvents/2:])
		clear(h.events[n:])
		h.events = h.events[:n]
	}
	h.events = append(h.events, e)
	shown := h.page.view == vEvents || h.page.view == vEvent
	h.mu.Unlock()
	if shown {
		signal(h.wake)
	}
}

// setStream records the stream's phase.
func (h *hub) setStream(p streamPhase, err string) {
	h.mu.Lock()
	h.stream.phase, h.stream.err = p, err
	h.mu.Unlock()
	signal(h.wake)
}

// input copies what a render needs; the events only for the pages that
// show them.
func (h *hub) input() (*model, page, []streamEvent, streamState) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var evs []streamEvent
	if h.page.view == vEvents || h.page.view == vEvent {
		evs = slices.Clone(h.events)
	}
	return h.model, h.page, evs, h.stream
}
