package resources

import (
	"maps"
	"slices"
	"testing"
)

// Ports ResourcesTest.Reservations.
func TestReservations(t *testing.T) {
	unreserved := mustParse(t, "cpus:1;mem:2;disk:4")
	role1 := mustParse(t, "cpus(role1):2;mem(role1):4;disk(role1):8")
	role2 := mustParse(t, "cpus(role2):4;mem(role2):8;disk(role2):6")
	resources := unreserved.Plus(role1).Plus(role2)

	byRole := resources.Reservations()
	if len(byRole) != 2 || !byRole["role1"].Equal(role1) || !byRole["role2"].Equal(role2) {
		t.Errorf("Reservations() = %v", byRole)
	}
	checks := []struct {
		name      string
		got, want Resources
	}{
		{"Reserved(role1)", resources.Reserved("role1"), role1},
		{"Reserved(role2)", resources.Reserved("role2"), role2},
		{"Reserved(*)", resources.Reserved("*"), Resources{}},
		{"Unreserved()", resources.Unreserved(), unreserved},
		{"Reserved(any)", resources.Reserved(""), role1.Plus(role2)},
		{"ToUnreserved()", resources.ToUnreserved(), mustParse(t, "cpus:7;mem:14;disk:18")},
		{"Named(cpus)", resources.Named("cpus"), mustParse(t, "cpus:1;cpus(role1):2;cpus(role2):4")},
		{"Scalars()", mustParse(t, "cpus:1;ports:[1-2]").Scalars(), mustParse(t, "cpus:1")},
	}
	for _, c := range checks {
		if !c.got.Equal(c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// Ports ResourcesTest.HierarchicalReservations.
func TestAllocatableTo(t *testing.T) {
	unreserved := mustParse(t, "cpus:1;mem:2;disk:4")
	grandfather := mustParse(t, "cpus(a):2;mem(a):4;disk(a):8")
	father := mustParse(t, "cpus(a/bx):4;mem(a/bx):8;disk(a/bx):16")
	uncle := mustParse(t, "cpus(a/b):4;mem(a/b):8;disk(a/b):16")
	child := mustParse(t, "cpus(a/bx/c):8;mem(a/bx/c):16;disk(a/bx/c):32")
	family := unreserved.Plus(grandfather).Plus(father).Plus(uncle).Plus(child)
	tests := []struct {
		role string
		want Resources
	}{
		{"*", unreserved},
		{"a", grandfather.Plus(unreserved)},
		{"a/bx", grandfather.Plus(father).Plus(unreserved)},
		{"a/bx/c", grandfather.Plus(father).Plus(child).Plus(unreserved)},
	}
	for _, tc := range tests {
		if got := family.AllocatableTo(tc.role); !got.Equal(tc.want) {
			t.Errorf("AllocatableTo(%q) = %v, want %v", tc.role, got, tc.want)
		}
	}
	if got, want := family.ReservedToRoleSubtree("a/bx"), father.Plus(child); !got.Equal(want) {
		t.Errorf("ReservedToRoleSubtree(a/bx) = %v, want %v", got, want)
	}
}

// Ports ResourcesTest.ToUnreserved, Get, Names, Types and
// ResourcesTest.RevocableResourceTest.Filter, SharedResourcesTest.Filter,
// DiskResourcesTest.FilterPersistentVolumes.
func TestFilters(t *testing.T) {
	r := of(mustResource(t, "cpus", "1", "role1"), mustResource(t, "cpus", "2", "role2"), mustResource(t, "mem", "5", "role1"))
	if got, want := r.ToUnreserved(), mustParse(t, "cpus:3;mem:5"); !got.Equal(want) {
		t.Errorf("ToUnreserved() = %v, want %v", got, want)
	}
	all := mustParse(t, "cpus(role1):2;cpus:4;mem(role1):10;mem:10")
	if got := all.Names(); !slices.Equal(got, []string{"cpus", "mem"}) {
		t.Errorf("Names() = %v", got)
	}
	types := mustParse(t, "cpus(role1):2;cpus:4;ports:[1-10];ports:[11-20]").Types()
	if want := map[string]ValueType{"cpus": TypeScalar, "ports": TypeRanges}; !maps.Equal(types, want) {
		t.Errorf("Types() = %v, want %v", types, want)
	}

	rev := of(revocable(t, "cpus", "1", "*", true))
	non := of(revocable(t, "cpus", "1", "*", false))
	sum := rev.Plus(non)
	if !sum.Revocable().Equal(rev) || !sum.NonRevocable().Equal(non) || !rev.NonRevocable().IsEmpty() {
		t.Errorf("revocable filters on %v", sum)
	}

	shared := of(diskResource(t, "10", "role1", "1", "path", nil, true))
	plain := of(diskResource(t, "20", "role2", "", "", nil, false))
	base := mustParse(t, "cpus:1;mem:512;disk:1000")
	all = base.Plus(shared).Plus(plain)
	if !all.Shared().Equal(shared) || !all.NonShared().Equal(base.Plus(plain)) {
		t.Errorf("shared filters on %v", all)
	}
	vol := of(diskResource(t, "10", "role1", "1", "path", nil, false))
	if got := base.Plus(vol).PersistentVolumes(); !got.Equal(vol) {
		t.Errorf("PersistentVolumes() = %v, want %v", got, vol)
	}
}

// Ports AllocatedResourcesTest.Allocations.
func TestAllocations(t *testing.T) {
	cpus1 := mustParse(t, "cpus:1").Allocated("*")
	mem1 := mustParse(t, "mem:1024").Allocated("*")
	cpus2 := mustParse(t, "cpus:2").Allocated("role1")
	mem2 := mustParse(t, "mem:2048").Allocated("role1")
	cpus3 := of(mustResource(t, "cpus", "3", "role2")).Allocated("role2")
	mem3 := of(mustResource(t, "mem", "3096", "role2")).Allocated("role2")
	resources := cpus1.Plus(cpus2).Plus(cpus3).Plus(mem1).Plus(mem2).Plus(mem3)
	got := resources.Allocations()
	if len(got) != 3 || !got["*"].Equal(cpus1.Plus(mem1)) || !got["role1"].Equal(cpus2.Plus(mem2)) || !got["role2"].Equal(cpus3.Plus(mem3)) {
		t.Errorf("Allocations() = %v", got)
	}
	if got := resources.AllocatedToRoleSubtree("role1"); !got.Equal(cpus2.Plus(mem2)) {
		t.Errorf("AllocatedToRoleSubtree(role1) = %v", got)
	}
	if got := resources.Flatten(); !got.Equal(mustParse(t, "cpus:6;mem:6168")) {
		t.Errorf("Flatten() = %v", got)
	}
}

// Ports ResourcesOperationTest.FlattenResources (RESERVE as a push) and
// ResourcesTest.ReservationAncestor-style refinement rules.
func TestPushPopReservation(t *testing.T) {
	unreserved := mustParse(t, "cpus:1;mem:512")
	cpus := mustParse(t, "cpus:1")
	reservedCpus, err := cpus.PushReservation(dynamic("role", "principal"))
	if err != nil {
		t.Fatalf("PushReservation error: %v", err)
	}
	applied := unreserved.Minus(cpus).Plus(reservedCpus)
	if want := of(mustResource(t, "mem", "512", "*"), reserved(t, "cpus", "1", dynamic("role", "principal"))); !applied.Equal(want) {
		t.Errorf("RESERVE = %v, want %v", applied, want)
	}
	refined, err := reservedCpus.PushReservation(dynamic("role/sub", "principal"))
	if err != nil || refined.At(0).ReservationRole() != "role/sub" || !refined.At(0).HasRefinedReservations() {
		t.Errorf("refinement = %v, %v", refined, err)
	}
	if _, err := reservedCpus.PushReservation(dynamic("other", "p")); err == nil {
		t.Errorf("refining into a non-descendant = nil error")
	}
	if got := refined.PopReservation(); !got.Equal(reservedCpus) {
		t.Errorf("PopReservation() = %v, want %v", got, reservedCpus)
	}
	if got := reservedCpus.PopReservation(); !got.Equal(cpus) {
		t.Errorf("PopReservation() = %v, want %v", got, cpus)
	}
}

func TestPredicates(t *testing.T) {
	r := reserved(t, "cpus", "1", static("a"), dynamic("a/b", "p"))
	if !r.IsReserved("") || !r.IsReserved("a/b") || r.IsReserved("a") || !r.IsDynamicallyReserved() {
		t.Errorf("reservation predicates wrong for %v", r)
	}
	if !r.IsAllocatableTo("a/b") || !r.IsAllocatableTo("a/b/c") || r.IsAllocatableTo("a") {
		t.Errorf("IsAllocatableTo wrong for %v", r)
	}
	u := mustResource(t, "cpus", "1", "*")
	if u.ReservationRole() != "*" || u.IsReserved("") || !u.IsUnreserved() || u.IsReservedToRoleSubtree("a") {
		t.Errorf("unreserved predicates wrong for %v", u)
	}
	d := diskResource(t, "1", "*", "", "", &DiskSource{Type: DiskSourceMount}, false)
	if !d.IsDisk(DiskSourceMount) || d.IsDisk(DiskSourcePath) || d.IsPersistentVolume() {
		t.Errorf("disk predicates wrong for %v", d)
	}
	c := r.Clone()
	c.Reservations[0].Role = "changed"
	if r.Reservations[0].Role != "a" {
		t.Errorf("Clone shares reservations")
	}
}

// Ports the DiskResourcesTest arithmetic cases: identical PATH disks add
// up, MOUNT disks do not, persistent volumes only subtract when equal.
func TestDiskArithmetic(t *testing.T) {
	path := &DiskSource{Type: DiskSourcePath, Path: &DiskSourceRoot{Root: ptr("/p")}}
	mount := &DiskSource{Type: DiskSourceMount, Mount: &DiskSourceRoot{Root: ptr("/m")}}
	p1 := diskResource(t, "10", "*", "", "", path, false)
	if got := of(p1, p1); got.Len() != 1 {
		t.Errorf("PATH disks did not merge: %v", got)
	}
	m1 := diskResource(t, "10", "*", "", "", mount, false)
	if got := of(m1, m1); got.Len() != 2 {
		t.Errorf("MOUNT disks merged: %v", got)
	}
	half := diskResource(t, "5", "*", "", "", mount, false)
	if got := of(m1); !got.Minus(of(half)).Equal(of(m1)) {
		t.Errorf("part of a MOUNT disk was subtracted")
	}
	if !of(m1).Minus(of(m1)).IsEmpty() {
		t.Errorf("MOUNT disk minus itself not empty")
	}
	v1 := diskResource(t, "10", "role", "v1", "path", nil, false)
	v2 := diskResource(t, "10", "role", "v2", "path", nil, false)
	if of(v1).Equal(of(v2)) || !of(v1, v2).Minus(of(v1)).Equal(of(v2)) {
		t.Errorf("persistent volume arithmetic wrong")
	}
	// DiskResourcesTest.Equals: volumes differ only by container path are
	// equal, since Mesos ignores the volume.
	a := diskResource(t, "10", "*", "1", "path1", nil, false)
	b := diskResource(t, "10", "*", "1", "path2", nil, false)
	if !of(a).Equal(of(b)) {
		t.Errorf("%v != %v", a, b)
	}
	// Contains consumes persistent volumes as they match.
	if of(v1).Contains(of(v1, v1)) {
		t.Errorf("one volume contains two copies of itself")
	}
}

// Ports ResourceProviderIDTest.*: resources from different providers never
// merge or contain each other.
func TestProviderID(t *testing.T) {
	a := mustResource(t, "disk", "10", "*")
	a.ProviderID = "p1"
	b := a
	b.ProviderID = "p2"
	c := a
	c.ProviderID = ""
	if got := of(a, a); got.Len() != 1 {
		t.Errorf("same provider did not merge: %v", got)
	}
	if got := of(a, b, c); got.Len() != 3 {
		t.Errorf("different providers merged: %v", got)
	}
	if of(a).Contains(of(b)) || of(a).Contains(of(c)) || !of(a).Equal(of(a)) || of(a).Equal(of(c)) {
		t.Errorf("provider ID not compared")
	}
	if !of(a, b).Minus(of(a)).Equal(of(b)) {
		t.Errorf("subtraction across providers")
	}
}

func TestSingleAllocationRole(t *testing.T) {
	a := mustParse(t, "cpus:1;mem:512").Allocated("a")
	b := mustParse(t, "disk:10").Allocated("b")
	tests := []struct {
		name     string
		rs       Resources
		wantRole string
		wantOK   bool
	}{
		{"empty", Resources{}, "", false},
		{"unallocated", mustParse(t, "cpus:1;mem:512"), "", true},
		{"one role", a, "a", true},
		{"two roles", a.Plus(b), "", false},
		{"allocated and unallocated", a.Plus(mustParse(t, "disk:5")), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			role, ok := tt.rs.SingleAllocationRole()
			if role != tt.wantRole || ok != tt.wantOK {
				t.Errorf("SingleAllocationRole(%v) = %q, %v, want %q, %v", tt.rs, role, ok, tt.wantRole, tt.wantOK)
			}
			// It agrees with Allocations.
			allocs := tt.rs.Allocations()
			if wantOK := len(allocs) == 1; ok != wantOK {
				t.Errorf("SingleAllocationRole(%v) ok = %v, but Allocations() has %d groups", tt.rs, ok, len(allocs))
			}
			if _, in := allocs[role]; ok && !in {
				t.Errorf("SingleAllocationRole(%v) = %q, not a key of Allocations() %v", tt.rs, role, allocs)
			}
		})
	}
}

func TestAddUnallocated(t *testing.T) {
	tests := []struct {
		name string
		into string // text form, unallocated
		add  Resources
		want string
	}{
		{"into empty", "", mustParse(t, "cpus:2;mem:1024;ports:[31000-31010]").Allocated("r"), "cpus:2;mem:1024;ports:[31000-31010]"},
		{"merges", "cpus:1;ports:[31011-31020]", mustParse(t, "cpus:2;ports:[31000-31010]").Allocated("r"), "cpus:3;ports:[31000-31020]"},
		{"two roles merge into one entry", "", mustParse(t, "cpus:1").Allocated("a").Plus(mustParse(t, "cpus:2").Allocated("b")), "cpus:3"},
		{"reservations kept apart", "cpus:1", of(mustResource(t, "cpus", "2", "role1")).Allocated("role1"), "cpus:1;cpus(role1):2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Resources
			if tt.into != "" {
				got = mustParse(t, tt.into)
			}
			before := tt.add.Clone()
			got.AddUnallocated(tt.add)
			want := mustParse(t, tt.want)
			if !got.Equal(want) || got.Len() != want.Len() {
				t.Errorf("AddUnallocated(%v) into %q = %v, want %v", tt.add, tt.into, got, want)
			}
			for r := range got.All() {
				if r.AllocationInfo != nil {
					t.Errorf("AddUnallocated(%v): entry %v keeps allocation_info", tt.add, r)
				}
			}
			if !tt.add.Equal(before) {
				t.Errorf("AddUnallocated changed its argument: %v, want %v", tt.add, before)
			}
			// Same as adding an unallocated copy entry by entry (Add of the
			// copy into empty resources would keep entries that differed only
			// in their role apart).
			u := tt.add.Clone()
			u.Unallocate()
			var ref Resources
			if tt.into != "" {
				ref = mustParse(t, tt.into)
			}
			for r := range u.All() {
				ref.AddResource(r)
			}
			if !got.Equal(ref) || got.Len() != ref.Len() {
				t.Errorf("AddUnallocated(%v) = %v, adding an unallocated copy entry by entry = %v", tt.add, got, ref)
			}
		})
	}
}
