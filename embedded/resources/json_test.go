package resources

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		r    Resource
		f    ResourceFormat
		want string
	}{
		{"scalar", mustResource(t, "cpus", "2", "*"), FormatPostRefinement,
			`{"name":"cpus","type":"SCALAR","scalar":{"value":2.0}}`},
		{"scalar endpoint", mustResource(t, "cpus", "0.5", "*"), FormatEndpoint,
			`{"name":"cpus","type":"SCALAR","scalar":{"value":0.5},"role":"*"}`},
		{"ranges", mustResource(t, "ports", "[31000-32000]", "*"), FormatPostRefinement,
			`{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]}}`},
		{"set", mustResource(t, "gpus", "{a,b}", "*"), FormatPostRefinement,
			`{"name":"gpus","type":"SET","set":{"item":["a","b"]}}`},
		{"static", mustResource(t, "mem", "512", "eng"), FormatPostRefinement,
			`{"name":"mem","type":"SCALAR","scalar":{"value":512.0},"reservations":[{"role":"eng","type":"STATIC"}]}`},
		{"static endpoint", mustResource(t, "mem", "512", "eng"), FormatEndpoint,
			`{"name":"mem","type":"SCALAR","scalar":{"value":512.0},"role":"eng","reservations":[{"role":"eng","type":"STATIC"}]}`},
		{"dynamic endpoint", reserved(t, "mem", "512", dynamic("eng", "ops")), FormatEndpoint,
			`{"name":"mem","type":"SCALAR","scalar":{"value":512.0},"role":"eng","reservation":{"principal":"ops"},"reservations":[{"principal":"ops","role":"eng","type":"DYNAMIC"}]}`},
		{"dynamic pre-refinement", reserved(t, "mem", "512", dynamic("eng", "ops", label("k", "v"))), FormatPreRefinement,
			`{"name":"mem","type":"SCALAR","scalar":{"value":512.0},"role":"eng","reservation":{"principal":"ops","labels":{"labels":[{"key":"k","value":"v"}]}}}`},
		{"refined endpoint", reserved(t, "mem", "1", static("a"), dynamic("a/b", "p")), FormatEndpoint,
			`{"name":"mem","type":"SCALAR","scalar":{"value":1.0},"reservations":[{"role":"a","type":"STATIC"},{"principal":"p","role":"a/b","type":"DYNAMIC"}]}`},
		{"allocated revocable", func() Resource {
			r := revocable(t, "cpus", "1", "*", true)
			r.AllocationInfo = &AllocationInfo{Role: "engineering"}
			r.ProviderID = "rp"
			return r
		}(), FormatPostRefinement,
			`{"name":"cpus","type":"SCALAR","scalar":{"value":1.0},"revocable":{},"allocation_info":{"role":"engineering"},"provider_id":{"value":"rp"}}`},
		{"shared volume", diskResource(t, "64", "r", "id1", "path1", &DiskSource{Type: DiskSourceMount, Mount: &DiskSourceRoot{Root: ptr("/mnt")}}, true), FormatPostRefinement,
			`{"name":"disk","type":"SCALAR","scalar":{"value":64.0},"disk":{"persistence":{"id":"id1"},"volume":{"container_path":"path1","mode":"RW"},"source":{"type":"MOUNT","mount":{"root":"/mnt"}}},"shared":{},"reservations":[{"role":"r","type":"STATIC"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.r.AppendJSON(nil, tc.f)
			if err != nil {
				t.Fatalf("AppendJSON error: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("AppendJSON(%v) =\n%s\nwant\n%s", tc.r, got, tc.want)
			}
			back, err := decodeResource(got, DefaultRole)
			if err != nil {
				t.Fatalf("decode(%s) error: %v", got, err)
			}
			if !back.Equal(tc.r) {
				t.Errorf("decode(encode(%v)) = %v", tc.r, back)
			}
		})
	}
	if _, err := reserved(t, "mem", "1", static("a"), dynamic("a/b", "p")).AppendJSON(nil, FormatPreRefinement); err == nil {
		t.Errorf("pre-refinement encoding of refined reservations = nil error")
	}
	if _, err := json.Marshal(Resource{Name: "cpus", Type: TypeScalar, Scalar: nan()}); err == nil {
		t.Errorf("json.Marshal(NaN scalar) = nil error")
	}
}

func TestAppendJSONFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.0"}, {2, "2.0"}, {0.5, "0.5"}, {45.55, "45.55"}, {1024, "1024.0"},
		{1e20, "100000000000000000000.0"}, {1e21, "1e21"}, {1.5e22, "1.5e22"},
		{0.001, "0.001"}, {1e-6, "0.000001"}, {1e-7, "1e-7"}, {-2.5, "-2.5"}, {123456.789, "123456.789"},
	}
	for _, tc := range tests {
		got, err := appendJSONFloat(nil, tc.in)
		if err != nil || string(got) != tc.want {
			t.Errorf("appendJSONFloat(%v) = %s, %v, want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestUnmarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Resource
	}{
		{"legacy unreserved", `{"name":"cpus","role":"*","scalar":{"value":2.0},"type":"SCALAR"}`,
			Resource{Name: "cpus", Type: TypeScalar, Scalar: 2}},
		{"no role", `{"name":"cpus","type":"SCALAR","scalar":{"value":2}}`,
			Resource{Name: "cpus", Type: TypeScalar, Scalar: 2}},
		{"legacy static", `{"name":"cpus","role":"role1","scalar":{"value":0.5},"type":"SCALAR"}`,
			Resource{Name: "cpus", Type: TypeScalar, Scalar: 0.5, Reservations: []ReservationInfo{static("role1")}}},
		{"legacy dynamic", `{"name":"cpus","type":"SCALAR","scalar":{"value":0.5},"role":"cassandra_role","reservation":{"principal":"cassandra_principal"}}`,
			Resource{Name: "cpus", Type: TypeScalar, Scalar: 0.5, Reservations: []ReservationInfo{dynamic("cassandra_role", "cassandra_principal")}}},
		{"endpoint dynamic", `{"name":"mem","type":"SCALAR","scalar":{"value":512},"role":"eng","reservation":{"principal":"ops"},"reservations":[{"type":"DYNAMIC","role":"eng","principal":"ops"}]}`,
			Resource{Name: "mem", Type: TypeScalar, Scalar: 512, Reservations: []ReservationInfo{dynamic("eng", "ops")}}},
		{"offered", `{"allocation_info":{"role":"engineering"},"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"*"}`,
			Resource{Name: "cpus", Type: TypeScalar, Scalar: 2, AllocationInfo: &AllocationInfo{Role: "engineering"}}},
		{"unknown fields and nulls", `{"name":"cpus","type":"SCALAR","scalar":{"value":"1.5"},"frobnicate":[1,2],"role":null,"disk":null}`,
			Resource{Name: "cpus", Type: TypeScalar, Scalar: 1.5, Unknown: json.RawMessage(`{"frobnicate":[1,2]}`)}},
		{"string numbers", `{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":"1","end":2}]}}`,
			Resource{Name: "ports", Type: TypeRanges, Ranges: []Range{{1, 2}}}},
		{"unknown optional enum", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"WEIRD","role":"r"}]}`,
			Resource{Name: "cpus", Type: TypeScalar, Scalar: 1, Reservations: []ReservationInfo{{Role: "r"}}}},
		{"empty ranges", `{"name":"ports","type":"RANGES","ranges":{}}`,
			Resource{Name: "ports", Type: TypeRanges}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got Resource
			if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
				t.Fatalf("Unmarshal(%s) error: %v", tc.in, err)
			}
			if !got.Equal(tc.want) || len(got.Reservations) != len(tc.want.Reservations) ||
				string(got.Unknown) != string(tc.want.Unknown) {
				t.Errorf("Unmarshal(%s) = %v (unknown %s), want %v (unknown %s)", tc.in, got, got.Unknown, tc.want, tc.want.Unknown)
			}
		})
	}
}

func TestUnmarshalJSONErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not object", `[1]`, "expecting a JSON object"},
		{"missing name", `{"type":"SCALAR","scalar":{"value":1}}`, "missing required fields: name"},
		{"missing both", `{}`, "missing required fields: name, type"},
		{"numeric type", `{"name":"x","type":0,"scalar":{"value":1}}`, "expecting a JSON string"},
		{"missing scalar", `{"name":"cpus","type":"SCALAR"}`, "invalid scalar resource"},
		{"missing scalar value", `{"name":"cpus","type":"SCALAR","scalar":{}}`, "scalar.value"},
		{"scalar and ranges", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"ranges":{}}`, "invalid scalar resource"},
		{"ranges without ranges", `{"name":"p","type":"RANGES"}`, "invalid ranges resource"},
		{"negative begin", `{"name":"p","type":"RANGES","ranges":{"range":[{"begin":-1,"end":2}]}}`, "non-negative integer"},
		{"missing end", `{"name":"p","type":"RANGES","ranges":{"range":[{"begin":1}]}}`, "missing required fields"},
		{"set of numbers", `{"name":"s","type":"SET","set":{"item":[1]}}`, "expecting JSON strings"},
		{"bad role", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"a//b"}`, "two adjacent slashes"},
		{"star dynamic", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"*","reservation":{}}`, `role "*" cannot be dynamically reserved`},
		{"typed legacy reservation", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"r","reservation":{"type":"DYNAMIC"}}`, "must not be set for the 'Resource.reservation' field"},
		{"role mismatch", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"a","reservations":[{"type":"STATIC","role":"b"}]}`, "does not match the role 'b'"},
		{"static with reservation", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservation":{},"reservations":[{"type":"STATIC","role":"b"}]}`, "is STATIC"},
		{"dynamic half legacy", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"b","reservations":[{"type":"DYNAMIC","role":"b"}]}`, "both set or both not set"},
		{"principal mismatch", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"b","reservation":{"principal":"x"},"reservations":[{"type":"DYNAMIC","role":"b","principal":"y"}]}`, "principal"},
		{"refined with role", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"a/b","reservations":[{"type":"STATIC","role":"a"},{"type":"DYNAMIC","role":"a/b"}]}`, "more than one reservation"},
		{"volume without path", `{"name":"disk","type":"SCALAR","scalar":{"value":1},"disk":{"volume":{"mode":"RW"}}}`, "volume.container_path"},
		{"source without type", `{"name":"disk","type":"SCALAR","scalar":{"value":1},"disk":{"source":{}}}`, "source.type"},
		{"label without key", `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"DYNAMIC","role":"r","labels":{"labels":[{"value":"v"}]}}]}`, "labels.key"},
		{"scalar string garbage", `{"name":"cpus","type":"SCALAR","scalar":{"value":"x"}}`, "failed to parse 'x'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got Resource
			err := json.Unmarshal([]byte(tc.in), &got)
			if err == nil {
				t.Fatalf("Unmarshal(%s) = %v, want error containing %q", tc.in, got, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Unmarshal(%s) error = %q, want it to contain %q", tc.in, err, tc.want)
			}
		})
	}
}

func TestResourcesJSONRoundTrip(t *testing.T) {
	vol := diskResource(t, "64", "role1", "id1", "path1", nil, true)
	rs := mustParse(t, "cpus:4;mem:1024;ports:[31000-32000,33000-33010];disk(role):100;gpus:{a,b}")
	rs.AddResource(vol)
	rs.AddResource(vol)
	rs.AddResource(reserved(t, "cpus", "1", static("a"), dynamic("a/b", "p", label("k"))))
	rs.AddResource(revocable(t, "cpus", "2", "*", true))
	for _, f := range []ResourceFormat{FormatPostRefinement, FormatEndpoint} {
		b, err := rs.AppendJSON(nil, f)
		if err != nil {
			t.Fatalf("AppendJSON(%d) error: %v", f, err)
		}
		back, err := DecodeJSON(b, DefaultRole)
		if err != nil {
			t.Fatalf("DecodeJSON(%s) error: %v", b, err)
		}
		if !back.Equal(rs) || back.Count(vol) != 2 {
			t.Errorf("format %d: DecodeJSON(AppendJSON(x)) = %v, want %v", f, back, rs)
		}
	}
	var via Resources
	b, _ := json.Marshal(rs)
	if err := json.Unmarshal(b, &via); err != nil || !via.Equal(rs) {
		t.Errorf("json round trip = %v, %v", via, err)
	}
	if err := json.Unmarshal([]byte(`[{"name":"cpus","type":"SCALAR","scalar":{"value":-1}}]`), &via); err == nil {
		t.Errorf("Unmarshal of a negative scalar = nil error")
	}
	if got := string(must(json.Marshal(Resources{}))); got != "[]" {
		t.Errorf("Marshal(empty) = %s, want []", got)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestFixtures decodes every resource list and v0 resource map found in
// the real Mesos payloads under /work/shared/fixtures/mesos (skipped when
// the fixtures are not beside the checkout).
func TestFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "mesos")
	if _, err := os.Stat(dir); err != nil {
		dir = "/work/shared/fixtures/mesos"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Skip("no Mesos fixtures found")
	}
	var lists, maps int
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if s, ok := doc.(string); ok { // double-encoded state-summary
			if err := json.Unmarshal([]byte(s), &doc); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
		}
		base := filepath.Base(file)
		if strings.HasPrefix(base, "marathon.") {
			continue // Marathon's own resource shapes, not Mesos's
		}
		walk(doc, "", func(path string, v any) {
			raw := must(json.Marshal(v))
			switch v := v.(type) {
			case []any:
				lists++
				rs, err := DecodeJSON(raw, DefaultRole)
				if err != nil {
					t.Errorf("%s %s: DecodeJSON error: %v", base, path, err)
					return
				}
				if len(v) > 0 && rs.IsEmpty() {
					t.Errorf("%s %s: decoded %d resources to nothing", base, path, len(v))
				}
				back, err := DecodeJSON(must(rs.AppendJSON(nil, FormatEndpoint)), DefaultRole)
				if err != nil || !back.Equal(rs) {
					t.Errorf("%s %s: endpoint round trip = %v, %v, want %v", base, path, back, err, rs)
				}
			case map[string]any:
				if strings.HasSuffix(path, "/reserved_resources") {
					for role, m := range v {
						decodeV0Fixture(t, base, path+"/"+role, must(json.Marshal(m)))
						maps++
					}
					return
				}
				maps++
				decodeV0Fixture(t, base, path, raw)
			}
		})
	}
	t.Logf("decoded %d v1 resource lists and %d v0 resource maps", lists, maps)
	if lists == 0 || maps == 0 {
		t.Errorf("found %d resource lists and %d maps, want some of each", lists, maps)
	}
}

func decodeV0Fixture(t *testing.T, file, path string, raw []byte) {
	t.Helper()
	rs, err := DecodeV0(raw)
	if err != nil {
		t.Errorf("%s %s: DecodeV0 error: %v", file, path, err)
		return
	}
	back, err := DecodeV0(must(json.Marshal(V0(rs))))
	if err != nil || !back.Equal(rs) {
		t.Errorf("%s %s: v0 round trip = %v, %v, want %v", file, path, back, err, rs)
	}
}

// walk calls fn for every value stored under a key named like a Mesos
// resources field.
func walk(v any, path string, fn func(path string, v any)) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			p := path + "/" + k
			switch k {
			case "resources", "used_resources", "offered_resources", "unreserved_resources",
				"total_resources", "allocated_resources", "reserved_resources":
				switch child.(type) {
				case []any, map[string]any:
					fn(p, child)
					continue
				}
			}
			walk(child, p, fn)
		}
	case []any:
		for _, child := range v {
			walk(child, path+"[]", fn)
		}
	}
}

func TestUnknownFieldsPreserved(t *testing.T) {
	in := `{"name":"cpus","type":"SCALAR","scalar":{"value":1},"zeta":{"a": [1, 2]},"alpha":"x","role":"*"}`
	var r Resource
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	got := string(must(json.Marshal(r)))
	want := `{"name":"cpus","type":"SCALAR","scalar":{"value":1.0},"alpha":"x","zeta":{"a":[1,2]}}`
	if got != want {
		t.Errorf("Marshal(Unmarshal(%s)) = %s, want %s", in, got, want)
	}
	// Unknown members do not affect equality or merging.
	plain := mustResource(t, "cpus", "1", "*")
	if !r.Equal(plain) || of(r, plain).Len() != 1 {
		t.Errorf("unknown members changed equality")
	}
	for _, bad := range []string{`{"name":1}`, `[1]`, `{"x":`} {
		r.Unknown = json.RawMessage(bad)
		if _, err := json.Marshal(r); err == nil {
			t.Errorf("Marshal with Unknown %s = nil error", bad)
		}
	}
}

func TestSubMessageJSON(t *testing.T) {
	ri := dynamic("eng", "ops", label("k", "v"))
	b := must(json.Marshal(ri))
	if want := `{"principal":"ops","labels":{"labels":[{"key":"k","value":"v"}]},"role":"eng","type":"DYNAMIC"}`; string(b) != want {
		t.Errorf("Marshal(ReservationInfo) = %s, want %s", b, want)
	}
	var back ReservationInfo
	if err := json.Unmarshal(b, &back); err != nil || !reservationEqual(&back, &ri) {
		t.Errorf("Unmarshal(%s) = %+v, %v", b, back, err)
	}
	d := DiskInfo{Persistence: &Persistence{ID: "v"}, Source: &DiskSource{Type: DiskSourcePath}}
	b = must(json.Marshal(d))
	var dback DiskInfo
	if err := json.Unmarshal(b, &dback); err != nil || !diskEqual(&dback, &d) {
		t.Errorf("Unmarshal(%s) = %+v, %v", b, dback, err)
	}
	var vt ValueType
	if err := json.Unmarshal([]byte(`"RANGES"`), &vt); err != nil || vt != TypeRanges {
		t.Errorf("Unmarshal(RANGES) = %v, %v", vt, err)
	}
	if err := json.Unmarshal([]byte(`"NOPE"`), &vt); err == nil {
		t.Errorf("Unmarshal(NOPE) = nil error")
	}
	var rt ReservationType
	var st DiskSourceType
	if err := errors.Join(json.Unmarshal([]byte(`"STATIC"`), &rt), json.Unmarshal([]byte(`"RAW"`), &st)); err != nil || rt != ReservationStatic || st != DiskSourceRaw {
		t.Errorf("enum text = %v %v %v", rt, st, err)
	}
	if b := must(json.Marshal(struct{ T DiskSourceType }{DiskSourceMount})); string(b) != `{"T":"MOUNT"}` {
		t.Errorf("Marshal(enum) = %s", b)
	}
}
