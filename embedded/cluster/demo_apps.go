package cluster

import (
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/marathon"
)

// DemoMarathonRole is the role of the demo's Marathon (its --mesos_role,
// and so its apps' role): web, weighted 2, so that the DRF view sets one
// Marathon against the batch role's hand-written frameworks.
const DemoMarathonRole = "web"

// The demo's Marathon apps.
const (
	// DemoAppWeb keeps three instances running, each with a COMMAND health
	// check that Mesos runs in the task's sandbox.
	DemoAppWeb = "/web-frontend"
	// DemoAppCrash crashes a few seconds after it starts, every time: a bad
	// deploy, which Marathon backs off (lastTaskFailure, /v2/queue delay).
	DemoAppCrash = "/web-api"
	// DemoAppWaiting asks for more memory than any agent has: Marathon
	// declines every offer for it (InsufficientMemory in /v2/queue's
	// funnel), so it waits forever.
	DemoAppWaiting = "/analytics"
)

// demoAppMem is what DemoAppWaiting asks for: 16 GiB, when the biggest
// agent (agent-gpu) has 8 GiB.
const demoAppMem = 16384

// demoApps are the apps the demo deploys through its Marathon; scale
// multiplies how long the crashing app runs before it fails (its backoff
// is Marathon's, in real seconds, so that /v2/queue shows it).
func demoApps(scale float64) []*marathon.App {
	return []*marathon.App{
		{
			ID: DemoAppWeb, Instances: 3, CPUs: 0.5, Mem: 256,
			// The health check reads the file the task writes in its sandbox.
			Cmd: "touch ready && sleep 86400",
			HealthChecks: []marathon.HealthCheck{{
				Command: "test -f ready", DelaySeconds: 1, IntervalSeconds: 5, TimeoutSeconds: 5,
				GracePeriodSeconds: 10, MaxConsecutiveFailures: 3,
			}},
			Labels: map[string]string{"tier": "frontend"},
		},
		{
			ID: DemoAppCrash, Instances: 2, CPUs: 0.5, Mem: 256,
			Cmd:            fmt.Sprintf("sleep %.2f; echo 'web-api: cannot reach the database' >&2; exit 1", 3*scale),
			BackoffSeconds: 2, BackoffFactor: 2, MaxLaunchDelaySeconds: 60,
			Labels: map[string]string{"tier": "api"},
		},
		{
			ID: DemoAppWaiting, Instances: 1, CPUs: 1, Mem: demoAppMem,
			Cmd: "sleep 3600",
		},
	}
}
