package observe

// Kind is the kind of a process event, named as in libprocess's event.hpp.
type Kind uint8

// The five libprocess event kinds (3rdparty/libprocess/include/process/event.hpp).
const (
	KindMessage   Kind = iota // MessageEvent: a named message from another process
	KindDispatch              // DispatchEvent: a function dispatched onto the process
	KindHTTP                  // HttpEvent: an HTTP request routed to the process
	KindExited                // ExitedEvent: a linked process terminated or its connection broke
	KindTerminate             // TerminateEvent: the process is asked to terminate
)

var kindNames = [...]string{"MESSAGE", "DISPATCH", "HTTP", "EXITED", "TERMINATE"}

// String returns the libprocess name of the kind ("MESSAGE", "DISPATCH", ...), the string
// /__processes__ prints in its "type" field.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "UNKNOWN"
}

// Header carries cross-cutting context with an event, such as the W3C "traceparent" and
// "tracestate" entries. It is nil unless an observer sets it. Over the wire every entry is
// sent as an HTTP header of the libprocess-format POST.
type Header map[string]string

// Dispatch describes one event being handled by a process. The runtime owns it and reuses
// it; observers may keep what they copy out of it, and may set Span.
type Dispatch struct {
	// Process is the id of the handling process, e.g. "master" or "slave(1)".
	Process string
	// Kind is the event kind.
	Kind Kind
	// Name is the message name for MESSAGE ("mesos.internal.RunTaskMessage"), the
	// dispatch name for DISPATCH ("generateOffers"), the URL path for HTTP, and the
	// exited process for EXITED.
	Name string
	// From is the sender's PID in text form, if known.
	From string
	// Header is the context the event carries (nil when none).
	Header Header
	// Enqueued, Begin and End are monotonic nanoseconds (see the runtime's Nanotime).
	// Enqueued is set when the observer asked for NeedTimes or NeedQueueTimes, Begin and
	// End when it asked for NeedTimes; otherwise they may be zero (a runtime that times
	// its handlers for its own statistics fills them in anyway). End is set before
	// DispatchEnd.
	Enqueued, Begin, End int64
	// Worker is the index of the worker goroutine running the handler.
	Worker int
	// Handler is the entry PC of the Go function handling the event: the function
	// given to process.Install, Dispatch, DispatchFuture, Do, Defer or Delay, or the
	// route's handler; 0 when the runtime does not know it (EXITED, TERMINATE). It is
	// set before DispatchBegin for MESSAGE and DISPATCH, and before DispatchEnd for
	// HTTP. Resolve it off the hot path (runtime.FuncForPC).
	Handler uintptr
	// Span is free for the observer: set in DispatchBegin, read in DispatchEnd.
	Span any
}

// QueueWait returns how long the event waited in the process's queue, in nanoseconds, or 0
// when times were not recorded.
func (d *Dispatch) QueueWait() int64 {
	if d.Enqueued == 0 || d.Begin < d.Enqueued {
		return 0
	}
	return d.Begin - d.Enqueued
}

// Message describes a message or dispatch being sent.
type Message struct {
	// Kind is KindMessage or KindDispatch.
	Kind Kind
	// Name is the message or dispatch name.
	Name string
	// From and To are PIDs in text form; From is empty when the sender is not a process.
	From, To string
	// Remote is true when the message leaves this OS process.
	Remote bool
	// Header is where the observer injects context; it is nil until the observer sets it.
	Header Header
}

// Event is a point event: something that happened at an instant, such as an offer being
// made or a container changing state.
type Event struct {
	// Type names the event, e.g. "offer.created", "container.state", "task.status".
	Type string
	// Time is the wall-clock time of the event in Unix nanoseconds (the runtime's clock,
	// which tests may pause).
	Time int64
	// Attrs are the event's attributes as key/value pairs.
	Attrs []Attr
}

// Attr is one key/value attribute of an Event.
type Attr struct {
	Key   string
	Value string
}

// Get returns the value of the first attribute named key.
func (e Event) Get(key string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}
