package inspector

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Operator API calls the inspector makes (include/mesos/v1/master/master.proto
// Call.Type). All are reads, so all are retried.
const (
	CallGetHealth     = "GET_HEALTH"
	CallGetFlags      = "GET_FLAGS"
	CallGetVersion    = "GET_VERSION"
	CallGetMetrics    = "GET_METRICS"
	CallGetState      = "GET_STATE"
	CallGetAgents     = "GET_AGENTS"
	CallGetFrameworks = "GET_FRAMEWORKS"
	CallGetExecutors  = "GET_EXECUTORS"
	CallGetTasks      = "GET_TASKS"
	CallGetRoles      = "GET_ROLES"
	CallGetMaster     = "GET_MASTER"
	CallSubscribe     = "SUBSCRIBE"
)

// Call sends an operator API call (POST /api/v1, JSON) and returns the response
// body. extra holds the call's message under its lowercase name, e.g.
// {"get_metrics": {"timeout": {"nanoseconds": 5e9}}}; nil for calls without one.
func (c *Client) Call(ctx context.Context, callType string, extra map[string]any) ([]byte, error) {
	msg := map[string]any{"type": callType}
	for k, v := range extra {
		msg[k] = v
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("operator %s: %w", callType, err)
	}
	resp, err := c.do(ctx, request{
		method: http.MethodPost, target: "/api/v1", body: body,
		contentType: "application/json", accept: "application/json",
	})
	if err != nil {
		return nil, fmt.Errorf("operator %s: %w", callType, err)
	}
	return resp.body, nil
}

// GetState calls GET_STATE.
func (c *Client) GetState(ctx context.Context) (*State, error) {
	return c.callState(ctx, CallGetState)
}

func (c *Client) callState(ctx context.Context, call string) (*State, error) {
	data, err := c.Call(ctx, call, nil)
	if err != nil {
		return nil, err
	}
	st, err := DecodeState(data)
	if err != nil {
		return nil, fmt.Errorf("operator %s: %w", call, err)
	}
	return st, nil
}

// GetAgents calls GET_AGENTS (recovered agents included, with status recovered).
func (c *Client) GetAgents(ctx context.Context) ([]Agent, error) {
	st, err := c.callState(ctx, CallGetAgents)
	if err != nil {
		return nil, err
	}
	return st.Agents, nil
}

// GetFrameworks calls GET_FRAMEWORKS (completed frameworks included).
func (c *Client) GetFrameworks(ctx context.Context) ([]Framework, error) {
	st, err := c.callState(ctx, CallGetFrameworks)
	if err != nil {
		return nil, err
	}
	return st.Frameworks, nil
}

// GetTasks calls GET_TASKS (every list; Task.List says which).
func (c *Client) GetTasks(ctx context.Context) ([]Task, error) {
	st, err := c.callState(ctx, CallGetTasks)
	if err != nil {
		return nil, err
	}
	return st.Tasks, nil
}

// GetExecutors calls GET_EXECUTORS.
func (c *Client) GetExecutors(ctx context.Context) ([]Executor, error) {
	st, err := c.callState(ctx, CallGetExecutors)
	if err != nil {
		return nil, err
	}
	return st.Executors, nil
}

// GetRoles calls GET_ROLES. Mesos's GET_ROLES reports allocated+offered together
// and no quota; /master/roles (Roles) has more.
func (c *Client) GetRoles(ctx context.Context) ([]Role, error) {
	data, err := c.Call(ctx, CallGetRoles, nil)
	if err != nil {
		return nil, err
	}
	return DecodeRoles(data)
}

// GetMetrics calls GET_METRICS with a timeout for pull gauges (0 means
// DefaultMetricsTimeout). Unlike /metrics/snapshot it is not rate-limited
// (master/http.cpp calls process::metrics::snapshot directly).
func (c *Client) GetMetrics(ctx context.Context, timeout time.Duration) (Metrics, error) {
	if timeout <= 0 {
		timeout = DefaultMetricsTimeout
	}
	data, err := c.Call(ctx, CallGetMetrics, map[string]any{
		"get_metrics": map[string]any{"timeout": map[string]any{"nanoseconds": timeout.Nanoseconds()}},
	})
	if err != nil {
		return nil, err
	}
	return DecodeMetrics(data)
}

// GetVersion calls GET_VERSION.
func (c *Client) GetVersion(ctx context.Context) (Version, error) {
	data, err := c.Call(ctx, CallGetVersion, nil)
	if err != nil {
		return Version{}, err
	}
	return DecodeVersion(data)
}

// GetHealth calls GET_HEALTH.
func (c *Client) GetHealth(ctx context.Context) (bool, error) {
	data, err := c.Call(ctx, CallGetHealth, nil)
	if err != nil {
		return false, err
	}
	return DecodeHealth(data)
}

// GetMaster calls GET_MASTER.
func (c *Client) GetMaster(ctx context.Context) (Cluster, error) {
	data, err := c.Call(ctx, CallGetMaster, nil)
	if err != nil {
		return Cluster{}, err
	}
	return DecodeMasterInfo(data)
}

// GetFlags calls GET_FLAGS.
func (c *Client) GetFlags(ctx context.Context) (map[string]string, error) {
	data, err := c.Call(ctx, CallGetFlags, nil)
	if err != nil {
		return nil, err
	}
	return DecodeFlags(data)
}

// operatorMissing reports whether err says the v1 operator API is absent
// (Mesos < 1.0 answers 404 for /api/v1).
func operatorMissing(err error) bool {
	var he *HTTPError
	return asHTTPError(err, &he) && (he.Status == http.StatusNotFound ||
		(he.Status == http.StatusBadRequest && strings.Contains(he.Body, "Failed to")))
}
