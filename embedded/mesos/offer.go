package mesos

import (
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Offer is mesos.proto Offer: resources of one agent offered to one
// framework (allocated to AllocationInfo.Role for MULTI_ROLE frameworks).
type Offer struct {
	ID             OfferID                   `json:"id"`
	FrameworkID    FrameworkID               `json:"framework_id"`
	AgentID        AgentID                   `json:"agent_id"`
	Hostname       string                    `json:"hostname"`
	URL            *URL                      `json:"url,omitempty"`
	Domain         *DomainInfo               `json:"domain,omitempty"`
	Resources      Resources                 `json:"resources,omitzero"`
	Attributes     []Attribute               `json:"attributes,omitempty"`
	ExecutorIDs    []ExecutorID              `json:"executor_ids,omitempty"`
	Unavailability *Unavailability           `json:"unavailability,omitempty"`
	AllocationInfo *resources.AllocationInfo `json:"allocation_info,omitempty"`
}

// InverseOffer is mesos.proto InverseOffer (maintenance: please give these
// resources back).
type InverseOffer struct {
	ID             OfferID        `json:"id"`
	URL            *URL           `json:"url,omitempty"`
	FrameworkID    FrameworkID    `json:"framework_id"`
	AgentID        *AgentID       `json:"agent_id,omitempty"`
	Unavailability Unavailability `json:"unavailability"`
	Resources      Resources      `json:"resources,omitzero"`
}

// DefaultRefuseSeconds is Filters.refuse_seconds's proto default.
const DefaultRefuseSeconds = 5.0

// Filters is mesos.proto Filters, sent with ACCEPT and DECLINE.
// RefuseSeconds defaults to 5 (nil = default; always written); 0 means no
// filter.
type Filters struct {
	RefuseSeconds *float64 `json:"refuse_seconds"`
}

// GetRefuseSeconds returns RefuseSeconds or its default, 5.
func (f *Filters) GetRefuseSeconds() float64 {
	if f == nil || f.RefuseSeconds == nil {
		return DefaultRefuseSeconds
	}
	return *f.RefuseSeconds
}

// MarshalJSON writes the filters with refuse_seconds defaulted.
func (f Filters) MarshalJSON() ([]byte, error) {
	type plain Filters
	s := f.GetRefuseSeconds()
	f.RefuseSeconds = &s
	return Marshal(plain(f))
}

// Request is mesos.proto Request (scheduler REQUEST call, unused by the
// built-in allocator).
type Request struct {
	AgentID   *AgentID  `json:"agent_id,omitempty"`
	Resources Resources `json:"resources,omitzero"`
}
