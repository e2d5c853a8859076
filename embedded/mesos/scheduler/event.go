package scheduler

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// Event is mesos.v1.scheduler.Event: one record of the SUBSCRIBE stream.
type Event struct {
	Type                  EventType              `json:"type,omitempty"`
	Subscribed            *Subscribed            `json:"subscribed,omitempty"`
	Offers                *Offers                `json:"offers,omitempty"`
	InverseOffers         *InverseOffers         `json:"inverse_offers,omitempty"`
	Rescind               *Rescind               `json:"rescind,omitempty"`
	RescindInverseOffer   *RescindInverseOffer   `json:"rescind_inverse_offer,omitempty"`
	Update                *Update                `json:"update,omitempty"`
	UpdateOperationStatus *UpdateOperationStatus `json:"update_operation_status,omitempty"`
	Message               *FrameworkMessage      `json:"message,omitempty"`
	Failure               *Failure               `json:"failure,omitempty"`
	Error                 *Error                 `json:"error,omitempty"`
}

// DecodeEvent decodes a JSON Event.
func DecodeEvent(data []byte) (*Event, error) {
	var e Event
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("scheduler: decode event: %w", enum.DecodeError(err))
	}
	return &e, nil
}

// Subscribed is Event.Subscribed.
type Subscribed struct {
	FrameworkID              mesos.FrameworkID `json:"framework_id"`
	HeartbeatIntervalSeconds *float64          `json:"heartbeat_interval_seconds,omitempty"`
	MasterInfo               *mesos.MasterInfo `json:"master_info,omitempty"`
}

// Offers is Event.Offers.
type Offers struct {
	Offers []mesos.Offer `json:"offers,omitempty"`
}

// InverseOffers is Event.InverseOffers.
type InverseOffers struct {
	InverseOffers []mesos.InverseOffer `json:"inverse_offers,omitempty"`
}

// Rescind is Event.Rescind.
type Rescind struct {
	OfferID mesos.OfferID `json:"offer_id"`
}

// RescindInverseOffer is Event.RescindInverseOffer.
type RescindInverseOffer struct {
	InverseOfferID mesos.OfferID `json:"inverse_offer_id"`
}

// Update is Event.Update.
type Update struct {
	Status mesos.TaskStatus `json:"status"`
}

// UpdateOperationStatus is Event.UpdateOperationStatus.
type UpdateOperationStatus struct {
	Status mesos.OperationStatus `json:"status"`
}

// FrameworkMessage is Event.Message (executor → framework bytes).
type FrameworkMessage struct {
	AgentID    mesos.AgentID    `json:"agent_id"`
	ExecutorID mesos.ExecutorID `json:"executor_id"`
	Data       []byte           `json:"data"`
}

// Failure is Event.Failure: an agent or an executor was lost.
type Failure struct {
	AgentID    *mesos.AgentID    `json:"agent_id,omitempty"`
	ExecutorID *mesos.ExecutorID `json:"executor_id,omitempty"`
	Status     *int32            `json:"status,omitempty"`
}

// Error is Event.Error.
type Error struct {
	Message string `json:"message"`
}

// EventType is scheduler Event.Type.
type EventType int32

// Event types.
const (
	EventUnknown               EventType = 0
	EventSubscribed            EventType = 1
	EventOffers                EventType = 2
	EventInverseOffers         EventType = 9
	EventRescind               EventType = 3
	EventRescindInverseOffer   EventType = 10
	EventUpdate                EventType = 4
	EventUpdateOperationStatus EventType = 11
	EventMessage               EventType = 5
	EventFailure               EventType = 6
	EventError                 EventType = 7
	EventHeartbeat             EventType = 8
)

var eventTypeEnum = enum.New("scheduler.Event.Type", map[int32]string{
	int32(0):  "UNKNOWN",
	int32(1):  "SUBSCRIBED",
	int32(2):  "OFFERS",
	int32(9):  "INVERSE_OFFERS",
	int32(3):  "RESCIND",
	int32(10): "RESCIND_INVERSE_OFFER",
	int32(4):  "UPDATE",
	int32(11): "UPDATE_OPERATION_STATUS",
	int32(5):  "MESSAGE",
	int32(6):  "FAILURE",
	int32(7):  "ERROR",
	int32(8):  "HEARTBEAT",
})

// String returns the Mesos name of the value ("scheduler.Event.Type(<n>)" if unknown).
func (x EventType) String() string { return eventTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x EventType) IsKnown() bool { return eventTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x EventType) MarshalText() ([]byte, error) { return eventTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *EventType) UnmarshalText(b []byte) error {
	v, err := eventTypeEnum.Unmarshal(b, reflect.TypeFor[EventType]())
	if err != nil {
		return err
	}
	*x = EventType(v)
	return nil
}
