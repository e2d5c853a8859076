package agent

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// attemptOffsets advances a paused clock in steps and returns, relative to the
// start, when each RegisterSlaveMessage arrived.
func attemptOffsets(t *testing.T, e *testEnv, horizon, step time.Duration) []time.Duration {
	t.Helper()
	start := e.rt.Clock().Now()
	for d := time.Duration(0); d < horizon; d += step {
		e.rt.Clock().Advance(step)
		e.rt.Settle()
	}
	var out []time.Duration
	for _, at := range e.master.registerTimes() {
		out = append(out, at.Sub(start))
	}
	return out
}

func TestRegistrationBackoff(t *testing.T) {
	const step = 50 * time.Millisecond
	silent := func(_ *Config, m *fakeMaster) { m.register = false }
	e := newEnv(t, silent)
	got := attemptOffsets(t, e, 5*time.Minute, step)
	t.Logf("attempts: %v", got)
	if len(got) < 6 {
		t.Fatalf("registration attempts in 5 min = %d (%v), want at least 6", len(got), got)
	}
	// First attempt after uniform [0, factor]; then the gap before attempt i is
	// uniform in [0, min(factor·2^i, 1 min)].
	maxGap := time.Second
	prev := time.Duration(0)
	for i, at := range got {
		if gap := at - prev; gap > maxGap+step {
			t.Errorf("attempt %d came %v after the previous one, want at most %v", i, gap, maxGap)
		}
		prev = at
		maxGap = min(maxGap*2, RegisterRetryIntervalMax)
	}
	// The backoff keeps growing to the cap: 5 minutes hold far fewer attempts than
	// a fixed 1 s retry would make.
	if len(got) > 60 {
		t.Errorf("registration attempts in 5 min = %d, want the exponential backoff to space them out", len(got))
	}

	// The same seed gives the same schedule.
	again := attemptOffsets(t, newEnv(t, silent), 5*time.Minute, step)
	if !slices.Equal(got, again) {
		t.Errorf("registration schedule with the same seed differs:\n%v\n%v", got, again)
	}
	other := attemptOffsets(t, newEnv(t, silent, func(c *Config, _ *fakeMaster) { c.Seed = 99 }), 5*time.Minute, step)
	if slices.Equal(got, other) {
		t.Errorf("registration schedule with seeds 1 and 99 is the same: %v", got)
	}
}

func TestRegisterSlaveMessage(t *testing.T) {
	e := newEnv(t, func(c *Config, m *fakeMaster) { m.register = false })
	e.rt.Clock().Advance(time.Second)
	e.rt.Settle()
	if len(e.master.registerTimes()) == 0 {
		t.Fatal("no RegisterSlaveMessage within the first backoff factor")
	}
	e.master.mu.Lock()
	msg := e.master.lastRegister
	e.master.mu.Unlock()
	if msg.Version != Version || msg.Slave.Hostname != "agent.example" || msg.Slave.ID != nil {
		t.Errorf("RegisterSlaveMessage = version %q hostname %q id %v, want 1.11.0 agent.example nil", msg.Version, msg.Slave.Hostname, msg.Slave.ID)
	}
	if got, want := msg.Slave.Resources.String(), "cpus:2; mem:1024; disk:1024; ports:[31000-32000]"; got != want {
		t.Errorf("RegisterSlaveMessage resources = %q, want %q", got, want)
	}
	var attrs []string
	for _, a := range msg.Slave.Attributes {
		attrs = append(attrs, a.String())
	}
	if diff := cmp.Diff([]string{"rack:r1", "zone:a"}, attrs); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	if len(msg.AgentCapabilities) != 3 {
		t.Errorf("capabilities = %v, want 3", msg.AgentCapabilities)
	}
}

func TestRegisteredThenPingTimeoutReregisters(t *testing.T) {
	secs := 30.0
	e := newEnv(t, func(_ *Config, m *fakeMaster) { m.pingSecs = &secs })
	e.registerAgent(t)
	snap := e.rt.Metrics().Snapshot(time.Second)
	if snap["slave/registered"] != 1 {
		t.Errorf("slave/registered = %v, want 1", snap["slave/registered"])
	}
	// Pings keep the agent registered.
	for range 3 {
		e.master.send(e.agent.Self(), mesos.PingSlaveMessageName, mesos.PingSlaveMessage{Connected: true})
		e.rt.Clock().Advance(20 * time.Second)
		e.rt.Settle()
	}
	if got := e.agentState(t); got != StateRunning {
		t.Fatalf("state after pings = %v, want RUNNING", got)
	}
	if n := len(e.master.reregistrations()); n != 0 {
		t.Fatalf("reregistrations while pinged = %d, want 0", n)
	}
	// 30 s without a ping: the master is considered gone.
	e.rt.Clock().Advance(30 * time.Second)
	e.rt.Settle()
	e.rt.Clock().Advance(3 * time.Second)
	e.rt.Settle()
	re := e.master.reregistrations()
	if len(re) != 1 {
		t.Fatalf("reregistrations after the ping timeout = %d, want 1", len(re))
	}
	if re[0].Slave.ID == nil || re[0].Slave.ID.Value != "S0" {
		t.Errorf("ReregisterSlaveMessage slave id = %v, want S0", re[0].Slave.ID)
	}
	if got := e.agentState(t); got != StateRunning {
		t.Errorf("state after re-registration = %v, want RUNNING", got)
	}
}

func TestPingDisconnectedForcesReregistration(t *testing.T) {
	e := newEnv(t)
	e.registerAgent(t)
	e.master.send(e.agent.Self(), mesos.PingSlaveMessageName, mesos.PingSlaveMessage{Connected: false})
	e.rt.Settle()
	if got := e.agentState(t); got != StateDisconnected {
		t.Fatalf("state after a 'disconnected' ping = %v, want DISCONNECTED", got)
	}
	e.rt.Clock().Advance(2 * time.Second)
	e.rt.Settle()
	if n := len(e.master.reregistrations()); n != 1 {
		t.Errorf("reregistrations = %d, want 1", n)
	}
}

func TestMasterExitedReregisters(t *testing.T) {
	e := newEnv(t)
	e.registerAgent(t)
	// The master process dies: the link fires EXITED and the agent disconnects.
	e.rt.Terminate(e.master.Self(), true)
	e.rt.Wait(context.Background(), e.master.Self())
	e.rt.Settle()
	if got := e.agentState(t); got != StateDisconnected {
		t.Fatalf("state after the master exited = %v, want DISCONNECTED", got)
	}
	// A new master under the same PID gets the re-registration.
	m2 := newFakeMaster()
	if _, err := e.rt.Spawn("master", m2); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40 && len(m2.reregistrations()) == 0; i++ {
		e.rt.Clock().Advance(time.Second)
		e.rt.Settle()
	}
	if n := len(m2.reregistrations()); n == 0 {
		t.Fatal("no ReregisterSlaveMessage reached the new master")
	}
	if got := e.agentState(t); got != StateRunning {
		t.Errorf("state after re-registering with the new master = %v, want RUNNING", got)
	}
}

func TestReregisteredReconcilesUnknownTasks(t *testing.T) {
	e := newEnv(t)
	e.registerAgent(t)
	e.master.send(e.agent.Self(), mesos.PingSlaveMessageName, mesos.PingSlaveMessage{Connected: false})
	e.rt.Settle()
	aware := testFramework("fw-aware", mesos.FrameworkPartitionAware)
	e.master.send(e.agent.Self(), mesos.SlaveReregisteredMessageName, mesos.SlaveReregisteredMessage{
		SlaveID: mesos.AgentID{Value: "S0"},
		Reconciliations: []mesos.ReconcileTasksMessage{
			{FrameworkID: mesos.FrameworkID{Value: "fw-old"}, Statuses: []mesos.TaskStatus{{TaskID: mesos.TaskID{Value: "t1"}}}},
			{FrameworkID: *aware.ID, Framework: &aware, Statuses: []mesos.TaskStatus{{TaskID: mesos.TaskID{Value: "t2"}}}},
		},
	})
	e.rt.Settle()
	var got []string
	for range 2 {
		u := e.master.next(t)
		got = append(got, u.Status.TaskID.Value+" "+describe(u))
	}
	want := []string{
		"t1 TASK_LOST SOURCE_AGENT REASON_RECONCILIATION Reconciliation: task unknown to the agent",
		"t2 TASK_DROPPED SOURCE_AGENT REASON_RECONCILIATION Reconciliation: task unknown to the agent",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reconciliation updates (-want +got):\n%s", diff)
	}
}

func TestIgnoresMessagesFromOtherMasters(t *testing.T) {
	e := newEnv(t, func(_ *Config, m *fakeMaster) { m.register = false })
	other := newFakeMaster()
	if _, err := e.rt.Spawn("master2", other); err != nil {
		t.Fatal(err)
	}
	other.send(e.agent.Self(), mesos.SlaveRegisteredMessageName, mesos.SlaveRegisteredMessage{SlaveID: mesos.AgentID{Value: "S9"}})
	e.rt.Settle()
	if got := e.agentState(t); got != StateDisconnected {
		t.Errorf("state after a registration from another master = %v, want DISCONNECTED", got)
	}
}

func TestReregistrationCarriesTasksAndResumesUpdates(t *testing.T) {
	e := newEnv(t)
	e.registerAgent(t)
	e.runTask(testFramework("fw1"), commandTask("t1", "sleep 60"))
	starting := e.master.next(t) // not acknowledged: the stream holds it
	waitTaskState(t, e, "t1", mesos.TaskRunning)

	// The master says the agent is disconnected: the agent pauses its updates and
	// re-registers with its tasks.
	e.master.send(e.agent.Self(), mesos.PingSlaveMessageName, mesos.PingSlaveMessage{Connected: false})
	e.rt.Settle()
	for i := 0; i < 40 && len(e.master.reregistrations()) == 0; i++ {
		e.rt.Clock().Advance(100 * time.Millisecond)
		e.rt.Settle()
	}
	re := e.master.reregistrations()
	if len(re) != 1 {
		t.Fatalf("reregistrations = %d, want 1", len(re))
	}
	var tasks []string
	for _, tk := range re[0].Tasks {
		st := ""
		if tk.StatusUpdateState != nil {
			st = tk.StatusUpdateState.String()
		}
		tasks = append(tasks, tk.TaskID.Value+" "+tk.State.String()+" "+st)
	}
	if diff := cmp.Diff([]string{"t1 TASK_RUNNING TASK_STARTING"}, tasks); diff != "" {
		t.Errorf("re-registered tasks (-want +got):\n%s", diff)
	}
	if len(re[0].Frameworks) != 1 || re[0].Frameworks[0].ID.Value != "fw1" || len(re[0].ExecutorInfos) != 0 {
		t.Errorf("re-registered frameworks %v executors %v, want fw1 and no executor infos (command executors are not re-registered)",
			re[0].Frameworks, re[0].ExecutorInfos)
	}
	// Re-registered: the unacknowledged head goes out again at once.
	again := e.master.next(t)
	if string(again.UUID) != string(starting.UUID) {
		t.Errorf("update after re-registration = %s, want the unacknowledged TASK_STARTING again", describe(again))
	}
}
