package tui

import (
	"log/slog"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mesoscope/mesoscope/inspector"
)

// Defaults applied by Run to zero Config fields.
const (
	// DefaultRefresh is how often the master is read, k9s's refreshRate.
	DefaultRefresh = 2 * time.Second
	// DefaultMaxEvents is how many operator events the Events view keeps.
	DefaultMaxEvents = 1000
)

// Config configures Run. Client (or Master) is required.
type Config struct {
	// Client reads the master (or a snapshot bundle).
	Client *inspector.Client
	// Master is a master's URL, used to make a client when Client is nil:
	// tui.Run(ctx, tui.Config{Master: url}) is all an embedding program needs.
	Master string
	// ReadWrite enables the write actions (TEARDOWN, MARK_AGENT_GONE,
	// UPDATE_WEIGHTS), each behind a yes/no question. Off by default, like
	// k9s --readonly inverted.
	ReadWrite bool
	// Screen is where to draw; nil opens the terminal. Tests pass a
	// tcell.SimulationScreen.
	Screen tcell.Screen
	// Logger receives debug logs (never the terminal, which the TUI owns);
	// nil discards.
	Logger *slog.Logger
	// Refresh is the polling interval; 0 means DefaultRefresh. The event
	// stream triggers reads in between, at most one per 500 ms.
	Refresh time.Duration
	// View is the first view by name or alias ("pulse", "tasks", "ct", …);
	// "" means Pulse.
	View string
	// Marathon is a Marathon URL whose /v2/queue the Why view reads for apps.
	Marathon string
	// Source, when set, says the data is not live, e.g. "bundle c.tar.gz taken
	// 2026-11-26T17:00:00Z": the header shows it instead of the connection state.
	Source string
	// NoColor draws without colour (attributes only). The NO_COLOR
	// environment variable does the same.
	NoColor bool
	// Mouse enables the mouse: click selects, double click opens, the wheel
	// scrolls.
	Mouse bool
	// Agents reads every agent's /state and /containers on every poll, not
	// only while the Containers view is open.
	Agents bool
	// MaxEvents bounds the Events view's buffer; 0 means DefaultMaxEvents.
	MaxEvents int
	// Now is the clock for "read 2s ago" (tests inject one); nil means
	// time.Now.
	Now func() time.Time
	// Clipboard, if set, also receives what `y` copies (the terminal gets it
	// through OSC 52 either way).
	Clipboard func([]byte)

	// onKey sees every key as the UI goroutine takes it (tests measure how
	// long keys wait).
	onKey func(*tcell.EventKey)
	// onUpdate sees how long each update held the UI goroutine (swap and
	// draw).
	onUpdate func(time.Duration)
}
