package inspector

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// Client reads a Mesos master (0.28–1.11, or mesoscope's) over HTTP: the v1 operator
// API, the v0 endpoints, libprocess's /__processes__ and /metrics/snapshot, agents'
// endpoints, and mesoscope's /mesoscope/v1 extras when present. It follows the
// leader (307 redirects and /master/redirect), retries idempotent reads with capped
// exponential backoff, and reports failures as errors wrapping ErrUnreachable,
// ErrNotMesos, ErrUnauthorized, ErrNoLeader or ErrTooLarge.
//
// A Client is safe for concurrent use.
type Client struct {
	cfg   Config
	retry RetryPolicy
	hc    *http.Client
	log   *slog.Logger
	now   func() time.Time

	mu       sync.Mutex
	base     *url.URL // the master believed to lead
	rng      *rand.Rand
	absent   map[string]bool // optional endpoints found missing
	lastSnap time.Time       // last /metrics/snapshot request
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	base, err := ParseMasterURL(cfg.Master)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxRecordBytes <= 0 {
		cfg.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if cfg.MaxRedirects <= 0 {
		cfg.MaxRedirects = DefaultMaxRedirects
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "mesoscope-inspector"
	}
	c := &Client{
		cfg:    cfg,
		retry:  cfg.Retry.withDefaults(),
		log:    cfg.Logger,
		now:    cfg.Now,
		base:   base,
		rng:    rand.New(rand.NewPCG(cfg.Retry.Seed, cfg.Retry.Seed^0x9e3779b97f4a7c15)),
		absent: map[string]bool{},
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	hc := cfg.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if cfg.CAFile != "" || cfg.Insecure {
			tc := &tls.Config{InsecureSkipVerify: cfg.Insecure} //nolint:gosec // operator's explicit choice
			if cfg.CAFile != "" {
				pem, err := os.ReadFile(cfg.CAFile)
				if err != nil {
					return nil, fmt.Errorf("inspector: read CA file: %w", err)
				}
				pool := x509.NewCertPool()
				if !pool.AppendCertsFromPEM(pem) {
					return nil, fmt.Errorf("inspector: CA file %s: no PEM certificates", cfg.CAFile)
				}
				tc.RootCAs = pool
			}
			tr.TLSClientConfig = tc
		}
		hc = &http.Client{Transport: tr}
	} else {
		cp := *hc
		hc = &cp
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = hc
	return c, nil
}

// ParseMasterURL normalises a master address: "" gives DefaultMaster, "host:port"
// gets "http://", paths are dropped. zk:// addresses are rejected: the inspector
// does not speak ZooKeeper; give any master's URL instead.
func ParseMasterURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = DefaultMaster
	}
	if strings.HasPrefix(s, "zk://") {
		return nil, fmt.Errorf("inspector: master %q: ZooKeeper addresses are not supported; give any master's http(s) URL, the client follows the leader", s)
	}
	return parseBaseURL("master", s)
}

// parseBaseURL parses the base URL of a service (what names it in errors):
// "host:port" gets "http://", the path is dropped.
func parseBaseURL(what, s string) (*url.URL, error) {
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("inspector: %s %q: %w", what, s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("inspector: %s %q: scheme must be http or https", what, s)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("inspector: %s %q: no host", what, s)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// Master returns the base URL of the master the client currently talks to.
func (c *Client) Master() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.String()
}

func (c *Client) baseURL() *url.URL {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := *c.base
	return &u
}

func (c *Client) setBase(u *url.URL) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.base.String() != u.String() {
		c.log.Debug("following leader", "from", c.base.String(), "to", u.String())
	}
	c.base = u
}

// request describes one HTTP exchange.
type request struct {
	method string
	// target is a path (resolved against the leader) or an absolute URL
	// (agents).
	target      string
	body        []byte
	contentType string
	accept      string
	// optional endpoints report a 404 as ErrNotSupported instead of ErrNotMesos.
	optional bool
	// stream leaves the body open for the caller.
	stream bool
	// noFollow returns a redirect response instead of following it.
	noFollow bool
}

func (r request) op() string {
	return r.method + " " + r.target
}

// response is a completed exchange.
type response struct {
	status int
	header http.Header
	body   []byte
	// stream is set for stream requests; the caller must close it and call
	// cancel.
	stream io.ReadCloser
	cancel context.CancelFunc
	url    *url.URL
}

// do performs r with redirects and retries.
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	var lastErr error
	for attempt := 1; ; attempt++ {
		resp, err, retryable := c.once(ctx, r)
		if err == nil {
			return resp, nil
		}
		lastErr = err
		if !retryable || attempt >= c.retry.MaxAttempts || ctx.Err() != nil {
			return nil, lastErr
		}
		c.mu.Lock()
		d := c.retry.Backoff(attempt, c.rng)
		c.mu.Unlock()
		c.log.Debug("retrying", "op", r.op(), "attempt", attempt, "backoff", d, "err", err)
		if err := c.retry.Sleep(ctx, d); err != nil {
			return nil, lastErr
		}
	}
}

// once performs one attempt, following up to MaxRedirects redirects to the leader.
// It reports whether a failure is worth retrying.
func (c *Client) once(ctx context.Context, r request) (*response, error, bool) {
	target, err := c.resolve(r.target)
	if err != nil {
		return nil, err, false
	}
	for hop := 0; ; hop++ {
		resp, loc, err, retry := c.exchange(ctx, r, target)
		if err != nil || loc == nil {
			return resp, err, retry
		}
		if hop >= c.cfg.MaxRedirects {
			return nil, fmt.Errorf("%s: more than %d redirects (last to %s): %w", r.op(), c.cfg.MaxRedirects, loc, ErrNoLeader), true
		}
		// A redirect names the leader: remember it for every later call, unless
		// this was an absolute URL (an agent).
		if !isAbsolute(r.target) && !c.cfg.PinMaster {
			c.setBase(&url.URL{Scheme: loc.Scheme, Host: loc.Host})
		}
		target = loc
	}
}

func isAbsolute(target string) bool { return strings.Contains(target, "://") }

func (c *Client) resolve(target string) (*url.URL, error) {
	if isAbsolute(target) {
		u, err := url.Parse(target)
		if err != nil {
			return nil, fmt.Errorf("inspector: bad URL %q: %w", target, err)
		}
		return u, nil
	}
	ref, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("inspector: bad path %q: %w", target, err)
	}
	return c.baseURL().ResolveReference(ref), nil
}

// exchange sends one request to u. A redirect returns its resolved Location.
func (c *Client) exchange(ctx context.Context, r request, u *url.URL) (*response, *url.URL, error, bool) {
	op := r.method + " " + u.String()
	var (
		cctx   context.Context
		cancel context.CancelFunc
		timer  *time.Timer
	)
	if r.stream {
		// Streams live as long as ctx; only the wait for headers is bounded.
		cctx, cancel = context.WithCancel(ctx)
		timer = time.AfterFunc(c.cfg.Timeout, cancel)
	} else {
		cctx, cancel = context.WithTimeout(ctx, c.cfg.Timeout)
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(cctx, r.method, u.String(), body)
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("%s: %w", op, err), false
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	accept := r.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	if c.cfg.Principal != "" {
		req.SetBasicAuth(c.cfg.Principal, c.cfg.Secret)
	}
	hr, err := c.hc.Do(req)
	if timer != nil {
		timer.Stop()
	}
	if err != nil {
		cancel()
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("%s: %w", op, ctx.Err()), false
		}
		return nil, nil, fmt.Errorf("%s: %w: %w", op, ErrUnreachable, err), true
	}
	if isRedirect(hr.StatusCode) && !r.noFollow {
		loc := hr.Header.Get("Location")
		drain(hr.Body)
		cancel()
		if loc == "" {
			return nil, nil, fmt.Errorf("%s: HTTP %d without Location: %w", op, hr.StatusCode, ErrNotMesos), false
		}
		next, err := u.Parse(loc) // handles Mesos's protocol-relative "//leader:5050/path"
		if err != nil {
			return nil, nil, fmt.Errorf("%s: bad Location %q: %w", op, loc, ErrNotMesos), false
		}
		return nil, next, nil, false
	}
	resp := &response{status: hr.StatusCode, header: hr.Header, url: u}
	if r.stream && hr.StatusCode == http.StatusOK {
		resp.stream = hr.Body
		resp.cancel = cancel
		return resp, nil, nil, false
	}
	defer cancel()
	data, readErr := readLimited(hr.Body, c.cfg.MaxBodyBytes)
	hr.Body.Close()
	if readErr != nil {
		if errors.Is(readErr, ErrTooLarge) {
			return nil, nil, fmt.Errorf("%s: %w", op, readErr), false
		}
		return nil, nil, fmt.Errorf("%s: read body: %w: %w", op, ErrUnreachable, readErr), true
	}
	resp.body = data
	switch code := hr.StatusCode; {
	case code >= 200 && code < 300 || isRedirect(code):
		if code != http.StatusNoContent && looksLikeHTML(hr.Header, data) {
			return nil, nil, fmt.Errorf("%s: got an HTML page (%s): %w", op, snippet(data), ErrNotMesos), false
		}
		return resp, nil, nil, false
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return nil, nil, &HTTPError{Method: r.method, URL: u.String(), Status: code, Body: snippet(data), kind: ErrUnauthorized}, false
	case code == http.StatusServiceUnavailable:
		return nil, nil, &HTTPError{Method: r.method, URL: u.String(), Status: code, Body: snippet(data), kind: ErrNoLeader}, true
	case code == http.StatusNotFound:
		kind := ErrNotMesos
		if r.optional {
			kind = ErrNotSupported
		}
		return nil, nil, &HTTPError{Method: r.method, URL: u.String(), Status: code, Body: snippet(data), kind: kind}, false
	case code >= 500:
		return nil, nil, &HTTPError{Method: r.method, URL: u.String(), Status: code, Body: snippet(data)}, true
	default:
		var kind error
		if looksLikeHTML(hr.Header, data) {
			kind = ErrNotMesos
		}
		return nil, nil, &HTTPError{Method: r.method, URL: u.String(), Status: code, Body: snippet(data), kind: kind}, false
	}
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

func drain(rc io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(rc, 64<<10))
	rc.Close()
}

// readLimited reads all of r, failing with ErrTooLarge past max bytes.
func readLimited(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("body exceeds %d bytes: %w", max, ErrTooLarge)
	}
	return data, nil
}

func looksLikeHTML(h http.Header, data []byte) bool {
	if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		return true
	}
	t := bytes.TrimSpace(data)
	return len(t) > 0 && t[0] == '<'
}

// snippet returns the start of a body for error messages.
func snippet(data []byte) string {
	s := strings.TrimSpace(string(data))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// get fetches a path with GET and returns the body.
func (c *Client) get(ctx context.Context, path string, optional bool) ([]byte, error) {
	resp, err := c.do(ctx, request{method: http.MethodGet, target: path, optional: optional})
	if err != nil {
		return nil, err
	}
	return resp.body, nil
}

// Leader asks the master the client points at for the leader (/master/redirect)
// and points the client at it. It returns the leader's base URL, or an error
// wrapping ErrNoLeader when no leader is elected.
func (c *Client) Leader(ctx context.Context) (string, error) {
	if c.cfg.PinMaster {
		return c.Master(), nil
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, target: "/master/redirect", noFollow: true})
	if err != nil {
		return "", fmt.Errorf("leader: %w", err)
	}
	if isRedirect(resp.status) {
		loc := resp.header.Get("Location")
		next, err := resp.url.Parse(loc)
		if err != nil || next.Host == "" {
			return "", fmt.Errorf("leader: bad Location %q from /master/redirect: %w", loc, ErrNotMesos)
		}
		leader := &url.URL{Scheme: next.Scheme, Host: next.Host}
		if leader.String() != c.Master() {
			// A master advertises the leader by its hostname, which may not
			// resolve from here (containers, NAT). Keep the address we were
			// given unless the advertised one answers.
			probe := leader.ResolveReference(&url.URL{Path: "/master/health"})
			if _, _, err, _ := c.exchange(ctx, request{method: http.MethodGet, target: probe.String(), noFollow: true}, probe); err != nil && errors.Is(err, ErrUnreachable) {
				c.log.Debug("leader unreachable at advertised address; keeping the given one", "leader", leader.String(), "err", err)
				return c.Master(), nil
			}
		}
		c.setBase(leader)
	}
	return c.Master(), nil
}

// markAbsent records that an optional endpoint is missing.
func (c *Client) markAbsent(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.absent[key] = true
}

func (c *Client) isAbsent(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.absent[key]
}
