package walkthroughs

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mesoscope/mesoscope/tui"
)

// tuiRefresh is how often the TUI beside a tour reads the world on its own; the walk
// asks it to read after every step (Ctrl-R), so this is only a backstop.
const tuiRefresh = time.Hour

// TUIOptions configure WalkTUI.
type TUIOptions struct {
	// From is the 1-based step to start at; earlier steps run first. Zero means 1.
	From int
	// Progress, if set, is called with the 1-based number of each step shown.
	Progress func(step int)
	// Screen is where to draw; nil opens the terminal. Tests pass a
	// tcell.SimulationScreen.
	Screen tcell.Screen
	// NoColor draws the TUI pane without colour.
	NoColor bool
	// Logger receives the TUI's logs; nil discards them.
	Logger *slog.Logger
}

// WalkTUI plays a tour in a full-screen terminal UI: the step's narration and output
// on the left, and on the right the view of mesoscope's TUI (package tui) the step
// names ("#view"), reading the tour's world through TUISource and refreshed after
// every step; for a world the TUI cannot read, the view's text (TextView). Keys: Enter
// next, b back, q quit, as in the terminal mode; arrows and PgUp/PgDn scroll the
// narration; Tab sends the keys to the TUI pane (all of its keys work there) and back.
// It returns ErrQuit when the user quits before the end, nil at the end.
func WalkTUI(ctx context.Context, p *Player, opt TUIOptions) error {
	from := max(opt.From, 1)
	if from > p.Len() {
		return fmt.Errorf("walkthroughs: --from %d: the tour has %d steps", from, p.Len())
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	scr := opt.Screen
	if scr == nil {
		var err error
		if scr, err = tcell.NewScreen(); err != nil {
			return fmt.Errorf("walkthroughs: tui: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := &tuiWalk{p: p, opt: opt, log: log, ctx: ctx, scr: scr, reqs: make(chan int, 1), cur: -1}
	w.build()
	w.app.SetScreen(scr)
	var wg sync.WaitGroup
	wg.Go(w.stepper)
	wg.Go(func() {
		<-ctx.Done()
		w.app.Stop()
	})
	w.request(from - 1)
	err := w.app.Run()
	cancel()
	close(w.reqs)
	wg.Wait()
	w.applyPending() // a step shown after the screen stopped still stops its TUI
	w.stopInner()
	if err != nil {
		return fmt.Errorf("walkthroughs: tui: %w", err)
	}
	if w.ended {
		return nil
	}
	return ErrQuit
}

// tuiWalk is WalkTUI's state. Everything but the stepper's Player calls runs on
// tview's event loop.
type tuiWalk struct {
	p   *Player
	opt TUIOptions
	log *slog.Logger
	ctx context.Context

	app    *tview.Application
	left   *tview.TextView
	text   *tview.TextView
	pane   *paneView
	right  *tview.Flex
	status *tview.TextView

	scr     tcell.Screen
	reqs    chan int // steps to run, for the stepper
	mu      sync.Mutex
	pending []func() // changes for the event loop, applied before the next draw
	cur     int      // step on screen, -1 before the first
	busy    bool     // a step is running
	focus   bool     // keys go to the TUI pane
	ended   bool     // the last step was shown and Enter pressed
	inner   *innerTUI
}

func (w *tuiWalk) build() {
	w.app = tview.NewApplication()
	w.left = tview.NewTextView().SetScrollable(true).SetWrap(false)
	w.left.SetBorder(true)
	w.text = tview.NewTextView().SetScrollable(true).SetWrap(false)
	w.text.SetBorder(true)
	w.pane = &paneView{Box: tview.NewBox()}
	w.pane.SetBorder(true)
	w.right = tview.NewFlex().AddItem(w.text, 0, 1, false)
	w.status = tview.NewTextView()
	cols := tview.NewFlex().AddItem(w.left, 0, 1, true).AddItem(w.right, 0, 1, false)
	root := &rootView{Flex: tview.NewFlex().SetDirection(tview.FlexRow).AddItem(cols, 0, 1, true).AddItem(w.status, 1, 0, false), w: w}
	w.app.SetRoot(root, true).SetFocus(w.left)
	w.app.SetInputCapture(w.key)
	w.left.SetTitle(" " + w.p.script.Title[w.p.opts.Lang] + " ")
	w.setStatus("running step…")
}

// key handles a key on the event loop.
func (w *tuiWalk) key(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == tcell.KeyTab || ev.Key() == tcell.KeyBacktab {
		if w.inner != nil {
			w.focus = !w.focus
			w.setStatus("")
		}
		return nil
	}
	if w.focus && w.inner != nil {
		w.inner.send([]*tcell.EventKey{ev})
		return nil
	}
	switch {
	case ev.Key() == tcell.KeyCtrlC, ev.Key() == tcell.KeyRune && (ev.Rune() == 'q' || ev.Rune() == 'Q'):
		w.app.Stop()
	case ev.Key() == tcell.KeyEnter:
		if w.busy {
			return nil
		}
		if w.cur == w.p.Len()-1 {
			w.ended = true
			w.app.Stop()
			return nil
		}
		w.request(w.cur + 1)
	case ev.Key() == tcell.KeyRune && (ev.Rune() == 'b' || ev.Rune() == 'B'):
		if !w.busy && w.cur > 0 {
			w.request(w.cur - 1)
		}
	default:
		return ev // scrolling keys go to the narration
	}
	return nil
}

// request asks the stepper for step i.
func (w *tuiWalk) request(i int) {
	w.busy = true
	w.setStatus(fmt.Sprintf("running step %d…", i+1))
	select {
	case w.reqs <- i:
	default:
	}
}

// shownStep is what the stepper hands the event loop for one step.
type shownStep struct {
	i      int
	text   string
	view   string
	src    TUISource
	hasSrc bool
	viewTx string
	err    error
}

// stepper runs the Player's steps (the Player is used from this goroutine only) and
// prepares what the right pane shows.
func (w *tuiWalk) stepper() {
	for i := range w.reqs {
		st := shownStep{i: i, view: w.p.script.ViewOf(i)}
		st.text, st.err = w.p.Step(i)
		if st.err == nil {
			st.src, st.hasSrc, st.err = w.p.session.TUISource()
		}
		if st.err == nil && !st.hasSrc {
			st.viewTx, st.err = w.p.session.TextView(st.view)
		}
		w.post(func() { w.show(st) })
	}
}

// show puts a step on screen (event loop).
func (w *tuiWalk) show(st shownStep) {
	w.busy = false
	if st.err != nil {
		w.left.SetText("error: " + st.err.Error())
		w.setStatus("")
		return
	}
	back := st.i < w.cur
	w.cur = st.i
	text := st.text
	if back {
		text = "(going back shows the step again; the cluster keeps its present state)\n\n" + text
	}
	if st.i == 0 {
		text = w.p.Intro() + "\n\n" + text
	}
	if st.i == w.p.Len()-1 {
		text += "\n\n(end of the tour)"
	}
	w.left.SetText(text).ScrollToBeginning()
	w.left.SetTitle(fmt.Sprintf(" step %d/%d · %s ", st.i+1, w.p.Len(), w.p.script.Title[w.p.opts.Lang]))
	w.showView(st)
	w.setStatus("")
	if w.opt.Progress != nil {
		w.opt.Progress(st.i + 1)
	}
}

// showView updates the right pane: the TUI on the step's view, or its text.
func (w *tuiWalk) showView(st shownStep) {
	view := st.view
	if view == "" {
		view = "pulse"
	}
	if !st.hasSrc {
		w.stopInner()
		w.focus = false
		text := st.viewTx
		if text == "" {
			text = "(this step's world has no master for the TUI to read)"
		}
		w.text.SetText(text).ScrollToBeginning()
		w.text.SetTitle(" " + view + " (text: no master to read) ")
		w.right.Clear().AddItem(w.text, 0, 1, false)
		return
	}
	if w.inner == nil || w.inner.key != st.src.Key {
		w.stopInner()
		w.inner = w.startInner(st.src, view)
	} else {
		w.inner.goTo(view)
	}
	w.pane.inner = w.inner
	w.pane.SetTitle(" TUI · " + view + " ")
	w.right.Clear().AddItem(w.pane, 0, 1, false)
}

func (w *tuiWalk) setStatus(s string) {
	keys := "[Enter] next · b back · q quit · ↑↓ PgUp PgDn scroll"
	if w.inner != nil {
		if w.focus {
			keys = "keys go to the TUI pane · Tab: back to the walk"
		} else {
			keys += " · Tab: keys to the TUI pane"
		}
	}
	if s != "" {
		keys = s + "  " + keys
	}
	w.status.SetText(keys)
}

// post hands f to the event loop: it runs before the next draw, which post asks
// for. tview's QueueUpdate waits for the loop, which may have stopped; posting a
// resize event to the screen never waits.
func (w *tuiWalk) post(f func()) {
	w.mu.Lock()
	w.pending = append(w.pending, f)
	w.mu.Unlock()
	w.wake()
}

// wake asks the event loop to draw (a resize event to the current size).
func (w *tuiWalk) wake() {
	width, height := w.scr.Size()
	_ = w.scr.PostEvent(tcell.NewEventResize(width, height))
}

// applyPending runs what post handed over (event loop).
func (w *tuiWalk) applyPending() {
	w.mu.Lock()
	fs := w.pending
	w.pending = nil
	w.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// rootView is the screen's layout; it applies posted changes before drawing.
type rootView struct {
	*tview.Flex
	w *tuiWalk
}

// Draw applies the pending changes, then draws.
func (r *rootView) Draw(screen tcell.Screen) {
	r.w.applyPending()
	r.Flex.Draw(screen)
}

// innerTUI is mesoscope's TUI running on an off-screen screen whose content the
// right pane copies.
type innerTUI struct {
	key    string
	scr    *snapScreen
	cancel context.CancelFunc
	done   chan struct{} // tui.Run returned
	keys   chan []*tcell.EventKey
	typist chan struct{} // the key injector returned
}

// startInner starts the TUI on src at view.
func (w *tuiWalk) startInner(src TUISource, view string) *innerTUI {
	in := &innerTUI{key: src.Key, scr: newSnapScreen(w.wake),
		done: make(chan struct{}), keys: make(chan []*tcell.EventKey, 64), typist: make(chan struct{})}
	// Not under w.ctx: the TUI stops only in stopInner, when the walk's screen no
	// longer draws the pane (tcell's Fini races with a concurrent SetSize).
	ctx, cancel := context.WithCancel(context.Background())
	in.cancel = cancel
	first, arg, _ := strings.Cut(view, " ")
	cfg := tui.Config{
		Client: src.Client, Marathon: src.Marathon, Screen: in.scr,
		Refresh: tuiRefresh, NoColor: w.opt.NoColor, Logger: w.log, Now: src.Now,
	}
	if arg == "" && first != "why" {
		cfg.View = first
	}
	go func() {
		defer close(in.done)
		if err := tui.Run(ctx, cfg); err != nil {
			w.log.Warn("walk: the TUI pane stopped", "err", err)
		}
	}()
	go in.typeKeys()
	if cfg.View == "" {
		in.goTo(view)
	}
	return in
}

// goTo switches the TUI to a view (a ":" command) and has it read the world again.
func (in *innerTUI) goTo(view string) {
	var keys []*tcell.EventKey
	for _, r := range ":" + view {
		keys = append(keys, tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone))
	}
	keys = append(keys, tcell.NewEventKey(tcell.KeyEnter, 0, tcell.ModNone), tcell.NewEventKey(tcell.KeyCtrlR, 0, tcell.ModCtrl))
	in.send(keys)
}

// send hands keys to the typist; it never waits (the walk's event loop calls it).
func (in *innerTUI) send(keys []*tcell.EventKey) {
	select {
	case in.keys <- keys:
	default: // the TUI is far behind; these keys are dropped
	}
}

// typeKeys injects the keys sent, once the TUI's screen is up (a key injected before
// its Init would wait forever), until the TUI has stopped.
func (in *innerTUI) typeKeys() {
	defer close(in.typist)
	select {
	case <-in.done:
		return
	case <-in.scr.ready:
	}
	for {
		select {
		case <-in.done:
			return
		case keys := <-in.keys:
			for _, k := range keys {
				// Returns once queued, or once the screen is finalized.
				in.scr.InjectKey(k.Key(), k.Rune(), k.Modifiers())
			}
		}
	}
}

// resize gives the TUI the pane's size (again after the TUI's Init, which sets the
// screen's own default size).
func (in *innerTUI) resize(w, h int) {
	if cells, cw, ch := in.scr.snapshot(); len(cells) == 0 || len(cells) != cw*ch {
		return // nothing shown yet: the TUI's Init (on its own goroutine) may still be to come
	}
	if cw, ch := in.scr.Size(); cw != w || ch != h {
		in.scr.SetSize(w, h)
		_ = in.scr.PostEvent(tcell.NewEventResize(w, h))
	}
}

// stopInner stops the TUI pane, if any.
func (w *tuiWalk) stopInner() {
	if w.inner == nil {
		return
	}
	w.inner.cancel()
	<-w.inner.done
	<-w.inner.typist
	w.inner = nil
	w.pane.inner = nil
	w.focus = false
}

// snapScreen is an off-screen screen that keeps a copy of what it last showed: its
// own buffers are written by the goroutine that draws on it, so others read the copy
// (snapshot), taken in Show, and hear about it through shown.
type snapScreen struct {
	tcell.SimulationScreen
	shown func()

	once  sync.Once
	ready chan struct{} // closed at the first Show, when the screen is up

	mu    sync.Mutex
	cells []tcell.SimCell
	w, h  int
}

func newSnapScreen(shown func()) *snapScreen {
	return &snapScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), shown: shown, ready: make(chan struct{})}
}

// Show shows the off-screen content, copies it, and calls shown.
func (s *snapScreen) Show() {
	s.SimulationScreen.Show()
	s.snap()
}

// Sync is Show after a full redraw.
func (s *snapScreen) Sync() {
	s.SimulationScreen.Sync()
	s.snap()
}

func (s *snapScreen) snap() {
	cells, w, h := s.SimulationScreen.GetContents()
	cp := make([]tcell.SimCell, len(cells))
	for i, c := range cells {
		cp[i] = tcell.SimCell{Runes: append([]rune(nil), c.Runes...), Style: c.Style}
	}
	s.mu.Lock()
	s.cells, s.w, s.h = cp, w, h
	s.mu.Unlock()
	s.once.Do(func() { close(s.ready) })
	if s.shown != nil {
		s.shown()
	}
}

// snapshot returns the copy of the last content shown (cells are not modified
// afterwards).
func (s *snapScreen) snapshot() ([]tcell.SimCell, int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cells, s.w, s.h
}

// paneView is the right pane when the TUI runs: a box whose inside is the TUI's
// screen.
type paneView struct {
	*tview.Box
	inner *innerTUI
}

// Draw copies the TUI's shown cells into the pane.
func (v *paneView) Draw(screen tcell.Screen) {
	v.DrawForSubclass(screen, v)
	x, y, width, height := v.GetInnerRect()
	in := v.inner
	if in == nil || width <= 0 || height <= 0 {
		return
	}
	in.resize(width, height)
	cells, cw, ch := in.scr.snapshot()
	for row := 0; row < height && row < ch; row++ {
		for col := 0; col < width && col < cw; col++ {
			c := cells[row*cw+col]
			r, comb := ' ', []rune(nil)
			if len(c.Runes) > 0 {
				r, comb = c.Runes[0], c.Runes[1:]
			}
			screen.SetContent(x+col, y+row, r, comb, c.Style)
			if displayWidth(string(r)) == 2 {
				col++ // the second half of a wide character
			}
		}
	}
}
