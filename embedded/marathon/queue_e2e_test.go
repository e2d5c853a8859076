package marathon_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/master"
)

// queueState is the part of GET /v2/queue the tests read.
type queueState struct {
	Queue []struct {
		App struct {
			ID string `json:"id"`
		} `json:"app"`
		Count int    `json:"count"`
		Role  string `json:"role"`
		Delay struct {
			TimeLeftSeconds int64 `json:"timeLeftSeconds"`
			Overdue         bool  `json:"overdue"`
		} `json:"delay"`
		ProcessedOffersSummary struct {
			ProcessedOffersCount       int                          `json:"processedOffersCount"`
			UnusedOffersCount          int                          `json:"unusedOffersCount"`
			LastUnusedOfferAt          string                       `json:"lastUnusedOfferAt"`
			RejectSummaryLastOffers    []marathon.DeclinedOfferStep `json:"rejectSummaryLastOffers"`
			RejectSummaryLaunchAttempt []marathon.DeclinedOfferStep `json:"rejectSummaryLaunchAttempt"`
		} `json:"processedOffersSummary"`
		LastUnusedOffers []struct {
			Offer struct {
				ID       string `json:"id"`
				AgentID  string `json:"agentId"`
				Hostname string `json:"hostname"`
			} `json:"offer"`
			Reason []marathon.Reason `json:"reason"`
		} `json:"lastUnusedOffers"`
	} `json:"queue"`
}

// waitDeclined waits until Marathon has declined n offers.
func (e *e2e) waitDeclined(n int) {
	e.t.Helper()
	e.eventually(30*time.Second, fmt.Sprintf("%d offers declined", n), func() (bool, string) {
		s, err := e.m.Stats(context.Background())
		return err == nil && s.OffersDeclined >= n, fmt.Sprintf("%+v %v", s, err)
	})
	// Decided is not yet sent: a DECLINE still queued on an offer worker could reach
	// the master after the app's REVIVE (the control worker's) and filter that agent
	// for 120 s. Wait until the master has answered every call.
	e.eventually(30*time.Second, "the declines answered by the master", func() (bool, string) {
		a, err := e.m.Activity(context.Background())
		return err == nil && a.Calls == 0, fmt.Sprintf("%+v %v", a, err)
	})
}

func (e *e2e) queue() queueState {
	e.t.Helper()
	var q queueState
	e.mustCall("GET", "/v2/queue?embed=lastUnusedOffers", nil, 200, &q)
	return q
}

// Each decline reason that an embedded cluster can produce shows up in
// /v2/queue with every agent's offer processed once and charged to it,
// in both funnels, and in the unused offers.
func TestQueueDeclineReasons(t *testing.T) {
	plain := func(host string) cluster.AgentSpec {
		return cluster.AgentSpec{Resources: "cpus:2;mem:1024;disk:1024;ports:[31000-31099]", Attributes: "rack:r1", Hostname: host}
	}
	gpu := func(host string) cluster.AgentSpec {
		return cluster.AgentSpec{Resources: "cpus:2;mem:1024;disk:1024;gpus:1;ports:[31000-31099]", Attributes: "rack:r2", Hostname: host}
	}
	mixed := []cluster.AgentSpec{plain("a1"), plain("a2"), gpu("g1")}
	tests := []struct {
		reason marathon.Reason
		agents []cluster.AgentSpec
		app    string
		// others are reasons some agents are charged instead (ports are
		// matched last, after GPU scarcity).
		others map[marathon.Reason]int
	}{
		{marathon.UnfulfilledRole, mixed, `"acceptedResourceRoles": ["prod"]`, nil},
		{marathon.UnfulfilledConstraint, mixed, `"constraints": [["hostname", "LIKE", "nowhere"]]`, nil},
		{marathon.InsufficientCpus, mixed, `"cpus": 4`, nil},
		{marathon.InsufficientMemory, mixed, `"mem": 4096`, nil},
		{marathon.InsufficientDisk, mixed, `"disk": 4096`, nil},
		{marathon.InsufficientGpus, mixed, `"gpus": 2`, nil},
		{marathon.InsufficientPorts, mixed, `"requirePorts": true, "portDefinitions": [{"port": 80}]`,
			map[marathon.Reason]int{marathon.DeclinedScarceResources: 1}},
		{marathon.DeclinedScarceResources, []cluster.AgentSpec{gpu("g1"), gpu("g2")}, `"cpus": 0.5`, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.reason), func(t *testing.T) {
			// Without suppression every agent's first offer is declined for
			// --decline_offer_duration (120 s) before the app exists; the
			// app's REVIVE then brings each agent's offer exactly once.
			e := startE2E(t, tt.agents, master.Config{}, marathon.Config{DisableSuppressOffers: true})
			n := len(tt.agents)
			e.waitDeclined(n)
			e.mustCall("POST", "/v2/apps", `{"id": "/waiting", "cmd": "sleep 600", "cpus": 0.1, "mem": 16, `+tt.app+`}`, 201, nil)
			var q queueState
			e.eventually(30*time.Second, fmt.Sprintf("%d offers processed", n), func() (bool, string) {
				q = e.queue()
				return len(q.Queue) == 1 && q.Queue[0].ProcessedOffersSummary.ProcessedOffersCount >= n, fmt.Sprintf("%+v", q)
			})
			item := q.Queue[0]
			s := item.ProcessedOffersSummary
			if item.App.ID != "/waiting" || item.Count != 1 || item.Role != "*" || !item.Delay.Overdue || item.Delay.TimeLeftSeconds != 0 {
				t.Errorf("queue item = app %s count %d role %q delay %+v, want /waiting 1 * overdue", item.App.ID, item.Count, item.Role, item.Delay)
			}
			if s.ProcessedOffersCount != n || s.UnusedOffersCount != n || s.LastUnusedOfferAt == "" {
				t.Errorf("processed %d unused %d (last at %q), want %d each", s.ProcessedOffersCount, s.UnusedOffersCount, s.LastUnusedOfferAt, n)
			}
			charged := map[marathon.Reason]int{tt.reason: n}
			for r, k := range tt.others {
				charged[r] = k
				charged[tt.reason] -= k
			}
			want := marathon.FunnelSteps(n, charged)
			if diff := cmp.Diff(want, s.RejectSummaryLaunchAttempt); diff != "" {
				t.Errorf("rejectSummaryLaunchAttempt (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, s.RejectSummaryLastOffers); diff != "" {
				t.Errorf("rejectSummaryLastOffers (-want +got):\n%s", diff)
			}
			if len(item.LastUnusedOffers) != n {
				t.Fatalf("lastUnusedOffers has %d offers, want %d", len(item.LastUnusedOffers), n)
			}
			for _, u := range item.LastUnusedOffers {
				first, _ := marathon.FirstReason(u.Reason)
				if charged[first] == 0 || u.Offer.AgentID == "" || u.Offer.Hostname == "" {
					t.Errorf("unused offer %+v: reasons %v, want it charged to one of %v", u.Offer, u.Reason, charged)
				}
			}
			// Without ?embed the offers are left out.
			var plainQ map[string][]map[string]any
			e.mustCall("GET", "/v2/queue", nil, 200, &plainQ)
			if _, ok := plainQ["queue"][0]["lastUnusedOffers"]; ok {
				t.Errorf("GET /v2/queue without embed lists lastUnusedOffers")
			}
		})
	}
}
