package main

import (
	"context"
	"flag"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/inspector"
	"github.com/mesoscope/mesoscope/tracer"
	"github.com/mesoscope/mesoscope/tui"
)

var tuiSaveBundle = flag.String("tui.save-bundle", "", "also save a bundle of the live demo to this file (regenerates tui/testdata/demo.tar.gz)")

// recScreen is a SimulationScreen that keeps the text of the last frame shown,
// copied on the UI goroutine as it shows it, for the test to read.
type recScreen struct {
	tcell.SimulationScreen
	mu    sync.Mutex
	text  string
	ready chan struct{}
	once  sync.Once
}

// Init initialises the screen (tui.Run does, through tview) and says so.
func (s *recScreen) Init() error {
	err := s.SimulationScreen.Init()
	s.once.Do(func() { close(s.ready) })
	return err
}

func (s *recScreen) Show() {
	s.SimulationScreen.Show()
	cells, w, h := s.GetContents()
	var b strings.Builder
	for y := range h {
		for x := range w {
			c := cells[y*w+x]
			if len(c.Runes) == 0 {
				b.WriteByte(' ')
				continue
			}
			b.WriteString(string(c.Runes))
		}
		b.WriteByte('\n')
	}
	s.mu.Lock()
	s.text = b.String()
	s.mu.Unlock()
}

func (s *recScreen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.text
}

// tlogWriter sends the TUI's debug log to the test log.
type tlogWriter struct{ t *testing.T }

func (w tlogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// waitFor polls the screen until every want is on it (a real-time cluster
// and a real-time UI: there is no clock to advance).
func (s *recScreen) waitFor(t *testing.T, what string, want ...string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got := s.String()
		missing := ""
		for _, w := range want {
			if !strings.Contains(got, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: screen lacks %q after 60s:\n%s", what, missing, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *recScreen) typeText(text string) {
	for _, r := range text {
		if r == '\n' {
			s.InjectKey(tcell.KeyEnter, 0, tcell.ModNone)
			continue
		}
		s.InjectKey(tcell.KeyRune, r, tcell.ModNone)
	}
}

// The TUI attached to a live embedded cluster running the demo's workload:
// every view shows what only a live mesoscope master has (dispatch rates,
// allocation cycles, container timelines, the event stream, spans, the exact
// explainer).
func TestTUIAgainstEmbeddedCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a cluster with real processes")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Traced as `mesoscope demo` is, so the TUI has spans to show.
	tr, err := tracer.New(tracer.WithServiceName("mesoscope-master"))
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Shutdown(context.Background())
	d, err := cluster.StartDemo(cluster.DemoConfig{
		Listener: ln, WorkDir: t.TempDir(), Seed: 3, TimeScale: 0.05, Observer: tr,
		Agent: agent.Config{RegistrationBackoffFactor: 10 * time.Millisecond,
			Containerizer: containerizer.Config{Isolation: []string{"posix/cpu", "posix/mem"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Attach(d.Runtime()); err != nil {
		t.Fatal(err)
	}
	d.Runtime().Handle("/mesoscope/v1/spans", tr.Memory())
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := d.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	c, err := inspector.New(inspector.Config{Master: d.URL()})
	if err != nil {
		t.Fatal(err)
	}
	scr := &recScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), ready: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	logger := slog.New(slog.NewTextHandler(tlogWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	go func() {
		done <- tui.Run(ctx, tui.Config{Client: c, Screen: scr, Refresh: 300 * time.Millisecond, Marathon: d.MarathonURL(), Logger: logger})
	}()
	<-scr.ready
	scr.SetSize(140, 45)
	scr.PostEvent(tcell.NewEventResize(140, 45))
	scr.waitFor(t, "pulse", "● connected", "events subscribed", "Resources allocated / total", "(mesoscope)", "agents     3 active of 3")
	steps := []struct {
		keys string
		want []string
	}{
		{":actors\n", []string{"Actors [", "allocator", "master", "slave(1)"}},
		{":drf\n", []string{"DRF role tree", "web", "batch", "marathon", "gpu-trainer", "Last allocation cycles"}},
		{":agents\n", []string{"Agents [3]", "agent-1", "agent-gpu", "rack=r2"}},
		{":fw\n", []string{"Frameworks [3]", "marathon", "batch-etl", "gpu-trainer"}},
		{":tasks\n", []string{"Tasks [", "TASK_RUNNING", "web-frontend"}},
		{":ct\n", []string{"Containers [", "RUNNING", "S›PV›PP›I›F›R"}},
		{":events\n", []string{"Events [", "stream subscribed", "TASK_UPDATED"}},
		{":traces\n", []string{"Traces [", "mesoscope-master"}},
		{":offers\n", []string{"Offers ["}},
		{":why batch-etl\n", []string{"Why framework batch-etl", "answered by: exact"}},
		// The Marathon app that waits: the Why view reads the demo's Marathon.
		{":why " + cluster.DemoAppWaiting + "\n", []string{"Why app " + cluster.DemoAppWaiting, "Marathon declined", "InsufficientMemory"}},
	}
	for _, s := range steps {
		scr.typeText(s.keys)
		scr.waitFor(t, strings.TrimSpace(s.keys), s.want...)
	}
	if *tuiSaveBundle != "" {
		f, err := os.Create(*tuiSaveBundle)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := inspector.SaveBundle(ctx, c, f, inspector.BundleOptions{Agents: true}); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	scr.InjectKey(tcell.KeyCtrlC, 0, tcell.ModNone)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("tui.Run() = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("tui.Run did not return after Ctrl-C")
	}
}

func TestTUICommandFlags(t *testing.T) {
	out, err := runInspect(t, newRootCommand(), "tui", "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--master", "--readwrite", "--refresh duration", "--bundle", "--no-color", "--view", "--log-file", "--principal"} {
		if !strings.Contains(out, want) {
			t.Errorf("tui --help lacks %q:\n%s", want, out)
		}
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"tui", "--bundle", "../../tui/testdata/demo.tar.gz", "--view", "nosuch"}, `view "nosuch": unknown`},
		{[]string{"tui", "--bundle", "no-such-file.tar.gz"}, "no-such-file.tar.gz"},
		{[]string{"tui", "--master", "zk://zk:2181/mesos"}, "ZooKeeper addresses are not supported"},
		{[]string{"tui", "extra"}, "unknown command"},
	}
	for _, tt := range tests {
		_, err := runInspect(t, newRootCommand(), tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("mesoscope %s: error %v, want one containing %q", strings.Join(tt.args, " "), err, tt.want)
		}
	}
}
