package walkthroughs

import (
	"encoding/binary"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master/readonly"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// standIn answers the inspector's requests for a tour world that has no master: the
// libprocess tour's runtime, the DRF tour's sorter or allocator, the containerizer
// tour's containerizer. What a master (and its agent) would serve is rendered from
// the world on the session's goroutine after every step (TUISource) and kept until
// the next, so the TUI, which reads on goroutines of its own, never touches the
// world; when the world has an actor runtime, its own endpoints (/__processes__,
// /metrics/snapshot, /mesoscope/v1/...) are that runtime's, through its ServeHTTP,
// with aliases as a master sets them up (/mesoscope/v1/allocator is the allocator
// process's). Every other path is 404, as on a master without it.
type standIn struct {
	key string

	mu     sync.Mutex
	bodies map[string][]byte // path → JSON body, replaced by set
	world  time.Time         // the world's time at the last set
	setAt  time.Time         // the wall time of the last set
	rt     *process.Runtime  // nil: no runtime endpoints
	alias  map[string]string // path → path on rt
}

func newStandIn(key string, rt *process.Runtime, alias map[string]string) *standIn {
	return &standIn{key: key, rt: rt, alias: alias}
}

// set replaces the bodies served, taken from the world at its time world.
func (t *standIn) set(bodies map[string][]byte, world time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.bodies = bodies
	if t.world.IsZero() || world.After(t.nowLocked()) {
		t.world, t.setAt = world, time.Now()
	}
}

// now is the inspector's clock: the world's time, running on in real time between
// steps and jumping forward when the world's clock is advanced past it, never
// back. Ages the TUI shows are then the world's (a world on a paused clock would
// otherwise look months old), and the inspector's own spacing of requests still
// passes in real time.
func (t *standIn) now() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.nowLocked()
}

func (t *standIn) nowLocked() time.Time {
	if t.world.IsZero() {
		return time.Now()
	}
	return t.world.Add(time.Since(t.setAt))
}

// runtimePath reports whether path is the runtime's own.
func runtimePath(path string) bool {
	return path == "/__processes__" || path == "/metrics/snapshot" || strings.HasPrefix(path, "/mesoscope/v1/")
}

// RoundTrip implements http.RoundTripper.
func (t *standIn) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	rec := httptest.NewRecorder()
	p := req.URL.Path
	t.mu.Lock()
	body, ok := t.bodies[p]
	rt, to := t.rt, t.alias[p]
	t.mu.Unlock()
	switch {
	case ok && req.Method == http.MethodGet:
		rec.Header().Set("Content-Type", "application/json")
		rec.Write(body)
	case ok:
		rec.Header().Set("Allow", "GET")
		http.Error(rec, "Expecting 'GET', received '"+req.Method+"'", http.StatusMethodNotAllowed)
	case rt != nil && runtimePath(p):
		r := req.Clone(req.Context())
		r.Body = http.NoBody
		if to != "" {
			r.URL.Path = to
		}
		rt.ServeHTTP(rec, r)
	default:
		http.NotFound(rec, req)
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// masterBodies renders what a master with the snapshot's agents, frameworks and
// roles serves: /master/state (also /state, as Mesos's master aliases it),
// /master/state-summary and /master/roles, in Mesos's JSON (package readonly, the
// embedded master's own renderers).
func masterBodies(s *readonly.Snapshot) map[string][]byte {
	readonly.Summarize(s)
	state := readonly.State(s)
	return map[string][]byte{
		"/master/state":         state,
		"/state":                state,
		"/master/state-summary": readonly.StateSummary(s),
		"/master/roles":         readonly.Roles(s),
	}
}

// standInMaster returns a snapshot of a master at walkAddress with nothing in it,
// started and elected at start.
func standInMaster(start, now time.Time) *readonly.Snapshot {
	pid := "master@" + walkAddress.String()
	b := walkAddress.Addr().As4()
	info := mesos.MasterInfo{
		ID: masterID, IP: binary.LittleEndian.Uint32(b[:]), Port: uint32(walkAddress.Port()), PID: pid,
		Hostname: "walkthrough", Version: "1.11.0",
		Address: &mesos.Address{Hostname: "walkthrough", IP: walkAddress.Addr().String(), Port: int32(walkAddress.Port())},
	}
	return &readonly.Snapshot{
		Info: info, Version: "1.11.0", Build: mesos.VersionInfo{Version: "1.11.0", BuildUser: "mesoscope"},
		StartTime: start, ElectedTime: start, Leader: &info, Now: now,
	}
}
