package resources

import (
	"slices"
	"testing"
)

// Most cases port src/tests/resources_tests.cpp at tag 1.11.0; the test
// names say which.

func TestEqualAndContains(t *testing.T) {
	// Each case: two resource sets built from text, the expected
	// a.Contains(b), b.Contains(a) and a.Equal(b).
	tests := []struct {
		name  string
		a, b  string
		aHasB bool
		bHasA bool
	}{
		// ResourcesTest.ScalarEquals
		{"ScalarEquals", "cpus:3;mem:3072", "cpus:3;mem:3072", true, true},
		{"ScalarEquals/roles", "cpus(role1):3", "cpus(role2):3", false, false},
		// ResourcesTest.ScalarSubset
		{"ScalarSubset", "cpus:1;mem:4096", "cpus:1;mem:3072", true, false},
		// ResourcesTest.ScalarSubset2
		{"ScalarSubset2", "cpus(role1):1", "cpus(role2):1", false, false},
		{"ScalarSubset2/3", "cpus(role1):3", "cpus(role1):1", true, false},
		{"ScalarSubset2/3vs2", "cpus(role1):3", "cpus(role2):1", false, false},
		// ResourcesTest.RangesEquals
		{"RangesEquals", "ports:[20-40]", "ports:[20-30, 31-39, 40-40]", true, true},
		// ResourcesTest.RangesSubset
		{"RangesSubset/2vs1", "ports:[1-10]", "ports:[2-2, 4-5]", true, false},
		{"RangesSubset/3vs1", "ports:[2-3]", "ports:[2-2, 4-5]", false, false},
		{"RangesSubset/2vs3", "ports:[1-10]", "ports:[2-3]", true, false},
		{"RangesSubset/4vs1", "ports:[1-2, 4-6]", "ports:[2-2, 4-5]", true, false},
		{"RangesSubset/2vs4", "ports:[1-10]", "ports:[1-2, 4-6]", true, false},
		{"RangesSubset/5vs1", "ports:[1-4, 5-5]", "ports:[2-2, 4-5]", true, false},
		// ResourcesTest.SetEquals and SetSubset
		{"SetEquals", "disks:{sda1}", "disks:{sda1}", true, true},
		{"SetSubset", "disks:{sda1,sda3,sda4,sda2}", "disks:{sda1,sda2}", true, false},
		// ResourcesTest.EmptyUnequal
		{"EmptyUnequal", "", "cpus:2", false, true},
		{"Empty", "", "", true, true},
		// Same quantity split across roles is not the same resources.
		{"RoleSplit", "cpus(role1):2;cpus:2", "cpus:4", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := mustParse(t, tc.a), mustParse(t, tc.b)
			if got := a.Contains(b); got != tc.aHasB {
				t.Errorf("(%v).Contains(%v) = %v, want %v", a, b, got, tc.aHasB)
			}
			if got := b.Contains(a); got != tc.bHasA {
				t.Errorf("(%v).Contains(%v) = %v, want %v", b, a, got, tc.bHasA)
			}
			if got, want := a.Equal(b), tc.aHasB && tc.bHasA; got != want {
				t.Errorf("(%v).Equal(%v) = %v, want %v", a, b, got, want)
			}
		})
	}
}

func TestArithmetic(t *testing.T) {
	tests := []struct {
		name   string
		a, b   string
		sum    string // a+b as text
		diff   string // a-b as text
		sumLen int
	}{
		// ResourcesTest.ScalarAddition / ScalarSubtraction
		{"ScalarAddition", "cpus:1;mem:5", "cpus:2;mem:10", "cpus:3;mem:15", "", 2},
		{"ScalarSubtraction", "cpus:50;mem:4096", "cpus:0.5;mem:1024", "cpus:50.5;mem:5120", "cpus:49.5;mem:3072", 2},
		{"ScalarSubtraction/self", "cpus:50;mem:4096", "cpus:50;mem:4096", "cpus:100;mem:8192", "", 2},
		// ResourcesTest.ScalarAddition2 / ScalarSubtraction2
		{"ScalarAddition2", "cpus(role1):1;cpus(role2):3", "cpus(role1):5", "cpus(role1):6;cpus(role2):3", "cpus(role2):3", 2},
		{"ScalarSubtraction2", "cpus(role1):5;cpus(role2):3", "cpus(role1):1", "cpus(role1):6;cpus(role2):3", "cpus(role1):4;cpus(role2):3", 2},
		// ResourcesTest.RangesAddition*, RangesSubtraction*
		{"RangesAddition", "ports:[20000-40000]", "ports:[30000-50000, 10000-20000]", "ports:[10000-50000]", "ports:[20001-29999]", 1},
		{"RangesAddition2", "ports:[1-10, 5-30, 50-60]", "ports:[1-65, 70-80]", "ports:[1-65, 70-80]", "", 1},
		{"RangesAddition3", "ports:[1-2]", "ports:[3-4]", "ports:[1-4]", "ports:[1-2]", 1},
		{"RangesAddition4", "ports:[1-4, 9-10, 20-22, 26-30]", "ports:[5-8, 23-25]", "ports:[1-10, 20-30]", "ports:[1-4, 9-10, 20-22, 26-30]", 1},
		{"RangesSubtraction1", "ports:[50000-60000]", "ports:[50000-50001]", "ports:[50000-60000]", "ports:[50002-60000]", 1},
		{"RangesSubtraction2", "ports:[50000-60000]", "ports:[50000-50000]", "ports:[50000-60000]", "ports:[50001-60000]", 1},
		{"RangesSubtraction4", "ports:[50000-60000]", "ports:[50000-60000]", "ports:[50000-60000]", "", 1},
		{"RangesSubtraction5", "ports:[1-10, 20-30, 40-50]", "ports:[2-9, 15-45, 48-50]", "ports:[1-10, 15-50]", "ports:[1-1, 10-10, 46-47]", 1},
		{"RangesSubtraction6", "ports:[1-10]", "ports:[11-20]", "ports:[1-20]", "ports:[1-10]", 1},
		// ResourcesTest.SetAddition / SetSubtraction
		{"SetAddition", "disks:{sda1,sda2,sda3}", "disks:{sda1,sda2,sda3,sda4}", "disks:{sda1,sda2,sda3,sda4}", "", 1},
		{"SetSubtraction", "disks:{sda1,sda2,sda3,sda4}", "disks:{sda2,sda3,sda4}", "disks:{sda1,sda2,sda3,sda4}", "disks:{sda1}", 1},
		// Subtracting what is not there is a no-op; subtracting more than
		// there is removes the entry (Resources::subtract).
		{"SubtractAbsent", "cpus:1", "mem:1", "cpus:1;mem:1", "cpus:1", 2},
		{"SubtractTooMuch", "cpus:1;mem:2", "cpus:2", "cpus:3;mem:2", "mem:2", 2},
		// ResourcesTest.PrecisionSimple: adding zero changes nothing.
		{"PrecisionSimple", "cpus:1.001", "cpus:0", "cpus:1.001", "cpus:1.001", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := mustParse(t, tc.a), mustParse(t, tc.b)
			sum := a.Plus(b)
			if want := mustParse(t, tc.sum); !sum.Equal(want) {
				t.Errorf("(%v).Plus(%v) = %v, want %v", a, b, sum, want)
			}
			if sum.Len() != tc.sumLen {
				t.Errorf("(%v).Plus(%v).Len() = %d, want %d", a, b, sum.Len(), tc.sumLen)
			}
			diff := a.Minus(b)
			if want := mustParse(t, tc.diff); !diff.Equal(want) {
				t.Errorf("(%v).Minus(%v) = %v, want %v", a, b, diff, want)
			}
			// In-place forms agree with the value forms and leave the
			// operands untouched.
			in := a.Clone()
			in.Add(b)
			if !in.Equal(sum) {
				t.Errorf("Add in place = %v, want %v", in, sum)
			}
			in = a.Clone()
			in.Subtract(b)
			if !in.Equal(diff) {
				t.Errorf("Subtract in place = %v, want %v", in, diff)
			}
			if !a.Equal(mustParse(t, tc.a)) || !b.Equal(mustParse(t, tc.b)) {
				t.Errorf("operands changed: a = %v, b = %v", a, b)
			}
		})
	}
}

// Ports ResourcesTest.Parsing (building the same resources by adding
// single resources).
func TestAddResource(t *testing.T) {
	r1 := mustParse(t, "cpus:45.55;ports:[10000-20000, 30000-50000];disks:{sda1}")
	var r2 Resources
	r2.AddResource(mustResource(t, "cpus", "45.55", "*"))
	r2.AddResource(mustResource(t, "ports", "[10000-20000, 30000-50000]", "*"))
	r2.AddResource(mustResource(t, "disks", "{sda1}", "*"))
	if !r1.Equal(r2) {
		t.Errorf("parsed %v, built %v", r1, r2)
	}
}

// Ports ResourcesTest.BadResourcesNotAllocatable and InitializedIsEmpty.
func TestAddResourceIgnoresInvalidAndEmpty(t *testing.T) {
	var r Resources
	if !r.IsEmpty() {
		t.Fatalf("zero Resources is not empty")
	}
	r.AddResource(Resource{Type: TypeScalar, Scalar: 1})
	r.AddResource(Resource{Name: "cpus", Type: TypeScalar, Scalar: 0})
	r.AddResource(Resource{Name: "cpus", Type: TypeScalar, Scalar: -1})
	r.AddResource(Resource{Name: "cpus", Type: TypeText})
	if !r.IsEmpty() {
		t.Errorf("after adding invalid and empty resources: %v, want {}", r)
	}
}

// Ports ResourcesTest.PrecisionManyOps, PrecisionManyConsecutiveOps,
// PrecisionLost and PrecisionRounding.
func TestPrecision(t *testing.T) {
	start := mustParse(t, "cpus:1.001")
	current := start
	for range 2500 {
		next := current.Plus(current).Plus(current).Minus(current).Minus(current)
		if v, _ := next.ScalarValue("cpus"); v != 1.001 {
			t.Fatalf("cpus = %v, want 1.001", v)
		}
		if !next.Equal(start) {
			t.Fatalf("%v != %v", next, start)
		}
		current = next
	}

	current = start.Clone()
	for range 100000 {
		current.Add(start)
	}
	for range 100000 {
		current.Subtract(start)
	}
	if !current.Equal(start) {
		t.Errorf("after 100000 adds and subtracts: %v, want %v", current, start)
	}

	for _, tc := range []struct {
		in   string
		want float64
	}{{"cpus:1.5011", 1.501}, {"cpus:1.5015", 1.502}} {
		cpu := mustParse(t, tc.in)
		if v, _ := cpu.ScalarValue("cpus"); v != tc.want {
			t.Errorf("Parse(%q) cpus = %v, want %v", tc.in, v, tc.want)
		}
		r1 := cpu.Plus(cpu).Plus(cpu).Minus(cpu).Minus(cpu)
		if !r1.Equal(cpu) {
			t.Errorf("%v != %v", r1, cpu)
		}
		if v, _ := r1.ScalarValue("cpus"); v != tc.want {
			t.Errorf("after arithmetic cpus = %v, want %v", v, tc.want)
		}
	}
}

// Ports ResourcesTest.Resources (the cpus()/mem()/ports() getters).
func TestGetters(t *testing.T) {
	r := mustParse(t, "cpus:45.55;mem:1024;ports:[10000-20000, 30000-50000];disk:512")
	if v, ok := r.ScalarValue("cpus"); !ok || v != 45.55 {
		t.Errorf("cpus = %v, %v, want 45.55", v, ok)
	}
	if v, ok := r.ScalarValue("mem"); !ok || v != 1024 {
		t.Errorf("mem = %v, %v, want 1024", v, ok)
	}
	if p, ok := r.RangesValue("ports"); !ok || FormatRanges(p) != "[10000-20000, 30000-50000]" {
		t.Errorf("ports = %v, %v", p, ok)
	}
	r = mustParse(t, "cpus:45.55;disk:512")
	if _, ok := r.ScalarValue("mem"); ok {
		t.Errorf("mem found in %v", r)
	}
	if _, ok := r.RangesValue("ports"); ok {
		t.Errorf("ports found in %v", r)
	}
	s := mustParse(t, "disks:{a,b};disks(r):{c}")
	if v, ok := s.SetValue("disks"); !ok || !setEqual(v, []string{"a", "b", "c"}) {
		t.Errorf("SetValue(disks) = %v, %v", v, ok)
	}
}

// Ports ResourcesTest.ParsingFromJSONWithRoles (the summing part) and
// ResourcesTest.AbsentResources.
func TestSumsPerRole(t *testing.T) {
	cpus := mustResource(t, "cpus", "45.55", "role1")
	cpus2 := mustResource(t, "cpus", "54.44", "role2")
	var rs Resources
	rs.AddResource(cpus2)
	rs.AddResource(cpus)
	rs.AddResource(cpus)
	if !rs.ContainsResource(cpus) {
		t.Errorf("%v does not contain %v", rs, cpus)
	}
	if v, _ := rs.ScalarValue("cpus"); v != 145.54 {
		t.Errorf("cpus = %v, want 145.54", v)
	}
	for r := range rs.All() {
		want := 54.44
		if r.ReservationRole() == "role1" {
			want = 91.1
		}
		if r.Scalar != want {
			t.Errorf("%s scalar = %v, want %v", r, r.Scalar, want)
		}
	}
	if n := mustParse(t, "gpus:0").Len(); n != 0 {
		t.Errorf("Parse(gpus:0).Len() = %d, want 0", n)
	}
}

// Ports the ReservedResourcesTest cases.
func TestReservedResources(t *testing.T) {
	labels1 := []Label{label("foo", "bar")}
	labels2 := []Label{label("foo", "baz")}
	unique := []Resource{
		reserved(t, "cpus", "8"),
		reserved(t, "cpus", "8", static("role1")),
		reserved(t, "cpus", "8", static("role2")),
		reserved(t, "cpus", "8", dynamic("role1", "principal1")),
		reserved(t, "cpus", "8", dynamic("role1", "principal2")),
		reserved(t, "cpus", "8", dynamic("role2", "principal1")),
		reserved(t, "cpus", "8", dynamic("role2", "principal2")),
		reserved(t, "cpus", "8", dynamic("role1", "principal2", labels1...)),
		reserved(t, "cpus", "8", dynamic("role1", "principal2", labels2...)),
	}
	for i, l := range unique {
		if err := Validate(l); err != nil {
			t.Errorf("Validate(%v) = %v", l, err)
		}
		for j, r := range unique {
			if i != j && of(l).Equal(of(r)) {
				t.Errorf("%v == %v", l, r)
			}
		}
	}

	// Addition merges equal reservations.
	for _, res := range []ReservationInfo{static("role"), dynamic("role", "principal"), dynamic("role", "principal", labels1...)} {
		left, right := of(reserved(t, "cpus", "8", res)), of(reserved(t, "cpus", "4", res))
		if got, want := left.Plus(right), of(reserved(t, "cpus", "12", res)); !got.Equal(want) {
			t.Errorf("%v + %v = %v, want %v", left, right, got, want)
		}
	}
	r1 := of(reserved(t, "cpus", "6", dynamic("role", "principal", labels1...)))
	r2 := of(reserved(t, "cpus", "6", dynamic("role", "principal", labels2...)))
	if sum := r1.Plus(r2); sum.Len() != 2 || sum.Equal(r1.Plus(r1)) || sum.Equal(r2.Plus(r2)) {
		t.Errorf("distinct labels merged: %v", sum)
	}

	// ReservedResourcesTest.Subtraction.
	st := of(reserved(t, "cpus", "8", static("role")))
	dy := of(reserved(t, "cpus", "8", dynamic("role", "principal", labels1...)))
	if !st.Minus(st).IsEmpty() || !dy.Minus(dy).IsEmpty() {
		t.Errorf("x - x not empty")
	}
	if !st.Minus(dy).Equal(st) || !dy.Minus(st).Equal(dy) {
		t.Errorf("subtracting a different reservation changed the resources")
	}
	total := st.Plus(dy)
	want := of(reserved(t, "cpus", "6", static("role")), reserved(t, "cpus", "4", dynamic("role", "principal", labels1...)))
	got := total.Minus(of(reserved(t, "cpus", "2", static("role")))).Minus(of(reserved(t, "cpus", "4", dynamic("role", "principal", labels1...))))
	if !got.Equal(want) {
		t.Errorf("total - r5 - r6 = %v, want %v", got, want)
	}

	// ReservedResourcesTest.Contains.
	a := of(reserved(t, "cpus", "8", static("role")))
	b := of(reserved(t, "cpus", "12", dynamic("role", "principal")))
	for _, c := range []struct {
		name string
		got  bool
		want bool
	}{
		{"a>=a", a.Contains(a), true},
		{"b>=b", b.Contains(b), true},
		{"a>=b", a.Contains(b), false},
		{"b>=a", b.Contains(a), false},
		{"a>=a+b", a.Contains(a.Plus(b)), false},
		{"a+b>=a", a.Plus(b).Contains(a), true},
		{"a+b>=b", a.Plus(b).Contains(b), true},
		{"a+b>=a+b", a.Plus(b).Contains(a.Plus(b)), true},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// Ports RevocableResourceTest.Equals, Addition, Subtraction and Contains.
func TestRevocable(t *testing.T) {
	rev := of(revocable(t, "cpus", "1", "*", true))
	non := of(revocable(t, "cpus", "1", "*", false))
	if rev.Equal(non) {
		t.Errorf("revocable == non-revocable")
	}
	if got, want := rev.Plus(rev), of(revocable(t, "cpus", "2", "*", true)); !got.Equal(want) {
		t.Errorf("rev+rev = %v, want %v", got, want)
	}
	sum := rev.Plus(non)
	if !sum.Contains(rev) || !sum.Contains(non) ||
		sum.Contains(of(revocable(t, "cpus", "2", "*", true))) ||
		sum.Contains(of(revocable(t, "cpus", "2", "*", false))) {
		t.Errorf("rev+non = %v merged across revocability", sum)
	}
	if !rev.Minus(rev).IsEmpty() || !rev.Minus(non).Equal(rev) {
		t.Errorf("subtraction across revocability")
	}
	if rev.Contains(rev.Plus(rev)) || !rev.Plus(rev).Contains(rev) {
		t.Errorf("contains with revocable")
	}
}

// Ports the AllocatedResourcesTest cases.
func TestAllocated(t *testing.T) {
	cpus1 := mustParse(t, "cpus:1")
	cpus1.Allocate("role1")
	cpus2 := mustParse(t, "cpus:1")
	cpus2.Allocate("role2")
	if !cpus1.Equal(cpus1) || cpus1.Equal(cpus2) {
		t.Errorf("allocation info not compared")
	}
	sum := cpus1.Plus(cpus2)
	if !sum.Contains(cpus1) || !sum.Contains(cpus2) || sum.Len() != 2 {
		t.Errorf("sum = %v", sum)
	}
	if v, _ := sum.ScalarValue("cpus"); v != 2 {
		t.Errorf("cpus = %v, want 2", v)
	}
	if !cpus1.Minus(cpus1).IsEmpty() || !cpus1.Minus(cpus2).Equal(cpus1) {
		t.Errorf("subtraction across allocation roles")
	}
	cpus1.Unallocate()
	if r := cpus1.At(0); r.AllocationInfo != nil {
		t.Errorf("after Unallocate: %v", r)
	}
}

func TestContainsAllocationFree(t *testing.T) {
	total := mustParse(t, "cpus:24;mem:4096;disk:4096;ports:[31000-32000]")
	want := mustParse(t, "cpus:16;mem:2014;disk:1024;ports:[31000-31010]")
	allocs := testing.AllocsPerRun(100, func() {
		if !total.Contains(want) {
			t.Fatal("not contained")
		}
	})
	if allocs != 0 {
		t.Errorf("Contains allocates %v times per call, want 0", allocs)
	}
	scalars := mustParse(t, "cpus:1;mem:10")
	acc := total.Clone()
	allocs = testing.AllocsPerRun(100, func() {
		acc.Add(scalars)
		acc.Subtract(scalars)
	})
	if allocs != 0 {
		t.Errorf("scalar Add+Subtract allocates %v times per call, want 0", allocs)
	}
}

func TestSliceAndAll(t *testing.T) {
	rs := mustParse(t, "cpus:1;mem:2;disk:3")
	var names []string
	for r := range rs.All() {
		names = append(names, r.Name)
		if r.Name == "mem" {
			break
		}
	}
	if want := []string{"cpus", "mem"}; !slices.Equal(names, want) {
		t.Errorf("All() yielded %v, want %v", names, want)
	}
	if s := rs.Slice(); len(s) != 3 || s[2].Name != "disk" {
		t.Errorf("Slice() = %v", s)
	}
}

func TestNewReportsInvalid(t *testing.T) {
	if _, err := New(Resource{Name: "cpus", Type: TypeScalar, Scalar: -1}); err == nil {
		t.Errorf("New(cpus:-1) = nil error")
	}
	rs, err := New(Resource{Name: "cpus", Type: TypeScalar, Scalar: 1}, Resource{Name: "cpus", Type: TypeScalar, Scalar: 2})
	if err != nil || rs.Len() != 1 {
		t.Errorf("New(cpus:1, cpus:2) = %v, %v", rs, err)
	}
}

func TestSameAndEqualExceptAllocation(t *testing.T) {
	total := MustParse("cpus:4;mem:1024;ports:[31000-31009]")
	allocated := total.Allocated("web")
	for _, tc := range []struct {
		name        string
		a, b        Resources
		same, equal bool
	}{
		{"itself", total, total, true, true},
		{"a copy", total, total.Clone(), false, true},
		{"allocated to a role", total, allocated, false, true},
		{"allocated to two roles", allocated, total.Allocated("db"), false, true},
		{"another order", MustParse("cpus:4;mem:1024"), MustParse("mem:1024;cpus:4"), false, false},
		{"another value", total, MustParse("cpus:4;mem:1025;ports:[31000-31009]"), false, false},
		{"other ports", total, MustParse("cpus:4;mem:1024;ports:[31000-31008]"), false, false},
		{"reserved", MustParse("cpus:4"), MustParse("cpus(web):4"), false, false},
		{"shorter", total, MustParse("cpus:4;mem:1024"), false, false},
		{"both empty", Resources{}, Resources{}, true, true},
	} {
		if got := tc.a.Same(tc.b); got != tc.same {
			t.Errorf("%s: (%v).Same(%v) = %v, want %v", tc.name, tc.a, tc.b, got, tc.same)
		}
		if got := tc.a.EqualExceptAllocation(tc.b); got != tc.equal {
			t.Errorf("%s: (%v).EqualExceptAllocation(%v) = %v, want %v", tc.name, tc.a, tc.b, got, tc.equal)
		}
	}
	// A prefix of the same storage is not the same value.
	if total.Same(Resources{items: total.items[:2]}) {
		t.Errorf("Same of a value and a prefix of its storage = true, want false")
	}
}
