package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mesoscope/mesoscope/inspector"
)

func eventsDef() viewDef {
	return viewDef{
		name: "events", title: "Events", aliases: []string{"ev", "event", "stream"}, top: true,
		about:    "the master's operator event stream (SUBSCRIBE): tasks, agents, frameworks as they change",
		sortCol:  0,
		sortDesc: true,
		build:    buildEvents,
		drill: func(r *row) (page, bool) {
			return page{view: vEvent, arg: r.key, label: "event " + r.key}, true
		},
	}
}

var eventCols = []column{
	{title: "#", key: 'N', numeric: true},
	{title: "RECEIVED", key: 'R'},
	{title: "TYPE", key: 'T'},
	{title: "SUBJECT", key: 'S', max: 40},
	{title: "DETAIL", key: 'D', flex: true},
}

// eventSubject names what an event is about.
func eventSubject(e inspector.Event) string {
	switch {
	case e.Task != nil:
		return e.Task.ID
	case e.Status != nil && e.Status.TaskID != "":
		return e.Status.TaskID
	case e.Agent != nil:
		return e.Agent.Hostname
	case e.AgentID != "":
		return e.AgentID
	case e.Framework != nil:
		return e.Framework.Name
	case e.FrameworkID != "":
		return e.FrameworkID
	}
	return "-"
}

func buildEvents(in *viewInput, p *page) *frame {
	f := newFrame(p, "Events")
	rows := make([]row, 0, len(in.events))
	for _, se := range in.events {
		tone := stateTone(se.ev.TaskState)
		if se.ev.Type == inspector.EventAgentRemoved || se.ev.Type == inspector.EventFrameworkRemoved {
			tone = toneBad
		}
		rows = append(rows, row{key: strconv.Itoa(se.seq), obj: se.ev, cells: []cell{
			intCell(se.seq),
			str(se.at.UTC().Format("15:04:05.000")),
			toned(se.ev.Type, tone),
			str(eventSubject(se.ev)),
			str(strings.TrimSpace(strings.TrimPrefix(inspector.DescribeEvent(se.ev), "event "+se.ev.Type))),
		}})
	}
	f.setTable(in, p, in.reg.def(vEvents), eventCols, rows, false)
	st := in.stream
	msg := fmt.Sprintf("stream %s, %d events received", st.phase, st.received)
	if st.err != "" {
		msg += ": " + st.err
	}
	f.info = []line{tonedLine(msg, toneMuted)}
	if len(rows) == 0 {
		switch st.phase {
		case streamUnsupported:
			f.empty = "this master has no operator event stream (Mesos < 1.1, or a bundle)"
		default:
			f.empty = "no events yet"
		}
	}
	return f
}

func eventDef() viewDef {
	return viewDef{
		name: "event", title: "Event", sortCol: -1,
		about: "one operator event",
		build: func(in *viewInput, p *page) *frame {
			f := newFrame(p, "Event "+p.arg)
			for _, se := range in.events {
				if strconv.Itoa(se.seq) == p.arg {
					f.info = append(f.info, plain("received "+se.at.UTC().Format("2006-01-02 15:04:05.000")))
					f.info = append(f.info, textLines(inspector.DescribeEvent(se.ev))...)
					if se.ev.Task != nil {
						f.info = append(f.info, plain(""))
						f.info = append(f.info, textLines(inspector.DescribeTask(*se.ev.Task))...)
					}
					if se.ev.Agent != nil {
						f.info = append(f.info, plain(""))
						f.info = append(f.info, textLines(inspector.DescribeAgent(*se.ev.Agent))...)
					}
					if se.ev.Framework != nil {
						f.info = append(f.info, plain(""))
						f.info = append(f.info, textLines(inspector.DescribeFramework(*se.ev.Framework))...)
					}
					return f
				}
			}
			f.empty = "the event has left the buffer"
			return f
		},
	}
}
