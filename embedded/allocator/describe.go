package allocator

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Describe renders a cycle explanation as text, the one canonical
// rendering that tests, logs and walkthroughs use. It leaves out the wall
// time so that the text is deterministic.
func Describe(c Cycle) string {
	var b strings.Builder
	DescribeTo(&b, c)
	return b.String()
}

// DescribeTo writes Describe's text to w.
func DescribeTo(w io.Writer, c Cycle) {
	fmt.Fprintf(w, "cycle %d at %s: %d candidate agents, %d offers\n", c.Seq, c.Time.UTC().Format(time.RFC3339Nano), c.Candidates, c.Offers)
	if c.RequiredHeadroom != "" || c.AvailableHeadroom != "" {
		fmt.Fprintf(w, "  quota headroom: required %s available %s", braced(c.RequiredHeadroom), braced(c.AvailableHeadroom))
		if c.HeldBack != "" {
			fmt.Fprintf(w, " held back %s", braced(c.HeldBack))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "  roles in DRF order:")
	for _, r := range c.Roles {
		fmt.Fprintf(w, "    %d. %s share=%s weight=%s%s\n", r.Rank+1, r.Role, fmtFloat(r.Share), fmtFloat(r.Weight), describeCounts(r.Counts))
		if r.Guarantees != "" || r.Limits != "" {
			fmt.Fprintf(w, "       quota guarantees %s limits %s consumed %s\n", braced(r.Guarantees), braced(r.Limits), braced(r.Consumed))
		}
	}
	fmt.Fprintln(w, "  frameworks:")
	for _, f := range c.Frameworks {
		rank := "-"
		if f.Rank >= 0 {
			rank = "#" + strconv.Itoa(f.Rank+1)
		}
		fmt.Fprintf(w, "    %s in %s %s share=%s%s\n", f.FrameworkID, f.Role, rank, fmtFloat(f.Share), describeCounts(f.Counts))
		if f.Offered != "" {
			fmt.Fprintf(w, "      offered %s\n", braced(f.Offered))
		}
		for _, fa := range f.Filtered {
			fmt.Fprintf(w, "      filtered on %s by filter #%d (declined %s, until %s) refusing %s\n",
				fa.AgentID, fa.FilterID, fa.Declined.UTC().Format(time.RFC3339Nano), fa.Until.UTC().Format(time.RFC3339Nano), braced(fa.Refused))
		}
		for _, na := range f.Nearest {
			fmt.Fprintf(w, "      nearest %s: %s left %s fit=%s\n", na.AgentID, na.Reason, braced(na.Available), fmtFloat(na.Fit))
		}
	}
}

// DescribeExplanation renders an on-demand Explanation.
func DescribeExplanation(e Explanation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "framework %s at %s (active=%t):%s\n", e.FrameworkID, e.Time.UTC().Format(time.RFC3339Nano), e.Active, describeCounts(e.Counts))
	for _, r := range e.Roles {
		fmt.Fprintf(&b, "  role %s share=%s role_share=%s suppressed=%t filters=%d\n", r.Role, fmtFloat(r.Share), fmtFloat(r.RoleShare), r.Suppressed, r.Filters)
	}
	for _, v := range e.Agents {
		fmt.Fprintf(&b, "  %s in %s: %s %s", v.AgentID, v.Role, v.Reason, braced(v.Available))
		if v.Detail != "" {
			fmt.Fprintf(&b, " (%s)", v.Detail)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func describeCounts(c Counts) string {
	var b strings.Builder
	for _, r := range Reasons() {
		if n := c.Get(r); n > 0 {
			fmt.Fprintf(&b, " %s=%d", r, n)
		}
	}
	return b.String()
}

// braced wraps a resources or quantities text in braces; the text of an
// empty one is already "{}" (and "" means none).
func braced(s string) string {
	if s == "" || s == "{}" {
		return "{}"
	}
	return "{" + s + "}"
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }
