package marathon_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/master"
)

// Restarts replace every task, with each upgrade strategy; a config change
// (PUT) restarts too, a scale does not.
func TestRestartUpgradeStrategies(t *testing.T) {
	e := startE2E(t, plainAgents(3), master.Config{}, marathon.Config{})
	for i, us := range []string{`{"minimumHealthCapacity": 1, "maximumOverCapacity": 1}`, `{"minimumHealthCapacity": 0, "maximumOverCapacity": 0}`,
		`{"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0}`, `{"minimumHealthCapacity": 1, "maximumOverCapacity": 0}`} {
		id := fmt.Sprintf("/restart-%d", i)
		t.Run(us, func(t *testing.T) {
			e.t = t
			e.mustCall("POST", "/v2/apps", `{"id": "`+id+`", "cmd": "sleep 600", "cpus": 0.1, "mem": 16, "instances": 3, "upgradeStrategy": `+us+`}`, 201, nil)
			before := e.waitDeployed(id, 3, 60*time.Second)
			e.mustCall("POST", "/v2/apps"+id+"/restart", nil, 200, nil)
			after := e.waitNewTasks(id, before, 60*time.Second)
			if after.App.VersionInfo.LastConfigChangeAt == before.App.VersionInfo.LastConfigChangeAt {
				t.Errorf("restart kept lastConfigChangeAt %s", before.App.VersionInfo.LastConfigChangeAt)
			}
			// A config change restarts; a scale keeps the tasks.
			e.mustCall("PUT", "/v2/apps"+id, `{"cmd": "sleep 601"}`, 200, nil)
			after2 := e.waitNewTasks(id, after, 60*time.Second)
			e.mustCall("PUT", "/v2/apps"+id, `{"instances": 4}`, 200, nil)
			scaled := e.waitDeployed(id, 4, 60*time.Second)
			for _, tk := range after2.App.Tasks {
				if !slices.ContainsFunc(scaled.App.Tasks, func(x taskState) bool { return x.ID == tk.ID }) {
					t.Errorf("scaling up replaced task %s", tk.ID)
				}
			}
			e.mustCall("DELETE", "/v2/apps"+id, nil, 200, nil)
		})
	}
}

// waitNewTasks waits until the deployment is done and no task of before
// is left.
func (e *e2e) waitNewTasks(id string, before appState, timeout time.Duration) appState {
	e.t.Helper()
	var a appState
	e.eventually(timeout, "tasks of "+id+" replaced", func() (bool, string) {
		a = e.app(id)
		if len(a.App.Deployments) != 0 || len(a.App.Tasks) != before.App.Instances {
			return false, fmt.Sprintf("deployments %d tasks %d", len(a.App.Deployments), len(a.App.Tasks))
		}
		for _, tk := range a.App.Tasks {
			if tk.State != "TASK_RUNNING" || slices.ContainsFunc(before.App.Tasks, func(x taskState) bool { return x.ID == tk.ID }) {
				return false, fmt.Sprintf("task %s %s", tk.ID, tk.State)
			}
		}
		return true, ""
	})
	return a
}

// Each constraint operator places tasks where it should; what cannot be
// placed waits in the queue, charged to UnfulfilledConstraint.
func TestConstraintsPlacement(t *testing.T) {
	agents := []cluster.AgentSpec{
		{Resources: "cpus:4;mem:2048;disk:1024;ports:[31000-31099]", Attributes: "rack:r1;level:1", Hostname: "a"},
		{Resources: "cpus:4;mem:2048;disk:1024;ports:[31000-31099]", Attributes: "rack:r1;level:2", Hostname: "b"},
		{Resources: "cpus:4;mem:2048;disk:1024;ports:[31000-31099]", Attributes: "rack:r2;level:3", Hostname: "c"},
		{Resources: "cpus:4;mem:2048;disk:1024;ports:[31000-31099]", Attributes: "rack:r2;level:4", Hostname: "d"},
	}
	e := startE2E(t, agents, master.Config{}, marathon.Config{DeclineOfferDuration: 200 * time.Millisecond})
	rackOf := map[string]string{"a": "r1", "b": "r1", "c": "r2", "d": "r2"}
	tests := []struct {
		id         string
		constraint string
		instances  int
		running    int
		check      func(hosts []string) string
	}{
		{"/unique", `["hostname", "UNIQUE"]`, 5, 4, func(h []string) string {
			if len(h) != 4 || len(slices.Compact(slices.Sorted(slices.Values(h)))) != 4 {
				return "want one task on each host"
			}
			return ""
		}},
		{"/cluster", `["rack", "CLUSTER", "r2"]`, 3, 3, onlyHosts("c", "d")},
		{"/groupby", `["rack", "GROUP_BY", "2"]`, 4, 4, func(h []string) string {
			n := map[string]int{}
			for _, x := range h {
				n[rackOf[x]]++
			}
			if n["r1"] != 2 || n["r2"] != 2 {
				return fmt.Sprintf("racks %v, want 2 and 2", n)
			}
			return ""
		}},
		{"/like", `["hostname", "LIKE", "[ab]"]`, 3, 3, onlyHosts("a", "b")},
		{"/unlike", `["hostname", "UNLIKE", "[abc]"]`, 2, 2, onlyHosts("d")},
		{"/maxper", `["rack", "MAX_PER", "1"]`, 3, 2, func(h []string) string {
			if len(h) != 2 || rackOf[h[0]] == rackOf[h[1]] {
				return "want one task per rack"
			}
			return ""
		}},
		{"/is", `["level", "IS", "3"]`, 2, 2, onlyHosts("c")},
	}
	for _, tt := range tests {
		e.mustCall("POST", "/v2/apps", fmt.Sprintf(`{"id": %q, "cmd": "sleep 600", "cpus": 0.1, "mem": 16, "instances": %d, "constraints": [%s]}`,
			tt.id, tt.instances, tt.constraint), 201, nil)
	}
	for _, tt := range tests {
		var hosts []string
		e.eventually(60*time.Second, tt.id+" placed", func() (bool, string) {
			a := e.app(tt.id)
			hosts = nil
			for _, tk := range a.App.Tasks {
				if tk.State == "TASK_RUNNING" {
					hosts = append(hosts, tk.Host)
				}
			}
			return len(hosts) == tt.running, fmt.Sprintf("running on %v", hosts)
		})
		if msg := tt.check(hosts); msg != "" {
			t.Errorf("%s %s: tasks on %v: %s", tt.id, tt.constraint, hosts, msg)
		}
	}
	// The instances that cannot be placed wait for an offer that fits.
	var q queueState
	e.eventually(30*time.Second, "waiting instances charged to UnfulfilledConstraint", func() (bool, string) {
		q = e.queue()
		ok := len(q.Queue) == 2
		for _, it := range q.Queue {
			steps := it.ProcessedOffersSummary.RejectSummaryLastOffers
			ok = ok && it.Count == 1 && len(steps) > 1 && steps[1].Reason == marathon.UnfulfilledConstraint && steps[1].Declined > 0
		}
		return ok, fmt.Sprintf("%+v", q.Queue)
	})
	if ids := []string{q.Queue[0].App.ID, q.Queue[1].App.ID}; !slices.Equal(ids, []string{"/maxper", "/unique"}) {
		t.Errorf("waiting apps = %v, want /maxper and /unique", ids)
	}
}

func onlyHosts(allowed ...string) func([]string) string {
	return func(hosts []string) string {
		for _, h := range hosts {
			if !slices.Contains(allowed, h) {
				return fmt.Sprintf("want only %v", allowed)
			}
		}
		return ""
	}
}

// A crashing app backs off: the queue shows it delayed with the time
// left, growing by backoffFactor; DELETE /v2/queue/{id}/delay lifts it.
func TestBackoffAfterFailures(t *testing.T) {
	e := startE2E(t, plainAgents(1), master.Config{}, marathon.Config{})
	e.mustCall("POST", "/v2/apps", `{"id": "/crash", "cmd": "exit 1", "cpus": 0.1, "mem": 16, "backoffSeconds": 1, "backoffFactor": 3, "maxLaunchDelaySeconds": 60}`, 201, nil)
	maxLeft := int64(0)
	e.eventually(30*time.Second, "a delay of more than a second", func() (bool, string) {
		q := e.queue()
		if len(q.Queue) == 1 && !q.Queue[0].Delay.Overdue {
			maxLeft = max(maxLeft, q.Queue[0].Delay.TimeLeftSeconds)
		}
		return maxLeft >= 2, fmt.Sprintf("%+v (max time left %d)", q.Queue, maxLeft)
	})
	a := e.app("/crash")
	if f := a.App.LastTaskFailure; f == nil || f.State != "TASK_FAILED" || !strings.Contains(f.Message, "exited with status 1") {
		t.Errorf("lastTaskFailure = %+v, want TASK_FAILED with the exit status", f)
	}
	before, err := e.m.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.eventually(30*time.Second, "delay reset", func() (bool, string) {
		// Reset a delay that has at least two seconds to run, so that the launch
		// below can only come from the reset.
		if q := e.queue(); len(q.Queue) != 1 || q.Queue[0].Delay.Overdue || q.Queue[0].Delay.TimeLeftSeconds < 2 {
			return false, fmt.Sprintf("no delay of 2s or more now: %+v", q.Queue)
		}
		if before, err = e.m.Stats(context.Background()); err != nil {
			return false, err.Error()
		}
		code, body := e.call("DELETE", "/v2/queue/crash/delay", nil, nil)
		return code == 204, fmt.Sprintf("%d %s", code, body)
	})
	// Launches resume at once: the delay was 3s or more.
	e.eventually(3*time.Second, "a launch after the reset", func() (bool, string) {
		s, _ := e.m.Stats(context.Background())
		return s.TasksLaunched > before.TasksLaunched, fmt.Sprintf("%+v", s)
	})
	if code, _ := e.call("DELETE", "/v2/queue/nothing/delay", nil, nil); code != 404 {
		t.Errorf("DELETE /v2/queue/nothing/delay = %d, want 404", code)
	}
}
