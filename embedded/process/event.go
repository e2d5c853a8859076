package process

import (
	"fmt"
	"unsafe"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// EventKind is the kind of a queued event; the five kinds are libprocess's.
type EventKind = observe.Kind

// The five event kinds (3rdparty/libprocess/include/process/event.hpp).
const (
	MessageEvent   = observe.KindMessage
	DispatchEvent  = observe.KindDispatch
	HTTPEvent      = observe.KindHTTP
	ExitedEvent    = observe.KindExited
	TerminateEvent = observe.KindTerminate
)

// task is the body of a DISPATCH event: a function to run on the process, and what to do
// if the event is purged instead (abandon its future).
type task interface {
	run()
	abandon()
	fail(err error)
	// pc is the entry PC of the function the task runs, for observers
	// (observe.Dispatch.Handler).
	pc() uintptr
}

// funcTask is a dispatch without a result.
type funcTask func()

func (f funcTask) run()        { f() }
func (f funcTask) abandon()    {}
func (f funcTask) fail(error)  {}
func (f funcTask) pc() uintptr { return codePC(unsafe.Pointer(&f)) }

// codePC returns the entry PC of the func value stored at fv (a pointer to a variable of
// any func type), or 0 for a nil func. A Go func value is a pointer to a closure record
// whose first word is the code pointer; reading it costs two loads and no allocation
// (reflect.Value.Pointer returns the same PC).
func codePC(fv unsafe.Pointer) uintptr {
	closure := *(*unsafe.Pointer)(fv)
	if closure == nil {
		return 0
	}
	return *(*uintptr)(closure)
}

// event is one entry of a process's queue. It is stored by value, so enqueueing a
// message with a pointer body allocates nothing.
//
// It is kept to 64 bytes (one cache line): the sender is a pointer to its PID (a process's
// own PID is stable for its lifetime) and the body holds the MESSAGE body, the DISPATCH
// task or the HTTP request.
type event struct {
	kind   EventKind
	inject bool // TERMINATE: purge events queued before it
	name   string
	from   *sender // MESSAGE: sender; EXITED: the process that exited; nil if none
	body   any     // MESSAGE: body (Go value, or []byte from the wire); DISPATCH: task; HTTP: *httpEvent
	header observe.Header
	stamp  int64 // Runtime.Nanotime at enqueue, when recorded; 0 otherwise
}

// sender returns the sender's PID, or the zero PID.
func (e *event) sender() PID {
	if e.from == nil {
		return PID{}
	}
	return e.from.pid
}

// sender is a PID with its text form, computed once: a local process's own sender
// lives in its proc for its whole life, so events point at it and observers get the
// text without formatting a PID per event.
type sender struct {
	pid  PID
	text string
}

func newSender(pid PID) *sender { return &sender{pid: pid, text: pid.String()} }

// task returns a DISPATCH event's task.
func (e *event) task() task {
	t, _ := e.body.(task)
	return t
}

// http returns an HTTP event's request.
func (e *event) http() *httpEvent {
	h, _ := e.body.(*httpEvent)
	return h
}

// purge releases what a dropped event holds: a dispatch's future is abandoned and an HTTP
// request is answered 500, as libprocess's ~HttpEvent does.
func (e *event) purge() {
	switch e.kind {
	case DispatchEvent:
		if t := e.task(); t != nil {
			t.abandon()
		}
	case HTTPEvent:
		if h := e.http(); h != nil {
			h.answer(InternalServerError("process terminated before handling the request"))
		}
	}
}

// failPanic answers an event whose handler panicked: a dispatch's future fails and an HTTP
// request gets 500.
func (e *event) failPanic(id string, r any) {
	err := fmt.Errorf("process: %s: handler panicked: %v", id, r)
	switch e.kind {
	case DispatchEvent:
		if t := e.task(); t != nil {
			t.fail(err)
		}
	case HTTPEvent:
		if h := e.http(); h != nil {
			h.answer(InternalServerError(err.Error()))
		}
	}
}
