package inspector

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Bundle is a loaded snapshot bundle. It is an http.RoundTripper that answers
// the requests SaveBundle made from the saved bodies, so a Client built by
// Bundle.Client reads the bundle exactly as it read the live master (and the
// agents and Marathon saved with it).
type Bundle struct {
	Manifest BundleManifest
	files    map[string][]byte
	byReq    map[string][]byte
	master   string // host of Manifest.Source
	marathon string // host of Manifest.Marathon
}

// LoadBundle reads a bundle written by SaveBundle, of any format version from
// MinBundleFormatVersion to BundleFormatVersion. Every entry must be a regular
// file with a clean relative name (no "..", no absolute paths, no
// backslashes), listed once in the manifest with the size it has, and within
// limits; the payloads the inspector decodes must decode. Errors name the
// offending entry.
func LoadBundle(r io.Reader, limits BundleLimits) (*Bundle, error) {
	files, err := readBundleArchive(r, limits)
	if err != nil {
		return nil, err
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
	if m.FormatVersion < MinBundleFormatVersion || m.FormatVersion > BundleFormatVersion {
		return nil, fmt.Errorf("load bundle: entry %q: format_version %d, want %d to %d", BundleManifestName, m.FormatVersion, MinBundleFormatVersion, BundleFormatVersion)
	}
	if b.master, err = bundleHost(m.Source); err != nil {
		return nil, fmt.Errorf("load bundle: entry %q: source %w", BundleManifestName, err)
	}
	if m.Marathon != "" {
		if b.marathon, err = bundleHost(m.Marathon); err != nil {
			return nil, fmt.Errorf("load bundle: entry %q: marathon %w", BundleManifestName, err)
		}
	}
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
		query, err := canonicalQuery(e.Query)
		if err != nil {
			return nil, fmt.Errorf("load bundle: entry %q (manifest entries[%d]): %w", e.Name, i, err)
		}
		host := e.Host
		if host == "" {
			host = b.master
		}
		if err := validateBundleEntry(e, b.marathon, data); err != nil {
			return nil, fmt.Errorf("load bundle: entry %q: %w", e.Name, err)
		}
		if e.Host == "" && e.Method == http.MethodGet && e.Path == "/master/state" {
			hasState = true
		}
		b.byReq[reqKey(host, e.Method, e.Path, query, e.Call)] = data
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

// readBundleArchive reads every entry of a gzipped tar within limits.
func readBundleArchive(r io.Reader, limits BundleLimits) (map[string][]byte, error) {
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
			return files, nil
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
}

// bundleHost returns the host:port of a manifest URL, which must be http(s).
func bundleHost(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return u.Host, nil
}

// validateBundleEntry decodes the payloads the inspector knows, so a corrupt
// bundle fails at load naming the entry rather than later naming a URL (and
// SaveBundle does not save what it could not read back). Entries without Host
// are the master's; with it, Marathon's (marathonHost) or an agent's.
func validateBundleEntry(e BundleEntry, marathonHost string, data []byte) error {
	var err error
	switch {
	case e.Host != "" && e.Host == marathonHost:
		switch e.Path {
		case "/v2/queue":
			_, err = DecodeMarathonQueue(data)
		case "/v2/apps":
			_, err = DecodeMarathonApps(data)
		case "/v2/info":
			_, err = DecodeMarathonInfo(data)
		}
	case e.Host != "":
		// An agent (whose host:port may be the master's, on an in-process
		// cluster).
		switch {
		case strings.HasSuffix(e.Path, "/state"):
			_, err = DecodeAgentState(data)
		case strings.HasSuffix(e.Path, "/containers"), strings.HasSuffix(e.Path, "/monitor/statistics"):
			_, err = DecodeContainers(data)
		}
	case e.Path == "/master/state", e.Path == "/master/state-summary":
		_, err = DecodeState(data)
	case e.Path == "/master/roles":
		_, err = DecodeRoles(data)
	case e.Path == "/metrics/snapshot", e.Call == CallGetMetrics:
		_, err = DecodeMetrics(data)
	case e.Path == "/__processes__":
		_, err = DecodeProcesses(data)
	case e.Path == "/version", e.Call == CallGetVersion:
		_, err = DecodeVersion(data)
	case e.Path == "/master/flags", e.Call == CallGetFlags:
		_, err = DecodeFlags(data)
	case e.Path == MesoscopeProcesses:
		_, err = decodeMesoscopeProcesses(data)
	case e.Path == MesoscopeAllocator && e.Query != "":
		_, err = decodeAllocatorExplanation(data, "")
	}
	return err
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

// RoundTrip implements http.RoundTripper over the saved bodies. A request is
// answered by the entry saved for the same host, method, path, operator call
// and query; failing that, by one saved without the query parameters that
// only bound an answer (timeout, limit). /master/redirect answers 200 (the
// saved master is the leader); anything not saved answers 404.
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
	} else if d, ok := b.lookup(req.URL.Host, req.Method, req.URL.Path, req.URL.RawQuery, call); ok {
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

// lookup finds the body saved for a request (see RoundTrip).
func (b *Bundle) lookup(host, method, p, rawQuery, call string) ([]byte, bool) {
	q, err := canonicalQuery(rawQuery)
	if err != nil {
		return nil, false
	}
	if d, ok := b.byReq[reqKey(host, method, p, q, call)]; ok {
		return d, true
	}
	if bare := withoutBoundingParams(q); bare != q {
		d, ok := b.byReq[reqKey(host, method, p, bare, call)]
		return d, ok
	}
	return nil, false
}
