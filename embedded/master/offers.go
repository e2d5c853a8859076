package master

import (
	"math"
	"slices"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// offer is an outstanding offer. resources are what the allocator
// allocated (with allocation_info); the framework sees wire.
type offer struct {
	id, frameworkID, agentID, role string
	resources                      resources.Resources
	wire                           *mesos.Offer // immutable once sent
	// stored is the offer as the master keeps it (Master::offer's Offer):
	// allocation_info set, on the offer and its resources, even when the copy
	// sent to a pre-MULTI_ROLE framework strips it (MESOS-8237). /master/state
	// and GET_STATE show this one. It is wire itself for MULTI_ROLE frameworks.
	stored *mesos.Offer
	timer  *process.Timer
}

// offer is Master::offer: the allocator's decisions for one framework
// become one offer per (agent, role), sent in one OFFERS event. Resources
// for a framework or agent that went away meanwhile go back to the
// allocator.
func (m *Master) offer(frameworkID string, offers []allocator.Offer) {
	f := m.frameworks[frameworkID]
	var out []mesos.Offer
	for _, ao := range offers {
		a := m.agents[ao.AgentID]
		if f == nil || !f.active || f.stream == nil || a == nil || !a.active {
			m.alloc.RecoverResources(frameworkID, ao.AgentID, ao.Resources, nil)
			continue
		}
		o := m.newOffer(f, a, ao)
		out = append(out, *o.wire)
	}
	if len(out) == 0 {
		return
	}
	f.metrics.offersSent.Add(float64(len(out)))
	m.sendEvent(f, &scheduler.Event{Type: scheduler.EventOffers, Offers: &scheduler.Offers{Offers: out}})
}

func (m *Master) newOffer(f *framework, a *agent, ao allocator.Offer) *offer {
	id := m.newOfferID()
	wireRes := ao.Resources.Clone()
	var alloc *resources.AllocationInfo
	if f.info.HasCapability(mesos.FrameworkMultiRole) {
		alloc = &resources.AllocationInfo{Role: ao.Role}
	} else {
		wireRes.Unallocate()
	}
	format := resources.FormatPostRefinement
	if !f.info.HasCapability(mesos.FrameworkReservationRefinement) {
		format = resources.FormatPreRefinement
	}
	var execIDs []mesos.ExecutorID
	for _, eid := range sortedKeys(a.executors[f.id]) {
		execIDs = append(execIDs, mesos.ExecutorID{Value: eid})
	}
	port := a.info.GetPort()
	w := &mesos.Offer{
		ID: mesos.OfferID{Value: id}, FrameworkID: mesos.FrameworkID{Value: f.id}, AgentID: mesos.AgentID{Value: a.id},
		Hostname: a.info.Hostname,
		URL: &mesos.URL{Scheme: "http", Address: mesos.Address{Hostname: a.info.Hostname, IP: a.pid.Address.Addr().String(), Port: port},
			Path: "/" + a.pid.ID},
		Domain:         a.info.Domain,
		Resources:      mesos.Resources{Resources: wireRes, Format: format},
		Attributes:     a.info.Attributes,
		ExecutorIDs:    execIDs,
		AllocationInfo: alloc,
	}
	o := &offer{id: id, frameworkID: f.id, agentID: a.id, role: ao.Role, resources: ao.Resources.Clone(), wire: w, stored: w}
	if alloc == nil {
		st := *w
		st.AllocationInfo = &resources.AllocationInfo{Role: ao.Role}
		st.Resources = mesos.Resources{Resources: o.resources, Format: format}
		o.stored = &st
	}
	m.offers[id] = o
	f.offers[id] = o
	a.offers[id] = o
	a.offered = a.offered.Plus(o.resources) // copy on write: snapshots share it
	if m.cfg.OfferTimeout > 0 {
		o.timer = process.Delay(&m.Base, m.cfg.OfferTimeout, m.Self(), "offerTimeout", func() {
			if m.offers[id] == o {
				m.log.Info("offer timed out", "offer_id", id, "framework_id", f.id)
				m.rescindOfferAs(o, nil, outcomeTimedOut)
			}
		})
	}
	m.m.outstandingOffers.Set(float64(len(m.offers)))
	m.offerEvent(EventOfferCreated, o, "", nil)
	return o
}

// How an offer ended, for its offer.closed event (offer.outcome).
const (
	outcomeAccepted  = "accepted"
	outcomeDeclined  = "declined"
	outcomeRescinded = "rescinded"
	outcomeTimedOut  = "timed_out" // --offer_timeout: rescinded by the master itself
)

// removeOffer forgets an offer (Master::removeOffer) without touching the
// allocator. filters are those the resources go back with, if any (an ACCEPT's or
// a DECLINE's), for the event.
func (m *Master) removeOffer(o *offer, outcome string, filters *allocator.Filters) {
	m.offerEvent(EventOfferClosed, o, outcome, filters)
	if o.timer != nil {
		o.timer.Stop()
	}
	delete(m.offers, o.id)
	if f := m.frameworks[o.frameworkID]; f != nil {
		delete(f.offers, o.id)
	}
	if a := m.agents[o.agentID]; a != nil {
		delete(a.offers, o.id)
		a.offered = a.offered.Minus(o.resources)
	}
	m.m.outstandingOffers.Set(float64(len(m.offers)))
}

// rescindOffer is Master::rescindOffer: RESCIND to the framework and the
// resources back to the allocator with filters (none for timeouts and
// removals).
func (m *Master) rescindOffer(o *offer, filters *allocator.Filters) {
	m.rescindOfferAs(o, filters, outcomeRescinded)
}

// rescindOfferAs is rescindOffer with the outcome its event reports.
func (m *Master) rescindOfferAs(o *offer, filters *allocator.Filters, outcome string) {
	m.removeOffer(o, outcome, filters)
	if f := m.frameworks[o.frameworkID]; f != nil {
		f.metrics.offersRescinded.Inc()
		m.sendEvent(f, &scheduler.Event{Type: scheduler.EventRescind, Rescind: &scheduler.Rescind{OfferID: mesos.OfferID{Value: o.id}}})
	}
	m.alloc.RecoverResources(o.frameworkID, o.agentID, o.resources, filters)
}

// decline is Master::decline: each offer of this framework goes back to
// the allocator with the filter; unknown offer ids are ignored.
func (m *Master) decline(f *framework, d *scheduler.Decline) {
	m.m.messagesDeclineOffers.Inc()
	filters := allocatorFilters(d.Filters)
	for _, oid := range d.OfferIDs {
		o := m.offers[oid.Value]
		if o == nil || o.frameworkID != f.id {
			m.log.Info("ignoring decline of an unknown offer", "offer_id", oid.Value, "framework_id", f.id)
			continue
		}
		f.metrics.offersDeclined.Inc()
		m.removeOffer(o, outcomeDeclined, filters)
		m.alloc.RecoverResources(f.id, o.agentID, o.resources, filters)
	}
}

// allocatorFilters converts a call's filters: an absent Filters message
// means the defaults (refuse_seconds 5), as for a protobuf default
// instance in Master::decline and Master::accept.
func allocatorFilters(f *mesos.Filters) *allocator.Filters {
	if f == nil || f.RefuseSeconds == nil {
		return &allocator.Filters{}
	}
	v := *f.RefuseSeconds
	if math.IsNaN(v) {
		return &allocator.Filters{}
	}
	return allocator.RefuseSeconds(v)
}

// revive and suppress are Master::revive/suppress.
func (m *Master) revive(f *framework, roles []string) {
	m.m.messagesReviveOffers.Inc()
	if len(roles) == 0 {
		f.suppressedRoles = nil
	} else {
		f.suppressedRoles = slices.DeleteFunc(f.suppressedRoles, func(r string) bool { return slices.Contains(roles, r) })
	}
	m.alloc.ReviveOffers(f.id, roles)
}

func (m *Master) suppress(f *framework, roles []string) {
	m.m.messagesSuppressOffers.Inc()
	if len(roles) == 0 {
		f.suppressedRoles = slices.Clone(f.info.AllRoles())
	} else {
		for _, r := range roles {
			if !slices.Contains(f.suppressedRoles, r) {
				f.suppressedRoles = append(f.suppressedRoles, r)
			}
		}
	}
	m.alloc.SuppressOffers(f.id, roles)
}
