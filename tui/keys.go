package tui

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// InputHandler routes keys: to the prompt while one is open, else to the
// TUI's own bindings. It runs on the UI goroutine and never waits for data.
func (u *ui) InputHandler() func(ev *tcell.EventKey, setFocus func(p tview.Primitive)) {
	return u.WrapInputHandler(func(ev *tcell.EventKey, setFocus func(p tview.Primitive)) {
		u.handleKey(ev)
	})
}

// handleKey handles one key press.
func (u *ui) handleKey(ev *tcell.EventKey) {
	if u.promptKind != promptNone {
		if u.promptKind == promptCommand && ev.Key() == tcell.KeyTab {
			if c := u.complete(u.prompt.GetText()); len(c) > 0 {
				u.prompt.SetText(c[0])
			}
			return
		}
		if h := u.prompt.InputHandler(); h != nil {
			h(ev, func(tview.Primitive) {})
		}
		return
	}
	if u.confirm != nil {
		run := u.confirm
		u.confirm, u.confirmText = nil, ""
		if ev.Key() == tcell.KeyRune && (ev.Rune() == 'y' || ev.Rune() == 'Y') {
			run()
		} else {
			u.setFlash("cancelled", toneMuted)
		}
		return
	}
	u.flash = ""
	switch ev.Key() {
	case tcell.KeyEscape:
		u.back()
		return
	case tcell.KeyEnter:
		u.drill()
		return
	case tcell.KeyCtrlA:
		u.push(page{view: vAliases})
		return
	case tcell.KeyCtrlR:
		u.hooks.refresh()
		u.setFlash("reading the master…", toneMuted)
		return
	case tcell.KeyCtrlD, tcell.KeyCtrlK:
		u.writeKey(ev.Key())
		return
	case tcell.KeyTab:
		u.pulse.next(1)
		return
	case tcell.KeyBacktab:
		u.pulse.next(-1)
		return
	}
	if u.navigate(ev) {
		return
	}
	if ev.Key() != tcell.KeyRune {
		return
	}
	r := ev.Rune()
	switch r {
	case ':':
		u.openPrompt(promptCommand, "")
	case '/':
		u.beforeFilter = u.top().filter
		u.openPrompt(promptFilter, u.top().filter)
	case '?':
		u.push(page{view: vHelp, arg: u.topDef().name, label: "help"})
	case 'y':
		u.copyRow()
	case 'w':
		u.why()
	case '<':
		u.sortStep(-1)
	case '>':
		u.sortStep(1)
	default:
		if unicode.IsUpper(r) {
			u.sortBy(r)
		}
	}
}

// navigate handles movement keys for the body on screen.
func (u *ui) navigate(ev *tcell.EventKey) bool {
	type mover interface {
		move(int)
		page(int)
		home()
		end()
	}
	var m mover = &u.text
	if u.cur != nil && u.cur.table != nil {
		m = &u.table
	}
	if u.cur != nil && u.cur.pulse != nil {
		switch ev.Key() {
		case tcell.KeyDown, tcell.KeyRight:
			u.pulse.next(1)
			return true
		case tcell.KeyUp, tcell.KeyLeft:
			u.pulse.next(-1)
			return true
		}
		if ev.Key() == tcell.KeyRune && (ev.Rune() == 'j' || ev.Rune() == 'l') {
			u.pulse.next(1)
			return true
		}
		if ev.Key() == tcell.KeyRune && (ev.Rune() == 'k' || ev.Rune() == 'h') {
			u.pulse.next(-1)
			return true
		}
		if ev.Key() == tcell.KeyRune && ev.Rune() >= '1' && ev.Rune() <= '9' {
			i := int(ev.Rune() - '1')
			if i < len(u.cur.pulse.tiles) {
				u.pulse.focus = i
			}
			return true
		}
		return false
	}
	switch ev.Key() {
	case tcell.KeyDown:
		m.move(1)
	case tcell.KeyUp:
		m.move(-1)
	case tcell.KeyPgDn, tcell.KeyCtrlF:
		m.page(1)
	case tcell.KeyPgUp, tcell.KeyCtrlB:
		m.page(-1)
	case tcell.KeyHome:
		m.home()
	case tcell.KeyEnd:
		m.end()
	case tcell.KeyRune:
		switch ev.Rune() {
		case 'j':
			m.move(1)
		case 'k':
			m.move(-1)
		case 'g':
			m.home()
		case 'G':
			m.end()
		case ' ':
			m.page(1)
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// back clears the filter, else goes back one crumb.
func (u *ui) back() {
	if p := u.top(); p.filter != "" {
		p.filter = ""
		u.changed()
		return
	}
	u.pop()
}

// drill opens the selected row (or the Pulse tile's list).
func (u *ui) drill() {
	if u.cur == nil {
		return
	}
	if u.cur.pulse != nil {
		if v, ok := u.pulse.target(); ok {
			u.push(page{view: v})
		}
		return
	}
	d := u.topDef()
	r := u.table.selected()
	if d.drill == nil || r == nil || u.cur.table == nil {
		return
	}
	if p, ok := d.drill(r); ok {
		u.push(p)
	}
}

// why opens the explainer for the selected row.
func (u *ui) why() {
	d := u.topDef()
	r := u.table.selected()
	if d.why == nil || r == nil || u.cur == nil || u.cur.table == nil {
		u.setFlash("w: nothing to explain here (try :why NAME)", toneWarn)
		return
	}
	arg := d.why(r)
	if arg == "" {
		u.setFlash("w: nothing to explain on this row", toneWarn)
		return
	}
	_, label, _ := strings.Cut(arg, ":")
	label = shortID(label)
	if (d.name == "frameworks" || d.name == "drf" || d.name == "role") && len(r.cells) > 0 {
		label = r.cells[0].text
	}
	u.push(page{view: vWhy, arg: arg, label: "why " + label})
}

// copyRow copies the selected row's view model as indented JSON.
func (u *ui) copyRow() {
	r := u.table.selected()
	if r == nil || u.cur == nil || u.cur.table == nil {
		u.setFlash("y: no row selected", toneWarn)
		return
	}
	data, err := json.MarshalIndent(r.obj, "", "  ")
	if err != nil {
		u.setFlash("y: "+err.Error(), toneBad)
		return
	}
	u.hooks.copy(data)
	u.setFlash(fmt.Sprintf("copied %s as JSON (%d bytes)", clip(r.key, 40), len(data)), toneOK)
}

// sortStep moves the sort to the previous or next column.
func (u *ui) sortStep(dir int) {
	t := u.sortable()
	if t == nil {
		return
	}
	p := u.top()
	col := t.sortCol
	if col < 0 {
		col = 0
		if dir < 0 {
			col = len(t.cols) - 1
		}
	} else {
		col = min(max(col+dir, 0), len(t.cols)-1)
	}
	p.sortSet, p.sortCol, p.sortDesc = true, col, t.cols[col].numeric || t.cols[col].bar
	u.changed()
}

// sortBy sorts by the column whose hotkey is r; again reverses.
func (u *ui) sortBy(r rune) {
	t := u.sortable()
	if t == nil {
		return
	}
	for i, c := range t.cols {
		if c.key != r {
			continue
		}
		p := u.top()
		if t.sortCol == i {
			p.sortSet, p.sortCol, p.sortDesc = true, i, !t.sortDesc
		} else {
			p.sortSet, p.sortCol, p.sortDesc = true, i, c.numeric || c.bar
		}
		u.changed()
		return
	}
	u.setFlash(fmt.Sprintf("SHIFT-%c: no such column here (? lists them)", r), toneWarn)
}

// sortable returns the table on screen if it can be sorted.
func (u *ui) sortable() *tableData {
	if u.cur == nil || u.cur.table == nil {
		return nil
	}
	if u.cur.table.tree {
		u.setFlash("this view keeps its own order (the DRF tree, the waterfall)", toneMuted)
		return nil
	}
	return u.cur.table
}

// openPrompt shows the command or filter prompt.
func (u *ui) openPrompt(k promptKind, text string) {
	u.promptKind = k
	label := ":"
	if k == promptFilter {
		label = "/"
	}
	u.prompt.SetLabel(label)
	u.prompt.SetText(text)
	u.prompt.Focus(func(tview.Primitive) {})
}

func (u *ui) closePrompt() {
	u.promptKind = promptNone
	u.prompt.Blur()
}

// promptChanged filters as the user types.
func (u *ui) promptChanged(text string) {
	if u.promptKind == promptFilter {
		u.top().filter = text
		u.changed()
	}
}

// promptDone ends the prompt: Enter runs the command or keeps the filter,
// Esc cancels.
func (u *ui) promptDone(key tcell.Key) {
	kind := u.promptKind
	text := u.prompt.GetText()
	u.closePrompt()
	switch {
	case kind == promptFilter && key == tcell.KeyEscape:
		u.top().filter = u.beforeFilter
		u.changed()
	case kind == promptCommand && key == tcell.KeyEnter:
		u.runCommand(text)
	}
}

// complete offers command words for the `:` prompt: Tab takes the first,
// and the crumbs line lists them while the prompt is open.
func (u *ui) complete(text string) []string {
	if u.promptKind != promptCommand || text == "" || strings.Contains(text, " ") {
		return nil
	}
	text = strings.ToLower(text)
	var out []string
	for _, c := range u.reg.commands() {
		if strings.HasPrefix(c, text) && c != text {
			out = append(out, c)
		}
	}
	if len(out) > 8 {
		out = out[:8]
	}
	return out
}
