package inspector

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// BundleFormatVersion is the manifest format this package writes and reads.
const BundleFormatVersion = 1

// BundleManifestName is the name of the manifest entry in a bundle.
const BundleManifestName = "manifest.json"

// MesoscopeSpans is mesoscope's span export endpoint, saved in bundles.
const MesoscopeSpans = MesoscopeAPI + "/spans"

// Default bundle limits, applied by LoadBundle to zero BundleLimits fields.
const (
	DefaultBundleMaxEntryBytes = 256 << 20
	DefaultBundleMaxTotalBytes = 1 << 30
	DefaultBundleMaxEntries    = 10_000
)

// BundleOptions configure SaveBundle.
type BundleOptions struct {
	// Agents also saves every agent's /state (at most MaxAgents; 0 means all).
	Agents    bool
	MaxAgents int
}

// BundleLimits bound what LoadBundle accepts: the uncompressed size of one
// entry, of all entries together, and the number of entries.
type BundleLimits struct {
	MaxEntryBytes int64
	MaxTotalBytes int64
	MaxEntries    int
}

// BundleManifest is a bundle's manifest.json.
type BundleManifest struct {
	FormatVersion int             `json:"format_version"`
	Source        string          `json:"source"`
	TakenAt       time.Time       `json:"taken_at"`
	Entries       []BundleEntry   `json:"entries"`
	Missing       []BundleMissing `json:"missing,omitempty"`
}

// BundleEntry is one saved response: the tar entry Name holding the body, and
// the request that produced it. Host is empty for the master and host:port for
// an agent; Call names the operator API call for POST /api/v1.
type BundleEntry struct {
	Name   string `json:"name"`
	Host   string `json:"host,omitempty"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Call   string `json:"call,omitempty"`
	Size   int64  `json:"size"`
}

// BundleMissing records an endpoint SaveBundle tried and could not read.
type BundleMissing struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// SaveBundle reads the leading master's raw payloads and writes them to w as one
// gzipped tar: manifest.json first, then one entry per response. It saves
// /master/state, /master/roles, metrics (GET_METRICS, else /metrics/snapshot),
// /__processes__, mesoscope's /mesoscope/v1/processes, /allocator and /spans
// when served, and with opt.Agents every agent's /state. Only /master/state is
// required; what could not be read is listed in the manifest's "missing".
func SaveBundle(ctx context.Context, c *Client, w io.Writer, opt BundleOptions) (*BundleManifest, error) {
	start := c.now()
	if _, err := c.Leader(ctx); err != nil && !errors.Is(err, ErrNotMesos) {
		return nil, fmt.Errorf("save bundle: %w", err)
	}
	m := &BundleManifest{FormatVersion: BundleFormatVersion, Source: c.Master(), TakenAt: start.UTC()}
	var bodies [][]byte
	add := func(e BundleEntry, data []byte) {
		e.Size = int64(len(data))
		m.Entries = append(m.Entries, e)
		bodies = append(bodies, data)
	}
	miss := func(p string, err error) { m.Missing = append(m.Missing, BundleMissing{Path: p, Error: err.Error()}) }

	state, err := c.get(ctx, "/master/state", false)
	if err != nil {
		return nil, fmt.Errorf("save bundle: /master/state: %w", err)
	}
	add(BundleEntry{Name: "master/state.json", Method: http.MethodGet, Path: "/master/state"}, state)
	for _, p := range []string{"/master/state-summary", "/master/roles", "/__processes__"} {
		if data, err := c.get(ctx, p, true); err != nil {
			miss(p, err)
		} else {
			add(BundleEntry{Name: strings.TrimPrefix(p, "/") + ".json", Method: http.MethodGet, Path: p}, data)
		}
	}
	if data, err := c.Call(ctx, CallGetMetrics, map[string]any{
		"get_metrics": map[string]any{"timeout": map[string]any{"nanoseconds": DefaultMetricsTimeout.Nanoseconds()}},
	}); err == nil {
		add(BundleEntry{Name: "api/v1/GET_METRICS.json", Method: http.MethodPost, Path: "/api/v1", Call: CallGetMetrics}, data)
	} else if data, err2 := c.get(ctx, "/metrics/snapshot", true); err2 == nil {
		add(BundleEntry{Name: "metrics/snapshot.json", Method: http.MethodGet, Path: "/metrics/snapshot"}, data)
	} else {
		miss("/metrics/snapshot", fmt.Errorf("GET_METRICS: %v; /metrics/snapshot: %w", err, err2))
	}
	if c.HasMesoscope(ctx) {
		for _, p := range []string{MesoscopeProcesses, MesoscopeAllocator, MesoscopeSpans} {
			if data, err := c.Mesoscope(ctx, p); err != nil {
				miss(p, err)
			} else {
				add(BundleEntry{Name: strings.TrimPrefix(p, "/") + ".json", Method: http.MethodGet, Path: p}, data)
			}
		}
	} else {
		miss(MesoscopeProcesses, ErrNotSupported)
	}
	if opt.Agents {
		st, err := DecodeState(state)
		if err != nil {
			return nil, fmt.Errorf("save bundle: /master/state: %w", err)
		}
		for i, a := range st.Agents {
			if opt.MaxAgents > 0 && i >= opt.MaxAgents {
				break
			}
			base, err := c.AgentURL(a)
			if err != nil {
				miss("agent "+a.ID+" /state", err)
				continue
			}
			u, err := url.Parse(base)
			if err != nil {
				miss("agent "+a.ID+" /state", err)
				continue
			}
			data, err := c.get(ctx, base+"/state", false)
			if err != nil {
				miss("agent "+a.ID+" /state", err)
				continue
			}
			add(BundleEntry{Name: "agents/" + strconv.Itoa(i) + "/state.json", Host: u.Host, Method: http.MethodGet, Path: u.Path + "/state"}, data)
			if data, err := c.get(ctx, base+"/containers", true); err != nil {
				miss("agent "+a.ID+" /containers", err)
			} else {
				add(BundleEntry{Name: "agents/" + strconv.Itoa(i) + "/containers.json", Host: u.Host, Method: http.MethodGet, Path: u.Path + "/containers"}, data)
			}
		}
	}

	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("save bundle: manifest: %w", err)
	}
	write := func(name string, data []byte) error {
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: m.TakenAt, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("save bundle: %s: %w", name, err)
		}
		if _, err := tw.Write(data); err != nil {
			return fmt.Errorf("save bundle: %s: %w", name, err)
		}
		return nil
	}
	if err := write(BundleManifestName, manifest); err != nil {
		return nil, err
	}
	for i, e := range m.Entries {
		if err := write(e.Name, bodies[i]); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("save bundle: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("save bundle: %w", err)
	}
	return m, nil
}

// Bundle is a loaded snapshot bundle. It is an http.RoundTripper that answers
// the requests SaveBundle made from the saved bodies, so a Client built by
// Bundle.Client reads the bundle exactly as it read the live master.
type Bundle struct {
	Manifest BundleManifest
	files    map[string][]byte
	byReq    map[string][]byte
	master   string // host of Manifest.Source
}

// LoadBundle reads a bundle written by SaveBundle. Every entry must be a
// regular file with a clean relative name (no "..", no absolute paths, no
// backslashes), listed once in the manifest with the size it has, and within
// limits; errors name the offending entry.
func LoadBundle(r io.Reader, limits BundleLimits) (*Bundle, error) {
	if limits.MaxEntryBytes <= 0 {
		limits.MaxEntryBytes = DefaultBundleMaxEntryBytes
	}
	if limits.MaxTotalBytes <= 0 {
		limits.MaxTotalBytes = DefaultBundleMaxTotalBytes
	}
	if limits.MaxEntries <= 0 {
		limits.MaxEntries = DefaultBundleMaxEntries
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("load bundle: not gzip: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	var total int64
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("load bundle: tar: %w", err)
		}
		name := hdr.Name
		if err := checkBundleName(name); err != nil {
			return nil, fmt.Errorf("load bundle: entry %q: %w", name, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("load bundle: entry %q: type %q, want a regular file", name, hdr.Typeflag)
		}
		if _, dup := files[name]; dup {
			return nil, fmt.Errorf("load bundle: entry %q: duplicate", name)
		}
		if len(files) >= limits.MaxEntries {
			return nil, fmt.Errorf("load bundle: entry %q: more than %d entries: %w", name, limits.MaxEntries, ErrTooLarge)
		}
		if hdr.Size < 0 || hdr.Size > limits.MaxEntryBytes {
			return nil, fmt.Errorf("load bundle: entry %q: %d bytes exceed the limit of %d: %w", name, hdr.Size, limits.MaxEntryBytes, ErrTooLarge)
		}
		if total+hdr.Size > limits.MaxTotalBytes {
			return nil, fmt.Errorf("load bundle: entry %q: bundle exceeds the total limit of %d bytes: %w", name, limits.MaxTotalBytes, ErrTooLarge)
		}
		data, err := io.ReadAll(io.LimitReader(tr, hdr.Size))
		if err != nil {
			return nil, fmt.Errorf("load bundle: entry %q: %w", name, err)
		}
		if int64(len(data)) != hdr.Size {
			return nil, fmt.Errorf("load bundle: entry %q: truncated at %d of %d bytes", name, len(data), hdr.Size)
		}
		total += hdr.Size
		files[name] = data
	}
	raw, ok := files[BundleManifestName]
	if !ok {
		return nil, fmt.Errorf("load bundle: entry %q: missing", BundleManifestName)
	}
	b := &Bundle{files: files, byReq: map[string][]byte{}}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b.Manifest); err != nil {
		return nil, fmt.Errorf("load bundle: entry %q: %w", BundleManifestName, err)
	}
	m := &b.Manifest
	if m.FormatVersion != BundleFormatVersion {
		return nil, fmt.Errorf("load bundle: entry %q: format_version %d, want %d", BundleManifestName, m.FormatVersion, BundleFormatVersion)
	}
	src, err := url.Parse(m.Source)
	if err != nil || (src.Scheme != "http" && src.Scheme != "https") || src.Host == "" {
		return nil, fmt.Errorf("load bundle: entry %q: source %q is not an http(s) URL", BundleManifestName, m.Source)
	}
	b.master = src.Host
	listed := map[string]bool{BundleManifestName: true}
	hasState := false
	for i, e := range m.Entries {
		if err := checkBundleName(e.Name); err != nil {
			return nil, fmt.Errorf("load bundle: entry %q (manifest entries[%d]): %w", e.Name, i, err)
		}
		data, ok := files[e.Name]
		if !ok {
			return nil, fmt.Errorf("load bundle: entry %q (manifest entries[%d]): not in the archive", e.Name, i)
		}
		if listed[e.Name] {
			return nil, fmt.Errorf("load bundle: entry %q (manifest entries[%d]): listed twice", e.Name, i)
		}
		listed[e.Name] = true
		if int64(len(data)) != e.Size {
			return nil, fmt.Errorf("load bundle: entry %q: %d bytes, manifest says %d", e.Name, len(data), e.Size)
		}
		if !strings.HasPrefix(e.Path, "/") || (e.Method != http.MethodGet && e.Method != http.MethodPost) {
			return nil, fmt.Errorf("load bundle: entry %q (manifest entries[%d]): bad request %s %q", e.Name, i, e.Method, e.Path)
		}
		host := e.Host
		if host == "" {
			host = b.master
		}
		if err := validateBundleEntry(e, data); err != nil {
			return nil, fmt.Errorf("load bundle: entry %q: %w", e.Name, err)
		}
		if e.Host == "" && e.Method == http.MethodGet && e.Path == "/master/state" {
			hasState = true
		}
		b.byReq[reqKey(host, e.Method, e.Path, e.Call)] = data
	}
	if !hasState {
		return nil, fmt.Errorf("load bundle: entry %q: no /master/state entry listed", BundleManifestName)
	}
	for name := range files {
		if !listed[name] {
			return nil, fmt.Errorf("load bundle: entry %q: not listed in %s", name, BundleManifestName)
		}
	}
	return b, nil
}

// validateBundleEntry decodes the payloads the inspector knows, so a corrupt
// bundle fails at load naming the entry rather than later naming a URL.
func validateBundleEntry(e BundleEntry, data []byte) error {
	var err error
	switch {
	case e.Host != "" && strings.HasSuffix(e.Path, "/state"):
		_, err = DecodeAgentState(data)
	case e.Host != "" && strings.HasSuffix(e.Path, "/containers"):
		_, err = DecodeContainers(data)
	case e.Host != "":
	case e.Path == "/master/state", e.Path == "/master/state-summary":
		_, err = DecodeState(data)
	case e.Path == "/master/roles":
		_, err = DecodeRoles(data)
	case e.Path == "/metrics/snapshot", e.Call == CallGetMetrics:
		_, err = DecodeMetrics(data)
	case e.Path == "/__processes__":
		_, err = DecodeProcesses(data)
	case e.Path == MesoscopeProcesses:
		_, err = decodeMesoscopeProcesses(data)
	}
	return err
}

// checkBundleName rejects names that could escape a directory if extracted.
func checkBundleName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case strings.ContainsAny(name, "\\\x00:"):
		return errors.New("name contains a backslash, colon or NUL")
	case path.IsAbs(name):
		return errors.New("absolute path")
	case path.Clean(name) != name:
		return errors.New("name is not clean")
	case name == ".." || strings.HasPrefix(name, "../"):
		return errors.New("path traversal")
	}
	return nil
}

func reqKey(host, method, p, call string) string {
	return host + " " + method + " " + p + " " + call
}

// File returns the body of a bundle entry by name.
func (b *Bundle) File(name string) ([]byte, bool) {
	data, ok := b.files[name]
	return data, ok
}

// Client returns a Client reading the bundle instead of a live master: cfg's
// Master, HTTPClient and Retry are replaced, and its clock, unless set, stands
// at the bundle's TakenAt when the client is made and advances from there (so
// ages read as at capture time, and rate-limit spacing still elapses).
func (b *Bundle) Client(cfg Config) (*Client, error) {
	cfg.Master = b.Manifest.Source
	cfg.HTTPClient = &http.Client{Transport: b}
	cfg.Retry = RetryPolicy{MaxAttempts: 1}
	cfg.Principal, cfg.Secret, cfg.CAFile, cfg.Insecure = "", "", "", false
	if cfg.Now == nil {
		taken, made := b.Manifest.TakenAt, time.Now()
		cfg.Now = func() time.Time { return taken.Add(time.Since(made)) }
	}
	c, err := New(cfg)
	if err != nil {
		return nil, fmt.Errorf("bundle client: %w", err)
	}
	return c, nil
}

// RoundTrip implements http.RoundTripper over the saved bodies. The query
// string is ignored; /master/redirect answers 200 (the saved master is the
// leader); anything not saved answers 404.
func (b *Bundle) RoundTrip(req *http.Request) (*http.Response, error) {
	call := ""
	if req.Body != nil {
		body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("bundle: %w", err)
		}
		if req.Method == http.MethodPost {
			var c struct {
				Type string `json:"type"`
			}
			_ = json.Unmarshal(body, &c)
			call = c.Type
		}
	}
	status, data := http.StatusNotFound, []byte("not in bundle")
	if req.Method == http.MethodGet && req.URL.Path == "/master/redirect" && req.URL.Host == b.master {
		status, data = http.StatusOK, nil
	} else if d, ok := b.byReq[reqKey(req.URL.Host, req.Method, req.URL.Path, call)]; ok {
		status, data = http.StatusOK, d
	}
	h := http.Header{}
	if status == http.StatusOK {
		h.Set("Content-Type", "application/json")
	} else {
		h.Set("Content-Type", "text/plain")
	}
	return &http.Response{
		Status: strconv.Itoa(status) + " " + http.StatusText(status), StatusCode: status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(data)), ContentLength: int64(len(data)), Request: req,
	}, nil
}
