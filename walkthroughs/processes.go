package walkthroughs

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/inspector"
)

// processesCmd: processes [NAME...] [raw] — GET /__processes__ rendered with
// inspector.DescribeActor; raw also prints the named actors' JSON as served.
func (s *Session) processesCmd(c *Command) (string, error) {
	e, err := s.libEnv("processes")
	if err != nil {
		return "", err
	}
	if len(e.blocked) >= e.rt.Workers() {
		return "", errors.New("processes: every worker is held by a blocked actor, so /__processes__ would wait for one; use \"queues\"")
	}
	return e.processes(c)
}

func (e *libprocessEnv) processes(c *Command) (string, error) {
	var names []string
	raw := false
	if c != nil {
		for _, w := range bareArgs(c) {
			if w == "raw" {
				raw = true
				continue
			}
			names = append(names, w)
		}
	}
	body, err := getLocal(e.rt, "/__processes__")
	if err != nil {
		return "", err
	}
	actors, err := inspector.DecodeProcesses(body)
	if err != nil {
		return "", fmt.Errorf("processes: %w", err)
	}
	var out []string
	for _, a := range actors {
		if len(names) > 0 && !slices.Contains(names, a.ID) {
			continue
		}
		out = append(out, inspector.DescribeActor(a))
	}
	if raw {
		var procs []json.RawMessage
		if err := json.Unmarshal(body, &procs); err != nil {
			return "", fmt.Errorf("processes: %w", err)
		}
		for _, p := range procs {
			var head struct {
				ID     string            `json:"id"`
				Events []json.RawMessage `json:"events"`
			}
			if err := json.Unmarshal(p, &head); err != nil {
				return "", fmt.Errorf("processes: %w", err)
			}
			if !slices.Contains(names, head.ID) {
				continue
			}
			out = append(out, fmt.Sprintf("/__processes__ {\"id\":%q,\"events\":[", head.ID))
			for i, ev := range head.Events {
				sep := ","
				if i == len(head.Events)-1 {
					sep = ""
				}
				out = append(out, "  "+string(ev)+sep)
			}
			out = append(out, "]}")
		}
	}
	return strings.Join(out, "\n"), nil
}

// getLocal GETs a path from a runtime without a network (Runtime.ServeHTTP).
func getLocal(rt *process.Runtime, path string) ([]byte, error) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", path, rec.Code, strings.TrimSpace(rec.Body.String()))
	}
	return rec.Body.Bytes(), nil
}

// queuesCmd: queues — the runtime's own per-process view (Runtime.ProcessStats, what
// /mesoscope/v1/processes serves), read without a worker.
func (s *Session) queuesCmd(c *Command) (string, error) {
	e, err := s.libEnv("queues")
	if err != nil {
		return "", err
	}
	var out []string
	for _, st := range e.rt.ProcessStats() {
		a := e.actors[st.ID]
		if a == nil {
			continue
		}
		state := "idle"
		if e.blocked[st.ID] != nil {
			state = "running (blocked in its handler, holding a worker)"
		} else if st.Depth > 0 {
			state = "on the run queue, waiting for a worker"
		}
		pending := "nothing pending"
		if st.Depth > 0 {
			var parts []string
			for _, k := range sortedKeys(st.Names) {
				parts = append(parts, fmt.Sprintf("%s=%d", k, st.Names[k]))
			}
			pending = fmt.Sprintf("%d pending (%s)", st.Depth, strings.Join(parts, " "))
		}
		out = append(out, fmt.Sprintf("%s: %s; %s", st.ID, pending, state))
	}
	return strings.Join(out, "\n"), nil
}
