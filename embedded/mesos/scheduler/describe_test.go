package scheduler

import (
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

func TestDescribeEvent(t *testing.T) {
	offer := func(id, a string) mesos.Offer {
		return mesos.Offer{ID: mesos.OfferID{Value: id}, FrameworkID: *fwID, AgentID: mesos.AgentID{Value: a}, Hostname: "h-" + a,
			Resources: mesos.ResourcesOf(resources.MustParse("cpus:2;mem:1024")), AllocationInfo: &resources.AllocationInfo{Role: "web"}}
	}
	tests := []struct {
		e    Event
		want string
	}{
		{Event{Type: EventSubscribed, Subscribed: &Subscribed{FrameworkID: *fwID, HeartbeatIntervalSeconds: ptr(15.0), MasterInfo: &mesos.MasterInfo{ID: "m-1"}}},
			"SUBSCRIBED framework fw-1 heartbeat=15s master m-1"},
		{Event{Type: EventOffers, Offers: &Offers{Offers: []mesos.Offer{offer("o-1", "a-1"), offer("o-2", "a-2")}}},
			"OFFERS 2\n  offer o-1 agent a-1 (h-a-1) → web: cpus:2; mem:1024\n  offer o-2 agent a-2 (h-a-2) → web: cpus:2; mem:1024"},
		{Event{Type: EventInverseOffers, InverseOffers: &InverseOffers{InverseOffers: []mesos.InverseOffer{{ID: mesos.OfferID{Value: "i-1"}, AgentID: &agent}}}},
			"INVERSE_OFFERS 1\n  inverse offer i-1 agent a-1"},
		{Event{Type: EventRescind, Rescind: &Rescind{OfferID: mesos.OfferID{Value: "o-1"}}}, "RESCIND offer o-1"},
		{Event{Type: EventRescindInverseOffer, RescindInverseOffer: &RescindInverseOffer{InverseOfferID: mesos.OfferID{Value: "i-1"}}}, "RESCIND_INVERSE_OFFER inverse offer i-1"},
		{Event{Type: EventUpdate, Update: &Update{Status: mesos.TaskStatus{TaskID: mesos.TaskID{Value: "t-1"}, State: mesos.TaskRunning,
			Source: mesos.SourcePtr(mesos.SourceExecutor), AgentID: &agent, UUID: uuid}}},
			"UPDATE task t-1 TASK_RUNNING (SOURCE_EXECUTOR) agent a-1"},
		{Event{Type: EventUpdateOperationStatus, UpdateOperationStatus: &UpdateOperationStatus{Status: mesos.OperationStatus{
			OperationID: &mesos.OperationID{Value: "op"}, State: mesos.OperationFailed, Message: "no"}}},
			`UPDATE_OPERATION_STATUS operation op OPERATION_FAILED: "no"`},
		{Event{Type: EventMessage, Message: &FrameworkMessage{AgentID: agent, ExecutorID: mesos.ExecutorID{Value: "e"}, Data: []byte("abc")}},
			"MESSAGE agent a-1 executor e 3 bytes"},
		{Event{Type: EventFailure, Failure: &Failure{AgentID: &agent, ExecutorID: &mesos.ExecutorID{Value: "e"}, Status: ptr(int32(137))}},
			"FAILURE agent a-1 executor e status 137"},
		{Event{Type: EventError, Error: &Error{Message: "Framework has been removed"}}, `ERROR: "Framework has been removed"`},
		{Event{Type: EventHeartbeat}, "HEARTBEAT"},
	}
	for _, tc := range tests {
		if got := DescribeEvent(&tc.e); got != tc.want {
			t.Errorf("DescribeEvent(%v) = %q, want %q", tc.e.Type, got, tc.want)
		}
	}
}
