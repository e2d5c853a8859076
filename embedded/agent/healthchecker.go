package agent

import (
	"context"
	"fmt"
	"maps"
	"math"
	"path/filepath"
	"strconv"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// healthChecker health-checks one task for the executor the agent plays: it is
// HealthChecker (src/checks/health_checker.cpp) with its CheckerProcess
// (src/checks/checker_process.cpp) folded into the agent process.
//
// The first check runs delay_seconds after the checker starts, each next one
// interval_seconds after the previous result (CheckerProcess::scheduleNext), on the
// runtime's clock. A check runs on a goroutine of the agent (a.wg) and its result
// comes back to the agent process; a check still running timeout_seconds after it
// began fails at once ("... timed out after ...") and is cancelled — a COMMAND
// check's process group gets SIGKILL. Results go through healthState; the statuses
// it reports go to report, the executor's taskHealthUpdated.
//
// While paused reports true (the executor is killing the task:
// CheckerProcess::pause) no check starts and results are dropped. stop ends the
// checker for good and cancels the check in flight; the executor calls it when the
// task's container has terminated (and Finalize for the rest). Every method runs on
// the agent process.
type healthChecker struct {
	a       *Agent
	name    string // "COMMAND health check"
	fwID    string
	taskID  string
	probe   healthProbe
	timings healthTimings
	state   healthState
	paused  func() bool
	report  func(healthStatus)

	next       *process.Timer // the next check
	deadline   *process.Timer // the timeout of the check in flight
	run        *healthRun     // the check in flight
	stopped    bool
	killedTask bool // the executor killed the task on a kill_task status (killedByHealthCheck)
}

// healthRun is one check in flight.
type healthRun struct {
	cancel context.CancelFunc
}

// neverDuration stands for durations too large to schedule.
const neverDuration = time.Duration(math.MaxInt64)

// newHealthChecker returns a checker for a validated HealthCheck; start starts it.
func (a *Agent) newHealthChecker(fwID, taskID string, h *mesos.HealthCheck, probe healthProbe,
	paused func() bool, report func(healthStatus)) *healthChecker {
	return &healthChecker{
		a: a, name: probe.String(), fwID: fwID, taskID: taskID, probe: probe,
		timings: timingsOf(h), paused: paused, report: report,
	}
}

// start is HealthChecker's constructor and CheckerProcess::initialize: the grace
// period counts from now and the first check is scheduled after delay_seconds.
func (h *healthChecker) start() {
	h.state = newHealthState(h.a.now(), h.timings.grace, h.timings.maxFailures)
	h.a.log.Info("Starting health checking", "task", h.taskID, "type", h.probe.kind.String(),
		"delay", formatDuration(h.timings.delay), "interval", formatDuration(h.timings.interval))
	h.schedule(h.timings.delay)
}

// schedule is CheckerProcess::scheduleNext.
func (h *healthChecker) schedule(d time.Duration) {
	h.next.Stop()
	h.next = nil
	if d == neverDuration {
		return
	}
	h.next = process.Delay(&h.a.Base, d, h.a.Self(), "healthCheck", h.perform)
}

// perform is CheckerProcess::performCheck: the check starts on a goroutine of the
// agent, with its timeout on the runtime's clock.
func (h *healthChecker) perform() {
	h.next = nil
	if h.stopped || h.run != nil || h.paused() {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &healthRun{cancel: cancel}
	h.run = run
	if t := h.timings.timeout; t > 0 && t != neverDuration {
		h.deadline = process.Delay(&h.a.Base, t, h.a.Self(), "healthCheckTimeout", func() { h.timedOut(run) })
	}
	probe := h.probe
	a, self := h.a, h.a.Self()
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer cancel()
		err := probe.run(ctx)
		process.Do(a.rt, self, "healthCheckResult", func() { h.finished(run, err) })
	}()
}

// timedOut fails the check in flight after timeout_seconds and cancels it (the
// .after(timeout) of CheckerProcess's commandCheck, httpCheck and tcpCheck).
func (h *healthChecker) timedOut(run *healthRun) {
	if run != h.run {
		return
	}
	run.cancel()
	what := map[mesos.HealthCheckType]string{
		mesos.HealthCheckCommand: "command", mesos.HealthCheckHTTP: "http request", mesos.HealthCheckTCP: "TCP connection",
	}[h.probe.kind]
	h.finished(run, fmt.Errorf("%s timed out after %s", what, formatDuration(h.timings.timeout)))
}

// finished is CheckerProcess::processCheckResult: a result of the check in flight
// goes to the verdict (unless checking is paused) and the next check is scheduled.
// A late result of a check that timed out, or of a stopped checker, is dropped.
func (h *healthChecker) finished(run *healthRun, err error) {
	if run != h.run {
		return
	}
	h.run = nil
	h.deadline.Stop()
	h.deadline = nil
	if h.stopped {
		return
	}
	if h.paused() {
		h.a.log.Info("Ignoring "+h.name+" result: checking is paused", "task", h.taskID)
		return
	}
	h.process(err)
	h.schedule(h.timings.interval)
}

// process is HealthChecker::processCheckResult with its logs, plus a
// "task.health_check" point event (task_id, framework_id, the check's type, its
// result — passed, failed or ignored during the grace period — the consecutive
// failures and the failure message).
func (h *healthChecker) process(err error) {
	st, report, ignored := h.state.result(h.a.now(), err)
	result := "passed"
	switch {
	case ignored:
		result = "ignored"
		h.a.log.Info("Ignoring failure of "+h.name+": still in grace period", "task", h.taskID, "err", err)
	case err != nil:
		result = "failed"
		h.a.log.Warn(h.name+" failed", "task", h.taskID, "err", err, "consecutive_failures", st.consecutiveFailures)
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	h.a.Event("task.health_check",
		observe.Attr{Key: "mesos.task_id", Value: h.taskID},
		observe.Attr{Key: "mesos.framework_id", Value: h.fwID},
		observe.Attr{Key: "mesos.health_check.type", Value: h.probe.kind.String()},
		observe.Attr{Key: "mesos.health_check.result", Value: result},
		observe.Attr{Key: "mesos.health_check.consecutive_failures", Value: strconv.FormatUint(uint64(h.state.failures), 10)},
		observe.Attr{Key: "mesos.health_check.message", Value: msg})
	if report {
		h.report(st)
	}
}

// stop ends the checker (~HealthChecker): no further check, and the one in flight
// is cancelled. It is safe on a nil checker and idempotent.
func (h *healthChecker) stop() {
	if h == nil || h.stopped {
		return
	}
	h.stopped = true
	h.next.Stop()
	h.deadline.Stop()
	h.next, h.deadline = nil, nil
	if h.run != nil {
		h.run.cancel()
		h.run = nil
	}
}

// taskEnvironment is the environment a container's task gets
// (MesosContainerizerProcess::_launch as the containerizer builds it): the default
// PATH, the agent's executor environment, MESOS_SANDBOX, then the command's VALUE
// variables. A COMMAND check inherits it, as it inherits the executor's in Mesos.
func taskEnvironment(cfg containerizer.ContainerConfig, sandbox string) map[string]string {
	env := map[string]string{"PATH": checkDefaultPath}
	maps.Copy(env, cfg.Environment)
	env["MESOS_SANDBOX"] = sandbox
	if cfg.CommandInfo.Environment != nil {
		for _, v := range cfg.CommandInfo.Environment.Variables {
			env[v.Name] = v.Value
		}
	}
	return env
}

// startTaskHealthCheck is the part of the command executor's launch()
// (src/launcher/executor.cpp) that creates the task's HealthChecker once the task
// runs, before TASK_RUNNING. The check runs in the task's sandbox with its
// environment, its output appended to the sandbox's stderr. An invalid health check
// is logged and the task runs unchecked ("Failed to create health checker"), as in
// Mesos. Tasks of custom executors are not checked: their executor would do it.
func (a *Agent) startTaskHealthCheck(f *framework, e *executor) {
	t := e.launchedTasks[e.taskID]
	if !e.commandTask || t == nil || t.HealthCheck == nil {
		return
	}
	if err := validateHealthCheck(t.HealthCheck); err != nil {
		a.log.Error("Failed to create health checker", "task", e.taskID, "err", err)
		return
	}
	cfg := a.containerConfig(f, e, mesos.TaskInfo{Command: e.info.Command, Resources: t.Resources})
	probe := newHealthProbe(t.HealthCheck, e.directory, taskEnvironment(cfg, e.directory), filepath.Join(e.directory, "stderr"))
	e.health = a.newHealthChecker(f.id, e.taskID, t.HealthCheck, probe,
		func() bool { return e.killed || e.reaped },
		func(st healthStatus) { a.taskHealthUpdated(f, e, st) })
	e.health.start()
}

// taskHealthUpdated is CommandExecutor::taskHealthUpdated: unless the task is being
// killed or has terminated, the verdict is a TASK_RUNNING update with healthy set and
// REASON_TASK_HEALTH_CHECK_STATUS_UPDATED; on kill_task the task is killed as a
// KillTaskMessage without a kill policy would (the task's grace, else 3 s), and its
// terminal update will say healthy: false.
func (a *Agent) taskHealthUpdated(f *framework, e *executor, st healthStatus) {
	if e.killed || e.reaped {
		return
	}
	a.log.Info("Received task health update", "task", e.taskID, "healthy", st.healthy)
	a.healthUpdate(f, e, e.taskID, st.healthy)
	if st.killTask {
		e.health.killedTask = true
		grace := a.cfg.KillGracePeriod
		if e.killPolicy != nil && e.killPolicy.GracePeriod != nil {
			grace = e.killPolicy.GracePeriod.Duration()
		}
		a.killWithGrace(f, e, max(grace, 0))
	}
}

// startGroupHealthChecks is the part of DefaultExecutor::__launchGroup that creates
// a HealthChecker for every launched task of a group that has a health check,
// before TASK_RUNNING. A COMMAND check runs in the task's sandbox with the task's
// environment (Mesos runs it in a nested check container of the task's container);
// its output is dropped. If a health check is invalid the executor shuts down
// (DefaultExecutor::_shutdown: "Failed to create health checker") and false is
// returned: the group is not reported running and its tasks fail with the executor.
func (a *Agent) startGroupHealthChecks(f *framework, e *executor, g *taskGroup) bool {
	if e.shuttingDown {
		return true
	}
	var checked []*child
	for _, t := range g.tasks {
		c := e.children[t.TaskID.Value]
		if c == nil || !c.launched || c.info.HealthCheck == nil {
			continue
		}
		if err := validateHealthCheck(c.info.HealthCheck); err != nil {
			a.log.Error("Failed to create health checker; shutting down the executor", "task", c.taskID, "executor", e.id, "err", err)
			a.exitDefaultExecutor(f, e)
			return false
		}
		checked = append(checked, c)
	}
	ip := a.Self().Address.Addr().String()
	for _, c := range checked {
		sandbox := filepath.Join(e.directory, containersDir, c.containerID.Value)
		probe := newHealthProbe(c.info.HealthCheck, sandbox, taskEnvironment(nestedConfig(c.info, ip), sandbox), "")
		c.health = a.newHealthChecker(f.id, c.taskID, c.info.HealthCheck, probe,
			func() bool { return c.killing || e.children[c.taskID] != c },
			func(st healthStatus) { a.childHealthUpdated(f, e, c, st) })
		c.health.start()
	}
	return true
}

// childHealthUpdated is DefaultExecutor::taskHealthUpdated: unless the task has
// terminated or is being killed, the verdict is a TASK_RUNNING update with healthy
// set and REASON_TASK_HEALTH_CHECK_STATUS_UPDATED; on kill_task the executor marks
// itself unhealthy and kills the task (its grace, else --kill_grace_period).
func (a *Agent) childHealthUpdated(f *framework, e *executor, c *child, st healthStatus) {
	if e.children[c.taskID] != c || c.killing {
		return
	}
	a.log.Info("Received task health update", "task", c.taskID, "healthy", st.healthy)
	a.healthUpdate(f, e, c.taskID, st.healthy)
	if st.killTask {
		e.unhealthy = true
		a.killGroupTask(f, e, c.taskID, nil)
	}
}

// healthUpdate sends the executor's health update of a task: its last status
// (TASK_RUNNING) again with a new UUID and time, healthy set and
// REASON_TASK_HEALTH_CHECK_STATUS_UPDATED.
func (a *Agent) healthUpdate(f *framework, e *executor, taskID string, healthy bool) {
	u := a.newUpdate(f.id, e.id, taskID, mesos.TaskRunning, mesos.SourceExecutor, "",
		mesos.ReasonPtr(mesos.ReasonTaskHealthCheckStatusUpdated))
	u.Status.Healthy = &healthy
	a.statusUpdate(u, true)
}

// terminalHealth is the healthy field of an executor's update of a task: false on
// the terminal update of a task the command executor killed because of its health
// check (CommandExecutor::reaped), and on every terminal update of a default
// executor once any of its tasks was killed that way (DefaultExecutor::waited's
// executor-wide unhealthy flag, MESOS-8543); unset otherwise.
func (e *executor) terminalHealth(taskID string, state mesos.TaskState) *bool {
	if !state.IsTerminal() {
		return nil
	}
	unhealthy := e.unhealthy
	if !e.defaultExec {
		unhealthy = taskID == e.taskID && e.killed && e.health != nil && e.health.killedTask
	}
	if !unhealthy {
		return nil
	}
	healthy := false
	return &healthy
}
