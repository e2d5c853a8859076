package walkthroughs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/inspector"
)

// masterID is the offers tour's fixed master id, so framework, agent and offer ids are
// the same on every run ("walk-0000", "walk-S0", "walk-O1").
const masterID = "walk"

// worldOffset is how long the clock runs between starting the allocator's batch loop
// and the tour's T+0: allocation ticks then fall at T+0.5s, T+1.5s, ..., half-way
// between the whole seconds at which the tour acts, so no tour timer ever coincides
// with a tick.
const worldOffset = 500 * time.Millisecond

// offersEnv is the offers tour's world: a master (and its allocator) on a paused
// clock, served over HTTP on a loopback port, fake agents on the same runtime, and
// frameworks that speak the v1 scheduler API over that HTTP.
type offersEnv struct {
	rt         *process.Runtime
	m          *master.Master
	base       string
	client     *http.Client // calls and GETs, bounded by syncTimeout
	stream     *http.Client // SUBSCRIBE streams, which never end
	transport  *http.Transport
	agents     map[string]*fakeAgent
	frameworks map[string]*framework
	fwOrder    []string
	real       *realAgent            // the reliability tour's agent (reliability.go)
	mcfg       master.Config         // the master's configuration, for "restart-master"
	masters    int                   // how many times the master was restarted
	lost       map[string]*framework // frameworks whose master went away, by name
	workDirs   []string              // temporary directories removed by close
}

// masterCmd: master [allocation_interval=1s] [offer_timeout=30s] [real_agents=true] —
// master.New on a runtime whose delegate is "master" (mesos-master); with real_agents
// its PIDs carry the address it really listens on (shown as 127.0.0.1:5050), for
// "mesos-agent" (reliability tour).
func (s *Session) masterCmd(c *Command) (string, error) {
	if s.offers != nil {
		return "", errors.New("master: already started")
	}
	interval, err := durationArg(c, "allocation_interval", time.Second)
	if err != nil {
		return "", err
	}
	offerTimeout, err := durationArg(c, "offer_timeout", 0)
	if err != nil {
		return "", err
	}
	heartbeat, err := durationArg(c, "heartbeat_interval", 0)
	if err != nil {
		return "", err
	}
	realAgents, err := boolArg(c, "real_agents", false)
	if err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("master: %w", err)
	}
	observer, attach, err := s.observer("master", nil)
	if err != nil {
		ln.Close()
		return "", err
	}
	addr := walkAddress
	if realAgents {
		// A real agent's executors connect to the address in its PID: it must be the
		// one the runtime listens on, shown as walkAddress.
		addr = netip.MustParseAddrPort(ln.Addr().String())
		s.replace(addr.String(), walkAddress.String())
	}
	rt, err := process.New(process.Config{
		Workers: 2, Listener: ln, Address: addr, Delegate: master.ID, Logger: s.logger, Observer: observer,
		MetricsRateLimit: process.RateLimit{Permits: -1},
	})
	if err != nil {
		ln.Close()
		return "", fmt.Errorf("master: %w", err)
	}
	attach(rt)
	rt.Clock().Pause()
	mcfg := master.Config{
		ID: masterID, AllocationInterval: interval, OfferTimeout: offerTimeout, HeartbeatInterval: heartbeat, Logger: s.logger,
		Allocator: allocatorConfig(),
	}
	var workDirs []string
	if realAgents {
		// The reliability tour's master keeps its registry under --work_dir, so that a
		// restarted master knows its agents (Master::recover).
		dir, err := os.MkdirTemp("", "walk-reliability-")
		if err != nil {
			_ = rt.Stop(context.Background())
			return "", fmt.Errorf("master: %w", err)
		}
		s.replace(dir, "$WORK")
		workDirs = append(workDirs, dir)
		mcfg.WorkDir = filepath.Join(dir, "master")
	}
	m, err := master.New(rt, mcfg)
	if err != nil {
		_ = rt.Stop(context.Background())
		for _, d := range workDirs {
			os.RemoveAll(d)
		}
		return "", fmt.Errorf("master: %w", err)
	}
	rt.Settle()
	rt.Clock().Advance(worldOffset)
	rt.Settle()
	tr := &http.Transport{DisableCompression: true}
	s.offers = &offersEnv{
		rt: rt, m: m, base: "http://" + ln.Addr().String(), transport: tr,
		client: &http.Client{Transport: tr, Timeout: syncTimeout}, stream: &http.Client{Transport: tr},
		agents: map[string]*fakeAgent{}, frameworks: map[string]*framework{},
		mcfg: mcfg, workDirs: workDirs,
	}
	s.setClock(rt)
	timeout := "none (offers never time out)"
	if offerTimeout > 0 {
		timeout = offerTimeout.String()
	}
	out := fmt.Sprintf("master %s at %s: --allocation_interval=%s --offer_timeout=%s", masterID, m.Self(), interval, timeout)
	if heartbeat > 0 {
		out += " (scheduler heartbeats every " + heartbeat.String() + ")"
	}
	return out, nil
}

func (s *Session) offersEnv(cmd string) (*offersEnv, error) {
	if s.offers == nil {
		return nil, fmt.Errorf("%s: no master yet (run \"master\" first)", cmd)
	}
	return s.offers, nil
}

// get GETs a path from the master over HTTP.
func (e *offersEnv) get(path string) ([]byte, error) {
	resp, err := e.client.Get(e.base + path)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", path, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

// state GETs /master/state and decodes it with the inspector.
func (e *offersEnv) state() (*inspector.State, error) {
	b, err := e.get("/master/state")
	if err != nil {
		return nil, err
	}
	return inspector.DecodeState(b)
}

// agentCmd: agent NAME RESOURCES [attributes=ATTRS] — a fake agent registers
// (Master::registerSlave) with NAME as its hostname.
func (s *Session) agentCmd(c *Command) (string, error) {
	e, err := s.offersEnv("agent")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 2 {
		return "", errors.New("agent: want \"agent NAME RESOURCES [attributes=ATTRS]\"")
	}
	name := words[0]
	if e.agents[name] != nil {
		return "", fmt.Errorf("agent %s: already registered", name)
	}
	rs, err := resources.Parse(words[1], resources.DefaultRole)
	if err != nil {
		return "", fmt.Errorf("agent %s: %w", name, err)
	}
	var attrs []mesos.Attribute
	if v, ok := stringArg(c, "attributes"); ok {
		if attrs, err = agent.ParseAttributes(v); err != nil {
			return "", fmt.Errorf("agent %s: %w", name, err)
		}
	}
	a := newFakeAgent(name, rs, attrs)
	if _, err := e.rt.Spawn(e.rt.GenerateID("slave"), a); err != nil {
		return "", fmt.Errorf("agent %s: %w", name, err)
	}
	process.Do(e.rt, a.Self(), "register", func() { a.register(e.m.Self()) })
	e.rt.Settle()
	id := a.agentID()
	if id == "" {
		return "", fmt.Errorf("agent %s: the master did not register it", name)
	}
	e.agents[name] = a
	st, err := e.state()
	if err != nil {
		return "", err
	}
	var out []string
	for _, ag := range st.Agents {
		if ag.ID == id {
			out = append(out, inspector.DescribeAgent(ag))
		}
	}
	events, err := e.allEvents(s)
	if err != nil {
		return "", err
	}
	return strings.Join(append(out, events...), "\n"), nil
}

// subscribeCmd: subscribe NAME [role=R] [checkpoint=true] — a framework SUBSCRIBEs over HTTP
// (Master::subscribe, then the allocator's addFramework).
func (s *Session) subscribeCmd(c *Command) (string, error) {
	e, err := s.offersEnv("subscribe")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("subscribe: want \"subscribe NAME [role=ROLE]\"")
	}
	name := words[0]
	if e.frameworks[name] != nil {
		return "", fmt.Errorf("subscribe %s: already subscribed", name)
	}
	info := mesos.FrameworkInfo{User: "walkthrough", Name: name}
	if ck, err := boolArg(c, "checkpoint", false); err != nil {
		return "", err
	} else if ck {
		// A checkpointing framework's tasks survive an agent restart; its tasks run
		// as the user the tour runs as.
		info.Checkpoint = true
		if u, err := user.Current(); err == nil {
			info.User = u.Username
		}
	}
	if role, ok := stringArg(c, "role"); ok {
		info.Roles = []string{role}
		info.Capabilities = []mesos.FrameworkCapability{{Type: mesos.FrameworkMultiRole}}
	}
	f, err := subscribe(e.stream, e.client, e.base, info)
	if err != nil {
		return "", err
	}
	e.frameworks[name] = f
	e.fwOrder = append(e.fwOrder, name)
	e.rt.Settle()
	out, err := e.allEvents(s)
	if err != nil {
		return "", err
	}
	return strings.Join(append([]string{"POST /api/v1/scheduler SUBSCRIBE → 200 OK (a RecordIO stream of events)"}, out...), "\n"), nil
}

// framework returns the framework named by fw=NAME, or the first one.
func (e *offersEnv) framework(c *Command) (*framework, error) {
	name, ok := stringArg(c, "fw")
	if !ok {
		if len(e.fwOrder) == 0 {
			return nil, fmt.Errorf("%s: no framework yet (run \"subscribe\" first)", c.Name)
		}
		name = e.fwOrder[0]
	}
	f := e.frameworks[name]
	if f == nil {
		return nil, fmt.Errorf("%s: no framework %q", c.Name, name)
	}
	return f, nil
}

// callCmd: decline [OFFER...] [refuse=D] | revive [ROLE...] | suppress [ROLE...]
// [fw=NAME] — a scheduler call over HTTP (Master::decline, revive, suppress).
func (s *Session) callCmd(c *Command) (string, error) {
	e, err := s.offersEnv(c.Name)
	if err != nil {
		return "", err
	}
	f, err := e.framework(c)
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	var call *scheduler.Call
	switch c.Name {
	case "decline":
		ids := words
		if len(ids) == 0 {
			ids = f.offerIDs()
		}
		if len(ids) == 0 {
			return "", errors.New("decline: the framework holds no offer")
		}
		d := &scheduler.Decline{}
		for _, id := range ids {
			d.OfferIDs = append(d.OfferIDs, mesos.OfferID{Value: id})
			delete(f.offers, id)
		}
		if v, ok := stringArg(c, "refuse"); ok {
			dur, err := time.ParseDuration(v)
			if err != nil {
				return "", fmt.Errorf("decline: refuse=%q: want a duration such as 10s", v)
			}
			secs := dur.Seconds()
			d.Filters = &mesos.Filters{RefuseSeconds: &secs}
		}
		call = &scheduler.Call{Type: scheduler.CallDecline, Decline: d}
	case "revive":
		call = &scheduler.Call{Type: scheduler.CallRevive, Revive: &scheduler.Revive{Roles: words}}
	case "suppress":
		call = &scheduler.Call{Type: scheduler.CallSuppress, Suppress: &scheduler.Suppress{Roles: words}}
	default:
		return "", fmt.Errorf("unknown call %q", c.Name)
	}
	status, err := f.call(call)
	if err != nil {
		return "", err
	}
	e.rt.Settle()
	head := fmt.Sprintf("POST /api/v1/scheduler %s → %s", call.Type, status)
	out, err := e.allEvents(s)
	if err != nil {
		return "", err
	}
	return strings.Join(append([]string{head}, out...), "\n"), nil
}

// allEvents reads every framework's new events (up to a barrier each), rendered.
func (e *offersEnv) allEvents(s *Session) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	var out []string
	for _, name := range e.fwOrder {
		f := e.frameworks[name]
		evs, err := f.events(ctx)
		if err != nil {
			return nil, err
		}
		at := s.clockText()
		if len(e.fwOrder) > 1 {
			at += " " + name
		}
		out = append(out, describeEvents(at, evs)...)
	}
	return out, nil
}

// newEvents is allEvents for one step of "advance".
func (e *offersEnv) newEvents(s *Session) ([]string, error) { return e.allEvents(s) }

// offersCmd: offers — the outstanding offers in /master/state, rendered by
// inspector.DescribeOffer.
func (s *Session) offersCmd(c *Command) (string, error) {
	e, err := s.offersEnv("offers")
	if err != nil {
		return "", err
	}
	st, err := e.state()
	if err != nil {
		return "", err
	}
	if len(st.Offers) == 0 {
		return "/master/state: no outstanding offers", nil
	}
	out := []string{fmt.Sprintf("/master/state: %d outstanding offers", len(st.Offers))}
	for _, o := range st.Offers {
		out = append(out, inspector.DescribeOffer(o))
	}
	return strings.Join(out, "\n"), nil
}

// frameworkCmd: framework [fw=NAME] — the framework in /master/state, rendered by
// inspector.DescribeFramework.
func (s *Session) frameworkCmd(c *Command) (string, error) {
	e, err := s.offersEnv("framework")
	if err != nil {
		return "", err
	}
	f, err := e.framework(c)
	if err != nil {
		return "", err
	}
	st, err := e.state()
	if err != nil {
		return "", err
	}
	for _, fw := range st.Frameworks {
		if fw.ID == f.id {
			return inspector.DescribeFramework(fw), nil
		}
	}
	return "", fmt.Errorf("framework: %s (%s) is not in /master/state", f.name, f.id)
}

// cycleCmd: cycle — the allocator's last recorded cycle, from
// /mesoscope/v1/allocator?format=text (allocator.Describe).
func (s *Session) cycleCmd(c *Command) (string, error) {
	e, err := s.offersEnv("cycle")
	if err != nil {
		return "", err
	}
	b, err := e.get("/mesoscope/v1/allocator?format=text&limit=1")
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\n"), nil
}

// explainCmd: explain [fw=NAME] — what every agent would give the framework now and
// why, from /mesoscope/v1/allocator?framework_id=...&format=text
// (allocator.DescribeExplanation).
func (s *Session) explainCmd(c *Command) (string, error) {
	e, err := s.offersEnv("explain")
	if err != nil {
		return "", err
	}
	f, err := e.framework(c)
	if err != nil {
		return "", err
	}
	b, err := e.get("/mesoscope/v1/allocator?format=text&framework_id=" + url.QueryEscape(f.id))
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\n"), nil
}

// metricsCmd: metrics PREFIX... — /metrics/snapshot, filtered, rendered by
// inspector.DescribeMetrics.
func (s *Session) metricsCmd(c *Command) (string, error) {
	e, err := s.offersEnv("metrics")
	if err != nil {
		return "", err
	}
	prefixes := bareArgs(c)
	if len(prefixes) == 0 {
		return "", errors.New("metrics: want one or more metric name prefixes")
	}
	b, err := e.get("/metrics/snapshot")
	if err != nil {
		return "", err
	}
	all, err := inspector.DecodeMetrics(b)
	if err != nil {
		return "", err
	}
	keep := inspector.Metrics{}
	for k, v := range all {
		if slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
			keep[k] = v
		}
	}
	return inspector.DescribeMetrics(keep), nil
}

func (e *offersEnv) close(ctx context.Context) error {
	var errs []error
	if e.real != nil && !e.real.crashed {
		// Stop kills the tasks; their processes end on their own time.
		e.rt.Clock().Resume()
		errs = append(errs, e.real.a.Stop(ctx, true))
	} else if e.real != nil && e.real.a != nil {
		e.rt.Clock().Resume()
	}
	for _, f := range e.frameworks {
		f.close()
	}
	errs = append(errs, e.rt.Stop(ctx))
	e.transport.CloseIdleConnections()
	for _, d := range e.workDirs {
		errs = append(errs, os.RemoveAll(d))
	}
	return errors.Join(errs...)
}
