package inspector

import (
	"maps"
	"slices"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// Offer is the inspector's view of an outstanding offer (Mesos Offer; v0
// json(Offer) in src/common/http.cpp, v1 Offer in scheduler OFFERS events and
// GetFrameworks.Framework.offers).
type Offer struct {
	ID          string `json:"id"`
	FrameworkID string `json:"framework_id"`
	AgentID     string `json:"agent_id"`
	Hostname    string `json:"hostname,omitempty"`
	// Role is allocation_info.role: the role the resources are offered to.
	Role        string            `json:"role,omitempty"`
	Resources   Resources         `json:"resources"`
	Attributes  map[string]string `json:"attributes,omitempty"`
	ExecutorIDs []string          `json:"executor_ids,omitempty"`
}

// DeepCopy returns a copy sharing no memory with o.
func (o Offer) DeepCopy() Offer {
	c := o
	c.Resources = o.Resources.Clone()
	c.Attributes = maps.Clone(o.Attributes)
	c.ExecutorIDs = slices.Clone(o.ExecutorIDs)
	return c
}

// readOffer reads an offer in the v0 or v1 shape (Marathon's camelCase agentId is
// accepted too).
func readOffer(s *jsonscan.Scanner) Offer {
	var o Offer
	s.Object(func(k []byte) {
		switch string(k) {
		case "id":
			o.ID = readID(s)
		case "framework_id":
			o.FrameworkID = readRef(s)
		case "slave_id", "agent_id", "agentId":
			o.AgentID = readRef(s)
		case "hostname":
			o.Hostname = s.String()
		case "allocation_info":
			s.Object(func(k []byte) {
				if string(k) == "role" {
					o.Role = s.String()
				}
			})
		case "resources":
			var d resourceDetail
			o.Resources, d = readResourcesDetail(s, true)
			if o.Role == "" {
				for r := range d.allocated {
					o.Role = r
				}
			}
		case "attributes":
			o.Attributes = readAttributes(s)
		case "executor_ids":
			o.ExecutorIDs = readIDs(s)
		}
	})
	return o
}
