package enum

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

type color int32

var colors = New("Color", map[int32]string{0: "RED", 2: "BLUE"})

func TestTable(t *testing.T) {
	tests := []struct {
		v     int32
		name  string
		known bool
	}{
		{0, "RED", true}, {2, "BLUE", true}, {1, "Color(1)", false}, {-3, "Color(-3)", false},
	}
	for _, tc := range tests {
		if got := colors.Name(tc.v); got != tc.name {
			t.Errorf("Name(%d) = %q, want %q", tc.v, got, tc.name)
		}
		if got := colors.Known(tc.v); got != tc.known {
			t.Errorf("Known(%d) = %v, want %v", tc.v, got, tc.known)
		}
		b, err := colors.Marshal(tc.v)
		if tc.known && (err != nil || string(b) != tc.name) {
			t.Errorf("Marshal(%d) = %q, %v; want %q, nil", tc.v, b, err, tc.name)
		}
		if !tc.known && err == nil {
			t.Errorf("Marshal(%d) error = nil, want an error", tc.v)
		}
	}
	if v, err := colors.Unmarshal([]byte("BLUE"), reflect.TypeFor[color]()); err != nil || v != 2 {
		t.Errorf("Unmarshal(BLUE) = %d, %v; want 2, nil", v, err)
	}
	_, err := colors.Unmarshal([]byte("GREEN"), reflect.TypeFor[color]())
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Value != `unknown Color "GREEN"` {
		t.Errorf("Unmarshal(GREEN) error = %v, want an UnmarshalTypeError for an unknown Color", err)
	}
	if v, ok := colors.Value("RED"); !ok || v != 0 {
		t.Errorf("Value(RED) = %d, %v; want 0, true", v, ok)
	}
}

func TestDecodeError(t *testing.T) {
	plain := errors.New("boom")
	if got := DecodeError(plain); got != plain {
		t.Errorf("DecodeError(plain) = %v, want it unchanged", got)
	}
	var v struct {
		N struct {
			X int `json:"x"`
		} `json:"n"`
	}
	err := DecodeError(json.Unmarshal([]byte(`{"n":{"x":"s"}}`), &v))
	if want := "n.x: cannot use JSON string as int"; err == nil || err.Error() != want {
		t.Errorf("DecodeError = %v, want %q", err, want)
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "n.x" {
		t.Errorf("DecodeError = %#v, want a FieldError for n.x", err)
	}
}
