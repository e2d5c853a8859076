package tui

import (
	"fmt"
	"slices"
	"strings"
)

// globalKeys are the keys every view shares, k9s style.
var globalKeys = []keyHelp{
	{":", "command mode: a view name or alias (:tasks, :ct, :drf …), :why NAME, :q"},
	{"/", "filter the list (regular expression, case-insensitive; /!text inverts)"},
	{"esc", "clear the filter, then go back along the breadcrumbs"},
	{"enter", "drill into the selected row"},
	{"?", "help for this view"},
	{"ctrl-a", "every view and its aliases"},
	{"y", "copy the selected row as JSON (to the terminal's clipboard)"},
	{"j k ↑ ↓", "move; g G home end: first/last; ctrl-f ctrl-b pgup pgdn: page"},
	{"< >", "sort by the previous/next column; the same column again reverses"},
	{"SHIFT-letter", "sort by the column with that letter (see below); again reverses"},
	{"ctrl-r", "read the master now"},
	{"ctrl-c, :q", "quit"},
}

func helpDef() viewDef {
	return viewDef{name: "help", title: "Help", sortCol: -1, about: "keys for the view", build: buildHelp}
}

func aliasesDef() viewDef {
	return viewDef{name: "aliases", title: "Aliases", sortCol: 0, about: "every view and its aliases", build: buildAliases}
}

// buildHelp lists the keys of the view the help was opened from (p.arg names
// it).
func buildHelp(in *viewInput, p *page) *frame {
	f := newFrame(p, "Help")
	v, ok := in.reg.lookupName(p.arg)
	var d *viewDef
	if ok {
		d = in.reg.def(v)
		f.title = "Help: " + d.title
		f.info = append(f.info, line{{text: d.title, tone: toneAccent}, {text: " — " + d.about}}, plain(""))
	}
	section := func(title string, keys []keyHelp) {
		if len(keys) == 0 {
			return
		}
		f.info = append(f.info, tonedLine(title, toneHeader))
		for _, k := range keys {
			f.info = append(f.info, line{{text: fmt.Sprintf("  %-14s", k.key), tone: toneKey}, {text: k.what}})
		}
		f.info = append(f.info, plain(""))
	}
	if d != nil {
		section("This view", d.keys)
		if d.drill != nil {
			section("Drill", []keyHelp{{"enter", "open the selected " + strings.TrimSuffix(strings.ToLower(d.title), "s")}})
		}
	}
	section("Everywhere", globalKeys)
	if in.readWrite {
		section("Read-write (--readwrite)", writeKeys)
	}
	if d != nil {
		var sortKeys []keyHelp
		for _, c := range viewColumns(v) {
			if c.key != 0 {
				sortKeys = append(sortKeys, keyHelp{"SHIFT-" + string(c.key), "sort by " + c.title})
			}
		}
		section("Sort", sortKeys)
	}
	return f
}

// viewColumns returns the columns of a view's table, for the sort help.
func viewColumns(v viewID) []column {
	switch v {
	case vActors:
		return actorCols
	case vActor:
		return actorEventCols
	case vAgents:
		return agentCols
	case vContainers:
		return containerCols
	case vContainer:
		return containerTaskCols
	case vFrameworks, vRole:
		return frameworkCols
	case vTasks, vFramework, vAgent:
		return taskCols
	case vOffers:
		return offerCols
	case vEvents:
		return eventCols
	case vTraces:
		return traceCols
	}
	return nil
}

var aliasCols = []column{
	{title: "VIEW", key: 'V'},
	{title: "ALIASES", key: 'A', max: 40},
	{title: "WHAT", key: 'W', flex: true},
}

func buildAliases(in *viewInput, p *page) *frame {
	f := newFrame(p, "Aliases")
	var rows []row
	for id := range in.reg.defs {
		d := &in.reg.defs[id]
		if !d.top {
			continue
		}
		rows = append(rows, row{key: d.name, obj: map[string]any{"view": d.name, "aliases": d.aliases}, cells: []cell{
			toned(d.name, toneAccent), str(strings.Join(d.aliases, " ")), str(d.about),
		}})
	}
	rows = append(rows, row{key: "why", obj: map[string]any{"view": "why"}, cells: []cell{
		toned("why", toneAccent), str("wh"), str("why NAME: explain a framework, role or /app (or w on a row)"),
	}})
	slices.SortFunc(rows, func(a, b row) int { return strings.Compare(a.key, b.key) })
	f.setTable(in, p, in.reg.def(vAliases), aliasCols, rows, false)
	return f
}
