package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/internal/netns"
)

// partitionRanMarker starts the line TestPartitionHeal logs when it has run
// its cycles (not skipped); CI greps it to prove the test ran.
const partitionRanMarker = "PARTITION-TEST-RAN"

// The master's health checks are fast, so a partition is noticed in
// about six seconds (--agent_ping_timeout × --max_agent_ping_timeouts);
// the agent notices the silence after the whole seconds of that total
// (Slave::registered truncates total_ping_timeout_seconds) and retries its
// reregistration with backoff from --registration_backoff_factor. Shorter
// timeouts make a loaded machine (go test -race ./... on two cores) miss
// pings of agents that are not partitioned, which then reregister and
// resend their unacknowledged updates, as Mesos's would.
const (
	partitionPingTimeout     = "2secs"
	partitionMaxPingTimeouts = "3"
	partitionBackoffFactor   = "100ms"
	partitionInstances       = 4
	partitionBudget          = 90 * time.Second
)

// TestPartitionHeal runs a master and two agents as `mesoscope master` and
// `mesoscope agent` processes, each in a network namespace of its own, with
// two frameworks in this process reaching the master through the master's
// namespace: a partition-aware v1 framework with one task per agent, and
// the Marathon-like scheduler with an app of four instances placed with
// hostname:GROUP_BY (usually two per agent at first). Each cycle cuts the
// agent holding most of the app's instances off the master and heals the
// link, and checks what Mesos 1.11 does (src/tests/partition_tests.cpp
// ReregisterSlavePartitionAware and ReregisterSlaveNotPartitionAware):
//
//   - the master marks the agent unreachable after its health checks
//     fail: the partition-aware framework gets TASK_UNREACHABLE
//     (REASON_SLAVE_REMOVED), Marathon, which is not partition-aware
//     (embedded/marathon's doc), gets TASK_LOST and launches replacements
//     on the other agent;
//   - after the heal the agent reregisters with its tasks still running;
//     the master re-adds them and tells both frameworks TASK_RUNNING
//     (REASON_SLAVE_REREGISTERED, Master::__reregisterSlave); Marathon
//     kills the tasks it no longer knows, so the app is back at its
//     instance count;
//   - every status update with a uuid reached each framework exactly
//     once, and each framework's last word on every task is the master's.
//
// It measures the time from the heal to the master's accepting the
// reregistration, and logs the median with partitionRanMarker. Needs root
// and iproute2; skipped otherwise, and in -short mode. Cycles: 3, or
// MESOSCOPE_PARTITION_CYCLES.
func TestPartitionHeal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a cluster of processes in network namespaces")
	}
	ctx := context.Background()
	if err := netns.Available(ctx); err != nil {
		if os.Getenv("MESOSCOPE_REQUIRE_NETNS") == "1" {
			t.Fatalf("partition test cannot run and MESOSCOPE_REQUIRE_NETNS=1 (CI): %v", err)
		}
		t.Skipf("partition test skipped: %v", err)
	}
	cycles := 3
	if v := os.Getenv("MESOSCOPE_PARTITION_CYCLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("MESOSCOPE_PARTITION_CYCLES=%q: want a positive number", v)
		}
		cycles = n
	}
	begin := time.Now()
	e := startPartitionEnv(t, begin.Add(partitionBudget+time.Duration(cycles-3)*25*time.Second))
	var rereg []time.Duration
	for i := range cycles {
		// The agent that holds the app's instances is cut off; after a
		// cycle they all run on the other one.
		d := e.cycle(i+1, e.busiestAgent())
		rereg = append(rereg, d)
		if t.Failed() {
			return
		}
	}
	e.checkFrameworksAgreeWithMaster()
	sorted := slices.Clone(rereg)
	slices.Sort(sorted)
	t.Logf("%s: %d partition cycles in %v; reregistration after heal: median %v (each: %v); --agent_ping_timeout=%s --max_agent_ping_timeouts=%s --registration_backoff_factor=%s",
		partitionRanMarker, cycles, time.Since(begin).Round(time.Millisecond), sorted[len(sorted)/2].Round(time.Millisecond),
		roundAll(rereg), partitionPingTimeout, partitionMaxPingTimeouts, partitionBackoffFactor)
}

func roundAll(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}

// partitionEnv is the running cluster of TestPartitionHeal.
type partitionEnv struct {
	t        *testing.T
	ctx      context.Context
	deadline time.Time
	star     *netns.Star
	client   *http.Client // dials in the master's namespace
	master   string
	hosts    []string // agent hostnames, by leaf
	ids      []string // agent ids, by leaf
	pa       *paFramework
	mar      *marathon.Marathon
	marLog   *updateLog
}

const partitionAppID = "/partition"

func startPartitionEnv(t *testing.T, deadline time.Time) *partitionEnv {
	t.Helper()
	ctx := context.Background()
	if stale, err := netns.Sweep(ctx); err != nil {
		t.Logf("sweeping stale namespaces: %v", err)
	} else if len(stale) > 0 {
		t.Logf("deleted stale namespaces of dead test processes: %v", stale)
	}
	prefix := netns.Prefix(os.Getpid())
	star, err := netns.NewStar(ctx, prefix+"master", prefix+"agent1", prefix+"agent2")
	if err != nil {
		t.Fatal(err)
	}
	// Registered first, so it runs last: after the processes inside and
	// the frameworks' connections are gone.
	t.Cleanup(func() {
		if err := star.Close(context.Background()); err != nil {
			t.Errorf("delete namespaces: %v", err)
		}
	})
	dir := t.TempDir()
	masterAddr := netip.AddrPortFrom(netns.HubAddr(), 5050).String()
	startChild(t, star.Hub, dir, "master", "master", "--ip", netns.HubAddr().String(), "--port", "5050",
		"--agent_ping_timeout", partitionPingTimeout, "--max_agent_ping_timeouts", partitionMaxPingTimeouts,
		"--allocation_interval", "100ms", "--trace_exporter", "none")
	e := &partitionEnv{t: t, ctx: ctx, deadline: deadline, star: star, master: "http://" + masterAddr, marLog: &updateLog{}}
	for i, leaf := range star.Leaves {
		host := "agent-" + strconv.Itoa(i+1)
		e.hosts = append(e.hosts, host)
		work := dir + "/" + host
		if err := os.MkdirAll(work, 0o755); err != nil {
			t.Fatal(err)
		}
		startChild(t, leaf, dir, host, "agent", "--master", masterAddr, "--ip", netns.LeafAddr(i).String(), "--port", "5051",
			"--work_dir", work, "--hostname", host, "--resources", "cpus:2;mem:1024;disk:1024;ports:[31000-31099]",
			"--registration_backoff_factor", partitionBackoffFactor, "--trace_exporter", "none")
	}
	tr := &http.Transport{DialContext: star.Hub.DialContext, MaxIdleConnsPerHost: 8}
	t.Cleanup(tr.CloseIdleConnections)
	e.client = &http.Client{Transport: tr}
	e.ids = make([]string, len(e.hosts))
	e.poll(60*time.Second, "both agents registered", func(s *masterState) (bool, string) {
		for i, h := range e.hosts {
			e.ids[i] = s.agentID(h)
		}
		return !slices.Contains(e.ids, ""), fmt.Sprintf("agents %v", s.Slaves)
	})

	// The partition-aware framework: one task per agent.
	e.pa = startPAFramework(t, e.master, e.client)
	// Marathon, its stream tapped to see what it receives.
	m, err := marathon.New(marathon.Config{
		Master: e.master, HTTPClient: &http.Client{Transport: &tapTransport{base: tr, log: e.marLog}},
		MinReviveOffersInterval: 100 * time.Millisecond, DeclineOfferDuration: 2 * time.Second, Seed: 11,
		// One instance per offer, so that GROUP_BY sees the first
		// instances placed before it places more.
		MaxInstancesPerOffer: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := m.Stop(ctx); err != nil {
			t.Errorf("stop marathon: %v", err)
		}
	})
	e.mar = m
	if _, err := m.Deploy(ctx, &marathon.App{ID: partitionAppID, Cmd: "sleep 3600", CPUs: 0.1, Mem: 16, Instances: partitionInstances,
		Constraints: []marathon.Constraint{marathon.MustParseConstraint("hostname", "GROUP_BY")}}); err != nil {
		t.Fatal(err)
	}
	var perAgent map[string]int
	e.poll(60*time.Second, "the frameworks' tasks running", func(s *masterState) (bool, string) {
		running := e.marathonRunning()
		perAgent = map[string]int{}
		for _, tk := range running {
			perAgent[tk.Host]++
		}
		pa := e.pa.tasks()
		ok := len(running) == partitionInstances && len(pa) == 2
		for _, id := range pa {
			ok = ok && e.pa.log.last(id) == mesos.TaskRunning
		}
		return ok, fmt.Sprintf("marathon running per agent %v, partition-aware tasks %v", perAgent, pa)
	})
	t.Logf("running: app %s's instances per agent %v, a partition-aware task on each", partitionAppID, perAgent)
	return e
}

// cycle partitions agent victim, waits for the frameworks to see it, heals,
// and returns the time from the heal to the reregistration.
func (e *partitionEnv) cycle(n, victim int) time.Duration {
	t := e.t
	vid, other := e.ids[victim], e.ids[1-victim]
	var stale []string
	for _, tk := range e.marathonRunning() {
		if tk.SlaveID == vid {
			stale = append(stale, tk.ID)
		}
	}
	paTask := e.pa.tasks()[vid]
	if len(stale) == 0 || paTask == "" {
		t.Fatalf("cycle %d: no tasks on %s to partition (marathon %v, partition-aware %q)", n, e.hosts[victim], stale, paTask)
	}
	start := time.Now()
	if err := e.star.Partition(e.ctx, victim); err != nil {
		t.Fatal(err)
	}
	t.Logf("cycle %d: partitioned %s (%s) with marathon tasks %v and partition-aware task %s", n, e.hosts[victim], vid, stale, paTask)

	// Unreachable: TASK_UNREACHABLE to the partition-aware framework,
	// TASK_LOST to Marathon.
	e.waitUpdates(20*time.Second, "TASK_UNREACHABLE to the partition-aware framework", &e.pa.log, start, []string{paTask},
		mesos.TaskUnreachable, mesos.ReasonAgentRemoved)
	e.waitUpdates(20*time.Second, "TASK_LOST to Marathon", e.marLog, start, stale, mesos.TaskLost, mesos.ReasonAgentRemoved)
	t.Logf("cycle %d: %s unreachable after %v", n, e.hosts[victim], time.Since(start).Round(time.Millisecond))
	e.poll(20*time.Second, "the master listing the agent unreachable", func(s *masterState) (bool, string) {
		return s.UnreachableSlaves == 1 && s.agentID(e.hosts[victim]) == "", fmt.Sprintf("unreachable_slaves=%v slaves=%v", s.UnreachableSlaves, s.Slaves)
	})
	// Marathon replaces the lost instances on the reachable agent.
	e.poll(30*time.Second, "Marathon's replacements running on the other agent", func(*masterState) (bool, string) {
		running := e.marathonRunning()
		ok := len(running) == partitionInstances
		for _, tk := range running {
			ok = ok && tk.SlaveID == other
		}
		return ok, fmt.Sprintf("running %v", running)
	})

	healed := time.Now()
	if err := e.star.Heal(e.ctx, victim); err != nil {
		t.Fatal(err)
	}
	var rereg time.Duration
	e.pollEvery(10*time.Millisecond, 30*time.Second, "the agent reregistered", func(s *masterState) (bool, string) {
		rereg = time.Since(healed)
		return s.agentID(e.hosts[victim]) == vid && s.UnreachableSlaves == 0, fmt.Sprintf("unreachable_slaves=%v slaves=%v", s.UnreachableSlaves, s.Slaves)
	})
	t.Logf("cycle %d: %s reregistered %v after the heal", n, e.hosts[victim], rereg.Round(time.Millisecond))

	// The partition-aware task is running again, for the framework and the
	// master.
	e.waitUpdates(20*time.Second, "TASK_RUNNING again to the partition-aware framework", &e.pa.log, healed, []string{paTask},
		mesos.TaskRunning, mesos.ReasonAgentReregistered)
	// Marathon hears its lost tasks are running and kills them.
	e.waitUpdates(20*time.Second, "TASK_RUNNING again to Marathon", e.marLog, healed, stale, mesos.TaskRunning, mesos.ReasonAgentReregistered)
	e.waitUpdates(30*time.Second, "TASK_KILLED of the tasks Marathon replaced", e.marLog, healed, stale, mesos.TaskKilled, -1)
	e.poll(30*time.Second, "the app back at its instance count, for Marathon and the master", func(s *masterState) (bool, string) {
		running := e.marathonRunning()
		fw := s.framework(marathon.DefaultFrameworkName)
		pa := s.framework(paFrameworkName)
		if fw == nil || pa == nil {
			return false, "frameworks missing from /master/state"
		}
		live := nonTerminal(fw.Tasks)
		paLive := nonTerminal(pa.Tasks)
		ok := len(running) == partitionInstances && len(live) == partitionInstances && len(fw.UnreachableTasks) == 0 &&
			len(paLive) == 2 && len(pa.UnreachableTasks) == 0
		return ok, fmt.Sprintf("marathon running %d, master: marathon live tasks %v, unreachable %v; partition-aware live %v, unreachable %v",
			len(running), live, fw.UnreachableTasks, paLive, pa.UnreachableTasks)
	})
	// Exactly once: the cycle's updates of each task, in order.
	for _, id := range stale {
		e.checkSequence(e.marLog, id, start, []mesos.TaskState{mesos.TaskLost, mesos.TaskRunning, mesos.TaskKilled})
	}
	e.checkSequence(&e.pa.log, paTask, start, []mesos.TaskState{mesos.TaskUnreachable, mesos.TaskRunning})
	for name, l := range map[string]*updateLog{"marathon": e.marLog, "partition-aware": &e.pa.log} {
		if dups := l.duplicates(); len(dups) > 0 {
			t.Errorf("cycle %d: %s received updates more than once: %v", n, name, dups)
		}
	}
	return rereg
}

// checkSequence checks the states of the updates of task received since
// from. TASK_KILLING (a kill may report it) and the answers to
// reconciliation (Marathon reconciles after subscribing and periodically;
// the master answers with REASON_RECONCILIATION and no uuid) are left out.
func (e *partitionEnv) checkSequence(l *updateLog, task string, from time.Time, want []mesos.TaskState) {
	var got []mesos.TaskState
	for _, u := range l.since(from, task) {
		if u.state == mesos.TaskKilling || u.reason == mesos.ReasonReconciliation.String() {
			continue
		}
		got = append(got, u.state)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		e.t.Errorf("updates of %s since the partition = %v, want %v (-want +got):\n%s", task, got, want, diff)
	}
}

// checkFrameworksAgreeWithMaster compares, for each framework, the last
// state it received of every task with the master's: no update was lost.
func (e *partitionEnv) checkFrameworksAgreeWithMaster() {
	var s struct {
		Frameworks []struct {
			Name           string      `json:"name"`
			Tasks          []stateTask `json:"tasks"`
			CompletedTasks []stateTask `json:"completed_tasks"`
		} `json:"frameworks"`
	}
	if err := getJSON(e.ctx, e.client, e.master+"/master/state", &s); err != nil {
		e.t.Fatal(err)
	}
	logs := map[string]*updateLog{marathon.DefaultFrameworkName: e.marLog, paFrameworkName: &e.pa.log}
	for _, fw := range s.Frameworks {
		l := logs[fw.Name]
		if l == nil {
			continue
		}
		master, seen := map[string]string{}, map[string]string{}
		for _, tk := range append(fw.Tasks, fw.CompletedTasks...) {
			master[tk.ID] = tk.State
			seen[tk.ID] = l.last(tk.ID).String()
		}
		if diff := cmp.Diff(master, seen); diff != "" {
			e.t.Errorf("%s: the last update of each task differs from the master's state (-master +framework):\n%s", fw.Name, diff)
		}
	}
}

func nonTerminal(ts []stateTask) []string {
	var out []string
	for _, tk := range ts {
		var st mesos.TaskState
		if err := json.Unmarshal([]byte(strconv.Quote(tk.State)), &st); err == nil && !st.IsTerminal() {
			out = append(out, tk.ID)
		}
	}
	sort.Strings(out)
	return out
}

// waitUpdates waits until l has, since from, an update of every task in
// state (with reason, unless reason < 0).
func (e *partitionEnv) waitUpdates(timeout time.Duration, what string, l *updateLog, from time.Time, tasks []string, state mesos.TaskState, reason mesos.TaskStatusReason) {
	e.t.Helper()
	e.pollEvery(20*time.Millisecond, timeout, what, func(*masterState) (bool, string) {
		var missing []string
		for _, id := range tasks {
			found := false
			for _, u := range l.since(from, id) {
				if u.state == state && (reason < 0 || u.reason == reason.String()) {
					found = true
				}
			}
			if !found {
				missing = append(missing, id)
			}
		}
		var recent []string
		for _, u := range l.all() {
			if !u.at.Before(from) {
				recent = append(recent, u.String())
			}
		}
		return len(missing) == 0, fmt.Sprintf("no %s for %v; updates since: %v", state, missing, recent)
	})
}

func (e *partitionEnv) poll(timeout time.Duration, what string, cond func(*masterState) (bool, string)) {
	e.t.Helper()
	e.pollEvery(50*time.Millisecond, timeout, what, cond)
}

// pollEvery checks cond (with a fresh /master/state) every interval until
// it holds, failing the test after timeout or at the test's deadline.
func (e *partitionEnv) pollEvery(interval, timeout time.Duration, what string, cond func(*masterState) (bool, string)) {
	e.t.Helper()
	deadline := time.Now().Add(timeout)
	if e.deadline.Before(deadline) {
		deadline = e.deadline
	}
	var detail string
	for {
		var s masterState
		err := getJSON(e.ctx, e.client, e.master+"/master/state", &s)
		if err == nil {
			var ok bool
			if ok, detail = cond(&s); ok {
				return
			}
		} else {
			detail = err.Error()
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%s: not within %v (or the test's budget): %s", what, timeout, detail)
		}
		time.Sleep(interval) // polling processes in real time
	}
}
