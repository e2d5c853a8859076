package inspector

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// constraintField returns the value of a Marathon constraint field on an agent:
// "hostname", "@hostname", "@region", "@zone", or an attribute name.
func constraintField(field string, a *Agent) (string, bool) {
	switch field {
	case "hostname", "@hostname":
		return a.Hostname, true
	case "@region":
		return a.Region, a.Region != ""
	case "@zone":
		return a.Zone, a.Zone != ""
	}
	v, ok := a.Attributes[field]
	return v, ok
}

// placement is what the constraint check needs to know about instances already
// running: how many run on each value of each field.
type placement struct {
	// byField maps a field name to value → running instance count.
	byField map[string]map[string]int
}

func newPlacement(agents []*Agent) placement {
	p := placement{byField: map[string]map[string]int{}}
	for _, a := range agents {
		for _, f := range []string{"hostname", "@region", "@zone"} {
			if v, ok := constraintField(f, a); ok {
				p.add(f, v)
			}
		}
		for k, v := range a.Attributes {
			p.add(k, v)
		}
	}
	return p
}

func (p placement) add(field, value string) {
	m := p.byField[field]
	if m == nil {
		m = map[string]int{}
		p.byField[field] = m
	}
	m[value]++
}

func (p placement) count(field, value string) int {
	if field == "@hostname" {
		field = "hostname"
	}
	return p.byField[field][value]
}

// checkConstraint evaluates one Marathon constraint ([field, operator, value?]) for
// an agent given where instances already run, the way Marathon's
// Constraints.meetsConstraint does for the operators it documents (UNIQUE, CLUSTER,
// GROUP_BY, LIKE, UNLIKE, MAX_PER, IS). It returns "" when satisfied, else why not.
// GROUP_BY is treated as satisfiable: it only balances, it never excludes an agent
// when instances are still to be placed.
func checkConstraint(c []string, a *Agent, placed placement) (string, error) {
	if len(c) < 2 {
		return "", fmt.Errorf("constraint %q: want [field, operator, value?]", c)
	}
	field, op := c[0], strings.ToUpper(c[1])
	value := ""
	if len(c) > 2 {
		value = c[2]
	}
	got, has := constraintField(field, a)
	desc := strings.Join(c, ":")
	switch op {
	case "UNIQUE":
		if has && placed.count(field, got) > 0 {
			return fmt.Sprintf("%s: an instance already runs on %s=%s", desc, field, got), nil
		}
	case "CLUSTER", "IS":
		if !has || (value != "" && got != value) {
			return fmt.Sprintf("%s: %s is %q", desc, field, got), nil
		}
	case "LIKE", "UNLIKE":
		re, err := regexp.Compile("^(?:" + value + ")$")
		if err != nil {
			return "", fmt.Errorf("constraint %q: bad regexp: %w", c, err)
		}
		match := has && re.MatchString(got)
		if (op == "LIKE") != match {
			return fmt.Sprintf("%s: %s is %q", desc, field, got), nil
		}
	case "MAX_PER":
		n, err := strconv.Atoi(value)
		if err != nil {
			return "", fmt.Errorf("constraint %q: MAX_PER needs a number: %w", c, err)
		}
		if has && placed.count(field, got) >= n {
			return fmt.Sprintf("%s: %d instances already on %s=%s", desc, placed.count(field, got), field, got), nil
		}
	case "GROUP_BY":
	default:
		return "", fmt.Errorf("constraint %q: unknown operator %q", c, c[1])
	}
	return "", nil
}

// MarathonTaskPrefix returns the prefix of the Mesos task ids Marathon gives an
// app's tasks: the app id without the leading "/", "/" replaced by "_", then "."
// (Marathon's Task.Id format "<app>.<uuid>", e.g. /tools/docker/registry →
// "tools_docker_registry.").
func MarathonTaskPrefix(appID string) string {
	return strings.ReplaceAll(strings.TrimPrefix(appID, "/"), "/", "_") + "."
}
