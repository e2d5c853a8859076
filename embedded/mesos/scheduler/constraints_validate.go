package scheduler

import (
	"regexp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

func (ac *AttributeConstraint) validate() error {
	s := ac.Selector
	switch {
	case s.PseudoattributeType != nil && s.AttributeName != nil:
		return mesos.Invalid("selector", "exactly one of 'pseudoattribute_type' and 'attribute_name' must be set")
	case s.PseudoattributeType != nil:
		if err := mesos.ValidateEnum("selector.pseudoattribute_type", *s.PseudoattributeType); err != nil {
			return err
		}
		if *s.PseudoattributeType == PseudoattributeUnknown {
			return mesos.Invalid("selector.pseudoattribute_type", "unknown pseudoattribute type")
		}
	case s.AttributeName == nil:
		return mesos.Invalid("selector", "exactly one of 'pseudoattribute_type' and 'attribute_name' must be set")
	}
	p := ac.Predicate
	n := 0
	for _, set := range []bool{p.Exists != nil, p.NotExists != nil, p.TextEquals != nil, p.TextNotEquals != nil, p.TextMatches != nil, p.TextNotMatches != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return mesos.Invalid("predicate", "exactly one predicate must be set")
	}
	for field, r := range map[string]*TextRegex{"predicate.text_matches.regex": p.TextMatches, "predicate.text_not_matches.regex": p.TextNotMatches} {
		if r == nil {
			continue
		}
		if _, err := regexp.Compile(r.Regex); err != nil {
			return mesos.Invalid(field, "invalid regular expression: %v", err)
		}
	}
	return nil
}
