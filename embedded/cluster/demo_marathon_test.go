package cluster

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Marathon's /v2/apps and /v2/queue answers, as the demo's Marathon writes
// them (trimmed to what decodeAppStats reads, plus fields it ignores).
const (
	testAppsJSON = `{"apps": [
  {"id": "/web-frontend", "role": "web", "cpus": 0.5, "mem": 256, "disk": 0, "gpus": 0, "instances": 3,
   "tasksRunning": 3, "tasksStaged": 0, "tasksHealthy": 2, "tasksUnhealthy": 1,
   "healthChecks": [{"protocol": "COMMAND", "command": {"value": "test -f ready"}}], "labels": {"tier": "frontend"}},
  {"id": "/web-api", "role": "web", "cpus": 0.5, "mem": 256, "instances": 2, "tasksRunning": 0, "tasksStaged": 1,
   "healthChecks": [],
   "lastTaskFailure": {"appId": "/web-api", "state": "TASK_FAILED", "message": "Command exited with status 1", "taskId": "web-api.1"}},
  {"id": "/analytics", "role": "web", "cpus": 1, "mem": 16384, "instances": 1, "tasksRunning": 0}
]}`
	testQueueJSON = `{"queue": [
  {"app": {"id": "/web-api"}, "count": 1, "role": "web", "delay": {"timeLeftSeconds": 7, "overdue": false},
   "processedOffersSummary": {"processedOffersCount": 2, "unusedOffersCount": 1, "rejectSummaryLastOffers": []}},
  {"app": {"id": "/analytics"}, "count": 1, "role": "web", "delay": {"timeLeftSeconds": 0, "overdue": true},
   "processedOffersSummary": {"processedOffersCount": 5, "unusedOffersCount": 5, "rejectSummaryLastOffers": [
     {"reason": "UnfulfilledRole", "declined": 0, "processed": 3},
     {"reason": "InsufficientCpus", "declined": 1, "processed": 3},
     {"reason": "InsufficientMemory", "declined": 2, "processed": 2}]}}
]}`
)

func TestDecodeAppStats(t *testing.T) {
	got, err := decodeAppStats([]byte(testAppsJSON), []byte(testQueueJSON))
	if err != nil {
		t.Fatalf("decodeAppStats() = %v", err)
	}
	want := []AppStats{
		{ID: "/analytics", Role: "web", Wants: "cpus:1; mem:16384", Instances: 1, Queued: 1,
			OffersProcessed: 5, OffersUnused: 5, Reason: "InsufficientMemory", Waiting: true},
		{ID: "/web-api", Role: "web", Wants: "cpus:0.5; mem:256", Instances: 2, Staged: 1, Queued: 1,
			Delayed: true, DelayLeft: 7 * time.Second, OffersProcessed: 2, OffersUnused: 1,
			LastFailure: "TASK_FAILED: Command exited with status 1"},
		{ID: "/web-frontend", Role: "web", Wants: "cpus:0.5; mem:256", Instances: 3, Running: 3,
			Healthy: 2, Unhealthy: 1, HealthChecks: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decodeAppStats() (-want +got):\n%s", diff)
	}
}

func TestDecodeAppStatsErrors(t *testing.T) {
	tests := []struct {
		apps, queue, want string
	}{
		{`{"apps": [`, `{}`, "decode /v2/apps"},
		{`{"apps": "no"}`, `{}`, "decode /v2/apps"},
		{`{}`, `[1]`, "decode /v2/queue"},
		{`{}`, ``, "decode /v2/queue"},
	}
	for _, tt := range tests {
		_, err := decodeAppStats([]byte(tt.apps), []byte(tt.queue))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "cluster: demo: ") {
			t.Errorf("decodeAppStats(%q, %q) = %v, want an error containing %q", tt.apps, tt.queue, err, tt.want)
		}
	}
}

func TestWantsText(t *testing.T) {
	tests := []struct {
		cpus, mem, disk, gpus float64
		want                  string
	}{
		{0.5, 256, 0, 0, "cpus:0.5; mem:256"},
		{1, 16384, 100, 1, "cpus:1; mem:16384; disk:100; gpus:1"},
		{0, 0, 0, 0, ""},
	}
	for _, tt := range tests {
		if got := wantsText(tt.cpus, tt.mem, tt.disk, tt.gpus); got != tt.want {
			t.Errorf("wantsText(%v, %v, %v, %v) = %q, want %q", tt.cpus, tt.mem, tt.disk, tt.gpus, got, tt.want)
		}
	}
}

// FuzzDecodeAppStats: any answers decode or fail with an error, never a
// panic; every app decoded is in the result, in id order.
func FuzzDecodeAppStats(f *testing.F) {
	f.Add([]byte(testAppsJSON), []byte(testQueueJSON))
	f.Add([]byte(`{"apps": []}`), []byte(`{"queue": []}`))
	f.Add([]byte(`{"apps": [{"id": "/a", "lastTaskFailure": {}}]}`), []byte(`{"queue": [{"app": {"id": "/a"}, "delay": {"timeLeftSeconds": -5}}]}`))
	f.Fuzz(func(t *testing.T, apps, queue []byte) {
		got, err := decodeAppStats(apps, queue)
		if err != nil {
			return
		}
		for i := 1; i < len(got); i++ {
			if got[i-1].ID > got[i].ID {
				t.Fatalf("decodeAppStats() ids out of order: %q before %q", got[i-1].ID, got[i].ID)
			}
		}
		for _, s := range got {
			if s.DelayLeft < 0 {
				t.Fatalf("decodeAppStats() %s: DelayLeft %v, want 0 or more", s.ID, s.DelayLeft)
			}
		}
	})
}
