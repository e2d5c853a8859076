package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/cluster"
)

// demoBuffer is a bytes.Buffer safe for the demo's loggers, which write
// from the runtime's goroutines.
type demoBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *demoBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *demoBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runDemoCLI runs one mesoscope command to completion.
func runDemoCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out demoBuffer
	cmd := newRootCommand()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// `mesoscope demo --no-tui` runs the in-process Marathon with the cluster:
// it prints the Marathon's URL, `mesoscope why /analytics` explains the
// waiting app from the Marathon's /v2/queue, and the summary printed at
// the end has the frameworks and the apps, the waiting one shown Waiting
// (what CI's smoke test greps).
func TestDemoCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a cluster with real processes")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out demoBuffer
	cmd := newRootCommand()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"demo", "--no-tui", "--port", "0", "--marathon_port", "0", "--time_scale", "0.05", "--work_dir", t.TempDir()})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	stopped := false
	stop := func() string {
		t.Helper()
		if !stopped {
			stopped = true
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("mesoscope demo: %v\n%s", err, out.String())
				}
			case <-time.After(60 * time.Second):
				t.Fatalf("mesoscope demo did not stop within 60s of Ctrl-C:\n%s", out.String())
			}
		}
		return out.String()
	}
	defer stop()

	urlRE := regexp.MustCompile(`master at (http://\S+), 3 agents, 3 frameworks; Marathon at (http://\S+) `)
	var master, mURL string
	// The banner is written a line at a time: wait for its last line.
	poll(t, 30*time.Second, "the demo's URLs", func() bool {
		s := out.String()
		m := urlRE.FindStringSubmatch(s)
		if m != nil {
			master, mURL = m[1], m[2]
		}
		return m != nil && strings.Contains(s, "Ctrl-C stops it.")
	})
	for _, want := range []string{
		mURL + "/v2/queue?embed=lastUnusedOffers",
		"why /analytics --master " + master + " --marathon " + mURL,
		"tui --master " + master + " --marathon " + mURL,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}

	// The waiting app, explained from both halves.
	var why string
	poll(t, 30*time.Second, "why /analytics to see Marathon's declines", func() bool {
		var err error
		why, err = runDemoCLI(t, "why", cluster.DemoAppWaiting, "--master", master, "--marathon", mURL)
		return err == nil && strings.Contains(why, "Marathon declined") && strings.Contains(why, "lacked memory")
	})
	for _, want := range []string{"App /analytics is waiting because Marathon declined", "InsufficientMemory", "mem: need 16384"} {
		if !strings.Contains(why, want) {
			t.Errorf("why /analytics output lacks %q:\n%s", want, why)
		}
	}

	// The web app's instances run; the crashing app failed.
	poll(t, 30*time.Second, "/web-frontend running and /web-api failed", func() bool {
		var web, api struct {
			App struct {
				TasksRunning    int `json:"tasksRunning"`
				LastTaskFailure *struct {
					State string `json:"state"`
				} `json:"lastTaskFailure"`
			} `json:"app"`
		}
		return getDemoJSON(mURL+"/v2/apps"+cluster.DemoAppWeb, &web) && getDemoJSON(mURL+"/v2/apps"+cluster.DemoAppCrash, &api) &&
			web.App.TasksRunning == 3 && api.App.LastTaskFailure != nil && api.App.LastTaskFailure.State == "TASK_FAILED"
	})
	poll(t, 30*time.Second, "batch-etl to launch", func() bool {
		var sum struct {
			Frameworks []struct {
				Name        string `json:"name"`
				TaskRunning int    `json:"TASK_RUNNING"`
				TaskFailed  int    `json:"TASK_FAILED"`
				TaskDone    int    `json:"TASK_FINISHED"`
			} `json:"frameworks"`
		}
		if !getDemoJSON(master+"/master/state-summary", &sum) {
			return false
		}
		for _, f := range sum.Frameworks {
			if f.Name == "batch-etl" && f.TaskRunning+f.TaskFailed+f.TaskDone > 0 {
				return true
			}
		}
		return false
	})

	// Ctrl-C: everything stops, then the summary.
	summary := stop()
	for _, re := range []string{
		`batch-etl +│ batch +│[^│]+│ +[1-9][0-9]* +│`,
		`/analytics +│ web +│ cpus:1; mem:16384 .*Waiting: no offer was big enough \(Insufficient(Memory|Cpus)\)`,
		`/web-frontend +│ web +│ cpus:0.5; mem:256 +│ +3 +│`,
		`/web-api +│ web +│`,
		`MARATHON APP`,
	} {
		if !regexp.MustCompile(re).MatchString(summary) {
			t.Errorf("demo summary does not match %s:\n%s", re, summary)
		}
	}
	// The Marathon is gone with the demo.
	if resp, err := http.Get(mURL + "/ping"); err == nil {
		resp.Body.Close()
		t.Errorf("GET %s/ping after the demo stopped: %s, want a refused connection", mURL, resp.Status)
	}
}

// getDemoJSON GETs url and decodes a 200 answer into out.
func getDemoJSON(url string, out any) bool {
	resp, err := http.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(out) == nil
}

// Bad demo flags are refused before anything starts, naming the flag.
func TestDemoCommandFlagErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--no-tui", "--port", "0", "--marathon_port", "70000"}, "--marathon_port=70000"},
		{[]string{"demo", "--no-tui", "--port", "0", "--marathon_port", busyPort}, "--marathon_port=" + busyPort},
		{[]string{"demo", "--no-tui", "--port", "0", "--time_scale", "0"}, "--time_scale=0"},
		{[]string{"demo", "--no-tui", "--port", "0", "--ip", "nowhere"}, "--ip"},
	}
	for _, tt := range tests {
		out, err := runDemoCLI(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("mesoscope %s: err = %v (output %q), want an error containing %q", strings.Join(tt.args, " "), err, out, tt.want)
		}
	}
}

// The Marathon's default port falls back to a free one when it is taken;
// a port given on the command line does not.
func TestListenMarathon(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	ln, err := listenMarathon("127.0.0.1", port, false)
	if err != nil {
		t.Fatalf("listenMarathon(127.0.0.1, %d (taken), default) = %v, want a free port", port, err)
	}
	if got := ln.Addr().(*net.TCPAddr).Port; got == port || got == 0 {
		t.Errorf("listenMarathon(127.0.0.1, %d (taken), default) listens on %d, want another port", port, got)
	}
	ln.Close()
	if ln, err := listenMarathon("127.0.0.1", port, true); err == nil {
		ln.Close()
		t.Errorf("listenMarathon(127.0.0.1, %d (taken), explicit) = nil, want an error", port)
	}
}

func TestAppStatus(t *testing.T) {
	tests := []struct {
		s    cluster.AppStats
		want string
	}{
		{cluster.AppStats{Instances: 1, Queued: 1, Waiting: true, OffersProcessed: 4, OffersUnused: 4, Reason: "InsufficientMemory"},
			"Waiting: no offer was big enough (InsufficientMemory)"},
		{cluster.AppStats{Instances: 1, Queued: 1, Waiting: true, OffersProcessed: 2, OffersUnused: 2, Reason: "UnfulfilledConstraint"},
			"Waiting: every offer declined (UnfulfilledConstraint)"},
		{cluster.AppStats{Instances: 1, Queued: 1, Waiting: true}, "Waiting: no offers"},
		{cluster.AppStats{Instances: 2, Queued: 2, Delayed: true, DelayLeft: 7 * time.Second, LastFailure: "TASK_FAILED: Command exited with status 1"},
			"backing off, 7s left (last: TASK_FAILED)"},
		{cluster.AppStats{Instances: 2, Queued: 1, Running: 1}, "launching"},
		{cluster.AppStats{Instances: 2, Running: 1, Staged: 1}, "deploying"},
		{cluster.AppStats{Instances: 3, Running: 3, HealthChecks: 1}, "running, health not reported"},
		{cluster.AppStats{Instances: 3, Running: 3, HealthChecks: 1, Healthy: 2, Unhealthy: 1}, "running, 2/3 healthy"},
		{cluster.AppStats{Instances: 3, Running: 3}, "running"},
	}
	for _, tt := range tests {
		if got := appStatus(tt.s); got != tt.want {
			t.Errorf("appStatus(%+v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}
