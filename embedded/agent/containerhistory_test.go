package agent

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// goFIFO makes a FIFO a task reads from until the test writes to it.
func goFIFO(t *testing.T) (string, *os.File) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "go")
	if err := syscall.Mkfifo(path, 0o666); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0) // RDWR: the task's open does not wait
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return path, f
}

// getHistories GETs path and decodes the /mesoscope/v1/containers body.
func getHistories(t *testing.T, e *testEnv, path string) []ContainerHistory {
	t.Helper()
	code, body := e.get(t, path)
	if code != http.StatusOK {
		t.Fatalf("GET %s = %d %s, want 200", path, code, body)
	}
	var out struct {
		Containers []ContainerHistory `json:"containers"`
	}
	decode(t, body, &out)
	if out.Containers == nil {
		t.Fatalf("GET %s = %s, want a containers array", path, body)
	}
	return out.Containers
}

func TestContainerHistories(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	path, fifo := goFIFO(t)
	e.runTask(testFramework("fw1"), commandTask("t1", `read x < "`+path+`"`))
	waitTaskState(t, e, "t1", mesos.TaskRunning)
	base := "/" + e.agent.Self().ID + containerHistoriesPath

	live := getHistories(t, e, base)
	if len(live) != 1 {
		t.Fatalf("GET %s = %d containers, want 1", base, len(live))
	}
	c := live[0]
	running := []containerizer.State{containerizer.Starting, containerizer.Provisioning, containerizer.Preparing,
		containerizer.Isolating, containerizer.Fetching, containerizer.Running}
	if diff := cmp.Diff(running, c.History.States()); diff != "" {
		t.Errorf("GET %s: live history states (-want +got):\n%s", base, diff)
	}
	if c.State != containerizer.Running || c.Completed || c.Termination != nil || c.FrameworkID != "fw1" || c.ExecutorID != "t1" || c.PID == 0 || c.Directory == "" {
		t.Errorf("GET %s: live container = %+v, want RUNNING, not completed, of fw1/t1 with a pid and directory", base, c)
	}

	if _, err := fifo.WriteString("go\n"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if _, err := e.agent.cont.Containerizer().Wait(ctx, containerizer.ContainerID{Value: c.ContainerID}); err != nil {
		t.Fatal(err)
	}
	waitTaskState(t, e, "t1", mesos.TaskFinished)

	all := getHistories(t, e, base)
	i := slices.IndexFunc(all, func(h ContainerHistory) bool { return h.ContainerID == c.ContainerID })
	if i < 0 {
		t.Fatalf("GET %s after the task ended = %+v, want container %s", base, all, c.ContainerID)
	}
	done := all[i]
	if diff := cmp.Diff(append(running, containerizer.Destroying), done.History.States()); diff != "" {
		t.Errorf("GET %s: completed history states (-want +got):\n%s", base, diff)
	}
	if !done.Completed || done.State != containerizer.Destroying || done.Termination == nil || done.FrameworkID != "fw1" {
		t.Errorf("GET %s: completed container = %+v, want completed, DESTROYING, with a termination", base, done)
	} else if code, ok := done.Termination.Exited(); !ok || code != 0 {
		t.Errorf("GET %s: termination = %v, want exit status 0", base, done.Termination)
	}
	if !done.History[0].Time.Equal(c.History[0].Time) {
		t.Errorf("GET %s: completed history starts at %v, want %v (the live one's)", base, done.History[0].Time, c.History[0].Time)
	}

	// Through the path the runtime's delegate would see, with the filters.
	if got := getHistories(t, e, base+"?completed=false"); len(got) != 0 {
		t.Errorf("GET %s?completed=false = %+v, want no containers", base, got)
	}
	if got := getHistories(t, e, base+"?container_id="+c.ContainerID); len(got) != 1 || got[0].ContainerID != c.ContainerID {
		t.Errorf("GET %s?container_id=%s = %+v, want just that container", base, c.ContainerID, got)
	}
	for _, tc := range []struct {
		query string
		code  int
		want  string
	}{
		{"?container_id=nope", http.StatusNotFound, `unknown container "nope"`},
		{"?completed=maybe", http.StatusBadRequest, `completed="maybe"`},
		{"?completed=", http.StatusBadRequest, `completed=""`},
		{"?completed=false&container_id=" + c.ContainerID, http.StatusNotFound, "unknown container"},
		{"?completed=true", http.StatusOK, `"completed":true`},
	} {
		code, body := e.get(t, base+tc.query)
		if code != tc.code || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s%s = %d %s, want %d containing %q", base, tc.query, code, body, tc.code, tc.want)
		}
	}
}

// Before the containerizer exists (the agent is not registered) the list is empty.
func TestContainerHistoriesBeforeRegistration(t *testing.T) {
	e := newEnv(t)
	base := "/" + e.agent.Self().ID + containerHistoriesPath
	if got := getHistories(t, e, base); len(got) != 0 {
		t.Errorf("GET %s = %+v, want no containers", base, got)
	}
	if code, body := e.get(t, base+"?container_id=x"); code != http.StatusNotFound {
		t.Errorf("GET %s?container_id=x = %d %s, want 404", base, code, body)
	}
}

func TestContainerHistoriesAuthenticated(t *testing.T) {
	e := newEnv(t, func(c *Config, _ *fakeMaster) {
		c.AuthenticateHTTPReadonly = true
		c.HTTPCredentials = map[string]string{"ops": "s3cret"}
	})
	path := "/" + e.agent.Self().ID + containerHistoriesPath
	if code, _ := e.get(t, path); code != http.StatusUnauthorized {
		t.Errorf("GET %s without credentials = %d, want 401", path, code)
	}
	code, body := e.get(t, "/help/"+e.agent.Self().ID)
	if code != http.StatusOK || !strings.Contains(string(body), "mesoscope/v1/containers") {
		t.Errorf("GET /help/%s = %d %s, want it to list mesoscope/v1/containers", e.agent.Self().ID, code, body)
	}
}

func TestFetcherMetrics(t *testing.T) {
	e := newEnv(t)
	names := []string{
		"containerizer/fetcher/task_fetches_succeeded", "containerizer/fetcher/task_fetches_failed",
		"containerizer/fetcher/cache_size_total_bytes", "containerizer/fetcher/cache_size_used_bytes",
		"containerizer/fetcher/cache_hits", "containerizer/fetcher/cache_misses",
		"containerizer/fetcher/cache_evictions", "containerizer/fetcher/cache_entries",
	}
	before := e.rt.Metrics().Snapshot(time.Second)
	for _, n := range names {
		if v, ok := before[n]; !ok || v != 0 {
			t.Errorf("metrics before registration [%s] = %v, %v, want 0, true", n, v, ok)
		}
	}
	e.master.ack = true
	e.registerAgent(t)
	payload := filepath.Join(t.TempDir(), "payload.txt")
	if err := os.WriteFile(payload, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	task := commandTask("t1", "sleep 60")
	task.Command.URIs = []mesos.CommandURI{{Value: payload}}
	e.runTask(testFramework("fw1"), task)
	waitTaskState(t, e, "t1", mesos.TaskRunning)
	snap := e.rt.Metrics().Snapshot(time.Second)
	want := map[string]float64{
		"containerizer/fetcher/task_fetches_succeeded": 1,
		"containerizer/fetcher/task_fetches_failed":    0,
		"containerizer/fetcher/cache_size_total_bytes": containerizer.DefaultFetcherCacheSize,
		"containerizer/fetcher/cache_size_used_bytes":  0,
		"containerizer/fetcher/cache_hits":             0,
		"containerizer/fetcher/cache_misses":           0,
		"containerizer/fetcher/cache_evictions":        0,
		"containerizer/fetcher/cache_entries":          0,
	}
	got := map[string]float64{}
	for _, n := range names {
		got[n] = snap[n]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fetcher metrics (-want +got):\n%s", diff)
	}
}
