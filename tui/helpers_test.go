package tui

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mesoscope/mesoscope/inspector"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got with testdata/golden/name, or writes it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test ./tui -run %s -update)", name, err, t.Name())
	}
	if got != string(want) {
		t.Errorf("screen %s differs from the golden file (go test ./tui -run '%s' -update rewrites it)\n--- got\n%s\n--- want\n%s", name, t.Name(), got, want)
	}
}

// demoClient reads testdata/demo.tar.gz, a bundle saved from `mesoscope
// demo` (see testdata/README.md), with the clock stopped at the capture.
func demoClient(t testing.TB) *inspector.Client {
	t.Helper()
	return bundleClient(t, filepath.Join("testdata", "demo.tar.gz"))
}

func bundleClient(t testing.TB, path string) *inspector.Client {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := inspector.LoadBundle(f, inspector.BundleLimits{})
	if err != nil {
		t.Fatal(err)
	}
	taken := b.Manifest.TakenAt
	c, err := b.Client(inspector.Config{Now: func() time.Time { return taken }})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// realMesosBundle saves a bundle with inspector.SaveBundle from a fake
// master (in memory, no network) serving payloads of real Mesos (DC/OS 1.2 state, a 0.22-era metrics
// snapshot; no roles, no processes, no v1 API, no mesoscope extras) and
// returns a client reading it.
func realMesosBundle(t testing.TB) *inspector.Client {
	t.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", "realmesos", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	files := map[string][]byte{
		"/master/state":     read("dcos-ui.healthy-tasks.master-state.json"),
		"/metrics/snapshot": read("mackerel-plugin-mesos.master.metrics-snapshot.json"),
	}
	taken := time.Date(2017, 4, 12, 10, 0, 0, 0, time.UTC)
	c, err := inspector.New(inspector.Config{
		Master:     "http://leader.mesos:5050",
		HTTPClient: &http.Client{Transport: &fakeMaster{files: files}},
		Now:        func() time.Time { return taken },
		Retry:      inspector.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := inspector.SaveBundle(context.Background(), c, &buf, inspector.BundleOptions{}); err != nil {
		t.Fatal(err)
	}
	b, err := inspector.LoadBundle(&buf, inspector.BundleLimits{})
	if err != nil {
		t.Fatal(err)
	}
	bc, err := b.Client(inspector.Config{Now: func() time.Time { return taken }})
	if err != nil {
		t.Fatal(err)
	}
	return bc
}

// synthClient reads a synthetic cluster from memory.
func synthClient(t testing.TB, s synthSpec) *inspector.Client {
	t.Helper()
	c, err := inspector.New(inspector.Config{
		Master:     "http://master-1:5050",
		HTTPClient: &http.Client{Transport: &fakeMaster{files: s.files()}},
		Now:        func() time.Time { return synthT0 },
		Retry:      inspector.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readModel reads a model the way the poller does, asking for everything.
func readModel(t testing.TB, c *inspector.Client, n needs) *model {
	t.Helper()
	w := &worker{c: c, hub: newHub(10), log: discardLogger(), refresh: time.Second, now: func() time.Time { return synthT0 }}
	m, err := w.read(context.Background(), nil, n)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// harness is a UI on a SimulationScreen with the renderer called
// synchronously: every key's effect is on screen when press returns.
type harness struct {
	t      testing.TB
	u      *ui
	hub    *hub
	rend   *renderer
	scr    tcell.SimulationScreen
	w, h   int
	copied [][]byte
	quits  int
	acts   []action
	pokes  int
}

type harnessOpt func(*harness)

func withReadWrite() harnessOpt { return func(h *harness) { h.rend.readWrite = true } }

func newHarness(t testing.TB, m *model, opts ...harnessOpt) *harness {
	t.Helper()
	reg := newRegistry()
	hb := newHub(100)
	hb.publish(m)
	h := &harness{t: t, hub: hb, rend: &renderer{hub: hb, reg: reg}, w: 120, h: 36}
	for _, o := range opts {
		o(h)
	}
	hooks := uiHooks{
		request: func() {
			if h.u != nil {
				h.u.swap(h.rend.build())
			}
		},
		refresh: func() { h.pokes++ },
		quit:    func() { h.quits++ },
		copy:    func(b []byte) { h.copied = append(h.copied, b) },
		act:     func(a action) { h.acts = append(h.acts, a) },
		now:     func() time.Time { return m.now },
	}
	h.u = newUI(reg, newTheme(true), hb, hooks, h.rend.readWrite, vPulse)
	h.u.changed()
	h.scr = tcell.NewSimulationScreen("UTF-8")
	if err := h.scr.Init(); err != nil {
		t.Fatal(err)
	}
	h.scr.SetSize(h.w, h.h)
	t.Cleanup(h.scr.Fini)
	return h
}

// screen draws the UI and returns the screen as text.
func (h *harness) screen() string {
	h.scr.Clear()
	h.u.SetRect(0, 0, h.w, h.h)
	h.u.Draw(h.scr)
	h.scr.Show()
	return screenText(h.scr)
}

// keys types text: runes as they are, "\n" as Enter, "\x1b" as Esc.
func (h *harness) keys(text string) {
	for _, r := range text {
		switch r {
		case '\n':
			h.key(tcell.KeyEnter)
		case 0x1b:
			h.key(tcell.KeyEscape)
		default:
			h.u.handleKey(tcell.NewEventKey(tcell.KeyRune, r, tcell.ModNone))
		}
	}
}

func (h *harness) key(k tcell.Key) {
	h.u.handleKey(tcell.NewEventKey(k, 0, tcell.ModNone))
}

// command runs a `:` command.
func (h *harness) command(cmd string) { h.keys(":" + cmd + "\n") }
