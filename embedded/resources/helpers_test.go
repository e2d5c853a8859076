package resources

import "testing"

// Test helpers modelled on src/tests/mesos.hpp and resources_utils.hpp.

func mustParse(t testing.TB, text string) Resources {
	t.Helper()
	rs, err := Parse(text, DefaultRole)
	if err != nil {
		t.Fatalf("Parse(%q) error: %v", text, err)
	}
	return rs
}

func mustResource(t testing.TB, name, value, role string) Resource {
	t.Helper()
	r, err := ParseResource(name, value, role)
	if err != nil {
		t.Fatalf("ParseResource(%q, %q, %q) error: %v", name, value, role, err)
	}
	return r
}

func of(rs ...Resource) Resources {
	var out Resources
	for _, r := range rs {
		out.AddResource(r)
	}
	return out
}

func static(role string) ReservationInfo {
	return ReservationInfo{Type: ReservationStatic, Role: role}
}

func dynamic(role, principal string, labels ...Label) ReservationInfo {
	ri := ReservationInfo{Type: ReservationDynamic, Role: role, Principal: principal}
	if len(labels) > 0 {
		ri.Labels = &Labels{Labels: labels}
	}
	return ri
}

func label(key string, value ...string) Label {
	l := Label{Key: key}
	if len(value) > 0 {
		l.Value = &value[0]
	}
	return l
}

// reserved models createReservedResource(name, value, reservation).
func reserved(t testing.TB, name, value string, res ...ReservationInfo) Resource {
	t.Helper()
	r := mustResource(t, name, value, DefaultRole)
	r.Reservations = res
	return r
}

// diskResource models createDiskResource(value, role, persistenceID,
// containerPath, source, shared).
func diskResource(t testing.TB, value, role, persistenceID, containerPath string, source *DiskSource, shared bool) Resource {
	t.Helper()
	r := mustResource(t, "disk", value, role)
	if persistenceID != "" || containerPath != "" || source != nil {
		d := &DiskInfo{Source: source}
		if persistenceID != "" {
			d.Persistence = &Persistence{ID: persistenceID}
		}
		if containerPath != "" {
			d.Volume = &Volume{Mode: "RW", ContainerPath: containerPath}
		}
		r.Disk = d
		r.Shared = shared
	}
	return r
}

func revocable(t testing.TB, name, value, role string, rev bool) Resource {
	t.Helper()
	r := mustResource(t, name, value, role)
	r.Revocable = rev
	return r
}

func ptr[T any](v T) *T { return &v }

func nan() float64 { var z float64; return z / z }

func inf() float64 { var z float64; return 1 / z }
