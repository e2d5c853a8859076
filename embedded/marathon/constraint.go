package marathon

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// Operator is a constraint operator (Protos.Constraint.Operator).
type Operator string

// The operators Marathon documents (docs/constraints.md).
const (
	OpUnique  Operator = "UNIQUE"
	OpCluster Operator = "CLUSTER"
	OpGroupBy Operator = "GROUP_BY"
	OpLike    Operator = "LIKE"
	OpUnlike  Operator = "UNLIKE"
	OpMaxPer  Operator = "MAX_PER"
	OpIs      Operator = "IS"
)

var operators = []Operator{OpUnique, OpCluster, OpGroupBy, OpLike, OpUnlike, OpMaxPer, OpIs}

// Constraint is one placement constraint, [field, operator, value?]: the
// field is "hostname" (or "@hostname"), "@region", "@zone" or an agent
// attribute name.
type Constraint struct {
	Field    string
	Operator Operator
	Value    string

	re *regexp.Regexp // LIKE and UNLIKE, compiled once
}

// ErrBadConstraint is wrapped by the errors of ParseConstraint.
var ErrBadConstraint = errors.New("marathon: invalid constraint")

// ParseConstraint reads a constraint in Marathon's JSON form, e.g.
// ["hostname", "UNIQUE"] or ["rack", "GROUP_BY", "3"], and checks it as
// ConstraintValidation does.
func ParseConstraint(c []string) (Constraint, error) {
	if len(c) < 2 || len(c) > 3 {
		return Constraint{}, fmt.Errorf("%w %q: want [field, operator] or [field, operator, value]", ErrBadConstraint, c)
	}
	k := Constraint{Field: c[0], Operator: Operator(c[1])}
	if len(c) == 3 {
		k.Value = c[2]
	}
	if err := k.validate(); err != nil {
		return Constraint{}, err
	}
	return k, nil
}

// MustParseConstraint is ParseConstraint for constants; it panics on error.
func MustParseConstraint(c ...string) Constraint {
	k, err := ParseConstraint(c)
	if err != nil {
		panic(err)
	}
	return k
}

// validate checks the operator's value and compiles LIKE/UNLIKE patterns.
func (c *Constraint) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrBadConstraint, c.Strings(), fmt.Sprintf(format, args...))
	}
	if c.Field == "" {
		return bad("the field must not be empty")
	}
	if !slices.Contains(operators, c.Operator) {
		return bad("unknown operator %q (want one of %v)", string(c.Operator), operators)
	}
	switch c.Operator {
	case OpUnique:
		if c.Value != "" {
			return bad("UNIQUE takes no value")
		}
	case OpGroupBy:
		if c.Value != "" {
			if n, err := strconv.Atoi(c.Value); err != nil || n < 0 {
				return bad("GROUP_BY takes an optional number of groups, got %q", c.Value)
			}
		}
	case OpMaxPer:
		if n, err := strconv.Atoi(c.Value); err != nil || n < 1 {
			return bad("MAX_PER needs a positive number, got %q", c.Value)
		}
	case OpLike, OpUnlike:
		if c.Value == "" {
			return bad("%s needs a regular expression", c.Operator)
		}
		re, err := regexp.Compile("^(?:" + c.Value + ")$")
		if err != nil {
			return bad("%q is not a valid regular expression: %v", c.Value, err)
		}
		c.re = re
	case OpIs:
		if c.Value == "" {
			return bad("IS needs a value")
		}
	}
	return nil
}

// Strings returns the JSON form, [field, operator] or [field, operator, value].
func (c Constraint) Strings() []string {
	if c.Value == "" && (c.Operator == OpUnique || c.Operator == OpCluster || c.Operator == OpGroupBy) {
		return []string{c.Field, string(c.Operator)}
	}
	return []string{c.Field, string(c.Operator), c.Value}
}

// String renders "field:OPERATOR:value".
func (c Constraint) String() string { return strings.Join(c.Strings(), ":") }

// Site is where an instance runs or an offer comes from, as constraints
// see it: the agent's hostname, attributes and fault domain.
type Site struct {
	Hostname   string
	Attributes []mesos.Attribute
	Region     string
	Zone       string
}

// siteOf returns the site of an offer.
func siteOf(o *mesos.Offer) Site {
	s := Site{Hostname: o.Hostname, Attributes: o.Attributes}
	if o.Domain != nil && o.Domain.FaultDomain != nil {
		s.Region, s.Zone = o.Domain.FaultDomain.Region.Name, o.Domain.FaultDomain.Zone.Name
	}
	return s
}

// field returns the value of a constraint field at s
// (Constraints.readerForField).
func (s *Site) field(name string) (string, bool) {
	switch name {
	case "hostname", "@hostname":
		return s.Hostname, true
	case "@region":
		return s.Region, s.Region != ""
	case "@zone":
		return s.Zone, s.Zone != ""
	}
	for _, a := range s.Attributes {
		if a.Name == name {
			return attributeString(a), true
		}
	}
	return "", false
}

// attributeString renders an attribute value as Marathon compares it
// (Constraints.getValueString): scalars with at most three decimals,
// ranges "[b-e,...]" by begin, sets "{a,b}" sorted, text as is.
func attributeString(a mesos.Attribute) string {
	switch a.Type {
	case mesos.ValueScalar:
		if a.Scalar != nil {
			return formatDecimal(a.Scalar.Value)
		}
	case mesos.ValueRanges:
		if a.Ranges != nil {
			rs := slices.Clone(a.Ranges.Range)
			slices.SortFunc(rs, func(x, y mesos.Range) int {
				switch {
				case x.Begin < y.Begin:
					return -1
				case x.Begin > y.Begin:
					return 1
				}
				return 0
			})
			parts := make([]string, len(rs))
			for i, r := range rs {
				parts[i] = strconv.FormatUint(r.Begin, 10) + "-" + strconv.FormatUint(r.End, 10)
			}
			return "[" + strings.Join(parts, ",") + "]"
		}
	case mesos.ValueSet:
		if a.Set != nil {
			items := slices.Clone(a.Set.Item)
			slices.Sort(items)
			return "{" + strings.Join(items, ",") + "}"
		}
	case mesos.ValueText:
		if a.Text != nil {
			return a.Text.Value
		}
	}
	return ""
}

// formatDecimal is Java's DecimalFormat("0.###"): at most three decimals,
// no trailing zeros.
func formatDecimal(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(v, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

// scalarValue matches a constraint value that is a number
// (Constraints.MesosScalarValue).
var scalarValue = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)$`)

// Meets reports whether an instance may be placed at offer given where
// the app's instances of the current configuration already run (placed)
// and its target instance count, as Constraints.meetsConstraint decides.
func (c *Constraint) Meets(offer *Site, placed []*Site, instances int) bool {
	value, ok := offer.field(c.Field)
	if !ok {
		// Only UNLIKE can be met by an agent without the field.
		return c.Operator == OpUnlike
	}
	switch c.Operator {
	case OpLike, OpUnlike:
		if c.re == nil {
			if err := c.validate(); err != nil {
				return false
			}
		}
		return c.re.MatchString(value) == (c.Operator == OpLike)
	case OpUnique:
		for _, p := range placed {
			if v, ok := p.field(c.Field); ok && v == value {
				return false
			}
		}
		return true
	case OpCluster:
		if c.Value != "" {
			return value == c.Value
		}
		if len(placed) == 0 {
			return true
		}
		v, ok := placed[0].field(c.Field)
		return ok && v == value
	case OpIs:
		want := c.Value
		if scalarValue.MatchString(want) {
			if f, err := strconv.ParseFloat(want, 64); err == nil {
				want = formatDecimal(f)
			}
		}
		return value == want
	case OpMaxPer:
		limit, err := strconv.Atoi(c.Value)
		if err != nil {
			return false
		}
		return countAt(placed, c.Field, value) < limit
	case OpGroupBy:
		return c.meetsGroupBy(value, placed, instances)
	}
	return false
}

// countAt counts the placed instances whose field is value.
func countAt(placed []*Site, field, value string) int {
	n := 0
	for _, p := range placed {
		if v, ok := p.field(field); ok && v == value {
			n++
		}
	}
	return n
}

// meetsGroupBy spreads instances evenly over the field's values
// (Constraints.checkGroupBy): a group that has fewer than its share may
// take one more, a new group may be opened while fewer than the wanted
// number of groups are in use.
func (c *Constraint) meetsGroupBy(value string, placed []*Site, instances int) bool {
	groups := 0
	if c.Value != "" {
		groups, _ = strconv.Atoi(c.Value)
	}
	if groups <= 0 {
		// Without a count (docs/constraints.md "GROUP_BY operator"):
		// spread evenly over the values seen so far; a new value is always
		// welcome. (checkGroupBy divides by the count, 0 here.)
		counts := map[string]int{}
		for _, p := range placed {
			if v, ok := p.field(c.Field); ok {
				counts[v]++
			}
		}
		n, seen := counts[value]
		if !seen {
			return true
		}
		for _, m := range counts {
			if m < n {
				return false
			}
		}
		return true
	}
	if instances <= 0 {
		instances = 1
	}
	perGroup := instances / groups
	remainder := instances % groups
	counts := map[string]int{}
	var order []string
	for _, p := range placed {
		v, ok := p.field(c.Field)
		if !ok {
			v = "\x00none"
		}
		if _, seen := counts[v]; !seen {
			order = append(order, v)
		}
		counts[v]++
	}
	consumed := 0
	for _, k := range order {
		consumed += max(0, counts[k]-perGroup)
	}
	if n, ok := counts[value]; ok {
		return n < perGroup || (n == perGroup && remainder-consumed > 0)
	}
	return len(counts) < groups
}
