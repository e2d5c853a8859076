package agent

import (
	"github.com/mesoscope/mesoscope/embedded/process"
)

// installRoutes registers the agent's endpoints (the route() calls of
// Slave::initialize): /slave(N)/api/v1, /state, /flags, /health, /monitor/statistics
// and /containers, each in Mesos's authentication realm (/health in none), and
// mesoscope's /mesoscope/v1/containers (the containerizer's state histories, read-only
// realm; also reached as /mesoscope/v1/containers where the runtime's delegate is the
// agent). The sandboxes are served by the files process (/files/..., in the read-only realm).
func (a *Agent) installRoutes() {
	a.Route("/api/v1", "Agent operator API (v1): POST a JSON agent::Call.", a.guard(RealmReadwrite, a.serveAPI))
	a.RouteFunc("/state", "Information about the state of the agent.", a.guardFunc(RealmReadonly, a.serveState))
	a.RouteFunc("/flags", "Exposes the agent's flag configuration.", a.guardFunc(RealmReadonly, a.serveFlags))
	a.RouteFunc("/health", "Health check of the agent: 200 OK with an empty body.",
		func(*process.Request) process.Response { return process.OK(nil, "") })
	a.Route("/monitor/statistics", "Resource usage of the agent's running executors.", a.guard(RealmReadonly, a.serveStatistics))
	a.Route("/containers", "Containers of the agent's running executors, with status and resource statistics.", a.guard(RealmReadonly, a.serveContainers))
	a.RouteFunc(containerHistoriesPath, "Every container's state history with timestamps, live and recently destroyed (mesoscope). "+
		"Query: container_id=ID (one container), completed=false (live ones only).", a.guardFunc(RealmReadonly, a.serveContainerHistories))
}
