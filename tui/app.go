package tui

import (
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
)

// maxCrumbs bounds the breadcrumb stack; older pages fall off the bottom.
const maxCrumbs = 20

// keptFrames is how many pages at the top of the stack keep their last frame
// for an instant way back; deeper ones are rebuilt when returned to.
const keptFrames = 3

// promptKind says what the bottom line is asking for.
type promptKind uint8

const (
	promptNone promptKind = iota
	promptCommand
	promptFilter
)

// pageState is what the UI remembers of a page it left: where the selection
// and scroll were.
type pageState struct {
	key        string
	sel, off   int
	textOff    int
	pulseFocus int
}

// uiHooks connect the UI to the rest of Run: all are called on the UI
// goroutine and must not block.
type uiHooks struct {
	// request asks for the top page to be rendered (after hub.show).
	request func()
	// refresh asks the poller to read the master now.
	refresh func()
	// quit ends the TUI.
	quit func()
	// copy puts bytes on the clipboard.
	copy func([]byte)
	// act starts a write call (read-write mode) off the UI goroutine.
	act func(a action)
	// now is the clock for "read 2s ago".
	now func() time.Time
}

// ui is the TUI's screen: the root tview primitive and all state of the UI
// goroutine (the breadcrumb stack, the prompt, the frame on screen). Only the
// UI goroutine touches it: key handlers run there, and frames arrive through
// Application.QueueUpdateDraw.
type ui struct {
	*tview.Box
	reg       *registry
	th        *theme
	hub       *hub
	hooks     uiHooks
	readWrite bool
	source    string // Config.Source: not a live master

	stack  []page
	nextID uint64
	frames map[uint64]*frame
	states map[uint64]pageState
	cur    *frame
	status status

	table tableWidget
	text  textWidget
	pulse pulseWidget

	prompt     *tview.InputField
	promptKind promptKind
	// beforeFilter is the filter to restore when a filter prompt is
	// cancelled.
	beforeFilter string

	flash     string
	flashTone tone
	// confirm is a pending yes/no question; y runs it.
	confirm     func()
	confirmText string

	// scr is the screen of the last draw, for the clipboard.
	scr tcell.Screen
}

// newUI builds the screen showing start.
func newUI(reg *registry, th *theme, h *hub, hooks uiHooks, readWrite bool, start viewID) *ui {
	u := &ui{
		Box: tview.NewBox(), reg: reg, th: th, hub: h, hooks: hooks, readWrite: readWrite,
		frames: map[uint64]*frame{}, states: map[uint64]pageState{},
	}
	u.Box.SetBackgroundColor(tcell.ColorDefault)
	u.table.th, u.text.th, u.pulse.th = th, th, th
	u.prompt = tview.NewInputField()
	u.prompt.SetBackgroundColor(tcell.ColorDefault)
	u.prompt.SetFieldStyle(th.style(toneNormal))
	u.prompt.SetLabelStyle(th.style(toneKey))
	u.prompt.SetPlaceholderStyle(th.style(toneMuted))
	u.prompt.SetChangedFunc(u.promptChanged)
	u.prompt.SetDoneFunc(u.promptDone)
	u.push(page{view: start, label: reg.def(start).name})
	return u
}

// top is the page on screen.
func (u *ui) top() *page { return &u.stack[len(u.stack)-1] }

// topDef is the definition of the page on screen.
func (u *ui) topDef() *viewDef { return u.reg.def(u.top().view) }

// push opens a page on top of the stack. Asking for the page already on screen
// (the same view, argument and filter) stays on it rather than stacking a copy,
// as k9s does when its current view's command is typed again.
func (u *ui) push(p page) {
	if len(u.stack) > 0 {
		if t := u.top(); t.view == p.view && t.arg == p.arg && t.filter == p.filter {
			u.enter()
			return
		}
	}
	u.saveState()
	u.nextID++
	p.id = u.nextID
	if p.label == "" {
		p.label = u.reg.def(p.view).name
	}
	u.stack = append(u.stack, p)
	if n := len(u.stack) - keptFrames - 1; n >= 0 {
		delete(u.frames, u.stack[n].id)
	}
	if len(u.stack) > maxCrumbs {
		drop := u.stack[0]
		delete(u.frames, drop.id)
		delete(u.states, drop.id)
		u.stack = u.stack[1:]
	}
	u.enter()
}

// pop goes back one crumb; it reports false at the first page.
func (u *ui) pop() bool {
	if len(u.stack) <= 1 {
		return false
	}
	old := u.top()
	delete(u.frames, old.id)
	delete(u.states, old.id)
	u.stack = u.stack[:len(u.stack)-1]
	u.enter()
	return true
}

// saveState remembers the selection and scroll of the page on screen.
func (u *ui) saveState() {
	if len(u.stack) == 0 {
		return
	}
	u.states[u.top().id] = pageState{key: u.table.selectedKey(), sel: u.table.sel, off: u.table.off,
		textOff: u.text.off, pulseFocus: u.pulse.focus}
}

// enter shows the top page: its last frame at once if it has one (going
// back), then a fresh one when the renderer delivers.
func (u *ui) enter() {
	p := u.top()
	st := u.states[p.id]
	u.table = tableWidget{th: u.th, sel: st.sel, off: st.off}
	u.text = textWidget{th: u.th, off: st.textOff}
	u.pulse.focus = st.pulseFocus
	u.cur = nil
	if f, ok := u.frames[p.id]; ok {
		u.install(f)
	}
	u.changed()
}

// changed tells the renderer (and the poller, when the page needs other
// data) that the top page changed.
func (u *ui) changed() {
	p := *u.top()
	u.hub.show(p, u.reg.def(p.view).need(p.arg))
	if u.hooks.request != nil {
		u.hooks.request()
	}
}

// swap installs a frame prepared off the UI goroutine. It is the only thing
// QueueUpdateDraw runs, so an update costs the UI one pointer swap and a draw.
func (u *ui) swap(f *frame) {
	u.status = f.status
	if len(u.stack) == 0 || f.pageID != u.top().id {
		return // built for a page the user has left
	}
	u.install(f)
}

func (u *ui) install(f *frame) {
	u.cur = f
	u.frames[f.pageID] = f
	key := u.table.selectedKey()
	if key == "" {
		key = u.states[f.pageID].key
	}
	switch {
	case f.table != nil:
		u.table.setData(f.table, key)
		u.text.setLines(nil)
	case f.pulse != nil:
		u.pulse.setData(f.pulse)
	default:
		u.text.setLines(f.info)
	}
}

// setFlash shows a message on the bottom line until the next key.
func (u *ui) setFlash(msg string, t tone) {
	u.flash, u.flashTone = msg, t
}
