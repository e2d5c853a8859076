package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/inspector"
)

func actorsDef() viewDef {
	return viewDef{
		name: "actors", title: "Actors", aliases: []string{"ac", "processes", "pr", "ps", "queues"}, top: true,
		about:    "libprocess processes by queue depth: pending events by type, oldest event, dispatch rate and latency",
		sortCol:  1,
		sortDesc: true,
		build:    buildActors,
		drill: func(r *row) (page, bool) {
			a, ok := r.obj.(inspector.Actor)
			return page{view: vActor, arg: a.ID, label: a.ID}, ok
		},
	}
}

var actorCols = []column{
	{title: "PROCESS", key: 'P', max: 40},
	{title: "DEPTH", key: 'D', numeric: true},
	{title: "MESSAGE", key: 'M', numeric: true},
	{title: "HTTP", key: 'H', numeric: true},
	{title: "DISPATCH", key: 'I', numeric: true},
	{title: "OTHER", key: 'O', numeric: true},
	{title: "OLDEST", key: 'A', numeric: true},
	{title: "RATE/S", key: 'R', numeric: true},
	{title: "LATENCY", key: 'L', numeric: true},
	{title: "TOP PENDING", key: 'T', flex: true},
}

func buildActors(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Actors")
	}
	m := in.m
	f := newFrame(p, "Actors")
	rows := make([]row, 0, len(m.snap.Actors))
	for _, a := range m.snap.Actors {
		rows = append(rows, actorRow(m, a))
	}
	f.setTable(in, p, in.reg.def(vActors), actorCols, rows, false)
	switch {
	case len(rows) == 0:
		f.empty = "no processes: the master's /__processes__ was not readable"
	case !m.snap.Mesoscope:
		f.info = []line{tonedLine("rate and latency need mesoscope's /mesoscope/v1/processes; real libprocess reports queues only", toneMuted)}
	}
	return f
}

func actorRow(m *model, a inspector.Actor) row {
	oldestText, oldest := "-", -1.0
	if d := a.Age(m.now); d > 0 {
		oldestText, oldest = age(d), d.Seconds()
		if d < time.Second {
			oldestText = latency(d)
		}
	}
	rateText, rate, latText, lat := "-", -1.0, "-", -1.0
	if r, ok := m.actorRates[a.ID]; ok && r.known {
		rateText, rate = trimZero(fmt.Sprintf("%.1f", r.perSec)), r.perSec
		if r.latency > 0 {
			latText, lat = latency(r.latency), r.latency.Seconds()
		}
	}
	other := a.Counts[inspector.EventExited] + a.Counts[inspector.EventTerminate]
	for k, n := range a.Counts {
		switch k {
		case inspector.EventMessage, inspector.EventHTTP, inspector.EventDispatch, inspector.EventExited, inspector.EventTerminate:
		default:
			other += n
		}
	}
	depthTone := toneNormal
	if a.QueueDepth > 0 {
		depthTone = toneWarn
	}
	return row{key: a.ID, obj: a, cells: []cell{
		str(a.ID),
		{text: itoa(a.QueueDepth), num: float64(a.QueueDepth), tone: depthTone},
		intCell(a.Counts[inspector.EventMessage]),
		intCell(a.Counts[inspector.EventHTTP]),
		intCell(a.Counts[inspector.EventDispatch]),
		intCell(other),
		num(oldestText, oldest),
		num(rateText, rate),
		num(latText, lat),
		str(topPending(a)),
	}}
}

// topPending names the most frequent pending messages or requests: "Name×3, GET /x×1".
func topPending(a inspector.Actor) string {
	type kv struct {
		k string
		n int
	}
	var all []kv
	for k, n := range a.Messages {
		all = append(all, kv{k, n})
	}
	for k, n := range a.HTTP {
		all = append(all, kv{k, n})
	}
	slices.SortFunc(all, func(x, y kv) int {
		if x.n != y.n {
			return y.n - x.n
		}
		return strings.Compare(x.k, y.k)
	})
	if len(all) == 0 {
		return "-"
	}
	parts := make([]string, 0, 3)
	for i, e := range all {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("+%d more", len(all)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s×%d", e.k, e.n))
	}
	return strings.Join(parts, ", ")
}

func actorDef() viewDef {
	return viewDef{
		name: "actor", title: "Actor", sortCol: -1,
		about: "one process's pending events in queue order",
		build: buildActor,
	}
}

var actorEventCols = []column{
	{title: "#", numeric: true},
	{title: "TYPE", key: 'T'},
	{title: "NAME", key: 'N', max: 60},
	{title: "FROM", key: 'F', max: 40},
	{title: "BYTES", key: 'B', numeric: true},
	{title: "AGE", key: 'A', numeric: true, flex: true},
}

func buildActor(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Actor")
	}
	m := in.m
	var a *inspector.Actor
	for i := range m.snap.Actors {
		if m.snap.Actors[i].ID == p.arg {
			a = &m.snap.Actors[i]
		}
	}
	if a == nil {
		f := newFrame(p, "Actor "+p.arg)
		f.empty = fmt.Sprintf("process %s is gone", p.arg)
		return f
	}
	f := newFrame(p, "Actor "+a.ID+" pending events")
	f.info = textLines(inspector.DescribeActor(*a))
	if r, ok := m.actorRates[a.ID]; ok && r.known {
		f.info = append(f.info, plain(fmt.Sprintf("dispatch   %.1f/s, mean handler time %s (since the previous read)", r.perSec, latency(r.latency))))
	}
	if len(a.Handled) > 0 {
		f.info = append(f.info, plain("handled by type since spawn: "+handledText(a.Handled)))
	}
	f.info = append(f.info, plain(""))
	rows := make([]row, 0, len(a.Events))
	for i, e := range a.Events {
		name := e.Name
		if e.Type == inspector.EventHTTP {
			name = strings.TrimSpace(e.Method + " " + e.URL)
		}
		ageText, ageVal := "-", -1.0
		if !e.Timestamp.IsZero() {
			d := m.now.Sub(e.Timestamp)
			ageText, ageVal = latency(d), d.Seconds()
		}
		rows = append(rows, row{key: itoa(i), obj: e, cells: []cell{
			intCell(i + 1), str(e.Type), str(dash(name)), str(dash(e.From)), intCell(e.BodyBytes), num(ageText, ageVal),
		}})
	}
	f.setTable(in, p, in.reg.def(vActor), actorEventCols, rows, false)
	if a.QueueDepth > len(a.Events) {
		f.after = []line{tonedLine(fmt.Sprintf("showing the first %d of %d pending events", len(a.Events), a.QueueDepth), toneMuted)}
	}
	if len(rows) == 0 {
		f.empty = "the queue is empty"
	}
	return f
}

func handledText(m map[string]uint64) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}
