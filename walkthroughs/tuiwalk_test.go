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
	"github.com/google/go-cmp/cmp"

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
	p := NewPlayer(s, PlayerOptions{Lang: English, Shim: testShim})
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
// screenTimeout bounds waitScreen: the TUI pane reads its source in the background
// and on a loaded 2-core CI machine under -race its first read can take seconds.
const screenTimeout = 30 * time.Second

func (th *tuiHarness) waitScreen(what string, ok func(string) bool) string {
	th.t.Helper()
	deadline := time.After(screenTimeout)
	for {
		text := simScreenText(th.scr)
		if ok(text) {
			return text
		}
		select {
		case <-th.draws:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			th.t.Fatalf("%s: not on screen within %s:\n%s", what, screenTimeout, text)
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

// leftPane is the screen's text with only the first cols columns of each line but
// the last (the keys line): the walk's narration, without the TUI pane, whose header
// shows read times.
func leftPane(screen string, cols int) string {
	lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
	for i := range lines[:len(lines)-1] {
		if r := []rune(lines[i]); len(r) > cols {
			lines[i] = string(r[:cols])
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestWalkTUIGolden checks one step of the DRF tour in the TUI walk against a golden
// screen: the narration and outputs on the left and the keys line below (the right
// pane, the TUI's DRF view, is checked by TestWalkTUIDRF). Rewrite with -rewrite.
func TestWalkTUIGolden(t *testing.T) {
	th := startTUIWalk(t, "drf", 160, 40)
	screen := th.waitScreen("the first step at 160 columns", func(s string) bool {
		return strings.Contains(s, "step 1/9") && strings.Contains(s, "TUI · drf") && len(strings.SplitN(s, "\n", 2)[0]) > 150
	})
	got := leftPane(screen, 80)
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

// rightPane is the part of a screen line right of the narration's frame (drawn with
// double lines, the TUI pane with single ones): the TUI pane.
func rightPane(line string) string {
	i := max(strings.LastIndex(line, "║"), strings.LastIndex(line, "╗"), strings.LastIndex(line, "╝"))
	if i < 0 {
		return ""
	}
	return line[i+len("║"):]
}

// paneHas returns a condition: every one of texts is on a line of the TUI pane (the
// narration, which repeats some of the words, does not count).
func paneHas(texts ...string) func(string) bool {
	return func(s string) bool {
		for _, want := range texts {
			if !slices.ContainsFunc(strings.Split(s, "\n"), func(l string) bool { return strings.Contains(rightPane(l), want) }) {
				return false
			}
		}
		return true
	}
}

// TestWalkTUIDRF: the DRF tour's right pane is the TUI's DRF view of the tour's
// sorter (a stand-in master whose role sorter it is), then of its allocator.
func TestWalkTUIDRF(t *testing.T) {
	th := startTUIWalk(t, "drf", 200, 45)
	th.key(tcell.KeyEnter, 0)
	th.waitStep(2)
	// After the first two picks: A holds <1 CPU, 4 GB> (share 2/9), B <3 CPU, 1 GB>
	// (share 1/3), in the order sort() gives.
	th.waitScreen("step 2: A and B with their shares", paneHas(
		"TUI · drf", "DRF role tree [2]", "DRF order: A 0.2222  →  B 0.3333",
		"shares from the allocator's metrics",
	))
	for n := 3; n <= 9; n++ {
		th.key(tcell.KeyEnter, 0)
		th.waitStep(n)
	}
	// The last step: the allocator offered a1 to fw2 in web after fw1 in batch gave
	// it back; the cycles are the allocator's own.
	th.waitScreen("step 9: the allocator's roles, frameworks and cycles", paneHas(
		"DRF order: batch 0  →  web 1", "fw1", "fw2", "Last allocation cycles",
		"offered cpus:4; mem:4096",
	))
}

// TestWalkTUIContainers: the containerizer tour's right pane is the TUI's Containers
// view of the tour's containerizer (a stand-in master with its one agent), with each
// container's state and its seven-state timeline.
func TestWalkTUIContainers(t *testing.T) {
	th := startTUIWalk(t, "containerizer", 200, 45)
	th.key(tcell.KeyEnter, 0)
	th.waitStep(2)
	// Launch returned once c1 was RUNNING: the first six states, once each. Its echo
	// may have exited since, and the containerizer be destroying it or have destroyed
	// it when the stand-in took the step's picture: then it is DESTROYING (seven
	// states) or TERMINATED (seven states and gone). Each state appears once.
	th.waitScreen("step 2: c1 and its states", func(s string) bool {
		return paneHas("TUI · containers", "Containers [1]")(s) && slices.ContainsFunc(strings.Split(s, "\n"), func(l string) bool {
			p := rightPane(l)
			return strings.HasPrefix(p, "││c1 ") &&
				(strings.Contains(p, " RUNNING S›PV›PP›I›F›R ") || strings.Contains(p, " DESTROYING S›PV›PP›I›F›R›D ") ||
					strings.Contains(p, " TERMINATED S›PV›PP›I›F›R›D›✗ "))
		})
	})
	for n := 3; n <= 6; n++ {
		th.key(tcell.KeyEnter, 0)
		th.waitStep(n)
	}
	// k1 got SIGTERM and is DESTROYING until its grace period is over; it is still
	// on the agent (its /containers).
	screen := th.waitScreen("step 6: k1 destroying", paneHas("Containers [4]", "DESTROYING"))
	for _, row := range []struct{ id, state string }{{"c1", "TERMINATED"}, {"f1", "TERMINATED"}, {"f2", "TERMINATED"}, {"k1", "DESTROYING"}} {
		if !slices.ContainsFunc(strings.Split(screen, "\n"), func(l string) bool {
			p := rightPane(l)
			return strings.HasPrefix(p, "││"+row.id+" ") && strings.Contains(p, " "+row.state+" ")
		}) {
			t.Errorf("step 6: no Containers row for %s in state %s:\n%s", row.id, row.state, screen)
		}
	}
	if !paneHas("k1         walk-S0")(screen) {
		t.Errorf("step 6: k1 is not listed on the tour's agent walk-S0:\n%s", screen)
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
	snap := sourceSnapshot(t, s, "runtime workers=2", "spawn alpha")
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

// TestTUISourceStandIns: the DRF tour's sorter and allocator read, through the
// inspector, as a master would show them: roles with their weights, allocations and
// the role sorter's shares/dominant; agents; frameworks with their offers.
func TestTUISourceStandIns(t *testing.T) {
	type roleView struct {
		Name       string
		Weight     float64
		Share      float64
		Known      bool
		CPUs       float64
		Frameworks []string
	}
	for _, tc := range []struct {
		name      string
		cmds      []string
		roles     []roleView
		agents    int
		offers    int
		mesoscope bool
	}{
		{"sorter", []string{"sorter", "add-agent s1 cpus:9;mem:18432", "add-client A B", "activate A B",
			"allocated A cpus:1;mem:4096", "weight B 2"},
			[]roleView{{"A", 1, 2.0 / 9, true, 1, nil}, {"B", 2, 0, true, 0, nil}}, 1, 0, true},
		{"allocator", []string{"allocator", "alloc-agent a1 cpus:4;mem:4096", "alloc-framework fw1 role=batch"},
			[]roleView{{"batch", 1, 1, true, 0, []string{"fw1"}}}, 1, 1, true},
		{"allocator after recover", []string{"allocator", "alloc-agent a1 cpus:4;mem:4096", "alloc-framework fw1 role=batch",
			"alloc-recover fw1 a1 cpus:4;mem:4096"},
			[]roleView{{"batch", 1, 0, true, 0, []string{"fw1"}}}, 1, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSession(Options{})
			defer func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close() = %v", err)
				}
			}()
			snap := sourceSnapshot(t, s, tc.cmds...)
			var roles []roleView
			for _, r := range snap.Roles {
				roles = append(roles, roleView{r.Name, r.Weight, r.DominantShare, r.ShareKnown, r.Allocated.CPUs, r.Frameworks})
			}
			if diff := cmp.Diff(tc.roles, roles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if len(snap.Agents) != tc.agents || len(snap.Offers) != tc.offers || snap.Mesoscope != tc.mesoscope {
				t.Errorf("snapshot agents %d, offers %d, mesoscope %v, want %d, %d, %v (warnings %v)",
					len(snap.Agents), len(snap.Offers), snap.Mesoscope, tc.agents, tc.offers, tc.mesoscope, snap.Warnings)
			}
		})
	}
}

// sourceSnapshot runs the script lines cmds in s and returns what the inspector reads
// through the session's TUI source.
func sourceSnapshot(t *testing.T, s *Session, cmds ...string) *inspector.Snapshot {
	t.Helper()
	for _, l := range cmds {
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
	return snap
}
