package master_test

import (
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// A task the master launched but a reconnecting agent does not report is reconciled
// through the agent (Master::reconcileKnownSlave): the master lists it in
// SlaveReregisteredMessage and says nothing to the framework itself, because the
// launch may have raced the reregistration and the agent may have the task; the agent
// answers TASK_DROPPED/TASK_LOST only for a task it does not know (Slave::reregistered,
// covered in embedded/agent).
func TestReregistrationReconcilesThroughAgent(t *testing.T) {
	for _, partitionAware := range []bool{false, true} {
		c := newTestCluster(t, master.Config{})
		a := c.addAgent("slave(1)", "cpus:2;mem:1024")
		info := framework("fw")
		if partitionAware {
			info.Capabilities = []mesos.FrameworkCapability{{Type: mesos.FrameworkPartitionAware}}
		}
		s := c.subscribe(info)
		c.advance(time.Second)
		o := s.next(scheduler.EventOffers).Offers.Offers[0]
		s.launch(o, commandTask("t1", o.AgentID, "cpus:1;mem:128"))
		s.mustCall(&scheduler.Call{Type: scheduler.CallSuppress})

		id := mesos.AgentID{Value: a.agentID()}
		process.Do(c.rt, a.Self(), "reregister", func() {
			a.Send(c.m.Self(), mesos.ReregisterSlaveMessageName, mesos.ReregisterSlaveMessage{
				Slave:   mesos.AgentInfo{ID: &id, Hostname: "slave(1).example", Port: 5051, Resources: mesos.ResourcesOf(resources.MustParse("cpus:2;mem:1024"))},
				Version: "1.11.0",
			})
		})
		c.rt.Settle()
		s.none()

		a.mu.Lock()
		recs := append([]mesos.ReconcileTasksMessage(nil), a.reconciliations...)
		a.mu.Unlock()
		if len(recs) != 1 || recs[0].FrameworkID.Value != s.frameworkID || len(recs[0].Statuses) != 1 {
			t.Fatalf("partition-aware %v: reconciliations = %+v, want one for %s with one status", partitionAware, recs, s.frameworkID)
		}
		st := recs[0].Statuses[0]
		if st.TaskID.Value != "t1" || st.State != mesos.TaskStaging || st.Reason == nil || *st.Reason != mesos.ReasonReconciliation {
			t.Errorf("partition-aware %v: reconciliation status = %s, want t1 TASK_STAGING REASON_RECONCILIATION", partitionAware, mesos.DescribeTaskStatus(&st))
		}
		if fw := recs[0].Framework; fw == nil || fw.HasCapability(mesos.FrameworkPartitionAware) != partitionAware {
			t.Errorf("partition-aware %v: reconciliation framework = %+v, want the FrameworkInfo (the agent picks TASK_DROPPED or TASK_LOST by it)", partitionAware, fw)
		}
	}
}
