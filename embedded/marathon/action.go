package marathon

import (
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// Action is a call the core asks its shell to make to the master. The
// core decides; the shell (Marathon) talks HTTP.
type Action interface{ action() }

// LaunchAction accepts one offer with a LAUNCH of Tasks and refuse_seconds
// 0 for the rest (TaskLauncherImpl.acceptOffer: "the filter duration is
// set to 0, so we get the same offer in the next allocator cycle").
type LaunchAction struct {
	OfferID mesos.OfferID
	Tasks   []mesos.TaskInfo
}

// DeclineAction declines offers no app could use, with refuse_seconds =
// --decline_offer_duration.
type DeclineAction struct {
	OfferIDs      []mesos.OfferID
	RefuseSeconds float64
}

// KillAction kills a task.
type KillAction struct {
	TaskID  mesos.TaskID
	AgentID *mesos.AgentID
}

// AckAction acknowledges a status update that carries a uuid.
type AckAction struct {
	Status mesos.TaskStatus
}

// ReviveAction asks for offers again in Roles, clearing their filters.
type ReviveAction struct{ Roles []string }

// SuppressAction stops offers in Roles.
type SuppressAction struct{ Roles []string }

// ReconcileAction asks the master for the state of Tasks (none: every task
// of the framework).
type ReconcileAction struct{ Tasks []scheduler.ReconcileTask }

func (LaunchAction) action()    {}
func (DeclineAction) action()   {}
func (KillAction) action()      {}
func (AckAction) action()       {}
func (ReviveAction) action()    {}
func (SuppressAction) action()  {}
func (ReconcileAction) action() {}
