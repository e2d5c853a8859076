package marathon

import (
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// UnusedOffer is the last offer of one agent that did not match an app,
// with every reason (OfferMatchResult.NoMatch, /v2/queue lastUnusedOffers).
type UnusedOffer struct {
	OfferID    string
	AgentID    string
	Hostname   string
	Resources  resources.Resources
	Attributes []mesos.Attribute
	Reasons    []Reason
	At         time.Time
}

// OfferStats are the offer statistics of one app's launch attempt
// (OfferMatchStatistics.RunSpecOfferStatistics plus the last unmatched
// offer per agent); they are dropped when the app has nothing left to
// launch (LaunchFinished).
type OfferStats struct {
	Processed   int
	Unused      int
	Rejected    map[Reason]int
	LastMatch   time.Time
	LastNoMatch time.Time
	// LastNoMatches holds the last unmatched offer per agent id.
	LastNoMatches map[string]*UnusedOffer
}

func newOfferStats() *OfferStats {
	return &OfferStats{Rejected: map[Reason]int{}, LastNoMatches: map[string]*UnusedOffer{}}
}

// matched records an offer that launched an instance.
func (s *OfferStats) matched(now time.Time) {
	s.Processed++
	s.LastMatch = now
}

// unmatched records an offer that did not match, charging the first of
// its reasons in funnel order (incrementUnmatched). avail and the offer's
// attributes are kept, not copied: the caller hands over a copy it no
// longer changes.
func (s *OfferStats) unmatched(now time.Time, o *mesos.Offer, avail resources.Resources, reasons []Reason) {
	s.Processed++
	s.Unused++
	s.LastNoMatch = now
	if r, ok := FirstReason(reasons); ok {
		s.Rejected[r]++
	}
	s.LastNoMatches[o.AgentID.Value] = &UnusedOffer{
		OfferID: o.ID.Value, AgentID: o.AgentID.Value, Hostname: o.Hostname,
		Resources: avail, Attributes: o.Attributes,
		Reasons: slices.Clone(reasons), At: now,
	}
}

// LastOffersSummary counts the last unmatched offer of each agent by the
// reason charged (LaunchStats.lastOfferSummary): the basis of
// rejectSummaryLastOffers, whose processed count is the number of agents.
func (s *OfferStats) LastOffersSummary() (processed int, declined map[Reason]int) {
	declined = map[Reason]int{}
	for _, u := range s.LastNoMatches {
		if r, ok := FirstReason(u.Reasons); ok {
			processed++
			declined[r]++
		}
	}
	return processed, declined
}
