package agent

import (
	"fmt"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// ParseAttributes parses the --attributes flag as Attributes::parse does
// (src/common/attributes.cpp): the text is split on ';' and newlines (empty tokens
// skipped), each token on its first ':' into a non-empty name and a non-empty value,
// and the value is parsed by values::parse (resources.ParseValue): "[1-10,20-30]" is
// RANGES, a number is SCALAR, anything else TEXT. Spaces are removed from values, as
// values::parse does, so "rack: r 1" is the text "r1".
//
// A value that values::parse reads as a SET ("{a,b}") is rejected, as Mesos rejects it
// ("Bad type for attribute"): attributes have no set type. Mesos LOG(FATAL)s on every
// error; ParseAttributes returns one naming the token instead.
func ParseAttributes(text string) ([]mesos.Attribute, error) {
	var out []mesos.Attribute
	for _, token := range strings.FieldsFunc(text, func(r rune) bool { return r == ';' || r == '\n' }) {
		name, value, ok := strings.Cut(token, ":")
		if !ok || name == "" || value == "" {
			return nil, fmt.Errorf("agent: parse attributes %q: invalid attribute key:value pair '%s'", text, token)
		}
		a, err := parseAttribute(name, value)
		if err != nil {
			return nil, fmt.Errorf("agent: parse attributes %q: %w", text, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// parseAttribute is Attributes::parse(name, text).
func parseAttribute(name, text string) (mesos.Attribute, error) {
	v, err := resources.ParseValue(text)
	if err != nil {
		return mesos.Attribute{}, fmt.Errorf("attribute '%s': %w", name, err)
	}
	a := mesos.Attribute{Name: name, Type: v.Type}
	switch v.Type {
	case resources.TypeScalar:
		a.Scalar = &mesos.Scalar{Value: v.Scalar}
	case resources.TypeRanges:
		a.Ranges = &mesos.Ranges{Range: v.Ranges}
	case resources.TypeText:
		a.Text = &mesos.Text{Value: v.Text}
	default:
		return mesos.Attribute{}, fmt.Errorf("attribute '%s' text '%s': bad type %s (attributes are SCALAR, RANGES or TEXT)", name, text, v.Type)
	}
	return a, nil
}
