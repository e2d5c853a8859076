package process

import "github.com/mesoscope/mesoscope/embedded/observe"

// Carried is a Context that outlives the handler it was made in: dispatches made through
// it, from any goroutine and at any later time, reach observers as if the handler had
// sent them (they carry the header the observer gave that handler's sends, e.g. its W3C
// traceparent). libprocess has nothing like it; mesoscope needs it where a process hands
// work to goroutines of its own and reports back through dispatches, as the
// containerizer does with each container's state transitions, so that the transitions
// of a container stay in the trace of the call that launched it.
//
// A Carried is immutable and safe for concurrent use.
type Carried struct {
	rt     *Runtime
	header observe.Header
}

// Carry returns a Context for later dispatches parented to the handler b is running now.
// Called outside b's handlers, or when no observer wants messages, it is equivalent to
// b's Runtime: dispatches through it have no parent.
func Carry(b *Base) *Carried {
	c := &Carried{rt: b.rt}
	if b.rt == nil || b.rt.needs&observe.NeedMessages == 0 {
		return c
	}
	w := b.runningWorker()
	if w == nil {
		return c
	}
	// The observer fills in the header it gives a send made now; the dispatches made
	// through c later reuse it read-only (observers never write into a header they
	// receive, see observe.Observer.MessageSend).
	c.header = b.rt.observeSend(w, observe.KindDispatch, "carry", &b.proc.self, "", false)
	return c
}

func (c *Carried) runtimeAndWorker() (*Runtime, *worker) { return c.rt, nil }

// carriedHeader returns the header a dispatch through c carries.
func (c *Carried) carriedHeader() observe.Header { return c.header }
