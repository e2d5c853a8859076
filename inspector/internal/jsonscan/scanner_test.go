package jsonscan

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestSkipMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, `{"a":[1,2,{"b":null}],"c":"\u00e9\n"}`, `-0.5e+10`, `"x"`, `true`, ` null `,
		`{"a":1,}`, `[1 2]`, `{"a"}`, `"\x"`, `01`, `1.`, `-`, `{"a":1}}`, `[`, `"abc`, `tru`, "\"a\x01\"", ``,
	} {
		s := New([]byte(in))
		s.Skip()
		got := s.Finish() == nil
		if want := json.Valid([]byte(in)); got != want {
			t.Errorf("Skip+Finish(%q) valid = %v, want %v (err %v)", in, got, want, s.Err())
		}
	}
}

func TestStringsAndNumbers(t *testing.T) {
	s := New([]byte(`{"s":"a\"b\\c\u00e9\ud83d\ude00","n":12,"f":-1.5e2,"big":1470820172046531840,"inf":"Infinity","ns":"7","b":true,"bs":"true","nul":null,"num":3}`))
	got := map[string]any{}
	s.Object(func(k []byte) {
		switch string(k) {
		case "s":
			got["s"] = s.String()
		case "n", "f", "inf":
			got[string(k)], _ = s.Float()
		case "big", "ns":
			got[string(k)], _ = s.Int()
		case "b", "bs":
			got[string(k)] = s.Bool()
		case "nul":
			got["nul"] = s.IsNull()
		case "num":
			got["num"] = s.String() // numbers read as strings keep their text
		}
	})
	if err := s.Finish(); err != nil {
		t.Fatalf("Finish() = %v", err)
	}
	want := map[string]any{"s": "a\"b\\c\u00e9😀", "n": 12.0, "f": -150.0, "big": int64(1470820172046531840),
		"inf": math.Inf(1), "ns": int64(7), "b": true, "bs": true, "nul": true, "num": "3"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
}

func TestUntouchedValuesAreSkipped(t *testing.T) {
	s := New([]byte(`{"skip":{"deep":[1,{"x":"y"}]},"keep":"v","arr":[1,[2],3]}`))
	var keep string
	var n int
	s.Object(func(k []byte) {
		switch string(k) {
		case "keep":
			keep = s.String()
		case "arr":
			s.Array(func(int) { n++ })
		}
	})
	if err := s.Finish(); err != nil || keep != "v" || n != 3 {
		t.Errorf("keep, n, err = %q, %d, %v, want v, 3, nil", keep, n, err)
	}
}

func TestDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", 300) + strings.Repeat("]", 300)
	s := New([]byte(deep))
	s.Skip()
	if s.Err() == nil {
		t.Errorf("Skip(300 levels) error = nil, want a depth error")
	}
	s = New([]byte(deep))
	s.MaxDepth = 400
	s.Skip()
	if err := s.Finish(); err != nil {
		t.Errorf("Skip(300 levels, MaxDepth 400) error = %v", err)
	}
}

func TestIntern(t *testing.T) {
	s := New([]byte(`["TASK_RUNNING","TASK_RUNNING"]`))
	s.Intern(64)
	var got []string
	s.Array(func(int) { got = append(got, s.Interned()) })
	if len(got) != 2 || got[0] != got[1] || s.Finish() != nil {
		t.Fatalf("got %q", got)
	}
	if len(s.intern) != 1 {
		t.Errorf("intern table has %d entries, want 1", len(s.intern))
	}
}

// FuzzSkip checks the scanner agrees with encoding/json on what is valid JSON
// (up to its depth limit) and never panics.
func FuzzSkip(f *testing.F) {
	f.Add([]byte(`{"a":[1,"x",null,true,{"b":-1.5e3}]}`))
	f.Add([]byte(`"\ud83d\ude00"`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := New(data)
		s.MaxDepth = 10000
		s.Skip()
		got := s.Finish() == nil
		if want := json.Valid(data); got != want {
			t.Fatalf("valid(%q) = %v, want %v (err %v)", data, got, want, s.Err())
		}
	})
}
