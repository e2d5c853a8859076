package marathon

import (
	"slices"
	"testing"
	"time"
)

// The reviver's directives over a sequence of wanted-role changes.
func TestReviver(t *testing.T) {
	r := newReviver(5*time.Second, true)
	roles := []string{"*", "web"}
	type step struct {
		at           time.Duration
		wanted       []string
		bump         string
		wantRevive   []string
		wantSuppress []string
		wantNext     time.Duration
	}
	steps := []step{
		{at: 0, wanted: nil, wantSuppress: []string{"*", "web"}},
		{at: time.Second, wanted: []string{"web"}, bump: "web", wantNext: 5 * time.Second},
		{at: 5 * time.Second, wanted: []string{"web"}, wantRevive: []string{"web"}},
		{at: 6 * time.Second, wanted: []string{"web"}},
		{at: 7 * time.Second, wanted: []string{"web"}, bump: "web", wantNext: 10 * time.Second},
		{at: 10 * time.Second, wanted: []string{"web"}, wantRevive: []string{"web"}},
		{at: 20 * time.Second, wanted: nil, wantSuppress: []string{"web"}},
		{at: 30 * time.Second, wanted: nil},
	}
	for _, s := range steps {
		if s.bump != "" {
			r.bump(s.bump)
		}
		wanted := map[string]bool{}
		for _, w := range s.wanted {
			wanted[w] = true
		}
		revive, suppress, next := r.step(t0.Add(s.at), roles, wanted)
		var wantNext time.Time
		if s.wantNext != 0 {
			wantNext = t0.Add(s.wantNext)
		}
		if !slices.Equal(revive, s.wantRevive) || !slices.Equal(suppress, s.wantSuppress) || !next.Equal(wantNext) {
			t.Errorf("step(+%v, wanted %v) = revive %v suppress %v next %v, want %v %v %v", s.at, s.wanted, revive, suppress, next, s.wantRevive, s.wantSuppress, wantNext)
		}
	}
	r.resubscribed()
	revive, suppress, _ := r.step(t0.Add(40*time.Second), roles, map[string]bool{"*": true})
	if !slices.Equal(revive, []string{"*"}) || !slices.Equal(suppress, []string{"web"}) {
		t.Errorf("after resubscribing step() = revive %v suppress %v, want [*] [web]", revive, suppress)
	}
}
