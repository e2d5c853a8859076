package process

import (
	"encoding/json"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// Process is anything that embeds Base. Spawn it on a Runtime to give it a PID and a
// queue; from then on its handlers run one at a time, never concurrently with each other.
type Process interface {
	base() *Base
}

// Initializer is implemented by processes with a libprocess initialize() hook: it runs
// on a worker before the process handles any event.
type Initializer interface{ Initialize() }

// Finalizer is implemented by processes with a finalize() hook: it runs when the process
// handles its TERMINATE event, before linked processes are told it exited.
type Finalizer interface{ Finalize() }

// ExitedHandler is implemented by processes that link to others: Exited runs (as an
// EXITED event) when a linked process terminates or, for a remote one, when the
// connection to its runtime breaks.
type ExitedHandler interface{ Exited(pid PID) }

// Base is the part of a process the runtime manages (libprocess ProcessBase): its PID,
// message handlers, delegates and HTTP routes. Embed it by value:
//
//	type Pinger struct {
//		process.Base
//		count int
//	}
//
// Handlers may be installed before Spawn or from the process's own handlers (typically
// Initialize); Base's methods other than Self and Runtime must only be called from the
// process's own handlers, or before it is spawned.
type Base struct {
	proc *proc
	rt   *Runtime

	handlers  map[string]*handler
	last      *handler // one-entry cache: the previous message's handler
	lastName  string
	delegates map[string]PID
	routes    map[string]*route
	dest      procCache // last destination of Send
}

func (b *Base) base() *Base { return b }

// Self returns the process's PID (zero before Spawn).
func (b *Base) Self() PID {
	if b.proc == nil {
		return PID{}
	}
	return b.proc.pid
}

// Runtime returns the runtime the process was spawned on (nil before Spawn).
func (b *Base) Runtime() *Runtime { return b.rt }

// Send sends a named message from this process (libprocess ProcessBase::send). A local
// recipient receives body as-is (do not mutate it afterwards); a remote one receives its
// encoding: []byte as is, anything else as JSON. Messages to one destination arrive in
// the order they were sent. A message to a process that does not exist is dropped.
func (b *Base) Send(to PID, name string, body any) {
	b.rt.sendCached(b.runningWorker(), &b.proc.self, to, name, body, &b.dest)
}

// runningWorker returns the worker running this process if called from one of its
// handlers, for parenting observer hooks.
func (b *Base) runningWorker() *worker {
	if b.proc == nil {
		return nil
	}
	return b.proc.current
}

// Link asks the runtime to deliver an EXITED event for pid to this process when pid
// terminates (locally) or when the connection to pid's runtime breaks (remotely). If pid
// does not exist, the EXITED event is delivered at once.
func (b *Base) Link(pid PID) {
	b.rt.link(b.proc.pid, pid)
}

// Unlink removes a link made with Link.
func (b *Base) Unlink(pid PID) {
	b.rt.links.remove(b.proc.pid, pid)
}

// Delegate forwards messages named name to another process (libprocess
// ProcessBase::delegate), used when this process has no handler of its own for them.
func (b *Base) Delegate(name string, to PID) {
	if b.delegates == nil {
		b.delegates = make(map[string]PID)
	}
	b.delegates[name] = to
}

// Event reports a point event to the runtime's observer, parented to the dispatch being
// handled. It costs nothing when no observer wants events.
func (b *Base) Event(typ string, attrs ...observe.Attr) {
	rt := b.rt
	if rt == nil || rt.needs&observe.NeedEvents == 0 {
		return
	}
	var d *observe.Dispatch
	if w := b.runningWorker(); w != nil {
		d = &w.d
	}
	rt.obs.Event(d, observe.Event{Type: typ, Time: rt.clock.Now().UnixNano(), Attrs: attrs})
}

// handler is an installed message handler: local calls receive the Go value, remote
// messages their decoded body.
type handler struct {
	call   func(from PID, body any) error
	typeOf reflect.Type
	pc     uintptr // the installed function's entry PC (observe.Dispatch.Handler)
}

// Install registers h for messages named name (libprocess ProcessBase::install). A local
// sender's body is passed to h when it has type M; a []byte body (from the wire, or a
// local sender that sent bytes) is decoded as JSON into M, unless M is []byte. A body
// that is neither is a mismatch: the message is dropped and logged, never a panic.
// Installing a name twice replaces the handler.
func Install[M any](b *Base, name string, h func(from PID, m M)) {
	if b.handlers == nil {
		b.handlers = make(map[string]*handler)
	}
	b.last, b.lastName = nil, ""
	b.handlers[name] = &handler{
		typeOf: reflect.TypeFor[M](),
		pc:     reflect.ValueOf(h).Pointer(),
		call: func(from PID, body any) error {
			if m, ok := body.(M); ok {
				h(from, m)
				return nil
			}
			raw, ok := body.([]byte)
			if !ok {
				if body == nil {
					var zero M
					h(from, zero)
					return nil
				}
				return fmt.Errorf("body has type %T, want %s", body, reflect.TypeFor[M]())
			}
			var m M
			if err := json.Unmarshal(raw, &m); err != nil {
				return fmt.Errorf("decode body as %s: %w", reflect.TypeFor[M](), err)
			}
			h(from, m)
			return nil
		},
	}
}

// lookupHandler finds the handler for a message name, with a one-entry cache keyed by the
// name's backing array (message names are usually constants, so repeated messages of one
// kind skip the map).
func (b *Base) lookupHandler(name string) *handler {
	if b.last != nil && len(name) == len(b.lastName) && unsafe.StringData(name) == unsafe.StringData(b.lastName) {
		return b.last
	}
	h := b.handlers[name]
	if h != nil {
		b.last, b.lastName = h, name
	}
	return h
}

// consumeMessage is libprocess's ProcessBase::consume(MessageEvent&&): the installed
// handler, else a delegate, else the message is dropped.
func (b *Base) consumeMessage(w *worker, e *event) {
	if h := b.lookupHandler(e.name); h != nil {
		var err error
		w.protect(b.proc, e, func() { err = h.call(e.sender(), e.body) })
		if err != nil {
			b.rt.log.Warn("dropping message", "process", b.proc.pid.ID, "message", e.name, "from", e.sender().String(), "error", err)
			b.proc.dropped.Add(1)
		}
		return
	}
	if to, ok := b.delegates[e.name]; ok {
		b.rt.send(w, e.from, to, e.name, e.body)
		return
	}
	b.proc.dropped.Add(1)
}
