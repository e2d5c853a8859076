package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// AppStats is what the demo's Marathon says of one app through its REST
// API (/v2/apps and /v2/queue), as any Marathon client would read it.
type AppStats struct {
	// ID is the app's id ("/web-frontend"), Role its role, Wants what one
	// instance asks for ("cpus:0.5; mem:256").
	ID, Role, Wants string
	// Instances is the target; Running, Staged, Healthy and Unhealthy are
	// /v2/apps' tasksRunning, tasksStaged, tasksHealthy, tasksUnhealthy.
	Instances, Running, Staged, Healthy, Unhealthy int
	// HealthChecks is how many health checks the app has.
	HealthChecks int
	// Queued is how many instances wait to launch (/v2/queue count).
	Queued int
	// Delayed is true while Marathon backs off the app's launches;
	// DelayLeft is the time left (timeLeftSeconds).
	Delayed   bool
	DelayLeft time.Duration
	// OffersProcessed and OffersUnused are processedOffersSummary's counts
	// for the current launch attempt.
	OffersProcessed, OffersUnused int
	// Reason is the funnel step that declined most of the last offers of
	// each agent (rejectSummaryLastOffers), "" when none was declined.
	Reason string
	// LastFailure is lastTaskFailure as "STATE: message" ("" if none).
	LastFailure string
	// Waiting is true when instances are queued, Marathon is not backing
	// off, and it declined every offer it processed for them (or got
	// none): the app waits for an offer that fits.
	Waiting bool
}

// marathonAppsJSON is the part of GET /v2/apps the demo reads.
type marathonAppsJSON struct {
	Apps []struct {
		ID              string            `json:"id"`
		Role            string            `json:"role"`
		CPUs            float64           `json:"cpus"`
		Mem             float64           `json:"mem"`
		Disk            float64           `json:"disk"`
		GPUs            float64           `json:"gpus"`
		Instances       int               `json:"instances"`
		TasksRunning    int               `json:"tasksRunning"`
		TasksStaged     int               `json:"tasksStaged"`
		TasksHealthy    int               `json:"tasksHealthy"`
		TasksUnhealthy  int               `json:"tasksUnhealthy"`
		HealthChecks    []json.RawMessage `json:"healthChecks"`
		LastTaskFailure *struct {
			State   string `json:"state"`
			Message string `json:"message"`
		} `json:"lastTaskFailure"`
	} `json:"apps"`
}

// marathonQueueJSON is the part of GET /v2/queue the demo reads.
type marathonQueueJSON struct {
	Queue []struct {
		App struct {
			ID string `json:"id"`
		} `json:"app"`
		Count int `json:"count"`
		Delay struct {
			TimeLeftSeconds int64 `json:"timeLeftSeconds"`
			Overdue         bool  `json:"overdue"`
		} `json:"delay"`
		ProcessedOffersSummary struct {
			ProcessedOffersCount    int `json:"processedOffersCount"`
			UnusedOffersCount       int `json:"unusedOffersCount"`
			RejectSummaryLastOffers []struct {
				Reason   string `json:"reason"`
				Declined int    `json:"declined"`
			} `json:"rejectSummaryLastOffers"`
		} `json:"processedOffersSummary"`
	} `json:"queue"`
}

// maxDelaySeconds bounds timeLeftSeconds so that DelayLeft cannot
// overflow (Marathon's delays are at most maxLaunchDelaySeconds anyway).
const maxDelaySeconds = int64(math.MaxInt64 / time.Second)

// decodeAppStats joins Marathon's /v2/apps and /v2/queue answers into one
// AppStats per app, sorted by id.
func decodeAppStats(appsJSON, queueJSON []byte) ([]AppStats, error) {
	var apps marathonAppsJSON
	if err := json.Unmarshal(appsJSON, &apps); err != nil {
		return nil, fmt.Errorf("cluster: demo: decode /v2/apps: %w", err)
	}
	var queue marathonQueueJSON
	if err := json.Unmarshal(queueJSON, &queue); err != nil {
		return nil, fmt.Errorf("cluster: demo: decode /v2/queue: %w", err)
	}
	out := make([]AppStats, 0, len(apps.Apps))
	for _, a := range apps.Apps {
		s := AppStats{
			ID: a.ID, Role: a.Role, Wants: wantsText(a.CPUs, a.Mem, a.Disk, a.GPUs),
			Instances: a.Instances, Running: a.TasksRunning, Staged: a.TasksStaged,
			Healthy: a.TasksHealthy, Unhealthy: a.TasksUnhealthy, HealthChecks: len(a.HealthChecks),
		}
		if f := a.LastTaskFailure; f != nil {
			s.LastFailure = f.State
			if f.Message != "" {
				s.LastFailure += ": " + f.Message
			}
		}
		for _, q := range queue.Queue {
			if q.App.ID != a.ID {
				continue
			}
			sum := q.ProcessedOffersSummary
			s.Queued = q.Count
			s.Delayed = !q.Delay.Overdue
			s.DelayLeft = time.Duration(min(max(q.Delay.TimeLeftSeconds, 0), maxDelaySeconds)) * time.Second
			s.OffersProcessed, s.OffersUnused = sum.ProcessedOffersCount, sum.UnusedOffersCount
			most := 0
			for _, step := range sum.RejectSummaryLastOffers {
				if step.Declined > most {
					most, s.Reason = step.Declined, step.Reason
				}
			}
			s.Waiting = s.Queued > 0 && !s.Delayed && s.OffersUnused == s.OffersProcessed
			break
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b AppStats) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// wantsText writes an instance's demand as the frameworks' Wants are
// written ("cpus:0.5; mem:256"), leaving out zero resources.
func wantsText(cpus, mem, disk, gpus float64) string {
	var parts []string
	for _, r := range []struct {
		name string
		v    float64
	}{{"cpus", cpus}, {"mem", mem}, {"disk", disk}, {"gpus", gpus}} {
		if r.v > 0 {
			parts = append(parts, fmt.Sprintf("%s:%g", r.name, r.v))
		}
	}
	return strings.Join(parts, "; ")
}

// maxMarathonResponse bounds what the demo reads from its Marathon.
const maxMarathonResponse = 8 << 20

// AppStats reads every app of the demo's Marathon from its REST API (GET
// /v2/apps and /v2/queue), sorted by id. It fails once Stop has begun.
func (d *Demo) AppStats(ctx context.Context) ([]AppStats, error) {
	apps, err := d.marathonGet(ctx, "/v2/apps")
	if err != nil {
		return nil, err
	}
	queue, err := d.marathonGet(ctx, "/v2/queue")
	if err != nil {
		return nil, err
	}
	return decodeAppStats(apps, queue)
}

// marathonGet GETs path from the demo's Marathon and returns the body of a
// 200 answer.
func (d *Demo) marathonGet(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.marathon.URL()+path, nil)
	if err != nil {
		return nil, fmt.Errorf("cluster: demo: GET %s: %w", path, err)
	}
	resp, err := d.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cluster: demo: GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMarathonResponse+1))
	if err != nil {
		return nil, fmt.Errorf("cluster: demo: GET %s: %w", path, err)
	}
	if len(body) > maxMarathonResponse {
		return nil, fmt.Errorf("cluster: demo: GET %s: %w", path, errTooLarge)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("cluster: demo: GET %s: status %d: %s", path, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return body, nil
}

var errTooLarge = errors.New("response larger than 8 MiB")
