package walkthroughs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/inspector"
)

// realAgent is the reliability tour's agent: an embedded/agent (not a fake one) on the
// master's runtime, running real processes through its containerizer in a temporary
// work_dir shown as $WORK, so that it can crash and a new agent can recover its tasks
// from meta/ (Slave::recover).
type realAgent struct {
	name     string
	cfg      agent.Config
	a        *agent.Agent
	restarts int
	crashed  bool
}

// agentWait bounds how long a command waits, in real time, for what the agent's
// processes do on their own (an executor's update, a recovery on the containerizer's
// goroutines).
const agentWait = 20 * time.Second

// mesosAgentCmd: mesos-agent NAME RESOURCES — an embedded agent (agent.New) with its
// own work_dir registers with the master (Slave::initialize, Slave::recover with
// nothing to recover, then Slave::registerSlave after the detection backoff).
func (s *Session) mesosAgentCmd(c *Command) (string, error) {
	e, err := s.offersEnv("mesos-agent")
	if err != nil {
		return "", err
	}
	if e.real != nil {
		return "", errors.New("mesos-agent: already started (the tour has one agent)")
	}
	words := bareArgs(c)
	if len(words) != 2 {
		return "", errors.New("mesos-agent: want \"mesos-agent NAME RESOURCES\"")
	}
	if _, err := resources.Parse(words[1], resources.DefaultRole); err != nil {
		return "", fmt.Errorf("mesos-agent %s: %w", words[0], err)
	}
	if len(e.workDirs) == 0 {
		return "", errors.New("mesos-agent: the master must be started with real_agents=true")
	}
	dir := e.workDirs[0]
	ra := &realAgent{name: words[0], cfg: agent.Config{
		Master:    e.m.Self(),
		WorkDir:   filepath.Join(dir, "agent"),
		Resources: words[1],
		Hostname:  words[0],
		ID:        "slave(1)",
		Seed:      1,
		Logger:    s.logger,
		Containerizer: containerizer.Config{
			Isolation: []string{"posix/cpu", "posix/mem"},
			Shim:      s.shim,
		},
	}}
	e.real = ra
	if err := e.startAgent(ra.cfg); err != nil {
		return "", fmt.Errorf("mesos-agent %s: %w", ra.name, err)
	}
	// The master shows the agent as hostname:port, the port of its PID (the runtime's
	// random one): shown as 5051, mesos-agent's default.
	port := strconv.Itoa(int(ra.a.Self().Address.Port()))
	s.replace(ra.name+":"+port, ra.name+":5051")
	return e.agentReport(s, false)
}

// startAgent creates an agent with cfg, waits (in real time) until its recovery is
// over and then moves the clock in 100 ms steps until it is registered.
func (e *offersEnv) startAgent(cfg agent.Config) error {
	a, err := agent.New(e.rt, cfg)
	if err != nil {
		return err
	}
	e.real.a = a
	e.real.crashed = false
	e.rt.Settle()
	ctx, cancel := context.WithTimeout(context.Background(), agentWait)
	defer cancel()
	for {
		snap, err := a.Snapshot(ctx)
		if err != nil {
			return err
		}
		if snap.State != agent.StateRecovering {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("still recovering after %v", agentWait)
		case <-time.After(5 * time.Millisecond):
		}
		e.rt.Settle()
	}
	for range 200 {
		snap, err := a.Snapshot(ctx)
		if err != nil {
			return err
		}
		if snap.State == agent.StateRunning {
			return nil
		}
		e.rt.Clock().Advance(100 * time.Millisecond)
		e.rt.Settle()
	}
	return errors.New("did not register within 20s of the clock")
}

// agentReport renders the agent as it sees itself (agent.Snapshot), the master's view
// of it, and the framework's new events.
func (e *offersEnv) agentReport(s *Session, quiet bool) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	snap, err := e.real.a.Snapshot(ctx)
	if err != nil {
		return "", err
	}
	out := []string{fmt.Sprintf("agent %s %s (%s) state %s, clock %s", snap.PID, snap.AgentID, snap.Hostname, snap.State, s.clockText())}
	for _, t := range snap.Tasks {
		out = append(out, fmt.Sprintf("  task %s %s", t.TaskID.Value, t.State))
	}
	if snap.PendingUpdates > 0 {
		out = append(out, fmt.Sprintf("  %d status updates not yet acknowledged", snap.PendingUpdates))
	}
	st, err := e.state()
	if err != nil {
		return "", err
	}
	for _, ag := range st.Agents {
		if ag.ID == snap.AgentID {
			out = append(out, "master:", indent(describeAgentShort(ag)))
		}
	}
	events, err := e.allEvents(s)
	if err != nil {
		return "", err
	}
	if quiet && len(events) == 0 {
		events = append(events, "framework: no new event")
	}
	return strings.Join(append(out, events...), "\n"), nil
}

// launchTaskCmd: launch-task TASK RESOURCES COMMAND... — the framework ACCEPTs its offer with a
// LAUNCH of a command task (Master::accept, then RunTaskMessage to the agent), with a
// filter of an hour on what is left so that no other offer comes. "gated" as the
// command runs a shell that waits for "open-gate TASK".
func (s *Session) launchTaskCmd(c *Command) (string, error) {
	e, err := s.offersEnv("launch")
	if err != nil {
		return "", err
	}
	f, err := e.framework(c)
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) < 3 {
		return "", errors.New("launch: want \"launch TASK RESOURCES COMMAND...\"")
	}
	id, res := words[0], words[1]
	cmd := strings.Join(words[2:], " ")
	if cmd == "gated" {
		cmd = "while [ ! -e " + e.gate(id) + " ]; do sleep 0.02; done; exit 0"
	}
	rs, err := resources.Parse(res, resources.DefaultRole)
	if err != nil {
		return "", fmt.Errorf("launch %s: %w", id, err)
	}
	ids := f.offerIDs()
	if len(ids) == 0 {
		return "", errors.New("launch: the framework holds no offer")
	}
	offer := f.offers[ids[0]]
	task := mesos.TaskInfo{
		Name: id, TaskID: mesos.TaskID{Value: id}, AgentID: mesos.AgentID{Value: offer.AgentID},
		Resources: mesos.ResourcesOf(rs), Command: mesos.ShellCommand(cmd),
	}
	refuse := time.Hour.Seconds()
	call := &scheduler.Call{Type: scheduler.CallAccept, Accept: &scheduler.Accept{
		OfferIDs:   []mesos.OfferID{{Value: offer.ID}},
		Operations: []mesos.OfferOperation{{Type: mesos.OperationLaunch, Launch: &mesos.LaunchOperation{TaskInfos: []mesos.TaskInfo{task}}}},
		Filters:    &mesos.Filters{RefuseSeconds: &refuse},
	}}
	delete(f.offers, offer.ID)
	status, err := f.call(call)
	if err != nil {
		return "", err
	}
	e.rt.Settle()
	return fmt.Sprintf("POST /api/v1/scheduler ACCEPT (LAUNCH %s on %s, refuse_seconds=3600) → %s", id, offer.ID, status), nil
}

// gate is the file a gated task waits for.
func (e *offersEnv) gate(task string) string {
	return filepath.Join(e.workDirs[0], "gate-"+task)
}

// openGateCmd: open-gate TASK — lets a gated task's shell exit 0.
func (s *Session) openGateCmd(c *Command) (string, error) {
	e, err := s.offersEnv("open-gate")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 || len(e.workDirs) == 0 {
		return "", errors.New("open-gate: want \"open-gate TASK\" after mesos-agent")
	}
	if err := os.WriteFile(e.gate(words[0]), nil, 0o644); err != nil {
		return "", fmt.Errorf("open-gate: %w", err)
	}
	return fmt.Sprintf("created %s: the task's shell exits 0", e.gate(words[0])), nil
}

// waitUpdateCmd: wait-update TASK STATE — waits, in real time and bounded, for the
// framework's UPDATE of TASK to STATE (what the executor does on its own time), with
// the paused clock standing still, and shows every event read until then.
func (s *Session) waitUpdateCmd(c *Command) (string, error) {
	e, err := s.offersEnv("wait-update")
	if err != nil {
		return "", err
	}
	f, err := e.framework(c)
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 2 {
		return "", errors.New("wait-update: want \"wait-update TASK STATE\"")
	}
	task, state := words[0], words[1]
	ctx, cancel := context.WithTimeout(context.Background(), agentWait)
	defer cancel()
	var out []string
	for {
		e.rt.Settle()
		evs, err := f.events(ctx)
		if err != nil {
			return "", err
		}
		out = append(out, describeEvents(s.clockText(), evs)...)
		for _, ev := range evs {
			if ev.Type == "UPDATE" && ev.Status != nil && ev.Status.TaskID == task && ev.Status.State == state {
				return strings.Join(out, "\n"), nil
			}
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("wait-update: no %s for %s within %v; got:\n%s", state, task, agentWait, strings.Join(out, "\n"))
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// acknowledgeCmd: acknowledge TASK — the framework ACKNOWLEDGEs the last update of
// TASK that asked for it (Master::acknowledge, then the agent's
// TaskStatusUpdateManagerProcess::acknowledgement). What the agent sends next is
// read by "wait-update", not here: it may still be on its way from the executor.
func (s *Session) acknowledgeCmd(c *Command) (string, error) {
	e, err := s.offersEnv("acknowledge")
	if err != nil {
		return "", err
	}
	f, err := e.framework(c)
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("acknowledge: want \"acknowledge TASK\"")
	}
	st, ok := f.updates[words[0]]
	if !ok || st.AgentID == nil {
		return "", fmt.Errorf("acknowledge %s: no update to acknowledge", words[0])
	}
	delete(f.updates, words[0])
	call := &scheduler.Call{Type: scheduler.CallAcknowledge, Acknowledge: &scheduler.Acknowledge{
		AgentID: *st.AgentID, TaskID: st.TaskID, UUID: st.UUID,
	}}
	status, err := f.call(call)
	if err != nil {
		return "", err
	}
	e.rt.Settle()
	return fmt.Sprintf("POST /api/v1/scheduler ACKNOWLEDGE %s %s → %s", st.TaskID.Value, st.State, status), nil
}

// crashAgentCmd: crash-agent — the agent dies as under SIGKILL (agent.Crash): its
// process is gone, its containers and its checkpoints under meta/ are left as they
// are. The master sees its link break (Master::exited) and marks it disconnected.
func (s *Session) crashAgentCmd(c *Command) (string, error) {
	e, err := s.offersEnv("crash-agent")
	if err != nil {
		return "", err
	}
	if e.real == nil || e.real.crashed {
		return "", errors.New("crash-agent: no running agent")
	}
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	if err := e.real.a.Crash(ctx); err != nil {
		return "", err
	}
	e.real.crashed = true
	e.rt.Settle()
	st, err := e.state()
	if err != nil {
		return "", err
	}
	out := []string{fmt.Sprintf("agent %s crashed at %s; its task's process runs on", e.real.a.Self(), s.clockText())}
	for _, ag := range st.Agents {
		out = append(out, "master:", indent(describeAgentShort(ag)))
	}
	for _, t := range st.Tasks {
		out = append(out, fmt.Sprintf("master: task %s %s", t.ID, t.State))
	}
	events, err := e.allEvents(s)
	if err != nil {
		return "", err
	}
	return strings.Join(append(out, events...), "\n"), nil
}

// restartAgentCmd: restart-agent — a new agent on the crashed agent's work_dir and
// PID (agent.New with Config.ID) recovers: the checkpoints give back its agent ID,
// the framework, the executor and the task (state::recover), the containerizer
// re-attaches the live process (MesosContainerizerProcess::recover), and the agent
// re-registers with its tasks (Slave::reregisterSlave, Master::reregisterSlave).
func (s *Session) restartAgentCmd(c *Command) (string, error) {
	e, err := s.offersEnv("restart-agent")
	if err != nil {
		return "", err
	}
	if e.real == nil || !e.real.crashed {
		return "", errors.New("restart-agent: no crashed agent (run \"crash-agent\" first)")
	}
	e.real.restarts++
	cfg := e.real.cfg
	cfg.Seed += 100 * uint64(e.real.restarts)
	if err := e.startAgent(cfg); err != nil {
		return "", fmt.Errorf("restart-agent: %w", err)
	}
	return e.agentReport(s, true)
}

// metaCmd: meta — the checkpoints under the agent's meta/ directory, as paths
// relative to it with the agent, framework, executor and run ids shown by name.
func (s *Session) metaCmd(c *Command) (string, error) {
	e, err := s.offersEnv("meta")
	if err != nil {
		return "", err
	}
	if e.real == nil {
		return "", errors.New("meta: no agent (run \"mesos-agent\" first)")
	}
	root := filepath.Join(e.real.cfg.WorkDir, "meta")
	var out []string
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "latest" {
			return filepath.SkipDir
		}
		if d.Type()&os.ModeSymlink != 0 || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, "meta/"+rel)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("meta: %w", err)
	}
	return strings.Join(out, "\n"), nil
}

// indent indents every line of text by two spaces.
func indent(text string) string {
	return "  " + strings.ReplaceAll(text, "\n", "\n  ")
}

// describeAgentShort is the first line of inspector.DescribeAgent: id, hostname and
// whether the master counts the agent active.
func describeAgentShort(ag inspector.Agent) string {
	d := inspector.DescribeAgent(ag)
	if i := strings.IndexByte(d, '\n'); i >= 0 {
		d = d[:i]
	}
	return d
}

// waitAgentCmd: wait-agent TASK STATE — waits, in real time and bounded, until the
// agent has TASK in STATE (an update from the executor reached it), with the paused
// clock standing still, and shows the agent's tasks and pending updates. What the
// framework has received is not read: a held-back update shows here first.
func (s *Session) waitAgentCmd(c *Command) (string, error) {
	e, err := s.offersEnv("wait-agent")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 2 || e.real == nil || e.real.crashed {
		return "", errors.New("wait-agent: want \"wait-agent TASK STATE\" with a running agent")
	}
	ctx, cancel := context.WithTimeout(context.Background(), agentWait)
	defer cancel()
	for {
		e.rt.Settle()
		snap, err := e.real.a.Snapshot(ctx)
		if err != nil {
			return "", err
		}
		for _, t := range snap.Tasks {
			if t.TaskID.Value == words[0] && t.State.String() == words[1] {
				out := fmt.Sprintf("agent: task %s %s, %d status updates not yet acknowledged", words[0], words[1], snap.PendingUpdates)
				return out, nil
			}
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("wait-agent: %s not %s within %v", words[0], words[1], agentWait)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// restartMasterCmd: restart-master — the master fails over: its process terminates
// (Master::finalize closes every framework's stream and the registry; the agent sees
// its link break and starts re-registering) and a new master with a new id starts on
// the same --work_dir. Master::recover reads the registry: the agents it lists are
// "recovered", and the new master waits --agent_reregister_timeout for them
// (Master::initialize's recoveredSlavesTimeout).
func (s *Session) restartMasterCmd(c *Command) (string, error) {
	e, err := s.offersEnv("restart-master")
	if err != nil {
		return "", err
	}
	if e.mcfg.WorkDir == "" {
		return "", errors.New("restart-master: the master has no registry (start it with real_agents=true)")
	}
	old := e.m.Self()
	e.rt.Terminate(old, false)
	e.rt.Settle()
	if e.lost == nil {
		e.lost = map[string]*framework{}
	}
	for _, name := range e.fwOrder {
		f := e.frameworks[name]
		f.close()
		e.lost[name] = f
	}
	e.frameworks, e.fwOrder = map[string]*framework{}, nil
	e.masters++
	cfg := e.mcfg
	cfg.ID = fmt.Sprintf("%s%d", masterID, e.masters+1)
	m, err := newMaster(e, cfg)
	if err != nil {
		return "", fmt.Errorf("restart-master: %w", err)
	}
	e.m = m
	e.rt.Settle()
	out := []string{
		fmt.Sprintf("master %s terminated at %s; the framework's event stream ended", e.mcfg.ID, s.clockText()),
		fmt.Sprintf("master %s at %s: --work_dir=%s (registry.log)", cfg.ID, m.Self(), cfg.WorkDir),
	}
	agents, err := e.masterAgents()
	if err != nil {
		return "", err
	}
	return strings.Join(append(out, agents...), "\n"), nil
}

// newMaster starts a master on e's runtime.
func newMaster(e *offersEnv, cfg master.Config) (*master.Master, error) {
	return master.New(e.rt, cfg)
}

// masterAgents renders /master/slaves: the registered agents and the recovered ones
// (listed in the registry, not re-registered yet).
func (e *offersEnv) masterAgents() ([]string, error) {
	b, err := e.get("/master/slaves")
	if err != nil {
		return nil, err
	}
	var v struct {
		Slaves []struct {
			ID       string `json:"id"`
			Hostname string `json:"hostname"`
			Active   bool   `json:"active"`
		} `json:"slaves"`
		Recovered []struct {
			ID       string `json:"id"`
			Hostname string `json:"hostname"`
		} `json:"recovered_slaves"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("GET /master/slaves: %w", err)
	}
	var out []string
	for _, a := range v.Slaves {
		state := "active"
		if !a.Active {
			state = "inactive"
		}
		out = append(out, fmt.Sprintf("  slaves            %s (%s) %s", a.ID, a.Hostname, state))
	}
	for _, a := range v.Recovered {
		out = append(out, fmt.Sprintf("  recovered_slaves  %s (%s): in the registry, not re-registered yet", a.ID, a.Hostname))
	}
	if len(out) == 0 {
		out = append(out, "  no agents")
	}
	return append([]string{"GET /master/slaves"}, out...), nil
}

// masterAgentsCmd: master-agents — /master/slaves, as masterAgents renders it, and the
// framework's new events.
func (s *Session) masterAgentsCmd(c *Command) (string, error) {
	e, err := s.offersEnv("master-agents")
	if err != nil {
		return "", err
	}
	out, err := e.masterAgents()
	if err != nil {
		return "", err
	}
	events, err := e.allEvents(s)
	if err != nil {
		return "", err
	}
	return strings.Join(append(out, events...), "\n"), nil
}

// resubscribeCmd: resubscribe NAME — the framework whose master went away SUBSCRIBEs
// to the new one with its framework id (a framework failover, Master::subscribe).
func (s *Session) resubscribeCmd(c *Command) (string, error) {
	e, err := s.offersEnv("resubscribe")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 || e.lost[words[0]] == nil {
		return "", errors.New("resubscribe: want \"resubscribe NAME\" for a framework whose master went away")
	}
	old := e.lost[words[0]]
	info := old.info
	info.ID = &mesos.FrameworkID{Value: old.id}
	f, err := subscribe(e.stream, e.client, e.base, info)
	if err != nil {
		return "", err
	}
	f.id = old.id
	f.barrierAgent = barrierPrefix + "agent"
	delete(e.lost, words[0])
	e.frameworks[f.name] = f
	e.fwOrder = append(e.fwOrder, f.name)
	e.rt.Settle()
	out, err := e.allEvents(s)
	if err != nil {
		return "", err
	}
	return strings.Join(append([]string{"POST /api/v1/scheduler SUBSCRIBE (framework_id " + old.id + ") → 200 OK"}, out...), "\n"), nil
}

// reconcileCmd: reconcile TASK [agent=ID] — an explicit RECONCILE of one task
// (Master::reconcile); its answer, if the master gives one, is an UPDATE with
// REASON_RECONCILIATION and no uuid.
func (s *Session) reconcileCmd(c *Command) (string, error) {
	e, err := s.offersEnv("reconcile")
	if err != nil {
		return "", err
	}
	f, err := e.framework(c)
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("reconcile: want \"reconcile TASK [agent=ID]\"")
	}
	rt := scheduler.ReconcileTask{TaskID: mesos.TaskID{Value: words[0]}}
	if id, ok := stringArg(c, "agent"); ok {
		rt.AgentID = &mesos.AgentID{Value: id}
	}
	status, err := f.call(&scheduler.Call{Type: scheduler.CallReconcile, Reconcile: &scheduler.Reconcile{Tasks: []scheduler.ReconcileTask{rt}}})
	if err != nil {
		return "", err
	}
	e.rt.Settle()
	out := []string{fmt.Sprintf("POST /api/v1/scheduler RECONCILE %s → %s", words[0], status)}
	events, err := e.allEvents(s)
	if err != nil {
		return "", err
	}
	if len(events) == 0 {
		events = append(events, "no answer")
	}
	return strings.Join(append(out, events...), "\n"), nil
}
