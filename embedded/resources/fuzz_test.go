package resources

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkInvariants verifies what every Resources built by this package
// guarantees: valid, non-empty entries that contain themselves, and a v1
// JSON form that decodes back to an equal value.
func checkInvariants(t *testing.T, rs Resources) {
	t.Helper()
	for i := range rs.items {
		e := &rs.items[i]
		if err := Validate(e.r); err != nil {
			t.Fatalf("entry %d of %v invalid: %v", i, rs, err)
		}
		if e.isEmpty() {
			t.Fatalf("entry %d of %v is empty", i, rs)
		}
		if e.r.Type == TypeRanges && !isCoalesced(e.r.Ranges) {
			t.Fatalf("entry %d of %v has uncoalesced ranges", i, rs)
		}
	}
	_ = rs.String()
	if !rs.Contains(rs) || !rs.Equal(rs.Clone()) {
		t.Fatalf("%v does not equal itself", rs)
	}
	// JSON cannot carry invalid UTF-8 (it becomes U+FFFD), so the JSON
	// round trip is only checked for valid text.
	for _, f := range jsonFormats(rs) {
		b, err := rs.AppendJSON(nil, f)
		if err != nil {
			t.Fatalf("AppendJSON(%v, %d) error: %v", rs, f, err)
		}
		back, err := DecodeJSON(b, DefaultRole)
		if err != nil {
			t.Fatalf("DecodeJSON(%s) error: %v", b, err)
		}
		if !back.Equal(rs) {
			t.Fatalf("DecodeJSON(AppendJSON(%v)) = %v", rs, back)
		}
	}
	// Scalar arithmetic is exact at three decimals: a+a-a == a.
	s := rs.Scalars()
	if got := s.Plus(s).Minus(s); !got.Equal(s) {
		t.Fatalf("a+a-a = %v, want %v", got, s)
	}
	if !rs.ContainsQuantities(rs.Quantities()) {
		t.Fatalf("%v does not contain its own quantities %v", rs, rs.Quantities())
	}
}

func jsonFormats(rs Resources) []ResourceFormat {
	if b := []byte(rs.String()); !utf8.Valid(b) {
		return nil
	}
	return []ResourceFormat{FormatPostRefinement, FormatEndpoint}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"cpus:4;mem:1024;ports:[31000-32000];disk(role):100",
		"cpus(role1):2.5;ports(role2):[0-100];disks:{sda1,sda2}",
		`[{"name":"cpus","type":"SCALAR","scalar":{"value":45.55},"role":"r"}]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		rs, err := Parse(text, DefaultRole)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "resources: parse ") {
				t.Fatalf("Parse(%q) error %q lacks the operation prefix", text, err)
			}
			return
		}
		checkInvariants(t, rs)
		// parse(format(x)) == x.
		if !utf8.ValidString(rs.String()) {
			return // JSON would replace the invalid bytes
		}
		formatted := rs.Format()
		back, err := Parse(formatted, DefaultRole)
		if err != nil {
			t.Fatalf("Parse(Format(%v)) = Parse(%q) error: %v", rs, formatted, err)
		}
		if !back.Equal(rs) {
			t.Fatalf("Parse(%q) = %v, want %v", formatted, back, rs)
		}
		// The v0 map keeps plain (unreserved) resources.
		flat := rs.Flatten()
		lossless := !strings.HasPrefix(formatted, "[")
		for r := range flat.All() {
			if strings.HasSuffix(r.Name, "_revocable") {
				lossless = false
			}
		}
		if lossless {
			v0, err := json.Marshal(V0(flat))
			if err != nil {
				t.Fatalf("Marshal(V0(%v)) error: %v", flat, err)
			}
			got, err := DecodeV0(v0)
			if err != nil || !got.Equal(flat) {
				t.Fatalf("DecodeV0(%s) = %v, %v, want %v", v0, got, err, flat)
			}
		}
	})
}

func FuzzUnmarshalV1(f *testing.F) {
	for _, s := range []string{
		`[{"name":"cpus","type":"SCALAR","scalar":{"value":2.0},"role":"*"}]`,
		`[{"name":"mem","type":"SCALAR","scalar":{"value":512},"reservations":[{"type":"DYNAMIC","role":"eng","principal":"ops"}]}]`,
		`[{"allocation_info":{"role":"engineering"},"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"*"}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var one Resource
		if err := json.Unmarshal(data, &one); err == nil {
			_ = one.String()
			_ = Validate(one)
			if b, err := one.AppendJSON(nil, FormatEndpoint); err == nil {
				var back Resource
				if err := json.Unmarshal(b, &back); err != nil || !back.Equal(one) {
					t.Fatalf("Resource round trip of %s: %v, %v", b, back, err)
				}
			}
		}
		rs, err := DecodeJSON(data, DefaultRole)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "resources: decode JSON: ") {
				t.Fatalf("DecodeJSON error %q lacks the operation prefix", err)
			}
			return
		}
		checkInvariants(t, rs)
	})
}

func FuzzUnmarshalV0(f *testing.F) {
	for _, s := range []string{
		`{"cpus":4,"mem":1024,"ports":"[31000-32000]"}`,
		`{"disk": 75853.0, "mem": 6659.0, "gpus": 0.0, "cpus": 2.0, "ports": "[1025-2180, 2182-3887]"}`,
		`{"cpus_revocable":1.5,"disks":"{a, b}"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := DecodeV0(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "resources: decode v0") {
				t.Fatalf("DecodeV0 error %q lacks the operation prefix", err)
			}
			return
		}
		checkInvariants(t, rs)
		b, err := json.Marshal(V0(rs))
		if err != nil {
			t.Fatalf("Marshal(V0(%v)) error: %v", rs, err)
		}
		back, err := DecodeV0(b)
		if err != nil || !back.Equal(rs) {
			t.Fatalf("DecodeV0(%s) = %v, %v, want %v", b, back, err, rs)
		}
	})
}
