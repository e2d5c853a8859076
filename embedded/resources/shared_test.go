package resources

import "testing"

// Ports ResourcesTest.Count and SharedResourcesTest.*.
func TestShared(t *testing.T) {
	shared := diskResource(t, "100", "role1", "1", "path1", nil, true)
	nonShared := diskResource(t, "100", "role1", "1", "path1", nil, false)
	cpus := mustResource(t, "cpus", "1", "*")

	counts := []struct {
		name string
		rs   Resources
		r    Resource
		want int
	}{
		{"shared once", of(shared), shared, 1},
		{"shared twice", of(shared, shared), shared, 2},
		{"non-shared once", of(nonShared), nonShared, 1},
		// Two identical non-shared persistent volumes do not add up.
		{"non-shared twice", of(nonShared, nonShared), nonShared, 1},
		{"cpus once", of(cpus), cpus, 1},
		{"cpus summed", of(cpus, cpus), cpus, 0},
	}
	for _, tc := range counts {
		if got := tc.rs.Count(tc.r); got != tc.want {
			t.Errorf("%s: Count = %d, want %d", tc.name, got, tc.want)
		}
	}

	// ScalarAdditionShared.
	disk := diskResource(t, "50", "role1", "1", "path", nil, true)
	r1 := mustParse(t, "cpus:1;mem:5")
	r1.AddResource(disk)
	r2 := mustParse(t, "cpus:2;mem:10")
	r2.AddResource(disk)
	sum := r1.Plus(r2)
	if sum.Len() != 3 || sum.Count(disk) != 2 {
		t.Errorf("sum = %v, want 3 entries and 2 copies of the disk", sum)
	}
	if v, _ := sum.ScalarValue("disk"); v != 50 {
		t.Errorf("disk = %v, want 50", v)
	}

	// ScalarSubtractionShared.
	disk = diskResource(t, "8192", "role1", "1", "path", nil, true)
	r1 = mustParse(t, "cpus:40;mem:4096")
	r1.AddResource(disk)
	r1.AddResource(disk)
	r2 = mustParse(t, "cpus:5;mem:512")
	r2.AddResource(disk)
	diff := r1.Minus(r2)
	if diff.Count(disk) != 1 || !diff.ContainsResource(disk) {
		t.Errorf("diff = %v, want one copy of the disk", diff)
	}
	if got := r1.Minus(r2).Minus(r2); got.Count(disk) != 0 || got.ContainsResource(disk) {
		t.Errorf("r1-r2-r2 = %v, want no disk", got)
	}
	if got := r2.Minus(r1); got.Count(disk) != 0 {
		t.Errorf("r2-r1 = %v, want no disk", got)
	}

	// ScalarSharedCompoundExpressions.
	disk = diskResource(t, "50", "role1", "1", "path", nil, true)
	a := mustParse(t, "cpus:2;mem:10")
	b := a.Clone()
	for range 4 {
		a.AddResource(disk)
	}
	for range 3 {
		b.AddResource(disk)
	}
	for _, c := range []struct {
		name      string
		got, want Resources
	}{
		{"a+a-a", a.Plus(a).Minus(a), a},
		{"a+b-a", a.Plus(b).Minus(a), b},
		{"b+a-b", b.Plus(a).Minus(b), a},
		{"b+a-a", b.Plus(a).Minus(a), b},
		{"b-a+a", b.Minus(a).Plus(a), a},
		{"a-b+b", a.Minus(b).Plus(b), a},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !b.Minus(a).IsEmpty() || a.Minus(b).IsEmpty() {
		t.Errorf("b-a = %v (want empty), a-b = %v (want non-empty)", b.Minus(a), a.Minus(b))
	}

	// ScalarNonEqualSharedOperations.
	disk1 := diskResource(t, "50", "role1", "1", "path1", nil, true)
	disk2 := diskResource(t, "100", "role1", "2", "path2", nil, true)
	if r := of(disk1, disk2); r.Count(disk1) != 1 || r.Count(disk2) != 1 {
		t.Errorf("disk1+disk2 = %v", r)
	}
	r3 := of(disk1, disk2)
	r3.SubtractResource(disk1)
	if r3.Count(disk1) != 0 || r3.Count(disk2) != 1 {
		t.Errorf("disk1+disk2-disk1 = %v", r3)
	}
	r4 := of(disk1)
	r4.SubtractResource(disk2)
	if r4.Count(disk1) != 1 {
		t.Errorf("disk1-disk2 = %v", r4)
	}

	// ScalarSharedAndNonSharedOperations.
	sharedDisk := diskResource(t, "100", "role1", "1", "path", nil, true)
	nonSharedDisk := diskResource(t, "100", "role1", "1", "path", nil, false)
	x := mustParse(t, "cpus:1;mem:5")
	x.AddResource(sharedDisk)
	y := mustParse(t, "cpus:1;mem:5")
	y.AddResource(nonSharedDisk)
	if x.Contains(y) || y.Contains(x) {
		t.Errorf("shared and non-shared disks contain each other")
	}
	z := of(sharedDisk, sharedDisk, nonSharedDisk)
	if z.Len() != 2 || z.Count(sharedDisk) != 2 || z.Count(nonSharedDisk) != 1 {
		t.Errorf("z = %v", z)
	}
	if v, _ := z.ScalarValue("disk"); v != 200 {
		t.Errorf("disk = %v, want 200", v)
	}
	w := of(nonSharedDisk)
	w.SubtractResource(sharedDisk)
	if !w.Equal(of(nonSharedDisk)) {
		t.Errorf("non-shared minus shared = %v", w)
	}
}
