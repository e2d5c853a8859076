package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
	"github.com/mesoscope/mesoscope/embedded/schedclient"
)

// demoSpec is one framework of the demo's workload: it keeps Instances
// tasks of Task resources running (0: launches one task per offer that
// fits, batch style), each sleeping a random time in Duration, a share of
// them failing. It uses only the v1 scheduler API.
type demoSpec struct {
	name, role string
	gpu        bool
	task       resources.Resources
	instances  int
	duration   [2]time.Duration
	failEvery  int // every n-th task exits 1 (0: none)
}

// demoWorkload is the demo's hand-written frameworks, both in role batch:
// the web role's services and the app that waits are Marathon apps
// (demoApps), so that the DRF view has two weighted roles and several
// frameworks.
func demoWorkload() []demoSpec {
	return []demoSpec{
		{name: "batch-etl", role: "batch", task: resources.MustParse("cpus:1;mem:512"), duration: [2]time.Duration{2 * time.Second, 6 * time.Second}, failEvery: 5},
		{name: "gpu-trainer", role: "batch", gpu: true, task: resources.MustParse("cpus:1;mem:1024;gpus:1"), instances: 1, duration: [2]time.Duration{15 * time.Second, 30 * time.Second}},
	}
}

func (s demoSpec) info() mesos.FrameworkInfo {
	info := mesos.FrameworkInfo{User: currentUser(), Name: s.name, Role: s.role, Hostname: "localhost"}
	if s.gpu {
		info.Capabilities = append(info.Capabilities, mesos.FrameworkCapability{Type: mesos.FrameworkGPUResources})
	}
	return info
}

type demoFramework struct {
	spec   demoSpec
	client *schedclient.Client
	log    *slog.Logger
	rng    *rand.Rand
	scale  float64

	mu      sync.Mutex
	next    int
	running map[string]bool
	st      FrameworkStats
}

func (f *demoFramework) stats() FrameworkStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.st
	s.Name, s.Role, s.Running = f.spec.name, f.spec.role, len(f.running)
	s.Wants = f.spec.task.String()
	s.Waiting = s.Launched == 0
	return s
}

// handle is the framework's event handler (one goroutine, stream order).
func (f *demoFramework) handle(ctx context.Context, e *scheduler.Event) {
	switch e.Type {
	case scheduler.EventOffers:
		for _, o := range e.Offers.Offers {
			f.offer(ctx, o)
		}
	case scheduler.EventUpdate:
		f.update(&e.Update.Status)
	}
}

func (f *demoFramework) offer(ctx context.Context, o mesos.Offer) {
	f.mu.Lock()
	f.st.OffersReceived++
	avail := o.Resources.Resources.Clone()
	var tasks []mesos.TaskInfo
	for avail.Contains(f.spec.task) && (f.spec.instances == 0 || len(f.running)+len(tasks) < f.spec.instances) {
		tasks = append(tasks, f.newTask(o.AgentID))
		avail.Subtract(f.spec.task)
		if f.spec.instances == 0 && len(tasks) == 2 {
			break
		}
	}
	for _, t := range tasks {
		f.running[t.TaskID.Value] = true
	}
	f.st.Launched += len(tasks)
	if len(tasks) == 0 {
		f.st.OffersDeclined++
	}
	f.mu.Unlock()
	var err error
	if len(tasks) == 0 {
		err = f.client.Decline(ctx, []mesos.OfferID{o.ID}, nil)
	} else {
		err = f.client.Launch(ctx, o.ID, tasks...)
	}
	if err != nil && ctx.Err() == nil {
		f.log.Info("call failed", "err", err)
	}
}

func (f *demoFramework) newTask(agentID mesos.AgentID) mesos.TaskInfo {
	f.next++
	id := f.spec.name + "." + strconv.Itoa(f.next)
	secs := f.durationBetween(f.spec.duration[0], f.spec.duration[1]).Seconds()
	cmd := fmt.Sprintf("sleep %.2f", secs)
	if f.spec.failEvery > 0 && f.next%f.spec.failEvery == 0 {
		cmd += "; echo 'simulated failure' >&2; exit 1"
	}
	shell := true
	return mesos.TaskInfo{
		Name: f.spec.name, TaskID: mesos.TaskID{Value: id}, AgentID: agentID,
		Resources: mesos.ResourcesOf(f.spec.task.Clone()),
		Command:   &mesos.CommandInfo{Shell: &shell, Value: &cmd},
	}
}

func (f *demoFramework) update(s *mesos.TaskStatus) {
	if !s.State.IsTerminal() {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.running[s.TaskID.Value] {
		return
	}
	delete(f.running, s.TaskID.Value)
	switch s.State {
	case mesos.TaskFinished:
		f.st.Finished++
	case mesos.TaskFailed, mesos.TaskError:
		f.st.Failed++
	case mesos.TaskKilled:
		f.st.Killed++
	default:
		f.st.Lost++
	}
}
