package walkthroughs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/inspector"
)

// TUISource is where the TUI beside a tour (`mesoscope walk --tui`) reads the tour's
// world: an inspector client over the world's master endpoints, and the Marathon URL
// when the tour runs the Marathon-like scheduler. Key names the source: when it
// changes, the TUI is started again.
type TUISource struct {
	Key      string
	Client   *inspector.Client
	Marathon string
}

// TUISource returns what the TUI can read of the world built so far: the master of
// the offers and Goodbye Waiting tours, over HTTP as any master; the libprocess
// tour's runtime through a stand-in (tuiRuntime). The DRF and containerizer tours
// have no master to read (ok false): their views are rendered as text (TextView).
func (s *Session) TUISource() (TUISource, bool, error) {
	switch {
	case s.offers != nil:
		c, err := inspector.New(inspector.Config{Master: s.offers.base, Logger: s.logger})
		if err != nil {
			return TUISource{}, false, fmt.Errorf("tui source: %w", err)
		}
		src := TUISource{Key: s.offers.base, Client: c}
		if s.mara != nil {
			src.Marathon = s.mara.url
			src.Key += " " + s.mara.url
		}
		return src, true, nil
	case s.lib != nil:
		c, err := inspector.New(inspector.Config{
			Master:     "http://" + walkAddress.String(),
			HTTPClient: &http.Client{Transport: &tuiRuntime{rt: s.lib.rt}},
			Logger:     s.logger,
		})
		if err != nil {
			return TUISource{}, false, fmt.Errorf("tui source: %w", err)
		}
		return TUISource{Key: "libprocess", Client: c}, true, nil
	}
	return TUISource{}, false, nil
}

// tuiRuntime answers the inspector's requests for a runtime that has no master (the
// libprocess tour's): the runtime's own endpoints (/__processes__, /metrics/snapshot,
// /mesoscope/v1/...) through its ServeHTTP, without a socket, and a master state with
// no agents and no frameworks, so the TUI's Actors view has a cluster to belong to.
// Everything else is 404, as on a master without it.
type tuiRuntime struct {
	rt *process.Runtime
}

// RoundTrip implements http.RoundTripper.
func (t *tuiRuntime) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	rec := httptest.NewRecorder()
	switch p := req.URL.Path; {
	case p == "/master/state" || p == "/master/state-summary" || p == "/state":
		rec.Header().Set("Content-Type", "application/json")
		rec.WriteString(t.state())
	case p == "/master/roles":
		rec.Header().Set("Content-Type", "application/json")
		rec.WriteString(`{"roles":[]}`)
	case p == "/__processes__" || p == "/metrics/snapshot" || strings.HasPrefix(p, "/mesoscope/v1/"):
		r := req.Clone(req.Context())
		r.Body = http.NoBody
		t.rt.ServeHTTP(rec, r)
	default:
		http.NotFound(rec, req)
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// state is a master state with the runtime's address and nothing in it.
func (t *tuiRuntime) state() string {
	pid := "master@" + walkAddress.String()
	start := float64(t.rt.Clock().Now().Unix())
	b, _ := json.Marshal(map[string]any{
		"version": "1.11.0", "id": masterID, "pid": pid, "leader": pid, "hostname": "walkthrough",
		"start_time": start, "elected_time": start,
		"activated_slaves": 0, "deactivated_slaves": 0, "unreachable_slaves": 0,
		"slaves": []any{}, "frameworks": []any{}, "completed_frameworks": []any{},
	})
	return string(bytes.TrimSpace(b))
}

// TextView renders a view for a world the TUI cannot read (TUISource is not ok): the
// DRF sorter's tree, or the allocator's last cycle, for "drf"; the containerizer's
// containers and fetcher for "containers". It returns "" for a view it has no text
// for.
func (s *Session) TextView(view string) (string, error) {
	name, _, _ := strings.Cut(view, " ")
	var parts []string
	switch name {
	case "drf":
		if s.alloc != nil {
			cycles := s.alloc.newCyclesAll()
			parts = append(parts, "allocator: "+s.alloc.runs())
			if len(cycles) > 0 {
				parts = append(parts, "last allocation cycle:", cycles[len(cycles)-1])
			}
		}
		if s.drf != nil {
			tree, err := s.treeCmd(&Command{Name: "tree"})
			if err != nil {
				return "", err
			}
			parts = append(parts, "DRF sorter:", tree)
		}
	case "containers", "ct":
		if s.cont != nil {
			list, err := s.containersCmd(&Command{Name: "containers"})
			if err != nil {
				return "", err
			}
			fetch, err := s.fetcherCmd(&Command{Name: "fetcher"})
			if err != nil {
				return "", err
			}
			parts = append(parts, "containers (Mesos.Snapshot):", list, "", "fetcher:", fetch)
		}
	}
	return s.normalize(strings.Join(parts, "\n")), nil
}
