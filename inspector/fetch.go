package inspector

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
)

// SnapshotOptions selects what Client.Snapshot reads. The zero value reads the
// master's state, roles, metrics and processes, but no agents.
type SnapshotOptions struct {
	// Summary reads /master/state-summary instead of /master/state: counts
	// instead of tasks, much cheaper on large clusters.
	Summary bool
	// SkipRoles, SkipMetrics and SkipProcesses leave those parts out.
	SkipRoles     bool
	SkipMetrics   bool
	SkipProcesses bool
	// Agents also reads every active agent's /state and /containers (its
	// /monitor/statistics when it has no /containers).
	Agents bool
	// AgentConcurrency bounds parallel agent reads; 0 means 4.
	AgentConcurrency int
}

// Snapshot reads the leading master's state, roles, metrics (one shared metrics
// snapshot, via GET_METRICS when available) and processes in parallel, and
// optionally every agent's state and containers. Only the state is required;
// other parts that fail are listed in Snapshot.Warnings. Every goroutine it starts
// has finished when it returns.
func (c *Client) Snapshot(ctx context.Context, opt SnapshotOptions) (*Snapshot, error) {
	start := c.now()
	if _, err := c.Leader(ctx); err != nil && !errors.Is(err, ErrNotMesos) {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		roles    []Role
		metrics  Metrics
		actors   []Actor
		mesosc   bool
		warnings []string
	)
	warn := func(part string, err error) {
		mu.Lock()
		defer mu.Unlock()
		warnings = append(warnings, fmt.Sprintf("%s: %v", part, err))
	}
	if !opt.SkipRoles {
		wg.Go(func() {
			r, err := c.Roles(ctx)
			if err != nil {
				warn("roles", err)
				return
			}
			roles = r
		})
	}
	if !opt.SkipMetrics {
		wg.Go(func() {
			m, err := c.Metrics(ctx)
			if err != nil {
				warn("metrics", err)
				return
			}
			metrics = m
		})
	}
	if !opt.SkipProcesses {
		wg.Go(func() {
			a, err := c.Processes(ctx)
			if err != nil {
				warn("processes", err)
				return
			}
			actors = a
		})
	}
	wg.Go(func() { mesosc = c.HasMesoscope(ctx) })
	var st *State
	var err error
	if opt.Summary {
		st, err = c.StateSummary(ctx)
	} else {
		st, err = c.MasterState(ctx)
	}
	wg.Wait()
	if err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	snap := NewSnapshot(c.Master(), st, roles, metrics)
	snap.Actors = actors
	snap.Mesoscope = mesosc
	if mesosc && len(actors) > 0 {
		if err := c.MesoscopeProcessStats(ctx, snap.Actors); err != nil {
			warn("mesoscope processes", err)
		}
	}
	snap.TakenAt = start
	if opt.Agents {
		c.readAgents(ctx, snap, opt.AgentConcurrency, warn)
	}
	slices.Sort(warnings)
	snap.Warnings = warnings
	snap.Took = c.now().Sub(start)
	return snap, nil
}

// readAgents fills snap.AgentState and snap.Containers from the active agents.
func (c *Client) readAgents(ctx context.Context, snap *Snapshot, concurrency int, warn func(string, error)) {
	if concurrency <= 0 {
		concurrency = 4
	}
	var active []Agent
	for _, a := range snap.Agents {
		if agentReadable(a) {
			active = append(active, a)
		}
	}
	states := make([]*AgentState, len(active))
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i, a := range active {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			u, err := c.AgentURL(a)
			if err != nil {
				warn("agent "+a.ID, err)
				return
			}
			as, err := c.AgentState(ctx, u)
			if err != nil {
				warn("agent "+a.ID, err)
				return
			}
			cs, err := c.Containers(ctx, u)
			var he *HTTPError
			if err != nil && asHTTPError(err, &he) && he.Status == http.StatusNotFound {
				// Agents older than the /containers endpoint have only the
				// executors' /monitor/statistics.
				cs, err = c.MonitorStatistics(ctx, u)
			}
			if err != nil {
				warn("agent "+a.ID+" containers", err)
			}
			for j := range cs {
				cs[j].AgentID = a.ID
			}
			as.Containers = cs
			states[i] = as
		})
	}
	wg.Wait()
	for _, as := range states {
		if as == nil {
			continue
		}
		snap.AgentState = append(snap.AgentState, *as)
		snap.Containers = append(snap.Containers, as.Containers...)
	}
}
