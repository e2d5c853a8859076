package process

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// The ids of the processes every runtime spawns, as libprocess does.
const (
	ProcessesID = "__processes__"
	MetricsID   = "metrics"
	HelpID      = "help"
	// MesoscopeID serves mesoscope's extras under /mesoscope/v1/... (not in libprocess).
	MesoscopeID = "mesoscope"
)

// builtin is a process made of routes only.
type builtin struct {
	Base
}

func (rt *Runtime) spawnBuiltins() error {
	procs := &builtin{}
	procs.RouteFunc("/", "Lists every process and its pending events (libprocess /__processes__).",
		func(r *Request) Response { return JSON(rt.processesJSON()) })
	help := &builtin{}
	help.RouteFunc("/", "Help for every endpoint, as markdown.", rt.serveHelp)
	meso := &builtin{}
	meso.RouteFunc("/v1/processes", "mesoscope's view of every process: queue depth per event kind, the oldest pending event's age, events handled and time spent.",
		func(r *Request) Response { return JSON(rt.ProcessStats()) })
	metrics := &builtin{}
	metrics.Route("/snapshot", "Returns a snapshot of every metric as a flat JSON object. Query parameter `timeout` (e.g. `5secs`) bounds the wait for gauges.",
		rt.metrics.serveSnapshot)
	for _, b := range []struct {
		id string
		p  Process
	}{{ProcessesID, procs}, {HelpID, help}, {MesoscopeID, meso}, {MetricsID, metrics}} {
		if _, err := rt.Spawn(b.id, b.p); err != nil {
			return err
		}
	}
	return nil
}

// EventJSON is one pending event in /__processes__, in libprocess's shape
// (Event::operator JSON::Object in include/process/event.hpp).
type EventJSON struct {
	Type   string `json:"type"`
	Name   string `json:"name,omitempty"`
	From   string `json:"from,omitempty"`
	To     string `json:"to,omitempty"`
	Body   string `json:"body,omitempty"`
	Method string `json:"method,omitempty"`
	URL    string `json:"url,omitempty"`
}

// ProcessJSON is one process in /__processes__.
type ProcessJSON struct {
	ID     string      `json:"id"`
	Events []EventJSON `json:"events"`
}

// messageEventJSON has every field of a MESSAGE event, even empty ones, as libprocess
// always writes name, from, to and body.
type messageEventJSON struct {
	Type string `json:"type"`
	Name string `json:"name"`
	From string `json:"from"`
	To   string `json:"to"`
	Body string `json:"body"`
}

// MarshalJSON writes MESSAGE events with all four fields and other events with theirs.
func (e EventJSON) MarshalJSON() ([]byte, error) {
	switch e.Type {
	case "MESSAGE":
		return json.Marshal(messageEventJSON{e.Type, e.Name, e.From, e.To, e.Body})
	case "HTTP":
		return json.Marshal(struct {
			Type   string `json:"type"`
			Method string `json:"method"`
			URL    string `json:"url"`
		}{e.Type, e.Method, e.URL})
	}
	return json.Marshal(struct {
		Type string `json:"type"`
	}{e.Type})
}

func (rt *Runtime) allProcs() []*proc {
	var all []*proc
	rt.procs.Range(func(_, v any) bool {
		all = append(all, v.(*proc))
		return true
	})
	sort.Slice(all, func(i, j int) bool { return all[i].pid.ID < all[j].pid.ID })
	return all
}

// processesJSON is the body of /__processes__. Unlike libprocess, which dispatches to
// each process and so waits behind a busy one, it reads each queue directly (see
// mailbox.pending): a stuck process shows up with its backlog instead of hanging the
// endpoint.
func (rt *Runtime) processesJSON() []ProcessJSON {
	all := rt.allProcs()
	out := make([]ProcessJSON, 0, len(all))
	for _, p := range all {
		pending := p.pending()
		pj := ProcessJSON{ID: p.pid.ID, Events: make([]EventJSON, 0, len(pending))}
		for i := range pending {
			pj.Events = append(pj.Events, eventJSON(&pending[i], p.pid))
		}
		out = append(out, pj)
	}
	return out
}

func eventJSON(e *event, to PID) EventJSON {
	j := EventJSON{Type: e.kind.String()}
	switch e.kind {
	case MessageEvent:
		j.Name, j.From, j.To = e.name, e.sender().String(), to.String()
		j.Body = bodyString(e.body)
	case HTTPEvent:
		if h := e.http(); h != nil {
			j.Method, j.URL = h.req.Method, h.req.URL.String()
		}
	}
	return j
}

// bodyString renders a message body the way libprocess puts raw bytes into a JSON string.
func bodyString(body any) string {
	switch b := body.(type) {
	case nil:
		return ""
	case []byte:
		return string(b)
	case string:
		return b
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Sprintf("%v", body)
	}
	return string(raw)
}

// ProcessStat is mesoscope's per-process view (served at /mesoscope/v1/processes).
type ProcessStat struct {
	ID string `json:"id"`
	// Queued counts pending events by kind ("MESSAGE", "DISPATCH", ...).
	Queued map[string]int `json:"queued"`
	// Depth is the number of pending events.
	Depth int `json:"depth"`
	// Names counts pending MESSAGE and DISPATCH events by name.
	Names map[string]int `json:"names,omitempty"`
	// OldestAgeSeconds is the age of the oldest pending event when queue stamping is
	// on (Config.StampQueues, or an observer with NeedTimes or NeedQueueTimes), else absent.
	OldestAgeSeconds *float64 `json:"oldest_age_seconds,omitempty"`
	// Handled counts served events by kind since spawn; it is updated at the end of
	// each batch, so it does not yet include a batch in progress.
	Handled map[string]uint64 `json:"handled"`
	// Dropped counts events purged or dropped.
	Dropped uint64 `json:"dropped"`
	// BusySeconds is the total handler time, when handlers are timed
	// (Config.StampQueues or an observer with NeedTimes), else 0.
	BusySeconds float64 `json:"busy_seconds"`
	// Events breaks Handled and BusySeconds down by event kind and name (the
	// message, dispatch or "METHOD path"), when handlers are timed; at most 256
	// names per process, the rest under "(other)".
	Events []EventStat `json:"events,omitempty"`
}

// EventStat is one kind and name of event a process handled.
type EventStat struct {
	Type        string  `json:"type"`
	Name        string  `json:"name"`
	Handled     uint64  `json:"handled"`
	BusySeconds float64 `json:"busy_seconds"`
}

// ProcessStats returns a snapshot of every process's queue and counters.
func (rt *Runtime) ProcessStats() []ProcessStat {
	now := rt.nanotime()
	all := rt.allProcs()
	out := make([]ProcessStat, 0, len(all))
	for _, p := range all {
		pending := p.pending()
		s := ProcessStat{
			ID: p.pid.ID, Depth: len(pending), Queued: map[string]int{},
			Handled: map[string]uint64{}, Dropped: p.dropped.Load(),
			BusySeconds: time.Duration(p.busyNs.Load()).Seconds(),
			Events:      p.events.snapshot(),
		}
		var oldest int64
		for i := range pending {
			e := &pending[i]
			s.Queued[e.kind.String()]++
			if e.kind == MessageEvent || e.kind == DispatchEvent {
				if s.Names == nil {
					s.Names = map[string]int{}
				}
				s.Names[e.name]++
			}
			if e.stamp != 0 && (oldest == 0 || e.stamp < oldest) {
				oldest = e.stamp
			}
		}
		if oldest != 0 {
			age := time.Duration(now - oldest).Seconds()
			s.OldestAgeSeconds = &age
		}
		for k := range p.handled {
			if n := p.handled[k].Load(); n > 0 {
				s.Handled[EventKind(k).String()] = n
			}
		}
		out = append(out, s)
	}
	return out
}

// serveHelp answers /help, /help/<id> and /help/<id>/<endpoint> with markdown
// (libprocess help.cpp).
func (rt *Runtime) serveHelp(r *Request) Response {
	table := rt.help.snapshot()
	parts := strings.Split(strings.Trim(r.Path, "/"), "/")
	var buf bytes.Buffer
	switch {
	case len(parts) == 1 && parts[0] == "":
		buf.WriteString("## HELP\n\n")
		for _, id := range sortedKeys(table) {
			for _, ep := range sortedKeys(table[id]) {
				fmt.Fprintf(&buf, "> [/%s%s](/help/%s%s)\n", id, ep, id, ep)
			}
		}
	case len(parts) == 1:
		eps, ok := table[parts[0]]
		if !ok {
			return NotFound(fmt.Sprintf("no help for process %q", parts[0]))
		}
		fmt.Fprintf(&buf, "## %s\n\n", strings.ToUpper(parts[0]))
		for _, ep := range sortedKeys(eps) {
			fmt.Fprintf(&buf, "> [/%s%s](/help/%s%s)\n", parts[0], ep, parts[0], ep)
		}
	default:
		eps, ok := table[parts[0]]
		ep := "/" + strings.Join(parts[1:], "/")
		if !ok {
			return NotFound(fmt.Sprintf("no help for process %q", parts[0]))
		}
		text, ok := eps[ep]
		if !ok {
			return NotFound(fmt.Sprintf("no help for endpoint /%s%s", parts[0], ep))
		}
		fmt.Fprintf(&buf, "### USAGE ###\n/%s%s\n\n### TL;DR; ###\n%s\n", parts[0], ep, text)
	}
	resp := OK(buf.Bytes(), "text/markdown; charset=utf-8")
	resp.Status = http.StatusOK
	return resp
}
