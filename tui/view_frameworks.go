package tui

import (
	"fmt"
	"strings"

	"github.com/mesoscope/mesoscope/inspector"
)

func frameworksDef() viewDef {
	return viewDef{
		name: "frameworks", title: "Frameworks", aliases: []string{"fw", "fr", "framework"}, top: true,
		about:   "frameworks: roles, state, tasks, resources used, outstanding offers and declines",
		keys:    []keyHelp{{"w", "why is it waiting (the explainer)"}},
		sortCol: 0,
		build:   buildFrameworks,
		drill: func(r *row) (page, bool) {
			fw, ok := r.obj.(inspector.Framework)
			return page{view: vFramework, arg: fw.ID, label: fw.Name}, ok
		},
		why: func(r *row) string {
			if fw, ok := r.obj.(inspector.Framework); ok {
				return "framework:" + fw.ID
			}
			return ""
		},
	}
}

var frameworkCols = []column{
	{title: "NAME", key: 'N', max: 32},
	{title: "ID", key: 'I'},
	{title: "ROLES", key: 'R', max: 24},
	{title: "STATE", key: 'S'},
	{title: "TASKS", key: 'T', numeric: true},
	{title: "CPU", key: 'C', numeric: true},
	{title: "MEM", key: 'M', numeric: true},
	{title: "GPU", key: 'G', numeric: true},
	{title: "OFFERS", key: 'O', numeric: true},
	{title: "DECLINED", key: 'D', numeric: true},
	{title: "SUPPRESSED", key: 'U', flex: true},
}

func buildFrameworks(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Frameworks")
	}
	m := in.m
	f := newFrame(p, "Frameworks")
	rows := make([]row, 0, len(m.snap.Frameworks))
	for _, fw := range m.snap.Frameworks {
		rows = append(rows, frameworkRow(m, fw))
	}
	f.setTable(in, p, in.reg.def(vFrameworks), frameworkCols, rows, false)
	if len(rows) == 0 {
		f.empty = "no frameworks"
	}
	return f
}

// frameworkState is one word for a framework's lifecycle.
func frameworkState(fw inspector.Framework) string {
	switch {
	case fw.Completed:
		return "completed"
	case !fw.Connected:
		return "disconnected"
	case !fw.Active:
		return "inactive"
	}
	return "active"
}

// declinedOffers is the framework's offers/declined counter, or -1.
func declinedOffers(m inspector.Metrics, fw inspector.Framework) float64 {
	if v, ok := m.Get(inspector.FrameworkPrefix(fw.Name, fw.ID) + "offers/declined"); ok {
		return v
	}
	return -1
}

func frameworkRow(m *model, fw inspector.Framework) row {
	running, total := fw.TaskCounts["TASK_RUNNING"], 0
	for _, n := range fw.TaskCounts {
		total += n
	}
	dec := declinedOffers(m.snap.Metrics, fw)
	decText := "-"
	if dec >= 0 {
		decText = scalar(dec)
	}
	sup := "-"
	if len(fw.SuppressedRoles) > 0 {
		sup = strings.Join(fw.SuppressedRoles, ",")
	}
	st := frameworkState(fw)
	return row{key: fw.ID, obj: fw, cells: []cell{
		str(fw.Name),
		toned(shortID(fw.ID), toneMuted),
		str(strings.Join(fw.Roles, ",")),
		state(st),
		num(fmt.Sprintf("%d/%d", running, total), float64(running)),
		num(scalar(fw.Used.CPUs), fw.Used.CPUs),
		num(mib(fw.Used.Mem), fw.Used.Mem),
		num(scalar(fw.Used.GPUs), fw.Used.GPUs),
		intCell(len(fw.OfferIDs)),
		num(decText, dec),
		toned(sup, toneWarn),
	}}
}

func frameworkDef() viewDef {
	return viewDef{
		name: "framework", title: "Framework", sortCol: 0,
		about: "one framework: its description and its tasks",
		keys:  []keyHelp{{"w", "why is this framework waiting"}},
		build: buildFramework,
		drill: drillTask,
		why:   whyTaskFramework,
	}
}

func buildFramework(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Framework")
	}
	m := in.m
	fw, ok := m.ix.Framework(p.arg)
	if !ok {
		f := newFrame(p, "Framework "+p.label)
		f.empty = fmt.Sprintf("framework %s is no longer known to the master", p.arg)
		return f
	}
	f := newFrame(p, "Framework "+fw.Name+" tasks")
	f.info = textLines(inspector.DescribeFramework(*fw))
	if dec := declinedOffers(m.snap.Metrics, *fw); dec >= 0 {
		f.info = append(f.info, plain(fmt.Sprintf("declined %s offers in all (master/frameworks/…/offers/declined)", scalar(dec))))
	}
	f.info = append(f.info, plain(""))
	tasks := m.ix.TasksOfFramework(fw.ID)
	rows := make([]row, 0, len(tasks))
	for _, t := range tasks {
		rows = append(rows, taskRow(m, t))
	}
	f.setTable(in, p, in.reg.def(vFramework), taskCols, rows, false)
	if len(rows) == 0 {
		f.empty = "no tasks"
	}
	return f
}
