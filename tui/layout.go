package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/mattn/go-runewidth"
	"github.com/rivo/tview"
)

// Draw draws the whole screen:
//
//	row 0      header: master, version, connection, stream, mode
//	row 1      key hints for the view
//	rows 2…    the body in a box titled with the view and its counts
//	row h-2    breadcrumbs
//	row h-1    prompt, question or message
func (u *ui) Draw(scr tcell.Screen) {
	u.scr = scr
	u.Box.DrawForSubclass(scr, u)
	x, y, w, h := u.GetInnerRect()
	if w <= 0 || h <= 0 {
		return
	}
	if h < 6 {
		drawText(scr, x, y, w, "mesoscope: the terminal is too small", u.th.style(toneWarn))
		return
	}
	u.drawHeader(scr, x, y, w)
	u.drawHints(scr, x, y+1, w)
	bodyY, bodyH := y+2, h-4
	u.drawBody(scr, x, bodyY, w, bodyH)
	u.drawCrumbs(scr, x, y+h-2, w)
	u.drawBottom(scr, x, y+h-1, w)
}

func (u *ui) drawHeader(scr tcell.Screen, x, y, w int) {
	s := u.status
	l := line{{text: " mesoscope ", tone: toneAccent}}
	master := strings.TrimPrefix(s.master, "http://")
	if master == "" {
		master = "-"
	}
	l = append(l, seg{text: "│ " + master + " "})
	if s.version != "" {
		v := "Mesos " + s.version
		if s.mesoscope {
			v += " (mesoscope)"
		}
		l = append(l, seg{text: "│ " + v + " ", tone: toneMuted})
	}
	l = append(l, seg{text: "│ "})
	c := s.conn
	switch {
	case u.source != "":
		l = append(l, seg{text: "▣ " + u.source + " ", tone: toneWarn})
	case c.phase == connConnected:
		var parts []string
		if u.hooks.now != nil && !c.lastOK.IsZero() {
			ago := age(u.hooks.now().Sub(c.lastOK)) + " ago"
			if d := u.hooks.now().Sub(c.lastOK); d < time.Second {
				ago = "just now"
			}
			parts = append(parts, ago)
		}
		if c.took > 0 {
			parts = append(parts, latency(c.took))
		}
		l = append(l, seg{text: "● connected", tone: toneOK})
		if len(parts) > 0 {
			l = append(l, seg{text: " " + strings.Join(parts, ", "), tone: toneMuted})
		}
		l = append(l, seg{text: " "})
	case c.phase == connRetrying:
		l = append(l, seg{text: fmt.Sprintf("● reconnecting (try %d", c.attempt+1), tone: toneBad})
		if u.hooks.now != nil && c.retryAt.After(u.hooks.now()) {
			l = append(l, seg{text: ", next in " + age(c.retryAt.Sub(u.hooks.now())), tone: toneBad})
		}
		l = append(l, seg{text: ")", tone: toneBad})
		if !c.lastOK.IsZero() {
			l = append(l, seg{text: " showing data from " + c.lastOK.UTC().Format("15:04:05"), tone: toneWarn})
		}
		l = append(l, seg{text: " "})
	default:
		l = append(l, seg{text: "● connecting ", tone: toneWarn})
	}
	l = append(l, seg{text: "│ events " + s.stream.phase.String() + " ", tone: stateTone(map[streamPhase]string{
		streamSubscribed: "ok", streamRetrying: "stale", streamSubscribing: "connecting"}[s.stream.phase])})
	mode := "read-only"
	if u.readWrite {
		mode = "READ-WRITE"
	}
	l = append(l, seg{text: "│ " + mode})
	drawLine(scr, u.th, x, y, w, l)
}

func (u *ui) drawHints(scr tcell.Screen, x, y, w int) {
	d := u.topDef()
	hints := []keyHelp{{":", "view"}, {"/", "filter"}, {"?", "help"}}
	if d.drill != nil || (u.cur != nil && u.cur.pulse != nil) {
		hints = append(hints, keyHelp{"enter", "open"})
	}
	if len(u.stack) > 1 {
		hints = append(hints, keyHelp{"esc", "back"})
	}
	if u.cur != nil && u.cur.table != nil {
		hints = append(hints, keyHelp{"y", "copy"})
		if !u.cur.table.tree {
			hints = append(hints, keyHelp{"<>", "sort"})
		}
	}
	if d.why != nil {
		hints = append(hints, keyHelp{"w", "why"})
	}
	if u.readWrite {
		switch d.name {
		case "frameworks", "framework":
			hints = append(hints, keyHelp{"ctrl-d", "teardown"})
		case "agents":
			hints = append(hints, keyHelp{"ctrl-k", "gone"})
		}
	}
	var l line
	for _, k := range hints {
		l = append(l, seg{text: " <" + k.key + ">", tone: toneKey}, seg{text: k.what, tone: toneMuted})
	}
	drawLine(scr, u.th, x, y, w, l)
}

func (u *ui) drawBody(scr tcell.Screen, x, y, w, h int) {
	box(scr, x, y, w, h, u.th.style(toneMuted))
	f := u.cur
	title := u.topDef().title
	if f != nil {
		title = f.title
	}
	drawText(scr, x+2, y, w-4, " "+title+" ", u.th.style(toneAccent))
	ix, iy, iw, ih := x+1, y+1, w-2, h-2
	if iw <= 0 || ih <= 0 {
		return
	}
	if f == nil {
		drawText(scr, ix+1, iy, iw-1, "loading…", u.th.style(toneMuted))
		return
	}
	if f.pulse != nil {
		n := min(len(f.info), ih/3)
		for i := range n {
			drawLine(scr, u.th, ix, iy+i, iw, f.info[i])
		}
		u.pulse.draw(scr, ix, iy+n, iw, ih-n)
		return
	}
	if f.table == nil {
		if len(f.info) == 0 && f.empty != "" {
			drawText(scr, ix+1, iy, iw-1, f.empty, u.th.style(toneMuted))
			return
		}
		u.text.draw(scr, ix, iy, iw, ih)
		return
	}
	top := min(len(f.info), ih/2)
	for i := range top {
		drawLine(scr, u.th, ix, iy+i, iw, f.info[i])
	}
	// The lines below the table get what the table does not need, and at
	// least a third of the body when they have that much to say.
	rest := ih - top
	need := len(f.table.rows) + 1
	if len(f.table.rows) == 0 {
		need = 3
	}
	bottom := min(len(f.after), max(rest-need-1, rest/3))
	if bottom < 2 && rest > 6 {
		bottom = min(len(f.after), 2)
	}
	tableH := ih - top - bottom
	if bottom > 0 {
		tableH-- // a rule between table and after
	}
	u.table.draw(scr, ix, iy+top, iw, tableH, f.empty)
	if bottom > 0 {
		ry := iy + top + tableH
		fill(scr, ix, ry, iw, '─', u.th.style(toneMuted))
		for i := range bottom {
			l := f.after[i]
			if i == bottom-1 && bottom < len(f.after) {
				l = tonedLine(fmt.Sprintf("… %d more lines", len(f.after)-bottom+1), toneMuted)
			}
			drawLine(scr, u.th, ix, ry+1+i, iw, l)
		}
	}
}

func (u *ui) drawCrumbs(scr tcell.Screen, x, y, w int) {
	if u.promptKind == promptCommand {
		if c := u.complete(u.prompt.GetText()); len(c) > 0 {
			drawLine(scr, u.th, x, y, w, line{{text: " <tab> ", tone: toneKey}, {text: strings.Join(c, "  "), tone: toneMuted}})
			return
		}
	}
	var l line
	for i, p := range u.stack {
		t := toneMuted
		if i == len(u.stack)-1 {
			t = toneAccent
		}
		l = append(l, seg{text: " <" + p.label + ">", tone: t})
	}
	// Keep the newest crumbs when they do not fit.
	for runewidth.StringWidth(l.String()) > w && len(l) > 1 {
		l = l[1:]
	}
	drawLine(scr, u.th, x, y, w, l)
}

func (u *ui) drawBottom(scr tcell.Screen, x, y, w int) {
	switch {
	case u.promptKind != promptNone:
		u.prompt.SetRect(x, y, w, 1)
		u.prompt.Draw(scr)
	case u.confirm != nil:
		drawText(scr, x, y, w, u.confirmText, u.th.style(toneWarn))
	case u.flash != "":
		drawText(scr, x, y, w, u.flash, u.th.style(u.flashTone))
	case u.cur != nil && u.cur.note != "":
		drawText(scr, x, y, w, u.cur.note, u.th.style(toneWarn))
	case u.status.conn.phase == connRetrying && u.status.conn.err != "":
		drawText(scr, x, y, w, u.status.conn.err, u.th.style(toneBad))
	}
}

// MouseHandler selects rows and tiles with a click, drills with a double
// click and scrolls with the wheel.
func (u *ui) MouseHandler() func(action tview.MouseAction, ev *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
	return u.WrapMouseHandler(func(action tview.MouseAction, ev *tcell.EventMouse, setFocus func(p tview.Primitive)) (bool, tview.Primitive) {
		if !u.InRect(ev.Position()) || u.cur == nil {
			return false, nil
		}
		mx, my := ev.Position()
		switch action {
		case tview.MouseScrollDown:
			if u.cur.table != nil {
				u.table.move(3)
			} else {
				u.text.move(3)
			}
			return true, nil
		case tview.MouseScrollUp:
			if u.cur.table != nil {
				u.table.move(-3)
			} else {
				u.text.move(-3)
			}
			return true, nil
		case tview.MouseLeftClick, tview.MouseLeftDoubleClick:
			hit := false
			switch {
			case u.cur.pulse != nil:
				hit = u.pulse.click(mx, my)
			case u.cur.table != nil:
				hit = u.table.clickRow(my)
			}
			if hit && action == tview.MouseLeftDoubleClick {
				u.drill()
			}
			return hit, nil
		}
		return false, nil
	})
}

// screenText returns the screen's contents as lines of text, trailing spaces
// trimmed: what the golden tests compare and what a screen capture shows.
func screenText(scr tcell.Screen) string {
	w, h := scr.Size()
	var b strings.Builder
	for y := range h {
		var lb strings.Builder
		for x := 0; x < w; {
			str, _, width := scr.Get(x, y)
			if str == "" {
				str = " "
			}
			lb.WriteString(str)
			x += max(width, 1)
		}
		b.WriteString(strings.TrimRight(lb.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}
