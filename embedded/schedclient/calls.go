package schedclient

import (
	"context"
	"errors"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// Accept makes an ACCEPT call: apply operations to the offers; what they
// do not use is declined with filters (nil: the default refuse_seconds,
// 5). An offer can be used in one ACCEPT only.
func (c *Client) Accept(ctx context.Context, offerIDs []mesos.OfferID, ops []mesos.OfferOperation, filters *mesos.Filters) error {
	return c.Call(ctx, &scheduler.Call{Type: scheduler.CallAccept, Accept: &scheduler.Accept{
		OfferIDs: offerIDs, Operations: ops, Filters: filters,
	}})
}

// Launch accepts one offer with a single LAUNCH operation of tasks.
func (c *Client) Launch(ctx context.Context, offerID mesos.OfferID, tasks ...mesos.TaskInfo) error {
	return c.Accept(ctx, []mesos.OfferID{offerID}, []mesos.OfferOperation{{
		Type:   mesos.OperationLaunch,
		Launch: &mesos.LaunchOperation{TaskInfos: tasks},
	}}, nil)
}

// Decline makes a DECLINE call (an ACCEPT without operations): the offers'
// resources are not offered again to the framework for
// filters.refuse_seconds (nil: 5 s).
func (c *Client) Decline(ctx context.Context, offerIDs []mesos.OfferID, filters *mesos.Filters) error {
	return c.Call(ctx, &scheduler.Call{Type: scheduler.CallDecline, Decline: &scheduler.Decline{
		OfferIDs: offerIDs, Filters: filters,
	}})
}

// Revive makes a REVIVE call: unsuppress the roles (none: all of the
// framework's roles) and clear their offer filters.
func (c *Client) Revive(ctx context.Context, roles ...string) error {
	return c.Call(ctx, &scheduler.Call{Type: scheduler.CallRevive, Revive: &scheduler.Revive{Roles: roles}})
}

// Suppress makes a SUPPRESS call: stop offers for the roles (none: all of
// the framework's roles) until REVIVE.
func (c *Client) Suppress(ctx context.Context, roles ...string) error {
	return c.Call(ctx, &scheduler.Call{Type: scheduler.CallSuppress, Suppress: &scheduler.Suppress{Roles: roles}})
}

// Kill makes a KILL call for a task; agentID may be nil (the master looks
// the task up).
func (c *Client) Kill(ctx context.Context, taskID mesos.TaskID, agentID *mesos.AgentID) error {
	return c.Call(ctx, &scheduler.Call{Type: scheduler.CallKill, Kill: &scheduler.Kill{TaskID: taskID, AgentID: agentID}})
}

// Acknowledge makes an ACKNOWLEDGE call for a status update. Only updates
// with a uuid (and an agent_id) are acknowledged; the master does not
// retry the others (e.g. answers to RECONCILE), and acknowledging them is
// an error.
func (c *Client) Acknowledge(ctx context.Context, status *mesos.TaskStatus) error {
	if status == nil {
		return errors.New("schedclient: call ACKNOWLEDGE: nil status")
	}
	if len(status.UUID) == 0 {
		return errors.New("schedclient: call ACKNOWLEDGE: status of task " + status.TaskID.Value + " has no uuid: it needs no acknowledgement")
	}
	var agentID mesos.AgentID
	if status.AgentID != nil {
		agentID = *status.AgentID
	}
	if c.dedup != nil {
		// Whatever this call's outcome, the framework has processed the update:
		// a retry is acknowledged again by the client (suppressRetry).
		c.mu.Lock()
		c.dedup.acknowledged(status)
		c.mu.Unlock()
	}
	return c.Call(ctx, &scheduler.Call{Type: scheduler.CallAcknowledge, Acknowledge: &scheduler.Acknowledge{
		AgentID: agentID, TaskID: status.TaskID, UUID: status.UUID,
	}})
}

// Reconcile makes a RECONCILE call; no tasks asks for the latest state of
// every task the master knows of the framework (implicit reconciliation).
func (c *Client) Reconcile(ctx context.Context, tasks ...scheduler.ReconcileTask) error {
	return c.Call(ctx, &scheduler.Call{Type: scheduler.CallReconcile, Reconcile: &scheduler.Reconcile{Tasks: tasks}})
}

// Teardown makes a TEARDOWN call: the master kills the framework's tasks
// and removes it. Once it is accepted, Run returns nil.
func (c *Client) Teardown(ctx context.Context) error {
	return c.Call(ctx, &scheduler.Call{Type: scheduler.CallTeardown})
}

// Message makes a MESSAGE call: data for an executor, relayed by the
// master without delivery guarantees.
func (c *Client) Message(ctx context.Context, agentID mesos.AgentID, executorID mesos.ExecutorID, data []byte) error {
	return c.Call(ctx, &scheduler.Call{Type: scheduler.CallMessage, Message: &scheduler.Message{
		AgentID: agentID, ExecutorID: executorID, Data: data,
	}})
}

// UpdateFramework makes an UPDATE_FRAMEWORK call (framework_info.id may be
// left unset); once the master applies it (200 OK), re-subscriptions send
// the new framework info, suppressed roles and offer constraints.
func (c *Client) UpdateFramework(ctx context.Context, u scheduler.UpdateFramework) error {
	return c.Call(ctx, &scheduler.Call{Type: scheduler.CallUpdateFramework, UpdateFramework: &u})
}
