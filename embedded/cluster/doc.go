// Package cluster composes the embedded Mesos: it is where runtimes, masters, agents and
// their processes are wired together, and nothing else imports it but commands,
// walkthroughs and tests.
//
// Local (local.go) is mesos-local (src/local/local.cpp): one runtime holding the master,
// its allocator and the agents slave(1) ... slave(N), served on one address, the agents'
// tasks running as real processes through the containerizer.
//
// Demo (demo.go) is a Local with three agents of different shapes (one with a GPU, rack and
// zone attributes) and a workload in two weighted roles (web=2, batch=1) whose frameworks
// speak only the v1 scheduler HTTP API:
//
//   - role web: the Marathon-like scheduler (embedded/marathon), in-process, serving
//     Marathon's REST API on its own listener, with three apps deployed through it
//     (demo_apps.go): /web-frontend keeps three instances with a COMMAND health check
//     running, /web-api crashes and is backed off, and /analytics asks for more memory than
//     any agent has, so Marathon declines every offer for it (the "Waiting" problem that
//     `mesoscope why /analytics --marathon URL` explains from /v2/queue);
//   - role batch: two hand-written frameworks on embedded/schedclient (demo_workload.go):
//     batch-etl runs short tasks of which some fail, gpu-trainer a GPU task.
//
// The demo reads its Marathon's apps as any Marathon client would, over its REST API
// (demo_marathon.go: /v2/apps and /v2/queue). Stop stops the Marathon first; like a
// Marathon that fails over, it leaves its framework and tasks with the master, and the
// cluster's Stop then kills every task.
package cluster
