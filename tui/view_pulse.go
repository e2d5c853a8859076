package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/inspector"
)

// tileItem is one line of a Pulse tile: a label, an optional gauge, text, and
// an optional sparkline of the value over the last reads.
type tileItem struct {
	label string
	bar   *barValue
	text  string
	tone  tone
	spark []float64
}

// tile is one Pulse chart; Enter on it opens target (k9s's Pulses jump to the
// resource list).
type tile struct {
	title  string
	target viewID
	items  []tileItem
}

// pulseData is the Pulse view's body.
type pulseData struct {
	tiles []tile
}

func pulseDef() viewDef {
	return viewDef{
		name: "pulse", title: "Pulse", aliases: []string{"pu", "pulses", "cluster"}, top: true,
		about:   "cluster gauges and sparklines: resources, tasks, offers, allocator, event queues",
		keys:    []keyHelp{{"tab/shift-tab", "next/previous chart"}, {"enter", "open the chart's list"}},
		sortCol: -1,
		build:   buildPulse,
	}
}

// Task states in lifecycle order for the Tasks tile (include/mesos/v1/mesos.proto
// TaskState).
var taskStateOrder = []string{
	"TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_FINISHED",
	"TASK_FAILED", "TASK_KILLED", "TASK_ERROR", "TASK_LOST", "TASK_DROPPED",
	"TASK_UNREACHABLE", "TASK_GONE", "TASK_GONE_BY_OPERATOR", "TASK_UNKNOWN",
}

func buildPulse(in *viewInput, p *page) *frame {
	if !in.m.hasSnap() {
		return waitingFrame(in, p, "Pulse")
	}
	m := in.m
	s := m.snap
	c := s.Cluster
	f := newFrame(p, "Pulse")
	hist := func(get func(sample) float64) []float64 {
		out := make([]float64, len(m.history))
		for i, h := range m.history {
			out[i] = get(h)
		}
		return out
	}
	res := func(label string, used, offered, total float64, unit func(float64) string, get func(sample) float64) tileItem {
		frac := 0.0
		if total > 0 {
			frac = used / total
		}
		text := fmt.Sprintf("%s/%s %s", unit(used), unit(total), pct(frac))
		if offered > 0 {
			text += " +" + unit(offered) + " offered"
		}
		return tileItem{label: label, bar: &barValue{used: used, total: total}, text: text, tone: usageTone(frac), spark: hist(get)}
	}
	f.pulse = &pulseData{}
	f.pulse.tiles = append(f.pulse.tiles, tile{
		title: "Resources allocated / total", target: vAgents,
		items: []tileItem{
			res("cpu", c.Used.CPUs, c.Offered.CPUs, c.Total.CPUs, scalar, func(h sample) float64 { return h.cpus }),
			res("mem", c.Used.Mem, c.Offered.Mem, c.Total.Mem, mib, func(h sample) float64 { return h.mem }),
			res("disk", c.Used.Disk, c.Offered.Disk, c.Total.Disk, mib, func(h sample) float64 { return h.disk }),
			res("gpu", c.Used.GPUs, c.Offered.GPUs, c.Total.GPUs, scalar, func(h sample) float64 { return h.gpus }),
		},
	})

	counts := taskCounts(s)
	tasks := tile{title: fmt.Sprintf("Tasks by state (%d active)", c.Tasks), target: vTasks}
	all := 0
	for _, n := range counts {
		all += n
	}
	for _, st := range append(slices.Clone(taskStateOrder), extraStates(counts)...) {
		n := counts[st]
		if n == 0 && st != "TASK_RUNNING" {
			continue
		}
		it := tileItem{label: strings.TrimPrefix(st, "TASK_"), text: itoa(n), tone: stateTone(st)}
		if all > 0 {
			it.bar = &barValue{used: float64(n), total: float64(all)}
		}
		switch st {
		case "TASK_RUNNING":
			it.spark = hist(func(h sample) float64 { return float64(h.running) })
		case "TASK_STAGING":
			it.spark = hist(func(h sample) float64 { return float64(h.staging) })
		case "TASK_FAILED":
			it.spark = hist(func(h sample) float64 { return float64(h.failed) })
		}
		tasks.items = append(tasks.items, it)
	}
	f.pulse.tiles = append(f.pulse.tiles, tasks)

	offers := tile{title: "Offers", target: vOffers}
	offers.items = append(offers.items,
		tileItem{label: "outstanding", text: itoa(len(s.Offers)), spark: hist(func(h sample) float64 { return float64(h.offers) })},
		tileItem{label: "offered", text: dash(c.Offered.Compact())},
	)
	declined := 0.0
	for _, name := range s.Metrics.Names("master/frameworks/") {
		if strings.HasSuffix(name, "/offers/declined") {
			declined += s.Metrics.Value(name)
		}
	}
	if v, ok := s.Metrics.Get("master/messages_decline_offers"); ok && declined == 0 {
		declined = v
	}
	offers.items = append(offers.items, tileItem{label: "declined", text: scalar(declined)})
	filters := 0.0
	for _, name := range s.Metrics.Names("allocator/mesos/offer_filters/roles/") {
		filters += s.Metrics.Value(name)
	}
	offers.items = append(offers.items, tileItem{label: "filters", text: scalar(filters)})
	f.pulse.tiles = append(f.pulse.tiles, offers)

	alloc := tile{title: "Allocator", target: vDRF}
	if v, ok := s.Metrics.Get("allocator/mesos/allocation_run_ms"); ok {
		alloc.items = append(alloc.items, tileItem{label: "run time", text: fmt.Sprintf("%sms last", trimZero(fmt.Sprintf("%.3f", v))),
			spark: hist(func(h sample) float64 { return h.allocMS })})
		p50, _ := s.Metrics.Get("allocator/mesos/allocation_run_ms/p50")
		p99, _ := s.Metrics.Get("allocator/mesos/allocation_run_ms/p99")
		alloc.items = append(alloc.items, tileItem{label: "p50 / p99", text: fmt.Sprintf("%sms / %sms", trimZero(fmt.Sprintf("%.3f", p50)), trimZero(fmt.Sprintf("%.3f", p99)))})
	} else {
		alloc.items = append(alloc.items, tileItem{label: "run time", text: "no allocator metrics", tone: toneMuted})
	}
	if v, ok := s.Metrics.Get("allocator/mesos/allocation_runs"); ok {
		alloc.items = append(alloc.items, tileItem{label: "runs", text: scalar(v)})
	}
	if v, ok := s.Metrics.Get("allocator/mesos/event_queue_dispatches"); ok {
		alloc.items = append(alloc.items, tileItem{label: "queue", text: scalar(v) + " dispatches"})
	}
	f.pulse.tiles = append(f.pulse.tiles, alloc)

	queues := tile{title: "Master event queue", target: vActors}
	haveQueue := false
	for _, q := range []struct{ label, metric string }{
		{"messages", "master/event_queue_messages"},
		{"dispatches", "master/event_queue_dispatches"},
		{"http", "master/event_queue_http_requests"},
	} {
		if v, ok := s.Metrics.Get(q.metric); ok {
			haveQueue = true
			queues.items = append(queues.items, tileItem{label: q.label, text: scalar(v)})
		}
	}
	if haveQueue {
		queues.items[0].spark = hist(func(h sample) float64 { return h.queue })
	} else {
		queues.items = append(queues.items, tileItem{label: "depth", text: "no master metrics", tone: toneMuted})
	}
	deepest, depth := "", 0
	for _, a := range s.Actors {
		if a.QueueDepth > depth {
			deepest, depth = a.ID, a.QueueDepth
		}
	}
	if deepest != "" {
		queues.items = append(queues.items, tileItem{label: "deepest", text: fmt.Sprintf("%s (%d)", deepest, depth), tone: toneWarn})
	} else if len(s.Actors) > 0 {
		queues.items = append(queues.items, tileItem{label: "actors", text: fmt.Sprintf("%d, all queues empty", len(s.Actors))})
	}
	f.pulse.tiles = append(f.pulse.tiles, queues)

	cl := tile{title: "Cluster", target: vFrameworks}
	active := 0
	for _, a := range s.Agents {
		if a.Status == inspector.AgentActive {
			active++
		}
	}
	cl.items = append(cl.items,
		tileItem{label: "agents", text: fmt.Sprintf("%d active of %d", active, len(s.Agents))},
		tileItem{label: "frameworks", text: fmt.Sprintf("%d active of %d", c.ActiveFrameworks, c.Frameworks)},
		tileItem{label: "roles", text: itoa(len(s.Roles))},
	)
	ver := dash(c.Version)
	if s.Mesoscope {
		ver += " (mesoscope)"
	}
	cl.items = append(cl.items, tileItem{label: "version", text: ver})
	if c.Name != "" {
		cl.items = append(cl.items, tileItem{label: "cluster", text: c.Name})
	}
	f.pulse.tiles = append(f.pulse.tiles, cl)
	for i, w := range s.Warnings {
		if i == 2 {
			f.info = append(f.info, tonedLine(fmt.Sprintf("… and %d more warnings", len(s.Warnings)-2), toneWarn))
			break
		}
		f.info = append(f.info, tonedLine("warning: "+w, toneWarn))
	}
	return f
}

// taskCounts counts tasks by state: active ones from the lists (or the
// summary's counts), terminal ones from the master's cumulative counters
// (master/tasks_finished, …) when it serves metrics, else from the completed
// lists it still holds (bounded by --max_completed_tasks_per_framework).
func taskCounts(s *inspector.Snapshot) map[string]int {
	out := map[string]int{}
	for st, n := range s.Cluster.TaskCounts {
		out[st] += n
	}
	fromMetrics := false
	for _, st := range taskStateOrder {
		if !inspector.IsTerminal(st) {
			continue
		}
		if v, ok := s.Metrics.Get("master/tasks_" + strings.ToLower(strings.TrimPrefix(st, "TASK_"))); ok {
			out[st] = int(v)
			fromMetrics = true
		}
	}
	if !fromMetrics {
		for i := range s.Tasks {
			t := &s.Tasks[i]
			if t.List == inspector.TasksCompleted || t.List == inspector.TasksTerminated {
				out[t.State]++
			}
		}
	}
	return out
}

// extraStates lists states outside taskStateOrder (from newer masters), sorted.
func extraStates(counts map[string]int) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if !slices.Contains(taskStateOrder, k) {
			out = append(out, k)
		}
	}
	return out
}

// usageTone colours a utilisation: warn above 80%, bad above 95%.
func usageTone(f float64) tone {
	switch {
	case f > 0.95:
		return toneBad
	case f > 0.8:
		return toneWarn
	}
	return toneNormal
}
