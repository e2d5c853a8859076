package observe

// Observer receives the runtime's hooks. Implementations must be safe for concurrent use:
// hooks for different processes run on different worker goroutines at the same time. Hooks
// must not block, and must not keep the pointers they are passed after they return.
//
// Embed Nop to implement only some hooks.
type Observer interface {
	// Needs reports which hooks the observer wants. The runtime reads it once, when the
	// observer is installed, and never calls a hook the observer did not ask for.
	Needs() Needs

	// DispatchBegin is called on the worker goroutine just before a process handles one
	// event. The observer may store its own per-dispatch state in d.Span; the same d is
	// passed to DispatchEnd.
	DispatchBegin(d *Dispatch)

	// DispatchEnd is called on the same goroutine right after the handler returns.
	DispatchEnd(d *Dispatch)

	// MessageSend is called on the sender's goroutine before a message (or a dispatch)
	// is enqueued or put on the wire. parent is the dispatch during which the send
	// happens, or nil when the sender is not a process (only for an observer that asks
	// for NeedOutsideSends). The observer may set entries in
	// m.Header (for example "traceparent"); the header travels with the event and comes
	// back as Dispatch.Header on the receiving side, also across OS processes.
	MessageSend(parent *Dispatch, m *Message)

	// Event is called for point events (offers, allocation decisions, container and
	// task state changes). parent is the dispatch during which it happened, or nil.
	Event(parent *Dispatch, e Event)
}

// Needs is a set of hooks an Observer wants.
type Needs uint8

// The hooks an Observer can ask for.
const (
	// NeedDispatch asks for DispatchBegin and DispatchEnd.
	NeedDispatch Needs = 1 << iota
	// NeedTimes asks the runtime to fill in Dispatch.Enqueued, Begin and End. It costs
	// a monotonic clock read at enqueue, begin and end of every event.
	NeedTimes
	// NeedMessages asks for MessageSend.
	NeedMessages
	// NeedEvents asks for Event.
	NeedEvents
	// NeedQueueTimes asks the runtime to fill in Dispatch.Enqueued only: one clock read
	// per event, at enqueue. An observer that times only some dispatches (a sampling
	// tracer) asks for this and reads the clock itself, on the runtime's epoch, at the
	// begin and end of the dispatches it keeps.
	NeedQueueTimes
	// NeedOutsideSends asks for MessageSend also for sends made outside any dispatch
	// (parent nil). Without it the runtime calls MessageSend only for sends made by a
	// handler, and a send from outside carries no header.
	NeedOutsideSends
	// NeedHeaderDispatch asks for DispatchBegin and DispatchEnd only around events
	// that carry a header (Dispatch.Header non-nil: their sender's observer gave them
	// a context). NeedDispatch asks for every event. During an event without hooks,
	// MessageSend and Event get a parent whose Span is nil: treat it as no dispatch.
	NeedHeaderDispatch

	// NeedAll asks for every hook.
	NeedAll = NeedDispatch | NeedTimes | NeedMessages | NeedEvents | NeedQueueTimes | NeedOutsideSends
)

// Dispatches reports whether an observer with these needs wants DispatchBegin and
// DispatchEnd around an event whose header is h.
func (n Needs) Dispatches(h Header) bool {
	return n&NeedDispatch != 0 || n&NeedHeaderDispatch != 0 && h != nil
}

// Has reports whether n includes every hook in want.
func (n Needs) Has(want Needs) bool { return n&want == want }

// Nop is an Observer that wants nothing and does nothing. Embed it to implement only some
// hooks (and override Needs).
type Nop struct{}

var _ Observer = Nop{}

// Needs returns 0: Nop wants no hooks.
func (Nop) Needs() Needs { return 0 }

// DispatchBegin does nothing.
func (Nop) DispatchBegin(*Dispatch) {}

// DispatchEnd does nothing.
func (Nop) DispatchEnd(*Dispatch) {}

// MessageSend does nothing.
func (Nop) MessageSend(*Dispatch, *Message) {}

// Event does nothing.
func (Nop) Event(*Dispatch, Event) {}
