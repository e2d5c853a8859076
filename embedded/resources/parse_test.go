package resources

import (
	"errors"
	"strings"
	"testing"
)

// Ports ResourcesTest.Parsing.
func TestParseResource(t *testing.T) {
	cpus := mustResource(t, "cpus", "45.55", "*")
	if cpus.Type != TypeScalar || cpus.Scalar != 45.55 || len(cpus.Reservations) != 0 {
		t.Errorf("ParseResource(cpus, 45.55) = %+v", cpus)
	}
	ports := mustResource(t, "ports", "[10000-20000, 30000-50000]", "*")
	if ports.Type != TypeRanges || len(ports.Ranges) != 2 {
		t.Errorf("ParseResource(ports) = %+v", ports)
	}
	disks := mustResource(t, "disks", "{sda1}", "*")
	if disks.Type != TypeSet || len(disks.Set) != 1 || disks.Set[0] != "sda1" {
		t.Errorf("ParseResource(disks) = %+v", disks)
	}
	role := mustResource(t, "cpus", "1", "role1")
	if want := []ReservationInfo{static("role1")}; len(role.Reservations) != 1 || role.Reservations[0] != want[0] {
		t.Errorf("ParseResource(cpus, 1, role1).Reservations = %v, want %v", role.Reservations, want)
	}
	if _, err := ParseResource("cpus", "abc", "*"); err == nil {
		t.Errorf("ParseResource(cpus, abc) = nil error, want TEXT rejected")
	}
}

// Ports ResourcesTest.ParsingWithRoles.
func TestParseWithRoles(t *testing.T) {
	parse1 := mustParse(t, "cpus(role1):2;mem(role1):3")
	want1 := of(
		Resource{Name: "cpus", Type: TypeScalar, Scalar: 2, Reservations: []ReservationInfo{static("role1")}},
		Resource{Name: "mem", Type: TypeScalar, Scalar: 3, Reservations: []ReservationInfo{static("role1")}},
	)
	if !parse1.Equal(want1) {
		t.Errorf("Parse = %v, want %v", parse1, want1)
	}
	parse2 := mustParse(t, "cpus(role1):2.5;ports(role2):[0-100]")
	want2 := of(
		Resource{Name: "ports", Type: TypeRanges, Ranges: []Range{{0, 100}}, Reservations: []ReservationInfo{static("role2")}},
		Resource{Name: "cpus", Type: TypeScalar, Scalar: 2.5, Reservations: []ReservationInfo{static("role1")}},
	)
	if !parse2.Equal(want2) {
		t.Errorf("Parse = %v, want %v", parse2, want2)
	}
	parse3, err := Parse("cpus:2.5;ports(role2):[0-100]", "role1")
	if err != nil || !parse3.Equal(parse2) {
		t.Errorf("Parse with default role1 = %v, %v, want %v", parse3, err, parse2)
	}
}

// Ports ResourcesTest.ParseError, ParsingFromJSONError and VerySmallValue.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"missing colon", "cpus(role1)", "missing or extra ':' in cpus(role1)"},
		{"mismatched parentheses", "cpus(role1:1", "mismatched parentheses"},
		{"reversed parentheses", "cpus)(role1:1", "mismatched parentheses"},
		{"same name different types", "foo(role1):1;foo(role2):[0-1]", "same name ('foo') but different types"},
		{"text value", "cpus:abc", "bad type for resource cpus value abc type TEXT"},
		{"negative", "cpus:-1", "negative values not supported"},
		{"very small", "cpus:0.00001", "value <= 0"},
		{"invalid role", "cpus(-bad):1", "starts with a dash"},
		{"star role component", "cpus(a/*):1", "cannot include '*' as a component"},
		{"inverted range", "ports:[5-1]", "begin > end"},
		{"duplicate set items", "disks:{a,a}", "duplicated elements"},
		{"empty name", ":1", "missing or extra ':'"},
		{"json object", `{"name":"sad_pandas","type":"SET","set":{"item":["bai_yun","gao_gao"]}}`, "missing or extra ':'"},
		{"json missing comma", `[{"name":"a","type":"SET","set":{"item":["x"]}} {"name":"b","type":"SET","set":{"item":["y"]}}]`, "not a JSON array"},
		{"json missing comma in set", `[{"name":"a","type":"SET","set":{"item":["x" "y"]}}]`, "not a JSON array"},
		{"json array of arrays", `[[{"name":"a","type":"SET","set":{"item":["x"]}}]]`, "expecting a JSON object"},
		{"json extraneous text", `[{"name":"a","type":"SET","set":{"item":["x"]}}]once upon a time`, "not a JSON array"},
		{"json wrong bracket", `[{"name":"a","type":"SET","set":{"item":["x","y"}}}]`, "not a JSON array"},
		{"json missing type", `[{"name":"pandas","set":{"item":["x"]}}]`, "missing required fields: type"},
		{"json empty name", `[{"name":"","type":"SET","set":{"item":["x"]}}]`, "empty resource name"},
		{"json unknown type", `[{"name":"pandas","type":"FLOATINGPOINT","set":{"item":["x"]}}]`, "failed to find enum for 'FLOATINGPOINT'"},
		{"json negative", `[{"name":"panda_power","type":"SCALAR","scalar":{"value":-1}}]`, "value <= 0"},
		{"json persistent volume", `[{"name":"disk","type":"SCALAR","scalar":{"value":2048},"disk":{"persistence":{"id":"pv1"},"volume":{"container_path":"/var/lib/mesos/persist","mode":"RW"}}}]`, "persistent volumes cannot be specified"},
		{"json dynamic reservation", `[{"name":"disk","type":"SCALAR","scalar":{"value":2048},"reservations":[{"type":"DYNAMIC","role":"new_role","principal":"p"}]}]`, "dynamic reservations cannot be specified"},
		{"json revocable", `[{"name":"cpus","type":"SCALAR","scalar":{"value":54.44},"role":"role2","revocable":{}}]`, "revocable resources cannot be specified"},
		{"json same name different types", `[{"name":"p","type":"SCALAR","scalar":{"value":14}},{"name":"p","type":"SET","set":{"item":["a"]}}]`, "different types"},
		{"json reservation without type", `[{"name":"disk","type":"SCALAR","scalar":{"value":2048},"reservations":[{"role":"new_role","principal":"p"}],"role":"*"}]`, "does not match the role"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in, DefaultRole)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error containing %q", tc.in, got, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tc.in, err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "resources: parse ") {
				t.Errorf("Parse(%q) error = %q, want prefix %q", tc.in, err, "resources: parse ")
			}
		})
	}
}

func TestParseValidationErrorsAreTyped(t *testing.T) {
	_, err := Parse("cpus:0.00001", DefaultRole)
	var ve *ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("Parse(cpus:0.00001) error = %v, want a *ValidationError wrapping ErrInvalid", err)
	}
	if ve.Resource != "cpus:0" || ve.Reason != "invalid scalar resource: value <= 0" {
		t.Errorf("ValidationError = %+v", ve)
	}
}

// Ports ResourcesTest.ParsingFromJSON and ParsingFromJSONWithRoles.
func TestParseJSONArray(t *testing.T) {
	text := `[
	  {"name": "cpus", "type": "SCALAR", "scalar": {"value": 45.55}},
	  {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 10000, "end": 20000}, {"begin": 30000, "end": 50000}]}},
	  {"name": "pandas", "type": "SET", "set": {"item": ["lun_lun", "yang_yang"]}}
	]`
	got := mustParse(t, text)
	want := mustParse(t, "cpus:45.55;ports:[10000-20000,30000-50000];pandas:{lun_lun,yang_yang}")
	if !got.Equal(want) {
		t.Errorf("Parse(JSON) = %v, want %v", got, want)
	}
	if r := got.At(0); r.Scalar != 45.55 {
		t.Errorf("cpus scalar = %v, want 45.55", r.Scalar)
	}

	roles := `[{"name":"cpus","type":"SCALAR","scalar":{"value":45.55},"reservations":[{"type":"STATIC","role":"role1"}]},
	  {"name":"ports","type":"RANGES","ranges":{"range":[{"begin":10000,"end":20000}]},"role":"role1"},
	  {"name":"mem","type":"SCALAR","scalar":{"value":1}}]`
	got = mustParse(t, roles)
	want = mustParse(t, "cpus(role1):45.55;ports(role1):[10000-20000];mem:1")
	if !got.Equal(want) {
		t.Errorf("Parse(JSON with roles) = %v, want %v", got, want)
	}
	// A JSON resource without role or reservations gets the default role.
	got, err := Parse(`[{"name":"mem","type":"SCALAR","scalar":{"value":1}}]`, "web")
	if err != nil || !got.Equal(mustParse(t, "mem(web):1")) {
		t.Errorf("Parse(JSON, web) = %v, %v", got, err)
	}
}

func TestFromStringKeepsEmptyAndUnmerged(t *testing.T) {
	list, err := FromString("cpus:0;cpus:1;cpus:2", "*")
	if err != nil || len(list) != 3 {
		t.Fatalf("FromString = %v, %v, want 3 resources", list, err)
	}
	if _, err := FromString("cpus", "*"); err == nil {
		t.Errorf("FromString(cpus) = nil error")
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", ";", ";;"} {
		rs, err := Parse(in, "")
		if err != nil || !rs.IsEmpty() {
			t.Errorf("Parse(%q) = %v, %v, want empty", in, rs, err)
		}
	}
}
