package marathon

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// The cases of TaskReplaceActorTest for computeRestartStrategy.
func TestComputeRestartStrategy(t *testing.T) {
	tests := []struct {
		name              string
		instances         int
		minHealth, overCp float64
		healthy, current  int
		want              RestartStrategy
	}{
		{"default 1/1", 3, 1, 1, 3, 3, RestartStrategy{KillImmediately: 0, MaxCapacity: 6}},
		{"0/0 kill all", 3, 0, 0, 3, 3, RestartStrategy{KillImmediately: 3, MaxCapacity: 3}},
		{"half/0", 4, 0.5, 0, 4, 4, RestartStrategy{KillImmediately: 2, MaxCapacity: 4}},
		{"1/0 one over capacity", 3, 1, 0, 3, 3, RestartStrategy{KillImmediately: 0, MaxCapacity: 4}},
		{"half/half", 4, 0.5, 0.5, 4, 4, RestartStrategy{KillImmediately: 2, MaxCapacity: 6}},
		{"unhealthy old", 3, 1, 0, 1, 3, RestartStrategy{KillImmediately: 0, MaxCapacity: 3}},
		{"extra instances", 2, 1, 1, 4, 4, RestartStrategy{KillImmediately: 2, MaxCapacity: 4}},
	}
	for _, tt := range tests {
		got := ComputeRestartStrategy(tt.instances, UpgradeStrategy{tt.minHealth, tt.overCp}, tt.healthy, tt.current)
		if got != tt.want {
			t.Errorf("%s: ComputeRestartStrategy(%d, %v/%v, %d, %d) = %+v, want %+v", tt.name, tt.instances, tt.minHealth, tt.overCp, tt.healthy, tt.current, got, tt.want)
		}
	}
}

func inst(id string, cond Condition, started time.Duration, host string) *Instance {
	i := &Instance{ID: id, Goal: GoalRunning, Cond: cond, Since: t0.Add(started)}
	if cond != Scheduled {
		i.Task = &Task{ID: "t-" + id, StagedAt: t0.Add(started), Site: Site{Hostname: host, Attributes: nil}}
		if cond == Running {
			i.Task.StartedAt = t0.Add(started)
		}
	}
	return i
}

func ids(is []*Instance) []string {
	out := []string{}
	for _, i := range is {
		out = append(out, i.ID)
	}
	return out
}

// Scaling down picks by kill selection, after sentenced instances; waiting
// instances go first.
func TestProposeScaling(t *testing.T) {
	all := func() []*Instance {
		return []*Instance{
			inst("old", Running, 0, "a"), inst("mid", Running, time.Minute, "b"), inst("young", Running, 2*time.Minute, "c"),
			inst("staging", Staging, 3*time.Minute, "d"),
		}
	}
	tests := []struct {
		name      string
		sel       KillSelection
		insts     []*Instance
		sentenced []string
		scaleTo   int
		wantKill  []string
		wantStart int
	}{
		{"youngest first", YoungestFirst, all(), nil, 2, []string{"staging", "young"}, 0},
		{"oldest first", OldestFirst, all(), nil, 2, []string{"staging", "old"}, 0},
		{"sentenced first", YoungestFirst, all(), []string{"old"}, 3, []string{"old"}, 0},
		{"sentenced and scale", YoungestFirst, all(), []string{"mid"}, 2, []string{"mid", "staging"}, 0},
		{"scale up", YoungestFirst, all(), nil, 6, []string{}, 2},
		{"waiting first", OldestFirst, append(all(), inst("waiting", Scheduled, 4*time.Minute, "")), nil, 4, []string{"waiting"}, 0},
	}
	for _, tt := range tests {
		app := testApp("/a", tt.scaleTo, func(a *App) { a.KillSelection = tt.sel })
		kill, start := ProposeScaling(app, tt.insts, tt.sentenced, tt.scaleTo)
		if diff := cmp.Diff(tt.wantKill, ids(kill)); diff != "" || start != tt.wantStart {
			t.Errorf("%s: ProposeScaling() kill (-want +got):\n%s start = %d, want %d", tt.name, diff, start, tt.wantStart)
		}
	}
}

// With GROUP_BY, scale-down evens the groups out first.
func TestProposeScalingGroupBy(t *testing.T) {
	r1, r2 := text("rack", "r1"), text("rack", "r2")
	mk := func(id, host string, rack Site) *Instance {
		i := inst(id, Running, 0, host)
		i.Task.Site = rack
		return i
	}
	insts := []*Instance{
		mk("a", "h1", Site{Hostname: "h1", Attributes: []mesos.Attribute{r1}}), mk("b", "h2", Site{Hostname: "h2", Attributes: []mesos.Attribute{r1}}),
		mk("c", "h3", Site{Hostname: "h3", Attributes: []mesos.Attribute{r1}}), mk("d", "h4", Site{Hostname: "h4", Attributes: []mesos.Attribute{r2}}),
	}
	app := testApp("/a", 2, func(a *App) { a.Constraints = []Constraint{MustParseConstraint("rack", "GROUP_BY", "2")} })
	kill, _ := ProposeScaling(app, insts, nil, 2)
	for _, k := range kill {
		if v, _ := k.Task.Site.field("rack"); v != "r1" {
			t.Errorf("ProposeScaling() kills %s in rack %s, want only r1 instances (r1 has 3, r2 has 1)", k.ID, v)
		}
	}
	if len(kill) != 2 {
		t.Errorf("ProposeScaling() kills %d, want 2", len(kill))
	}
}
