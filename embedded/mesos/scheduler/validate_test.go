package scheduler

import (
	"errors"
	"strings"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

func ptr[T any](v T) *T { return &v }

var (
	fwID  = &mesos.FrameworkID{Value: "fw-1"}
	uuid  = []byte("0123456789abcdef")
	agent = mesos.AgentID{Value: "a-1"}
)

func task(id string) mesos.TaskInfo {
	return mesos.TaskInfo{Name: id, TaskID: mesos.TaskID{Value: id}, AgentID: agent,
		Resources: mesos.ResourcesOf(resources.MustParse("cpus:1;mem:32")), Command: mesos.ShellCommand("true")}
}

func subscribe() *Subscribe {
	return &Subscribe{FrameworkInfo: mesos.FrameworkInfo{User: "u", Name: "n", Roles: []string{"a", "b"},
		Capabilities: []mesos.FrameworkCapability{{Type: mesos.FrameworkMultiRole}}}}
}

func TestCallValidate(t *testing.T) {
	tests := []struct {
		name    string
		call    Call
		wantErr string
	}{
		{"no type", Call{}, "scheduler: call UNKNOWN: type: expecting 'type' to be present"},
		{"undefined type", Call{Type: 99}, "scheduler: call scheduler.Call.Type(99): type: unknown value"},
		{"bad framework id", Call{Type: CallTeardown, FrameworkID: &mesos.FrameworkID{Value: "a/b"}}, "framework_id.value: 'a/b' contains invalid characters"},

		{"SUBSCRIBE", Call{Type: CallSubscribe, Subscribe: subscribe()}, ""},
		{"SUBSCRIBE resubscribe", Call{Type: CallSubscribe, FrameworkID: fwID, Subscribe: func() *Subscribe {
			s := subscribe()
			s.FrameworkInfo.ID = fwID
			return s
		}()}, ""},
		{"SUBSCRIBE missing", Call{Type: CallSubscribe}, "scheduler: call SUBSCRIBE: subscribe: expecting 'subscribe' to be present"},
		{"SUBSCRIBE id mismatch", Call{Type: CallSubscribe, FrameworkID: fwID, Subscribe: subscribe()}, "'framework_id' differs from 'subscribe.framework_info.id'"},
		{"SUBSCRIBE no user", Call{Type: CallSubscribe, Subscribe: &Subscribe{FrameworkInfo: mesos.FrameworkInfo{Name: "n"}}}, "subscribe.framework_info.user: expecting 'user' to be present"},
		{"SUBSCRIBE suppressed role unknown", Call{Type: CallSubscribe, Subscribe: func() *Subscribe {
			s := subscribe()
			s.SuppressedRoles = []string{"a", "c"}
			return s
		}()}, "subscribe.suppressed_roles[1]: suppressed role 'c' is not contained in the list of roles"},
		{"SUBSCRIBE constraints other role", Call{Type: CallSubscribe, Subscribe: func() *Subscribe {
			s := subscribe()
			s.OfferConstraints = &OfferConstraints{RoleConstraints: map[string]RoleConstraints{"z": {}}}
			return s
		}()}, `subscribe.offer_constraints.role_constraints["z"]: offer constraints specified for a role 'z'`},
		{"SUBSCRIBE constraints bad regex", Call{Type: CallSubscribe, Subscribe: func() *Subscribe {
			s := subscribe()
			s.OfferConstraints = &OfferConstraints{RoleConstraints: map[string]RoleConstraints{"a": {Groups: []ConstraintGroup{{AttributeConstraints: []AttributeConstraint{
				{Selector: Selector{AttributeName: ptr("os")}, Predicate: Predicate{TextMatches: &TextRegex{Regex: "("}}},
			}}}}}}
			return s
		}()}, `subscribe.offer_constraints.role_constraints["a"].groups[0].attribute_constraints[0].predicate.text_matches.regex: invalid regular expression`},
		{"SUBSCRIBE constraints no predicate", Call{Type: CallSubscribe, Subscribe: func() *Subscribe {
			s := subscribe()
			s.OfferConstraints = &OfferConstraints{RoleConstraints: map[string]RoleConstraints{"a": {Groups: []ConstraintGroup{{AttributeConstraints: []AttributeConstraint{
				{Selector: Selector{PseudoattributeType: ptr(PseudoattributeHostname)}},
			}}}}}}
			return s
		}()}, "predicate: exactly one predicate must be set"},

		{"TEARDOWN", Call{Type: CallTeardown, FrameworkID: fwID}, ""},
		{"TEARDOWN without framework", Call{Type: CallTeardown}, "scheduler: call TEARDOWN: framework_id: expecting 'framework_id' to be present"},

		{"ACCEPT", Call{Type: CallAccept, FrameworkID: fwID, Accept: &Accept{OfferIDs: []mesos.OfferID{{Value: "o-1"}},
			Operations: []mesos.OfferOperation{{Type: mesos.OperationLaunch, Launch: &mesos.LaunchOperation{TaskInfos: []mesos.TaskInfo{task("t")}}}},
			Filters:    &mesos.Filters{RefuseSeconds: ptr(1.0)}}}, ""},
		{"ACCEPT missing", Call{Type: CallAccept, FrameworkID: fwID}, "accept: expecting 'accept' to be present"},
		{"ACCEPT empty offer id", Call{Type: CallAccept, FrameworkID: fwID, Accept: &Accept{OfferIDs: []mesos.OfferID{{Value: "o-1"}, {Value: "o-2"}, {}}}}, "scheduler: call ACCEPT: accept.offer_ids[2]: empty value"},
		{"ACCEPT duplicate offer", Call{Type: CallAccept, FrameworkID: fwID, Accept: &Accept{OfferIDs: []mesos.OfferID{{Value: "o"}, {Value: "o"}}}}, "accept.offer_ids[1]: duplicate offer o"},
		{"ACCEPT bad task", Call{Type: CallAccept, FrameworkID: fwID, Accept: &Accept{OfferIDs: []mesos.OfferID{{Value: "o"}},
			Operations: []mesos.OfferOperation{{Type: mesos.OperationLaunch, Launch: &mesos.LaunchOperation{TaskInfos: []mesos.TaskInfo{task("t"), task("")}}}}}},
			"accept.operations[0].launch.task_infos[1].task_id.value: empty value"},
		{"ACCEPT NaN filter", Call{Type: CallAccept, FrameworkID: fwID, Accept: &Accept{OfferIDs: []mesos.OfferID{{Value: "o"}}, Filters: &mesos.Filters{RefuseSeconds: ptr(nan())}}}, "accept.filters.refuse_seconds: not a number"},
		{"ACCEPT too many offers", Call{Type: CallAccept, FrameworkID: fwID, Accept: &Accept{OfferIDs: make([]mesos.OfferID, mesos.MaxRepeated+1)}}, "accept.offer_ids: 100001 items exceed the limit of 100000"},

		{"DECLINE", Call{Type: CallDecline, FrameworkID: fwID, Decline: &Decline{OfferIDs: []mesos.OfferID{{Value: "o"}}}}, ""},
		{"DECLINE missing", Call{Type: CallDecline, FrameworkID: fwID}, "decline: expecting 'decline' to be present"},
		{"DECLINE empty id", Call{Type: CallDecline, FrameworkID: fwID, Decline: &Decline{OfferIDs: []mesos.OfferID{{}}}}, "decline.offer_ids[0]: empty value"},

		{"ACCEPT_INVERSE_OFFERS", Call{Type: CallAcceptInverseOffers, FrameworkID: fwID, AcceptInverseOffers: &AcceptInverseOffers{InverseOfferIDs: []mesos.OfferID{{Value: "i"}}}}, ""},
		{"ACCEPT_INVERSE_OFFERS missing", Call{Type: CallAcceptInverseOffers, FrameworkID: fwID}, "accept_inverse_offers: expecting"},
		{"ACCEPT_INVERSE_OFFERS empty id", Call{Type: CallAcceptInverseOffers, FrameworkID: fwID, AcceptInverseOffers: &AcceptInverseOffers{InverseOfferIDs: []mesos.OfferID{{}}}}, "accept_inverse_offers.inverse_offer_ids[0]: empty value"},
		{"DECLINE_INVERSE_OFFERS", Call{Type: CallDeclineInverseOffers, FrameworkID: fwID, DeclineInverseOffers: &DeclineInverseOffers{}}, ""},
		{"DECLINE_INVERSE_OFFERS missing", Call{Type: CallDeclineInverseOffers, FrameworkID: fwID}, "decline_inverse_offers: expecting"},

		{"REVIVE", Call{Type: CallRevive, FrameworkID: fwID}, ""},
		{"REVIVE roles", Call{Type: CallRevive, FrameworkID: fwID, Revive: &Revive{Roles: []string{"a"}}}, ""},
		{"REVIVE empty role", Call{Type: CallRevive, FrameworkID: fwID, Revive: &Revive{Roles: []string{""}}}, "revive.roles[0]: empty value"},
		{"SUPPRESS", Call{Type: CallSuppress, FrameworkID: fwID, Suppress: &Suppress{}}, ""},
		{"SUPPRESS empty role", Call{Type: CallSuppress, FrameworkID: fwID, Suppress: &Suppress{Roles: []string{"a", ""}}}, "suppress.roles[1]: empty value"},

		{"KILL", Call{Type: CallKill, FrameworkID: fwID, Kill: &Kill{TaskID: mesos.TaskID{Value: "t"}, AgentID: &agent}}, ""},
		{"KILL missing", Call{Type: CallKill, FrameworkID: fwID}, "kill: expecting 'kill' to be present"},
		{"KILL no task", Call{Type: CallKill, FrameworkID: fwID, Kill: &Kill{}}, "kill.task_id.value: empty value"},
		{"KILL bad policy", Call{Type: CallKill, FrameworkID: fwID, Kill: &Kill{TaskID: mesos.TaskID{Value: "t"},
			KillPolicy: &mesos.KillPolicy{GracePeriod: &mesos.DurationInfo{Nanoseconds: -1}}}}, "kill.kill_policy.grace_period:"},

		{"SHUTDOWN", Call{Type: CallShutdown, FrameworkID: fwID, Shutdown: &Shutdown{ExecutorID: mesos.ExecutorID{Value: "e"}, AgentID: agent}}, ""},
		{"SHUTDOWN missing", Call{Type: CallShutdown, FrameworkID: fwID}, "shutdown: expecting"},
		{"SHUTDOWN no agent", Call{Type: CallShutdown, FrameworkID: fwID, Shutdown: &Shutdown{ExecutorID: mesos.ExecutorID{Value: "e"}}}, "shutdown.agent_id.value: empty value"},

		{"ACKNOWLEDGE", Call{Type: CallAcknowledge, FrameworkID: fwID, Acknowledge: &Acknowledge{AgentID: agent, TaskID: mesos.TaskID{Value: "t"}, UUID: uuid}}, ""},
		{"ACKNOWLEDGE missing", Call{Type: CallAcknowledge, FrameworkID: fwID}, "acknowledge: expecting"},
		{"ACKNOWLEDGE bad uuid", Call{Type: CallAcknowledge, FrameworkID: fwID, Acknowledge: &Acknowledge{AgentID: agent, TaskID: mesos.TaskID{Value: "t"}, UUID: []byte("x")}}, "acknowledge.uuid: not a valid UUID: 1 bytes, want 16"},

		{"ACKNOWLEDGE_OPERATION_STATUS", Call{Type: CallAcknowledgeOperationStatus, FrameworkID: fwID, AcknowledgeOperationStatus: &AcknowledgeOperationStatus{
			AgentID: &agent, UUID: uuid, OperationID: mesos.OperationID{Value: "op"}}}, ""},
		{"ACKNOWLEDGE_OPERATION_STATUS missing", Call{Type: CallAcknowledgeOperationStatus, FrameworkID: fwID}, "acknowledge_operation_status: expecting"},
		{"ACKNOWLEDGE_OPERATION_STATUS no agent", Call{Type: CallAcknowledgeOperationStatus, FrameworkID: fwID, AcknowledgeOperationStatus: &AcknowledgeOperationStatus{
			UUID: uuid, OperationID: mesos.OperationID{Value: "op"}}}, "acknowledge_operation_status.agent_id: expecting 'agent_id' to be present"},

		{"RECONCILE implicit", Call{Type: CallReconcile, FrameworkID: fwID, Reconcile: &Reconcile{}}, ""},
		{"RECONCILE explicit", Call{Type: CallReconcile, FrameworkID: fwID, Reconcile: &Reconcile{Tasks: []ReconcileTask{{TaskID: mesos.TaskID{Value: "t"}, AgentID: &agent}}}}, ""},
		{"RECONCILE missing", Call{Type: CallReconcile, FrameworkID: fwID}, "reconcile: expecting"},
		{"RECONCILE bad task", Call{Type: CallReconcile, FrameworkID: fwID, Reconcile: &Reconcile{Tasks: []ReconcileTask{{TaskID: mesos.TaskID{Value: "t"}}, {}}}}, "reconcile.tasks[1].task_id.value: empty value"},

		{"RECONCILE_OPERATIONS", Call{Type: CallReconcileOperations, FrameworkID: fwID, ReconcileOperations: &ReconcileOperations{}}, ""},
		{"RECONCILE_OPERATIONS missing", Call{Type: CallReconcileOperations, FrameworkID: fwID}, "reconcile_operations: expecting"},
		{"RECONCILE_OPERATIONS bad id", Call{Type: CallReconcileOperations, FrameworkID: fwID, ReconcileOperations: &ReconcileOperations{Operations: []ReconcileOperation{{}}}}, "reconcile_operations.operations[0].operation_id.value: empty value"},

		{"MESSAGE", Call{Type: CallMessage, FrameworkID: fwID, Message: &Message{AgentID: agent, ExecutorID: mesos.ExecutorID{Value: "e"}, Data: []byte("hi")}}, ""},
		{"MESSAGE missing", Call{Type: CallMessage, FrameworkID: fwID}, "message: expecting"},
		{"MESSAGE too large", Call{Type: CallMessage, FrameworkID: fwID, Message: &Message{AgentID: agent, ExecutorID: mesos.ExecutorID{Value: "e"}, Data: make([]byte, mesos.MaxDataBytes+1)}}, "message.data: 4194305 bytes exceed the limit"},

		{"REQUEST", Call{Type: CallRequest, FrameworkID: fwID, Request: &Request{}}, ""},
		{"REQUEST missing", Call{Type: CallRequest, FrameworkID: fwID}, "request: expecting"},

		{"UPDATE_FRAMEWORK", Call{Type: CallUpdateFramework, FrameworkID: fwID, UpdateFramework: &UpdateFramework{FrameworkInfo: mesos.FrameworkInfo{User: "u", Name: "n", ID: fwID}}}, ""},
		{"UPDATE_FRAMEWORK missing", Call{Type: CallUpdateFramework, FrameworkID: fwID}, "update_framework: expecting"},
		{"UPDATE_FRAMEWORK id mismatch", Call{Type: CallUpdateFramework, FrameworkID: fwID, UpdateFramework: &UpdateFramework{FrameworkInfo: mesos.FrameworkInfo{User: "u", Name: "n"}}}, "'framework_id' differs from 'update_framework.framework_info.id'"},
		{"UPDATE_FRAMEWORK bad role", Call{Type: CallUpdateFramework, FrameworkID: fwID, UpdateFramework: &UpdateFramework{FrameworkInfo: mesos.FrameworkInfo{User: "u", Name: "n", ID: fwID, Role: "a b"}}}, "update_framework.framework_info.role: not a valid role"},
	}
	covered := map[CallType]bool{}
	for _, tc := range tests {
		covered[tc.call.Type] = true
		err := tc.call.Validate()
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: Validate() = %v, want nil", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: Validate() = %v, want an error containing %q", tc.name, err, tc.wantErr)
		case err != nil && !errors.Is(err, mesos.ErrInvalid):
			t.Errorf("%s: Validate() = %v, which does not wrap mesos.ErrInvalid", tc.name, err)
		}
	}
	for v := CallType(1); v < 20; v++ {
		if v.IsKnown() && !covered[v] {
			t.Errorf("no validation case for %v", v)
		}
	}
}

func TestDecodeCallErrors(t *testing.T) {
	tests := []struct {
		in, wantErr string
	}{
		{`{"type":"EXPLODE"}`, `scheduler: decode call: type: unknown scheduler.Call.Type "EXPLODE"`},
		{`{"type":"ACCEPT","accept":{"operations":[{"type":"FLY"}]}}`, `scheduler: decode call: accept.operations.type: unknown Offer.Operation.Type "FLY"`},
		{`{"type":"ACKNOWLEDGE","acknowledge":{"uuid":"***"}}`, `scheduler: decode call: illegal base64`},
		{`{"type":"DECLINE","decline":{"filters":{"refuse_seconds":"soon"}}}`, `scheduler: decode call: decline.filters.refuse_seconds: cannot use JSON string as float64`},
		{`[`, `scheduler: decode call: unexpected end of JSON input`},
	}
	for _, tc := range tests {
		_, err := DecodeCall([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("DecodeCall(%s) error = %v, want one containing %q", tc.in, err, tc.wantErr)
		}
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}
