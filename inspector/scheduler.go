package inspector

import (
	"fmt"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// SchedulerEvent is a v1 scheduler API event (include/mesos/v1/scheduler/
// scheduler.proto Event), decoded for display: the inspector does not subscribe as
// a framework, but mesoscope's tracer and walkthroughs show these records.
type SchedulerEvent struct {
	Type              string        `json:"type"`
	FrameworkID       string        `json:"framework_id,omitempty"`
	HeartbeatInterval time.Duration `json:"heartbeat_interval,omitempty"`
	Offers            []Offer       `json:"offers,omitempty"`
	Status            *TaskStatus   `json:"status,omitempty"`
	OfferID           string        `json:"offer_id,omitempty"`
	Message           string        `json:"message,omitempty"`
}

// DecodeSchedulerEvent decodes one scheduler event record (SUBSCRIBED, OFFERS,
// RESCIND, UPDATE, MESSAGE, FAILURE, ERROR, HEARTBEAT; others keep only the type).
func DecodeSchedulerEvent(data []byte) (SchedulerEvent, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return SchedulerEvent{}, fmt.Errorf("decode scheduler event: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	var e SchedulerEvent
	s.Object(func(k []byte) {
		switch string(k) {
		case "type":
			e.Type = s.String()
		case "subscribed":
			s.Object(func(k []byte) {
				switch string(k) {
				case "framework_id":
					e.FrameworkID = readID(s)
				case "heartbeat_interval_seconds":
					e.HeartbeatInterval = readDurationSeconds(s)
				}
			})
		case "offers":
			// v1 puts the list directly here; the pre-1.0 shape nests it.
			if s.Peek() == jsonscan.Object {
				s.Object(func(k []byte) {
					if string(k) == "offers" {
						s.Array(func(int) { e.Offers = append(e.Offers, readOffer(s)) })
					}
				})
				return
			}
			s.Array(func(int) { e.Offers = append(e.Offers, readOffer(s)) })
		case "update":
			s.Object(func(k []byte) {
				if string(k) == "status" {
					st := readTaskStatus(s)
					e.Status = &st
				}
			})
		case "rescind":
			s.Object(func(k []byte) {
				if string(k) == "offer_id" {
					e.OfferID = readID(s)
				}
			})
		case "error", "message":
			s.Object(func(k []byte) {
				if string(k) == "message" || string(k) == "data" {
					e.Message = s.String()
				}
			})
		}
	})
	if err := s.Finish(); err != nil {
		return SchedulerEvent{}, fmt.Errorf("decode scheduler event: %w", err)
	}
	if e.Type == "" {
		return SchedulerEvent{}, fmt.Errorf("decode scheduler event: %w: no \"type\"", ErrNotMesos)
	}
	return e, nil
}

// Call is a v1 scheduler or operator API call, decoded for display. Only SUBSCRIBE
// carries data here: the subscribing framework and its suppressed roles.
type Call struct {
	Type      string     `json:"type"`
	Framework *Framework `json:"framework,omitempty"`
}

// DecodeCall decodes a scheduler (/api/v1/scheduler) or operator (/api/v1) call body.
func DecodeCall(data []byte) (Call, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return Call{}, fmt.Errorf("decode call: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	var c Call
	s.Object(func(k []byte) {
		switch string(k) {
		case "type":
			c.Type = s.String()
		case "subscribe":
			var f Framework
			s.Object(func(k []byte) {
				switch string(k) {
				case "framework_info":
					readFrameworkInfo(s, &f)
				case "suppressed_roles":
					f.SuppressedRoles = readStrings(s)
				}
			})
			if len(f.Roles) == 0 {
				f.Roles = []string{"*"}
			}
			c.Framework = &f
		}
	})
	if err := s.Finish(); err != nil {
		return Call{}, fmt.Errorf("decode call: %w", err)
	}
	if c.Type == "" {
		return Call{}, fmt.Errorf("decode call: no \"type\"")
	}
	return c, nil
}
