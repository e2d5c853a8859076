package inspector

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// This file holds the one canonical text rendering of each master view model. The
// renderings are deterministic (sorted maps, UTC times) and are what tests, golden
// files, walkthroughs and the TUI show; change them only with the goldens.

// FormatTime renders a time as RFC 3339 in UTC with the precision it has, or "-".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// formatCounts renders a count map as "K=V K=V" sorted by key.
func formatCounts(m map[string]int) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// formatStringMap renders "k=v,k=v" sorted by key.
func formatStringMap(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ",")
}

// describer accumulates "  label value" lines under a headline.
type describer struct{ b strings.Builder }

func (d *describer) head(format string, args ...any) {
	fmt.Fprintf(&d.b, format, args...)
}

func (d *describer) line(label, value string) {
	if value == "" {
		return
	}
	fmt.Fprintf(&d.b, "\n  %-12s %s", label, value)
}

func (d *describer) String() string { return d.b.String() }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// DescribeCluster renders the master and cluster totals.
func DescribeCluster(c Cluster) string {
	var d describer
	d.head("master %s %s version %s", orDash(c.MasterID), orDash(c.PID), orDash(c.Version))
	d.line("cluster", c.Name)
	d.line("leader", c.Leader)
	if !c.StartTime.IsZero() || !c.ElectedTime.IsZero() {
		d.line("started", FormatTime(c.StartTime)+" elected "+FormatTime(c.ElectedTime))
	}
	d.line("agents", fmt.Sprintf("%d listed (master counts: activated %s, deactivated %s, unreachable %s)",
		c.Agents, countOrDash(c.ActivatedAgents), countOrDash(c.DeactivatedAgents), countOrDash(c.UnreachableAgents)))
	d.line("frameworks", fmt.Sprintf("%d (%d active)", c.Frameworks, c.ActiveFrameworks))
	d.line("tasks", strings.TrimSpace(fmt.Sprintf("%d %s", c.Tasks, formatCounts(c.TaskCounts))))
	d.line("offers", fmt.Sprint(c.OutstandingOffers))
	d.line("total", c.Total.String())
	d.line("used", c.Used.String())
	d.line("offered", c.Offered.String())
	d.line("capabilities", strings.Join(c.Capabilities, ","))
	return d.String()
}

func countOrDash(n int) string {
	if n < 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

// DescribeAgent renders an agent as the master sees it.
func DescribeAgent(a Agent) string {
	var d describer
	addr := a.Hostname
	if a.Port != 0 {
		addr = fmt.Sprintf("%s:%d", a.Hostname, a.Port)
	}
	d.head("agent %s %s %s", a.ID, orDash(addr), a.Status)
	d.line("pid", a.PID)
	d.line("version", a.Version)
	if !a.RegisteredTime.IsZero() {
		reg := FormatTime(a.RegisteredTime)
		if !a.ReregisteredTime.IsZero() {
			reg += " reregistered " + FormatTime(a.ReregisteredTime)
		}
		d.line("registered", reg)
	}
	if a.Region != "" || a.Zone != "" {
		d.line("domain", a.Region+"/"+a.Zone)
	}
	d.line("attributes", formatStringMap(a.Attributes))
	d.line("total", a.Total.String())
	d.line("used", a.Used.String())
	d.line("offered", a.Offered.String())
	for _, role := range slices.Sorted(maps.Keys(a.Reserved)) {
		d.line("reserved", role+" "+a.Reserved[role].String())
	}
	d.line("unreserved", a.Unreserved.String())
	d.line("free", a.Free.String())
	d.line("tasks", formatCounts(a.TaskCounts))
	d.line("frameworks", strings.Join(a.FrameworkIDs, ","))
	d.line("capabilities", strings.Join(a.Capabilities, ","))
	return d.String()
}

// DescribeFramework renders a framework as the master sees it.
func DescribeFramework(f Framework) string {
	var d describer
	state := yesNo(f.Active, "active", "inactive") + " " + yesNo(f.Connected, "connected", "disconnected")
	if f.Completed {
		state = "completed"
	}
	if f.Recovered {
		state += " recovered"
	}
	d.head("framework %s (%s) %s roles=%s", orDash(f.Name), orDash(f.ID), state, strings.Join(f.Roles, ","))
	d.line("principal", f.Principal)
	d.line("user", f.User)
	d.line("hostname", f.Hostname)
	d.line("pid", f.PID)
	d.line("webui", f.WebUIURL)
	d.line("failover", f.FailoverTimeout.String()+yesNo(f.Checkpoint, " checkpoint", ""))
	if !f.RegisteredTime.IsZero() {
		reg := FormatTime(f.RegisteredTime)
		if !f.ReregisteredTime.IsZero() {
			reg += " reregistered " + FormatTime(f.ReregisteredTime)
		}
		if !f.UnregisteredTime.IsZero() {
			reg += " unregistered " + FormatTime(f.UnregisteredTime)
		}
		d.line("registered", reg)
	}
	d.line("used", f.Used.String())
	d.line("offered", f.Offered.String())
	d.line("suppressed", strings.Join(f.SuppressedRoles, ","))
	d.line("tasks", formatCounts(f.TaskCounts))
	d.line("offers", strings.Join(f.OfferIDs, ","))
	d.line("agents", strings.Join(f.AgentIDs, ","))
	d.line("capabilities", strings.Join(f.Capabilities, ","))
	return d.String()
}

// DescribeTask renders a task with its status history.
func DescribeTask(t Task) string {
	var d describer
	name := ""
	if t.Name != "" && t.Name != t.ID {
		name = " (" + t.Name + ")"
	}
	d.head("task %s%s %s framework %s agent %s", t.ID, name, orDash(t.State), orDash(t.FrameworkID), orDash(t.AgentID))
	d.line("list", string(t.List))
	d.line("role", t.Role)
	d.line("executor", t.ExecutorID)
	d.line("container", t.ContainerID)
	if t.Healthy != nil {
		d.line("healthy", fmt.Sprint(*t.Healthy))
	}
	if t.StatusUpdateState != "" && t.StatusUpdateState != t.State {
		d.line("unacked", t.StatusUpdateState)
	}
	d.line("resources", t.Resources.String())
	for _, st := range t.Statuses {
		d.line("status", describeStatus(st))
	}
	return d.String()
}

func describeStatus(st TaskStatus) string {
	parts := []string{FormatTime(st.Timestamp), orDash(st.State)}
	if st.Source != "" {
		parts = append(parts, st.Source)
	}
	if st.Reason != "" {
		parts = append(parts, st.Reason)
	}
	if st.Healthy != nil {
		parts = append(parts, "healthy="+fmt.Sprint(*st.Healthy))
	}
	if len(st.IPAddresses) > 0 {
		parts = append(parts, "ip="+strings.Join(st.IPAddresses, ","))
	}
	s := strings.Join(parts, " ")
	if st.Message != "" {
		s += ": " + st.Message
	}
	return s
}

// DescribeTaskStatus renders a standalone status update (TASK_UPDATED, UPDATE).
func DescribeTaskStatus(st TaskStatus) string {
	s := fmt.Sprintf("status task %s %s", orDash(st.TaskID), describeStatus(st))
	if st.AgentID != "" {
		s += " agent " + st.AgentID
	}
	if st.ExecutorID != "" {
		s += " executor " + st.ExecutorID
	}
	return s
}

// DescribeExecutor renders an executor.
func DescribeExecutor(e Executor) string {
	var d describer
	d.head("executor %s framework %s agent %s%s", orDash(e.ID), orDash(e.FrameworkID), orDash(e.AgentID), yesNo(e.Completed, " completed", ""))
	if e.Name != "" && e.Name != e.ID {
		d.line("name", e.Name)
	}
	d.line("type", e.Type)
	d.line("source", e.Source)
	d.line("role", e.Role)
	d.line("command", e.Command)
	d.line("container", e.ContainerID)
	d.line("directory", e.Directory)
	d.line("resources", e.Resources.String())
	if e.Tasks > 0 {
		d.line("tasks", fmt.Sprint(e.Tasks))
	}
	return d.String()
}

// DescribeOffer renders an offer on one line, e.g.
// "offer O1 agent S0 (host) → framework F role web: cpus:2;mem:1024;disk:0".
func DescribeOffer(o Offer) string {
	host := ""
	if o.Hostname != "" {
		host = " (" + o.Hostname + ")"
	}
	s := fmt.Sprintf("offer %s agent %s%s → framework %s role %s: %s",
		orDash(o.ID), orDash(o.AgentID), host, orDash(o.FrameworkID), orDash(o.Role), o.Resources)
	if len(o.Attributes) > 0 {
		s += " attributes " + formatStringMap(o.Attributes)
	}
	if len(o.ExecutorIDs) > 0 {
		s += " executors " + strings.Join(o.ExecutorIDs, ",")
	}
	return s
}

// DescribeRole renders a role with its share, quota and resources.
func DescribeRole(r Role) string {
	var d describer
	share := "share -"
	if r.ShareKnown {
		share = fmt.Sprintf("share %.6g", r.DominantShare)
	}
	filters := ""
	if r.OfferFilters >= 0 {
		filters = fmt.Sprintf(" offer_filters %d", r.OfferFilters)
	}
	d.head("role %s weight %s %s%s", r.Name, FormatScalar(r.Weight), share, filters)
	d.line("frameworks", strings.Join(r.Frameworks, ","))
	d.line("allocated", r.Allocated.String())
	d.line("offered", r.Offered.String())
	d.line("reserved", r.Reserved.String())
	if !r.Quota.IsZero() {
		q := "guarantee " + r.Quota.GuaranteeText()
		if r.Quota.HasLimit() {
			q += " limit " + r.Quota.LimitText()
		}
		q += " consumed " + r.Quota.Consumed.String()
		d.line("quota", q)
	}
	return d.String()
}

// DescribeActor renders a libprocess actor's queue summary.
func DescribeActor(a Actor) string {
	var d describer
	d.head("actor %s queue %d", a.ID, a.QueueDepth)
	if len(a.Counts) > 0 {
		d.b.WriteString(" (" + formatCounts(a.Counts) + ")")
	}
	if !a.Oldest.IsZero() {
		d.line("oldest", FormatTime(a.Oldest))
	}
	if a.OldestAge > 0 {
		d.line("waiting", a.OldestAge.String())
	}
	d.line("messages", formatCounts(a.Messages))
	d.line("http", formatCounts(a.HTTP))
	if len(a.Handled) > 0 {
		parts := make([]string, 0, len(a.Handled))
		for _, k := range sortedKeys(a.Handled) {
			parts = append(parts, fmt.Sprintf("%s=%d", k, a.Handled[k]))
		}
		d.line("handled", strings.Join(parts, " ")+" busy "+a.Busy.String())
	}
	return d.String()
}

// DescribeContainer renders a container and its statistics.
func DescribeContainer(c Container) string {
	var d describer
	d.head("container %s framework %s executor %s", orDash(c.ID), orDash(c.FrameworkID), orDash(c.ExecutorID))
	d.line("agent", c.AgentID)
	d.line("parent", c.ParentID)
	if c.ExecutorName != "" && c.ExecutorName != c.ExecutorID {
		d.line("name", c.ExecutorName)
	}
	d.line("source", c.Source)
	if c.ExecutorPID != 0 {
		d.line("pid", fmt.Sprint(c.ExecutorPID))
	}
	d.line("ip", strings.Join(c.IPAddresses, ","))
	if len(c.Statistics) > 0 || !c.StatisticsTime.IsZero() {
		keys := slices.Sorted(maps.Keys(c.Statistics))
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+"="+formatMetric(c.Statistics[k]))
		}
		d.line("statistics", strings.TrimSpace(FormatTime(c.StatisticsTime)+" "+strings.Join(parts, " ")))
	}
	return d.String()
}

// formatMetric renders a metric value compactly and exactly enough.
func formatMetric(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.6f", v), "0"), ".")
}

// DescribeMetrics renders every metric as "name value", sorted by name.
func DescribeMetrics(m Metrics) string {
	keys := slices.Sorted(maps.Keys(m))
	var b strings.Builder
	fmt.Fprintf(&b, "metrics %d", len(keys))
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %s %s", k, formatMetric(m[k]))
	}
	return b.String()
}

// DescribeAgentState renders what an agent says about itself, then its executors,
// tasks and containers.
func DescribeAgentState(a AgentState) string {
	var d describer
	d.head("agent-state %s %s version %s", orDash(a.ID), orDash(a.PID), orDash(a.Version))
	d.line("hostname", a.Hostname)
	d.line("master", a.MasterHostname)
	if !a.StartTime.IsZero() {
		d.line("started", FormatTime(a.StartTime))
	}
	d.line("resources", a.Resources.String())
	d.line("attributes", formatStringMap(a.Attributes))
	if len(a.Flags) > 0 {
		d.line("flags", fmt.Sprintf("%d", len(a.Flags)))
	}
	out := []string{d.String()}
	for _, f := range a.Frameworks {
		out = append(out, indent(DescribeFramework(f)))
	}
	for _, e := range a.Executors {
		out = append(out, indent(DescribeExecutor(e)))
	}
	for _, t := range a.Tasks {
		out = append(out, indent(DescribeTask(t)))
	}
	for _, c := range a.Containers {
		out = append(out, indent(DescribeContainer(c)))
	}
	return strings.Join(out, "\n")
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// DescribeState renders a whole decoded state: the cluster, then every agent,
// framework, task, executor and offer, each in its canonical form.
func DescribeState(st *State) string {
	parts := []string{DescribeCluster(st.Cluster)}
	for _, a := range st.Agents {
		parts = append(parts, DescribeAgent(a))
	}
	for _, f := range st.Frameworks {
		parts = append(parts, DescribeFramework(f))
	}
	for _, t := range st.Tasks {
		parts = append(parts, DescribeTask(t))
	}
	for _, e := range st.Executors {
		parts = append(parts, DescribeExecutor(e))
	}
	for _, o := range st.Offers {
		parts = append(parts, DescribeOffer(o))
	}
	return strings.Join(parts, "\n")
}

// DescribeVersion renders /version.
func DescribeVersion(v Version) string {
	s := "version " + v.Version
	if v.GitSHA != "" {
		s += " git " + v.GitSHA
	}
	if v.BuildDate != "" {
		s += " built " + v.BuildDate
	}
	if v.BuildUser != "" {
		s += " by " + v.BuildUser
	}
	return s
}

// sortedKeys is a helper for deterministic iteration in renderers.
func sortedKeys[V any](m map[string]V) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int { return cmp.Compare(a, b) })
	return keys
}
