package marathon

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// listApps is GET /v2/apps.
func (m *Marathon) listApps(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tasks := hasEmbed(r, "tasks")
	var apps []appInfoJSON
	if m.view(w, r, func(c *core, _ time.Time) { apps = c.appsView(q.Get("id"), q.Get("cmd"), tasks) }) {
		writeJSON(w, http.StatusOK, map[string]any{"apps": apps})
	}
}

// postApp is POST /v2/apps: 201 with the app and its deployment.
func (m *Marathon) postApp(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	app, err := DecodeApp(body)
	if err != nil {
		writeError(w, err)
		return
	}
	var v appInfoJSON
	if derr := m.do(r.Context(), func(c *core, now time.Time) {
		if _, err = c.createApp(now, app); err == nil {
			v = c.appView(c.apps[app.ID], false)
		}
	}); derr != nil {
		err = derr
	}
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Location", "/v2/apps"+app.ID)
	writeJSON(w, http.StatusCreated, v)
}

// appRoute dispatches /v2/apps/{id}[/restart|/tasks[/{taskId}]].
func (m *Marathon) appRoute(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v2/apps"), "/")
	switch {
	case strings.HasSuffix(rest, "/restart"):
		if !allow(w, r, http.MethodPost) {
			return
		}
		m.restart(w, r, strings.TrimSuffix(rest, "/restart"))
	case strings.HasSuffix(rest, "/tasks"):
		id := strings.TrimSuffix(rest, "/tasks")
		switch r.Method {
		case http.MethodGet:
			m.appTasks(w, r, id)
		case http.MethodDelete:
			m.killAppTasks(w, r, id, nil)
		default:
			allow(w, r, http.MethodGet, http.MethodDelete)
		}
	case strings.Contains(rest, "/tasks/"):
		i := strings.LastIndex(rest, "/tasks/")
		if !allow(w, r, http.MethodDelete) {
			return
		}
		m.killAppTasks(w, r, rest[:i], []string{rest[i+len("/tasks/"):]})
	default:
		switch r.Method {
		case http.MethodGet:
			m.getApp(w, r, rest)
		case http.MethodPut, http.MethodPatch:
			m.putApp(w, r, rest)
		case http.MethodDelete:
			m.deleteApp(w, r, rest)
		default:
			allow(w, r, http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete)
		}
	}
}

// allow answers 405 unless r's method is one of methods.
func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeJSON(w, http.StatusMethodNotAllowed, message{Message: "method " + r.Method + " is not allowed here"})
	return false
}

// getApp is GET /v2/apps/{id}: {"app": ...} with tasks and the last
// failure embedded, as Marathon does for a single app.
func (m *Marathon) getApp(w http.ResponseWriter, r *http.Request, id string) {
	id = normalizeID(id)
	var v appInfoJSON
	found := false
	if !m.view(w, r, func(c *core, _ time.Time) {
		if app := c.apps[id]; app != nil && !c.deleted[id] {
			v, found = c.appView(app, true), true
		}
	}) {
		return
	}
	if !found {
		writeError(w, fmt.Errorf("%w: app '%s'", ErrAppNotFound, id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"app": v})
}

// putApp is PUT and PATCH /v2/apps/{id}: a partial update (the given
// members replace the app's) unless PUT has ?partialUpdate=false; an
// unknown id is created (201).
func (m *Marathon) putApp(w http.ResponseWriter, r *http.Request, id string) {
	id = normalizeID(id)
	body, err := readBody(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	partial := r.Method == http.MethodPatch || r.URL.Query().Get("partialUpdate") != "false"
	fields, err := decodeObject(body)
	if err != nil {
		writeError(w, err)
		return
	}
	if raw, ok := fields["id"]; ok {
		var bodyID string
		if json.Unmarshal(raw, &bodyID) == nil && bodyID != "" && normalizeID(bodyID) != id {
			v := violations{}
			v.add("/id", "the id %q in the body does not match the path %q", bodyID, id)
			writeError(w, v.err())
			return
		}
	}
	fields["id"], _ = json.Marshal(id)
	patched, _ := json.Marshal(fields)
	force := flag(r, "force")
	var d *deployment
	var created bool
	if derr := m.do(r.Context(), func(c *core, now time.Time) {
		var next *App
		if old := c.apps[id]; old != nil && !c.deleted[id] && partial {
			next, err = mergeApp(old, patched)
		} else {
			next, err = DecodeApp(patched)
		}
		if err != nil {
			return
		}
		d, created, err = c.updateApp(now, next, force)
	}); derr != nil {
		err = derr
	}
	if err != nil {
		writeError(w, err)
		return
	}
	status := http.StatusOK
	if created {
		w.Header().Set("Location", "/v2/apps"+id)
		status = http.StatusCreated
	}
	writeJSON(w, status, deploymentResultJSON{DeploymentID: d.ID, Version: formatTime(d.Version)})
}

// deployResult runs a change on the scheduler and answers its deployment.
func (m *Marathon) deployResult(w http.ResponseWriter, r *http.Request, f func(c *core, now time.Time) (*deployment, error)) {
	var d *deployment
	var err error
	if derr := m.do(r.Context(), func(c *core, now time.Time) { d, err = f(c, now) }); derr != nil {
		err = derr
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, deploymentResultJSON{DeploymentID: d.ID, Version: formatTime(d.Version)})
}

// deleteApp is DELETE /v2/apps/{id}.
func (m *Marathon) deleteApp(w http.ResponseWriter, r *http.Request, id string) {
	force := flag(r, "force")
	m.deployResult(w, r, func(c *core, now time.Time) (*deployment, error) {
		return c.deleteApp(now, normalizeID(id), force)
	})
}

// restart is POST /v2/apps/{id}/restart.
func (m *Marathon) restart(w http.ResponseWriter, r *http.Request, id string) {
	force := flag(r, "force")
	m.deployResult(w, r, func(c *core, now time.Time) (*deployment, error) {
		return c.restartApp(now, normalizeID(id), force)
	})
}

// appTasks is GET /v2/apps/{id}/tasks.
func (m *Marathon) appTasks(w http.ResponseWriter, r *http.Request, id string) {
	id = normalizeID(id)
	var tasks []taskJSON
	found := false
	if !m.view(w, r, func(c *core, _ time.Time) {
		if c.apps[id] != nil && !c.deleted[id] {
			tasks, found = c.appTasks(id), true
		}
	}) {
		return
	}
	if !found {
		writeError(w, fmt.Errorf("%w: app '%s'", ErrAppNotFound, id))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": tasks})
}

// killAppTasks is DELETE /v2/apps/{id}/tasks[/{taskId}]: the killed
// tasks, or with ?scale=true the deployment that scales the app down.
func (m *Marathon) killAppTasks(w http.ResponseWriter, r *http.Request, id string, taskIDs []string) {
	id = normalizeID(id)
	scale, force, host := flag(r, "scale"), flag(r, "force"), r.URL.Query().Get("host")
	var killed []taskJSON
	var d *deployment
	var err error
	if derr := m.do(r.Context(), func(c *core, now time.Time) {
		app := c.apps[id]
		var victims []*Instance
		victims, d, err = c.killTasks(now, id, taskIDs, host, scale, force)
		for _, i := range victims {
			if i.Task != nil {
				killed = append(killed, taskView(app, i))
			}
		}
	}); derr != nil {
		err = derr
	}
	if err != nil {
		writeError(w, err)
		return
	}
	switch {
	case d != nil:
		writeJSON(w, http.StatusOK, deploymentResultJSON{DeploymentID: d.ID, Version: formatTime(d.Version)})
	case taskIDs != nil && len(killed) == 1:
		writeJSON(w, http.StatusOK, map[string]any{"task": killed[0]})
	default:
		if killed == nil {
			killed = []taskJSON{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"tasks": killed})
	}
}

// listTasks is GET /v2/tasks[?status=running].
func (m *Marathon) listTasks(w http.ResponseWriter, r *http.Request) {
	var states []string
	for _, s := range r.URL.Query()["status"] {
		states = append(states, strings.Split(s, ",")...)
	}
	var tasks []taskJSON
	if m.view(w, r, func(c *core, _ time.Time) { tasks = c.tasksView(states) }) {
		writeJSON(w, http.StatusOK, map[string]any{"tasks": tasks})
	}
}

// deleteTasks is POST /v2/tasks/delete {"ids": [...]}.
func (m *Marathon) deleteTasks(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	var req struct {
		IDs []string `json:"ids"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, err)
		return
	}
	scale, force := flag(r, "scale"), flag(r, "force")
	var d *deployment
	if derr := m.do(r.Context(), func(c *core, now time.Time) {
		byApp := map[string][]string{}
		var order []string
		for _, id := range req.IDs {
			i := c.byTask[id]
			if i == nil {
				err = fmt.Errorf("%w: '%s'", ErrTaskNotFound, id)
				return
			}
			if byApp[i.AppID] == nil {
				order = append(order, i.AppID)
			}
			byApp[i.AppID] = append(byApp[i.AppID], id)
		}
		if scale && len(order) > 1 {
			v := violations{}
			v.add("/ids", "scaling down tasks of several apps at once is not supported")
			err = v.err()
			return
		}
		for _, app := range order {
			if _, d, err = c.killTasks(now, app, byApp[app], "", scale, force); err != nil {
				return
			}
		}
	}); derr != nil {
		err = derr
	}
	if err != nil {
		writeError(w, err)
		return
	}
	if d != nil {
		writeJSON(w, http.StatusOK, deploymentResultJSON{DeploymentID: d.ID, Version: formatTime(d.Version)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}
