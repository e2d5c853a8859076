package tui

import (
	"slices"
	"strings"
)

// viewID names a kind of page.
type viewID uint8

// The pages. Top-level views are reachable by `:` commands; the others are
// drill-downs reached with Enter.
const (
	vPulse viewID = iota
	vActors
	vActor
	vDRF
	vRole
	vAgents
	vAgent
	vContainers
	vContainer
	vFrameworks
	vFramework
	vTasks
	vTask
	vOffers
	vOffer
	vEvents
	vEvent
	vTraces
	vTrace
	vWhy
	vHelp
	vAliases
	numViews
)

// needs says what a page needs read besides the master's state.
type needs struct {
	// agents: every agent's /state and /containers.
	agents bool
	// cycles: /mesoscope/v1/allocator.
	cycles bool
	// spans: /mesoscope/v1/spans.
	spans bool
	// explain: the Why view's question.
	explain string
}

// keyHelp is one key of a view's help.
type keyHelp struct {
	key, what string
}

// viewDef describes one kind of page.
type viewDef struct {
	// name is the command (":tasks") and the crumb of a top-level view.
	name    string
	title   string
	aliases []string
	// top views are reachable by `:` commands and aliases.
	top bool
	// about is the one-line description in the help and alias list.
	about string
	// keys are the view's own keys, for the help and the header.
	keys []keyHelp
	// sortCol and sortDesc are the default order (-1: the view's own).
	sortCol  int
	sortDesc bool
	// need says what to read for a page of this view.
	need func(arg string) needs
	// build prepares a page from the model; it runs off the UI goroutine and
	// must not block or do I/O.
	build func(in *viewInput, p *page) *frame
	// drill is the page Enter opens from a row; false when rows do not drill.
	drill func(r *row) (page, bool)
	// why is the Why question for a row (`w`); "" when the view has none.
	why func(r *row) string
}

// page is one entry of the breadcrumb stack: a view, what it drills into, and
// the user's filter and sort on it.
type page struct {
	id    uint64
	view  viewID
	arg   string
	label string
	// filter is the `/` text; sortCol and sortDesc the user's order when
	// sortSet, else the view's default applies.
	filter   string
	sortSet  bool
	sortCol  int
	sortDesc bool
}

// registry holds every view definition, indexed by viewID.
type registry struct {
	defs    [numViews]viewDef
	byAlias map[string]viewID
}

// newRegistry builds the view table.
func newRegistry() *registry {
	r := &registry{byAlias: map[string]viewID{}}
	r.defs = [numViews]viewDef{
		vPulse:      pulseDef(),
		vActors:     actorsDef(),
		vActor:      actorDef(),
		vDRF:        drfDef(),
		vRole:       roleDef(),
		vAgents:     agentsDef(),
		vAgent:      agentDef(),
		vContainers: containersDef(),
		vContainer:  containerDef(),
		vFrameworks: frameworksDef(),
		vFramework:  frameworkDef(),
		vTasks:      tasksDef(),
		vTask:       taskDef(),
		vOffers:     offersDef(),
		vOffer:      offerDef(),
		vEvents:     eventsDef(),
		vEvent:      eventDef(),
		vTraces:     tracesDef(),
		vTrace:      traceDef(),
		vWhy:        whyDef(),
		vHelp:       helpDef(),
		vAliases:    aliasesDef(),
	}
	for id := range r.defs {
		d := &r.defs[id]
		if d.need == nil {
			d.need = func(string) needs { return needs{} }
		}
		if !d.top {
			continue
		}
		for _, a := range append([]string{d.name}, d.aliases...) {
			r.byAlias[a] = viewID(id)
		}
	}
	return r
}

// def returns a view's definition.
func (r *registry) def(v viewID) *viewDef {
	if v >= numViews {
		return &r.defs[vPulse]
	}
	return &r.defs[v]
}

// lookup finds a top-level view by name or alias.
func (r *registry) lookup(name string) (viewID, bool) {
	v, ok := r.byAlias[strings.ToLower(name)]
	return v, ok
}

// commands lists every command word, for completion.
func (r *registry) commands() []string {
	out := []string{"why", "quit", "q", "help", "aliases"}
	for a := range r.byAlias {
		out = append(out, a)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// viewInput is what a page is built from: the latest model plus the event
// stream, copied under the hub's lock.
type viewInput struct {
	m      *model
	reg    *registry
	events []streamEvent
	stream streamState
	// readWrite enables the write keys in the help.
	readWrite bool
	// fc memoises number formatting for this build.
	fc *fmtCache
}

// newFrame starts a frame for p.
func newFrame(p *page, title string) *frame {
	return &frame{pageID: p.id, title: title}
}

// table finishes rows for p with its filter and sort, and titles the frame
// "Title(/filter) [shown/total]".
func (f *frame) setTable(in *viewInput, p *page, def *viewDef, cols []column, rows []row, tree bool) {
	flt := compileFilter(p.filter)
	col, desc := def.sortCol, def.sortDesc
	if p.sortSet {
		col, desc = p.sortCol, p.sortDesc
	}
	f.table = finish(cols, rows, flt, col, desc, tree)
	if flt != nil && flt.err != nil {
		f.note = flt.err.Error()
	}
	f.title = tableTitle(f.title, p.filter, len(f.table.rows), f.table.total)
}

// tableTitle renders "Tasks(/web) [3/12]".
func tableTitle(title, filterText string, shown, total int) string {
	var b strings.Builder
	b.WriteString(title)
	if filterText != "" {
		b.WriteString("(/")
		b.WriteString(filterText)
		b.WriteString(")")
	}
	b.WriteString(" [")
	if shown != total {
		b.WriteString(itoa(shown))
		b.WriteString("/")
	}
	b.WriteString(itoa(total))
	b.WriteString("]")
	return b.String()
}

// waitingFrame is the body before the first successful read.
func waitingFrame(in *viewInput, p *page, title string) *frame {
	f := newFrame(p, title)
	msg := "connecting to the master…"
	if in.m != nil && in.m.conn.err != "" {
		msg = "cannot read the master yet: " + in.m.conn.err
	}
	f.empty = msg
	return f
}

// lookupName finds any view, drill-downs included, by its name.
func (r *registry) lookupName(name string) (viewID, bool) {
	for id := range r.defs {
		if r.defs[id].name == name {
			return viewID(id), true
		}
	}
	return 0, false
}
