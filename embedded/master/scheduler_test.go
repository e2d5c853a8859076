package master_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// The happy path of docs/scheduler-http-api.md: SUBSCRIBE, OFFERS,
// ACCEPT with LAUNCH, the agent runs the task, UPDATEs are forwarded and
// ACKNOWLEDGEs go back to the agent; the acknowledged terminal task
// leaves the active tasks.
func TestLaunchLifecycle(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	a := c.addAgent("slave(1)", "cpus:2;mem:1024")
	s := c.subscribe(framework("fw"))
	if s.frameworkID != "M-0000" {
		t.Errorf("framework id = %q, want M-0000", s.frameworkID)
	}
	if s.streamID == "" {
		t.Error("SUBSCRIBE response has no Mesos-Stream-Id")
	}
	c.advance(time.Second)
	offers := s.next(scheduler.EventOffers).Offers.Offers
	if got, want := describeOffers(offers), a.agentID()+" cpus:2; mem:1024"; got != want {
		t.Fatalf("offers = %q, want %q", got, want)
	}
	o := offers[0]
	if o.ID.Value != "M-O0" || o.URL == nil || o.URL.Path != "/slave(1)" || o.Hostname != "slave(1).example" {
		t.Errorf("offer = %+v, want id M-O0, url path /slave(1), hostname slave(1).example", o)
	}
	s.launch(o, commandTask("t1", o.AgentID, "cpus:1;mem:128"))
	if got := a.messages(); !slices.Contains(got, "run t1 cpus:1; mem:128") {
		t.Fatalf("agent messages = %q, want a run of t1 with cpus:1; mem:128", got)
	}

	c.update(a, s.frameworkID, "t1", mesos.TaskRunning, 1)
	u := s.next(scheduler.EventUpdate).Update.Status
	if u.State != mesos.TaskRunning || u.TaskID.Value != "t1" {
		t.Fatalf("update = %s, want TASK_RUNNING of t1", mesos.DescribeTaskStatus(&u))
	}
	s.mustCall(&scheduler.Call{Type: scheduler.CallAcknowledge, Acknowledge: &scheduler.Acknowledge{AgentID: o.AgentID, TaskID: u.TaskID, UUID: u.UUID}})
	c.update(a, s.frameworkID, "t1", mesos.TaskFinished, 2)
	u = s.next(scheduler.EventUpdate).Update.Status
	if u.State != mesos.TaskFinished {
		t.Fatalf("update = %v, want TASK_FINISHED", u.State)
	}
	s.mustCall(&scheduler.Call{Type: scheduler.CallAcknowledge, Acknowledge: &scheduler.Acknowledge{AgentID: o.AgentID, TaskID: u.TaskID, UUID: u.UUID}})
	if got := a.messages(); strings.Count(strings.Join(got, "\n"), "ack t1") != 2 {
		t.Errorf("agent messages = %q, want two acks of t1", got)
	}
	// The finished task's resources were recovered at TASK_FINISHED: the
	// next cycle offers the whole agent again (the unused part of the
	// first offer was declined with the default 5 s filter).
	c.advance(5 * time.Second)
	offers = s.next(scheduler.EventOffers).Offers.Offers
	if got, want := describeOffers(offers), a.agentID()+" cpus:2; mem:1024"; got != want {
		t.Errorf("offers after the task finished = %q, want %q", got, want)
	}
}

// Invalid tasks get TASK_ERROR with REASON_TASK_INVALID from the master and
// never reach the agent; the offer's resources go back to the allocator.
func TestInvalidTasks(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	a := c.addAgent("slave(1)", "cpus:2;mem:1024")
	s := c.subscribe(framework("fw"))
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	tests := []struct {
		task mesos.TaskInfo
		want string
	}{
		{commandTask("big", o.AgentID, "cpus:3;mem:128"), "Task uses more resources"},
		{commandTask("elsewhere", mesos.AgentID{Value: "M-S9"}, "cpus:1"), "Task uses invalid agent"},
	}
	var tasks []mesos.TaskInfo
	for _, tt := range tests {
		tasks = append(tasks, tt.task)
	}
	s.launch(o, tasks...)
	for _, tt := range tests {
		u := s.next(scheduler.EventUpdate).Update.Status
		if u.TaskID != tt.task.TaskID || u.State != mesos.TaskError || u.Reason == nil || *u.Reason != mesos.ReasonTaskInvalid ||
			u.Source == nil || *u.Source != mesos.SourceMaster || !strings.Contains(u.Message, tt.want) || len(u.UUID) != 0 {
			t.Errorf("update for %s = %s, want TASK_ERROR REASON_TASK_INVALID from the master, no uuid, message containing %q",
				tt.task.TaskID.Value, mesos.DescribeTaskStatus(&u), tt.want)
		}
	}
	for _, m := range a.messages() {
		if strings.HasPrefix(m, "run ") {
			t.Errorf("agent got %q for an invalid task", m)
		}
	}
	// Duplicate task ids are refused while the first one is active.
	c.advance(5 * time.Second)
	o = s.next(scheduler.EventOffers).Offers.Offers[0]
	s.launch(o, commandTask("t1", o.AgentID, "cpus:1"), commandTask("t1", o.AgentID, "cpus:1"))
	u := s.next(scheduler.EventUpdate).Update.Status
	if u.State != mesos.TaskError || !strings.Contains(u.Message, "duplicate ID") {
		t.Errorf("second t1 = %s, want TASK_ERROR for a duplicate ID", mesos.DescribeTaskStatus(&u))
	}
}

// DECLINE with refuse_seconds keeps the agent from the framework for that
// long (filters live in the allocator); REVIVE clears them.
func TestDeclineAndRevive(t *testing.T) {
	log := &offerLog{}
	c := newObservedCluster(t, master.Config{}, log)
	c.addAgent("slave(1)", "cpus:2;mem:1024")
	s := c.subscribe(framework("fw"))
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	s.mustCall(&scheduler.Call{Type: scheduler.CallDecline, Decline: &scheduler.Decline{OfferIDs: []mesos.OfferID{o.ID}, Filters: &mesos.Filters{RefuseSeconds: ptr(30.0)}}})
	c.advance(10 * time.Second)
	s.none()
	if got := log.get(); !slices.Equal(got, []string{"declined 30"}) {
		t.Errorf("offer.closed events = %q, want [declined 30] (the DECLINE's filter)", got)
	}
	s.mustCall(&scheduler.Call{Type: scheduler.CallRevive, Revive: &scheduler.Revive{}})
	c.advance(time.Second)
	s.next(scheduler.EventOffers)
	// Declining an unknown offer is ignored (202, nothing happens).
	if code, body := s.call(&scheduler.Call{Type: scheduler.CallDecline, Decline: &scheduler.Decline{OfferIDs: []mesos.OfferID{{Value: "M-O99"}}}}); code != http.StatusAccepted {
		t.Errorf("decline of an unknown offer: %d %s, want 202", code, body)
	}
	// SUPPRESS: no offers, however long we wait.
	s.mustCall(&scheduler.Call{Type: scheduler.CallSuppress, Suppress: &scheduler.Suppress{}})
	c.advance(time.Minute)
	s.none()
}

// --offer_timeout rescinds offers that are neither accepted nor declined.
func TestOfferTimeout(t *testing.T) {
	log := &offerLog{}
	c := newObservedCluster(t, master.Config{OfferTimeout: 10 * time.Second}, log)
	c.addAgent("slave(1)", "cpus:2;mem:1024")
	s := c.subscribe(framework("fw"))
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	c.advance(10 * time.Second)
	if r := s.next(scheduler.EventRescind).Rescind; r.OfferID != o.ID {
		t.Errorf("rescinded %s, want %s", r.OfferID.Value, o.ID.Value)
	}
	if got := log.get(); !slices.Equal(got, []string{"timed_out"}) {
		t.Errorf("offer.closed events = %q, want [timed_out] (no filter)", got)
	}
	// Rescinded without a filter: offered again at the next cycle.
	c.advance(time.Second)
	s.next(scheduler.EventOffers)
	// Accepting the rescinded offer drops the tasks (TASK_LOST for a
	// framework that is not partition-aware).
	s.launch(o, commandTask("late", o.AgentID, "cpus:1"))
	u := s.next(scheduler.EventUpdate).Update.Status
	if u.State != mesos.TaskLost || *u.Reason != mesos.ReasonInvalidOffers {
		t.Errorf("task on a rescinded offer: %s, want TASK_LOST REASON_INVALID_OFFERS", mesos.DescribeTaskStatus(&u))
	}
}

// KILL goes to the agent; killing an unknown task reconciles it.
func TestKillAndReconcile(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	a := c.addAgent("slave(1)", "cpus:2;mem:1024")
	info := framework("fw")
	info.Capabilities = append(info.Capabilities, mesos.FrameworkCapability{Type: mesos.FrameworkPartitionAware})
	s := c.subscribe(info)
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	s.launch(o, commandTask("t1", o.AgentID, "cpus:1"))
	c.update(a, s.frameworkID, "t1", mesos.TaskRunning, 1)
	s.next(scheduler.EventUpdate)

	s.mustCall(&scheduler.Call{Type: scheduler.CallKill, Kill: &scheduler.Kill{TaskID: mesos.TaskID{Value: "t1"}}})
	if !slices.Contains(a.messages(), "kill t1") {
		t.Errorf("agent messages = %q, want kill t1", a.messages())
	}

	tests := []struct {
		task  string
		agent *mesos.AgentID
		want  mesos.TaskState
	}{
		{"t1", nil, mesos.TaskRunning},
		{"ghost", &o.AgentID, mesos.TaskGone},
		{"ghost", nil, mesos.TaskUnknown},
	}
	for _, tt := range tests {
		s.mustCall(&scheduler.Call{Type: scheduler.CallReconcile, Reconcile: &scheduler.Reconcile{Tasks: []scheduler.ReconcileTask{{TaskID: mesos.TaskID{Value: tt.task}, AgentID: tt.agent}}}})
		u := s.next(scheduler.EventUpdate).Update.Status
		if u.State != tt.want || u.Reason == nil || *u.Reason != mesos.ReasonReconciliation || len(u.UUID) != 0 {
			t.Errorf("reconcile %s (agent %v) = %s, want %v REASON_RECONCILIATION without uuid", tt.task, tt.agent, mesos.DescribeTaskStatus(&u), tt.want)
		}
	}
	// Implicit reconciliation: every known task.
	s.mustCall(&scheduler.Call{Type: scheduler.CallReconcile, Reconcile: &scheduler.Reconcile{}})
	if u := s.next(scheduler.EventUpdate).Update.Status; u.TaskID.Value != "t1" || u.State != mesos.TaskRunning {
		t.Errorf("implicit reconcile = %s, want t1 TASK_RUNNING", mesos.DescribeTaskStatus(&u))
	}
	// Killing an unknown task is answered by reconciliation.
	s.mustCall(&scheduler.Call{Type: scheduler.CallKill, Kill: &scheduler.Kill{TaskID: mesos.TaskID{Value: "ghost"}}})
	if u := s.next(scheduler.EventUpdate).Update.Status; u.State != mesos.TaskUnknown {
		t.Errorf("kill of an unknown task = %s, want TASK_UNKNOWN", mesos.DescribeTaskStatus(&u))
	}
}

// A scheduler that disconnects keeps its framework for failover_timeout:
// resubscribing with its id restores it (same id, new stream); after the
// timeout the framework is removed and its tasks are shut down.
func TestFailover(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	a := c.addAgent("slave(1)", "cpus:2;mem:1024")
	info := framework("fw")
	info.FailoverTimeout = 60
	s := c.subscribe(info)
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	s.launch(o, commandTask("t1", o.AgentID, "cpus:1"))
	s.close()
	c.waitDisconnected(s.frameworkID)

	info.ID = &mesos.FrameworkID{Value: s.frameworkID}
	s2 := c.subscribe(info)
	if s2.frameworkID != s.frameworkID || s2.streamID == s.streamID {
		t.Fatalf("resubscribed as %s stream %s, want %s with a new stream id", s2.frameworkID, s2.streamID, s.frameworkID)
	}
	// The old stream id is now refused.
	old := *s2
	old.streamID = s.streamID
	if code, body := old.call(&scheduler.Call{Type: scheduler.CallRevive, Revive: &scheduler.Revive{}}); code != http.StatusBadRequest || !strings.Contains(body, "didn't match the stream ID") {
		t.Errorf("call with the old stream id: %d %q, want 400 naming the stream id", code, body)
	}
	s2.close()
	c.waitDisconnected(s2.frameworkID)
	c.advance(59 * time.Second)
	if slices.Contains(a.messages(), "shutdown framework "+s.frameworkID) {
		t.Fatal("framework shut down before its failover timeout")
	}
	c.advance(2 * time.Second)
	if !slices.Contains(a.messages(), "shutdown framework "+s.frameworkID) {
		t.Errorf("agent messages = %q, want the framework shut down after the failover timeout", a.messages())
	}
	// A removed framework cannot come back.
	resp, err := c.post("/api/v1/scheduler", subscribeCall(info), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	if !strings.Contains(string(buf[:n]), `"type":"ERROR"`) || !strings.Contains(string(buf[:n]), "Framework has been removed") {
		t.Errorf("resubscribing a removed framework: %q, want an ERROR event", buf[:n])
	}
}

// An agent that stops answering health checks is marked unreachable after
// max_agent_ping_timeouts: its tasks become TASK_UNREACHABLE for
// partition-aware frameworks and TASK_LOST for the others.
func TestAgentUnreachable(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	a := c.addAgent("slave(1)", "cpus:2;mem:1024")
	pa := framework("pa")
	pa.Capabilities = []mesos.FrameworkCapability{{Type: mesos.FrameworkPartitionAware}}
	s := c.subscribe(pa)
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	s.launch(o, commandTask("t1", o.AgentID, "cpus:1"))
	c.update(a, s.frameworkID, "t1", mesos.TaskRunning, 1)
	s.next(scheduler.EventUpdate)

	c.rt.Terminate(a.Self(), true)
	for range 6 {
		c.advance(master.DefaultAgentPingTimeout)
	}
	u := s.next(scheduler.EventUpdate).Update.Status
	if u.State != mesos.TaskUnreachable || *u.Reason != mesos.ReasonAgentRemoved || u.UnreachableTime == nil {
		t.Errorf("update after the agent vanished = %s, want TASK_UNREACHABLE REASON_SLAVE_REMOVED with unreachable_time", mesos.DescribeTaskStatus(&u))
	}
	s.mustCall(&scheduler.Call{Type: scheduler.CallReconcile, Reconcile: &scheduler.Reconcile{Tasks: []scheduler.ReconcileTask{{TaskID: mesos.TaskID{Value: "t1"}, AgentID: &o.AgentID}}}})
	if u := s.next(scheduler.EventUpdate).Update.Status; u.State != mesos.TaskUnreachable {
		t.Errorf("reconcile of t1 = %v, want TASK_UNREACHABLE", u.State)
	}
}

// A pre-MULTI_ROLE framework gets offers without allocation_info (MESOS-8237), but
// the master keeps it, and /master/state shows each offer's role, as Mesos does.
func TestStateOffersKeepAllocationInfo(t *testing.T) {
	c := newTestCluster(t, master.Config{})
	c.addAgent("slave(1)", "cpus:2;mem:1024")
	s := c.subscribe(framework("fw"))
	c.advance(time.Second)
	o := s.next(scheduler.EventOffers).Offers.Offers[0]
	if o.AllocationInfo != nil {
		t.Errorf("offer sent to a pre-MULTI_ROLE framework has allocation_info %+v, want none", o.AllocationInfo)
	}
	resp, err := http.Get(c.url + "/master/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Frameworks []struct {
			Offers []struct {
				ID             string `json:"id"`
				AllocationInfo struct {
					Role string `json:"role"`
				} `json:"allocation_info"`
			} `json:"offers"`
		} `json:"frameworks"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if len(st.Frameworks) != 1 || len(st.Frameworks[0].Offers) != 1 {
		t.Fatalf("/master/state frameworks = %+v, want one framework with one offer", st.Frameworks)
	}
	if got := st.Frameworks[0].Offers[0]; got.ID != o.ID.Value || got.AllocationInfo.Role != "*" {
		t.Errorf("/master/state offer = %+v, want %s with allocation_info.role *", got, o.ID.Value)
	}
}
