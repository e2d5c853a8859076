package tui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/mesoscope/mesoscope/inspector"
)

// Run shows the TUI until the user quits (:q, Ctrl-C) or ctx is done. It
// connects in the background: the screen is up at once and says
// "connecting"; reads that fail are retried with backoff while the last data
// stays on screen. Every goroutine it starts has ended when it returns.
//
// The goroutines: tview's event loop owns the screen and every UI structure;
// a poller reads the master each Config.Refresh (and when the page on screen
// needs more, or the event stream says something changed); a stream reader
// follows the operator SUBSCRIBE stream; a renderer prepares the page on screen
// from the latest read. The renderer hands finished frames to the event loop
// with QueueUpdateDraw, which only swaps a pointer and draws, so a read never
// delays a key by more than one frame.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Client == nil && cfg.Master == "" {
		return errors.New("tui: run: Config.Client and Config.Master are both empty")
	}
	if cfg.Client == nil {
		c, err := inspector.New(inspector.Config{Master: cfg.Master, Logger: cfg.Logger})
		if err != nil {
			return fmt.Errorf("tui: run: %w", err)
		}
		cfg.Client = c
	}
	if cfg.Refresh <= 0 {
		cfg.Refresh = DefaultRefresh
	}
	if cfg.MaxEvents <= 0 {
		cfg.MaxEvents = DefaultMaxEvents
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reg := newRegistry()
	start := vPulse
	if cfg.View != "" {
		v, ok := reg.lookup(cfg.View)
		if !ok {
			return fmt.Errorf("tui: run: view %q: unknown (try pulse, actors, drf, agents, containers, frameworks, tasks, offers, events, traces)", cfg.View)
		}
		start = v
	}
	th := newTheme(cfg.NoColor || os.Getenv("NO_COLOR") != "")

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	h := newHub(cfg.MaxEvents)
	app := tview.NewApplication()
	if cfg.Screen != nil {
		app.SetScreen(cfg.Screen)
	}
	app.EnableMouse(cfg.Mouse)

	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		closing bool
		runDone = make(chan struct{})
	)
	// spawn starts a goroutine Run waits for, unless Run is closing.
	spawn := func(f func()) bool {
		mu.Lock()
		defer mu.Unlock()
		if closing {
			return false
		}
		wg.Go(f)
		return true
	}
	// post runs f on the UI goroutine. The hand-off goroutine lets post give
	// up if the event loop died on its own (a terminal error), which tview's
	// QueueUpdate cannot.
	post := func(f func()) bool {
		if ctx.Err() != nil {
			return false
		}
		done := make(chan struct{})
		go func() {
			// QueueUpdateDraw, timed: f swaps, ForceDraw draws.
			app.QueueUpdate(func() {
				start := time.Now()
				f()
				app.ForceDraw()
				if cfg.onUpdate != nil {
					cfg.onUpdate(time.Since(start))
				}
			})
			close(done)
		}()
		select {
		case <-done:
			return true
		case <-runDone:
			return false
		}
	}

	w := &worker{c: cfg.Client, hub: h, log: log, refresh: cfg.Refresh, now: cfg.Now, marathon: cfg.Marathon, agentsAlways: cfg.Agents}
	rend := &renderer{hub: h, reg: reg, readWrite: cfg.ReadWrite}
	var u *ui
	hooks := uiHooks{
		refresh: func() { signal(h.poke) },
		quit:    cancel,
		now:     cfg.Now,
		copy: func(b []byte) {
			if u.scr != nil {
				u.scr.SetClipboard(b)
			}
			if cfg.Clipboard != nil {
				cfg.Clipboard(b)
			}
		},
		act: func(a action) {
			spawn(func() {
				_, err := cfg.Client.Call(ctx, a.call, a.extra)
				msg, t := a.what+": done", toneOK
				if err != nil {
					msg, t = a.what+": "+err.Error(), toneBad
					log.Info("write call failed", "call", a.call, "err", err)
				}
				post(func() { u.setFlash(msg, t) })
				signal(h.poke)
			})
		},
	}
	u = newUI(reg, th, h, hooks, cfg.ReadWrite, start)
	u.source = cfg.Source
	app.SetRoot(u, true)
	app.SetInputCapture(func(ev *tcell.EventKey) *tcell.EventKey {
		if cfg.onKey != nil {
			cfg.onKey(ev)
		}
		if ev.Key() == tcell.KeyCtrlC {
			cancel()
			return nil
		}
		return ev
	})

	spawn(func() { w.poll(ctx) })
	spawn(func() { w.stream(ctx) })
	spawn(func() { rend.run(ctx, func(f *frame) bool { return post(func() { u.swap(f) }) }) })

	// On quit, stop the workers first, while the event loop still serves
	// their last QueueUpdateDraw, then the loop.
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		mu.Lock()
		closing = true
		mu.Unlock()
		wg.Wait()
		app.Stop()
	}()
	err := app.Run()
	close(runDone)
	cancel()
	<-stopped
	if err != nil {
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}
