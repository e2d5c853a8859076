package inspector

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// Event types in a libprocess process's queue (3rdparty/libprocess/include/process/
// event.hpp, Event::operator JSON::Object).
const (
	EventMessage   = "MESSAGE"
	EventHTTP      = "HTTP"
	EventDispatch  = "DISPATCH"
	EventExited    = "EXITED"
	EventTerminate = "TERMINATE"
)

// MaxActorEvents bounds how many queued events an Actor keeps verbatim; the counts
// always cover the whole queue.
const MaxActorEvents = 32

// ActorEvent is one pending event in an actor's queue.
type ActorEvent struct {
	Type string `json:"type"`
	// Name, From and To are set for MESSAGE events.
	Name string `json:"name,omitempty"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// BodyBytes is the length of the message body (raw protobuf bytes in a JSON
	// string on real Mesos; kept out of the view).
	BodyBytes int `json:"body_bytes,omitempty"`
	// Method and URL are set for HTTP events.
	Method string `json:"method,omitempty"`
	URL    string `json:"url,omitempty"`
	// Timestamp is when the event was enqueued; only mesoscope's runtime reports
	// it, real libprocess does not.
	Timestamp time.Time `json:"timestamp,omitzero"`
}

// Actor is one libprocess process with a summary of its pending event queue, from
// /__processes__ (ProcessManager::__processes__, 3rdparty/libprocess/src/process.cpp).
type Actor struct {
	ID         string `json:"id"`
	QueueDepth int    `json:"queue_depth"`
	// Counts counts pending events by type (MESSAGE, HTTP, DISPATCH, EXITED,
	// TERMINATE, or whatever else the payload names).
	Counts map[string]int `json:"counts,omitempty"`
	// Messages counts pending MESSAGE events by message name.
	Messages map[string]int `json:"messages,omitempty"`
	// HTTP counts pending HTTP events by "METHOD path".
	HTTP map[string]int `json:"http,omitempty"`
	// Oldest is the earliest event timestamp, zero when the payload has none.
	Oldest time.Time `json:"oldest,omitzero"`
	// Events holds the first MaxActorEvents events in queue order.
	Events []ActorEvent `json:"events,omitempty"`

	// OldestAge, Handled and Busy come from mesoscope's /mesoscope/v1/processes
	// (absent on real Mesos): how long the oldest pending event has waited, events
	// handled by type since spawn, and total handler time.
	OldestAge time.Duration     `json:"oldest_age,omitempty"`
	Handled   map[string]uint64 `json:"handled,omitempty"`
	Busy      time.Duration     `json:"busy,omitempty"`
}

// DeepCopy returns a copy sharing no memory with a.
func (a Actor) DeepCopy() Actor {
	c := a
	c.Counts = maps.Clone(a.Counts)
	c.Messages = maps.Clone(a.Messages)
	c.HTTP = maps.Clone(a.HTTP)
	c.Events = slices.Clone(a.Events)
	c.Handled = maps.Clone(a.Handled)
	return c
}

// Age returns how long the oldest event has waited at now: from its timestamp
// when the payload had one, else mesoscope's reported age, else 0.
func (a Actor) Age(now time.Time) time.Duration {
	if a.Oldest.IsZero() || now.Before(a.Oldest) {
		return a.OldestAge
	}
	return now.Sub(a.Oldest)
}

// DecodeProcesses decodes /__processes__: a JSON array of {"id", "events": [...]}.
// Actors are returned by queue depth, deepest first, then by id. Message bodies
// (raw protobuf bytes inside JSON strings) are measured and dropped.
func DecodeProcesses(data []byte) ([]Actor, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Array {
		return nil, fmt.Errorf("decode processes: %w: top level is %s, want array", ErrNotMesos, s.Peek())
	}
	var actors []Actor
	s.Array(func(int) {
		if s.Peek() != jsonscan.Object {
			s.Skip()
			return
		}
		actors = append(actors, readActor(s))
	})
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode processes: %w", err)
	}
	slices.SortStableFunc(actors, func(a, b Actor) int {
		if c := cmp.Compare(b.QueueDepth, a.QueueDepth); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return actors, nil
}

func readActor(s *jsonscan.Scanner) Actor {
	var a Actor
	s.Object(func(k []byte) {
		switch string(k) {
		case "id":
			a.ID = s.String()
		case "events":
			s.Array(func(int) {
				e := readActorEvent(s)
				a.QueueDepth++
				if a.Counts == nil {
					a.Counts = map[string]int{}
				}
				typ := e.Type
				if typ == "" {
					typ = "UNKNOWN"
				}
				a.Counts[typ]++
				switch e.Type {
				case EventMessage:
					if a.Messages == nil {
						a.Messages = map[string]int{}
					}
					a.Messages[e.Name]++
				case EventHTTP:
					if a.HTTP == nil {
						a.HTTP = map[string]int{}
					}
					a.HTTP[e.Method+" "+urlPath(e.URL)]++
				}
				if !e.Timestamp.IsZero() && (a.Oldest.IsZero() || e.Timestamp.Before(a.Oldest)) {
					a.Oldest = e.Timestamp
				}
				if len(a.Events) < MaxActorEvents {
					a.Events = append(a.Events, e)
				}
			})
		}
	})
	return a
}

func readActorEvent(s *jsonscan.Scanner) ActorEvent {
	var e ActorEvent
	s.Object(func(k []byte) {
		switch string(k) {
		case "type":
			e.Type = s.String()
		case "name":
			e.Name = s.String()
		case "from":
			e.From = s.String()
		case "to":
			e.To = s.String()
		case "body":
			e.BodyBytes = len(s.Bytes())
		case "method":
			e.Method = s.String()
		case "url":
			e.URL = s.String()
		case "timestamp", "time", "enqueued_at":
			e.Timestamp = readTime(s)
		}
	})
	return e
}

// urlPath strips the query from a request URL for grouping.
func urlPath(u string) string {
	for i := 0; i < len(u); i++ {
		if u[i] == '?' {
			return u[:i]
		}
	}
	return u
}
