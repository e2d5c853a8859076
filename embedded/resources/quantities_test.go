package resources

import (
	"strings"
	"testing"
)

func TestParseQuantities(t *testing.T) {
	tests := []struct {
		in   string
		want []Quantity
	}{
		{"cpus:10;mem:1024;ports:3", []Quantity{{"cpus", 10}, {"mem", 1024}, {"ports", 3}}},
		{"cpus:10; mem:1024; ports:3", []Quantity{{"cpus", 10}, {"mem", 1024}, {"ports", 3}}},
		{"mem:1;cpus:1;cpus:2", []Quantity{{"cpus", 3}, {"mem", 1}}},
		{"cpus:0;mem:1", []Quantity{{"mem", 1}}},
		{"c p us:1", []Quantity{{"c p us", 1}}},
		{"", nil},
	}
	for _, tc := range tests {
		q, err := ParseQuantities(tc.in)
		if err != nil {
			t.Errorf("ParseQuantities(%q) error: %v", tc.in, err)
			continue
		}
		if got := q.Slice(); len(got) != len(tc.want) || (len(got) > 0 && !equalQ(got, tc.want)) {
			t.Errorf("ParseQuantities(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, in := range []string{"cpus", "cpus:-1", "cpus:[1-2]", "cpus:nan", "cpus:abc"} {
		if _, err := ParseQuantities(in); err == nil || !strings.HasPrefix(err.Error(), "resources: parse quantities") {
			t.Errorf("ParseQuantities(%q) error = %v, want one", in, err)
		}
	}
}

func equalQ(a, b []Quantity) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestQuantitiesArithmetic(t *testing.T) {
	a := MustQuantities("cpus:1;mem:10")
	b := MustQuantities("cpus:0.5;disk:5")
	if got, want := a.Plus(b), MustQuantities("cpus:1.5;disk:5;mem:10"); !got.Equal(want) {
		t.Errorf("%v + %v = %v, want %v", a, b, got, want)
	}
	// Subtraction drops entries that reach zero or below and ignores
	// names that are absent.
	if got, want := a.Minus(MustQuantities("cpus:1;mem:4;gpus:1")), MustQuantities("mem:6"); !got.Equal(want) {
		t.Errorf("minus = %v, want %v", got, want)
	}
	if got := a.Minus(MustQuantities("cpus:5")); got.Get("cpus") != 0 || got.Len() != 1 {
		t.Errorf("over-subtraction = %v", got)
	}
	if !a.Contains(MustQuantities("cpus:1")) || a.Contains(MustQuantities("cpus:1.001")) ||
		a.Contains(MustQuantities("gpus:1")) || !a.Contains(Quantities{}) {
		t.Errorf("Contains wrong on %v", a)
	}
	if got := (Quantities{}).String(); got != "{}" {
		t.Errorf("empty String() = %q", got)
	}
	if got := MustQuantities("mem:1024;cpus:0.5").String(); got != "cpus:0.5; mem:1024" {
		t.Errorf("String() = %q", got)
	}
	// A single insertion keeps the raw value; arithmetic rounds.
	var q Quantities
	q.AddScalar("cpus", 1.0004)
	if q.Get("cpus") != 1.0004 {
		t.Errorf("raw insert = %v, want 1.0004", q.Get("cpus"))
	}
	q.AddScalar("cpus", 1)
	if q.Get("cpus") != 2 {
		t.Errorf("after add = %v, want 2", q.Get("cpus"))
	}
	q.AddScalar("mem", 0.0001)
	q.AddScalar("mem", -1)
	if q.Len() != 1 {
		t.Errorf("zero/negative inserted: %v", q)
	}
}

func TestScalarQuantities(t *testing.T) {
	rs := mustParse(t, "cpus:2;cpus(role1):1;mem:10;ports:[1-10];disks:{a,b}")
	rs.AddResource(revocable(t, "cpus", "4", "*", true))
	if got, want := rs.ScalarQuantities(), MustQuantities("cpus:7;mem:10"); !got.Equal(want) {
		t.Errorf("ScalarQuantities() = %v, want %v", got, want)
	}
	if got, want := rs.Quantities(), MustQuantities("cpus:7;mem:10;ports:10;disks:2"); !got.Equal(want) {
		t.Errorf("Quantities() = %v, want %v", got, want)
	}
	shared := diskResource(t, "64", "r", "v", "p", nil, true)
	two := of(shared, shared)
	if got := two.ScalarQuantities().Get("disk"); got != 64 {
		t.Errorf("shared volume counted %v, want 64 once", got)
	}
}

// Ports ResourcesTest.ContainsResourceQuantities.
func TestContainsQuantities(t *testing.T) {
	tests := []struct {
		rs, q string
		want  bool
	}{
		{"", "", true},
		{"", "cpus:1", false},
		{"cpus:1", "", true},
		{"cpus:2", "cpus:1", true},
		{"cpus:1", "cpus:1", true},
		{"cpus:0.5", "cpus:1", false},
		{"ports:[1-3]", "ports:2", true},
		{"ports:[1-2]", "ports:2", true},
		{"ports:[1-1]", "ports:2", false},
		{"features:{a,b,c}", "features:2", true},
		{"features:{a,b}", "features:2", true},
		{"features:{a}", "features:2", false},
		{"cpus:3;ports:[1-3];features:{a,b,c};mem:10", "cpus:3;ports:3;features:3", true},
		{"cpus:3;ports:[1-3];features:{a,b,c}", "cpus:3;ports:3;features:3", true},
		{"cpus:1;ports:[1-3];features:{a,b,c}", "cpus:3;ports:3;features:3", false},
		{"cpus:3;ports:[1-3]", "cpus:3;ports:3;features:3", false},
		{"cpus(role1):2", "cpus:3", false},
		{"cpus(role1):2;cpus:1", "cpus:3", true},
	}
	for _, tc := range tests {
		rs := mustParse(t, tc.rs)
		if got := rs.ContainsQuantities(MustQuantities(tc.q)); got != tc.want {
			t.Errorf("(%v).ContainsQuantities(%s) = %v, want %v", rs, tc.q, got, tc.want)
		}
	}
	ports := of(reserved(t, "ports", "[1-10]", dynamic("role", "principal")))
	if ports.ContainsQuantities(MustQuantities("ports:12")) {
		t.Errorf("10 ports contain 12")
	}
	ports.Add(mustParse(t, "ports:[20-25]"))
	if !ports.ContainsQuantities(MustQuantities("ports:12")) {
		t.Errorf("16 ports do not contain 12")
	}
	vol := of(diskResource(t, "64", "role1", "id1", "path1", nil, true))
	if vol.ContainsQuantities(MustQuantities("disk:128")) {
		t.Errorf("64 disk contains 128")
	}
	vol.Add(mustParse(t, "disk:64"))
	if !vol.ContainsQuantities(MustQuantities("disk:128")) {
		t.Errorf("128 disk does not contain 128")
	}
}

func TestQuantitiesAllocationFree(t *testing.T) {
	total := MustQuantities("cpus:24;disk:4096;mem:4096")
	delta := MustQuantities("cpus:16;disk:1024;mem:2014")
	rs := mustParse(t, "cpus:16;mem:2014;disk:1024;ports:[31000-32000]")
	allocs := testing.AllocsPerRun(100, func() {
		total.Add(delta)
		total.Subtract(delta)
		total.AddScalarsOf(rs)
		_ = total.Contains(delta)
		_ = total.Get("cpus")
	})
	if allocs != 0 {
		t.Errorf("Quantities arithmetic allocates %v times, want 0", allocs)
	}
}

func TestDominantRatio(t *testing.T) {
	total := MustQuantities("cpus:10;disk:0;gpus:4;mem:1000")
	for _, tc := range []struct {
		q        string
		excluded []string
		want     float64
	}{
		{"", nil, 0},
		{"cpus:5;disk:1;gpus:1;mem:100", nil, 0.5},              // names line up with total's
		{"cpus:1;mem:900", nil, 0.9},                            // a subset: looked up by name
		{"cpus:1;mem:900", []string{"mem"}, 0.1},                // excluded
		{"disk:50;cpus:2", nil, 0.2},                            // the total has no disk (zeros are dropped)
		{"cpus:2;ports:100", nil, 0.2},                          // a name the total lacks does not count
		{"cpus:3;disk:1;gpus:3;mem:100", []string{"gpus"}, 0.3}, // aligned, excluded
	} {
		q := MustQuantities(tc.q)
		if got := q.DominantRatio(total, tc.excluded); got != tc.want {
			t.Errorf("Quantities(%q).DominantRatio(%v, %v) = %v, want %v", tc.q, total, tc.excluded, got, tc.want)
		}
	}
}
