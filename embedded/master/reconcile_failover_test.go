package master_test

import (
	"context"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// During a master failover, explicit reconciliation of a task the master does not know
// yet gets no answer while the task's agent (or, without an agent id, any agent) of the
// registry has not reregistered: Master::reconcile case (2). Once the agent is
// back the answer is TASK_GONE; once the timeout marks it unreachable, TASK_UNREACHABLE.
func TestReconcileDuringMasterFailover(t *testing.T) {
	dir := t.TempDir()
	c1 := newTestCluster(t, master.Config{WorkDir: dir})
	id1, id2 := c1.addAgent("slave(1)", "cpus:1;mem:128").agentID(), c1.addAgent("slave(2)", "cpus:1;mem:128").agentID()
	if err := c1.rt.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	c2 := newTestCluster(t, master.Config{ID: "M2", WorkDir: dir, AgentReregisterTimeout: time.Minute})
	info := framework("fw")
	info.Capabilities = []mesos.FrameworkCapability{{Type: mesos.FrameworkPartitionAware}}
	s := c2.subscribe(info)
	s.mustCall(&scheduler.Call{Type: scheduler.CallSuppress}) // offers are not the point here
	reconcile := func(agent string) {
		t.Helper()
		rt := scheduler.ReconcileTask{TaskID: mesos.TaskID{Value: "t-" + agent}}
		if agent != "" {
			rt.AgentID = &mesos.AgentID{Value: agent}
		}
		s.mustCall(&scheduler.Call{Type: scheduler.CallReconcile, Reconcile: &scheduler.Reconcile{Tasks: []scheduler.ReconcileTask{rt}}})
	}
	reconcile(id1)
	reconcile(id2)
	reconcile("")
	s.none()

	// Agent 1 reregisters: its unknown task is GONE; agent 2 still holds the others back.
	b := &struct{ process.Base }{}
	pid, err := c2.rt.Spawn("slave(1)", b)
	if err != nil {
		t.Fatal(err)
	}
	process.Do(c2.rt, pid, "reregister", func() {
		b.Send(c2.m.Self(), mesos.ReregisterSlaveMessageName, mesos.ReregisterSlaveMessage{
			Slave: mesos.AgentInfo{ID: &mesos.AgentID{Value: id1}, Hostname: "slave(1).example", Port: 5051, Resources: mesos.ResourcesOf(resources.MustParse("cpus:1;mem:128"))},
		})
	})
	c2.rt.Settle()
	reconcile(id1)
	if u := s.next(scheduler.EventUpdate).Update.Status; u.State != mesos.TaskGone || u.Message != "Reconciliation: Task is unknown to the agent" {
		t.Errorf("reconcile on the reregistered agent = %s, want TASK_GONE", mesos.DescribeTaskStatus(&u))
	}
	reconcile(id2)
	reconcile("")
	s.none()

	// The timeout marks agent 2 unreachable: now every question has an answer.
	c2.advance(time.Minute)
	reconcile(id2)
	if u := s.next(scheduler.EventUpdate).Update.Status; u.State != mesos.TaskUnreachable {
		t.Errorf("reconcile on the unreachable agent = %s, want TASK_UNREACHABLE", mesos.DescribeTaskStatus(&u))
	}
	reconcile("")
	if u := s.next(scheduler.EventUpdate).Update.Status; u.State != mesos.TaskUnknown {
		t.Errorf("reconcile without an agent = %s, want TASK_UNKNOWN", mesos.DescribeTaskStatus(&u))
	}
}
