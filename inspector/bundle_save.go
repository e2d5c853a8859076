package inspector

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// SaveBundle reads the leading master's raw payloads and writes them to w as one
// gzipped tar: manifest.json first, then one entry per response. It saves
// /master/state, /master/state-summary, /master/roles, /__processes__, /version
// and /master/flags; metrics by GET_METRICS (else /metrics/snapshot) and, when
// the master has the v1 operator API, GET_VERSION and GET_FLAGS; on mesoscope
// /mesoscope/v1/processes, /allocator (the recorded cycles, and the
// explanation of every framework the state lists) and /spans. With opt.Agents
// it saves each reachable agent's /state, /containers and /monitor/statistics,
// and with opt.Marathon Marathon's /v2/info, /v2/apps and
// /v2/queue?embed=lastUnusedOffers. Only /master/state (and, when asked for,
// Marathon's queue) is required; what could not be read is listed in the
// manifest's "missing".
func SaveBundle(ctx context.Context, c *Client, w io.Writer, opt BundleOptions) (*BundleManifest, error) {
	start := c.now()
	if _, err := c.Leader(ctx); err != nil && !errors.Is(err, ErrNotMesos) {
		return nil, fmt.Errorf("save bundle: %w", err)
	}
	s := &bundleSaver{c: c, m: &BundleManifest{FormatVersion: BundleFormatVersion, Source: c.Master(), TakenAt: start.UTC()}}

	state, err := c.get(ctx, "/master/state", false)
	if err != nil {
		return nil, fmt.Errorf("save bundle: /master/state: %w", err)
	}
	st, err := DecodeState(state)
	if err != nil {
		return nil, fmt.Errorf("save bundle: /master/state: %w", err)
	}
	s.add(BundleEntry{Name: "master/state.json", Method: http.MethodGet, Path: "/master/state"}, state)
	for _, p := range []string{"/master/state-summary", "/master/roles", "/__processes__", "/version", "/master/flags"} {
		s.getMaster(ctx, p)
	}
	s.saveOperator(ctx)
	s.saveMesoscope(ctx, st)
	if opt.Agents {
		s.saveAgents(ctx, st, opt)
	}
	if opt.Marathon != "" {
		if err := s.saveMarathon(ctx, opt.Marathon); err != nil {
			return nil, err
		}
	}
	if err := s.write(w); err != nil {
		return nil, err
	}
	return s.m, nil
}

// bundleSaver collects the entries of a bundle being saved.
type bundleSaver struct {
	c        *Client
	m        *BundleManifest
	bodies   [][]byte
	marathon string // Marathon's host:port
}

// add saves a body, unless it does not decode as what its endpoint serves
// (then LoadBundle would refuse the bundle): that is listed as missing.
func (s *bundleSaver) add(e BundleEntry, data []byte) {
	if err := validateBundleEntry(e, s.marathon, data); err != nil {
		what := e.Path
		switch {
		case e.Call != "":
			what += " " + e.Call
		case e.Query != "":
			what += "?" + e.Query
		}
		if e.Host != "" {
			what = e.Host + what
		}
		s.miss(what, err)
		return
	}
	e.Size = int64(len(data))
	s.m.Entries = append(s.m.Entries, e)
	s.bodies = append(s.bodies, data)
}

func (s *bundleSaver) miss(p string, err error) {
	s.m.Missing = append(s.m.Missing, BundleMissing{Path: p, Error: err.Error()})
}

// entryName is the tar name of a master endpoint's body: its path without
// the leading slash, plus ".json".
func entryName(p string) string { return strings.TrimPrefix(p, "/") + ".json" }

// getMaster saves an optional GET endpoint of the master.
func (s *bundleSaver) getMaster(ctx context.Context, p string) {
	if data, err := s.c.get(ctx, p, true); err != nil {
		s.miss(p, err)
	} else {
		s.add(BundleEntry{Name: entryName(p), Method: http.MethodGet, Path: p}, data)
	}
}

// saveOperator saves GET_METRICS (else /metrics/snapshot) and, when the v1
// operator API answered, GET_VERSION and GET_FLAGS.
func (s *bundleSaver) saveOperator(ctx context.Context) {
	call := func(t string, extra map[string]any) error {
		data, err := s.c.Call(ctx, t, extra)
		if err == nil {
			s.add(BundleEntry{Name: "api/v1/" + t + ".json", Method: http.MethodPost, Path: "/api/v1", Call: t}, data)
		}
		return err
	}
	err := call(CallGetMetrics, map[string]any{
		"get_metrics": map[string]any{"timeout": map[string]any{"nanoseconds": DefaultMetricsTimeout.Nanoseconds()}},
	})
	if err != nil {
		if data, err2 := s.c.get(ctx, "/metrics/snapshot", true); err2 == nil {
			s.add(BundleEntry{Name: "metrics/snapshot.json", Method: http.MethodGet, Path: "/metrics/snapshot"}, data)
		} else {
			s.miss("/metrics/snapshot", fmt.Errorf("GET_METRICS: %v; /metrics/snapshot: %w", err, err2))
		}
		return // no v1 operator API (or no access to it): nothing more to ask it
	}
	for _, t := range []string{CallGetVersion, CallGetFlags} {
		if err := call(t, nil); err != nil {
			s.miss("/api/v1 "+t, err)
		}
	}
}

// saveMesoscope saves mesoscope's extras: processes, the allocator's recorded
// cycles and its explanation of every framework in st, and the spans.
func (s *bundleSaver) saveMesoscope(ctx context.Context, st *State) {
	if !s.c.HasMesoscope(ctx) {
		s.miss(MesoscopeProcesses, ErrNotSupported)
		return
	}
	for _, p := range []string{MesoscopeProcesses, MesoscopeAllocator, MesoscopeSpans} {
		if data, err := s.c.Mesoscope(ctx, p); err != nil {
			s.miss(p, err)
		} else {
			s.add(BundleEntry{Name: entryName(p), Method: http.MethodGet, Path: p}, data)
		}
	}
	for i, f := range st.Frameworks {
		if f.Completed || f.ID == "" {
			continue
		}
		q := url.Values{"framework_id": {f.ID}}.Encode()
		data, err := s.c.Mesoscope(ctx, MesoscopeAllocator+"?"+q)
		if err != nil {
			s.miss(MesoscopeAllocator+"?"+q, err)
			continue
		}
		s.add(BundleEntry{Name: "mesoscope/v1/allocator/frameworks/" + strconv.Itoa(i) + ".json",
			Method: http.MethodGet, Path: MesoscopeAllocator, Query: q}, data)
	}
}

// saveAgents saves every reachable agent's endpoints, reading up to
// opt.AgentConcurrency agents at once; entries keep the state's agent order.
func (s *bundleSaver) saveAgents(ctx context.Context, st *State, opt BundleOptions) {
	type result struct {
		entries []BundleEntry
		bodies  [][]byte
		missing []BundleMissing
	}
	var agents []int
	for i, a := range st.Agents {
		if opt.MaxAgents > 0 && len(agents) >= opt.MaxAgents {
			break
		}
		if agentReadable(a) {
			agents = append(agents, i)
		}
	}
	concurrency := opt.AgentConcurrency
	if concurrency <= 0 {
		concurrency = 4
	}
	results := make([]result, len(agents))
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for j, i := range agents {
		a := st.Agents[i]
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r := &results[j]
			base, err := s.c.AgentURL(a)
			var u *url.URL
			if err == nil {
				u, err = url.Parse(base)
			}
			if err != nil {
				r.missing = append(r.missing, BundleMissing{Path: "agent " + a.ID, Error: err.Error()})
				return
			}
			for _, p := range []string{"/state", "/containers", "/monitor/statistics"} {
				data, err := s.c.get(ctx, base+p, p != "/state")
				if err != nil {
					r.missing = append(r.missing, BundleMissing{Path: "agent " + a.ID + " " + p, Error: err.Error()})
					if p == "/state" {
						return // the agent is not answering; do not wait on it twice more
					}
					continue
				}
				r.entries = append(r.entries, BundleEntry{Name: "agents/" + strconv.Itoa(i) + p + ".json", Host: u.Host,
					Method: http.MethodGet, Path: u.Path + p})
				r.bodies = append(r.bodies, data)
			}
		})
	}
	wg.Wait()
	for _, r := range results {
		for k, e := range r.entries {
			s.add(e, r.bodies[k])
		}
		s.m.Missing = append(s.m.Missing, r.missing...)
	}
}

// agentReadable reports whether an agent is registered with the master, so
// its endpoints should answer (Snapshot and SaveBundle read only those).
func agentReadable(a Agent) bool {
	return a.Status == AgentActive || a.Status == AgentDeactivated || a.Status == AgentDraining
}

// saveMarathon saves Marathon's /v2/info, /v2/apps and launch queue. The queue
// is what explains an app, so failing to read it fails the save.
func (s *bundleSaver) saveMarathon(ctx context.Context, marathonURL string) error {
	base, err := ParseMarathonURL(marathonURL)
	if err != nil {
		return fmt.Errorf("save bundle: %w", err)
	}
	s.m.Marathon, s.marathon = base.String(), base.Host
	for _, ep := range []struct{ name, path, query string }{
		{"marathon/v2/info.json", "/v2/info", ""},
		{"marathon/v2/apps.json", "/v2/apps", ""},
		{"marathon/v2/queue.json", "/v2/queue", MarathonQueueQuery},
	} {
		target := base.String() + ep.path
		if ep.query != "" {
			target += "?" + ep.query
		}
		data, err := s.c.get(ctx, target, true)
		if err == nil && ep.path == "/v2/queue" {
			_, err = DecodeMarathonQueue(data)
		}
		if err != nil {
			if ep.path == "/v2/queue" {
				return fmt.Errorf("save bundle: marathon at %s: %w", s.m.Marathon, err)
			}
			s.miss("marathon "+ep.path, err)
			continue
		}
		s.add(BundleEntry{Name: ep.name, Host: base.Host, Method: http.MethodGet, Path: ep.path, Query: ep.query}, data)
	}
	return nil
}

// write writes the manifest and the entries as a gzipped tar.
func (s *bundleSaver) write(w io.Writer) error {
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	manifest, err := json.MarshalIndent(s.m, "", "  ")
	if err != nil {
		return fmt.Errorf("save bundle: manifest: %w", err)
	}
	put := func(name string, data []byte) error {
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: s.m.TakenAt, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("save bundle: %s: %w", name, err)
		}
		if _, err := tw.Write(data); err != nil {
			return fmt.Errorf("save bundle: %s: %w", name, err)
		}
		return nil
	}
	if err := put(BundleManifestName, manifest); err != nil {
		return err
	}
	for i, e := range s.m.Entries {
		if err := put(e.Name, s.bodies[i]); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("save bundle: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("save bundle: %w", err)
	}
	return nil
}
