package resources

import "testing"

// Ports ResourcesTest.Printing.
func TestResourcesString(t *testing.T) {
	r := mustParse(t, "cpus:45.55;ports:[10000-20000, 30000-50000];disks:{sda1}")
	if got, want := r.String(), "cpus:45.55; ports:[10000-20000, 30000-50000]; disks:{sda1}"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (Resources{}).String(); got != "{}" {
		t.Errorf("empty String() = %q, want {}", got)
	}
}

// Ports ResourcesTest.PrintingExtendedAttributes and
// SharedResourcesTest.Printing.
func TestResourceString(t *testing.T) {
	disk := Resource{Name: "disk", Type: TypeScalar, Scalar: 1}
	steps := []struct {
		change func(r *Resource)
		want   string
	}{
		{func(*Resource) {}, "disk:1"},
		{func(r *Resource) { r.Reservations = []ReservationInfo{static("alice")} }, "disk(reservations: [(STATIC,alice)]):1"},
		{func(r *Resource) { r.AllocationInfo = &AllocationInfo{Role: "role"} }, "disk(allocated: role)(reservations: [(STATIC,alice)]):1"},
		{func(r *Resource) { r.AllocationInfo = nil; r.Revocable = true }, "disk(reservations: [(STATIC,alice)]){REV}:1"},
		{func(r *Resource) {
			r.Revocable = false
			r.Disk = &DiskInfo{Persistence: &Persistence{ID: "hadoop"}, Volume: &Volume{ContainerPath: "/data"}}
		}, "disk(reservations: [(STATIC,alice)])[hadoop:/data]:1"},
		{func(r *Resource) { r.Revocable = true }, "disk(reservations: [(STATIC,alice)])[hadoop:/data]{REV}:1"},
		{func(r *Resource) {
			r.Revocable = false
			r.Disk.Volume = &Volume{ContainerPath: "/data", HostPath: "/hdfs", Mode: "RW"}
		}, "disk(reservations: [(STATIC,alice)])[hadoop:/hdfs:/data:rw]:1"},
		{func(r *Resource) {
			r.Disk.Source = &DiskSource{Type: DiskSourceMount, Mount: &DiskSourceRoot{Root: ptr("/mnt1")}}
		}, "disk(reservations: [(STATIC,alice)])[MOUNT:/mnt1,hadoop:/hdfs:/data:rw]:1"},
		{func(r *Resource) {
			r.Disk.Source = &DiskSource{Type: DiskSourcePath, Path: &DiskSourceRoot{Root: ptr("/mnt2")}}
		}, "disk(reservations: [(STATIC,alice)])[PATH:/mnt2,hadoop:/hdfs:/data:rw]:1"},
		{func(r *Resource) {
			r.Disk.Source = nil
			r.Reservations = append(r.Reservations, dynamic("alice/refined", "hdfs-p"))
		}, "disk(reservations: [(STATIC,alice),(DYNAMIC,alice/refined,hdfs-p)])[hadoop:/hdfs:/data:rw]:1"},
		{func(r *Resource) {
			r.Reservations[1].Labels = &Labels{Labels: []Label{label("foo", "bar"), label("foo")}}
		}, "disk(reservations: [(STATIC,alice),(DYNAMIC,alice/refined,hdfs-p,{foo: bar, foo})])[hadoop:/hdfs:/data:rw]:1"},
		{func(r *Resource) {
			r.Disk.Source = &DiskSource{Type: DiskSourceRaw, Vendor: "csi", ID: "vol-1", Profile: "fast"}
		}, "disk(reservations: [(STATIC,alice),(DYNAMIC,alice/refined,hdfs-p,{foo: bar, foo})])[RAW(csi,vol-1,fast),hadoop:/hdfs:/data:rw]:1"},
	}
	for i, s := range steps {
		s.change(&disk)
		if got := disk.String(); got != s.want {
			t.Errorf("step %d: String() = %q, want %q", i, got, s.want)
		}
	}

	vol := diskResource(t, "64", "role1", "id1", "path1", nil, true)
	if got, want := of(vol).String(), "disk(reservations: [(STATIC,role1)])[id1:path1]<SHARED>:64<1>"; got != want {
		t.Errorf("shared String() = %q, want %q", got, want)
	}
	if got, want := of(vol, vol).String(), "disk(reservations: [(STATIC,role1)])[id1:path1]<SHARED>:64<2>"; got != want {
		t.Errorf("shared x2 String() = %q, want %q", got, want)
	}
}

func TestFormatRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		rs     Resources
		simple bool
	}{
		{"simple", mustParse(t, "cpus:4;mem:1024;ports:[31000-32000];disk(role):100;disks:{a,b}"), true},
		{"fractions", mustParse(t, "cpus:0.001;mem:99999999.999"), true},
		{"dynamic", of(reserved(t, "cpus", "1", dynamic("role", "p"))), false},
		{"revocable", of(revocable(t, "cpus", "1", "*", true)), false},
		{"allocated", mustParse(t, "cpus:1").Allocated("web"), false},
		{"volume", of(diskResource(t, "64", "role1", "id1", "path1", nil, true), diskResource(t, "64", "role1", "id1", "path1", nil, true)), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := tc.rs.Format()
			if simple := text == "" || text[0] != '['; simple != tc.simple {
				t.Errorf("Format() = %q, simple = %v, want %v", text, simple, tc.simple)
			}
			list, err := FromString(text, DefaultRole)
			if err != nil {
				t.Fatalf("FromString(%q) error: %v", text, err)
			}
			back, err := New(list...)
			if err != nil {
				t.Fatalf("New(FromString(%q)) error: %v", text, err)
			}
			if !back.Equal(tc.rs) {
				t.Errorf("FromString(Format()) = %v, want %v", back, tc.rs)
			}
		})
	}
}
