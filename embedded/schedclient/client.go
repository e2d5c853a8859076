package schedclient

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// Log attribute keys.
const (
	keyMaster    = "master"
	keyFramework = "framework_id"
	keyStream    = "stream_id"
	keyDelay     = "delay"
	keyTask      = "task_id"
	keyErr       = "err"
)

// headerStreamID is the header naming a subscription
// (src/master/http.cpp Master::Http::scheduler).
const headerStreamID = "Mesos-Stream-Id"

// maxErrorBody bounds the part of an error response kept in a CallError.
const maxErrorBody = 4 << 10

// Client is a framework's connection to the master: Run keeps the
// subscription, Call and its shorthands (Accept, Decline, ...) make calls.
// Call is safe for concurrent use, also from the handler given to Run.
type Client struct {
	endpoint       *url.URL
	calls          *http.Client // redirects are not followed
	stream         *http.Client // no Timeout, redirects are not followed
	closeIdle      func()       // non-nil if the client owns its transport
	headers        http.Header
	callTimeout    time.Duration
	callObserver   CallObserver
	autoAck        bool
	dedup          *dedup // nil without Config.DeduplicateUpdates; guarded by mu
	missed         int
	backoffInitial time.Duration
	backoffMax     time.Duration
	maxEventSize   int
	clock          Clock
	rand           *rand.Rand
	log            *slog.Logger

	running atomic.Bool

	mu          sync.Mutex
	info        mesos.FrameworkInfo // owned copy; what SUBSCRIBE sends
	suppressed  []string
	constraints *scheduler.OfferConstraints
	frameworkID string
	sub         *subscription // nil while not subscribed
	teardown    chan struct{} // non-nil while a TEARDOWN call is in flight
	tornDown    bool
}

// subscription is what one SUBSCRIBED established.
type subscription struct {
	streamID string
	url      *url.URL // the leader's scheduler endpoint
}

// New checks cfg and returns a Client; nothing is sent until Run.
func New(cfg Config) (*Client, error) {
	ep, err := parseMaster(cfg.Master)
	if err != nil {
		return nil, err
	}
	if cfg.ContentType != "" && cfg.ContentType != ContentTypeJSON {
		return nil, fmt.Errorf("schedclient: config: content type %q: only %q is supported", cfg.ContentType, ContentTypeJSON)
	}
	for _, d := range []struct {
		name string
		v    int64
	}{
		{"missed heartbeats", int64(cfg.MissedHeartbeats)},
		{"backoff initial", int64(cfg.BackoffInitial)},
		{"backoff max", int64(cfg.BackoffMax)},
		{"max event size", int64(cfg.MaxEventSize)},
		{"dedup terminal tasks", int64(cfg.DedupTerminalTasks)},
	} {
		if d.v < 0 {
			return nil, fmt.Errorf("schedclient: config: %s: negative value %d", d.name, d.v)
		}
	}
	c := &Client{
		endpoint:       ep,
		headers:        cfg.Headers.Clone(),
		callTimeout:    cmp.Or(cfg.CallTimeout, DefaultCallTimeout),
		callObserver:   cfg.CallObserver,
		autoAck:        cfg.AutoAck,
		missed:         cmp.Or(cfg.MissedHeartbeats, DefaultMissedHeartbeats),
		backoffInitial: cmp.Or(cfg.BackoffInitial, DefaultBackoffInitial),
		backoffMax:     cmp.Or(cfg.BackoffMax, DefaultBackoffMax),
		maxEventSize:   cmp.Or(cfg.MaxEventSize, recordio.MaxRecordSize),
		clock:          cfg.Clock,
		rand:           cfg.Rand,
		log:            cfg.Logger,
	}
	if cfg.DeduplicateUpdates {
		c.dedup = newDedup(cmp.Or(cfg.DedupTerminalTasks, DefaultDedupTerminalTasks))
	}
	if c.backoffMax < c.backoffInitial {
		return nil, fmt.Errorf("schedclient: config: backoff max %v is below backoff initial %v", c.backoffMax, c.backoffInitial)
	}
	if c.clock == nil {
		c.clock = realClock{}
	}
	if c.rand == nil {
		c.rand = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5ced))
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.info, err = clone(cfg.Framework); err != nil {
		return nil, fmt.Errorf("schedclient: config: framework: %w", err)
	}
	if c.constraints, err = clone(cfg.OfferConstraints); err != nil {
		return nil, fmt.Errorf("schedclient: config: offer constraints: %w", err)
	}
	c.suppressed = append([]string(nil), cfg.SuppressedRoles...)
	if err := c.subscribeCall().Validate(); err != nil {
		return nil, fmt.Errorf("schedclient: config: %w", err)
	}

	base := cfg.HTTPClient
	if base == nil {
		tr := &http.Transport{}
		if dt, ok := http.DefaultTransport.(*http.Transport); ok {
			tr = dt.Clone()
		}
		base = &http.Client{Transport: tr}
		c.closeIdle = base.CloseIdleConnections
	}
	calls, stream := *base, *base
	calls.CheckRedirect = noRedirect
	stream.CheckRedirect = noRedirect
	stream.Timeout = 0
	c.calls, c.stream = &calls, &stream
	return c, nil
}

// FrameworkID returns the ID the master assigned in SUBSCRIBED ("" until
// the first one). It stays set after the subscription ends.
func (c *Client) FrameworkID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.frameworkID
}

// subscribeCall builds the SUBSCRIBE call from the current framework
// state: the FrameworkID once known (failover), the roles now suppressed.
func (c *Client) subscribeCall() *scheduler.Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	info := c.info
	if c.frameworkID != "" {
		info.ID = &mesos.FrameworkID{Value: c.frameworkID}
	}
	call := &scheduler.Call{
		Type: scheduler.CallSubscribe,
		Subscribe: &scheduler.Subscribe{
			FrameworkInfo:    info,
			SuppressedRoles:  append([]string(nil), c.suppressed...),
			OfferConstraints: c.constraints,
		},
	}
	if info.ID != nil {
		call.FrameworkID = &mesos.FrameworkID{Value: info.ID.Value}
	}
	return call
}

// newRequest builds a POST of body to u with the configured headers and
// those the scheduler API requires.
func (c *Client) newRequest(ctx context.Context, u *url.URL, body []byte, streamID string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range c.headers {
		req.Header[k] = append([]string(nil), vs...)
	}
	req.Header.Set("Content-Type", ContentTypeJSON)
	req.Header.Set("Accept", ContentTypeJSON)
	req.Header.Del(headerStreamID)
	if streamID != "" {
		req.Header.Set(headerStreamID, streamID)
	}
	return req, nil
}

// noRedirect leaves 3xx answers to the client's own handling.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// readBody returns the start of an error response's body and closes it.
func readBody(resp *http.Response) string {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	discard(resp)
	return string(bytes.TrimSpace(b))
}

// discard drains a little of a response body, so that its connection can
// be reused, and closes it.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// clone deep-copies v through its JSON encoding.
func clone[T any](v T) (T, error) {
	var out T
	b, err := json.Marshal(v)
	if err != nil {
		return out, err
	}
	err = json.Unmarshal(b, &out)
	return out, err
}
