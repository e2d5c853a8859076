package tui

import (
	"fmt"
	"strings"

	"github.com/mesoscope/mesoscope/inspector"
)

func tasksDef() viewDef {
	return viewDef{
		name: "tasks", title: "Tasks", aliases: []string{"ts", "ta", "task"}, top: true,
		about:   "tasks with state, framework, agent, resources and age",
		keys:    []keyHelp{{"w", "why is the task's framework waiting"}},
		sortCol: 0,
		build:   buildTasks,
		drill:   drillTask,
		why:     whyTaskFramework,
	}
}

var taskCols = []column{
	{title: "ID", key: 'I', max: 40},
	{title: "NAME", key: 'N', max: 32},
	{title: "FRAMEWORK", key: 'F', max: 24},
	{title: "AGENT", key: 'A', max: 24},
	{title: "STATE", key: 'S'},
	{title: "ROLE", key: 'R'},
	{title: "CPU", key: 'C', numeric: true},
	{title: "MEM", key: 'M', numeric: true},
	{title: "AGE", key: 'G', numeric: true},
	{title: "HEALTH", key: 'H', flex: true},
}

// taskKey identifies a task: ids are unique per framework only.
func taskKey(t *inspector.Task) string { return t.FrameworkID + "/" + t.ID }

// taskKeys returns every task's key as substrings of one string: one
// allocation for a table of 10,000 tasks instead of 10,000.
func taskKeys(ts []inspector.Task) []string {
	n := 0
	for i := range ts {
		n += len(ts[i].FrameworkID) + 1 + len(ts[i].ID)
	}
	var b strings.Builder
	b.Grow(n)
	ends := make([]int, len(ts))
	for i := range ts {
		b.WriteString(ts[i].FrameworkID)
		b.WriteByte('/')
		b.WriteString(ts[i].ID)
		ends[i] = b.Len()
	}
	all := b.String()
	keys := make([]string, len(ts))
	start := 0
	for i, end := range ends {
		keys[i] = all[start:end]
		start = end
	}
	return keys
}

func drillTask(r *row) (page, bool) {
	t, ok := r.obj.(*inspector.Task)
	if !ok {
		return page{}, false
	}
	return page{view: vTask, arg: taskKey(t), label: t.ID}, true
}

func whyTaskFramework(r *row) string {
	if t, ok := r.obj.(*inspector.Task); ok {
		return "framework:" + t.FrameworkID
	}
	return ""
}

func buildTasks(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Tasks")
	}
	m := in.m
	f := newFrame(p, "Tasks")
	keys := taskKeys(m.snap.Tasks)
	rows := buildRows(len(m.snap.Tasks), len(taskCols), func(fc *fmtCache, i int, cells []cell) row {
		r := taskRowInto(fc, m, &m.snap.Tasks[i], cells)
		r.key = keys[i]
		return r
	})
	f.setTable(in, p, in.reg.def(vTasks), taskCols, rows, false)
	if len(rows) == 0 {
		f.empty = "no tasks"
		if m.snap.Cluster.Tasks > 0 {
			f.empty = fmt.Sprintf("the master reported %d tasks only as counts", m.snap.Cluster.Tasks)
		}
	}
	return f
}

func taskRow(m *model, t *inspector.Task) row {
	r := taskRowInto(newFmtCache(), m, t, make([]cell, len(taskCols)))
	r.key = taskKey(t)
	return r
}

// taskRowInto fills a task's row into cells (len(taskCols) long); the caller
// sets the key.
func taskRowInto(fc *fmtCache, m *model, t *inspector.Task, cells []cell) row {
	fwName := t.FrameworkID
	if fw, ok := m.ix.Framework(t.FrameworkID); ok && fw.Name != "" {
		fwName = fw.Name
	}
	agent := t.AgentID
	if a, ok := m.ix.Agent(t.AgentID); ok && a.Hostname != "" {
		agent = a.Hostname
	}
	ageText, ageVal := "-", -1.0
	if len(t.Statuses) > 0 && !t.Statuses[0].Timestamp.IsZero() {
		d := m.now.Sub(t.Statuses[0].Timestamp)
		ageText, ageVal = fc.age(d), d.Seconds()
	}
	health, htone := "-", toneNormal
	if t.Healthy != nil {
		health, htone = "unhealthy", toneBad
		if *t.Healthy {
			health, htone = "healthy", toneOK
		}
	}
	name := t.Name
	if name == t.ID {
		name = "-"
	}
	cells[0] = str(t.ID)
	cells[1] = str(dash(name))
	cells[2] = str(fwName)
	cells[3] = str(dash(agent))
	cells[4] = state(t.State)
	cells[5] = str(dash(t.Role))
	cells[6] = num(fc.scalar(t.Resources.CPUs), t.Resources.CPUs)
	cells[7] = num(fc.mib(t.Resources.Mem), t.Resources.Mem)
	cells[8] = num(ageText, ageVal)
	cells[9] = toned(health, htone)
	return row{obj: t, cells: cells}
}

func taskDef() viewDef {
	return viewDef{
		name: "task", title: "Task", sortCol: -1,
		about: "one task: its description and status history",
		keys:  []keyHelp{{"w", "why is its framework waiting"}},
		build: buildTask,
	}
}

var statusCols = []column{
	{title: "#", numeric: true},
	{title: "TIME"},
	{title: "+", numeric: true},
	{title: "STATE"},
	{title: "SOURCE"},
	{title: "REASON"},
	{title: "MESSAGE", flex: true},
}

func buildTask(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Task")
	}
	m := in.m
	fwID, id, _ := strings.Cut(p.arg, "/")
	t, ok := m.ix.Task(fwID, id)
	if !ok {
		f := newFrame(p, "Task "+p.label)
		f.empty = fmt.Sprintf("task %s is no longer known to the master", p.arg)
		return f
	}
	f := newFrame(p, "Task "+t.ID+" status history")
	f.info = append(textLines(inspector.DescribeTask(*t)), plain(""))
	rows := statusRows(t.Statuses)
	f.setTable(in, p, in.reg.def(vTask), statusCols, rows, false)
	if len(rows) == 0 {
		f.empty = "no status updates yet"
	}
	return f
}

// statusRows renders a status history with the time since the previous update.
func statusRows(sts []inspector.TaskStatus) []row {
	rows := make([]row, 0, len(sts))
	for i, st := range sts {
		delta := "-"
		dv := 0.0
		if i > 0 && !st.Timestamp.IsZero() && !sts[i-1].Timestamp.IsZero() {
			d := st.Timestamp.Sub(sts[i-1].Timestamp)
			delta, dv = latency(d), d.Seconds()
		}
		rows = append(rows, row{key: itoa(i), obj: st, cells: []cell{
			intCell(i + 1),
			str(inspector.FormatTime(st.Timestamp)),
			num(delta, dv),
			state(st.State),
			str(dash(strings.TrimPrefix(st.Source, "SOURCE_"))),
			str(dash(strings.TrimPrefix(st.Reason, "REASON_"))),
			str(dash(st.Message)),
		}})
	}
	return rows
}
