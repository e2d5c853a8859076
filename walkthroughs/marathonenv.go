package walkthroughs

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/inspector"
)

// marathonEnv is the Goodbye Waiting tour's scheduler: embedded/marathon, the
// Marathon-like app scheduler, subscribed to the offers tour's master (fake agents,
// paused clock) through a schedProxy, with its clock following the master's and its
// REST API on a loopback port. After every command the tour settles the whole system:
// the master's events are handed to the scheduler one by one, its timers are fired
// when due, and the tour waits until every offer it got is answered, every status
// update acknowledged, its REVIVE/SUPPRESS state agrees with its launch queue, and no
// call is in flight.
type marathonEnv struct {
	e     *offersEnv
	lab   *uuidLabels
	m     *marathon.Marathon
	url   string
	proxy *schedProxy
	clock *followClock
	rest  *http.Client
	tr    *http.Transport
	insp  *inspector.Client
	roles []string
	fwID  string

	barriers    int
	offers      map[string]bool   // forwarded offers not yet answered or rescinded
	acks        map[string]string // forwarded update uuids not yet acknowledged -> task id
	suppressed  map[string]bool   // the last REVIVE/SUPPRESS per role
	agentHosts  map[string]string // agent id -> hostname
	taskCount   map[string]int    // app prefix + host -> tasks labelled so far
	deployments int
	apps        map[string]bool

	events []*scheduler.Event // forwarded since the last report
	calls  []*scheduler.Call  // answered since the last report
}

// marathonCmd: marathon — starts the scheduler against the master and waits until it
// has subscribed and answered its first offers.
func (s *Session) marathonCmd(c *Command) (string, error) {
	e, err := s.offersEnv("marathon")
	if err != nil {
		return "", err
	}
	if s.mara != nil {
		return "", errors.New("marathon: already started")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("marathon: %w", err)
	}
	tr := &http.Transport{DisableCompression: true}
	w := &marathonEnv{
		e: e, lab: s.labels, proxy: newSchedProxy(tr), clock: newFollowClock(e.rt.Clock().Now), tr: tr,
		rest:   &http.Client{Transport: tr, Timeout: syncTimeout},
		offers: map[string]bool{}, acks: map[string]string{}, suppressed: map[string]bool{},
		agentHosts: map[string]string{}, taskCount: map[string]int{}, apps: map[string]bool{},
	}
	for _, a := range e.agents {
		w.agentHosts[a.agentID()] = a.name
	}
	const never = 100000 * time.Hour // no reconciliation during a tour
	m, err := marathon.New(marathon.Config{
		Master: e.base, HTTPListener: ln, HTTPClient: &http.Client{Transport: w.proxy},
		Logger: s.logger, User: "walkthrough", Seed: allocatorSeed, Clock: w.clock,
		MinReviveOffersInterval:    time.Nanosecond,
		ReconciliationInitialDelay: never, ReconciliationInterval: never,
	})
	if err != nil {
		ln.Close()
		return "", fmt.Errorf("marathon: %w", err)
	}
	if err := m.Start(context.Background()); err != nil {
		ln.Close()
		return "", fmt.Errorf("marathon: %w", err)
	}
	w.m, w.url = m, m.URL()
	s.mara = w
	s.replace(w.url, "http://marathon")
	if w.insp, err = inspector.New(inspector.Config{Master: e.base, HTTPClient: w.rest, PinMaster: true}); err != nil {
		return "", fmt.Errorf("marathon: %w", err)
	}
	info, err := w.getJSON("/v2/info")
	if err != nil {
		return "", err
	}
	var i struct {
		Config struct {
			Role string `json:"mesos_role"`
		} `json:"marathon_config"`
	}
	_ = json.Unmarshal(info, &i)
	w.roles = []string{cmp.Or(i.Config.Role, "*")}
	if err := w.settle(s, func() (bool, error) { return w.fwID != "", nil }); err != nil {
		return "", err
	}
	head := fmt.Sprintf("marathon %s: framework %q, role %s, --decline_offer_duration %s, suppresses offers when idle",
		marathon.Version, marathon.DefaultFrameworkName, strings.Join(w.roles, ","), marathon.DefaultDeclineOfferDuration)
	return strings.Join(append([]string{head}, w.report(s)...), "\n"), nil
}

func (s *Session) maraEnv(cmd string) (*marathonEnv, error) {
	if s.mara == nil {
		return nil, fmt.Errorf("%s: no marathon yet (run \"marathon\" first)", cmd)
	}
	return s.mara, nil
}

// settle runs the system until nothing is left to do and until holds (see
// marathonEnv).
func (w *marathonEnv) settle(s *Session, until func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	// A REST request's actions (KILLs of a deployment) are queued after its answer:
	// let them reach the master together before its answers are read.
	w.waitQuiet(ctx)
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("marathon: the scheduler did not settle within %s (%d offers unanswered, %d updates unacknowledged)", syncTimeout, len(w.offers), len(w.acks))
		}
		_, before, _ := w.proxy.state()
		w.e.rt.Settle()
		_, _, act := w.proxy.state()
		st := w.proxy.current()
		if st == nil {
			waitActivity(ctx, act, time.Millisecond)
			continue
		}
		recs, err := w.drain(ctx, st)
		if err != nil {
			return err
		}
		for _, rec := range recs {
			if err := st.forward(rec, syncTimeout); err != nil {
				return fmt.Errorf("marathon: %w", err)
			}
			// The scheduler's client reads the next record only after handing this one to
			// the scheduler's loop.
			if err := st.forward(heartbeatRecord, syncTimeout); err != nil {
				return fmt.Errorf("marathon: %w", err)
			}
		}
		if len(recs) > 0 {
			// The loop has taken every event; this request is served after them.
			if _, err := w.m.Stats(ctx); err != nil {
				return fmt.Errorf("marathon: %w", err)
			}
		}
		fired, err := w.clock.fireDue(syncTimeout)
		if err != nil {
			return fmt.Errorf("marathon: %w", err)
		}
		if err := w.waitAnswers(ctx); err != nil {
			return err
		}
		if len(recs) > 0 || fired > 0 {
			// What the scheduler decided on these events without being asked (REVIVE,
			// SUPPRESS, KILL) reaches the master before the next events are read.
			w.waitQuiet(ctx)
		}
		w.takeCalls()
		_, after, act := w.proxy.state()
		if len(recs) > 0 || fired > 0 || after != before {
			continue
		}
		ok, err := w.consistent(ctx)
		if err != nil {
			return err
		}
		if ok && until != nil {
			if ok, err = until(); err != nil {
				return err
			}
		}
		if !ok {
			waitActivity(ctx, act, time.Millisecond)
			continue
		}
		// Settled when the scheduler has no call queued or in flight and no wake-up
		// that fireDue would run now (the rest waits for the tour to advance the
		// master's clock), and no call ended since the events were read.
		a, err := w.m.Activity(ctx)
		if err != nil {
			return fmt.Errorf("marathon: %w", err)
		}
		inflight, again, act := w.proxy.state()
		if inflight == 0 && again == after && a.QuietUntil(w.clock.dueBy()) {
			return nil
		}
		if a.Calls > 0 || inflight > 0 {
			select {
			case <-a.Changed:
			case <-act:
			case <-ctx.Done():
			}
		}
	}
}

// waitQuiet waits until every call the scheduler has decided on is made
// (marathon.Activity: none queued for its call workers or in flight) and no call is
// in flight through the proxy: the scheduler's own decisions (REVIVE, SUPPRESS, KILL)
// are queued to worker goroutines before they become calls, and this covers the
// hand-over exactly.
func (w *marathonEnv) waitQuiet(ctx context.Context) {
	for ctx.Err() == nil {
		a, err := w.m.Activity(ctx)
		if err != nil {
			return // stopped, or ctx done: settle reports it
		}
		inflight, _, act := w.proxy.state()
		if a.Calls == 0 && inflight == 0 {
			return
		}
		select {
		case <-a.Changed:
		case <-act:
		case <-ctx.Done():
		}
	}
}

// drain reads the master's events to the scheduler up to a barrier: an explicit
// RECONCILE for a task that does not exist, which the master answers on the same
// stream behind everything it sent before (Master::reconcile). Barrier updates are
// not forwarded.
func (w *marathonEnv) drain(ctx context.Context, st *proxyStream) ([][]byte, error) {
	var out [][]byte
	barrier := ""
	if w.fwID != "" {
		w.barriers++
		barrier = fmt.Sprintf("%s%d", barrierPrefix, w.barriers)
		if err := w.reconcile(st.streamID, barrier); err != nil {
			return nil, err
		}
	}
	for {
		var rec []byte
		var ok bool
		if barrier == "" && len(out) > 0 && w.fwID != "" {
			return out, nil // SUBSCRIBED seen: the next drain has a barrier
		}
		select {
		case rec, ok = <-st.records:
		case <-ctx.Done():
			return nil, fmt.Errorf("marathon: no barrier update from the master: %w", ctx.Err())
		}
		if !ok {
			return nil, errors.New("marathon: the master closed the scheduler's stream")
		}
		ev, err := scheduler.DecodeEvent(rec)
		if err != nil {
			return nil, fmt.Errorf("marathon: %w", err)
		}
		if ev.Type == scheduler.EventUpdate && ev.Update != nil && strings.HasPrefix(ev.Update.Status.TaskID.Value, barrierPrefix) {
			if ev.Update.Status.TaskID.Value == barrier {
				return out, nil
			}
			continue
		}
		w.track(ev)
		out = append(out, rec)
	}
}

// reconcile POSTs the barrier RECONCILE on the scheduler's stream.
func (w *marathonEnv) reconcile(streamID, task string) error {
	call := &scheduler.Call{Type: scheduler.CallReconcile, FrameworkID: &mesos.FrameworkID{Value: w.fwID},
		Reconcile: &scheduler.Reconcile{Tasks: []scheduler.ReconcileTask{{TaskID: mesos.TaskID{Value: task}}}}}
	data, err := json.Marshal(call)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, w.e.base+"/api/v1/scheduler", bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Mesos-Stream-Id", streamID)
	resp, err := w.rest.Do(req)
	if err != nil {
		return fmt.Errorf("marathon: barrier: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("marathon: barrier RECONCILE: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	return nil
}

// track notes what an event the scheduler is about to get asks of it.
func (w *marathonEnv) track(ev *scheduler.Event) {
	w.events = append(w.events, ev)
	switch {
	case ev.Type == scheduler.EventSubscribed && ev.Subscribed != nil:
		w.fwID = ev.Subscribed.FrameworkID.Value
		for _, r := range w.roles {
			w.suppressed[r] = false // a subscription starts unsuppressed
		}
	case ev.Offers != nil:
		for _, o := range ev.Offers.Offers {
			w.offers[o.ID.Value] = true
			w.agentHosts[o.AgentID.Value] = o.Hostname
		}
	case ev.Rescind != nil:
		delete(w.offers, ev.Rescind.OfferID.Value)
	case ev.Update != nil && len(ev.Update.Status.UUID) > 0:
		w.acks[string(ev.Update.Status.UUID)] = ev.Update.Status.TaskID.Value
	}
}

// waitAnswers waits until every forwarded offer is answered and every update
// acknowledged, and no call is in flight.
func (w *marathonEnv) waitAnswers(ctx context.Context) error {
	for {
		// The activity channel is taken before the checks, so a call that ends
		// during them wakes the wait below.
		inflight, _, act := w.proxy.state()
		for id := range w.offers {
			if w.proxy.isAnswered(id) {
				delete(w.offers, id)
			}
		}
		for u := range w.acks {
			if w.proxy.isAcked([]byte(u)) {
				delete(w.acks, u)
			}
		}
		if len(w.offers) == 0 && len(w.acks) == 0 && inflight == 0 {
			return nil
		}
		select {
		case <-act:
		case <-ctx.Done():
			return fmt.Errorf("marathon: %d offers unanswered, %d updates unacknowledged, %d calls in flight: %w", len(w.offers), len(w.acks), inflight, ctx.Err())
		}
	}
}

// takeCalls moves the answered calls into the report and follows REVIVE and
// SUPPRESS; tasks launched get their labels.
func (w *marathonEnv) takeCalls() {
	for _, c := range w.proxy.takeCalls() {
		w.calls = append(w.calls, c)
		switch {
		case c.Revive != nil, c.Type == scheduler.CallRevive:
			for _, r := range rolesOr(c.Revive, w.roles) {
				w.suppressed[r] = false
			}
		case c.Suppress != nil, c.Type == scheduler.CallSuppress:
			var roles []string
			if c.Suppress != nil {
				roles = c.Suppress.Roles
			}
			if len(roles) == 0 {
				roles = w.roles
			}
			for _, r := range roles {
				w.suppressed[r] = true
			}
		case c.Accept != nil:
			for _, op := range c.Accept.Operations {
				if op.Launch == nil {
					continue
				}
				for _, t := range op.Launch.TaskInfos {
					w.labelTask(t.TaskID.Value, w.agentHosts[t.AgentID.Value])
				}
			}
		}
	}
}

func rolesOr(r *scheduler.Revive, all []string) []string {
	if r == nil || len(r.Roles) == 0 {
		return all
	}
	return r.Roles
}

// labelTask names a task's uuid after the agent it launches on: "web.<uuid>" is
// shown as "web.a1-1", so outputs do not depend on random ids.
func (w *marathonEnv) labelTask(taskID, host string) {
	i := strings.LastIndexByte(taskID, '.')
	if i < 0 || !uuidPattern.MatchString(taskID[i+1:]) {
		return
	}
	prefix, id := taskID[:i], taskID[i+1:]
	key := prefix + "." + host
	w.taskCount[key]++
	w.labels().set(id, fmt.Sprintf("%s-%d", cmp.Or(host, "agent"), w.taskCount[key]))
}

// labels returns the session's uuid labels.
func (w *marathonEnv) labels() *uuidLabels { return w.lab }

// consistent reports whether the scheduler's last REVIVE/SUPPRESS per role agrees
// with its launch queue: a role with instances waiting must be revived, one without
// suppressed.
func (w *marathonEnv) consistent(ctx context.Context) (bool, error) {
	items, err := w.queue(ctx)
	if err != nil {
		return false, err
	}
	wanted := map[string]bool{}
	for _, it := range items {
		if it.Count > 0 && it.Overdue {
			wanted[cmp.Or(it.Role, "*")] = true
		}
	}
	for _, r := range w.roles {
		if wanted[r] == w.suppressed[r] {
			return false, nil
		}
	}
	return true, nil
}

// queue GETs /v2/queue?embed=lastUnusedOffers.
func (w *marathonEnv) queue(ctx context.Context) ([]inspector.MarathonQueueItem, error) {
	return w.insp.MarathonQueue(ctx, w.url)
}

// report renders what crossed the scheduler API since the last report, grouped by
// event and call type so that the order in which concurrent calls happened to
// arrive does not show.
func (w *marathonEnv) report(s *Session) []string {
	at := s.clockText()
	var out []string
	evs, calls := w.events, w.calls
	w.events, w.calls = nil, nil
	group := map[string][]string{}
	for _, ev := range evs {
		switch {
		case ev.Type == scheduler.EventHeartbeat:
		case ev.Subscribed != nil:
			group["SUBSCRIBED"] = append(group["SUBSCRIBED"], "framework "+ev.Subscribed.FrameworkID.Value)
		case ev.Offers != nil:
			for _, o := range ev.Offers.Offers {
				group["OFFERS"] = append(group["OFFERS"], fmt.Sprintf("%s (%s)", o.ID.Value, o.Hostname))
			}
		case ev.Rescind != nil:
			group["RESCIND"] = append(group["RESCIND"], ev.Rescind.OfferID.Value)
		case ev.Update != nil:
			group["UPDATE"] = append(group["UPDATE"], ev.Update.Status.TaskID.Value+" "+ev.Update.Status.State.String())
		default:
			group[ev.Type.String()] = append(group[ev.Type.String()], "")
		}
	}
	for _, kind := range []string{"SUBSCRIBED", "OFFERS", "RESCIND", "UPDATE"} {
		if items := group[kind]; len(items) > 0 {
			out = append(out, fmt.Sprintf("%s master → marathon  %-10s %s", at, kind, joinSorted(s, items)))
		}
	}
	calls2 := map[string][]string{}
	declines := map[string][]string{}
	for _, c := range calls {
		switch {
		case c.Accept != nil:
			var tasks []string
			for _, op := range c.Accept.Operations {
				if op.Launch != nil {
					for _, t := range op.Launch.TaskInfos {
						tasks = append(tasks, t.TaskID.Value)
					}
				}
			}
			for _, id := range c.Accept.OfferIDs {
				calls2["ACCEPT"] = append(calls2["ACCEPT"], fmt.Sprintf("%s: LAUNCH %s", id.Value, strings.Join(tasks, " ")))
			}
		case c.Decline != nil:
			refuse := "default filters"
			if c.Decline.Filters != nil && c.Decline.Filters.RefuseSeconds != nil {
				refuse = "refuse_seconds " + strconv.FormatFloat(*c.Decline.Filters.RefuseSeconds, 'f', -1, 64)
			}
			for _, id := range c.Decline.OfferIDs {
				declines[refuse] = append(declines[refuse], id.Value)
			}
		case c.Kill != nil:
			calls2["KILL"] = append(calls2["KILL"], c.Kill.TaskID.Value)
		case c.Acknowledge != nil:
			calls2["ACKNOWLEDGE"] = append(calls2["ACKNOWLEDGE"], c.Acknowledge.TaskID.Value)
		case c.Type == scheduler.CallRevive:
			calls2["REVIVE"] = append(calls2["REVIVE"], strings.Join(rolesOr(c.Revive, []string{"(all roles)"}), ","))
		case c.Type == scheduler.CallSuppress:
			roles := []string{"(all roles)"}
			if c.Suppress != nil && len(c.Suppress.Roles) > 0 {
				roles = c.Suppress.Roles
			}
			calls2["SUPPRESS"] = append(calls2["SUPPRESS"], strings.Join(roles, ","))
		default:
			calls2[c.Type.String()] = append(calls2[c.Type.String()], "")
		}
	}
	for _, kind := range []string{"ACCEPT", "DECLINE", "KILL", "ACKNOWLEDGE", "REVIVE", "SUPPRESS"} {
		if kind == "DECLINE" {
			for _, refuse := range sortedKeys(declines) {
				out = append(out, fmt.Sprintf("%s marathon → master  %-10s %s (%s)", at, kind, joinSorted(s, declines[refuse]), refuse))
			}
			continue
		}
		if items := calls2[kind]; len(items) > 0 {
			out = append(out, fmt.Sprintf("%s marathon → master  %-10s %s", at, kind, joinSorted(s, items)))
		}
	}
	return out
}

// joinSorted joins items after normalizing them (so labelled ids sort by label),
// in natural order ("walk-O9" before "walk-O10").
func joinSorted(s *Session, items []string) string {
	norm := make([]string, len(items))
	for i, it := range items {
		norm[i] = s.normalize(it)
	}
	slices.SortFunc(norm, naturalCompare)
	return strings.Join(norm, ", ")
}

// naturalCompare orders strings by their runs of digits as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitPrefix(a), digitPrefix(b)
		if da > 0 && db > 0 {
			na, _ := strconv.ParseUint(a[:da], 10, 64)
			nb, _ := strconv.ParseUint(b[:db], 10, 64)
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitPrefix(s string) int {
	n := 0
	for n < len(s) && n < 18 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// --- REST ---

// do makes a REST call to the scheduler and returns the status line and body.
func (w *marathonEnv) do(method, path string, body []byte) (string, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, w.url+path, rd)
	if err != nil {
		return "", nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.rest.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return resp.Status, b, nil
}

func (w *marathonEnv) getJSON(path string) ([]byte, error) {
	status, b, err := w.do(http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(status, "200") {
		return nil, fmt.Errorf("GET %s: %s: %s", path, status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

// appJSON is the part of Marathon's app definition the tour writes, in its field
// order.
type appJSON struct {
	ID                    string       `json:"id"`
	Cmd                   string       `json:"cmd"`
	Instances             int          `json:"instances"`
	CPUs                  float64      `json:"cpus"`
	Mem                   float64      `json:"mem"`
	GPUs                  int          `json:"gpus,omitempty"`
	Role                  string       `json:"role,omitempty"`
	AcceptedResourceRoles []string     `json:"acceptedResourceRoles,omitempty"`
	Constraints           [][]string   `json:"constraints,omitempty"`
	PortDefinitions       []portJSON   `json:"portDefinitions"`
	RequirePorts          bool         `json:"requirePorts,omitempty"`
	UpgradeStrategy       *upgradeJSON `json:"upgradeStrategy,omitempty"`
}

type portJSON struct {
	Port int `json:"port"`
}

type upgradeJSON struct {
	MinimumHealthCapacity float64 `json:"minimumHealthCapacity"`
	MaximumOverCapacity   float64 `json:"maximumOverCapacity"`
}

// deployCmd: deploy ID [cmd="..."] [instances=N] [cpus=C] [mem=M] [gpus=G]
// [constraints=FIELD:OP[:VALUE],...] [port=P] [require_ports=true]
// [accepted_roles=R,...] [min_health=X max_over=Y] [wait=done] — POST /v2/apps for a
// new app, PUT /v2/apps/ID?force=true for an existing one, then settle; with
// wait=done, until no deployment is left.
func (s *Session) deployCmd(c *Command) (string, error) {
	w, err := s.maraEnv("deploy")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 || !strings.HasPrefix(words[0], "/") {
		return "", errors.New("deploy: want \"deploy /APP-ID key=value...\"")
	}
	app := appJSON{ID: words[0], Cmd: "sleep 3600", Instances: 1, CPUs: 1, Mem: 128, PortDefinitions: []portJSON{}}
	if v, ok := stringArg(c, "cmd"); ok {
		app.Cmd = v
	}
	if app.Instances, err = intArg(c, "instances", 1); err != nil {
		return "", err
	}
	if app.GPUs, err = intArg(c, "gpus", 0); err != nil {
		return "", err
	}
	for _, f := range []struct {
		key string
		p   *float64
	}{{"cpus", &app.CPUs}, {"mem", &app.Mem}} {
		if v, ok := stringArg(c, f.key); ok {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < 0 {
				return "", fmt.Errorf("deploy: %s=%q: want a number", f.key, v)
			}
			*f.p = x
		}
	}
	if v, ok := stringArg(c, "constraints"); ok {
		for _, con := range strings.Split(v, ",") {
			app.Constraints = append(app.Constraints, strings.Split(con, ":"))
		}
	}
	if v, ok := stringArg(c, "accepted_roles"); ok {
		app.AcceptedResourceRoles = strings.Split(v, ",")
	}
	if v, ok := stringArg(c, "role"); ok {
		app.Role = v
	}
	if port, err := intArg(c, "port", -1); err != nil {
		return "", err
	} else if port >= 0 {
		app.PortDefinitions = []portJSON{{Port: port}}
	}
	if app.RequirePorts, err = boolArg(c, "require_ports", false); err != nil {
		return "", err
	}
	mh, hasMH := stringArg(c, "min_health")
	mo, hasMO := stringArg(c, "max_over")
	if hasMH || hasMO {
		u := upgradeJSON{MinimumHealthCapacity: marathon.DefaultMinimumHealthCapacity, MaximumOverCapacity: marathon.DefaultMaximumOverCapacity}
		for _, f := range []struct {
			v   string
			has bool
			p   *float64
		}{{mh, hasMH, &u.MinimumHealthCapacity}, {mo, hasMO, &u.MaximumOverCapacity}} {
			if !f.has {
				continue
			}
			x, err := strconv.ParseFloat(f.v, 64)
			if err != nil || x < 0 || x > 1 {
				return "", fmt.Errorf("deploy: %q: want a number between 0 and 1", f.v)
			}
			*f.p = x
		}
		app.UpgradeStrategy = &u
	}
	until, err := w.untilArg(c)
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(app)
	if err != nil {
		return "", err
	}
	method, path := http.MethodPost, "/v2/apps"
	if w.apps[app.ID] {
		method, path = http.MethodPut, "/v2/apps"+app.ID+"?force=true"
	}
	status, resp, err := w.do(method, path, body)
	if err != nil {
		return "", err
	}
	head := fmt.Sprintf("%s %s %s\n  → %s", method, path, body, status)
	if !strings.HasPrefix(status, "20") {
		return head + ": " + strings.TrimSpace(string(resp)), nil
	}
	w.apps[app.ID] = true
	if id := deploymentID(resp); id != "" {
		w.deployments++
		w.labels().set(id, fmt.Sprintf("d%d", w.deployments))
		head += " (deployment " + id + ")"
	}
	if err := w.settle(s, until); err != nil {
		return "", err
	}
	return strings.Join(append([]string{head}, w.report(s)...), "\n"), nil
}

// deploymentID finds the deployment id in a POST or PUT answer.
func deploymentID(b []byte) string {
	var v struct {
		DeploymentID string `json:"deploymentId"`
		Deployments  []struct {
			ID string `json:"id"`
		} `json:"deployments"`
	}
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	if v.DeploymentID != "" {
		return v.DeploymentID
	}
	if len(v.Deployments) > 0 {
		return v.Deployments[0].ID
	}
	return ""
}

// untilArg turns wait=done into "no deployment is left".
func (w *marathonEnv) untilArg(c *Command) (func() (bool, error), error) {
	v, ok := stringArg(c, "wait")
	if !ok {
		return nil, nil
	}
	if v != "done" {
		return nil, fmt.Errorf("%s: wait=%q: want wait=done", c.Name, v)
	}
	return func() (bool, error) {
		b, err := w.getJSON("/v2/deployments")
		if err != nil {
			return false, err
		}
		var ds []json.RawMessage
		if err := json.Unmarshal(b, &ds); err != nil {
			return false, fmt.Errorf("GET /v2/deployments: %w", err)
		}
		return len(ds) == 0, nil
	}, nil
}

// deleteCmd: delete ID — DELETE /v2/apps/ID?force=true (a waiting app's deployment
// never finishes, so it has to be overridden), then settle until no deployment is
// left.
func (s *Session) deleteCmd(c *Command) (string, error) {
	w, err := s.maraEnv("delete")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 || !strings.HasPrefix(words[0], "/") {
		return "", errors.New("delete: want \"delete /APP-ID\"")
	}
	path := "/v2/apps" + words[0] + "?force=true"
	status, resp, err := w.do(http.MethodDelete, path, nil)
	if err != nil {
		return "", err
	}
	head := fmt.Sprintf("DELETE %s → %s", path, status)
	if !strings.HasPrefix(status, "200") {
		return head + ": " + strings.TrimSpace(string(resp)), nil
	}
	delete(w.apps, words[0])
	if id := deploymentID(resp); id != "" {
		w.deployments++
		w.labels().set(id, fmt.Sprintf("d%d", w.deployments))
		head += " (deployment " + id + ")"
	}
	until, _ := w.untilArg(&Command{Name: "delete", Args: []Arg{{Key: "wait", Value: "done", HasValue: true}}})
	if err := w.settle(s, until); err != nil {
		return "", err
	}
	return strings.Join(append([]string{head}, w.report(s)...), "\n"), nil
}

// cancelCmd: cancel DEPLOYMENT — DELETE /v2/deployments/ID: Marathon stops the
// deployment and rolls the app back to its previous definition with a new one; then
// settle until no deployment is left.
func (s *Session) cancelCmd(c *Command) (string, error) {
	w, err := s.maraEnv("cancel")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("cancel: want \"cancel DEPLOYMENT\" (as shown, e.g. d2)")
	}
	id, ok := w.labels().lookup(words[0])
	if !ok {
		return "", fmt.Errorf("cancel: no deployment %s", words[0])
	}
	status, resp, err := w.do(http.MethodDelete, "/v2/deployments/"+id, nil)
	if err != nil {
		return "", err
	}
	head := fmt.Sprintf("DELETE /v2/deployments/%s → %s", id, status)
	if !strings.HasPrefix(status, "20") {
		return head + ": " + strings.TrimSpace(string(resp)), nil
	}
	if id := deploymentID(resp); id != "" {
		w.deployments++
		w.labels().set(id, fmt.Sprintf("d%d", w.deployments))
		head += " (rollback: deployment " + id + ")"
	}
	until, _ := w.untilArg(&Command{Name: "cancel", Args: []Arg{{Key: "wait", Value: "done", HasValue: true}}})
	if err := w.settle(s, until); err != nil {
		return "", err
	}
	return strings.Join(append([]string{head}, w.report(s)...), "\n"), nil
}

// queueCmd: queue — GET /v2/queue?embed=lastUnusedOffers, rendered by
// inspector.DescribeMarathonQueueItem.
func (s *Session) queueCmd(c *Command) (string, error) {
	w, err := s.maraEnv("queue")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	items, err := w.queue(ctx)
	if err != nil {
		return "", err
	}
	if len(items) == 0 {
		return "/v2/queue: nothing is waiting to launch", nil
	}
	slices.SortFunc(items, func(a, b inspector.MarathonQueueItem) int { return cmp.Compare(a.App.ID, b.App.ID) })
	for i := range items {
		slices.SortFunc(items[i].LastUnusedOffers, func(a, b inspector.MarathonOffer) int {
			return cmp.Compare(a.Offer.Hostname, b.Offer.Hostname)
		})
	}
	var out []string
	for _, it := range items {
		out = append(out, inspector.DescribeMarathonQueueItem(it))
	}
	return strings.Join(out, "\n"), nil
}

// whyCmd: why /APP — what `mesoscope why /APP --marathon URL` prints: the
// inspector's explainer over the master's snapshot and Marathon's queue.
func (s *Session) whyCmd(c *Command) (string, error) {
	w, err := s.maraEnv("why")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("why: want \"why /APP-ID\"")
	}
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	snap, err := w.insp.Snapshot(ctx, inspector.SnapshotOptions{SkipProcesses: true})
	if err != nil {
		return "", err
	}
	queue, err := w.queue(ctx)
	if err != nil {
		return "", err
	}
	e, err := inspector.ExplainWith(ctx, w.insp, snap, inspector.Query{App: words[0]}, queue)
	if err != nil {
		return "", err
	}
	// The offers' times are all "now" in a tour; left out, the tables stay aligned
	// once times are shown as offsets.
	for i := range e.LastUnusedOffers {
		e.LastUnusedOffers[i].Timestamp = time.Time{}
	}
	return inspector.DescribeExplanation(e), nil
}

// tasksCmd: tasks — GET /v2/tasks, rendered by inspector.DescribeMarathonTask.
func (s *Session) tasksCmd(c *Command) (string, error) {
	w, err := s.maraEnv("tasks")
	if err != nil {
		return "", err
	}
	b, err := w.getJSON("/v2/tasks")
	if err != nil {
		return "", err
	}
	tasks, err := inspector.DecodeMarathonTasks(b)
	if err != nil {
		return "", err
	}
	if len(tasks) == 0 {
		return "/v2/tasks: no tasks", nil
	}
	var out []string
	for _, t := range tasks {
		out = append(out, s.normalize(inspector.DescribeMarathonTask(t)))
	}
	slices.SortFunc(out, naturalCompare)
	return strings.Join(out, "\n"), nil
}

// deploymentsCmd: deployments — GET /v2/deployments.
func (s *Session) deploymentsCmd(c *Command) (string, error) {
	w, err := s.maraEnv("deployments")
	if err != nil {
		return "", err
	}
	b, err := w.getJSON("/v2/deployments")
	if err != nil {
		return "", err
	}
	var ds []struct {
		ID             string   `json:"id"`
		AffectedApps   []string `json:"affectedApps"`
		CurrentStep    int      `json:"currentStep"`
		TotalSteps     int      `json:"totalSteps"`
		CurrentActions []struct {
			Action string `json:"action"`
			App    string `json:"app"`
		} `json:"currentActions"`
	}
	if err := json.Unmarshal(b, &ds); err != nil {
		return "", fmt.Errorf("GET /v2/deployments: %w", err)
	}
	if len(ds) == 0 {
		return "/v2/deployments: none in progress", nil
	}
	var out []string
	for _, d := range ds {
		var acts []string
		for _, a := range d.CurrentActions {
			acts = append(acts, a.Action+" "+a.App)
		}
		out = append(out, fmt.Sprintf("deployment %s step %d/%d: %s", d.ID, d.CurrentStep, d.TotalSteps, strings.Join(acts, ", ")))
	}
	slices.Sort(out)
	return strings.Join(out, "\n"), nil
}

// afterStep settles the scheduler after a step of the clock and reports the traffic.
func (w *marathonEnv) afterStep(s *Session) ([]string, error) {
	if err := w.settle(s, nil); err != nil {
		return nil, err
	}
	return w.report(s), nil
}

func (w *marathonEnv) close(ctx context.Context) error {
	err := w.m.Stop(ctx)
	if st := w.proxy.current(); st != nil {
		st.close()
	}
	w.tr.CloseIdleConnections()
	return err
}
