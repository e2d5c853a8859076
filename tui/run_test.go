package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/mesoscope/mesoscope/inspector"
)

// typeInto injects keys into a simulation screen: runes, "\n" as Enter.
func typeInto(scr tcell.SimulationScreen, text string) {
	for _, r := range text {
		if r == '\n' {
			scr.InjectKey(tcell.KeyEnter, 0, tcell.ModNone)
			continue
		}
		scr.InjectKey(tcell.KeyRune, r, tcell.ModNone)
	}
}

// The whole TUI, goroutines and all, on a SimulationScreen reading the demo
// bundle, with synctest's clock: it connects in the background, draws, takes
// keys, refreshes, and stops on Ctrl-C with every goroutine gone.
func TestRunOnSimulationScreen(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := demoClient(t)
		taken := time.Date(2026, 11, 26, 6, 8, 57, 0, time.UTC)
		scr := tcell.NewSimulationScreen("UTF-8")
		var mu sync.Mutex
		var copied []byte
		done := make(chan error, 1)
		go func() {
			done <- Run(t.Context(), Config{Client: c, Screen: scr, Now: func() time.Time { return taken }, NoColor: true,
				Clipboard: func(b []byte) { mu.Lock(); copied = b; mu.Unlock() }})
		}()
		synctest.Wait()
		scr.SetSize(120, 36)
		scr.PostEvent(tcell.NewEventResize(120, 36))
		synctest.Wait()
		if got := screenText(scr); !strings.Contains(got, "Resources allocated / total") || !strings.Contains(got, "● connected") {
			t.Fatalf("Pulse not drawn:\n%s", got)
		}
		typeInto(scr, ":tasks\n")
		synctest.Wait()
		if got := screenText(scr); !strings.Contains(got, "Tasks [16]") {
			t.Fatalf(":tasks not drawn:\n%s", got)
		}
		typeInto(scr, "/web\n")
		synctest.Wait()
		if got := screenText(scr); !strings.Contains(got, "Tasks(/web) [6/16]") {
			t.Errorf("filter not applied:\n%s", got)
		}
		typeInto(scr, "y")
		synctest.Wait()
		mu.Lock()
		if !strings.Contains(string(copied), `"id": "web-api.1"`) {
			t.Errorf("y copied %s", copied)
		}
		mu.Unlock()
		if got := string(scr.GetClipboardData()); !strings.Contains(got, "web-api.1") {
			t.Errorf("the terminal's clipboard has %q", got)
		}
		// A refresh later the page is still there (the poller read again).
		time.Sleep(DefaultRefresh + time.Second)
		synctest.Wait()
		if got := screenText(scr); !strings.Contains(got, "Tasks(/web) [6/16]") {
			t.Errorf("after a refresh:\n%s", got)
		}
		scr.InjectKey(tcell.KeyCtrlC, 0, tcell.ModNone)
		synctest.Wait()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run() = %v, want nil", err)
			}
		default:
			t.Fatal("Run did not return after Ctrl-C")
		}
	})
}

// flakyMaster fails every request until healed, then serves files.
type flakyMaster struct {
	mu     sync.Mutex
	broken bool
	next   http.RoundTripper
}

func (f *flakyMaster) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	broken := f.broken
	f.mu.Unlock()
	if broken {
		return nil, errors.New("connection refused")
	}
	return f.next.RoundTrip(req)
}

func (f *flakyMaster) set(broken bool) {
	f.mu.Lock()
	f.broken = broken
	f.mu.Unlock()
}

// Connecting happens in the background: the screen is up before the master
// answers, says so, retries with backoff, and shows the data when the master
// comes back; a lost master keeps the last data on screen.
func TestRunReconnects(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fm := &flakyMaster{broken: true, next: &fakeMaster{files: synthSpec{agents: 3, frameworks: 2, tasks: 4, actors: 3}.files()}}
		c, err := inspector.New(inspector.Config{Master: "http://master-1:5050", HTTPClient: &http.Client{Transport: fm},
			Now: func() time.Time { return synthT0 }, Retry: inspector.RetryPolicy{MaxAttempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		scr := tcell.NewSimulationScreen("UTF-8")
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			done <- Run(ctx, Config{Client: c, Screen: scr, View: "agents", Now: func() time.Time { return synthT0 }})
		}()
		synctest.Wait()
		scr.SetSize(120, 30)
		scr.PostEvent(tcell.NewEventResize(120, 30))
		synctest.Wait()
		got := screenText(scr)
		if !strings.Contains(got, "● connecting") || !strings.Contains(got, "cannot read the master yet") {
			t.Fatalf("before the master answers:\n%s", got)
		}
		time.Sleep(1500 * time.Millisecond) // the first retry, 1s later, fails too
		synctest.Wait()
		if got := screenText(scr); !strings.Contains(got, "● reconnecting (try 3, next in") {
			t.Errorf("while retrying:\n%s", got)
		}
		fm.set(false)
		time.Sleep(2 * time.Second) // the next try, 2s after the second failure
		synctest.Wait()
		got = screenText(scr)
		if !strings.Contains(got, "● connected") || !strings.Contains(got, "Agents [3]") {
			t.Fatalf("after the master came back:\n%s", got)
		}
		fm.set(true)
		time.Sleep(DefaultRefresh + time.Second)
		synctest.Wait()
		got = screenText(scr)
		if !strings.Contains(got, "● reconnecting (try ") || !strings.Contains(got, "showing data from 03:04:05") || !strings.Contains(got, "node-000") {
			t.Errorf("after losing the master the last data should stay:\n%s", got)
		}
		// Keys still work while the master is gone.
		typeInto(scr, ":fw\n")
		synctest.Wait()
		if got := screenText(scr); !strings.Contains(got, "Frameworks [2]") {
			t.Errorf(":fw while disconnected:\n%s", got)
		}
		cancel()
		synctest.Wait()
		if err := <-done; err != nil {
			t.Errorf("Run() = %v, want nil", err)
		}
	})
}

func TestRunConfigErrors(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "tui: run: Config.Client and Config.Master are both empty"},
		{Config{Master: "zk://zk1:2181/mesos"}, "ZooKeeper addresses are not supported"},
		{Config{Master: "http://127.0.0.1:1", View: "nosuch"}, `view "nosuch": unknown`},
	}
	for _, tt := range tests {
		err := Run(t.Context(), tt.cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Run(%+v) = %v, want an error containing %q", tt.cfg, err, tt.want)
		}
	}
}

// writeMaster records operator calls and answers them 200.
type writeMaster struct {
	mu    sync.Mutex
	calls []string
	next  http.RoundTripper
}

func (w *writeMaster) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && req.URL.Path == "/api/v1" {
		body, _ := io.ReadAll(req.Body)
		req.Body.Close()
		if !strings.Contains(string(body), `"SUBSCRIBE"`) && !strings.Contains(string(body), `"GET_`) {
			w.mu.Lock()
			w.calls = append(w.calls, string(body))
			w.mu.Unlock()
			return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: http.Header{}, Body: http.NoBody, Request: req}, nil
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return w.next.RoundTrip(req)
}

// With --readwrite a confirmed TEARDOWN reaches the master as an operator
// call, off the UI goroutine, and its outcome is shown.
func TestRunReadWriteTeardown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		wm := &writeMaster{next: &fakeMaster{files: synthSpec{agents: 2, frameworks: 2, tasks: 2, actors: 3}.files()}}
		c, err := inspector.New(inspector.Config{Master: "http://master-1:5050", HTTPClient: &http.Client{Transport: wm},
			Now: func() time.Time { return synthT0 }, Retry: inspector.RetryPolicy{MaxAttempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		scr := tcell.NewSimulationScreen("UTF-8")
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			done <- Run(ctx, Config{Client: c, Screen: scr, View: "fw", ReadWrite: true, Now: func() time.Time { return synthT0 }})
		}()
		synctest.Wait()
		scr.SetSize(120, 30)
		scr.PostEvent(tcell.NewEventResize(120, 30))
		synctest.Wait()
		scr.InjectKey(tcell.KeyCtrlD, 0, tcell.ModNone)
		synctest.Wait()
		if got := screenText(scr); !strings.Contains(got, "TEARDOWN framework spark (synth-0001)?") {
			t.Fatalf("no question:\n%s", got)
		}
		typeInto(scr, "y")
		synctest.Wait()
		wm.mu.Lock()
		calls := slices.Clone(wm.calls)
		wm.mu.Unlock()
		if want := []string{`{"teardown":{"framework_id":{"value":"synth-0001"}},"type":"TEARDOWN"}`}; !slices.Equal(calls, want) {
			t.Errorf("operator calls = %q, want %q", calls, want)
		}
		if got := screenText(scr); !strings.Contains(got, "teardown spark: done") {
			t.Errorf("no outcome shown:\n%s", got)
		}
		cancel()
		synctest.Wait()
		if err := <-done; err != nil {
			t.Errorf("Run() = %v, want nil", err)
		}
	})
}
