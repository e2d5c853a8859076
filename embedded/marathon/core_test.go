package marathon

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// harness drives a core synchronously: inputs at explicit times, actions
// collected.
type harness struct {
	t       *testing.T
	c       *core
	now     time.Time
	pending []Action // returned by status but not yet by actions
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	cfg.Master = "http://master:5050"
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, c: newCore(cfg), now: t0}
	h.c.subscribedTo(h.now, "fw-1")
	h.c.takeActions()
	return h
}

func (h *harness) actions() []Action {
	a := append(h.pending, h.c.takeActions()...)
	h.pending = nil
	return a
}

func (h *harness) advance(d time.Duration) []Action {
	h.now = h.now.Add(d)
	h.c.tick(h.now)
	return h.actions()
}

func (h *harness) create(app *App) *deployment {
	h.t.Helper()
	d, err := h.c.createApp(h.now, app)
	if err != nil {
		h.t.Fatalf("createApp(%s): %v", app.ID, err)
	}
	return d
}

// offers feeds offers and returns the launched tasks and declined offers.
func (h *harness) offers(os ...mesos.Offer) (launched []mesos.TaskInfo, declined []string) {
	h.c.offers(h.now, os)
	for _, a := range h.actions() {
		switch a := a.(type) {
		case LaunchAction:
			launched = append(launched, a.Tasks...)
		case DeclineAction:
			for _, id := range a.OfferIDs {
				declined = append(declined, id.Value)
			}
		}
	}
	return launched, declined
}

// status sends a status update for a task.
func (h *harness) status(task string, s mesos.TaskState, healthy *bool) []Action {
	agent := mesos.AgentID{Value: "s1"}
	if i := h.c.byTask[task]; i != nil {
		agent = mesos.AgentID{Value: i.Task.AgentID}
	}
	h.c.update(h.now, mesos.TaskStatus{TaskID: mesos.TaskID{Value: task}, State: s, Healthy: healthy, AgentID: &agent})
	a := h.c.takeActions()
	h.pending = append(h.pending, a...)
	return a
}

func (h *harness) runAll(tasks []mesos.TaskInfo) {
	for _, t := range tasks {
		h.status(t.TaskID.Value, mesos.TaskRunning, nil)
	}
}

func bigOffer(t *testing.T, n int) mesos.Offer {
	return offer(t, "o"+itoa(n), "s"+itoa(n), "h"+itoa(n), "*", "cpus:16;mem:16384;disk:10000;ports:[31000-31999]")
}

func hasAction[T Action](as []Action) (T, bool) {
	for _, a := range as {
		if x, ok := a.(T); ok {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// An app is launched over offers, goes RUNNING, its deployment finishes
// and offers are suppressed again.
func TestCoreDeploy(t *testing.T) {
	h := newHarness(t, Config{MinReviveOffersInterval: time.Nanosecond})
	h.advance(time.Second)
	d := h.create(testApp("/web", 3, func(a *App) { a.CPUs = 1 }))
	if r, ok := hasAction[ReviveAction](h.actions()); !ok || !slices.Equal(r.Roles, []string{"*"}) {
		t.Fatalf("createApp() actions lack REVIVE [*]")
	}
	small := offer(t, "o1", "s1", "h1", "*", "cpus:2;mem:1024")
	launched, declined := h.offers(small)
	if len(launched) != 2 || len(declined) != 0 {
		t.Fatalf("offers(2 cpus) launched %d, declined %v, want 2 launched", len(launched), declined)
	}
	q := h.c.queueView(h.now, true)
	if len(q.Queue) != 1 || q.Queue[0].Count != 1 || q.Queue[0].ProcessedOffersSummary.ProcessedOffersCount != 3 {
		t.Fatalf("queue after one offer = %+v, want one entry, count 1, 3 processed (2 matched, 1 not)", q.Queue)
	}
	more, _ := h.offers(offer(t, "o2", "s2", "h2", "*", "cpus:2;mem:1024"))
	launched = append(launched, more...)
	if len(launched) != 3 {
		t.Fatalf("launched %d tasks, want 3", len(launched))
	}
	for _, tk := range launched {
		env := map[string]string{}
		for _, v := range tk.Command.Environment.Variables {
			env[v.Name] = *v.Value
		}
		if env["MARATHON_APP_ID"] != "/web" || env["MESOS_TASK_ID"] != tk.TaskID.Value || env["HOST"] == "" {
			t.Errorf("task %s environment = %v, want MARATHON_APP_ID, MESOS_TASK_ID and HOST", tk.TaskID.Value, env)
		}
	}
	if q := h.c.queueView(h.now, false); len(q.Queue) != 0 {
		t.Errorf("queue after launching all = %+v, want empty", q.Queue)
	}
	if h.c.deploymentFor("/web") != d {
		t.Fatalf("deployment finished before the tasks run")
	}
	h.runAll(launched)
	if h.c.deploymentFor("/web") != nil {
		t.Errorf("deployment still running after all tasks RUNNING")
	}
	h.now = h.now.Add(time.Second)
	h.c.settle(h.now)
	if s, ok := hasAction[SuppressAction](h.actions()); !ok || !slices.Equal(s.Roles, []string{"*"}) {
		t.Errorf("no SUPPRESS [*] once nothing is left to launch")
	}
	v := h.c.appView(h.c.apps["/web"], true)
	if v.TasksRunning != 3 || len(*v.Tasks) != 3 {
		t.Errorf("appView() running = %d, tasks %d, want 3, 3", v.TasksRunning, len(*v.Tasks))
	}
}

func ptr[T any](v T) *T { return &v }

// Unmatched offers are declined for --decline_offer_duration and counted
// in the funnel, per launch attempt and per agent's last offer.
func TestCoreFunnel(t *testing.T) {
	h := newHarness(t, Config{})
	h.create(testApp("/big", 1, func(a *App) { a.CPUs = 3 }))
	h.actions()
	var os []mesos.Offer
	for i := range 3 {
		os = append(os, offer(t, "o"+itoa(i), "s"+itoa(i), "h"+itoa(i), "*", "cpus:2;mem:1024"))
	}
	h.c.offers(h.now, os)
	dec, ok := hasAction[DeclineAction](h.actions())
	if !ok || len(dec.OfferIDs) != 3 || dec.RefuseSeconds != 120 {
		t.Fatalf("offers() decline = %+v, want 3 offers refused for 120s", dec)
	}
	h.now = h.now.Add(time.Second)
	h.offers(os[0])
	item := h.c.queueView(h.now, true).Queue[0]
	s := item.ProcessedOffersSummary
	if s.ProcessedOffersCount != 4 || s.UnusedOffersCount != 4 {
		t.Errorf("processed %d unused %d, want 4, 4", s.ProcessedOffersCount, s.UnusedOffersCount)
	}
	wantAttempt := FunnelSteps(4, map[Reason]int{InsufficientCpus: 4})
	wantLast := FunnelSteps(3, map[Reason]int{InsufficientCpus: 3})
	if !slices.Equal(s.RejectSummaryLaunchAttempt, wantAttempt) || !slices.Equal(s.RejectSummaryLastOffers, wantLast) {
		t.Errorf("funnels = %v / %v, want %v / %v", s.RejectSummaryLaunchAttempt, s.RejectSummaryLastOffers, wantAttempt, wantLast)
	}
	if item.LastUnusedOffers == nil || len(*item.LastUnusedOffers) != 3 {
		t.Fatalf("lastUnusedOffers = %v, want one per agent", item.LastUnusedOffers)
	}
	if got := (*item.LastUnusedOffers)[0].Reason; !slices.Equal(got, []Reason{InsufficientCpus}) {
		t.Errorf("lastUnusedOffers[0].reason = %v, want [InsufficientCpus]", got)
	}
	if !item.Delay.Overdue || s.LastUnusedOfferAt == "" || s.LastUsedOfferAt != "" {
		t.Errorf("item = %+v, want overdue, an unused offer time and no used one", item)
	}
}

// At most --max_instances_per_offer instances per offer.
func TestCoreMaxInstancesPerOffer(t *testing.T) {
	h := newHarness(t, Config{MaxInstancesPerOffer: 3})
	h.create(testApp("/many", 10, func(a *App) { a.CPUs, a.Mem = 0.1, 16 }))
	launched, _ := h.offers(bigOffer(t, 1))
	if len(launched) != 3 {
		t.Errorf("launched %d from one offer, want 3", len(launched))
	}
	seen := map[string]bool{}
	for _, tk := range launched {
		if seen[tk.TaskID.Value] || tk.AgentID.Value != "s1" || tk.Name != "many" {
			t.Errorf("task %+v: duplicate id, wrong agent or name", tk.TaskID)
		}
		seen[tk.TaskID.Value] = true
	}
}

// A failed task delays its app's next launch (backoffSeconds, then ×
// backoffFactor); offers meanwhile are declined without counting; the
// delay's end revives; DELETE delay lifts it.
func TestCoreBackoff(t *testing.T) {
	h := newHarness(t, Config{MinReviveOffersInterval: time.Nanosecond})
	h.create(testApp("/crash", 1, func(a *App) { a.BackoffSeconds, a.BackoffFactor = 10, 2 }))
	launched, _ := h.offers(bigOffer(t, 1))
	h.status(launched[0].TaskID.Value, mesos.TaskFailed, nil)
	item := h.c.queueView(h.now, false).Queue[0]
	if item.Delay.Overdue || item.Delay.TimeLeftSeconds != 10 {
		t.Errorf("delay after a failure = %+v, want 10s left, not overdue", item.Delay)
	}
	if f := h.c.appView(h.c.apps["/crash"], false).LastTaskFailure; f == nil || f.State != "TASK_FAILED" {
		t.Errorf("lastTaskFailure = %+v, want TASK_FAILED", f)
	}
	h.now = h.now.Add(5 * time.Second)
	if l, d := h.offers(bigOffer(t, 2)); len(l) != 0 || len(d) != 1 {
		t.Errorf("offer during the delay launched %d, declined %v, want declined", len(l), d)
	}
	if p := h.c.stats["/crash"]; p != nil && p.Processed != 1 {
		t.Errorf("offers processed during the delay = %d, want 1 (the first launch only)", p.Processed)
	}
	acts := h.advance(6 * time.Second)
	if _, ok := hasAction[ReviveAction](acts); !ok {
		t.Errorf("no REVIVE when the delay ended: %v", acts)
	}
	launched, _ = h.offers(bigOffer(t, 3))
	if len(launched) != 1 {
		t.Fatalf("no launch after the delay")
	}
	h.status(launched[0].TaskID.Value, mesos.TaskFailed, nil)
	if d, _ := h.c.limiter.Delay(h.c.apps["/crash"]); d.Current != 20*time.Second {
		t.Errorf("second delay = %v, want 20s", d.Current)
	}
	if err := h.c.resetDelay(h.now, "/crash"); err != nil {
		t.Fatalf("resetDelay() = %v", err)
	}
	if !h.c.queueView(h.now, false).Queue[0].Delay.Overdue {
		t.Errorf("delay still there after resetDelay")
	}
	// Still queued (its instance waits for an offer): 204 without a delay, as in
	// Marathon; an app that is not in the queue gets the 404.
	if err := h.c.resetDelay(h.now, "/crash"); err != nil {
		t.Errorf("resetDelay() of a queued app without delay = %v, want nil (204)", err)
	}
	if err := h.c.resetDelay(h.now, "/unknown"); !errors.Is(err, ErrNoDelay) || !strings.Contains(err.Error(), "/unknown") {
		t.Errorf("resetDelay(unknown app) = %v, want ErrNoDelay naming the app", err)
	}
}

// TASK_LOST and TASK_KILLED relaunch without a delay; FINISHED delays.
func TestCoreWhichEndsDelay(t *testing.T) {
	for _, tt := range []struct {
		state mesos.TaskState
		delay bool
	}{{mesos.TaskLost, false}, {mesos.TaskKilled, false}, {mesos.TaskFinished, true}, {mesos.TaskError, true}, {mesos.TaskDropped, true}} {
		h := newHarness(t, Config{})
		h.create(testApp("/a", 1))
		launched, _ := h.offers(bigOffer(t, 1))
		h.status(launched[0].TaskID.Value, tt.state, nil)
		_, delayed := h.c.limiter.Delay(h.c.apps["/a"])
		if delayed != tt.delay || h.c.scheduledCount("/a") != 1 {
			t.Errorf("after %v: delayed = %v, scheduled = %d, want %v, 1", tt.state, delayed, h.c.scheduledCount("/a"), tt.delay)
		}
	}
}

// Restarts keep within the upgrade strategy's bounds and replace every
// instance.
func TestCoreRestartStrategies(t *testing.T) {
	for _, us := range []UpgradeStrategy{{1, 1}, {0, 0}, {0.5, 0}, {1, 0}, {0.5, 0.5}, {0, 1}} {
		t.Run(fmt.Sprintf("%v-%v", us.MinimumHealthCapacity, us.MaximumOverCapacity), func(t *testing.T) {
			h := newHarness(t, Config{})
			app := testApp("/r", 4)
			app.UpgradeStrategy = us // after Normalize, which reads {0, 0} as the default
			h.create(app)
			launched, _ := h.offers(bigOffer(t, 1))
			h.runAll(launched)
			if h.c.deploymentFor("/r") != nil {
				t.Fatal("initial deployment did not finish")
			}
			strategy := ComputeRestartStrategy(4, us, 4, 4)
			minHealthy := int(float64(4)*us.MinimumHealthCapacity + 0.999)
			d, err := h.c.restartApp(h.now.Add(time.Second), "/r", false)
			if err != nil {
				t.Fatal(err)
			}
			kills := 0
			for round := 0; h.c.deploymentFor("/r") == d; round++ {
				if round > 50 {
					t.Fatalf("restart did not finish in 50 rounds")
				}
				for _, a := range h.actions() {
					if k, ok := a.(KillAction); ok {
						kills++
						h.status(k.TaskID.Value, mesos.TaskKilled, nil)
					}
				}
				if n := h.live(); n > strategy.MaxCapacity {
					t.Errorf("round %d: %d instances alive or waiting, want at most %d", round, n, strategy.MaxCapacity)
				}
				if n := h.running(); n < minHealthy && round > 0 {
					t.Errorf("round %d: %d instances running, want at least %d", round, n, minHealthy)
				}
				h.now = h.now.Add(time.Second)
				launched, _ := h.offers(bigOffer(t, round+2))
				h.runAll(launched)
			}
			if kills != 4 {
				t.Errorf("killed %d old instances, want 4", kills)
			}
			app = h.c.apps["/r"]
			for _, i := range h.c.appInstances("/r") {
				if !i.Config.Equal(app.VersionInfo.LastConfigChangeAt) || i.Cond != Running {
					t.Errorf("instance %s is %v of config %v, want running the new config", i.ID, i.Cond, i.Config)
				}
			}
			if n := len(h.c.appInstances("/r")); n != 4 {
				t.Errorf("%d instances after the restart, want 4", n)
			}
		})
	}
}

// live counts instances that hold or wait for resources.
func (h *harness) live() int { return len(h.c.instances) }

// running counts instances with a RUNNING task.
func (h *harness) running() int {
	n := 0
	for _, i := range h.c.instances {
		if i.Cond == Running {
			n++
		}
	}
	return n
}

// Health checks gate deployments: RUNNING is not enough, healthy is.
func TestCoreHealthGatesDeployment(t *testing.T) {
	h := newHarness(t, Config{})
	d := h.create(testApp("/h", 1, func(a *App) { a.HealthChecks = []HealthCheck{{Command: "true", MaxConsecutiveFailures: 3}} }))
	launched, _ := h.offers(bigOffer(t, 1))
	if hc := launched[0].HealthCheck; hc == nil || hc.Type != mesos.HealthCheckCommand || hc.Command.GetValue() != "true" {
		t.Fatalf("TaskInfo.health_check = %+v, want the COMMAND check", launched[0].HealthCheck)
	}
	h.status(launched[0].TaskID.Value, mesos.TaskRunning, nil)
	if h.c.deploymentFor("/h") != d {
		t.Fatal("deployment finished with a task of unknown health")
	}
	h.status(launched[0].TaskID.Value, mesos.TaskRunning, ptr(false))
	if h.c.deploymentFor("/h") != d {
		t.Fatal("deployment finished with an unhealthy task")
	}
	h.status(launched[0].TaskID.Value, mesos.TaskRunning, ptr(true))
	if h.c.deploymentFor("/h") != nil {
		t.Fatal("deployment still running with a healthy task")
	}
	v := h.c.appView(h.c.apps["/h"], true)
	if v.TasksHealthy != 1 || len((*v.Tasks)[0].HealthCheckResults) != 1 || !(*v.Tasks)[0].HealthCheckResults[0].Alive {
		t.Errorf("appView() = healthy %d, results %+v, want 1 alive", v.TasksHealthy, (*v.Tasks)[0].HealthCheckResults)
	}
}

// Scaling down kills the youngest running tasks (YOUNGEST_FIRST).
func TestCoreScaleDown(t *testing.T) {
	h := newHarness(t, Config{})
	h.create(testApp("/s", 3))
	var order []string
	for i := range 3 {
		h.now = h.now.Add(time.Minute)
		launched, _ := h.offers(offer(t, "o"+itoa(i), "s"+itoa(i), "h"+itoa(i), "*", "cpus:0.5;mem:64"))
		h.runAll(launched)
		order = append(order, launched[0].TaskID.Value)
	}
	if _, err := h.c.scaleApp(h.now, "/s", 1, nil, false); err != nil {
		t.Fatal(err)
	}
	var killed []string
	for _, a := range h.actions() {
		if k, ok := a.(KillAction); ok {
			killed = append(killed, k.TaskID.Value)
		}
	}
	slices.Sort(killed)
	want := []string{order[1], order[2]}
	slices.Sort(want)
	if !slices.Equal(killed, want) {
		t.Errorf("killed %v, want the two youngest %v", killed, want)
	}
	for _, id := range killed {
		h.status(id, mesos.TaskKilled, nil)
	}
	if h.c.deploymentFor("/s") != nil || len(h.c.appInstances("/s")) != 1 {
		t.Errorf("scale to 1: deployment %v, %d instances, want done with 1", h.c.deploymentFor("/s"), len(h.c.appInstances("/s")))
	}
}

// Tasks Marathon does not know are killed; updates with a uuid are
// acknowledged.
func TestCoreUnknownTasks(t *testing.T) {
	h := newHarness(t, Config{})
	agent := mesos.AgentID{Value: "s9"}
	h.c.update(h.now, mesos.TaskStatus{TaskID: mesos.TaskID{Value: "ghost.1"}, State: mesos.TaskRunning, AgentID: &agent, UUID: []byte{1}})
	acts := h.actions()
	if k, ok := hasAction[KillAction](acts); !ok || k.TaskID.Value != "ghost.1" {
		t.Errorf("update(unknown RUNNING) actions = %v, want a KILL", acts)
	}
	if _, ok := hasAction[AckAction](acts); !ok {
		t.Errorf("update with uuid not acknowledged: %v", acts)
	}
	h.c.update(h.now, mesos.TaskStatus{TaskID: mesos.TaskID{Value: "ghost.2"}, State: mesos.TaskFinished, AgentID: &agent})
	if _, ok := hasAction[KillAction](h.actions()); ok {
		t.Errorf("update(unknown FINISHED) killed it")
	}
}

// Reconciliation runs after --reconciliation_initial_delay, explicitly
// then implicitly, and again every --reconciliation_interval.
func TestCoreReconcile(t *testing.T) {
	h := newHarness(t, Config{ReconciliationInitialDelay: 15 * time.Second, ReconciliationInterval: 600 * time.Second})
	h.create(testApp("/a", 2))
	launched, _ := h.offers(bigOffer(t, 1))
	h.runAll(launched)
	count := func(as []Action) (explicit, implicit int) {
		for _, a := range as {
			if r, ok := a.(ReconcileAction); ok {
				if len(r.Tasks) > 0 {
					explicit += len(r.Tasks)
				} else {
					implicit++
				}
			}
		}
		return
	}
	if e, i := count(h.advance(10 * time.Second)); e+i != 0 {
		t.Errorf("reconciled before the initial delay")
	}
	if e, i := count(h.advance(6 * time.Second)); e != 2 || i != 1 {
		t.Errorf("after the initial delay: explicit %d implicit %d, want 2, 1", e, i)
	}
	if e, i := count(h.advance(600 * time.Second)); e != 2 || i != 1 {
		t.Errorf("after the interval: explicit %d implicit %d, want 2, 1", e, i)
	}
	// An answer TASK_LOST for a task relaunches it.
	h.c.update(h.now, mesos.TaskStatus{TaskID: mesos.TaskID{Value: launched[0].TaskID.Value}, State: mesos.TaskLost,
		Reason: mesos.ReasonPtr(mesos.ReasonReconciliation)})
	if h.c.scheduledCount("/a") != 1 {
		t.Errorf("TASK_LOST from reconciliation did not relaunch the instance")
	}
}

// A refused ACCEPT puts its instances back in the queue.
func TestCoreLaunchFailed(t *testing.T) {
	h := newHarness(t, Config{})
	h.create(testApp("/a", 2))
	launched, _ := h.offers(bigOffer(t, 1))
	h.c.launchFailed(h.now, []string{launched[0].TaskID.Value, launched[1].TaskID.Value})
	if h.c.scheduledCount("/a") != 2 || len(h.c.byTask) != 0 {
		t.Errorf("after launchFailed: %d scheduled, %d tasks, want 2, 0", h.c.scheduledCount("/a"), len(h.c.byTask))
	}
}

// A launch without any status is given up after --task_launch_confirm_timeout.
func TestCoreLaunchTimeout(t *testing.T) {
	h := newHarness(t, Config{TaskLaunchTimeout: time.Minute})
	h.create(testApp("/a", 1))
	launched, _ := h.offers(bigOffer(t, 1))
	acts := h.advance(61 * time.Second)
	if k, ok := hasAction[KillAction](acts); !ok || k.TaskID.Value != launched[0].TaskID.Value {
		t.Errorf("no KILL of the unconfirmed launch: %v", acts)
	}
	if h.c.scheduledCount("/a") != 1 {
		t.Errorf("instance not relaunched after the launch timeout")
	}
}

// Changes to an app under deployment conflict unless forced; rollback of a
// creation deletes the app.
func TestCoreConflictForceRollback(t *testing.T) {
	h := newHarness(t, Config{})
	d := h.create(testApp("/a", 2))
	var ce *ConflictError
	if _, err := h.c.scaleApp(h.now, "/a", 3, nil, false); !errors.As(err, &ce) || ce.Deployments[0] != d.ID {
		t.Fatalf("scaleApp during a deployment = %v, want a conflict naming %s", err, d.ID)
	}
	d2, err := h.c.scaleApp(h.now, "/a", 3, nil, true)
	if err != nil || len(h.c.deployments) != 1 || h.c.deployments[0] != d2 {
		t.Fatalf("forced scaleApp = %v, deployments %d, want it to replace the running one", err, len(h.c.deployments))
	}
	back, err := h.c.cancelDeployment(h.now, d2.ID, false)
	if err != nil || back == nil {
		t.Fatalf("cancelDeployment() = %v, %v, want a rollback deployment", back, err)
	}
	if got := h.c.apps["/a"].Instances; got != 2 {
		t.Errorf("after rollback instances = %d, want 2", got)
	}
	if _, err := h.c.cancelDeployment(h.now, "nope", true); !errors.Is(err, ErrDeploymentNotFound) {
		t.Errorf("cancelDeployment(unknown) = %v, want ErrDeploymentNotFound", err)
	}
	if _, err := h.c.createApp(h.now, testApp("/a", 1)); !errors.Is(err, ErrAppExists) {
		t.Errorf("createApp(existing) = %v, want ErrAppExists", err)
	}
	if _, err := h.c.createApp(h.now, testApp("/x", 1, func(a *App) { a.Role = "other" })); err == nil {
		t.Errorf("createApp(role not the framework's) = nil error, want a 422")
	}
}

// Deleting an app kills its tasks; it is gone from the API at once and
// from the core when they are.
func TestCoreDelete(t *testing.T) {
	h := newHarness(t, Config{})
	h.create(testApp("/a", 2))
	launched, _ := h.offers(bigOffer(t, 1))
	h.runAll(launched)
	if _, err := h.c.deleteApp(h.now, "/a", false); err != nil {
		t.Fatal(err)
	}
	if len(h.c.appsView("", "", false)) != 0 {
		t.Errorf("deleted app still listed")
	}
	for _, a := range h.actions() {
		if k, ok := a.(KillAction); ok {
			h.status(k.TaskID.Value, mesos.TaskKilled, nil)
		}
	}
	if h.c.apps["/a"] != nil || len(h.c.instances) != 0 || len(h.c.deployments) != 0 {
		t.Errorf("after the kills: app %v, %d instances, %d deployments, want all gone", h.c.apps["/a"], len(h.c.instances), len(h.c.deployments))
	}
}

// The saved state restores apps, instances, deployments and the
// framework id.
func TestCoreSaveRestore(t *testing.T) {
	h := newHarness(t, Config{})
	h.create(testApp("/a", 2, func(a *App) { a.Constraints = []Constraint{MustParseConstraint("hostname", "UNIQUE")} }))
	launched, _ := h.offers(bigOffer(t, 1))
	data, err := h.c.save(h.now)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := Config{Master: "m"}.withDefaults()
	c2 := newCore(cfg)
	if err := c2.restore(data); err != nil {
		t.Fatal(err)
	}
	if c2.frameworkID != "fw-1" || len(c2.apps) != 1 || len(c2.instances) != 2 || len(c2.deployments) != 1 || c2.byTask[launched[0].TaskID.Value] == nil {
		t.Errorf("restored: fw %q apps %d instances %d deployments %d, want fw-1 1 2 1 and the task", c2.frameworkID, len(c2.apps), len(c2.instances), len(c2.deployments))
	}
	if err := c2.restore([]byte("{")); err == nil {
		t.Errorf("restore(garbage) = nil error")
	}
}
