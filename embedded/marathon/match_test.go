package marathon

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Every reason ResourceMatcher can give, one at a time, and the order in
// which it lists several.
func TestMatchReasons(t *testing.T) {
	const plain = "cpus:2;mem:1024;disk:1000;ports:[31000-31009]"
	tests := []struct {
		name   string
		app    func(*App)
		res    string
		role   string
		attrs  []mesos.Attribute
		unavai bool
		placed []*Site
		want   []Reason
	}{
		{"fits", nil, plain, "*", nil, false, nil, nil},
		{"cpus", func(a *App) { a.CPUs = 3 }, plain, "*", nil, false, nil, []Reason{InsufficientCpus}},
		{"mem", func(a *App) { a.Mem = 2048 }, plain, "*", nil, false, nil, []Reason{InsufficientMemory}},
		{"disk", func(a *App) { a.Disk = 2000 }, plain, "*", nil, false, nil, []Reason{InsufficientDisk}},
		{"gpus", func(a *App) { a.GPUs = 1 }, plain, "*", nil, false, nil, []Reason{InsufficientGpus}},
		{"cpus and mem", func(a *App) { a.CPUs, a.Mem = 3, 2048 }, plain, "*", nil, false, nil, []Reason{InsufficientCpus, InsufficientMemory}},
		{"role", func(a *App) { a.AcceptedResourceRoles = []string{"prod"} }, plain, "*", nil, false, nil,
			[]Reason{InsufficientCpus, InsufficientMemory, InsufficientDisk, UnfulfilledRole}},
		{"reserved for the role", func(a *App) { a.AcceptedResourceRoles = []string{"prod"}; a.Role = "prod" },
			"cpus(prod):2;mem(prod):1024;disk(prod):100;disk:1000", "prod", nil, false, nil, nil},
		{"constraint", func(a *App) { a.Constraints = []Constraint{MustParseConstraint("rack", "IS", "r2")} }, plain, "*",
			[]mesos.Attribute{text("rack", "r1")}, false, nil, []Reason{UnfulfilledConstraint}},
		{"unique", func(a *App) { a.Constraints = []Constraint{MustParseConstraint("hostname", "UNIQUE")} }, plain, "*",
			nil, false, []*Site{site("h1")}, []Reason{UnfulfilledConstraint}},
		{"maintenance", nil, plain, "*", nil, true, nil, []Reason{UnfulfilledConstraint, AgentMaintenance}},
		{"scarce gpus", nil, plain + ";gpus:1", "*", nil, false, nil, []Reason{DeclinedScarceResources}},
		{"gpus wanted", func(a *App) { a.GPUs = 1 }, plain + ";gpus:1", "*", nil, false, nil, nil},
		{"required port missing", func(a *App) { a.RequirePorts = true; a.PortDefinitions = []PortDefinition{{Port: 80}} }, plain, "*", nil, false, nil, []Reason{InsufficientPorts}},
		{"required port present", func(a *App) { a.RequirePorts = true; a.PortDefinitions = []PortDefinition{{Port: 31005}} }, plain, "*", nil, false, nil, nil},
		{"too many dynamic ports", func(a *App) { a.PortDefinitions = make([]PortDefinition, 11) }, plain, "*", nil, false, nil, []Reason{InsufficientPorts}},
		{"ports only checked when the rest fits", func(a *App) { a.CPUs = 3; a.RequirePorts = true; a.PortDefinitions = []PortDefinition{{Port: 80}} }, plain, "*", nil, false, nil, []Reason{InsufficientCpus}},
	}
	for _, tt := range tests {
		app := testApp("/a", 1, func(a *App) {
			a.CPUs, a.Mem, a.Disk = 1, 512, 100
			if tt.app != nil {
				tt.app(a)
			}
		})
		o := offer(t, "o1", "s1", "h1", tt.role, tt.res, tt.attrs...)
		if tt.unavai {
			o.Unavailability = &mesos.Unavailability{Start: mesos.TimeInfo{Nanoseconds: t0.Add(-time.Minute).UnixNano()}}
		}
		cfg := MatchConfig{GPUSchedulingRestricted: true, MaintenanceMode: true, Now: t0, Rand: rand.New(rand.NewPCG(1, 2))}
		got := Match(app, &o, o.Resources.Resources, tt.placed, cfg)
		if got.Matched != (tt.want == nil) {
			t.Errorf("%s: Match() matched = %v (reasons %v), want %v", tt.name, got.Matched, got.Reasons, tt.want == nil)
			continue
		}
		if diff := cmp.Diff(tt.want, got.Reasons); diff != "" {
			t.Errorf("%s: Match() reasons (-want +got):\n%s", tt.name, diff)
		}
	}
}

// A match consumes exactly what the app needs, keeps the offer's
// reservation and allocation, and its host ports come from the offer.
func TestMatchConsumes(t *testing.T) {
	app := testApp("/a", 1, func(a *App) {
		a.CPUs, a.Mem, a.Disk = 1.5, 300, 10
		a.PortDefinitions = []PortDefinition{{Port: 0}, {Port: 0}}
		a.AcceptedResourceRoles = []string{"*", "web"}
		a.Role = "web"
	})
	o := offer(t, "o1", "s1", "h1", "web", "cpus(web):1;cpus:4;mem:1024;disk:100;ports:[31000-31001]")
	got := Match(app, &o, o.Resources.Resources, nil, MatchConfig{Rand: rand.New(rand.NewPCG(3, 4))})
	if !got.Matched {
		t.Fatalf("Match() = no match %v, want a match", got.Reasons)
	}
	cpus := 0.0
	reserved := 0.0
	for r := range got.Resources.All() {
		if r.Name == "cpus" {
			cpus = resources.ScalarAdd(cpus, r.Scalar)
			if r.ReservationRole() == "web" {
				reserved = resources.ScalarAdd(reserved, r.Scalar)
			}
		}
		if r.AllocationRole() != "web" {
			t.Errorf("consumed %v is allocated to %q, want web", r, r.AllocationRole())
		}
	}
	if cpus != 1.5 || reserved != 1 {
		t.Errorf("consumed cpus = %v (reserved %v), want 1.5 (the reserved 1 first, offer order)", cpus, reserved)
	}
	ports := slices.Clone(got.HostPorts)
	slices.Sort(ports)
	if !slices.Equal(ports, []uint64{31000, 31001}) {
		t.Errorf("HostPorts = %v, want both offered ports", got.HostPorts)
	}
	if !o.Resources.Resources.Contains(got.Resources) {
		t.Errorf("consumed %v is not contained in the offer %v", got.Resources, o.Resources.Resources)
	}
}

func TestFunnelSteps(t *testing.T) {
	// The numbers of marathon.v2.queue.json's rejectSummaryLastOffers.
	got := FunnelSteps(123, map[Reason]int{InsufficientCpus: 75, InsufficientMemory: 15, InsufficientDisk: 10})
	want := map[Reason][2]int{
		UnfulfilledRole: {0, 123}, UnfulfilledConstraint: {0, 123}, NoCorrespondingReservationFound: {0, 123},
		AgentMaintenance: {0, 123}, InsufficientCpus: {75, 123}, InsufficientMemory: {15, 48}, InsufficientDisk: {10, 33},
		InsufficientGpus: {0, 23}, InsufficientPorts: {0, 23}, DeclinedScarceResources: {0, 23},
	}
	if len(got) != len(Funnel) {
		t.Fatalf("FunnelSteps() has %d steps, want %d", len(got), len(Funnel))
	}
	for i, s := range got {
		if s.Reason != Funnel[i] {
			t.Errorf("step %d reason = %s, want %s", i, s.Reason, Funnel[i])
		}
		if w := want[s.Reason]; s.Declined != w[0] || s.Processed != w[1] {
			t.Errorf("step %s = declined %d processed %d, want %d %d", s.Reason, s.Declined, s.Processed, w[0], w[1])
		}
	}
}

func TestFirstReason(t *testing.T) {
	tests := []struct {
		in   []Reason
		want Reason
		ok   bool
	}{
		{nil, "", false},
		{[]Reason{InsufficientMemory, InsufficientCpus}, InsufficientCpus, true},
		{[]Reason{InsufficientCpus, UnfulfilledRole}, UnfulfilledRole, true},
		{[]Reason{DeclinedScarceResources, InsufficientPorts}, InsufficientPorts, true},
		{[]Reason{AgentMaintenance, UnfulfilledConstraint}, UnfulfilledConstraint, true},
	}
	for _, tt := range tests {
		got, ok := FirstReason(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("FirstReason(%v) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
