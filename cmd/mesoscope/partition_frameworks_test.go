package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// marathonTask is a task of GET /v2/apps/{id}/tasks.
type marathonTask struct {
	ID      string `json:"id"`
	SlaveID string `json:"slaveId"`
	Host    string `json:"host"`
	State   string `json:"state"`
}

// marathonRunning returns the app's TASK_RUNNING tasks as Marathon's REST
// API lists them.
func (e *partitionEnv) marathonRunning() []marathonTask {
	rec := httptest.NewRecorder()
	e.mar.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v2/apps"+partitionAppID+"/tasks", nil))
	var body struct {
		Tasks []marathonTask `json:"tasks"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
		return nil
	}
	var out []marathonTask
	for _, tk := range body.Tasks {
		if tk.State == "TASK_RUNNING" {
			out = append(out, tk)
		}
	}
	return out
}

// busiestAgent returns the leaf whose agent runs most of the app's tasks.
func (e *partitionEnv) busiestAgent() int {
	count := make([]int, len(e.ids))
	for _, tk := range e.marathonRunning() {
		if i := slices.Index(e.ids, tk.SlaveID); i >= 0 {
			count[i]++
		}
	}
	if count[1] > count[0] {
		return 1
	}
	return 0
}

const paFrameworkName = "partition-aware"

// paFramework is a partition-aware v1 framework that runs one long task
// on each agent and records every update it receives.
type paFramework struct {
	client *schedclient.Client
	log    updateLog
	mu     sync.Mutex
	byAgnt map[string]string // agent id → task id
}

func startPAFramework(t *testing.T, master string, client *http.Client) *paFramework {
	t.Helper()
	f := &paFramework{byAgnt: map[string]string{}}
	c, err := schedclient.New(schedclient.Config{
		Master: master, HTTPClient: client, AutoAck: true,
		Framework: mesos.FrameworkInfo{User: "root", Name: paFrameworkName, Checkpoint: true, FailoverTimeout: 3600,
			Capabilities: []mesos.FrameworkCapability{{Type: mesos.FrameworkPartitionAware}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, f.handle) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && ctx.Err() == nil {
			t.Errorf("partition-aware framework: %v", err)
		}
	})
	return f
}

// tasks returns agent id → task id.
func (f *paFramework) tasks() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]string, len(f.byAgnt))
	for a, id := range f.byAgnt {
		out[a] = id
	}
	return out
}

// paTaskResources is what each partition-aware task needs.
func paTaskResources() resources.Resources { return resources.MustParse("cpus:0.1;mem:16") }

func (f *paFramework) handle(ctx context.Context, ev *scheduler.Event) {
	switch ev.Type {
	case scheduler.EventUpdate:
		f.log.add(updateOf(&ev.Update.Status, time.Now()))
	case scheduler.EventOffers:
		for _, o := range ev.Offers.Offers {
			f.mu.Lock()
			launch := f.byAgnt[o.AgentID.Value] == "" && o.Resources.Resources.Contains(paTaskResources())
			id := "pa-" + strings.TrimPrefix(o.Hostname, "agent-")
			if launch {
				f.byAgnt[o.AgentID.Value] = id
			}
			f.mu.Unlock()
			if launch {
				shell, cmd := true, "sleep 3600"
				_ = f.client.Launch(ctx, o.ID, mesos.TaskInfo{
					Name: id, TaskID: mesos.TaskID{Value: id}, AgentID: o.AgentID,
					Resources: mesos.ResourcesOf(paTaskResources()),
					Command:   &mesos.CommandInfo{Shell: &shell, Value: &cmd},
				})
				continue
			}
			refuse := 3600.0
			_ = f.client.Decline(ctx, []mesos.OfferID{o.ID}, &mesos.Filters{RefuseSeconds: &refuse})
		}
	}
}

// last returns the state of the last update of task (TASK_UNKNOWN if none:
// a state a framework is never sent for a task it launched).
func (l *updateLog) last(task string) mesos.TaskState {
	st := mesos.TaskUnknown
	for _, u := range l.all() {
		if u.task == task {
			st = u.state
		}
	}
	return st
}
