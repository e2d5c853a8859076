package marathon

import (
	"slices"
	"time"
)

// reviver decides SUPPRESS and REVIVE calls from which roles want offers
// (ReviveOffersStreamLogic with suppression): a role that starts wanting
// offers, or wants them for new instances, is revived; a role that stops
// wanting them is suppressed. Directives are at most one per
// minInterval (--min_revive_offers_interval), the rest wait.
type reviver struct {
	minInterval time.Duration
	suppress    bool // --suppress_offers
	last        time.Time
	// version counts, per role, the reasons to revive: instances newly
	// scheduled, backoff delays that ended.
	version map[string]int
	revived map[string]int
	// suppressed is what the master was last told, per role.
	suppressed map[string]bool
	known      bool // false after (re)subscription: state unknown
}

func newReviver(minInterval time.Duration, suppress bool) *reviver {
	return &reviver{minInterval: minInterval, suppress: suppress,
		version: map[string]int{}, revived: map[string]int{}, suppressed: map[string]bool{}}
}

// bump records a new reason to revive role.
func (r *reviver) bump(role string) { r.version[role]++ }

// resubscribed forgets what the master was told: the next step revives
// what is wanted and suppresses the rest.
func (r *reviver) resubscribed() {
	r.known = false
	r.last = time.Time{}
}

// step returns the directives due at now for the framework's roles and
// the set of roles that want offers, and when to step again if some are
// held back by the interval (zero: nothing pending).
func (r *reviver) step(now time.Time, roles []string, wanted map[string]bool) (revive, suppress []string, next time.Time) {
	var wantRevive, wantSuppress []string
	for _, role := range roles {
		switch {
		case wanted[role]:
			if !r.known || r.suppressed[role] || r.version[role] > r.revived[role] {
				wantRevive = append(wantRevive, role)
			}
		case r.suppress && (!r.known || !r.suppressed[role]):
			wantSuppress = append(wantSuppress, role)
		}
	}
	if len(wantRevive) == 0 && len(wantSuppress) == 0 {
		return nil, nil, time.Time{}
	}
	if !r.last.IsZero() && now.Before(r.last.Add(r.minInterval)) {
		return nil, nil, r.last.Add(r.minInterval)
	}
	r.last = now
	for _, role := range wantRevive {
		r.revived[role] = r.version[role]
		r.suppressed[role] = false
	}
	for _, role := range wantSuppress {
		r.suppressed[role] = true
	}
	if !r.known {
		// Roles neither wanted nor suppressed (suppression off) are as the
		// subscription left them: unsuppressed.
		for _, role := range roles {
			if !slices.Contains(wantSuppress, role) && !slices.Contains(wantRevive, role) {
				r.suppressed[role] = false
			}
		}
		r.known = true
	}
	slices.Sort(wantRevive)
	slices.Sort(wantSuppress)
	return wantRevive, wantSuppress, time.Time{}
}
