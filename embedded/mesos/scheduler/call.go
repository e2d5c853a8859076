package scheduler

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// Call is mesos.v1.scheduler.Call: what a framework POSTs to
// /api/v1/scheduler. Type selects the body; FrameworkID is required for
// every call but SUBSCRIBE.
type Call struct {
	FrameworkID                *mesos.FrameworkID          `json:"framework_id,omitempty"`
	Type                       CallType                    `json:"type,omitempty"`
	Subscribe                  *Subscribe                  `json:"subscribe,omitempty"`
	Accept                     *Accept                     `json:"accept,omitempty"`
	Decline                    *Decline                    `json:"decline,omitempty"`
	AcceptInverseOffers        *AcceptInverseOffers        `json:"accept_inverse_offers,omitempty"`
	DeclineInverseOffers       *DeclineInverseOffers       `json:"decline_inverse_offers,omitempty"`
	Revive                     *Revive                     `json:"revive,omitempty"`
	Kill                       *Kill                       `json:"kill,omitempty"`
	Shutdown                   *Shutdown                   `json:"shutdown,omitempty"`
	Acknowledge                *Acknowledge                `json:"acknowledge,omitempty"`
	AcknowledgeOperationStatus *AcknowledgeOperationStatus `json:"acknowledge_operation_status,omitempty"`
	Reconcile                  *Reconcile                  `json:"reconcile,omitempty"`
	ReconcileOperations        *ReconcileOperations        `json:"reconcile_operations,omitempty"`
	Message                    *Message                    `json:"message,omitempty"`
	Request                    *Request                    `json:"request,omitempty"`
	Suppress                   *Suppress                   `json:"suppress,omitempty"`
	UpdateFramework            *UpdateFramework            `json:"update_framework,omitempty"`
}

// DecodeCall decodes a JSON Call. It does not validate it: call Validate.
// Unknown members are ignored, as stout's parser ignores them; an unknown
// enum name is an error naming the field.
func DecodeCall(data []byte) (*Call, error) {
	var c Call
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("scheduler: decode call: %w", enum.DecodeError(err))
	}
	return &c, nil
}

// Subscribe is Call.Subscribe.
type Subscribe struct {
	FrameworkInfo    mesos.FrameworkInfo `json:"framework_info"`
	SuppressedRoles  []string            `json:"suppressed_roles,omitempty"`
	OfferConstraints *OfferConstraints   `json:"offer_constraints,omitempty"`
}

// UpdateFramework is Call.UpdateFramework (same shape as Subscribe).
type UpdateFramework struct {
	FrameworkInfo    mesos.FrameworkInfo `json:"framework_info"`
	SuppressedRoles  []string            `json:"suppressed_roles,omitempty"`
	OfferConstraints *OfferConstraints   `json:"offer_constraints,omitempty"`
}

// Accept is Call.Accept: use offers for operations; what is left is
// declined with Filters.
type Accept struct {
	OfferIDs   []mesos.OfferID        `json:"offer_ids,omitempty"`
	Operations []mesos.OfferOperation `json:"operations,omitempty"`
	Filters    *mesos.Filters         `json:"filters,omitempty"`
}

// Decline is Call.Decline.
type Decline struct {
	OfferIDs []mesos.OfferID `json:"offer_ids,omitempty"`
	Filters  *mesos.Filters  `json:"filters,omitempty"`
}

// AcceptInverseOffers is Call.AcceptInverseOffers.
type AcceptInverseOffers struct {
	InverseOfferIDs []mesos.OfferID `json:"inverse_offer_ids,omitempty"`
	Filters         *mesos.Filters  `json:"filters,omitempty"`
}

// DeclineInverseOffers is Call.DeclineInverseOffers.
type DeclineInverseOffers struct {
	InverseOfferIDs []mesos.OfferID `json:"inverse_offer_ids,omitempty"`
	Filters         *mesos.Filters  `json:"filters,omitempty"`
}

// Revive is Call.Revive; no roles means all of the framework's roles.
type Revive struct {
	Roles []string `json:"roles,omitempty"`
}

// Suppress is Call.Suppress; no roles means all of the framework's roles.
type Suppress struct {
	Roles []string `json:"roles,omitempty"`
}

// Kill is Call.Kill.
type Kill struct {
	TaskID     mesos.TaskID      `json:"task_id"`
	AgentID    *mesos.AgentID    `json:"agent_id,omitempty"`
	KillPolicy *mesos.KillPolicy `json:"kill_policy,omitempty"`
}

// Shutdown is Call.Shutdown (shut an executor down).
type Shutdown struct {
	ExecutorID mesos.ExecutorID `json:"executor_id"`
	AgentID    mesos.AgentID    `json:"agent_id"`
}

// Acknowledge is Call.Acknowledge; UUID is TaskStatus.uuid (base64).
type Acknowledge struct {
	AgentID mesos.AgentID `json:"agent_id"`
	TaskID  mesos.TaskID  `json:"task_id"`
	UUID    []byte        `json:"uuid"`
}

// AcknowledgeOperationStatus is Call.AcknowledgeOperationStatus.
type AcknowledgeOperationStatus struct {
	AgentID            *mesos.AgentID            `json:"agent_id,omitempty"`
	ResourceProviderID *mesos.ResourceProviderID `json:"resource_provider_id,omitempty"`
	UUID               []byte                    `json:"uuid"`
	OperationID        mesos.OperationID         `json:"operation_id"`
}

// Reconcile is Call.Reconcile; no tasks means implicit reconciliation.
type Reconcile struct {
	Tasks []ReconcileTask `json:"tasks,omitempty"`
}

// ReconcileTask is Call.Reconcile.Task.
type ReconcileTask struct {
	TaskID  mesos.TaskID   `json:"task_id"`
	AgentID *mesos.AgentID `json:"agent_id,omitempty"`
}

// ReconcileOperations is Call.ReconcileOperations.
type ReconcileOperations struct {
	Operations []ReconcileOperation `json:"operations,omitempty"`
}

// ReconcileOperation is Call.ReconcileOperations.Operation.
type ReconcileOperation struct {
	OperationID        mesos.OperationID         `json:"operation_id"`
	AgentID            *mesos.AgentID            `json:"agent_id,omitempty"`
	ResourceProviderID *mesos.ResourceProviderID `json:"resource_provider_id,omitempty"`
}

// Message is Call.Message (framework → executor bytes).
type Message struct {
	AgentID    mesos.AgentID    `json:"agent_id"`
	ExecutorID mesos.ExecutorID `json:"executor_id"`
	Data       []byte           `json:"data"`
}

// Request is Call.Request.
type Request struct {
	Requests []mesos.Request `json:"requests,omitempty"`
}

// CallType is scheduler Call.Type.
type CallType int32

// Call types.
const (
	CallUnknown                    CallType = 0
	CallSubscribe                  CallType = 1
	CallTeardown                   CallType = 2
	CallAccept                     CallType = 3
	CallDecline                    CallType = 4
	CallAcceptInverseOffers        CallType = 13
	CallDeclineInverseOffers       CallType = 14
	CallRevive                     CallType = 5
	CallKill                       CallType = 6
	CallShutdown                   CallType = 7
	CallAcknowledge                CallType = 8
	CallAcknowledgeOperationStatus CallType = 15
	CallReconcile                  CallType = 9
	CallReconcileOperations        CallType = 16
	CallMessage                    CallType = 10
	CallRequest                    CallType = 11
	CallSuppress                   CallType = 12
	CallUpdateFramework            CallType = 17
)

var callTypeEnum = enum.New("scheduler.Call.Type", map[int32]string{
	int32(0):  "UNKNOWN",
	int32(1):  "SUBSCRIBE",
	int32(2):  "TEARDOWN",
	int32(3):  "ACCEPT",
	int32(4):  "DECLINE",
	int32(13): "ACCEPT_INVERSE_OFFERS",
	int32(14): "DECLINE_INVERSE_OFFERS",
	int32(5):  "REVIVE",
	int32(6):  "KILL",
	int32(7):  "SHUTDOWN",
	int32(8):  "ACKNOWLEDGE",
	int32(15): "ACKNOWLEDGE_OPERATION_STATUS",
	int32(9):  "RECONCILE",
	int32(16): "RECONCILE_OPERATIONS",
	int32(10): "MESSAGE",
	int32(11): "REQUEST",
	int32(12): "SUPPRESS",
	int32(17): "UPDATE_FRAMEWORK",
})

// String returns the Mesos name of the value ("scheduler.Call.Type(<n>)" if unknown).
func (x CallType) String() string { return callTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x CallType) IsKnown() bool { return callTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x CallType) MarshalText() ([]byte, error) { return callTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *CallType) UnmarshalText(b []byte) error {
	v, err := callTypeEnum.Unmarshal(b, reflect.TypeFor[CallType]())
	if err != nil {
		return err
	}
	*x = CallType(v)
	return nil
}
