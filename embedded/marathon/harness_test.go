package marathon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/master"
)

// e2e is an in-process cluster (real agents running real processes) with
// a Marathon serving its REST API on a loopback port.
type e2e struct {
	t     *testing.T
	local *cluster.Local
	m     *marathon.Marathon
	cfg   marathon.Config
	url   string
}

// agentConfig is the agents' template: fast retries, the test shim.
func agentConfig() agent.Config {
	return agent.Config{
		RegistrationBackoffFactor: 10 * time.Millisecond,
		StatusUpdateRetryMin:      100 * time.Millisecond, StatusUpdateRetryMax: time.Second,
		Containerizer: containerizer.Config{Shim: testShim(), Isolation: []string{"posix/cpu", "posix/mem"}},
	}
}

// testLogger logs to the test output when -v and MARATHON_TEST_LOG are set.
func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("MARATHON_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// fastConfig shortens Marathon's intervals for tests.
func fastConfig(cfg marathon.Config) marathon.Config {
	if cfg.MinReviveOffersInterval == 0 {
		cfg.MinReviveOffersInterval = 100 * time.Millisecond
	}
	if cfg.ReconciliationInitialDelay == 0 {
		cfg.ReconciliationInitialDelay = time.Hour
	}
	if cfg.Seed == 0 {
		cfg.Seed = 7
	}
	return cfg
}

// startE2E starts the cluster and Marathon.
func startE2E(t *testing.T, agents []cluster.AgentSpec, mcfg master.Config, cfg marathon.Config) *e2e {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if mcfg.AllocationInterval == 0 {
		mcfg.AllocationInterval = 100 * time.Millisecond
	}
	local, err := cluster.StartLocal(cluster.LocalConfig{
		Listener: ln, WorkDir: t.TempDir(), Agents: agents, Master: mcfg, Agent: agentConfig(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := local.Stop(ctx, true); err != nil {
			t.Errorf("stop cluster: %v", err)
		}
	})
	e := &e2e{t: t, local: local}
	cfg.Master = local.URL()
	e.cfg = fastConfig(cfg)
	e.startMarathon()
	return e
}

// startMarathon (re)starts the scheduler with e.cfg on a new port.
func (e *e2e) startMarathon() {
	e.t.Helper()
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	cfg := e.cfg
	cfg.HTTPListener = hl
	if cfg.Logger == nil {
		cfg.Logger = testLogger(e.t)
	}
	m, err := marathon.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if err := m.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.m, e.url = m, m.URL()
	e.t.Cleanup(func() { e.stopMarathon(m) })
}

func (e *e2e) stopMarathon(m *marathon.Marathon) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Stop(ctx); err != nil {
		e.t.Errorf("stop marathon: %v", err)
	}
}

// call makes a REST call and decodes the JSON answer into out (if not nil).
func (e *e2e) call(method, path string, body any, out any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if out != nil && len(data) > 0 && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode, data
}

// mustCall is call that requires the wanted status.
func (e *e2e) mustCall(method, path string, body any, want int, out any) []byte {
	e.t.Helper()
	code, data := e.call(method, path, body, out)
	if code != want {
		e.t.Fatalf("%s %s = %d %s, want %d", method, path, code, data, want)
	}
	return data
}

// eventually polls cond until it holds or the timeout passes; desc
// describes the last state seen.
func (e *e2e) eventually(timeout time.Duration, what string, cond func() (bool, string)) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	last := ""
	for {
		ok, desc := cond()
		if ok {
			return
		}
		last = desc
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: not within %v; last: %s", what, timeout, last)
		}
		<-tick.C
	}
}

// appState is the part of GET /v2/apps/{id} the tests look at.
type appState struct {
	App struct {
		ID              string                              `json:"id"`
		Instances       int                                 `json:"instances"`
		TasksRunning    int                                 `json:"tasksRunning"`
		TasksStaged     int                                 `json:"tasksStaged"`
		Version         string                              `json:"version"`
		Deployments     []struct{ ID string }               `json:"deployments"`
		Tasks           []taskState                         `json:"tasks"`
		VersionInfo     struct{ LastConfigChangeAt string } `json:"versionInfo"`
		LastTaskFailure *struct {
			State   string `json:"state"`
			Message string `json:"message"`
		} `json:"lastTaskFailure"`
	} `json:"app"`
}

type taskState struct {
	ID      string   `json:"id"`
	Host    string   `json:"host"`
	State   string   `json:"state"`
	Version string   `json:"version"`
	Ports   []uint64 `json:"ports"`
	SlaveID string   `json:"slaveId"`
}

func (e *e2e) app(id string) appState {
	e.t.Helper()
	var a appState
	e.mustCall("GET", "/v2/apps"+id, nil, 200, &a)
	return a
}

// waitDeployed waits until the app has no deployment and n running tasks.
func (e *e2e) waitDeployed(id string, n int, timeout time.Duration) appState {
	e.t.Helper()
	var a appState
	e.eventually(timeout, "app "+id+" deployed with "+fmt.Sprint(n)+" running", func() (bool, string) {
		a = e.app(id)
		running := 0
		for _, t := range a.App.Tasks {
			if t.State == "TASK_RUNNING" {
				running++
			}
		}
		return len(a.App.Deployments) == 0 && running == n && len(a.App.Tasks) == n,
			fmt.Sprintf("deployments=%d tasks=%+v", len(a.App.Deployments), a.App.Tasks)
	})
	return a
}
