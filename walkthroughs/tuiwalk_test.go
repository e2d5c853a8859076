package walkthroughs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mesoscope/mesoscope/inspector"
)

// tuiHarness runs WalkTUI on a SimulationScreen.
type tuiHarness struct {
	t     *testing.T
	scr   *snapScreen
	steps chan int
	draws chan struct{}
	done  chan error
}

func startTUIWalk(t *testing.T, tour string, w, h int) *tuiHarness {
	t.Helper()
	s, err := LoadTour(tour)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPlayer(s, PlayerOptions{Lang: English})
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	th := &tuiHarness{t: t, steps: make(chan int, 16), draws: make(chan struct{}, 1), done: make(chan error, 1)}
	th.scr = newSnapScreen(func() {
		select {
		case th.draws <- struct{}{}:
		default:
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		th.done <- WalkTUI(ctx, p, TUIOptions{Screen: th.scr, NoColor: true,
			Progress: func(n int) { th.steps <- n }})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-th.done:
		case <-time.After(syncTimeout):
			t.Error("WalkTUI did not return after its context was cancelled")
		}
	})
	th.waitStep(1)
	// The screen is 80x25 after Init; the terminal "resizes" to the size wanted.
	th.scr.SetSize(w, h)
	if err := th.scr.PostEvent(tcell.NewEventResize(w, h)); err != nil {
		t.Fatal(err)
	}
	return th
}

func (th *tuiHarness) waitStep(n int) {
	th.t.Helper()
	select {
	case got := <-th.steps:
		if got != n {
			th.t.Fatalf("WalkTUI showed step %d, want %d", got, n)
		}
	case <-time.After(syncTimeout):
		th.t.Fatalf("WalkTUI did not show step %d within %s", n, syncTimeout)
	}
}

// waitScreen waits until the screen, as text, satisfies ok.
func (th *tuiHarness) waitScreen(what string, ok func(string) bool) string {
	th.t.Helper()
	deadline := time.After(syncTimeout)
	for {
		text := simScreenText(th.scr)
		if ok(text) {
			return text
		}
		select {
		case <-th.draws:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			th.t.Fatalf("%s: not on screen within %s:\n%s", what, syncTimeout, text)
		}
	}
}

func (th *tuiHarness) key(k tcell.Key, r rune) { th.scr.InjectKey(k, r, tcell.ModNone) }

// simScreenText is the screen's shown cells as text, trailing spaces trimmed.
func simScreenText(scr *snapScreen) string {
	cells, w, h := scr.snapshot()
	if len(cells) != w*h {
		return ""
	}
	var b strings.Builder
	for y := range h {
		var line strings.Builder
		for x := 0; x < w; x++ {
			c := cells[y*w+x]
			if len(c.Runes) == 0 {
				line.WriteByte(' ')
				continue
			}
			line.WriteString(string(c.Runes))
			if displayWidth(string(c.Runes)) == 2 {
				x++
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// TestWalkTUIGolden checks one step of the DRF tour in the TUI walk against a golden
// screen: the narration and outputs on the left, the DRF view on the right (as text:
// the DRF tour's world has no master for the TUI to read), the keys line below.
// Rewrite with -rewrite.
func TestWalkTUIGolden(t *testing.T) {
	th := startTUIWalk(t, "drf", 160, 40)
	got := th.waitScreen("the first step at 160 columns", func(s string) bool {
		return strings.Contains(s, "step 1/9") && strings.Contains(s, "DRF sorter:") && len(strings.SplitN(s, "\n", 2)[0]) > 150
	})
	golden := filepath.Join("testdata", "tui", "drf-step1.golden")
	if *rewrite {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -rewrite to create it)", err)
	}
	if got != string(want) {
		t.Errorf("screen of step 1 differs from %s:\n%s\nwant\n%s", golden, got, want)
	}
}

// TestWalkTUIKeys: Enter goes on, b goes back, q quits, as in the terminal mode.
func TestWalkTUIKeys(t *testing.T) {
	th := startTUIWalk(t, "drf", 160, 40)
	th.key(tcell.KeyEnter, 0)
	th.waitStep(2)
	th.waitScreen("step 2", func(s string) bool { return strings.Contains(s, "step 2/9 · DRF") })
	th.key(tcell.KeyRune, 'b')
	th.waitStep(1)
	th.waitScreen("back at step 1", func(s string) bool {
		return strings.Contains(s, "step 1/9 · DRF") && strings.Contains(s, "(going back shows the step again")
	})
	th.key(tcell.KeyRune, 'q')
	select {
	case err := <-th.done:
		if !errors.Is(err, ErrQuit) {
			t.Errorf("WalkTUI() after q = %v, want ErrQuit", err)
		}
		th.done <- err // for the cleanup
	case <-time.After(syncTimeout):
		t.Fatal("q did not end WalkTUI")
	}
}

// TestWalkTUIPane: for a tour with a master, the right pane is mesoscope's TUI
// reading it, on the view the step names (the offers tour's first step: Agents).
func TestWalkTUIPane(t *testing.T) {
	th := startTUIWalk(t, "offers", 200, 40)
	th.waitScreen("the TUI's Agents view with the tour's agent", func(s string) bool {
		return strings.Contains(s, "TUI · agents") && strings.Contains(s, "Agents [1]") && strings.Contains(s, "walk-S0")
	})
}

// TestTUISourceLibprocess: the libprocess tour's runtime, which has no master, reads
// as a master with no agents whose processes are the tour's actors.
func TestTUISourceLibprocess(t *testing.T) {
	s := NewSession(Options{})
	defer func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	}()
	if _, ok, err := s.TUISource(); ok || err != nil {
		t.Errorf("TUISource() of an empty session = ok %v, %v, want false, nil", ok, err)
	}
	for _, l := range []string{"runtime workers=2", "spawn alpha"} {
		name, args, _ := parseArgs(l)
		if out := s.Run(&Command{Name: name, Args: args}); strings.HasPrefix(out, "error:") {
			t.Fatalf("%s: %s", l, out)
		}
	}
	src, ok, err := s.TUISource()
	if !ok || err != nil {
		t.Fatalf("TUISource() = ok %v, %v, want a source", ok, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	snap, err := src.Client.Snapshot(ctx, inspector.SnapshotOptions{})
	if err != nil {
		t.Fatalf("Snapshot() = %v", err)
	}
	var actors []string
	for _, a := range snap.Actors {
		actors = append(actors, a.ID)
	}
	if !slices.Contains(actors, "alpha") || len(snap.Agents) != 0 {
		t.Errorf("snapshot actors %v, agents %d, want alpha among the actors and no agents", actors, len(snap.Agents))
	}
}

// TestTextView: the views of worlds the TUI cannot read are rendered as text.
func TestTextView(t *testing.T) {
	s := NewSession(Options{})
	defer s.Close()
	for _, l := range []string{"sorter", "add-agent s1 cpus:9;mem:18432", "add-client A", "activate A"} {
		name, args, _ := parseArgs(l)
		s.Run(&Command{Name: name, Args: args})
	}
	for _, tc := range []struct{ view, want string }{
		{"drf", "DRF sorter:\nsort() = [A]"},
		{"containers", ""},
		{"offers", ""},
	} {
		got, err := s.TextView(tc.view)
		if err != nil || !strings.HasPrefix(got, tc.want) || (tc.want == "" && got != "") {
			t.Errorf("TextView(%q) = %q, %v, want it to start with %q", tc.view, got, err, tc.want)
		}
	}
}
