package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/inspector"
)

func agentsDef() viewDef {
	return viewDef{
		name: "agents", title: "Agents", aliases: []string{"ag", "slaves", "sl", "nodes", "no"}, top: true,
		about:   "agents with used/total resources as bars, attributes and state",
		sortCol: 0,
		build:   buildAgents,
		drill: func(r *row) (page, bool) {
			a, ok := r.obj.(*inspector.Agent)
			if !ok {
				return page{}, false
			}
			return page{view: vAgent, arg: a.ID, label: a.Hostname}, true
		},
	}
}

var agentCols = []column{
	{title: "HOST", key: 'H', max: 40},
	{title: "ID", key: 'I'},
	{title: "STATUS", key: 'S'},
	{title: "CPU", key: 'C', bar: true},
	{title: "MEM", key: 'M', bar: true},
	{title: "DISK", key: 'D', bar: true},
	{title: "GPU", key: 'G', numeric: true},
	{title: "TASKS", key: 'T', numeric: true},
	{title: "DOMAIN", key: 'O'},
	{title: "ATTRIBUTES", key: 'A', flex: true},
}

func buildAgents(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Agents")
	}
	m := in.m
	f := newFrame(p, "Agents")
	rows := make([]row, 0, len(m.snap.Agents))
	for i := range m.snap.Agents {
		rows = append(rows, agentRow(m, &m.snap.Agents[i]))
	}
	f.setTable(in, p, in.reg.def(vAgents), agentCols, rows, false)
	if len(m.snap.Agents) == 0 {
		f.empty = "no agents registered"
	}
	return f
}

func agentRow(m *model, a *inspector.Agent) row {
	tasks := 0
	if n, ok := a.TaskCounts["TASK_RUNNING"]; ok {
		tasks = n
	} else {
		for _, t := range m.ix.TasksOnAgent(a.ID) {
			if !inspector.IsTerminal(t.State) {
				tasks++
			}
		}
	}
	domain := ""
	if a.Region != "" || a.Zone != "" {
		domain = a.Region + "/" + a.Zone
	}
	gpu := "-"
	if a.Total.GPUs > 0 {
		gpu = scalar(a.Used.GPUs) + "/" + scalar(a.Total.GPUs)
	}
	return row{key: a.ID, obj: a, cells: []cell{
		str(a.Hostname),
		toned(shortID(a.ID), toneMuted),
		state(string(a.Status)),
		barCell(a.Used.CPUs, a.Total.CPUs, scalar(a.Used.CPUs)+"/"+scalar(a.Total.CPUs)),
		barCell(a.Used.Mem, a.Total.Mem, mib(a.Used.Mem)+"/"+mib(a.Total.Mem)),
		barCell(a.Used.Disk, a.Total.Disk, mib(a.Used.Disk)+"/"+mib(a.Total.Disk)),
		num(gpu, a.Used.GPUs),
		intCell(tasks),
		str(dash(domain)),
		str(attrText(a.Attributes)),
	}}
}

// attrText renders attributes "k=v,k2=v2" sorted by key.
func attrText(m map[string]string) string {
	if len(m) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ",")
}

func agentDef() viewDef {
	return viewDef{
		name: "agent", title: "Agent", sortCol: 0,
		about: "one agent: its description and the tasks on it",
		build: buildAgent,
		drill: drillTask,
		why:   whyTaskFramework,
	}
}

func buildAgent(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Agent")
	}
	m := in.m
	a, ok := m.ix.Agent(p.arg)
	if !ok {
		f := newFrame(p, "Agent "+p.label)
		f.empty = fmt.Sprintf("agent %s is no longer known to the master", p.arg)
		return f
	}
	f := newFrame(p, "Agent "+a.Hostname)
	f.info = textLines(inspector.DescribeAgent(*a))
	for _, as := range m.snap.AgentState {
		if as.ID == a.ID {
			f.info = append(f.info, plain(fmt.Sprintf("agent's own view: version %s, %d executors, %d containers, master %s",
				dash(as.Version), len(as.Executors), len(as.Containers), dash(as.MasterHostname))))
		}
	}
	f.info = append(f.info, plain(""))
	tasks := m.ix.TasksOnAgent(a.ID)
	rows := make([]row, 0, len(tasks))
	for _, t := range tasks {
		rows = append(rows, taskRow(m, t))
	}
	f.title = "Agent " + a.Hostname + " tasks"
	f.setTable(in, p, in.reg.def(vAgent), taskCols, rows, false)
	if len(tasks) == 0 {
		f.empty = "no tasks on this agent"
	}
	return f
}
