package resources

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		r    Resource
		want string // "" means valid
	}{
		{"valid scalar", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1}, ""},
		{"zero scalar", Resource{Name: "cpus", Type: TypeScalar}, ""},
		{"empty name", Resource{Type: TypeScalar, Scalar: 1}, "empty resource name"},
		{"invalid type", Resource{Name: "x", Type: 7}, "invalid resource type"},
		{"text", Resource{Name: "x", Type: TypeText}, "unsupported resource type"},
		{"negative", Resource{Name: "cpus", Type: TypeScalar, Scalar: -1}, "value <= 0"},
		{"tiny", Resource{Name: "cpus", Type: TypeScalar, Scalar: 0.0001}, "value <= 0"},
		{"nan", Resource{Name: "cpus", Type: TypeScalar, Scalar: nan()}, "value <= 0"},
		{"inf", Resource{Name: "cpus", Type: TypeScalar, Scalar: inf()}, "value <= 0"},
		{"scalar with ranges", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Ranges: []Range{}}, "invalid scalar resource"},
		{"ranges with set", Resource{Name: "ports", Type: TypeRanges, Set: []string{"a"}}, "invalid ranges resource"},
		{"set with scalar", Resource{Name: "s", Type: TypeSet, Scalar: 1, Set: []string{"a"}}, "invalid set resource"},
		{"inverted range", Resource{Name: "ports", Type: TypeRanges, Ranges: []Range{{5, 1}}}, "begin > end"},
		{"overlapping ranges", Resource{Name: "ports", Type: TypeRanges, Ranges: []Range{{1, 5}, {3, 7}}}, "overlapping ranges"},
		{"adjacent ranges", Resource{Name: "ports", Type: TypeRanges, Ranges: []Range{{1, 5}, {6, 7}}}, ""},
		{"duplicate set", Resource{Name: "s", Type: TypeSet, Set: []string{"a", "b", "a"}}, "duplicated elements"},
		{"disk on cpus", Resource{Name: "cpus", Type: TypeScalar, Scalar: 2, Disk: &DiskInfo{Persistence: &Persistence{ID: "1"}}}, "DiskInfo should not be set for cpus resource"},
		{"block with mount", Resource{Name: "disk", Type: TypeScalar, Scalar: 2, Disk: &DiskInfo{Source: &DiskSource{Type: DiskSourceBlock, Mount: &DiskSourceRoot{}}}}, "mount should not be set for BLOCK disk source"},
		{"raw with path", Resource{Name: "disk", Type: TypeScalar, Scalar: 2, Disk: &DiskInfo{Source: &DiskSource{Type: DiskSourceRaw, Path: &DiskSourceRoot{}}}}, "path should not be set for RAW disk source"},
		{"unknown source", Resource{Name: "disk", Type: TypeScalar, Scalar: 2, Disk: &DiskInfo{Source: &DiskSource{}}}, "unsupported 'DiskInfo.Source.Type'"},
		{"mount source", Resource{Name: "disk", Type: TypeScalar, Scalar: 2, Disk: &DiskInfo{Source: &DiskSource{Type: DiskSourceMount, Mount: &DiskSourceRoot{Root: ptr("/mnt")}}}}, ""},
		{"static", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Reservations: []ReservationInfo{static("role")}}, ""},
		{"untyped reservation", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Reservations: []ReservationInfo{{Role: "role"}}}, "'Resource.ReservationInfo.type' field must be set"},
		{"roleless reservation", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Reservations: []ReservationInfo{{Type: ReservationStatic}}}, "'Resource.ReservationInfo.role' field must be set"},
		{"star reservation", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Reservations: []ReservationInfo{static("*")}}, `role "*" cannot be reserved`},
		{"bad role", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Reservations: []ReservationInfo{static("a b")}}, "contains backspace or whitespace"},
		{"refined", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Reservations: []ReservationInfo{static("a"), dynamic("a/b", "p")}}, ""},
		{"refined static", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Reservations: []ReservationInfo{static("a"), static("a/b")}}, "A refined reservation cannot be STATIC"},
		{"refined not nested", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Reservations: []ReservationInfo{static("a"), dynamic("b", "p")}}, "role 'b' is not a refinement of 'a'"},
		{"refined same role", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Reservations: []ReservationInfo{dynamic("a", "p"), dynamic("a", "p")}}, "is not a refinement"},
		{"shared cpus", Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Shared: true}, "resource cpus cannot be shared"},
		{"shared disk", Resource{Name: "disk", Type: TypeScalar, Scalar: 1, Shared: true}, "only persistent volumes can be shared"},
		{"shared volume", Resource{Name: "disk", Type: TypeScalar, Scalar: 1, Shared: true, Disk: &DiskInfo{Persistence: &Persistence{ID: "v"}}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.r)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate(%v) = %v, want nil", tc.r, err)
			case tc.want != "" && err == nil:
				t.Errorf("Validate(%v) = nil, want error containing %q", tc.r, tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("Validate(%v) = %q, want it to contain %q", tc.r, err, tc.want)
			case err != nil && !strings.HasPrefix(err.Error(), "resource '"+tc.r.String()+"' is invalid: "):
				t.Errorf("Validate(%v) = %q, want it to name the resource", tc.r, err)
			}
		})
	}
}

// Ports DiskResourcesTest.Validation and ReservedResourcesTest.Validation.
func TestValidateDiskAndReserved(t *testing.T) {
	valid := []Resource{
		diskResource(t, "10", "role", "1", "path", nil, false),
		diskResource(t, "10", "*", "", "path", nil, false),
		diskResource(t, "10", "role", "1", "path", &DiskSource{Type: DiskSourcePath, Path: &DiskSourceRoot{Root: ptr("mnt")}}, false),
		diskResource(t, "10", "role", "1", "path", &DiskSource{Type: DiskSourceMount, Mount: &DiskSourceRoot{Root: ptr("mnt")}}, false),
		reserved(t, "cpus", "8"),
		reserved(t, "cpus", "8", static("role")),
		reserved(t, "cpus", "8", dynamic("role", "principal2")),
		reserved(t, "cpus", "8", dynamic("role", "principal2", label("foo", "bar"))),
	}
	for _, r := range valid {
		if err := Validate(r); err != nil {
			t.Errorf("Validate(%v) = %v, want nil", r, err)
		}
	}
}

func TestValidateRole(t *testing.T) {
	tests := []struct{ role, want string }{
		{"*", ""},
		{"web", ""},
		{"a/b/c", ""},
		{"a-b", ""},
		{"", "cannot be the empty string"},
		{"/a", "cannot start with a slash"},
		{"a/", "cannot end with a slash"},
		{"a//b", "two adjacent slashes"},
		{"a/./b", "'.' as a component"},
		{"..", "'..' as a component"},
		{"a/*", "'*' as a component"},
		{"-a", "starts with a dash"},
		{"a/-b", "starts with a dash"},
		{"a b", "backspace or whitespace"},
		{"a\x7f", "backspace or whitespace"},
		{"a\tb", "backspace or whitespace"},
	}
	for _, tc := range tests {
		err := ValidateRole(tc.role)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("ValidateRole(%q) = %v, want %q", tc.role, err, tc.want)
		}
	}
}

func TestRoleTree(t *testing.T) {
	subroles := []struct {
		left, right string
		want        bool
	}{
		{"a/b", "a", true}, {"a/b/c", "a", true}, {"ab", "a", false}, {"a", "a", false}, {"a", "a/b", false},
	}
	for _, tc := range subroles {
		if got := IsStrictSubroleOf(tc.left, tc.right); got != tc.want {
			t.Errorf("IsStrictSubroleOf(%q, %q) = %v, want %v", tc.left, tc.right, got, tc.want)
		}
	}
	if got := RoleAncestors("a/b/c"); len(got) != 2 || got[0] != "a/b" || got[1] != "a" {
		t.Errorf("RoleAncestors(a/b/c) = %v, want [a/b a]", got)
	}
}

func TestValidateCommandLine(t *testing.T) {
	vol := diskResource(t, "10", "role", "1", "path", nil, false)
	dyn := reserved(t, "cpus", "1", dynamic("role", "p"))
	rev := revocable(t, "cpus", "1", "*", true)
	for _, tc := range []struct {
		name string
		rs   Resources
		want string
	}{
		{"volume", of(vol), "persistent volumes"},
		{"dynamic", of(dyn), "dynamic reservations"},
		{"revocable", of(rev), "revocable resources"},
		{"plain", mustParse(t, "cpus:1;mem:2;cpus(r):3"), ""},
	} {
		err := ValidateCommandLine(tc.rs)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: ValidateCommandLine(%v) = %v, want %q", tc.name, tc.rs, err, tc.want)
		}
	}
}
