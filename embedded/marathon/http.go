package marathon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxBody bounds request bodies.
const maxBody = 8 << 20

// Handler returns the REST API, compatible with Marathon's JSON for what
// it supports:
//
//	GET  /ping                            "pong"
//	GET  /v2/info, /v2/leader
//	GET  /v2/apps[?id=&cmd=&embed=apps.tasks]   POST /v2/apps
//	GET|PUT|PATCH|DELETE /v2/apps/{id}[?force=true&partialUpdate=false]
//	POST /v2/apps/{id}/restart[?force=true]
//	GET|DELETE /v2/apps/{id}/tasks[?host=&scale=true]
//	DELETE /v2/apps/{id}/tasks/{taskId}[?scale=true]
//	GET  /v2/tasks[?status=running]       POST /v2/tasks/delete[?scale=true]
//	GET  /v2/deployments                  DELETE /v2/deployments/{id}[?force=true]
//	GET  /v2/queue[?embed=lastUnusedOffers]
//	DELETE /v2/queue/{id}/delay
func (m *Marathon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "pong\n")
	})
	mux.HandleFunc("GET /v2/info", m.getInfo)
	mux.HandleFunc("GET /v2/leader", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"leader": m.leader(r)})
	})
	mux.HandleFunc("GET /v2/apps", m.listApps)
	mux.HandleFunc("POST /v2/apps", m.postApp)
	mux.HandleFunc("/v2/apps/", m.appRoute)
	mux.HandleFunc("GET /v2/tasks", m.listTasks)
	mux.HandleFunc("POST /v2/tasks/delete", m.deleteTasks)
	mux.HandleFunc("GET /v2/deployments", func(w http.ResponseWriter, r *http.Request) {
		var v []deploymentJSON
		if m.view(w, r, func(c *core, _ time.Time) { v = c.deploymentsView() }) {
			writeJSON(w, http.StatusOK, v)
		}
	})
	mux.HandleFunc("DELETE /v2/deployments/{id}", m.deleteDeployment)
	mux.HandleFunc("GET /v2/queue", func(w http.ResponseWriter, r *http.Request) {
		embed := hasEmbed(r, "lastUnusedOffers")
		var v queueJSON
		if m.view(w, r, func(c *core, now time.Time) { v = c.queueView(now, embed) }) {
			writeJSON(w, http.StatusOK, v)
		}
	})
	mux.HandleFunc("/v2/queue/", m.queueRoute)
	return mux
}

// hasEmbed reports whether ?embed= names what (with or without a prefix
// such as "apps.").
func hasEmbed(r *http.Request, what string) bool {
	for _, e := range r.URL.Query()["embed"] {
		for _, part := range strings.Split(e, ",") {
			if part == what || strings.HasSuffix(part, "."+what) {
				return true
			}
		}
	}
	return false
}

func flag(r *http.Request, name string) bool {
	v, _ := strconv.ParseBool(r.URL.Query().Get(name))
	return v
}

// view runs f on the scheduler's goroutine; on failure it answers 503.
func (m *Marathon) view(w http.ResponseWriter, r *http.Request, f func(c *core, now time.Time)) bool {
	if err := m.do(r.Context(), f); err != nil {
		writeError(w, err)
		return false
	}
	return true
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"message":"encoding the response failed"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// message is Marathon's error body.
type message struct {
	Message     string      `json:"message"`
	Details     []Violation `json:"details,omitempty"`
	Deployments []idJSON    `json:"deployments,omitempty"`
}

// writeError maps an error to Marathon's status codes and bodies.
func writeError(w http.ResponseWriter, err error) {
	var ve *ValidationError
	var ce *ConflictError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	var nq *notQueuedError
	switch {
	case errors.As(err, &ve):
		writeJSON(w, http.StatusUnprocessableEntity, message{Message: "Object is not valid", Details: ve.Details})
	case errors.As(err, &ce):
		var ds []idJSON
		for _, d := range ce.Deployments {
			ds = append(ds, idJSON{d})
		}
		writeJSON(w, http.StatusConflict, message{Message: fmt.Sprintf(
			"App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/%s'.",
			strings.Join(ce.Deployments, ",")), Deployments: ds})
	case errors.As(err, &nq):
		writeJSON(w, http.StatusNotFound, message{Message: "Application " + nq.app + " not found in tasks queue."})
	case errors.Is(err, ErrAppNotFound), errors.Is(err, ErrTaskNotFound), errors.Is(err, ErrDeploymentNotFound):
		writeJSON(w, http.StatusNotFound, message{Message: strings.TrimPrefix(err.Error(), "marathon: ")})
	case errors.Is(err, ErrAppExists):
		writeJSON(w, http.StatusConflict, message{Message: strings.TrimPrefix(err.Error(), "marathon: ")})
	case errors.As(err, &mbe):
		writeJSON(w, http.StatusRequestEntityTooLarge, message{Message: err.Error()})
	case errors.As(err, &se), errors.As(err, &te), strings.HasPrefix(err.Error(), "marathon: decode app"):
		writeJSON(w, http.StatusBadRequest, message{Message: "Invalid JSON", Details: []Violation{{Path: "/", Errors: []string{err.Error()}}}})
	case errors.Is(err, ErrStopped):
		writeJSON(w, http.StatusServiceUnavailable, message{Message: err.Error()})
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeJSON(w, http.StatusServiceUnavailable, message{Message: err.Error()})
	default:
		writeJSON(w, http.StatusInternalServerError, message{Message: err.Error()})
	}
}

// readBody reads a bounded request body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
}

func (m *Marathon) leader(r *http.Request) string {
	if m.cfg.HTTPListener != nil {
		return m.cfg.HTTPListener.Addr().String()
	}
	return r.Host
}

// getInfo is GET /v2/info (InfoResource): the subset of marathon_config
// this scheduler has.
func (m *Marathon) getInfo(w http.ResponseWriter, r *http.Request) {
	port := DefaultHTTPPort
	if ln := m.cfg.HTTPListener; ln != nil {
		if _, p, err := splitHostPort(ln.Addr().String()); err == nil {
			port = p
		}
	}
	info := map[string]any{
		"name": "marathon", "version": Version, "buildref": "mesoscope", "elected": true,
		"leader": m.leader(r), "frameworkId": m.FrameworkID(),
		"marathon_config": map[string]any{
			"master": m.cfg.Master, "framework_name": m.cfg.FrameworkName, "mesos_role": m.cfg.Role, "mesos_user": m.cfg.User,
			"hostname": m.cfg.Hostname, "checkpoint": !m.cfg.DisableCheckpoint, "failover_timeout": int64(m.cfg.FailoverTimeout.Seconds()),
			"decline_offer_duration": m.cfg.DeclineOfferDuration.Milliseconds(), "max_instances_per_offer": m.cfg.MaxInstancesPerOffer,
			"min_revive_offers_interval":   m.cfg.MinReviveOffersInterval.Milliseconds(),
			"reconciliation_initial_delay": m.cfg.ReconciliationInitialDelay.Milliseconds(),
			"reconciliation_interval":      m.cfg.ReconciliationInterval.Milliseconds(),
			"task_launch_confirm_timeout":  m.cfg.TaskLaunchTimeout.Milliseconds(),
			"local_port_min":               m.cfg.LocalPortMin, "local_port_max": m.cfg.LocalPortMax,
			"maintenance_mode": m.cfg.MaintenanceMode, "features": []string{"gpu_resources"},
			"executor": "//cmd", "ha": false,
		},
		"http_config": map[string]any{"http_port": port},
	}
	writeJSON(w, http.StatusOK, info)
}

func splitHostPort(addr string) (string, int, error) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return "", 0, fmt.Errorf("no port in %q", addr)
	}
	p, err := strconv.Atoi(addr[i+1:])
	return addr[:i], p, err
}

// deleteDeployment is DELETE /v2/deployments/{id}: with ?force=true 202
// and the deployment is dropped, else 200 with the rollback deployment.
func (m *Marathon) deleteDeployment(w http.ResponseWriter, r *http.Request) {
	id, force := r.PathValue("id"), flag(r, "force")
	var d *deployment
	var err error
	if derr := m.do(r.Context(), func(c *core, now time.Time) { d, err = c.cancelDeployment(now, id, force) }); derr != nil {
		err = derr
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if d == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	writeJSON(w, http.StatusOK, deploymentResultJSON{DeploymentID: d.ID, Version: formatTime(d.Version)})
}

// queueRoute is DELETE /v2/queue/{id}/delay: 204, the launch delay is
// reset.
func (m *Marathon) queueRoute(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/v2/queue")
	if !strings.HasSuffix(rest, "/delay") {
		writeJSON(w, http.StatusNotFound, message{Message: "not found: " + r.URL.Path})
		return
	}
	if !allow(w, r, http.MethodDelete) {
		return
	}
	id := normalizeID(strings.TrimSuffix(rest, "/delay"))
	var err error
	if derr := m.do(r.Context(), func(c *core, now time.Time) { err = c.resetDelay(now, id) }); derr != nil {
		err = derr
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
