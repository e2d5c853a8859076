package inspector

import (
	"fmt"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// This file decodes what only mesoscope's master serves: the allocator's
// on-demand explanation of one framework (GET /mesoscope/v1/allocator?framework_id=ID,
// served by embedded/allocator) and the runtime's per-process statistics
// (GET /mesoscope/v1/processes). The inspector reads them as JSON like any other
// payload; it never imports the packages that produce them.

// allocatorReasons maps the allocator's per-agent reasons (in its check order,
// mirroring __generateOffers) to cause codes and words.
var allocatorReasons = map[string]struct{ code, words string }{
	"offered":               {CauseShouldGetOffers, "would be offered"},
	"inactive":              {CauseInactive, "framework inactive"},
	"suppressed":            {CauseSuppressed, "role suppressed"},
	"nothing_left":          {CauseInsufficient, "nothing left for the role"},
	"below_min_allocatable": {CauseInsufficient, "below min allocatable"},
	"incapable":             {CauseGPUFiltered, "framework lacks a capability"},
	"quota_limit":           {CauseQuotaLimit, "quota limit"},
	"quota_headroom":        {CauseQuotaLimit, "held as quota headroom"},
	"filtered":              {CauseOfferFilters, "offer filter"},
}

// decodeAllocatorExplanation converts the allocator's Explanation JSON
// ({framework_id, time, active, roles: [{role, suppressed, role_share, share,
// filters}], agents: [{agent_id, role, reason, available, detail}], counts}) into
// the inspector's Explanation, answered by the exact half. A non-empty role keeps
// only that role's entries.
func decodeAllocatorExplanation(data []byte, role string) (*Explanation, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return nil, fmt.Errorf("decode allocator explanation: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	e := &Explanation{Kind: "framework", Sources: []ExplainSource{SourceExact}}
	var fwID string
	active := true
	type verdict struct{ agent, role, reason, available, detail string }
	var verdicts []verdict
	s.Object(func(k []byte) {
		switch string(k) {
		case "framework_id":
			fwID = s.String()
		case "active":
			active = s.Bool()
		case "roles":
			s.Array(func(int) {
				var rs RoleShare
				var suppressed bool
				s.Object(func(k []byte) {
					switch string(k) {
					case "role":
						rs.Role = s.String()
					case "suppressed":
						suppressed = s.Bool()
					case "role_share":
						rs.Share = readFinite(s)
					case "filters":
						n, _ := s.Int()
						rs.OfferFilters = int(n)
					}
				})
				if role != "" && rs.Role != role {
					return
				}
				rs.Measured, rs.Subject, rs.Weight = true, true, 1
				e.Roles = append(e.Roles, rs.Role)
				e.DRF = append(e.DRF, rs)
				if suppressed {
					e.cause(CauseSuppressed, SourceExact, "the framework has suppressed offers for role %s", rs.Role)
				}
				if rs.OfferFilters > 0 {
					e.cause(CauseOfferFilters, SourceExact, "%d offer filter(s) are active for role %s", rs.OfferFilters, rs.Role)
				}
			})
		case "agents":
			s.Array(func(int) {
				var v verdict
				s.Object(func(k []byte) {
					switch string(k) {
					case "agent_id":
						v.agent = s.String()
					case "role":
						v.role = s.String()
					case "reason":
						v.reason = s.String()
					case "available":
						v.available = s.String()
					case "detail":
						v.detail = s.String()
					}
				})
				if role == "" || v.role == role {
					verdicts = append(verdicts, v)
				}
			})
		}
	})
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode allocator explanation: %w", err)
	}
	if fwID == "" {
		return nil, fmt.Errorf("decode allocator explanation: %w: no framework_id", ErrNotMesos)
	}
	e.Subject = "framework " + fwID
	if !active {
		e.cause(CauseInactive, SourceExact, "the allocator has the framework deactivated")
	}
	counts := map[string]int{}
	agents := map[string]bool{}
	for i, v := range verdicts {
		fit := AgentFit{AgentID: v.agent, Status: AgentActive, Fits: v.reason == "offered"}
		if r, err := ParseResources(v.available); err == nil {
			fit.Free = r
		}
		if !fit.Fits {
			why := v.reason
			if v.detail != "" {
				why += ": " + v.detail
			}
			fit.Why = []string{why}
		}
		fit.code = allocatorReasons[v.reason].code
		counts[v.reason]++
		agents[v.agent] = true
		if fit.Fits {
			e.AgentsFit++
		}
		if i < MaxExplainAgents || fit.Fits && len(e.Agents) < MaxExplainAgents {
			e.Agents = append(e.Agents, fit)
		}
	}
	e.AgentsTotal = len(agents)
	if len(e.Agents) > MaxExplainAgents {
		e.Agents = e.Agents[:MaxExplainAgents]
	}
	var parts []string
	for _, reason := range []string{"nothing_left", "below_min_allocatable", "incapable", "quota_limit", "quota_headroom", "filtered"} {
		n := counts[reason]
		if n == 0 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s on %d", allocatorReasons[reason].words, n))
		ar := allocatorReasons[reason]
		e.cause(ar.code, SourceExact, "the allocator would not offer %d of %d agent-role pairs: %s", n, len(verdicts), ar.words)
	}
	if n := counts["offered"]; n > 0 {
		e.cause(CauseShouldGetOffers, SourceExact, "the allocator would offer %d agent-role pair(s) now (%s)", n, strings.Join(parts, ", "))
	}
	if f := counts["filtered"]; f > 0 {
		// Offer filters come only from the framework's own DECLINEs (or
		// the unused rest of an ACCEPT): it is getting offers and turning
		// them down, so what it waits for is a requirement Mesos cannot
		// see.
		more := ""
		if n := counts["offered"]; n > 0 {
			more = fmt.Sprintf(" and the allocator would offer it %d more now", n)
		}
		e.cause(CauseDeclining, SourceExact, "it is getting offers and declining them: %d agent-role pair(s) are behind filters from its own DECLINEs%s, so it is waiting for something the offers lack that only the framework knows (for a Marathon app, `mesoscope why /APP` shows Marathon's decline funnel)", f, more)
	}
	e.summarize()
	return e, nil
}

// mesoscopeProcess is one entry of /mesoscope/v1/processes.
type mesoscopeProcess struct {
	id        string
	oldestAge time.Duration
	hasOldest bool
	handled   map[string]uint64
	busy      time.Duration
	// events breaks handled and busy down by "TYPE\x00name" (newer mesoscope).
	events map[string]eventStat
}

// eventStat is one entry of a process's events: handled count and busy time.
type eventStat struct {
	handled uint64
	busy    time.Duration
}

// decodeMesoscopeProcesses decodes /mesoscope/v1/processes ([{id, queued, depth,
// names, oldest_age_seconds?, handled, dropped, busy_seconds}]).
func decodeMesoscopeProcesses(data []byte) ([]mesoscopeProcess, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Array {
		return nil, fmt.Errorf("decode mesoscope processes: %w: top level is %s, want array", ErrNotMesos, s.Peek())
	}
	var out []mesoscopeProcess
	s.Array(func(int) {
		var p mesoscopeProcess
		s.Object(func(k []byte) {
			switch string(k) {
			case "id":
				p.id = s.String()
			case "oldest_age_seconds":
				if s.IsNull() {
					return
				}
				p.oldestAge, p.hasOldest = time.Duration(readFinite(s)*float64(time.Second)), true
			case "busy_seconds":
				p.busy = time.Duration(readFinite(s) * float64(time.Second))
			case "handled":
				s.Object(func(k []byte) {
					n, _ := s.Int()
					if p.handled == nil {
						p.handled = map[string]uint64{}
					}
					p.handled[string(k)] = uint64(max(n, 0))
				})
			case "events":
				s.Array(func(int) {
					var typ, name string
					var st eventStat
					s.Object(func(k []byte) {
						switch string(k) {
						case "type":
							typ = s.String()
						case "name":
							name = s.String()
						case "handled":
							n, _ := s.Int()
							st.handled = uint64(max(n, 0))
						case "busy_seconds":
							st.busy = time.Duration(readFinite(s) * float64(time.Second))
						}
					})
					if typ == "" {
						return
					}
					if p.events == nil {
						p.events = map[string]eventStat{}
					}
					p.events[typ+"\x00"+name] = st
				})
			}
		})
		if p.id != "" {
			out = append(out, p)
		}
	})
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode mesoscope processes: %w", err)
	}
	return out, nil
}

// mergeMesoscopeProcesses adds mesoscope's per-process statistics to actors.
func mergeMesoscopeProcesses(actors []Actor, procs []mesoscopeProcess) {
	byID := make(map[string]mesoscopeProcess, len(procs))
	for _, p := range procs {
		byID[p.id] = p
	}
	for i := range actors {
		p, ok := byID[actors[i].ID]
		if !ok {
			continue
		}
		if p.hasOldest {
			actors[i].OldestAge = p.oldestAge
		}
		actors[i].Handled = p.handled
		actors[i].Busy = p.busy
	}
}
