package master_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Subscribed schedulers get a HEARTBEAT every heartbeat interval (15 s).
func TestHeartbeats(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	s := c.subscribe(framework("fw"))
	c.advance(master.DefaultHeartbeatInterval - time.Second)
	s.none()
	c.advance(time.Second)
	s.next(scheduler.EventHeartbeat)
	c.advance(master.DefaultHeartbeatInterval)
	s.next(scheduler.EventHeartbeat)
}

// UPDATE_FRAMEWORK changes the roles: offers for a role the framework no
// longer has are rescinded, and the next offers are for the new role;
// immutable fields cannot change.
func TestUpdateFramework(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	c.addAgent("slave(1)", "cpus:2;mem:1024")
	info := framework("fw", "a")
	s := c.subscribe(info)
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	if o.AllocationInfo == nil || o.AllocationInfo.Role != "a" {
		t.Fatalf("offer allocation_info = %+v, want role a", o.AllocationInfo)
	}
	info.ID = &mesos.FrameworkID{Value: s.frameworkID}
	info.Roles = []string{"b"}
	s.mustCall(&scheduler.Call{Type: scheduler.CallUpdateFramework, UpdateFramework: &scheduler.UpdateFramework{FrameworkInfo: info}})
	if r := s.next(scheduler.EventRescind).Rescind; r.OfferID != o.ID {
		t.Errorf("rescinded %s, want %s", r.OfferID.Value, o.ID.Value)
	}
	c.advance(time.Second)
	if o := s.next(scheduler.EventOffers).Offers.Offers[0]; o.AllocationInfo == nil || o.AllocationInfo.Role != "b" {
		t.Errorf("offer after the update: allocation_info %+v, want role b", o.AllocationInfo)
	}
	info.User = "someone-else"
	if code, body := s.call(&scheduler.Call{Type: scheduler.CallUpdateFramework, UpdateFramework: &scheduler.UpdateFramework{FrameworkInfo: info}}); code != 400 || !strings.Contains(body, "user") {
		t.Errorf("changing the user: %d %q, want 400 naming the user", code, body)
	}
}

// RESERVE in an ACCEPT reserves part of the offer for the role: the agent
// checkpoints the reservation and later offers carry it; UNRESERVE gives
// it back.
func TestReserveUnreserve(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	a := c.addAgent("slave(1)", "cpus:4;mem:1024")
	s := c.subscribe(framework("fw", "db"))
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	// Dynamic reservation: the reservation stack is pushed with the
	// framework's role and the allocation stays with the role.
	dyn, err := resources.MustParse("cpus:2").PushReservation(resources.ReservationInfo{Type: resources.ReservationDynamic, Role: "db"})
	if err != nil {
		t.Fatal(err)
	}
	dyn.Allocate("db")
	s.mustCall(&scheduler.Call{Type: scheduler.CallAccept, Accept: &scheduler.Accept{
		OfferIDs:   []mesos.OfferID{o.ID},
		Operations: []mesos.OfferOperation{{Type: mesos.OperationReserve, Reserve: &mesos.ReserveOperation{Resources: mesos.ResourcesOf(dyn)}}},
		Filters:    &mesos.Filters{RefuseSeconds: ptr(0.0)},
	}})
	if got := a.messages(); !slices.ContainsFunc(got, func(m string) bool { return m == "checkpoint cpus(reservations: [(DYNAMIC,db)]):2" }) {
		t.Errorf("agent messages = %q, want the reservation checkpointed", got)
	}
	c.advance(time.Second)
	o = s.next(scheduler.EventOffers).Offers.Offers[0]
	if got := unalloc(o.Resources.Resources).String(); got != "cpus(reservations: [(DYNAMIC,db)]):2; cpus:2; mem:1024" {
		t.Fatalf("offer after RESERVE = %q, want the reserved cpus and the rest", got)
	}
	s.mustCall(&scheduler.Call{Type: scheduler.CallAccept, Accept: &scheduler.Accept{
		OfferIDs:   []mesos.OfferID{o.ID},
		Operations: []mesos.OfferOperation{{Type: mesos.OperationUnreserve, Unreserve: &mesos.UnreserveOperation{Resources: mesos.ResourcesOf(dyn)}}},
		Filters:    &mesos.Filters{RefuseSeconds: ptr(0.0)},
	}})
	c.advance(time.Second)
	o = s.next(scheduler.EventOffers).Offers.Offers[0]
	if got := unalloc(o.Resources.Resources); !got.Equal(resources.MustParse("cpus:4;mem:1024")) {
		t.Errorf("offer after UNRESERVE = %q, want cpus:4; mem:1024", got)
	}
}

func unalloc(rs resources.Resources) resources.Resources {
	rs = rs.Clone()
	rs.Unallocate()
	return rs
}
