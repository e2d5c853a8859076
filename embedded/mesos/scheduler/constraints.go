package scheduler

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// OfferConstraints is mesos.v1.scheduler.OfferConstraints: per-role
// attribute constraints an agent must satisfy to be offered.
type OfferConstraints struct {
	RoleConstraints map[string]RoleConstraints `json:"role_constraints,omitempty"`
}

// RoleConstraints is OfferConstraints.RoleConstraints: an agent matches if
// any group matches.
type RoleConstraints struct {
	Groups []ConstraintGroup `json:"groups,omitempty"`
}

// ConstraintGroup is RoleConstraints.Group: all constraints must hold.
type ConstraintGroup struct {
	AttributeConstraints []AttributeConstraint `json:"attribute_constraints,omitempty"`
}

// AttributeConstraint is mesos.v1.scheduler.AttributeConstraint.
type AttributeConstraint struct {
	Selector  Selector  `json:"selector"`
	Predicate Predicate `json:"predicate"`
}

// Selector is AttributeConstraint.Selector (a oneof).
type Selector struct {
	PseudoattributeType *PseudoattributeType `json:"pseudoattribute_type,omitempty"`
	AttributeName       *string              `json:"attribute_name,omitempty"`
}

// Predicate is AttributeConstraint.Predicate (a oneof); the empty messages
// Exists and NotExists are written as {}.
type Predicate struct {
	Exists         *struct{}  `json:"exists,omitempty"`
	NotExists      *struct{}  `json:"not_exists,omitempty"`
	TextEquals     *TextValue `json:"text_equals,omitempty"`
	TextNotEquals  *TextValue `json:"text_not_equals,omitempty"`
	TextMatches    *TextRegex `json:"text_matches,omitempty"`
	TextNotMatches *TextRegex `json:"text_not_matches,omitempty"`
}

// TextValue is Predicate.TextEquals / TextNotEquals.
type TextValue struct {
	Value string `json:"value"`
}

// TextRegex is Predicate.TextMatches / TextNotMatches.
type TextRegex struct {
	Regex string `json:"regex"`
}

// PseudoattributeType is AttributeConstraint.Selector.PseudoattributeType.
type PseudoattributeType int32

// Pseudoattributes.
const (
	PseudoattributeUnknown  PseudoattributeType = 0
	PseudoattributeHostname PseudoattributeType = 1
	PseudoattributeRegion   PseudoattributeType = 2
	PseudoattributeZone     PseudoattributeType = 3
)

var pseudoEnum = enum.New("AttributeConstraint.Selector.PseudoattributeType", map[int32]string{
	int32(0): "UNKNOWN",
	int32(1): "HOSTNAME",
	int32(2): "REGION",
	int32(3): "ZONE",
})

// String returns the Mesos name of the value ("AttributeConstraint.Selector.PseudoattributeType(<n>)" if unknown).
func (x PseudoattributeType) String() string { return pseudoEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x PseudoattributeType) IsKnown() bool { return pseudoEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x PseudoattributeType) MarshalText() ([]byte, error) { return pseudoEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *PseudoattributeType) UnmarshalText(b []byte) error {
	v, err := pseudoEnum.Unmarshal(b, reflect.TypeFor[PseudoattributeType]())
	if err != nil {
		return err
	}
	*x = PseudoattributeType(v)
	return nil
}
