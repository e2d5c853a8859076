package mesos

import (
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// ValueType is mesos.proto Value.Type (SCALAR, RANGES, SET, TEXT), shared
// with the resources package.
type ValueType = resources.ValueType

// Value types.
const (
	ValueScalar = resources.TypeScalar
	ValueRanges = resources.TypeRanges
	ValueSet    = resources.TypeSet
	ValueText   = resources.TypeText
)

// Scalar is Value.Scalar.
type Scalar struct {
	Value float64 `json:"value"`
}

// Range is Value.Range, a closed interval.
type Range = resources.Range

// Ranges is Value.Ranges.
type Ranges struct {
	Range []Range `json:"range,omitempty"`
}

// Set is Value.Set.
type Set struct {
	Item []string `json:"item,omitempty"`
}

// Text is Value.Text.
type Text struct {
	Value string `json:"value"`
}

// Attribute is mesos.proto Attribute: an agent attribute (--attributes
// "os:ubuntu;rack:3").
type Attribute struct {
	Name   string    `json:"name"`
	Type   ValueType `json:"type"`
	Scalar *Scalar   `json:"scalar,omitempty"`
	Ranges *Ranges   `json:"ranges,omitempty"`
	Set    *Set      `json:"set,omitempty"`
	Text   *Text     `json:"text,omitempty"`
}

// ValueString renders the attribute's value as Mesos's operator<< for
// Value does: "3", "[1-2, 5-6]", "{a, b}", "ubuntu".
func (a Attribute) ValueString() string {
	switch a.Type {
	case ValueScalar:
		if a.Scalar != nil {
			return resources.FormatScalar(a.Scalar.Value)
		}
	case ValueRanges:
		if a.Ranges != nil {
			return resources.FormatRanges(a.Ranges.Range)
		}
	case ValueSet:
		if a.Set != nil {
			return resources.FormatSet(a.Set.Item)
		}
	case ValueText:
		if a.Text != nil {
			return a.Text.Value
		}
	}
	return ""
}

// String renders "name:value".
func (a Attribute) String() string { return a.Name + ":" + a.ValueString() }
