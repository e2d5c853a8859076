package readonly

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// TestV0ResourcesMatchesV0 checks the allocation-free v0 map writer
// against resources.V0, the reference model of json(JSON::ObjectWriter*,
// Resources).
func TestV0ResourcesMatchesV0(t *testing.T) {
	for _, text := range []string{
		"",
		"cpus:1",
		"cpus:0.1;cpus(web):0.2;mem:128",
		"cpus:4;mem:8192;disk:1024;ports:[31000-32000];cpus(web):2;ports(web):[1-10]",
		"ports:[1-2];ports(a):[3-4];ports(b):[10-20]",
		"zones:{a,b};zones(web):{b,c};gpus:2",
		`[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"revocable":{}},{"name":"cpus","type":"SCALAR","scalar":{"value":2}}]`,
		"a:1;b:2;c:3;d:4;e:5;f:6;g:7;h:8;i:9;j:10;k:11;l:12;m:13;n:14;o:15;p:16;q:17;r:18",
		"cpus:[1-2]",
		"disk:{x}",
	} {
		var rs resources.Resources
		var err error
		if len(text) > 0 && text[0] == '[' {
			rs, err = resources.DecodeJSON([]byte(text), "*")
		} else {
			rs, err = resources.Parse(text, "*")
		}
		if err != nil {
			if text == "cpus:[1-2]" || text == "disk:{x}" {
				continue // rejected by validation: fine
			}
			t.Fatalf("resources.Parse(%q): %v", text, err)
		}
		want, err := resources.V0(rs).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		got := appendV0Resources(nil, rs, v0Filter{})
		if diff := cmp.Diff(tokens(t, want), tokens(t, got)); diff != "" {
			t.Errorf("appendV0Resources(%q) = %s, want %s", text, got, want)
		}
	}
}

func TestV0ResourcesFilters(t *testing.T) {
	rs := mustResources(t, "cpus:4;mem:8192;cpus(web):2;mem(web):1024;disk(db):10")
	tests := []struct {
		f    v0Filter
		want string
	}{
		{v0Filter{mode: v0Unreserved}, `{"cpus":4.0,"disk":0.0,"gpus":0.0,"mem":8192.0}`},
		{v0Filter{mode: v0ReservedTo, role: "web"}, `{"cpus":2.0,"disk":0.0,"gpus":0.0,"mem":1024.0}`},
		{v0Filter{mode: v0ReservedTo, role: "db"}, `{"cpus":0.0,"disk":10.0,"gpus":0.0,"mem":0.0}`},
		{v0Filter{mode: v0ReservedTo, role: "none"}, `{"cpus":0.0,"disk":0.0,"gpus":0.0,"mem":0.0}`},
	}
	for _, tc := range tests {
		if got := string(appendV0Resources(nil, rs, tc.f)); got != tc.want {
			t.Errorf("appendV0Resources(%v, %+v) = %s, want %s", rs, tc.f, got, tc.want)
		}
	}
	if got, want := reservationRoles(rs, nil), []string{"db", "web"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("reservationRoles(%v) = %q, want %q", rs, got, want)
	}
}

func TestV0Quantities(t *testing.T) {
	q := resources.MustQuantities("mem:512;cpus:1.5")
	if got, want := string(appendV0Quantities(nil, q)), `{"cpus":1.5,"mem":512.0}`; got != want {
		t.Errorf("appendV0Quantities(%v) = %s, want %s", q, got, want)
	}
	if got, want := string(appendV0Quantities(nil, resources.Quantities{})), `{}`; got != want {
		t.Errorf("appendV0Quantities(empty) = %s, want %s", got, want)
	}
}

// FuzzV0Resources checks the writer against resources.V0 for any
// resources the text parser accepts.
func FuzzV0Resources(f *testing.F) {
	for _, s := range []string{"cpus:1;mem:2", "ports:[1-3,5-9];ports(r):[4-4]", "s:{a,b};s(x):{b}", "cpus(r/s):0.001;cpus:1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		rs, err := resources.Parse(text, "*")
		if err != nil {
			return
		}
		want, err := resources.V0(rs).MarshalJSON()
		if err != nil {
			return // NaN/Inf: resources.V0 refuses, we write null
		}
		got := appendV0Resources(nil, rs, v0Filter{})
		if diff := cmp.Diff(tokens(t, want), tokens(t, got)); diff != "" {
			t.Errorf("appendV0Resources(%q) = %s, want %s", text, got, want)
		}
	})
}

// tokens returns the JSON tokens of data in order (keys, values and
// delimiters), so that two encodings compare equal when they write the
// same members in the same order, whatever their string escapes.
func tokens(t testing.TB, data []byte) []any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []any
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("tokens(%s): %v", data, err)
		}
		if d, ok := tok.(json.Delim); ok {
			tok = string(d)
		}
		out = append(out, tok)
	}
}
