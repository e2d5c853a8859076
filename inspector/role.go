package inspector

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// Quota is a role's quota as /master/roles reports it since Mesos 1.9
// (readonly_handler.cpp Master::ReadOnlyHandler::roles): guarantee and limit are
// quantities; an empty Limit means no limit.
type Quota struct {
	Guarantee Resources `json:"guarantee"`
	// Limit holds the limited resources; a resource it does not name is
	// unlimited. A limit of zero ("none allowed") is not a quantity Resources
	// keeps: ZeroLimits names those.
	Limit      Resources `json:"limit"`
	ZeroLimits []string  `json:"zero_limits,omitempty"`
	Consumed   Resources `json:"consumed"`
}

// IsZero reports whether the quota is the default (no guarantee, no limit).
func (q Quota) IsZero() bool {
	return q.Guarantee.IsEmpty() && q.Limit.IsEmpty() && len(q.ZeroLimits) == 0
}

// HasLimit reports whether the quota limits anything.
func (q Quota) HasLimit() bool { return !q.Limit.IsEmpty() || len(q.ZeroLimits) > 0 }

// LimitOf returns the limit of one resource, and false when it is unlimited.
func (q Quota) LimitOf(name string) (float64, bool) {
	if slices.Contains(q.ZeroLimits, name) {
		return 0, true
	}
	v := q.Limit.Get(name)
	return v, v != 0
}

// GuaranteeText and LimitText render the quota's parts with only the resources they
// name ("cpus:2;mem:2048", "gpus:0" for a zero limit), "-" for none.
func (q Quota) GuaranteeText() string { return quotaText(q.Guarantee, nil) }

// LimitText: see GuaranteeText.
func (q Quota) LimitText() string { return quotaText(q.Limit, q.ZeroLimits) }

func quotaText(r Resources, zeros []string) string {
	parts := []string{}
	if c := r.Compact(); c != "" {
		parts = append(parts, c)
	}
	for _, n := range zeros {
		parts = append(parts, n+":0")
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ";")
}

// Clone returns a deep copy.
func (q Quota) Clone() Quota {
	return Quota{Guarantee: q.Guarantee.Clone(), Limit: q.Limit.Clone(), ZeroLimits: slices.Clone(q.ZeroLimits), Consumed: q.Consumed.Clone()}
}

// Role is the inspector's view of a role (v0 /master/roles, v1 GET_ROLES Role), with
// the allocator's metrics for it merged in when available.
type Role struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	Quota  Quota   `json:"quota"`
	// Allocated, Offered and Reserved are quantities; Mesos < 1.9 and GET_ROLES
	// report only allocated+offered, which is then in Allocated.
	Allocated  Resources `json:"allocated"`
	Offered    Resources `json:"offered"`
	Reserved   Resources `json:"reserved"`
	Frameworks []string  `json:"frameworks,omitempty"`

	// DominantShare is allocator/mesos/roles/<role>/shares/dominant: the role's
	// weighted DRF share (DRFSorter::calculateShare already divides by the
	// weight). ShareKnown is false when metrics were not available.
	DominantShare float64 `json:"dominant_share"`
	ShareKnown    bool    `json:"share_known"`
	// OfferFilters is allocator/mesos/offer_filters/roles/<role>/active, or -1.
	OfferFilters int `json:"offer_filters"`
}

// DeepCopy returns a copy sharing no memory with r.
func (r Role) DeepCopy() Role {
	c := r
	c.Quota = r.Quota.Clone()
	c.Allocated = r.Allocated.Clone()
	c.Offered = r.Offered.Clone()
	c.Reserved = r.Reserved.Clone()
	c.Frameworks = slices.Clone(r.Frameworks)
	return c
}

// DecodeRoles decodes /master/roles (v0, any version since 0.28) or a GET_ROLES
// response (v1) into roles sorted by name.
func DecodeRoles(data []byte) ([]Role, error) {
	s := newScanner(data)
	var roles []Role
	var readDoc func()
	readDoc = func() {
		s.Object(func(k []byte) {
			switch string(k) {
			case "roles":
				s.Array(func(int) { roles = append(roles, readRole(s)) })
			case "get_roles":
				readDoc()
			}
		})
	}
	if s.Peek() != jsonscan.Object {
		return nil, fmt.Errorf("decode roles: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	readDoc()
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode roles: %w", err)
	}
	slices.SortFunc(roles, func(a, b Role) int { return cmpString(a.Name, b.Name) })
	return roles, nil
}

func readRole(s *jsonscan.Scanner) Role {
	r := Role{Weight: 1, OfferFilters: -1}
	var hasAllocated bool
	var resources Resources
	s.Object(func(k []byte) {
		switch string(k) {
		case "name":
			r.Name = s.String()
		case "weight":
			if w, ok := s.Float(); ok && finite(w) && w > 0 {
				r.Weight = w
			}
		case "frameworks":
			r.Frameworks = readIDs(s)
		case "resources":
			resources = readResources(s)
		case "allocated":
			r.Allocated = readResources(s)
			hasAllocated = true
		case "offered":
			r.Offered = readResources(s)
		case "reserved":
			r.Reserved = readResources(s)
		case "quota":
			s.Object(func(k []byte) {
				switch string(k) {
				case "guarantee", "guarantees":
					r.Quota.Guarantee = readResources(s)
				case "limit", "limits":
					r.Quota.Limit, r.Quota.ZeroLimits = readQuotaLimits(s)
				case "consumed":
					r.Quota.Consumed = readResources(s)
				}
			})
		}
	})
	if !hasAllocated {
		r.Allocated = resources
	}
	return r
}

// readQuotaLimits reads a quota's limits: v0's {"cpus": 2} or v1's QuotaConfig
// limits {"cpus": {"value": 2}}, or a Resource list; names whose limit is zero are
// returned apart, since Resources does not keep zeros.
func readQuotaLimits(s *jsonscan.Scanner) (Resources, []string) {
	if s.Peek() != jsonscan.Object {
		return readResources(s), nil
	}
	var r Resources
	var zeros []string
	s.Object(func(k []byte) {
		name := string(k)
		v, ok := 0.0, false
		switch s.Peek() {
		case jsonscan.Number:
			v, ok = s.Float()
		case jsonscan.Object:
			s.Object(func(k []byte) {
				if string(k) == "value" && s.Peek() == jsonscan.Number {
					v, ok = s.Float()
				} else {
					s.Skip()
				}
			})
		default:
			s.Skip()
		}
		switch {
		case !ok || !finite(v) || v < 0:
		case v == 0:
			zeros = append(zeros, name)
		default:
			r.AddScalar(name, v)
		}
	})
	slices.Sort(zeros)
	return r, zeros
}
