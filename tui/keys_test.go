package tui

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gdamore/tcell/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/rivo/tview"

	"github.com/mesoscope/mesoscope/inspector"
)

func synthModel(t *testing.T) *model {
	t.Helper()
	return readModel(t, synthClient(t, synthSpec{agents: 5, frameworks: 4, tasks: 16, actors: 6, offers: 3}), allNeeds(""))
}

// crumbs returns the breadcrumb labels.
func crumbs(u *ui) []string {
	var out []string
	for _, p := range u.stack {
		out = append(out, p.label)
	}
	return out
}

func TestCommandAliases(t *testing.T) {
	m := synthModel(t)
	tests := []struct {
		cmd, title string
	}{
		{"pulse", "Pulse"}, {"pu", "Pulse"},
		{"actors", "Actors ["}, {"ac", "Actors ["}, {"ps", "Actors ["},
		{"drf", "DRF role tree"}, {"roles", "DRF role tree"},
		{"agents", "Agents ["}, {"ag", "Agents ["}, {"slaves", "Agents ["}, {"no", "Agents ["},
		{"containers", "Containers ["}, {"ct", "Containers ["},
		{"frameworks", "Frameworks ["}, {"fw", "Frameworks ["},
		{"tasks", "Tasks ["}, {"ts", "Tasks ["},
		{"offers", "Offers ["}, {"of", "Offers ["},
		{"events", "Events ["}, {"ev", "Events ["},
		{"traces", "Traces ["}, {"tr", "Traces ["},
		{"aliases", "Aliases ["}, {"help", "Help"},
		{"TASKS", "Tasks ["},
		{"tasks web", "Tasks(/web) [4/16]"},
		{"tasks /spark", "Tasks(/spark) [4/16]"},
		{"why spark", "Why spark"},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			h := newHarness(t, m)
			h.command(tt.cmd)
			if got := h.screen(); !strings.Contains(got, tt.title) {
				t.Errorf(":%s: screen lacks %q:\n%s", tt.cmd, tt.title, got)
			}
		})
	}
}

func TestCommandCompletion(t *testing.T) {
	h := newHarness(t, synthModel(t))
	h.keys(":cont")
	if got := h.screen(); !strings.Contains(got, "<tab> container  containers") {
		t.Errorf("completions not listed:\n%s", got)
	}
	h.key(tcell.KeyTab)
	h.keys("\n")
	if h.u.top().view != vContainers {
		t.Errorf(":cont<tab> opened %v, want containers", h.u.top().view)
	}
}

func TestCommandErrorsAndQuit(t *testing.T) {
	m := synthModel(t)
	tests := []struct {
		cmd   string
		flash string
		quits int
	}{
		{"nosuchview", `unknown command "nosuchview"`, 0},
		{"why", ":why needs a framework", 0},
		{"weight web 2", "read-only: start with --readwrite", 0},
		{"q", "", 1},
		{"quit", "", 1},
		{"", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			h := newHarness(t, m)
			h.command(tt.cmd)
			if h.quits != tt.quits {
				t.Errorf(":%s quit %d times, want %d", tt.cmd, h.quits, tt.quits)
			}
			if got := h.u.flash; !strings.Contains(got, tt.flash) || (tt.flash == "" && got != "") {
				t.Errorf(":%s flash = %q, want %q", tt.cmd, got, tt.flash)
			}
		})
	}
}

func TestBreadcrumbsAndEsc(t *testing.T) {
	h := newHarness(t, synthModel(t))
	h.command("fw")
	h.keys("\n") // cron (sorted by name)
	h.keys("j\n")
	if got, want := crumbs(h.u), []string{"pulse", "frameworks", "cron", "cron.11"}; !cmp.Equal(got, want) {
		t.Fatalf("crumbs = %v, want %v", got, want)
	}
	if got := h.screen(); !strings.Contains(got, "Task cron.11 status history") || !strings.Contains(got, "<pulse> <frameworks> <cron> <cron.11>") {
		t.Fatalf("task page not shown:\n%s", got)
	}
	for _, want := range [][]string{{"pulse", "frameworks", "cron"}, {"pulse", "frameworks"}, {"pulse"}, {"pulse"}} {
		h.keys("\x1b")
		if got := crumbs(h.u); !cmp.Equal(got, want) {
			t.Errorf("after Esc crumbs = %v, want %v", got, want)
		}
	}
	// Typing the command of the page on screen again does not stack a copy.
	h.command("fw")
	h.command("frameworks")
	if got, want := crumbs(h.u), []string{"pulse", "frameworks"}; !cmp.Equal(got, want) {
		t.Errorf("after :fw twice crumbs = %v, want %v", got, want)
	}
	h.command("fw cron")
	if got, want := crumbs(h.u), []string{"pulse", "frameworks", "frameworks"}; !cmp.Equal(got, want) {
		t.Errorf("after :fw cron crumbs = %v, want %v (a filter makes another page)", got, want)
	}
	h.keys("\x1b\x1b")
	// Going back restores the selection the page had.
	h.command("ts")
	h.keys("jjj")
	sel := h.u.table.selectedKey()
	h.keys("\n\x1b")
	if got := h.u.table.selectedKey(); got != sel {
		t.Errorf("selection after Enter, Esc = %q, want %q", got, sel)
	}
}

func TestFilter(t *testing.T) {
	m := synthModel(t)
	tests := []struct {
		name  string
		keys  string
		title string
		rows  int
		note  string
	}{
		{"regex", "/spark|kafka\n", "Tasks(/spark|kafka) [8/16]", 8, ""},
		{"case-insensitive", "/SPARK\n", "Tasks(/SPARK) [4/16]", 4, ""},
		{"inverse", "/!RUNNING\n", "Tasks(/!RUNNING) [8/16]", 8, ""},
		{"invalid regex matches as text", "/spark[\n", "Tasks(/spark[) [0/16]", 0, "not a regular expression"},
		{"live while typing", "/cro", "Tasks(/cro) [4/16]", 4, ""},
		{"esc in the prompt restores", "/cron\n/xyz\x1b", "Tasks(/cron) [4/16]", 4, ""},
		{"esc clears the filter", "/cron\n\x1b", "Tasks [16]", 16, ""},
		{"lone bang matches all", "/!\n", "Tasks(/!) [16]", 16, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, m)
			h.command("tasks")
			h.keys(tt.keys)
			got := h.screen()
			if !strings.Contains(got, tt.title) {
				t.Errorf("keys %q: screen lacks title %q:\n%s", tt.keys, tt.title, got)
			}
			if n := h.u.table.rows(); n != tt.rows {
				t.Errorf("keys %q: %d rows, want %d", tt.keys, n, tt.rows)
			}
			if tt.note != "" && !strings.Contains(got, tt.note) {
				t.Errorf("keys %q: screen lacks note %q", tt.keys, tt.note)
			}
		})
	}
}

func TestSortKeys(t *testing.T) {
	m := synthModel(t)
	firstCol := func(h *harness, col int) []string {
		var out []string
		for _, r := range h.u.cur.table.rows {
			out = append(out, r.cells[col].text)
		}
		return out
	}
	h := newHarness(t, m)
	h.command("tasks")
	h.keys("S") // STATE ascending
	states := firstCol(h, 4)
	if !strings.HasPrefix(states[0], "TASK_FAILED") || states[len(states)-1] != "TASK_STARTING" {
		t.Errorf("Shift-S: states = %v, want ascending", states)
	}
	if !strings.Contains(h.screen(), "STATE↑") {
		t.Errorf("Shift-S: header lacks STATE↑")
	}
	h.keys("S") // again: descending
	if got := firstCol(h, 4); got[0] != "TASK_STARTING" {
		t.Errorf("Shift-S twice: first state = %q, want TASK_STARTING", got[0])
	}
	h.keys(">") // next column: ROLE, text ascending
	if !strings.Contains(h.screen(), "ROLE↑") {
		t.Errorf("'>': header lacks ROLE↑:\n%s", h.screen())
	}
	h.keys(">") // CPU, numeric: descending first
	if !strings.Contains(h.screen(), "CPU↓") {
		t.Errorf("'>' twice: header lacks CPU↓")
	}
	h.keys("Z")
	if !strings.Contains(h.u.flash, "SHIFT-Z: no such column") {
		t.Errorf("Shift-Z flash = %q", h.u.flash)
	}
	h.command("drf")
	h.keys("S")
	if !strings.Contains(h.u.flash, "keeps its own order") {
		t.Errorf("sorting the DRF tree: flash = %q, want a refusal", h.u.flash)
	}
}

func TestNavigationKeys(t *testing.T) {
	h := newHarness(t, synthModel(t))
	h.command("tasks")
	steps := []struct {
		keys string
		key  tcell.Key
		sel  int
	}{
		{keys: "j", sel: 1}, {keys: "jj", sel: 3}, {keys: "k", sel: 2}, {keys: "G", sel: 15}, {keys: "j", sel: 15},
		{keys: "g", sel: 0}, {keys: "k", sel: 0}, {key: tcell.KeyDown, sel: 1}, {key: tcell.KeyEnd, sel: 15},
		{key: tcell.KeyHome, sel: 0}, {key: tcell.KeyPgDn, sel: 15}, {key: tcell.KeyPgUp, sel: 0},
	}
	h.screen() // lay out: paging needs the table's height
	for _, s := range steps {
		if s.keys != "" {
			h.keys(s.keys)
		} else {
			h.key(s.key)
		}
		if h.u.table.sel != s.sel {
			t.Errorf("after %q/%v selection = %d, want %d", s.keys, s.key, h.u.table.sel, s.sel)
		}
	}
}

func TestCopyRowAsJSON(t *testing.T) {
	h := newHarness(t, synthModel(t))
	h.command("tasks")
	h.keys("jy")
	if len(h.copied) != 1 {
		t.Fatalf("y copied %d times, want 1", len(h.copied))
	}
	var task inspector.Task
	if err := json.Unmarshal(h.copied[0], &task); err != nil {
		t.Fatalf("y copied %q: %v", h.copied[0], err)
	}
	if task.ID != "cron.11" || task.FrameworkID != "synth-0002" || len(task.Statuses) != 3 {
		t.Errorf("y copied task %+v, want cron.11 of synth-0002 with 3 statuses", task)
	}
	if !strings.Contains(h.u.flash, "copied synth-0002/cron.11 as JSON") {
		t.Errorf("flash = %q", h.u.flash)
	}
	h.command("pulse")
	h.keys("y")
	if len(h.copied) != 1 || !strings.Contains(h.u.flash, "no row") {
		t.Errorf("y on Pulse: copied %d, flash %q", len(h.copied), h.u.flash)
	}
}

func TestWhyKey(t *testing.T) {
	m := synthModel(t)
	tests := []struct {
		view, keys, arg string
	}{
		{"fw", "w", "framework:synth-0002"},
		{"tasks", "w", "framework:synth-0002"},
		{"offers", "w", "framework:synth-0000"},
		{"drf", "w", "role:*"},
		{"drf", "jw", "framework:synth-0003"},
	}
	for _, tt := range tests {
		t.Run(tt.view+tt.keys, func(t *testing.T) {
			h := newHarness(t, m)
			h.command(tt.view)
			h.keys(tt.keys)
			if p := h.u.top(); p.view != vWhy || p.arg != tt.arg {
				t.Errorf(":%s %s opened %v %q, want why %q", tt.view, tt.keys, p.view, p.arg, tt.arg)
			}
		})
	}
	h := newHarness(t, m)
	h.command("agents")
	h.keys("w")
	if h.u.top().view != vAgents || !strings.Contains(h.u.flash, "nothing to explain") {
		t.Errorf("w on Agents: view %v flash %q", h.u.top().view, h.u.flash)
	}
}

func TestPulseTiles(t *testing.T) {
	h := newHarness(t, synthModel(t))
	want := []viewID{vAgents, vTasks, vOffers, vDRF, vActors, vFrameworks}
	for i, v := range want {
		if i > 0 {
			h.key(tcell.KeyTab)
		}
		if got, _ := h.u.pulse.target(); got != v {
			t.Errorf("tile %d target = %v, want %v", i, got, v)
		}
	}
	h.key(tcell.KeyTab) // wraps
	h.keys("\n")
	if h.u.top().view != vAgents {
		t.Errorf("Enter on the first tile opened %v, want agents", h.u.top().view)
	}
	h.keys("\x1b3\n")
	if h.u.top().view != vOffers {
		t.Errorf("3 then Enter opened %v, want offers", h.u.top().view)
	}
}

func TestHelpAndAliases(t *testing.T) {
	h := newHarness(t, synthModel(t))
	h.command("actors")
	h.keys("?")
	got := h.screen()
	for _, want := range []string{"Help: Actors", "SHIFT-D", "sort by DEPTH", "ctrl-a"} {
		if !strings.Contains(got, want) {
			t.Errorf("help for Actors lacks %q:\n%s", want, got)
		}
	}
	h.keys("\x1b")
	h.key(tcell.KeyCtrlA)
	got = h.screen()
	for _, want := range []string{"Aliases [", "containers", "ct co container"} {
		if !strings.Contains(got, want) {
			t.Errorf("alias list lacks %q:\n%s", want, got)
		}
	}
}

func TestWriteActions(t *testing.T) {
	m := synthModel(t)
	t.Run("read-only refuses", func(t *testing.T) {
		h := newHarness(t, m)
		h.command("fw")
		h.key(tcell.KeyCtrlD)
		if len(h.acts) != 0 || !strings.Contains(h.u.flash, "read-only") {
			t.Errorf("ctrl-d read-only: acts %v flash %q", h.acts, h.u.flash)
		}
	})
	t.Run("teardown asks, y runs", func(t *testing.T) {
		h := newHarness(t, m, withReadWrite())
		h.command("fw")
		h.key(tcell.KeyCtrlD)
		if got := h.screen(); !strings.Contains(got, "TEARDOWN framework cron (synth-0002)? Its tasks are killed. [y/N]") {
			t.Fatalf("no question on screen:\n%s", got)
		}
		h.keys("y")
		want := []action{{what: "teardown cron", call: callTeardown, extra: map[string]any{"teardown": map[string]any{"framework_id": map[string]string{"value": "synth-0002"}}}}}
		if diff := cmp.Diff(want, h.acts, cmp.AllowUnexported(action{})); diff != "" {
			t.Errorf("actions (-want +got):\n%s", diff)
		}
	})
	t.Run("any other key cancels", func(t *testing.T) {
		h := newHarness(t, m, withReadWrite())
		h.command("agents")
		h.key(tcell.KeyCtrlK)
		h.keys("n")
		if len(h.acts) != 0 || h.u.flash != "cancelled" {
			t.Errorf("ctrl-k n: acts %v flash %q", h.acts, h.u.flash)
		}
	})
	t.Run("mark agent gone", func(t *testing.T) {
		h := newHarness(t, m, withReadWrite())
		h.command("agents")
		h.key(tcell.KeyCtrlK)
		h.keys("Y")
		if len(h.acts) != 1 || h.acts[0].call != callMarkAgentGone {
			t.Errorf("ctrl-k Y: acts %v", h.acts)
		}
	})
	t.Run("weights", func(t *testing.T) {
		h := newHarness(t, m, withReadWrite())
		h.command("weight eng/web x")
		if !strings.Contains(h.u.flash, "want a positive number") {
			t.Errorf(":weight x flash = %q", h.u.flash)
		}
		h.command("weight eng/web 2.5")
		h.keys("y")
		want := []action{{what: "weight of eng/web", call: callUpdateWeights, extra: map[string]any{"update_weights": map[string]any{"weight_infos": []map[string]any{{"role": "eng/web", "weight": 2.5}}}}}}
		if diff := cmp.Diff(want, h.acts, cmp.AllowUnexported(action{})); diff != "" {
			t.Errorf("actions (-want +got):\n%s", diff)
		}
	})
}

// A frame built for a page the user has left is dropped; the selection
// follows its row when a new read reorders the rows.
func TestFramesAndSelection(t *testing.T) {
	m := synthModel(t)
	h := newHarness(t, m)
	h.command("tasks")
	h.keys("jjj")
	key := h.u.table.selectedKey()
	stale := h.rend.build()
	h.command("agents")
	h.u.swap(stale)
	if !strings.Contains(h.screen(), "Agents [") {
		t.Errorf("a stale Tasks frame replaced the Agents page")
	}
	h.keys("\x1b")
	// Reverse the order: the selected task keeps its selection.
	h.keys("F")
	if got := h.u.table.selectedKey(); got != key {
		t.Errorf("after re-sorting the selection is on %q, want %q", got, key)
	}
}

func TestMouse(t *testing.T) {
	h := newHarness(t, synthModel(t))
	h.command("tasks")
	h.screen()
	handler := h.u.MouseHandler()
	// The first row is on screen line 4 (header, hints, border, column titles).
	click := func(action tview.MouseAction, x, y int) {
		handler(action, tcell.NewEventMouse(x, y, tcell.Button1, tcell.ModNone), func(tview.Primitive) {})
	}
	click(tview.MouseLeftClick, 10, 6)
	if h.u.table.sel != 2 {
		t.Errorf("click on line 6 selected row %d, want 2", h.u.table.sel)
	}
	click(tview.MouseScrollDown, 10, 6)
	if h.u.table.sel != 5 {
		t.Errorf("wheel down selected row %d, want 5", h.u.table.sel)
	}
	click(tview.MouseLeftDoubleClick, 10, 4)
	if p := h.u.top(); p.view != vTask {
		t.Errorf("double click opened %v, want a task", p.view)
	}
}

func TestNoColor(t *testing.T) {
	for _, mono := range []bool{true, false} {
		th := newTheme(mono)
		colored := 0
		for k := range numTones {
			fg, bg, _ := th.style(k).Decompose()
			if fg != tcell.ColorDefault || bg != tcell.ColorDefault {
				colored++
			}
		}
		if mono && colored != 0 {
			t.Errorf("NO_COLOR theme has %d coloured tones, want 0", colored)
		}
		if !mono && colored == 0 {
			t.Errorf("colour theme has no colours")
		}
	}
	// Every cell of a monochrome screen is drawn in the terminal's own colours.
	h := newHarness(t, synthModel(t))
	h.command("tasks")
	h.screen()
	cells, w, _ := h.scr.GetContents()
	for i, c := range cells {
		if fg, bg, _ := c.Style.Decompose(); fg != tcell.ColorDefault || bg != tcell.ColorDefault {
			t.Fatalf("cell (%d,%d) %q has colours %v/%v", i%w, i/w, c.Runes, fg, bg)
		}
	}
}
