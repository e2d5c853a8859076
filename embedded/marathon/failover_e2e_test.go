package marathon_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

func taskIDs(a appState) []string {
	var out []string
	for _, t := range a.App.Tasks {
		out = append(out, t.ID)
	}
	slices.Sort(out)
	return out
}

// A second scheduler with the same Store takes over the framework: same
// framework id, the tasks kept and reconciled, then scaled.
func TestSchedulerFailover(t *testing.T) {
	store := &marathon.MemStore{}
	e := startE2E(t, plainAgents(2), master.Config{}, marathon.Config{Store: store, ReconciliationInitialDelay: 100 * time.Millisecond})
	e.mustCall("POST", "/v2/apps", `{"id": "/keep", "cmd": "sleep 600", "cpus": 0.1, "mem": 16, "instances": 2}`, 201, nil)
	before := e.waitDeployed("/keep", 2, 60*time.Second)
	fw := e.m.FrameworkID()
	e.stopMarathon(e.m)

	e.startMarathon()
	e.eventually(30*time.Second, "failed over and reconciled", func() (bool, string) {
		s, err := e.m.Stats(context.Background())
		return err == nil && e.m.FrameworkID() == fw && s.ReconcileUpdates >= 2, fmt.Sprintf("framework %q stats %+v", e.m.FrameworkID(), s)
	})
	after := e.app("/keep")
	if got, want := taskIDs(after), taskIDs(before); !slices.Equal(got, want) {
		t.Errorf("tasks after failover = %v, want the same %v", got, want)
	}
	for _, tk := range after.App.Tasks {
		if tk.State != "TASK_RUNNING" {
			t.Errorf("task %s is %s after failover, want TASK_RUNNING", tk.ID, tk.State)
		}
	}
	if s, _ := e.m.Stats(context.Background()); s.TasksLaunched != 0 {
		t.Errorf("the new scheduler launched %d tasks, want none", s.TasksLaunched)
	}
	e.mustCall("PUT", "/v2/apps/keep", `{"instances": 3}`, 200, nil)
	scaled := e.waitDeployed("/keep", 3, 60*time.Second)
	for _, id := range taskIDs(before) {
		if !slices.Contains(taskIDs(scaled), id) {
			t.Errorf("scaling after failover replaced %s", id)
		}
	}
}

// Marathon reconnects to a restarted master (registry under --work_dir) with
// its framework id; the agents reregister with their tasks; reconciliation
// finds every task still running, and nothing is relaunched. With the
// registry the new master knows the agents it waits for and does not answer
// a reconciliation of their tasks before they are back (Master::reconcile,
// case 2); with an in-memory registry the answer would race the agents'
// reregistration, as it does in Mesos.
func TestMasterRestartReconcile(t *testing.T) {
	mln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	maddr := mln.Addr().String()
	masterDir := t.TempDir()
	startMaster := func(ln net.Listener) *process.Runtime {
		rt, err := process.New(process.Config{Listener: ln, Delegate: master.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := master.New(rt, master.Config{AllocationInterval: 100 * time.Millisecond, WorkDir: masterDir}); err != nil {
			t.Fatal(err)
		}
		return rt
	}
	mrt := startMaster(mln)
	aln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	art, err := process.New(process.Config{Listener: aln})
	if err != nil {
		t.Fatal(err)
	}
	mpid := process.PID{ID: master.ID, Address: netip.MustParseAddrPort(maddr)}
	var agents []*agent.Agent
	for i := range 2 {
		cfg := agentConfig()
		cfg.Master = mpid
		cfg.WorkDir = filepath.Join(t.TempDir(), fmt.Sprint("agent-", i))
		cfg.Resources = "cpus:2;mem:1024;disk:1024;ports:[31000-31099]"
		cfg.Hostname = fmt.Sprint("host-", i)
		cfg.Logger = testLogger(t)
		if err := os.MkdirAll(cfg.WorkDir, 0o755); err != nil {
			t.Fatal(err)
		}
		a, err := agent.New(art, cfg)
		if err != nil {
			t.Fatal(err)
		}
		agents = append(agents, a)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, a := range agents {
			if err := a.Stop(ctx, true); err != nil {
				t.Errorf("stop agent: %v", err)
			}
		}
		if err := art.Stop(ctx); err != nil {
			t.Errorf("stop agents' runtime: %v", err)
		}
		if err := mrt.Stop(ctx); err != nil {
			t.Errorf("stop master: %v", err)
		}
	})
	e := &e2e{t: t, cfg: fastConfig(marathon.Config{Master: "http://" + maddr, ReconciliationInitialDelay: 3 * time.Second,
		// As Marathon's --reconciliation_interval does (600 s by default): an
		// agent that has not reregistered yet when a reconciliation runs gets its
		// tasks no answer (Master::reconcile), so a later one must come. Under
		// load the agents can take longer than the initial delay.
		ReconciliationInterval: 5 * time.Second})}
	e.startMarathon()
	e.mustCall("POST", "/v2/apps", `{"id": "/survivor", "cmd": "sleep 600", "cpus": 0.1, "mem": 16, "instances": 2}`, 201, nil)
	before := e.waitDeployed("/survivor", 2, 60*time.Second)
	fw := e.m.FrameworkID()
	s0, _ := e.m.Stats(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := mrt.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	var ln net.Listener
	e.eventually(10*time.Second, "the master's port free again", func() (bool, string) {
		ln, err = net.Listen("tcp", maddr)
		return err == nil, fmt.Sprint(err)
	})
	mrt = startMaster(ln)

	e.eventually(60*time.Second, "reconciled with the new master", func() (bool, string) {
		s, err := e.m.Stats(context.Background())
		return err == nil && s.Reconciliations > s0.Reconciliations && s.ReconcileUpdates >= s0.ReconcileUpdates+2,
			fmt.Sprintf("stats %+v", s)
	})
	if got := e.m.FrameworkID(); got != fw {
		t.Errorf("framework id after the master restart = %q, want %q", got, fw)
	}
	after := e.app("/survivor")
	if got, want := taskIDs(after), taskIDs(before); !slices.Equal(got, want) {
		t.Errorf("tasks after the master restart = %v, want %v", got, want)
	}
	for _, tk := range after.App.Tasks {
		if tk.State != "TASK_RUNNING" {
			t.Errorf("task %s is %s, want TASK_RUNNING", tk.ID, tk.State)
		}
	}
	if s, _ := e.m.Stats(context.Background()); s.TasksLaunched != s0.TasksLaunched {
		t.Errorf("launched %d tasks after the master restart, want none", s.TasksLaunched-s0.TasksLaunched)
	}
}

// When the master removes the framework (an operator's TEARDOWN), the scheduler stops
// on its own, says why, and forgets the framework id, as Marathon does before it
// exits; the next start registers a new framework.
func TestFrameworkRemovedStopsScheduler(t *testing.T) {
	store := &marathon.MemStore{}
	e := startE2E(t, plainAgents(1), master.Config{}, marathon.Config{Store: store})
	e.eventually(30*time.Second, "subscribed", func() (bool, string) {
		return e.m.FrameworkID() != "", "no framework id yet"
	})
	fw := e.m.FrameworkID()
	body := `{"type": "TEARDOWN", "teardown": {"framework_id": {"value": "` + fw + `"}}}`
	resp, err := http.Post(e.local.URL()+"/api/v1", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("TEARDOWN = %s, want 200", resp.Status)
	}
	select {
	case <-e.m.Failed():
	case <-time.After(30 * time.Second):
		t.Fatal("the scheduler still runs 30s after its framework was removed")
	}
	var me *schedclient.MasterError
	if err := e.m.Err(); !errors.As(err, &me) || me.Message != "Framework has been removed" {
		t.Errorf("Err() = %v, want the master's ERROR Framework has been removed", err)
	}
	data, err := store.Load()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(fw)) {
		t.Errorf("the saved state still names the removed framework %s: %s", fw, data)
	}
}
