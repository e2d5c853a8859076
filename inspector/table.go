package inspector

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// Format is an output format of the CLI's tables.
type Format string

// Output formats (the CLI's -o flag).
const (
	FormatTable    Format = "table"
	FormatWide     Format = "wide"
	FormatJSON     Format = "json"
	FormatCSV      Format = "csv"
	FormatMarkdown Format = "markdown"
)

// ParseFormat validates an -o value.
func ParseFormat(s string) (Format, error) {
	for _, f := range [...]Format{FormatTable, FormatWide, FormatJSON, FormatCSV, FormatMarkdown} {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("output format %q: want one of table, wide, json, csv, markdown", s)
}

// RenderOptions controls table rendering.
type RenderOptions struct {
	Format Format
	// Color adds ANSI colour to headers and states; set it only for terminals.
	Color bool
}

// column is one table column over items of type T.
type column[T any] struct {
	name string
	wide bool // only in -o wide
	get  func(*T) string
	// state marks a column whose values get state colours.
	state bool
}

// render writes items in the requested format.
func render[T any](w io.Writer, items []T, cols []column[T], opt RenderOptions) error {
	if opt.Format == "" {
		opt.Format = FormatTable
	}
	if opt.Format == FormatJSON {
		if items == nil {
			items = []T{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(items); err != nil {
			return fmt.Errorf("render json: %w", err)
		}
		return nil
	}
	wide := opt.Format != FormatTable
	t := table.NewWriter()
	var header table.Row
	var used []column[T]
	for _, c := range cols {
		if c.wide && !wide {
			continue
		}
		used = append(used, c)
		header = append(header, strings.ToUpper(c.name))
	}
	t.AppendHeader(header)
	color := opt.Color && (opt.Format == FormatTable || opt.Format == FormatWide)
	for i := range items {
		row := make(table.Row, len(used))
		for j, c := range used {
			v := c.get(&items[i])
			if color && c.state {
				v = colorState(v)
			}
			row[j] = v
		}
		t.AppendRow(row)
	}
	var out string
	switch opt.Format {
	case FormatCSV:
		out = t.RenderCSV()
	case FormatMarkdown:
		out = t.RenderMarkdown()
	case FormatTable, FormatWide:
		style := table.StyleDefault
		style.Options = table.Options{}
		style.Box.PaddingLeft = ""
		style.Box.PaddingRight = "  "
		style.Format.Header = text.FormatUpper
		if color {
			style.Color.Header = text.Colors{text.Bold}
		}
		t.SetStyle(style)
		out = t.Render()
		// Trim the padding the style leaves at line ends.
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, " ")
		}
		out = strings.Join(lines, "\n")
	default:
		return fmt.Errorf("render: unknown format %q", opt.Format)
	}
	if _, err := io.WriteString(w, out+"\n"); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	return nil
}

// colorState colours task states and agent/framework statuses.
func colorState(v string) string {
	switch {
	case v == "TASK_RUNNING" || v == "active" || v == "yes":
		return text.FgGreen.Sprint(v)
	case v == "TASK_STAGING" || v == "TASK_STARTING" || v == "TASK_KILLING" || v == "deactivated" || v == "draining" || v == "recovered":
		return text.FgYellow.Sprint(v)
	case IsTerminal(v) && v != "TASK_FINISHED", v == "inactive", v == "unreachable", v == "no", v == "TASK_UNREACHABLE":
		return text.FgRed.Sprint(v)
	}
	return v
}

// RenderAgents writes agents as a table. Wide adds pid, version, attributes, free
// resources and registration time.
func RenderAgents(w io.Writer, agents []Agent, opt RenderOptions) error {
	return render(w, agents, []column[Agent]{
		{name: "id", get: func(a *Agent) string { return a.ID }},
		{name: "hostname", get: func(a *Agent) string { return a.Hostname }},
		{name: "status", get: func(a *Agent) string { return string(a.Status) }, state: true},
		{name: "cpus", get: func(a *Agent) string { return usedOf(a.Used.CPUs, a.Total.CPUs) }},
		{name: "mem", get: func(a *Agent) string { return usedOf(a.Used.Mem, a.Total.Mem) }},
		{name: "disk", get: func(a *Agent) string { return usedOf(a.Used.Disk, a.Total.Disk) }},
		{name: "gpus", wide: true, get: func(a *Agent) string { return usedOf(a.Used.GPUs, a.Total.GPUs) }},
		{name: "reserved", get: func(a *Agent) string { return strings.Join(sortedKeys(a.Reserved), ",") }},
		{name: "free", wide: true, get: func(a *Agent) string { return a.Free.String() }},
		{name: "version", wide: true, get: func(a *Agent) string { return a.Version }},
		{name: "pid", wide: true, get: func(a *Agent) string { return a.PID }},
		{name: "attributes", wide: true, get: func(a *Agent) string { return formatStringMap(a.Attributes) }},
		{name: "registered", wide: true, get: func(a *Agent) string { return FormatTime(a.RegisteredTime) }},
	}, opt)
}

func usedOf(used, total float64) string {
	return FormatScalar(used) + "/" + FormatScalar(total)
}

// RenderFrameworks writes frameworks as a table.
func RenderFrameworks(w io.Writer, fws []Framework, opt RenderOptions) error {
	return render(w, fws, []column[Framework]{
		{name: "id", get: func(f *Framework) string { return f.ID }},
		{name: "name", get: func(f *Framework) string { return f.Name }},
		{name: "roles", get: func(f *Framework) string { return strings.Join(f.Roles, ",") }},
		{name: "active", get: func(f *Framework) string { return frameworkState(f) }, state: true},
		{name: "tasks", get: func(f *Framework) string { return fmt.Sprint(sumCounts(f.TaskCounts)) }},
		{name: "cpus", get: func(f *Framework) string { return FormatScalar(f.Used.CPUs) }},
		{name: "mem", get: func(f *Framework) string { return FormatScalar(f.Used.Mem) }},
		{name: "offered", wide: true, get: func(f *Framework) string { return f.Offered.String() }},
		{name: "suppressed", wide: true, get: func(f *Framework) string { return strings.Join(f.SuppressedRoles, ",") }},
		{name: "principal", wide: true, get: func(f *Framework) string { return f.Principal }},
		{name: "failover", wide: true, get: func(f *Framework) string { return f.FailoverTimeout.String() }},
		{name: "registered", wide: true, get: func(f *Framework) string { return FormatTime(f.RegisteredTime) }},
	}, opt)
}

func frameworkState(f *Framework) string {
	switch {
	case f.Completed:
		return "completed"
	case f.Active && f.Connected:
		return "active"
	case f.Active:
		return "disconnected"
	}
	return "inactive"
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// RenderTasks writes tasks as a table.
func RenderTasks(w io.Writer, tasks []Task, opt RenderOptions) error {
	return render(w, tasks, []column[Task]{
		{name: "id", get: func(t *Task) string { return t.ID }},
		{name: "name", get: func(t *Task) string { return t.Name }},
		{name: "state", get: func(t *Task) string { return t.State }, state: true},
		{name: "framework", get: func(t *Task) string { return t.FrameworkID }},
		{name: "agent", get: func(t *Task) string { return t.AgentID }},
		{name: "resources", wide: true, get: func(t *Task) string { return t.Resources.String() }},
		{name: "role", wide: true, get: func(t *Task) string { return t.Role }},
		{name: "executor", wide: true, get: func(t *Task) string { return t.ExecutorID }},
		{name: "container", wide: true, get: func(t *Task) string { return t.ContainerID }},
		{name: "updated", wide: true, get: func(t *Task) string {
			if st, ok := t.Latest(); ok {
				return FormatTime(st.Timestamp)
			}
			return "-"
		}},
	}, opt)
}

// RenderRoles writes roles as a table.
func RenderRoles(w io.Writer, roles []Role, opt RenderOptions) error {
	return render(w, roles, []column[Role]{
		{name: "name", get: func(r *Role) string { return r.Name }},
		{name: "weight", get: func(r *Role) string { return FormatScalar(r.Weight) }},
		{name: "share", get: func(r *Role) string {
			if !r.ShareKnown {
				return "-"
			}
			return fmt.Sprintf("%.4f", r.DominantShare)
		}},
		{name: "frameworks", get: func(r *Role) string { return fmt.Sprint(len(r.Frameworks)) }},
		{name: "allocated", get: func(r *Role) string { return r.Allocated.String() }},
		{name: "offered", wide: true, get: func(r *Role) string { return r.Offered.String() }},
		{name: "reserved", wide: true, get: func(r *Role) string { return r.Reserved.String() }},
		{name: "guarantee", wide: true, get: func(r *Role) string { return r.Quota.GuaranteeText() }},
		{name: "limit", wide: true, get: func(r *Role) string { return r.Quota.LimitText() }},
		{name: "filters", wide: true, get: func(r *Role) string {
			if r.OfferFilters < 0 {
				return "-"
			}
			return fmt.Sprint(r.OfferFilters)
		}},
	}, opt)
}

// RenderOffers writes offers as a table.
func RenderOffers(w io.Writer, offers []Offer, opt RenderOptions) error {
	return render(w, offers, []column[Offer]{
		{name: "id", get: func(o *Offer) string { return o.ID }},
		{name: "framework", get: func(o *Offer) string { return o.FrameworkID }},
		{name: "agent", get: func(o *Offer) string { return o.AgentID }},
		{name: "hostname", wide: true, get: func(o *Offer) string { return o.Hostname }},
		{name: "role", get: func(o *Offer) string { return o.Role }},
		{name: "resources", get: func(o *Offer) string { return o.Resources.String() }},
	}, opt)
}

// RenderExecutors writes executors as a table.
func RenderExecutors(w io.Writer, exs []Executor, opt RenderOptions) error {
	return render(w, exs, []column[Executor]{
		{name: "id", get: func(e *Executor) string { return e.ID }},
		{name: "framework", get: func(e *Executor) string { return e.FrameworkID }},
		{name: "agent", get: func(e *Executor) string { return e.AgentID }},
		{name: "resources", get: func(e *Executor) string { return e.Resources.String() }},
		{name: "container", wide: true, get: func(e *Executor) string { return e.ContainerID }},
		{name: "command", wide: true, get: func(e *Executor) string { return e.Command }},
	}, opt)
}

// RenderActors writes libprocess actors as a table, deepest queue first.
func RenderActors(w io.Writer, actors []Actor, opt RenderOptions) error {
	count := func(t string) func(*Actor) string {
		return func(a *Actor) string { return fmt.Sprint(a.Counts[t]) }
	}
	return render(w, actors, []column[Actor]{
		{name: "id", get: func(a *Actor) string { return a.ID }},
		{name: "queue", get: func(a *Actor) string { return fmt.Sprint(a.QueueDepth) }},
		{name: "message", get: count(EventMessage)},
		{name: "http", get: count(EventHTTP)},
		{name: "dispatch", get: count(EventDispatch)},
		{name: "exited", wide: true, get: count(EventExited)},
		{name: "terminate", wide: true, get: count(EventTerminate)},
		{name: "oldest", wide: true, get: func(a *Actor) string { return FormatTime(a.Oldest) }},
		{name: "top message", get: func(a *Actor) string { return topKey(a.Messages) }},
	}, opt)
}

// topKey returns the most frequent key ("name×n"), ties by name.
func topKey(m map[string]int) string {
	best, n := "", 0
	for _, k := range sortedKeys(m) {
		if m[k] > n {
			best, n = k, m[k]
		}
	}
	if best == "" {
		return "-"
	}
	return fmt.Sprintf("%s×%d", best, n)
}

// RenderContainers writes containers as a table.
func RenderContainers(w io.Writer, cs []Container, opt RenderOptions) error {
	return render(w, cs, []column[Container]{
		{name: "id", get: func(c *Container) string { return c.ID }},
		{name: "agent", get: func(c *Container) string { return c.AgentID }},
		{name: "framework", get: func(c *Container) string { return c.FrameworkID }},
		{name: "executor", get: func(c *Container) string { return c.ExecutorID }},
		{name: "cpus limit", get: func(c *Container) string { return formatMetric(c.Stat("cpus_limit")) }},
		{name: "mem rss", get: func(c *Container) string { return formatBytes(c.Stat("mem_rss_bytes")) }},
		{name: "mem limit", get: func(c *Container) string { return formatBytes(c.Stat("mem_limit_bytes")) }},
		{name: "cpu user s", wide: true, get: func(c *Container) string { return formatMetric(c.Stat("cpus_user_time_secs")) }},
		{name: "cpu sys s", wide: true, get: func(c *Container) string { return formatMetric(c.Stat("cpus_system_time_secs")) }},
		{name: "pid", wide: true, get: func(c *Container) string {
			if c.ExecutorPID == 0 {
				return "-"
			}
			return fmt.Sprint(c.ExecutorPID)
		}},
		{name: "ip", wide: true, get: func(c *Container) string { return strings.Join(c.IPAddresses, ",") }},
	}, opt)
}

func formatBytes(b float64) string {
	const unit = 1024
	if b < unit {
		return formatMetric(b)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	v := b / unit
	i := 0
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f%s", v, units[i])
}

// MetricRow is one row of the metrics table.
type MetricRow struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// MetricRows returns the metrics with prefix as sorted rows.
func MetricRows(m Metrics, prefix string) []MetricRow {
	names := m.Names(prefix)
	out := make([]MetricRow, len(names))
	for i, n := range names {
		out[i] = MetricRow{Name: n, Value: m[n]}
	}
	return out
}

// RenderMetrics writes metric rows as a table.
func RenderMetrics(w io.Writer, rows []MetricRow, opt RenderOptions) error {
	return render(w, rows, []column[MetricRow]{
		{name: "name", get: func(r *MetricRow) string { return r.Name }},
		{name: "value", get: func(r *MetricRow) string { return formatMetric(r.Value) }},
	}, opt)
}
