package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/inspector"
)

func containersDef() viewDef {
	return viewDef{
		name: "containers", title: "Containers", aliases: []string{"ct", "co", "container"}, top: true,
		about:   "containers: current state among the seven, the state timeline, usage, and their tasks",
		sortCol: 1,
		need:    func(string) needs { return needs{agents: true, spans: true} },
		build:   buildContainers,
		drill: func(r *row) (page, bool) {
			return page{view: vContainer, arg: r.key, label: shortID(r.key)}, r.key != ""
		},
	}
}

var containerCols = []column{
	{title: "CONTAINER", key: 'C'},
	{title: "AGENT", key: 'A', max: 24},
	{title: "FRAMEWORK", key: 'F', max: 24},
	{title: "EXECUTOR", key: 'E', max: 28},
	{title: "STATE", key: 'S'},
	{title: "TIMELINE", key: 'T', max: 40},
	{title: "AGE", key: 'G', numeric: true},
	{title: "CPU", key: 'U', numeric: true},
	{title: "MEM", key: 'M', numeric: true},
	{title: "TASKS", key: 'K', flex: true},
}

// containerInfo joins what the agents say about a container (/containers)
// with what the spans say about its states and what the master says about
// the tasks in it.
type containerInfo struct {
	ID          string                `json:"id"`
	Container   *inspector.Container  `json:"container,omitempty"`
	State       string                `json:"state"`
	Inferred    bool                  `json:"state_inferred,omitempty"`
	Timeline    []containerStateEntry `json:"timeline,omitempty"`
	Terminated  bool                  `json:"terminated,omitempty"`
	Reason      string                `json:"reason,omitempty"`
	Tasks       []string              `json:"tasks,omitempty"`
	AgentID     string                `json:"agent_id,omitempty"`
	FrameworkID string                `json:"framework_id,omitempty"`
	ExecutorID  string                `json:"executor_id,omitempty"`
	start       time.Time
	tasks       []*inspector.Task
}

// containerStateEntry is one step of a container's timeline, for `y`.
type containerStateEntry struct {
	State string    `json:"state"`
	At    time.Time `json:"at"`
}

// collectContainers merges the three sources; containers only the spans know
// are listed too (recently destroyed ones, or every container when agents
// were not read).
func collectContainers(m *model) []*containerInfo {
	byID := map[string]*containerInfo{}
	var order []string
	get := func(id string) *containerInfo {
		c, ok := byID[id]
		if !ok {
			c = &containerInfo{ID: id}
			byID[id] = c
			order = append(order, id)
		}
		return c
	}
	for i := range m.snap.Containers {
		ct := &m.snap.Containers[i]
		if ct.ID == "" {
			continue
		}
		c := get(ct.ID)
		c.Container = ct
		c.AgentID, c.FrameworkID, c.ExecutorID = ct.AgentID, ct.FrameworkID, ct.ExecutorID
	}
	for _, id := range slices.Sorted(maps.Keys(m.timelines)) {
		tl := m.timelines[id]
		c := get(id)
		for _, s := range tl.steps {
			c.Timeline = append(c.Timeline, containerStateEntry{State: s.state, At: s.at})
		}
		c.State = tl.current()
		c.Terminated, c.Reason = tl.terminated, tl.reason
		if len(tl.steps) > 0 {
			c.start = tl.steps[0].at
		}
	}
	for i := range m.snap.Tasks {
		t := &m.snap.Tasks[i]
		if t.ContainerID == "" {
			continue
		}
		c, ok := byID[t.ContainerID]
		if !ok {
			continue
		}
		c.tasks = append(c.tasks, t)
		c.Tasks = append(c.Tasks, t.ID)
		if c.AgentID == "" {
			c.AgentID = t.AgentID
		}
		if c.FrameworkID == "" {
			c.FrameworkID = t.FrameworkID
		}
		if c.ExecutorID == "" {
			c.ExecutorID = t.ExecutorID
		}
	}
	out := make([]*containerInfo, 0, len(order))
	for _, id := range order {
		c := byID[id]
		if c.State == "" {
			c.State, c.Inferred = inferContainerState(c.tasks, c.Container != nil)
		}
		if c.start.IsZero() {
			for _, t := range c.tasks {
				if len(t.Statuses) > 0 && (c.start.IsZero() || t.Statuses[0].Timestamp.Before(c.start)) {
					c.start = t.Statuses[0].Timestamp
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// inferContainerState guesses the containerizer state from the tasks when no
// spans say it (real Mesos): a running task means RUNNING, all tasks terminal
// means the container is being or has been destroyed, a live container with
// only staging tasks is still launching.
func inferContainerState(tasks []*inspector.Task, live bool) (string, bool) {
	running, terminal := false, len(tasks) > 0
	for _, t := range tasks {
		if t.State == "TASK_RUNNING" || t.State == "TASK_KILLING" {
			running = true
		}
		if !inspector.IsTerminal(t.State) {
			terminal = false
		}
	}
	switch {
	case running:
		return "RUNNING", true
	case terminal && live:
		return "DESTROYING", true
	case terminal:
		return "TERMINATED", true
	case live:
		return "RUNNING", true
	}
	return "STARTING", true
}

// stateAbbrev shortens a state for the compact timeline (the legend is in
// the view's first line).
func stateAbbrev(s string) string {
	switch s {
	case "STARTING":
		return "S"
	case "PROVISIONING":
		return "PV"
	case "PREPARING":
		return "PP"
	case "ISOLATING":
		return "I"
	case "FETCHING":
		return "F"
	case "RUNNING":
		return "R"
	case "DESTROYING":
		return "D"
	}
	return s
}

// timelineLegend explains the compact timeline.
const timelineLegend = "timeline: S starting › PV provisioning › PP preparing › I isolating › F fetching › R running › D destroying › ✗ gone"

func timelineText(c *containerInfo) string {
	if len(c.Timeline) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(c.Timeline)+1)
	for _, s := range c.Timeline {
		parts = append(parts, stateAbbrev(s.State))
	}
	if c.Terminated {
		parts = append(parts, "✗")
	}
	return strings.Join(parts, "›")
}

func buildContainers(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Containers")
	}
	m := in.m
	f := newFrame(p, "Containers")
	cs := collectContainers(m)
	rows := make([]row, 0, len(cs))
	for _, c := range cs {
		rows = append(rows, containerRow(m, c))
	}
	f.setTable(in, p, in.reg.def(vContainers), containerCols, rows, false)
	notes := []string{timelineLegend}
	if !m.agentsRead {
		notes = append(notes, "agents not read yet")
	}
	if !m.snap.Mesoscope {
		notes = append(notes, "states marked ~ are inferred from task states (real Mesos does not expose the containerizer's states)")
	} else if m.spansErr != "" {
		notes = append(notes, "spans: "+m.spansErr)
	}
	for _, n := range notes {
		f.info = append(f.info, tonedLine(n, toneMuted))
	}
	if len(rows) == 0 {
		f.empty = "no containers"
	}
	return f
}

func containerRow(m *model, c *containerInfo) row {
	agent := c.AgentID
	if a, ok := m.ix.Agent(c.AgentID); ok {
		agent = a.Hostname
	}
	fw := c.FrameworkID
	if f, ok := m.ix.Framework(c.FrameworkID); ok && f.Name != "" {
		fw = f.Name
	}
	st := c.State
	if c.Inferred {
		st += "~"
	}
	ageText, ageVal := "-", -1.0
	if !c.start.IsZero() {
		d := m.now.Sub(c.start)
		ageText, ageVal = age(d), d.Seconds()
	}
	cpu, cv, mem, mv := "-", -1.0, "-", -1.0
	if ct := c.Container; ct != nil {
		if v := ct.Stat("cpus_limit"); v > 0 {
			cpu, cv = scalar(v), v
		}
		rss, lim := ct.Stat("mem_rss_bytes"), ct.Stat("mem_limit_bytes")
		if rss > 0 || lim > 0 {
			mem, mv = bytesText(rss)+"/"+bytesText(lim), rss
		}
	}
	return row{key: c.ID, obj: c, cells: []cell{
		toned(shortID(c.ID), toneMuted),
		str(dash(agent)),
		str(dash(fw)),
		str(dash(c.ExecutorID)),
		toned(st, stateTone(c.State)),
		str(timelineText(c)),
		num(ageText, ageVal),
		num(cpu, cv),
		num(mem, mv),
		str(dash(strings.Join(c.Tasks, ","))),
	}}
}

func containerDef() viewDef {
	return viewDef{
		name: "container", title: "Container", sortCol: -1,
		about: "one container: its state timeline and its tasks with their status history",
		need:  func(string) needs { return needs{agents: true, spans: true} },
		build: buildContainer,
		drill: drillTask,
		why:   whyTaskFramework,
	}
}

var containerTaskCols = []column{
	{title: "TASK", key: 'T', max: 40},
	{title: "STATE", key: 'S'},
	{title: "HISTORY", key: 'H', flex: true},
}

func buildContainer(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Container")
	}
	m := in.m
	var c *containerInfo
	for _, ci := range collectContainers(m) {
		if ci.ID == p.arg {
			c = ci
		}
	}
	f := newFrame(p, "Container "+shortID(p.arg)+" tasks")
	if c == nil {
		f.empty = fmt.Sprintf("container %s is gone", p.arg)
		return f
	}
	st := c.State
	if c.Inferred {
		st += " (inferred from its tasks)"
	}
	f.info = append(f.info, line{{text: "container " + c.ID + " ", tone: toneHeader}, {text: st, tone: stateTone(c.State)}})
	if c.Container != nil {
		f.info = append(f.info, textLines(inspector.DescribeContainer(*c.Container))[1:]...)
	}
	if len(c.Timeline) > 0 {
		f.info = append(f.info, plain(""), tonedLine("state timeline (containerizer transitions, from spans)", toneAccent))
		end := m.now
		if c.Terminated {
			end = m.timelines[c.ID].terminatedAt
		}
		for i, s := range c.Timeline {
			next := end
			if i+1 < len(c.Timeline) {
				next = c.Timeline[i+1].At
			}
			f.info = append(f.info, line{
				{text: fmt.Sprintf("  %-13s", s.State), tone: stateTone(s.State)},
				{text: fmt.Sprintf("%s  for %s", s.At.UTC().Format("15:04:05.000000"), latency(next.Sub(s.At)))},
			})
		}
		if c.Terminated {
			f.info = append(f.info, line{{text: "  terminated    ", tone: toneBad}, {text: end.UTC().Format("15:04:05.000000") + " " + c.Reason}})
		}
	}
	f.info = append(f.info, plain(""))
	rows := make([]row, 0, len(c.tasks))
	for _, t := range c.tasks {
		var hist []string
		var prev time.Time
		for _, s := range t.Statuses {
			h := strings.TrimPrefix(s.State, "TASK_")
			if !prev.IsZero() && !s.Timestamp.IsZero() {
				h += " +" + latency(s.Timestamp.Sub(prev))
			}
			prev = s.Timestamp
			hist = append(hist, h)
		}
		rows = append(rows, row{key: taskKey(t), obj: t, cells: []cell{str(t.ID), state(t.State), str(dash(strings.Join(hist, " → ")))}})
	}
	f.setTable(in, p, in.reg.def(vContainer), containerTaskCols, rows, false)
	if len(rows) == 0 {
		f.empty = "no tasks known in this container"
	}
	return f
}
