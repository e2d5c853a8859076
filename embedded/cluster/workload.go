package cluster

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// The demo's workload drives the real hierarchical allocator the way Mesos's allocator
// benchmarks do (src/tests/hierarchical_allocator_benchmarks.cpp): frameworks in two
// weighted roles take what fits of each offer for short tasks, decline the rest with
// the default 5 s filter, and give resources back when tasks end. So the DRF shares,
// offer filters and allocation explanations are live. Agents' resources come from the
// agents of the demo; the scheduler API and real tasks arrive with the master.

// demoAgentShapes are the demo's agents: two plain ones and a GPU one.
var demoAgentShapes = []string{
	"cpus:4;mem:8192;disk:20000;ports:[31000-32000]",
	"cpus:8;mem:16384;disk:40000;ports:[31000-32000]",
	"cpus:4;mem:16384;disk:20000;gpus:1;ports:[31000-32000]",
}

// demoFramework is one framework of the workload.
type demoFramework struct {
	id, name, role string
	task           resources.Resources // one task's resources
	maxPerOffer    int
	taskTime       [2]time.Duration // min, max
}

var demoFrameworks = []demoFramework{
	{"demo-0001", "web-frontend", "web", resources.MustParse("cpus:0.5;mem:512"), 3, [2]time.Duration{4 * time.Second, 10 * time.Second}},
	{"demo-0002", "web-api", "web", resources.MustParse("cpus:1;mem:1024"), 2, [2]time.Duration{5 * time.Second, 15 * time.Second}},
	{"demo-0003", "batch-etl", "batch", resources.MustParse("cpus:2;mem:4096"), 1, [2]time.Duration{3 * time.Second, 8 * time.Second}},
}

// demoWeights are the roles' weights (--weights web=2,batch=1).
var demoWeights = map[string]float64{"web": 2, "batch": 1}

// workload runs on the master process's goroutine.
type workload struct {
	m      *demoMaster
	alloc  *allocator.Allocator
	log    *slog.Logger
	rng    *rand.Rand
	tasks  map[string]int // framework id -> running tasks
	agents map[string]bool
}

func newWorkload(m *demoMaster, alloc *allocator.Allocator, log *slog.Logger, seed uint64) *workload {
	return &workload{m: m, alloc: alloc, log: log, rng: rand.New(rand.NewPCG(seed, 1)),
		tasks: map[string]int{}, agents: map[string]bool{}}
}

// offers handles one framework's offers (on the master's goroutine): launch what fits,
// decline the rest.
func (w *workload) offers(frameworkID string, offers []allocator.Offer) {
	var fw *demoFramework
	for i := range demoFrameworks {
		if demoFrameworks[i].id == frameworkID {
			fw = &demoFrameworks[i]
		}
	}
	if fw == nil {
		return
	}
	for _, o := range offers {
		remaining := o.Resources.Clone()
		task := fw.task.Clone()
		task.Allocate(o.Role)
		launched := 0
		for launched < fw.maxPerOffer && remaining.Contains(task) && w.agents[o.AgentID] {
			remaining.Subtract(task)
			launched++
			w.tasks[fw.id]++
			w.finishLater(fw, o.AgentID, task.Clone())
		}
		// Decline what is left (Master::accept recovers it with the call's filters;
		// the default refuse_seconds is 5).
		if !remaining.IsEmpty() {
			w.alloc.RecoverResources(fw.id, o.AgentID, remaining, nil)
		}
	}
}

func (w *workload) finishLater(fw *demoFramework, agentID string, task resources.Resources) {
	span := fw.taskTime[1] - fw.taskTime[0]
	d := fw.taskTime[0] + time.Duration(w.rng.Int64N(int64(span)+1))
	process.Delay(&w.m.Base, d, w.m.Self(), "taskFinished", func() {
		w.tasks[fw.id]--
		if w.agents[agentID] {
			w.alloc.RecoverResources(fw.id, agentID, task, allocator.RefuseSeconds(0))
		}
	})
}

// agentLost forgets an agent the master marked unreachable.
func (w *workload) agentLost(agentID string) {
	if !w.agents[agentID] {
		return
	}
	delete(w.agents, agentID)
	w.alloc.RemoveAgent(agentID)
}

// start registers the agents and frameworks with the allocator.
func (w *workload) start(agentIDs []string) error {
	w.alloc.UpdateWeights(demoWeights)
	for i, id := range agentIDs {
		total, err := resources.Parse(demoAgentShapes[i%len(demoAgentShapes)], "*")
		if err != nil {
			return fmt.Errorf("agent %s: %w", id, err)
		}
		w.agents[id] = true
		w.alloc.AddAgent(id, total, nil)
	}
	for _, fw := range demoFrameworks {
		w.alloc.AddFramework(allocator.FrameworkInfo{ID: fw.id, Name: fw.name, Roles: []string{fw.role}}, nil, true, nil)
	}
	return nil
}
