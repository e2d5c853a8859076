package master

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/master/readonly"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// initRoutes installs the master's endpoints (Master::initialize's
// route() calls): the v1 APIs, the v0 read-only endpoints (rendered off
// the master's queue from a snapshot), /health, /redirect, /flags and
// /version.
func (m *Master) initRoutes() {
	m.RouteFunc("/api/v1/scheduler", "Endpoint for schedulers to make calls against the master (v1 scheduler API).", m.serveScheduler)
	m.Route("/api/v1", "Endpoint for the master's v1 operator API.", m.serveOperator)
	m.RouteFunc("/health", "Health check of the master: 200 OK with an empty body.", func(*process.Request) process.Response {
		return process.Response{Status: http.StatusOK}
	})
	m.RouteFunc("/redirect", "Redirects to the leading master (307 to //host:port).", m.serveRedirect)
	state := func(s *readonly.Snapshot, r *process.Request) process.Response {
		return jsonp(r, m.hints.render(hintState, func(b []byte) []byte { return readonly.AppendState(b, s) }))
	}
	m.snapshotRoute("/state", "Information about the state of the master (v0).", state)
	m.snapshotRoute("/state.json", "Same as /state (deprecated name).", state)
	m.snapshotRoute("/state-summary", "Summary of agents, tasks and frameworks (v0).", func(s *readonly.Snapshot, r *process.Request) process.Response {
		return jsonp(r, readonly.StateSummary(s))
	})
	m.snapshotRoute("/frameworks", "Frameworks known to the master; ?framework_id= filters (v0).", func(s *readonly.Snapshot, r *process.Request) process.Response {
		return jsonp(r, readonly.Frameworks(s, readonly.ParseIDFilter(r.URL.Query(), "framework_id")))
	})
	m.snapshotRoute("/slaves", "Agents known to the master; ?slave_id= filters (v0).", func(s *readonly.Snapshot, r *process.Request) process.Response {
		return jsonp(r, readonly.Slaves(s, readonly.ParseIDFilter(r.URL.Query(), "slave_id")))
	})
	m.snapshotRoute("/tasks", "Tasks known to the master; ?limit=&offset=&order=asc|des&framework_id=&task_id= (v0).", func(s *readonly.Snapshot, r *process.Request) process.Response {
		q, err := readonly.ParseTasksQuery(r.URL.Query())
		if err != nil {
			return process.BadRequest(err.Error())
		}
		return jsonp(r, readonly.Tasks(s, q))
	})
	m.snapshotRoute("/roles", "Roles with weights, quota and resources (v0).", func(s *readonly.Snapshot, r *process.Request) process.Response {
		return jsonp(r, readonly.Roles(s))
	})
	m.RouteFunc("/flags", "The master's flags.", m.guard(RealmReadonly, func(r *process.Request) process.Response {
		return jsonp(r, flagsJSON(m.flags()))
	}))
	m.RouteFunc("/version", "Version of the master.", func(r *process.Request) process.Response {
		b, _ := json.Marshal(map[string]any{"version": Version, "build_user": "mesoscope"})
		return jsonp(r, b)
	})
}

// snapshotRoute serves a read-only endpoint: the snapshot is taken on
// the master's queue, rendered on a goroutine of its own.
func (m *Master) snapshotRoute(path, help string, render func(*readonly.Snapshot, *process.Request) process.Response) {
	m.Route(path, help, func(r *process.Request) *process.Future[process.Response] {
		if _, denied := m.authenticate(r, RealmReadonly); denied != nil {
			return process.NewFuture(*denied)
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
			return process.NewFuture(process.Response{Status: http.StatusMethodNotAllowed, Body: []byte("Expecting one of { 'GET', 'POST' }, but received '" + r.Method + "'")})
		}
		s, finish := m.snapshot()
		p := process.NewPromise[process.Response]()
		go func() {
			finish()
			p.Set(render(s, r))
		}()
		return p.Future()
	})
}

// jsonp writes body as JSON, wrapped in the ?jsonp= callback when given
// (a callback that is not a plain identifier is refused with 400).
func jsonp(r *process.Request, body []byte) process.Response {
	cb, ok, err := readonly.ParseJSONP(r.URL.Query())
	if err != nil {
		return process.BadRequest(err.Error())
	}
	if ok {
		out := readonly.AppendJSONP(make([]byte, 0, len(body)+len(cb)+2), cb, func(b []byte) []byte { return append(b, body...) })
		return process.OK(out, readonly.ContentTypeJSONP)
	}
	return process.OK(body, readonly.ContentTypeJSON)
}

func (m *Master) serveRedirect(r *process.Request) process.Response {
	if r.Path != "/redirect" && r.Path != "/redirect/" {
		return process.NotFound("")
	}
	loc := "//" + m.info.Hostname + ":" + itoa(int(m.info.Port))
	return process.Response{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {loc}}}
}

// flags lists the master's effective flags (Mesos flag names).
func (m *Master) flags() []mesos.Flag {
	c := m.cfg
	str := func(s string) *string { return &s }
	fl := []mesos.Flag{
		{Name: "agent_ping_timeout", Value: str(durationFlag(c.AgentPingTimeout))},
		{Name: "agent_reregister_timeout", Value: str(durationFlag(c.AgentReregisterTimeout))},
		{Name: "allocation_interval", Value: str(durationFlag(c.AllocationInterval))},
		{Name: "allocator", Value: str("hierarchical")},
		{Name: "authenticate_http_frameworks", Value: str(strconv.FormatBool(c.AuthenticateHTTPFrameworks))},
		{Name: "authenticate_http_readonly", Value: str(strconv.FormatBool(c.AuthenticateHTTPReadonly))},
		{Name: "authenticate_http_readwrite", Value: str(strconv.FormatBool(c.AuthenticateHTTPReadwrite))},
		{Name: "hostname", Value: str(m.info.Hostname)},
		{Name: "ip", Value: str(m.rt.Address().Addr().String())},
		{Name: "max_agent_ping_timeouts", Value: str(itoa(c.MaxAgentPingTimeouts))},
		{Name: "max_completed_frameworks", Value: str(itoa(c.MaxCompletedFrameworks))},
		{Name: "max_completed_tasks_per_framework", Value: str(itoa(c.MaxCompletedTasksPerFramework))},
		{Name: "max_unreachable_tasks_per_framework", Value: str(itoa(c.MaxUnreachableTasksPerFramework))},
		{Name: "port", Value: str(itoa(int(m.info.Port)))},
		{Name: "registry", Value: str(registryFlag(c.WorkDir))},
	}
	if c.Cluster != "" {
		fl = append(fl, mesos.Flag{Name: "cluster", Value: str(c.Cluster)})
	}
	fl = append(fl,
		mesos.Flag{Name: "min_allocatable_resources", Value: str(minAllocatableFlag(c.Allocator.MinAllocatableResources))},
		mesos.Flag{Name: "filter_gpu_resources", Value: str(strconv.FormatBool(c.Allocator.FilterGPUResources == nil || *c.Allocator.FilterGPUResources))})
	if names := c.Allocator.FairSharingExcludedResourceNames; len(names) > 0 {
		fl = append(fl, mesos.Flag{Name: "fair_sharing_excluded_resource_names", Value: str(strings.Join(names, ","))})
	}
	if c.WorkDir != "" {
		fl = append(fl, mesos.Flag{Name: "work_dir", Value: str(c.WorkDir)})
	}
	if c.OfferTimeout > 0 {
		fl = append(fl, mesos.Flag{Name: "offer_timeout", Value: str(durationFlag(c.OfferTimeout))})
	}
	if len(c.Roles) > 0 {
		fl = append(fl, mesos.Flag{Name: "roles", Value: str(strings.Join(c.Roles, ","))})
	}
	if len(c.Weights) > 0 {
		var parts []string
		for _, r := range sortedKeys(c.Weights) {
			parts = append(parts, r+"="+formatFloat(c.Weights[r]))
		}
		fl = append(fl, mesos.Flag{Name: "weights", Value: str(strings.Join(parts, ","))})
	}
	slices.SortFunc(fl, func(a, b mesos.Flag) int { return strings.Compare(a.Name, b.Name) })
	return fl
}

func flagsJSON(fl []mesos.Flag) []byte {
	obj := map[string]string{}
	for _, f := range fl {
		if f.Value != nil {
			obj[f.Name] = *f.Value
		}
	}
	b, _ := json.Marshal(map[string]any{"flags": obj})
	return b
}

// minAllocatableFlag formats --min_allocatable_resources the way it is
// given: sets joined by "|", a set's quantities by ";". Nil is the
// default.
func minAllocatableFlag(sets []resources.Quantities) string {
	if sets == nil {
		return allocator.DefaultMinAllocatableResources
	}
	parts := make([]string, len(sets))
	for i, q := range sets {
		var names []string
		for name, v := range q.All() {
			names = append(names, name+":"+formatFloat(v))
		}
		parts[i] = strings.Join(names, ";")
	}
	return strings.Join(parts, "|")
}

// durationFlag formats like stout's Duration ("15secs", "1secs", "10mins").
func durationFlag(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d >= time.Hour:
		return itoa(int(d/time.Hour)) + "hrs"
	case d%time.Minute == 0 && d >= time.Minute:
		return itoa(int(d/time.Minute)) + "mins"
	case d%time.Second == 0:
		return itoa(int(d/time.Second)) + "secs"
	default:
		return itoa(int(d/time.Millisecond)) + "ms"
	}
}

// serveOperator is the master's v1 operator API (Master::Http::api).
func (m *Master) serveOperator(r *process.Request) *process.Future[process.Response] {
	now := func(resp process.Response) *process.Future[process.Response] { return process.NewFuture(resp) }
	principal, denied := m.authenticate(r, RealmReadwrite)
	if denied != nil {
		return now(*denied)
	}
	if r.Method != http.MethodPost {
		return now(methodNotAllowed(r.Method))
	}
	call, resp, ok := decodeBody(r, "operator", operator.DecodeCall)
	if !ok {
		return now(resp)
	}
	if err := call.Validate(); err != nil {
		return now(process.BadRequest("Failed to validate master::Call: " + err.Error()))
	}
	if call.Type != operator.CallSubscribe && !accepts(r.Header, contentJSON) {
		return now(process.Error(http.StatusNotAcceptable, "Expecting 'Accept' to allow '"+contentJSON+"' or '"+contentProtobuf+"'"))
	}
	render := func(fn func(*readonly.Snapshot) []byte) *process.Future[process.Response] {
		s, finish := m.snapshot()
		p := process.NewPromise[process.Response]()
		go func() {
			finish()
			p.Set(process.OK(fn(s), contentJSON))
		}()
		return p.Future()
	}
	switch call.Type {
	case operator.CallGetHealth:
		return now(process.OK(readonly.GetHealth(), contentJSON))
	case operator.CallGetVersion:
		return render(readonly.GetVersion)
	case operator.CallGetFlags:
		return render(readonly.GetFlags)
	case operator.CallGetMaster:
		return render(readonly.GetMaster)
	case operator.CallGetState:
		return render(func(s *readonly.Snapshot) []byte {
			return m.hints.render(hintGetState, func(b []byte) []byte { return readonly.AppendGetState(b, s) })
		})
	case operator.CallGetAgents:
		return render(readonly.GetAgents)
	case operator.CallGetFrameworks:
		return render(readonly.GetFrameworks)
	case operator.CallGetExecutors:
		return render(readonly.GetExecutors)
	case operator.CallGetTasks:
		return render(readonly.GetTasks)
	case operator.CallGetRoles:
		return render(readonly.GetRoles)
	case operator.CallGetMetrics:
		return m.getMetrics(call.GetMetrics)
	case operator.CallGetWeights:
		return now(jsonResponse(m.getWeights()))
	case operator.CallUpdateWeights:
		for _, wi := range call.UpdateWeights.WeightInfos {
			if !m.cfg.ACLs.UpdateWeight(principal, wi.Role) {
				return now(forbidden(principal, "update the weight of role '"+wi.Role+"'"))
			}
		}
		return now(m.updateWeights(call.UpdateWeights))
	case operator.CallGetQuota:
		return now(jsonResponse(m.getQuota()))
	case operator.CallUpdateQuota:
		for _, qc := range call.UpdateQuota.QuotaConfigs {
			if !m.cfg.ACLs.UpdateQuota(principal, qc.Role) {
				return now(forbidden(principal, "update the quota of role '"+qc.Role+"'"))
			}
		}
		return now(m.updateQuota(call.UpdateQuota))
	case operator.CallMarkAgentGone:
		if !m.cfg.ACLs.MarkAgentGone(principal) {
			return now(forbidden(principal, "mark agent "+call.MarkAgentGone.AgentID.Value+" gone"))
		}
		if err := m.markGone(call.MarkAgentGone.AgentID.Value); err != nil {
			return now(process.BadRequest(err.Error()))
		}
		return now(process.Response{Status: http.StatusOK})
	case operator.CallTeardown:
		f := m.frameworks[call.Teardown.FrameworkID.Value]
		if f == nil {
			return now(process.BadRequest("No framework found with specified ID"))
		}
		if !m.cfg.ACLs.TeardownFramework(principal, f.info.Principal) {
			return now(forbidden(principal, "tear down framework "+f.id+" of principal '"+f.info.Principal+"'"))
		}
		m.removeFramework(f)
		return now(process.Response{Status: http.StatusOK})
	case operator.CallSubscribe:
		if !accepts(r.Header, contentJSON) {
			return now(process.Error(http.StatusNotAcceptable, "Expecting 'Accept' to allow '"+contentJSON+"' or '"+contentProtobuf+"'"))
		}
		s := newEventStream(newUUIDString(), m.cfg.StreamBuffer)
		m.addSubscriber(s)
		return now(process.Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {contentJSON}}, Stream: s})
	default:
		return now(process.Error(http.StatusNotImplemented, "mesoscope does not implement "+call.Type.String()))
	}
}

func jsonResponse(v any) process.Response {
	b, err := json.Marshal(v)
	if err != nil {
		return process.InternalServerError(err.Error())
	}
	return process.OK(b, contentJSON)
}

// getMetrics answers GET_METRICS off the master's queue: the master's
// pull gauges are evaluated on its queue, which is busy serving this call.
func (m *Master) getMetrics(gm *operator.GetMetrics) *process.Future[process.Response] {
	timeout := 15 * time.Second
	if gm != nil && gm.Timeout != nil && gm.Timeout.Nanoseconds > 0 {
		timeout = time.Duration(gm.Timeout.Nanoseconds)
	}
	p := process.NewPromise[process.Response]()
	go func() {
		snap := m.rt.Metrics().Snapshot(timeout)
		out := operator.Response{Type: operator.ResponseGetMetrics, GetMetrics: &operator.GetMetricsResponse{}}
		for _, name := range sortedKeys(snap) {
			v := snap[name]
			out.GetMetrics.Metrics = append(out.GetMetrics.Metrics, mesos.Metric{Name: name, Value: &v})
		}
		p.Set(jsonResponse(out))
	}()
	return p.Future()
}

func (m *Master) getWeights() operator.Response {
	out := operator.Response{Type: operator.ResponseGetWeights, GetWeights: &operator.GetWeights{}}
	for _, role := range sortedKeys(m.cfg.Weights) {
		out.GetWeights.WeightInfos = append(out.GetWeights.WeightInfos, mesos.WeightInfo{Role: role, Weight: m.cfg.Weights[role]})
	}
	return out
}

// updateWeights is UPDATE_WEIGHTS: all or nothing.
func (m *Master) updateWeights(u *operator.UpdateWeights) process.Response {
	next := map[string]float64{}
	for role, w := range m.cfg.Weights {
		next[role] = w
	}
	for i, wi := range u.WeightInfos {
		if err := resources.ValidateRole(wi.Role); err != nil {
			return process.BadRequest(mesos.In(mesos.Index("update_weights.weight_infos", i)+".role", err).Error())
		}
		if !(wi.Weight > 0) {
			return process.BadRequest(mesos.Invalid(mesos.Index("update_weights.weight_infos", i)+".weight", "must be positive, got %v", wi.Weight).Error())
		}
		next[wi.Role] = wi.Weight
	}
	m.cfg.Weights = next
	m.alloc.UpdateWeights(next)
	return process.Response{Status: http.StatusOK}
}

func (m *Master) getQuota() operator.Response {
	out := operator.Response{Type: operator.ResponseGetQuota, GetQuota: &operator.GetQuota{}}
	for _, role := range sortedKeys(m.quotas) {
		q := m.quotas[role]
		qc := operator.QuotaConfig{Role: role}
		for name, v := range q.Guarantees.All() {
			if qc.Guarantees == nil {
				qc.Guarantees = map[string]mesos.Scalar{}
			}
			qc.Guarantees[name] = mesos.Scalar{Value: v}
		}
		for name, v := range q.Limits {
			if qc.Limits == nil {
				qc.Limits = map[string]mesos.Scalar{}
			}
			qc.Limits[name] = mesos.Scalar{Value: v}
		}
		out.GetQuota.Status.Configs = append(out.GetQuota.Status.Configs, qc)
	}
	return out
}

// updateQuota is UPDATE_QUOTA: every config is validated before any is
// applied.
func (m *Master) updateQuota(u *operator.UpdateQuota) process.Response {
	type pending struct {
		role string
		q    allocator.Quota
	}
	var apply []pending
	for i, qc := range u.QuotaConfigs {
		field := mesos.Index("update_quota.quota_configs", i)
		if err := resources.ValidateRole(qc.Role); err != nil || qc.Role == "*" {
			return process.BadRequest(mesos.Invalid(field+".role", "invalid quota role '%s'", qc.Role).Error())
		}
		var g []resources.Quantity
		for _, name := range sortedKeys(qc.Guarantees) {
			v := qc.Guarantees[name].Value
			if !(v >= 0) {
				return process.BadRequest(mesos.Invalid(field+".guarantees."+name, "must be non-negative").Error())
			}
			g = append(g, resources.Quantity{Name: name, Value: v})
		}
		limits := allocator.Limits{}
		for _, name := range sortedKeys(qc.Limits) {
			v := qc.Limits[name].Value
			if !(v >= 0) {
				return process.BadRequest(mesos.Invalid(field+".limits."+name, "must be non-negative").Error())
			}
			if gv, ok := qc.Guarantees[name]; ok && gv.Value > v {
				return process.BadRequest(mesos.Invalid(field+".limits."+name, "guarantee %v exceeds limit %v", gv.Value, v).Error())
			}
			limits[name] = v
		}
		apply = append(apply, pending{qc.Role, allocator.Quota{Guarantees: resources.QuantitiesOf(g...), Limits: limits}})
	}
	for _, p := range apply {
		if p.q.IsDefault() {
			delete(m.quotas, p.role)
		} else {
			m.quotas[p.role] = p.q
		}
		m.alloc.UpdateQuota(p.role, p.q)
	}
	return process.Response{Status: http.StatusOK}
}

func itoa(n int) string { return strconv.Itoa(n) }

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// sizeHints remembers how big the last big responses were, so the next
// one is rendered into a buffer of about the right size: neither grown
// by copying nor zeroed far beyond what it needs.
type sizeHints struct {
	last [numHints]atomic.Int64
}

const (
	hintState = iota
	hintGetState
	numHints
)

func (h *sizeHints) render(kind int, fn func([]byte) []byte) []byte {
	n := h.last[kind].Load()
	b := fn(make([]byte, 0, n+n/16+4096))
	h.last[kind].Store(int64(len(b)))
	return b
}

// registryFlag is --registry: mesoscope's file log when --work_dir is set
// (where Mesos uses its replicated log), in_memory otherwise.
func registryFlag(workDir string) string {
	if workDir == "" {
		return "in_memory"
	}
	return "replicated_log"
}
