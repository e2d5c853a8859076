package inspector

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// This file holds the v0 endpoints of the master and libprocess, and the agent's.

// MasterState fetches /master/state (Mesos ≥ 0.28; /master/state.json before).
func (c *Client) MasterState(ctx context.Context) (*State, error) {
	data, err := c.get(ctx, "/master/state", false)
	if err != nil {
		var he *HTTPError
		if !asHTTPError(err, &he) || he.Status != 404 {
			return nil, fmt.Errorf("master state: %w", err)
		}
		if data, err = c.get(ctx, "/master/state.json", false); err != nil {
			return nil, fmt.Errorf("master state: %w", err)
		}
	}
	st, err := DecodeState(data)
	if err != nil {
		return nil, fmt.Errorf("master state: %w", err)
	}
	return st, nil
}

// StateSummary fetches /master/state-summary (agents and frameworks with task
// counts, no tasks; much cheaper than /master/state).
func (c *Client) StateSummary(ctx context.Context) (*State, error) {
	return c.getState(ctx, "/master/state-summary")
}

// Slaves fetches /master/slaves.
func (c *Client) Slaves(ctx context.Context) ([]Agent, error) {
	st, err := c.getState(ctx, "/master/slaves")
	if err != nil {
		return nil, err
	}
	return st.Agents, nil
}

// Frameworks fetches /master/frameworks (with tasks, executors and offers lifted
// into the returned State).
func (c *Client) Frameworks(ctx context.Context) (*State, error) {
	return c.getState(ctx, "/master/frameworks")
}

// Tasks fetches one page of /master/tasks (limit ≤ 0 means Mesos's default 100).
func (c *Client) Tasks(ctx context.Context, limit, offset int) ([]Task, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	path := "/master/tasks"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	st, err := c.getState(ctx, path)
	if err != nil {
		return nil, err
	}
	return st.Tasks, nil
}

func (c *Client) getState(ctx context.Context, path string) (*State, error) {
	data, err := c.get(ctx, path, false)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	st, err := DecodeState(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return st, nil
}

// Roles fetches /master/roles (with quota, allocated, offered and reserved since
// Mesos 1.9; name, weight, resources and frameworks before).
func (c *Client) Roles(ctx context.Context) ([]Role, error) {
	data, err := c.get(ctx, "/master/roles", false)
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	return DecodeRoles(data)
}

// Version fetches /version.
func (c *Client) Version(ctx context.Context) (Version, error) {
	data, err := c.get(ctx, "/version", false)
	if err != nil {
		return Version{}, fmt.Errorf("version: %w", err)
	}
	return DecodeVersion(data)
}

// MasterFlags fetches /master/flags (every Mesos version; GetFlags is the v1
// operator API's GET_FLAGS).
func (c *Client) MasterFlags(ctx context.Context) (map[string]string, error) {
	data, err := c.get(ctx, "/master/flags", false)
	if err != nil {
		return nil, fmt.Errorf("master flags: %w", err)
	}
	return DecodeFlags(data)
}

// Health fetches /master/health, which answers 200 with an empty body on every
// master, leading or not.
func (c *Client) Health(ctx context.Context) error {
	if _, err := c.get(ctx, "/master/health", false); err != nil {
		return fmt.Errorf("health: %w", err)
	}
	return nil
}

// Processes fetches libprocess's /__processes__.
func (c *Client) Processes(ctx context.Context) ([]Actor, error) {
	data, err := c.get(ctx, "/__processes__", false)
	if err != nil {
		return nil, fmt.Errorf("processes: %w", err)
	}
	return DecodeProcesses(data)
}

// MetricsSnapshot fetches /metrics/snapshot. libprocess rate-limits the endpoint
// (2 requests per second by default, queueing the excess), so the client spaces
// its own requests at least MetricsSnapshotInterval apart. Prefer Metrics, which
// uses GET_METRICS when the master has it.
func (c *Client) MetricsSnapshot(ctx context.Context, timeout time.Duration) (Metrics, error) {
	c.mu.Lock()
	wait := time.Duration(0)
	now := c.now()
	if !c.lastSnap.IsZero() {
		wait = MetricsSnapshotInterval - now.Sub(c.lastSnap)
	}
	if wait < 0 {
		wait = 0
	}
	c.lastSnap = now.Add(wait)
	c.mu.Unlock()
	if wait > 0 {
		if err := c.retry.Sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("metrics snapshot: %w", err)
		}
	}
	path := "/metrics/snapshot"
	if timeout > 0 {
		path += "?timeout=" + formatMesosDuration(timeout)
	}
	data, err := c.get(ctx, path, false)
	if err != nil {
		return nil, fmt.Errorf("metrics snapshot: %w", err)
	}
	return DecodeMetrics(data)
}

// formatMesosDuration renders a duration as stout parses it ("5secs", "250ms").
func formatMesosDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "secs"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}

// Metrics returns one metrics snapshot, by GET_METRICS when the master has the v1
// operator API (not rate-limited) and by /metrics/snapshot otherwise.
func (c *Client) Metrics(ctx context.Context) (Metrics, error) {
	if !c.isAbsent("api/v1") {
		m, err := c.GetMetrics(ctx, DefaultMetricsTimeout)
		if err == nil {
			return m, nil
		}
		if !operatorMissing(err) {
			return nil, err
		}
		c.markAbsent("api/v1")
	}
	return c.MetricsSnapshot(ctx, DefaultMetricsTimeout)
}

// AgentURL returns the base URL of an agent's HTTP endpoints from its libprocess
// pid ("slave(1)@10.0.1.109:5051" gives http://10.0.1.109:5051/slave(1)), using
// the master's scheme: the agent process's own routes, which work on a real
// agent (where /state is /slave(1)/state by delegation) and on an in-process
// cluster whose agents share one address (mesos-local, mesoscope local);
// hostname:port when the pid is missing.
func (c *Client) AgentURL(a Agent) (string, error) {
	hostPort, prefix := "", ""
	if id, after, ok := strings.Cut(a.PID, "@"); ok {
		hostPort = after
		if id != "" {
			prefix = "/" + id
		}
	} else if a.Hostname != "" && a.Port != 0 {
		hostPort = a.Hostname + ":" + strconv.Itoa(a.Port)
	}
	if hostPort == "" {
		return "", fmt.Errorf("agent %s: no pid or hostname:port to reach it", a.ID)
	}
	return c.baseURL().Scheme + "://" + hostPort + prefix, nil
}

// AgentState fetches an agent's /state (agentURL from AgentURL).
func (c *Client) AgentState(ctx context.Context, agentURL string) (*AgentState, error) {
	data, err := c.get(ctx, strings.TrimRight(agentURL, "/")+"/state", false)
	if err != nil {
		return nil, fmt.Errorf("agent state: %w", err)
	}
	return DecodeAgentState(data)
}

// Containers fetches an agent's /containers.
func (c *Client) Containers(ctx context.Context, agentURL string) ([]Container, error) {
	data, err := c.get(ctx, strings.TrimRight(agentURL, "/")+"/containers", false)
	if err != nil {
		return nil, fmt.Errorf("containers: %w", err)
	}
	return DecodeContainers(data)
}

// MonitorStatistics fetches an agent's /monitor/statistics (executors' usage).
func (c *Client) MonitorStatistics(ctx context.Context, agentURL string) ([]Container, error) {
	data, err := c.get(ctx, strings.TrimRight(agentURL, "/")+"/monitor/statistics", false)
	if err != nil {
		return nil, fmt.Errorf("monitor statistics: %w", err)
	}
	return DecodeContainers(data)
}

func asHTTPError(err error, target **HTTPError) bool { return errors.As(err, target) }

// MarathonQueueQuery is the query of the launch queue request: with each
// agent's last unused offer and why it did not match.
const MarathonQueueQuery = "embed=lastUnusedOffers"

// ParseMarathonURL normalises a Marathon address as ParseMasterURL does a
// master's ("host:8080" gets "http://", paths are dropped); it must not be
// empty.
func ParseMarathonURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("inspector: no Marathon URL")
	}
	return parseBaseURL("marathon", s)
}

// marathonGet GETs a Marathon endpoint; a 404 is ErrNotSupported.
func (c *Client) marathonGet(ctx context.Context, marathonURL, path string) ([]byte, error) {
	base, err := ParseMarathonURL(marathonURL)
	if err != nil {
		return nil, err
	}
	return c.get(ctx, base.String()+path, true)
}

// MarathonQueue fetches Marathon's launch queue with the last unused offers
// (GET <marathonURL>/v2/queue?embed=lastUnusedOffers).
func (c *Client) MarathonQueue(ctx context.Context, marathonURL string) ([]MarathonQueueItem, error) {
	data, err := c.marathonGet(ctx, marathonURL, "/v2/queue?"+MarathonQueueQuery)
	if err != nil {
		return nil, fmt.Errorf("marathon queue: %w", err)
	}
	return DecodeMarathonQueue(data)
}

// MarathonInfo fetches Marathon's GET /v2/info: its framework id, name and role.
func (c *Client) MarathonInfo(ctx context.Context, marathonURL string) (MarathonInfo, error) {
	data, err := c.marathonGet(ctx, marathonURL, "/v2/info")
	if err != nil {
		return MarathonInfo{}, fmt.Errorf("marathon info: %w", err)
	}
	return DecodeMarathonInfo(data)
}

// MarathonApps fetches Marathon's GET /v2/apps.
func (c *Client) MarathonApps(ctx context.Context, marathonURL string) ([]MarathonApp, error) {
	data, err := c.marathonGet(ctx, marathonURL, "/v2/apps")
	if err != nil {
		return nil, fmt.Errorf("marathon apps: %w", err)
	}
	return DecodeMarathonApps(data)
}
