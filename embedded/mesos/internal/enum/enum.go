package enum

import (
	"encoding/json"
	"reflect"
	"strconv"
)

// Table maps the values of one protobuf enum to their names. A Table is
// immutable after New and safe for concurrent use.
type Table struct {
	typ    string
	names  map[int32]string
	values map[string]int32
}

// New builds the table of the enum type named typ (for messages) from its
// value→name pairs.
func New(typ string, names map[int32]string) *Table {
	t := &Table{typ: typ, names: names, values: make(map[string]int32, len(names))}
	for v, n := range names {
		t.values[n] = v
	}
	return t
}

// Type returns the protobuf name of the enum type.
func (t *Table) Type() string { return t.typ }

// Name returns the name of v, or "UNKNOWN(<v>)" for a value the enum does
// not define.
func (t *Table) Name(v int32) string {
	if n, ok := t.names[v]; ok {
		return n
	}
	return t.typ + "(" + strconv.Itoa(int(v)) + ")"
}

// Known reports whether v is a value of the enum.
func (t *Table) Known(v int32) bool {
	_, ok := t.names[v]
	return ok
}

// Value returns the value named name.
func (t *Table) Value(name string) (int32, bool) {
	v, ok := t.values[name]
	return v, ok
}

// Marshal returns the JSON text of v; values the enum does not define are
// an error (stout would CHECK-fail on them).
func (t *Table) Marshal(v int32) ([]byte, error) {
	n, ok := t.names[v]
	if !ok {
		return nil, &json.UnsupportedValueError{Str: t.Name(v)}
	}
	return []byte(n), nil
}

// Unmarshal parses an enum name. An unknown name yields a
// *json.UnmarshalTypeError, which encoding/json completes with the path of
// the field being decoded, so the caller's error names the field.
func (t *Table) Unmarshal(text []byte, goType reflect.Type) (int32, error) {
	if v, ok := t.values[string(text)]; ok {
		return v, nil
	}
	return 0, &json.UnmarshalTypeError{Value: "unknown " + t.typ + " " + strconv.Quote(string(text)), Type: goType}
}
