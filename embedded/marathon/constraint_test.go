package marathon

import (
	"errors"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

func TestParseConstraint(t *testing.T) {
	tests := []struct {
		in      []string
		wantErr bool
	}{
		{[]string{"hostname", "UNIQUE"}, false},
		{[]string{"hostname", "UNIQUE", "x"}, true},
		{[]string{"rack", "GROUP_BY"}, false},
		{[]string{"rack", "GROUP_BY", "3"}, false},
		{[]string{"rack", "GROUP_BY", "three"}, true},
		{[]string{"rack", "MAX_PER", "2"}, false},
		{[]string{"rack", "MAX_PER"}, true},
		{[]string{"rack", "MAX_PER", "0"}, true},
		{[]string{"hostname", "LIKE", "srv[0-9]+"}, false},
		{[]string{"hostname", "LIKE", "("}, true},
		{[]string{"hostname", "UNLIKE"}, true},
		{[]string{"rack", "IS", "r1"}, false},
		{[]string{"rack", "IS"}, true},
		{[]string{"rack", "CLUSTER"}, false},
		{[]string{"rack", "CLUSTER", "r1"}, false},
		{[]string{"rack", "NEAR", "r1"}, true},
		{[]string{"", "UNIQUE"}, true},
		{[]string{"rack"}, true},
		{[]string{"a", "b", "c", "d"}, true},
	}
	for _, tt := range tests {
		_, err := ParseConstraint(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseConstraint(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
		}
		if err != nil && !errors.Is(err, ErrBadConstraint) {
			t.Errorf("ParseConstraint(%q) error = %v, want it to wrap ErrBadConstraint", tt.in, err)
		}
	}
}

func TestAttributeString(t *testing.T) {
	tests := []struct {
		a    mesos.Attribute
		want string
	}{
		{text("rack", "r1"), "r1"},
		{scalarAttr("n", 3), "3"},
		{scalarAttr("n", 1.5), "1.5"},
		{scalarAttr("n", 1.23456), "1.235"},
		{mesos.Attribute{Name: "r", Type: mesos.ValueRanges, Ranges: &mesos.Ranges{Range: []mesos.Range{{Begin: 5, End: 6}, {Begin: 1, End: 2}}}}, "[1-2,5-6]"},
		{mesos.Attribute{Name: "s", Type: mesos.ValueSet, Set: &mesos.Set{Item: []string{"b", "a"}}}, "{a,b}"},
	}
	for _, tt := range tests {
		if got := attributeString(tt.a); got != tt.want {
			t.Errorf("attributeString(%v) = %q, want %q", tt.a, got, tt.want)
		}
	}
}

// Each operator as Constraints.meetsConstraint decides it.
func TestConstraintMeets(t *testing.T) {
	r1, r2, r3 := text("rack", "r1"), text("rack", "r2"), text("rack", "r3")
	tests := []struct {
		name      string
		c         []string
		offer     *Site
		placed    []*Site
		instances int
		want      bool
	}{
		{"unique free host", []string{"hostname", "UNIQUE"}, site("a"), []*Site{site("b")}, 3, true},
		{"unique taken host", []string{"hostname", "UNIQUE"}, site("a"), []*Site{site("a")}, 3, false},
		{"@hostname unique", []string{"@hostname", "UNIQUE"}, site("a"), []*Site{site("a")}, 3, false},
		{"unique attribute", []string{"rack", "UNIQUE"}, site("a", r1), []*Site{site("b", r1)}, 3, false},
		{"unique attribute missing on offer", []string{"rack", "UNIQUE"}, site("a"), nil, 3, false},
		{"cluster value match", []string{"rack", "CLUSTER", "r1"}, site("a", r1), nil, 3, true},
		{"cluster value mismatch", []string{"rack", "CLUSTER", "r1"}, site("a", r2), nil, 3, false},
		{"cluster first placement", []string{"rack", "CLUSTER"}, site("a", r2), nil, 3, true},
		{"cluster follows first", []string{"rack", "CLUSTER"}, site("a", r2), []*Site{site("b", r1)}, 3, false},
		{"cluster same as first", []string{"rack", "CLUSTER"}, site("a", r1), []*Site{site("b", r1)}, 3, true},
		{"like matches", []string{"hostname", "LIKE", "srv[0-9]"}, site("srv2"), nil, 1, true},
		{"like anchored", []string{"hostname", "LIKE", "srv[0-9]"}, site("srv22"), nil, 1, false},
		{"like missing attribute", []string{"rack", "LIKE", "r.*"}, site("a"), nil, 1, false},
		{"unlike matches", []string{"hostname", "UNLIKE", "srv[0-9]"}, site("srv2"), nil, 1, false},
		{"unlike other", []string{"hostname", "UNLIKE", "srv[0-9]"}, site("db1"), nil, 1, true},
		{"unlike missing attribute", []string{"rack", "UNLIKE", "r1"}, site("a"), nil, 1, true},
		{"max_per under", []string{"rack", "MAX_PER", "2"}, site("a", r1), []*Site{site("b", r1)}, 4, true},
		{"max_per at limit", []string{"rack", "MAX_PER", "2"}, site("a", r1), []*Site{site("b", r1), site("c", r1)}, 4, false},
		{"is text", []string{"rack", "IS", "r1"}, site("a", r1), nil, 1, true},
		{"is text mismatch", []string{"rack", "IS", "r1"}, site("a", r2), nil, 1, false},
		{"is scalar normalized", []string{"n", "IS", "3.0"}, site("a", scalarAttr("n", 3)), nil, 1, true},
		{"group_by 3 opens group", []string{"rack", "GROUP_BY", "3"}, site("a", r2), []*Site{site("b", r1)}, 3, true},
		{"group_by 3 full group", []string{"rack", "GROUP_BY", "3"}, site("a", r1), []*Site{site("b", r1)}, 3, false},
		{"group_by 2 of 4 second in group", []string{"rack", "GROUP_BY", "2"}, site("a", r1), []*Site{site("b", r1), site("c", r2)}, 4, true},
		{"group_by 2 of 4 third in group", []string{"rack", "GROUP_BY", "2"}, site("a", r1), []*Site{site("b", r1), site("c", r1), site("d", r2)}, 4, false},
		{"group_by 2 no third group", []string{"rack", "GROUP_BY", "2"}, site("a", r3), []*Site{site("b", r1), site("c", r2)}, 4, false},
		{"group_by remainder", []string{"rack", "GROUP_BY", "2"}, site("a", r1), []*Site{site("b", r1), site("c", r2)}, 3, true},
		{"group_by remainder used", []string{"rack", "GROUP_BY", "2"}, site("a", r2), []*Site{site("b", r1), site("c", r1), site("d", r2)}, 3, false},
		{"group_by no count new value", []string{"rack", "GROUP_BY"}, site("a", r3), []*Site{site("b", r1), site("c", r2)}, 9, true},
		{"group_by no count balanced", []string{"rack", "GROUP_BY"}, site("a", r1), []*Site{site("b", r1), site("c", r2)}, 9, true},
		{"group_by no count ahead", []string{"rack", "GROUP_BY"}, site("a", r1), []*Site{site("b", r1), site("c", r2), site("d", r1)}, 9, false},
		{"group_by no count catch up", []string{"rack", "GROUP_BY"}, site("a", r2), []*Site{site("b", r1), site("c", r2), site("d", r1)}, 9, true},
	}
	for _, tt := range tests {
		c, err := ParseConstraint(tt.c)
		if err != nil {
			t.Fatalf("%s: ParseConstraint(%q): %v", tt.name, tt.c, err)
		}
		if got := c.Meets(tt.offer, tt.placed, tt.instances); got != tt.want {
			t.Errorf("%s: %v.Meets(%+v, %d placed) = %v, want %v", tt.name, tt.c, tt.offer.Hostname, len(tt.placed), got, tt.want)
		}
	}
}
