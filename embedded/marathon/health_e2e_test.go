package marathon_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/master"
)

// healthApp is the part of GET /v2/apps/{id} the health tests look at.
type healthApp struct {
	App struct {
		TasksRunning   int                   `json:"tasksRunning"`
		TasksHealthy   int                   `json:"tasksHealthy"`
		TasksUnhealthy int                   `json:"tasksUnhealthy"`
		Deployments    []struct{ ID string } `json:"deployments"`
		Tasks          []struct {
			ID                 string `json:"id"`
			State              string `json:"state"`
			HealthCheckResults []struct {
				Alive bool `json:"alive"`
			} `json:"healthCheckResults"`
		} `json:"tasks"`
	} `json:"app"`
}

func (e *e2e) healthApp(id string) healthApp {
	e.t.Helper()
	var a healthApp
	e.mustCall("GET", "/v2/apps"+id, nil, 200, &a)
	return a
}

// describe renders the counts and tasks of an app for failure messages.
func (a healthApp) describe() string {
	var tasks []string
	for _, t := range a.App.Tasks {
		s := t.ID + " " + t.State
		for _, r := range t.HealthCheckResults {
			s += fmt.Sprintf(" alive=%v", r.Alive)
		}
		tasks = append(tasks, s)
	}
	return fmt.Sprintf("running=%d healthy=%d unhealthy=%d deployments=%d tasks=%v",
		a.App.TasksRunning, a.App.TasksHealthy, a.App.TasksUnhealthy, len(a.App.Deployments), tasks)
}

// healthCheckJSON is a Marathon COMMAND health check run by Mesos after delay
// seconds, then every second.
func healthCheckJSON(cmd string, delay, failures int) string {
	return fmt.Sprintf(`[{"protocol": "COMMAND", "command": {"value": %q}, "delaySeconds": %d, "intervalSeconds": 1,
		"gracePeriodSeconds": 0, "timeoutSeconds": 5, "maxConsecutiveFailures": %d}]`, cmd, delay, failures)
}

// An app whose Mesos health check passes ends its deployment only once every task
// is healthy; so does a restart of it.
func TestHealthCheckedAppDeploys(t *testing.T) {
	e := startE2E(t, plainAgents(2), master.Config{}, marathon.Config{})
	const id = "/healthy"
	e.mustCall("POST", "/v2/apps", `{"id": "`+id+`", "cmd": "sleep 600", "cpus": 0.1, "mem": 16, "instances": 2,
		"healthChecks": `+healthCheckJSON(`test -n "$MESOS_SANDBOX"`, 2, 3)+`}`, 201, nil)
	waited := false // a task ran before it was healthy, and the deployment waited for it
	waitHealthy := func(what string, except []string) healthApp {
		var a healthApp
		e.eventually(60*time.Second, what, func() (bool, string) {
			a = e.healthApp(id)
			if a.App.TasksHealthy < a.App.TasksRunning {
				if len(a.App.Deployments) == 0 {
					t.Fatalf("deployment of %s ended with unhealthy tasks: %s", id, a.describe())
				}
				waited = true
			}
			for _, tk := range a.App.Tasks {
				if slices.Contains(except, tk.ID) {
					return false, a.describe()
				}
			}
			return len(a.App.Deployments) == 0 && a.App.TasksHealthy == 2 && a.App.TasksRunning == 2 && len(a.App.Tasks) == 2, a.describe()
		})
		return a
	}
	a := waitHealthy("app "+id+" deployed with 2 healthy tasks", nil)
	if !waited {
		t.Errorf("no task of %s was seen running before its first health check (delaySeconds 2)", id)
	}
	for _, tk := range a.App.Tasks {
		if len(tk.HealthCheckResults) != 1 || !tk.HealthCheckResults[0].Alive {
			t.Errorf("task %s healthCheckResults = %+v, want one alive result", tk.ID, tk.HealthCheckResults)
		}
	}
	var before []string
	for _, tk := range a.App.Tasks {
		before = append(before, tk.ID)
	}
	e.mustCall("POST", "/v2/apps"+id+"/restart", nil, 200, nil)
	waitHealthy("app "+id+" restarted with 2 new healthy tasks", before)
	e.mustCall("DELETE", "/v2/apps"+id, nil, 200, nil)
}

// masterState is the part of the master's /master/state the health tests read.
type masterState struct {
	Frameworks []struct {
		CompletedTasks []struct {
			ID       string `json:"id"`
			State    string `json:"state"`
			Statuses []struct {
				State   string `json:"state"`
				Healthy *bool  `json:"healthy"`
			} `json:"statuses"`
		} `json:"completed_tasks"`
	} `json:"frameworks"`
}

// An app whose Mesos health check fails has its task killed by the executor
// (TASK_KILLED, healthy: false) and replaced by Marathon; its deployment does not
// end.
func TestUnhealthyTaskIsKilledAndReplaced(t *testing.T) {
	e := startE2E(t, plainAgents(1), master.Config{}, marathon.Config{})
	const id = "/unhealthy"
	e.mustCall("POST", "/v2/apps", `{"id": "`+id+`", "cmd": "sleep 600", "cpus": 0.1, "mem": 16, "instances": 1,
		"taskKillGracePeriodSeconds": 1, "healthChecks": `+healthCheckJSON("exit 1", 0, 2)+`}`, 201, nil)
	var first string
	e.eventually(60*time.Second, "a task of "+id+" running", func() (bool, string) {
		a := e.healthApp(id)
		if len(a.App.Tasks) == 1 && a.App.Tasks[0].State == "TASK_RUNNING" {
			first = a.App.Tasks[0].ID
		}
		return first != "", a.describe()
	})
	e.eventually(60*time.Second, "task "+first+" replaced", func() (bool, string) {
		a := e.healthApp(id)
		if a.App.TasksHealthy != 0 || len(a.App.Deployments) != 1 {
			t.Fatalf("app %s with a failing health check: %s, want no healthy task and its deployment going on", id, a.describe())
		}
		return len(a.App.Tasks) == 1 && a.App.Tasks[0].ID != first, a.describe()
	})
	// The master saw the first task end as the command executor ends a task that
	// failed its health check twice: health updates (the second replacing the first,
	// as statuses of one state do), TASK_KILLING (Marathon has TASK_KILLING_STATE),
	// then TASK_KILLED with healthy: false.
	var st masterState
	resp, err := http.Get(e.local.URL() + "/master/state")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || json.Unmarshal(body, &st) != nil {
		t.Fatalf("GET /master/state: %v %.200s", err, body)
	}
	var got []string
	for _, f := range st.Frameworks {
		for _, tk := range f.CompletedTasks {
			if tk.ID != first {
				continue
			}
			for _, s := range tk.Statuses {
				h := "unset"
				if s.Healthy != nil {
					h = fmt.Sprint(*s.Healthy)
				}
				got = append(got, s.State+" healthy="+h)
			}
		}
	}
	want := "TASK_STARTING healthy=unset TASK_RUNNING healthy=false TASK_KILLING healthy=unset TASK_KILLED healthy=false"
	if strings.Join(got, " ") != want {
		t.Errorf("statuses of %s at the master = %q, want %q", first, got, want)
	}
	e.mustCall("DELETE", "/v2/apps"+id+"?force=true", nil, 200, nil)
}
