package readonly

import (
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// NumTaskStates is the number of mesos.TaskState values (TASK_STARTING=0
// ... TASK_UNKNOWN=13): the length of the per-state counters in Agent and
// Framework, indexed by the state's numeric value.
const NumTaskStates = 14

// TaskCounts counts tasks by state, indexed by the numeric value of
// mesos.TaskState (the TaskStateSummary of src/master/readonly_handler.cpp).
type TaskCounts = [NumTaskStates]int

// Snapshot is what the master's read-only views render: a consistent view
// of the master taken on the master's queue and rendered off it
// (Master::ReadOnlyHandler in src/master/readonly_handler.cpp works on the
// live master instead; see doc.go).
//
// The master builds a Snapshot by copying slices of pointers, never deep
// copies, so every value reachable from it (Agent, Framework, *mesos.Task,
// *mesos.Offer, the infos and resources inside) must be immutable once
// published: the master replaces such values, it never mutates them. The
// renderers of this package never mutate anything either, so one Snapshot
// may be rendered by any number of goroutines at once.
type Snapshot struct {
	// Info is this master's MasterInfo (id, ip, port, pid, hostname,
	// version, address, domain, capabilities).
	Info mesos.MasterInfo
	// Version is the Mesos version the master claims ("1.11.0"): "version"
	// of /master/state and GET_VERSION.
	Version string
	// Build carries the build information of GET_VERSION and /master/state
	// (build_date, build_time, build_user, git_sha, git_branch, git_tag;
	// the git fields are written only when set). Build.Version is ignored:
	// Version is used. (Added to the brief's shape.)
	Build mesos.VersionInfo
	// StartTime is when the master started (start_time).
	StartTime time.Time
	// ElectedTime is when the master was elected; zero if it is not
	// (elected_time is then omitted).
	ElectedTime time.Time
	// Leader is the leading master's info; nil when no leader is known
	// (leader and leader_info are then omitted).
	Leader *mesos.MasterInfo
	// Cluster is the --cluster flag; "" when unset (cluster is omitted).
	Cluster string
	// Flags are the master's effective flags, sorted by name; a flag with
	// a nil Value is left out of "flags" as Mesos leaves out flags without
	// a value. The log_dir and external_log_file flags, when present, are
	// also written as top-level keys of /master/state.
	Flags []mesos.Flag
	// Agents are the registered agents (slaves.registered), sorted by id.
	Agents []*Agent
	// RecoveredAgents are the agents known from the registry that have not
	// re-registered since failover (slaves.recovered), sorted by id.
	RecoveredAgents []mesos.AgentInfo
	// UnreachableAgents is the number of agents marked unreachable
	// (unreachable_slaves of /master/state). (Added to the brief's shape.)
	UnreachableAgents int
	// Frameworks are the registered frameworks, active and inactive
	// (frameworks.registered), sorted by id.
	Frameworks []*Framework
	// CompletedFrameworks are the bounded history of removed frameworks
	// (frameworks.completed), oldest first.
	CompletedFrameworks []*Framework
	// Roles are the known roles (Master::knownRoles), sorted by name.
	Roles []Role
	// Now is the time the snapshot was taken.
	Now time.Time
}

// Agent is a registered agent (the master's Slave).
type Agent struct {
	// Info is the AgentInfo the agent registered with (id, hostname, port,
	// attributes, domain, and resources as it declared them). Mesos 1.11
	// keeps Info.Resources in the post-reservation-refinement format;
	// v1 agent_info is written in Info.Resources.Format.
	Info mesos.AgentInfo
	// PID is the agent's libprocess pid, "slave(1)@127.0.0.1:5051".
	PID string
	// Version is the Mesos version the agent runs.
	Version string
	// Capabilities are the agent's capabilities.
	Capabilities []mesos.AgentCapability
	// RegisteredTime is when the agent registered.
	RegisteredTime time.Time
	// ReregisteredTime is when the agent last re-registered; zero if never
	// (reregistered_time is then omitted).
	ReregisteredTime time.Time
	// Active reports whether the agent is connected and not deactivated
	// (Slave::active).
	Active bool
	// Deactivated reports whether the operator deactivated or is draining
	// the agent (slaves.deactivated).
	Deactivated bool
	// DrainInfo is the agent's drain state; nil when it is not draining.
	// (Added to the brief's shape.)
	DrainInfo *mesos.DrainInfo
	// EstimatedDrainStartTime is when draining is estimated to start; zero
	// when unknown. Written only with DrainInfo. (Added.)
	EstimatedDrainStartTime time.Time
	// Total is the agent's total resources (Slave::totalResources).
	Total resources.Resources
	// Allocated is the sum of the resources used by tasks and executors
	// on the agent (Resources::sum(Slave::usedResources)): used_resources
	// in v0, allocated_resources in v1.
	Allocated resources.Resources
	// Offered is the agent's resources in outstanding offers.
	Offered resources.Resources
	// TaskCounts counts the tasks (active, unreachable and completed) of
	// registered frameworks on this agent by state, for /master/
	// state-summary.
	TaskCounts TaskCounts
	// FrameworkIDs are the registered frameworks that have tasks (active,
	// unreachable or completed) on this agent, for /master/state-summary.
	FrameworkIDs []string
}

// Framework is a framework known to the master (the master's Framework).
type Framework struct {
	// Info is the FrameworkInfo, with ID set.
	Info mesos.FrameworkInfo
	// PID is the v0 scheduler's libprocess pid; "" for v1 HTTP frameworks
	// (pid is then omitted from v0 output).
	PID string
	// Active, Connected and Recovered are Framework::active(),
	// connected() and recovered().
	Active, Connected, Recovered bool
	// RegisteredTime, ReregisteredTime and UnregisteredTime are the
	// framework's times; zero values are written as 0 (v0) or omitted
	// (v1 GET_FRAMEWORKS), as Mesos does.
	RegisteredTime, ReregisteredTime, UnregisteredTime time.Time
	// Tasks are the framework's non-terminal tasks (including
	// TASK_STAGING), sorted by task id.
	Tasks []*mesos.Task
	// PendingTasks are tasks authorized but not yet sent to an agent
	// (usually empty; Mesos 1.11 has none). They are written to v1
	// pending_tasks and, as older masters did, first in v0 "tasks".
	PendingTasks []*mesos.Task
	// UnreachableTasks are the tasks on unreachable agents.
	UnreachableTasks []*mesos.Task
	// CompletedTasks is the bounded history of terminal tasks, oldest
	// first.
	CompletedTasks []*mesos.Task
	// Offers are the framework's outstanding offers.
	Offers []*mesos.Offer
	// Executors are the framework's executors known to the master.
	Executors []Executor
	// OfferConstraints are the framework's offer constraints; nil when it
	// set none (written as {} as Mesos 1.11 does). (Added.)
	OfferConstraints *scheduler.OfferConstraints
	// Allocated is the framework's used resources (totalUsedResources):
	// used_resources in v0, allocated_resources in v1.
	Allocated resources.Resources
	// Offered is the framework's offered resources
	// (totalOfferedResources).
	Offered resources.Resources
	// TaskCounts counts the framework's tasks (active, unreachable and
	// completed) by state, for /master/state-summary.
	TaskCounts TaskCounts
	// AgentIDs are the agents with tasks (active, unreachable or
	// completed) of this framework, for /master/state-summary.
	AgentIDs []string
}

// Executor is an executor known to the master, with the agent it runs on.
type Executor struct {
	Info    mesos.ExecutorInfo
	AgentID string
}

// Role is a known role (Master::knownRoles with its
// RoleResourceBreakdown).
type Role struct {
	// Name is the role name ("*" for the default role).
	Name string
	// Weight is the role's weight (1.0 by default).
	Weight float64
	// Frameworks are the ids of the frameworks subscribed to or holding
	// allocations in the role.
	Frameworks []string
	// Allocated, Offered and Reserved are the role subtree's allocated,
	// offered and reserved resources; they are written as quantities.
	Allocated resources.Resources
	Offered   resources.Resources
	Reserved  resources.Resources
	// Consumed is the role's consumed quota
	// (RoleResourceBreakdown::consumedQuota: allocated plus unallocated
	// reservations). (Added to the brief's shape.)
	Consumed resources.Quantities
	// Quota is the role's quota; nil when it has none (an empty quota is
	// written then, as Mesos writes Quota()).
	Quota *Quota
}

// Quota is a role's quota (src/master/quota.hpp Quota): the guaranteed
// and the limited quantities. A name absent from Limit is unlimited.
type Quota struct {
	Guarantee resources.Quantities
	Limit     resources.Quantities
}
