package agent

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// render describes what healthState made of one result.
func render(st healthStatus, report, ignored bool) string {
	switch {
	case ignored:
		return "ignored"
	case !report:
		return "-"
	case st.healthy:
		return "healthy"
	case st.killTask:
		return fmt.Sprintf("unhealthy failures=%d kill", st.consecutiveFailures)
	}
	return fmt.Sprintf("unhealthy failures=%d", st.consecutiveFailures)
}

func TestHealthStateSequences(t *testing.T) {
	type step struct {
		at     time.Duration // since the checker started
		passed bool
	}
	pass := func(s int) step { return step{time.Duration(s) * time.Second, true} }
	fail := func(s int) step { return step{time.Duration(s) * time.Second, false} }
	tests := []struct {
		name        string
		grace       time.Duration
		maxFailures uint32
		steps       []step
		want        []string
	}{
		{"first success reported, repeats not", 10 * time.Second, 3,
			[]step{pass(0), pass(10), pass(20)},
			[]string{"healthy", "-", "-"}},
		{"every failure reported, kill at the threshold, success after failures reported", 0, 3,
			[]step{pass(0), fail(10), fail(20), pass(30), fail(40), fail(50), fail(60), fail(70)},
			[]string{"healthy", "unhealthy failures=1", "unhealthy failures=2", "healthy",
				"unhealthy failures=1", "unhealthy failures=2", "unhealthy failures=3 kill", "unhealthy failures=4 kill"}},
		{"failures inside the grace period ignored, its end included", 10 * time.Second, 1,
			[]step{fail(0), {10 * time.Second, false}, {10*time.Second + time.Nanosecond, false}},
			[]string{"ignored", "ignored", "unhealthy failures=1 kill"}},
		{"a success ends the grace period", 100 * time.Second, 2,
			[]step{fail(1), pass(2), fail(3), fail(4)},
			[]string{"ignored", "healthy", "unhealthy failures=1", "unhealthy failures=2 kill"}},
		{"no grace period: the first failure counts", 0, 3,
			[]step{fail(0)},
			[]string{"unhealthy failures=1"}},
		{"consecutive_failures 0 kills on the first counted failure", 0, 0,
			[]step{fail(0)},
			[]string{"unhealthy failures=1 kill"}},
		{"first result a failure after the grace period", 5 * time.Second, 3,
			[]step{fail(6), pass(7)},
			[]string{"unhealthy failures=1", "healthy"}},
	}
	start := time.Unix(1000, 0)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newHealthState(start, tc.grace, tc.maxFailures)
			var got []string
			for _, st := range tc.steps {
				var err error
				if !st.passed {
					err = errors.New("command exited with status 1")
				}
				got = append(got, render(s.result(start.Add(st.at), err)))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("healthState(grace %v, consecutive_failures %d) verdicts (-want +got):\n%s", tc.grace, tc.maxFailures, diff)
			}
		})
	}
}

func TestHealthTimings(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	n := func(v uint32) *uint32 { return &v }
	tests := []struct {
		name string
		h    mesos.HealthCheck
		want healthTimings
	}{
		{"proto defaults", mesos.HealthCheck{},
			healthTimings{delay: 15 * time.Second, interval: 10 * time.Second, timeout: 20 * time.Second, grace: 10 * time.Second, maxFailures: 3}},
		{"given", mesos.HealthCheck{DelaySeconds: f(0.5), IntervalSeconds: f(1), TimeoutSeconds: f(0), GracePeriodSeconds: f(0), ConsecutiveFailures: n(1)},
			healthTimings{delay: 500 * time.Millisecond, interval: time.Second, maxFailures: 1}},
		{"too large saturates", mesos.HealthCheck{DelaySeconds: f(1e300), IntervalSeconds: f(math.Inf(1))},
			healthTimings{delay: neverDuration, interval: neverDuration, timeout: 20 * time.Second, grace: 10 * time.Second, maxFailures: 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := timingsOf(&tc.h); got != tc.want {
				t.Errorf("timingsOf(%+v) = %+v, want %+v", tc.h, got, tc.want)
			}
		})
	}
}

func TestValidateHealthCheck(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	no := false
	tests := []struct {
		name string
		h    mesos.HealthCheck
		want string // substring of the error, "" for none
	}{
		{"command", mesos.HealthCheck{Type: mesos.HealthCheckCommand, Command: mesos.ShellCommand("true")}, ""},
		{"no type", mesos.HealthCheck{}, "HealthCheck must specify 'type'"},
		{"command missing", mesos.HealthCheck{Type: mesos.HealthCheckCommand}, "command"},
		{"executable missing", mesos.HealthCheck{Type: mesos.HealthCheckCommand, Command: &mesos.CommandInfo{Shell: &no}}, "executable path"},
		{"negative delay", mesos.HealthCheck{Type: mesos.HealthCheckCommand, Command: mesos.ShellCommand("true"), DelaySeconds: f(-1)}, "delay_seconds"},
		{"negative grace", mesos.HealthCheck{Type: mesos.HealthCheckTCP, TCP: &mesos.TCPCheckInfo{Port: 1}, GracePeriodSeconds: f(-1)}, "grace_period_seconds"},
		{"bad scheme", mesos.HealthCheck{Type: mesos.HealthCheckHTTP, HTTP: &mesos.HTTPCheckInfo{Port: 1, Scheme: "ftp"}}, "scheme"},
		{"relative path", mesos.HealthCheck{Type: mesos.HealthCheckHTTP, HTTP: &mesos.HTTPCheckInfo{Port: 1, Path: "health"}}, "must start with '/'"},
		{"http", mesos.HealthCheck{Type: mesos.HealthCheckHTTP, HTTP: &mesos.HTTPCheckInfo{Port: 1, Scheme: "https", Path: "/health"}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := validateHealthCheck(&tc.h)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("validateHealthCheck(%+v) = %v, want nil", tc.h, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("validateHealthCheck(%+v) = %v, want an error about %q", tc.h, err, tc.want)
			}
		})
	}
}

// healthCheckOf is a COMMAND health check with the given timings in seconds.
func healthCheckOf(cmd string, delay, interval, timeout, grace float64, failures uint32) *mesos.HealthCheck {
	return &mesos.HealthCheck{
		Type: mesos.HealthCheckCommand, Command: mesos.ShellCommand(cmd),
		DelaySeconds: &delay, IntervalSeconds: &interval, TimeoutSeconds: &timeout, GracePeriodSeconds: &grace,
		ConsecutiveFailures: &failures,
	}
}

// describeHealth is describe plus the update's healthy field.
func describeHealth(u mesos.StatusUpdate) string {
	s := describe(u)
	if u.Status.Healthy != nil {
		s += " healthy=" + strconv.FormatBool(*u.Status.Healthy)
	}
	return s
}

// healthResults lists a task's "task.health_check" results in order.
func (l *eventLog) healthResults(task string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, e := range l.events {
		if id, _ := e.Get("mesos.task_id"); e.Type != "task.health_check" || id != task {
			continue
		}
		r, _ := e.Get("mesos.health_check.result")
		if m, _ := e.Get("mesos.health_check.message"); m != "" {
			r += ": " + m
		}
		out = append(out, r)
	}
	return out
}

// waitHealthResults waits until a task has had n health check results, then lets
// their consequences settle.
func waitHealthResults(t *testing.T, e *testEnv, task string, n int) []string {
	t.Helper()
	e.events.until(t, fmt.Sprintf("%d health check results of %s", n, task), func() bool {
		return len(e.events.healthResults(task)) >= n
	})
	e.rt.Settle()
	return e.events.healthResults(task)
}

// checkInFlight reports whether the command executor of task has a check running.
func checkInFlight(t *testing.T, e *testEnv, fw, task string) bool {
	t.Helper()
	running := false
	e.onAgent(t, func(a *Agent) {
		if x := a.executorOf(fw, task); x != nil && x.health != nil {
			running = x.health.run != nil
		}
	})
	return running
}

// advance moves the paused clock and settles the runtime.
func (e *testEnv) advance(d time.Duration) {
	e.rt.Clock().Advance(d)
	e.rt.Settle()
}

// startTask runs a task and reads its TASK_STARTING and TASK_RUNNING.
func startTask(t *testing.T, e *testEnv, fw mesos.FrameworkInfo, task mesos.TaskInfo) {
	t.Helper()
	e.runTask(fw, task)
	for _, want := range []mesos.TaskState{mesos.TaskStarting, mesos.TaskRunning} {
		if u := e.master.next(t); u.Status.State != want || u.Status.Healthy != nil {
			t.Fatalf("update = %s, want %s without healthy", describeHealth(u), want)
		}
	}
}

const healthUpdated = "TASK_RUNNING SOURCE_EXECUTOR REASON_TASK_HEALTH_CHECK_STATUS_UPDATED"

// A passing check is reported healthy once, after delay_seconds; later passes
// are not reported. The check sees the task's sandbox and environment.
func TestCommandHealthCheckPasses(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	task := commandTask("t1", "sleep 60")
	v := "task-value"
	task.Command.Environment = &mesos.Environment{Variables: []mesos.EnvironmentVariable{{Name: "TASKVAR", Value: &v}}}
	cv := "check-value"
	task.HealthCheck = healthCheckOf(`test "$PWD" = "$MESOS_SANDBOX" && test "$TASKVAR" = task-value && `+
		`test "$CHECKVAR" = check-value && test "$MESOS_EXECUTOR_ID" = t1 && echo checked`, 5, 10, 20, 0, 3)
	task.HealthCheck.Command.Environment = &mesos.Environment{Variables: []mesos.EnvironmentVariable{{Name: "CHECKVAR", Value: &cv}}}
	startTask(t, e, fw, task)

	e.advance(5*time.Second - time.Millisecond)
	if checkInFlight(t, e, "fw1", "t1") || len(e.events.healthResults("t1")) > 0 {
		t.Fatalf("a health check ran before delay_seconds")
	}
	e.advance(time.Millisecond)
	if got := waitHealthResults(t, e, "t1", 1); got[0] != "passed" {
		t.Fatalf("first health check = %q, want passed", got[0])
	}
	if got, want := describeHealth(e.master.next(t)), healthUpdated+" healthy=true"; got != want {
		t.Errorf("update after the first check = %q, want %q", got, want)
	}
	e.advance(10 * time.Second)
	if got := waitHealthResults(t, e, "t1", 2); got[1] != "passed" {
		t.Fatalf("second health check = %q, want passed", got[1])
	}
	e.master.none(t) // a repeated success is not reported

	var sandbox string
	e.onAgent(t, func(a *Agent) { sandbox = a.executorOf("fw1", "t1").directory })
	if b, err := os.ReadFile(filepath.Join(sandbox, "stderr")); err != nil || strings.Count(string(b), "checked\n") != 2 {
		t.Errorf("sandbox stderr = %q (%v), want the output of two checks", b, err)
	}

	e.killTask(fw, "t1")
	if got, want := describeHealth(e.master.next(t)), "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated"; got != want {
		t.Errorf("update after a kill = %q, want %q (no healthy: the check did not kill)", got, want)
	}
	waitCompleted(t, e, "fw1")
}

// A failing check is reported every time it counts, and after
// consecutive_failures the executor kills the task, whose terminal update says
// healthy: false.
func TestCommandHealthCheckFailsAndKills(t *testing.T) {
	tests := []struct {
		name string
		caps []mesos.FrameworkCapabilityType
		want []string
	}{
		{"plain", nil, []string{
			healthUpdated + " healthy=false",
			healthUpdated + " healthy=false",
			"TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated healthy=false",
		}},
		{"killing state", []mesos.FrameworkCapabilityType{mesos.FrameworkTaskKillingState}, []string{
			healthUpdated + " healthy=false",
			healthUpdated + " healthy=false",
			"TASK_KILLING SOURCE_EXECUTOR",
			"TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated healthy=false",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.master.ack = true
			e.registerAgent(t)
			fw := testFramework("fw1", tc.caps...)
			task := commandTask("t1", "sleep 60")
			task.HealthCheck = healthCheckOf("exit 1", 0, 10, 20, 0, 2)
			startTask(t, e, fw, task)
			e.advance(0)
			waitHealthResults(t, e, "t1", 1)
			e.advance(10 * time.Second)
			results := waitHealthResults(t, e, "t1", 2)
			var got []string
			for range tc.want {
				got = append(got, describeHealth(e.master.next(t)))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("updates (-want +got):\n%s", diff)
			}
			if want := []string{"failed: command exited with status 1", "failed: command exited with status 1"}; !cmp.Equal(want, results) {
				t.Errorf("health check results = %q, want %q", results, want)
			}
			waitCompleted(t, e, "fw1")
		})
	}
}

// Failures inside the grace period are ignored; the first one after it counts.
func TestCommandHealthCheckGracePeriod(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	task := commandTask("t1", "sleep 60")
	task.HealthCheck = healthCheckOf("exit 3", 0, 10, 20, 20, 1)
	startTask(t, e, fw, task)
	e.advance(0)
	for i := 1; i <= 3; i++ { // at 0 s, 10 s and 20 s: 20 s is still in the grace period
		waitHealthResults(t, e, "t1", i)
		e.master.none(t)
		e.advance(10 * time.Second)
	}
	got := waitHealthResults(t, e, "t1", 4)
	want := []string{"ignored: command exited with status 3", "ignored: command exited with status 3",
		"ignored: command exited with status 3", "failed: command exited with status 3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("health check results (-want +got):\n%s", diff)
	}
	if u := describeHealth(e.master.next(t)); u != healthUpdated+" healthy=false" {
		t.Errorf("update after the grace period = %q, want %q", u, healthUpdated+" healthy=false")
	}
	if u := describeHealth(e.master.next(t)); u != "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated healthy=false" {
		t.Errorf("terminal update = %q, want TASK_KILLED with healthy=false", u)
	}
	waitCompleted(t, e, "fw1")
}

// A check still running after timeout_seconds fails, and its process is killed.
func TestCommandHealthCheckTimeout(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	task := commandTask("t1", "sleep 60")
	task.HealthCheck = healthCheckOf("exec sleep 6201", 0, 10, 2, 0, 1)
	startTask(t, e, fw, task)
	e.advance(0)
	waitProcesses(t, "sleep 6201", 1)
	e.advance(2*time.Second - time.Millisecond)
	if got := e.events.healthResults("t1"); len(got) != 0 {
		t.Fatalf("health check results before the timeout = %q, want none", got)
	}
	e.advance(time.Millisecond)
	if got := waitHealthResults(t, e, "t1", 1); got[0] != "failed: command timed out after 2secs" {
		t.Errorf("health check result = %q, want failed: command timed out after 2secs", got[0])
	}
	waitProcesses(t, "sleep 6201", 0)
	for _, want := range []string{healthUpdated + " healthy=false", "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated healthy=false"} {
		if got := describeHealth(e.master.next(t)); got != want {
			t.Errorf("update = %q, want %q", got, want)
		}
	}
	waitCompleted(t, e, "fw1")
}

// HTTP and TCP checks reach the task's port on the loopback address: a healthy
// answer is reported healthy, a failing one kills the task.
func TestNetworkHealthChecks(t *testing.T) {
	status := make(chan int, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.WriteHeader(<-status)
	}))
	defer srv.Close()
	httpPort := uint32(srv.Listener.Addr().(*net.TCPAddr).Port)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := uint32(closed.Addr().(*net.TCPAddr).Port)
	closed.Close()
	httpCheck := &mesos.HealthCheck{Type: mesos.HealthCheckHTTP, HTTP: &mesos.HTTPCheckInfo{Port: httpPort, Path: "/health"}}
	tests := []struct {
		name   string
		check  *mesos.HealthCheck
		status int // the HTTP server's answer
		want   []string
	}{
		{"http 200", httpCheck, http.StatusOK, []string{healthUpdated + " healthy=true"}},
		{"http 500", httpCheck, http.StatusInternalServerError, []string{healthUpdated + " healthy=false",
			"TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated healthy=false"}},
		{"tcp listening", &mesos.HealthCheck{Type: mesos.HealthCheckTCP, TCP: &mesos.TCPCheckInfo{Port: httpPort}}, 0,
			[]string{healthUpdated + " healthy=true"}},
		{"tcp closed", &mesos.HealthCheck{Type: mesos.HealthCheckTCP, TCP: &mesos.TCPCheckInfo{Port: closedPort}}, 0,
			[]string{healthUpdated + " healthy=false", "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated healthy=false"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.master.ack = true
			e.registerAgent(t)
			fw := testFramework("fw1")
			task := commandTask("t1", "sleep 60")
			check := *tc.check
			zero, one := 0.0, uint32(1)
			check.DelaySeconds, check.GracePeriodSeconds, check.ConsecutiveFailures = &zero, &zero, &one
			task.HealthCheck = &check
			startTask(t, e, fw, task)
			if tc.status != 0 {
				status <- tc.status
			}
			e.advance(0)
			waitHealthResults(t, e, "t1", 1)
			var got []string
			for range tc.want {
				got = append(got, describeHealth(e.master.next(t)))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("updates (-want +got):\n%s", diff)
			}
			if len(tc.want) == 1 {
				e.killTask(fw, "t1")
				e.master.next(t)
			}
			waitCompleted(t, e, "fw1")
		})
	}
}

// A check in flight when the task ends is cancelled: its process does not
// outlive the task, and its result is never reported.
func TestHealthCheckStopsWithTask(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	task := commandTask("t1", "sleep 60")
	task.HealthCheck = healthCheckOf("exec sleep 6202", 0, 10, 0, 0, 1) // no timeout
	startTask(t, e, fw, task)
	e.advance(0)
	waitProcesses(t, "sleep 6202", 1)
	e.killTask(fw, "t1")
	if got := describeHealth(e.master.next(t)); got != "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated" {
		t.Errorf("update after the kill = %q, want TASK_KILLED without healthy", got)
	}
	waitCompleted(t, e, "fw1")
	waitProcesses(t, "sleep 6202", 0)
	e.advance(time.Minute)
	if got := e.events.healthResults("t1"); len(got) != 0 {
		t.Errorf("health check results = %q, want none", got)
	}
}

// An invalid health check reaching the agent (the master refuses it with
// TASK_ERROR) is logged and the task runs unchecked, as the command executor does.
func TestInvalidHealthCheckIsIgnoredByTheCommandExecutor(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	task := commandTask("t1", "sleep 60")
	task.HealthCheck = healthCheckOf("exit 1", -1, 1, 1, 0, 1)
	startTask(t, e, fw, task)
	e.advance(time.Minute)
	e.master.none(t)
	if got := e.events.healthResults("t1"); len(got) != 0 {
		t.Errorf("health check results = %q, want none", got)
	}
	e.killTask(fw, "t1")
	if got := describeHealth(e.master.next(t)); got != "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated" {
		t.Errorf("update after the kill = %q, want TASK_KILLED", got)
	}
	waitCompleted(t, e, "fw1")
}

// The default executor checks each task of a group; a task killed for its health
// kills the group, and every terminal update of the executor then says
// healthy: false (its executor-wide flag, MESOS-8543).
func TestTaskGroupHealthChecks(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	good, bad, plain := commandTask("good", "sleep 60"), commandTask("bad", "sleep 60"), commandTask("plain", "sleep 60")
	good.HealthCheck = healthCheckOf(`test "$PWD" = "$MESOS_SANDBOX" && test -n "$MESOS_CONTAINER_IP"`, 0, 10, 20, 0, 1)
	bad.HealthCheck = healthCheckOf("exit 1", 10, 10, 20, 0, 1)
	e.runGroup(fw, defaultExecutorInfo("default"), good, bad, plain)
	got := described(updatesByTask(t, e, 6))
	e.advance(0)
	waitHealthResults(t, e, "good", 1)
	for id, us := range described(updatesByTask(t, e, 1)) {
		got[id] = append(got[id], us...)
	}
	e.advance(10 * time.Second)
	waitHealthResults(t, e, "bad", 1)
	for id, us := range described(updatesByTask(t, e, 4)) {
		got[id] = append(got[id], us...)
	}
	// Health updates are rendered with describe; add healthy where it is set.
	want := map[string][]string{
		"good": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", healthUpdated,
			"TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated"},
		"bad": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", healthUpdated,
			"TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated"},
		"plain": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR",
			"TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("updates (-want +got):\n%s", diff)
	}
	var healthy []string
	for _, u := range e.master.allUpdates() {
		if u.Status.Healthy != nil {
			healthy = append(healthy, u.Status.TaskID.Value+" "+u.Status.State.String()+" "+strconv.FormatBool(*u.Status.Healthy))
		}
	}
	wantHealthy := []string{"good TASK_RUNNING true", "bad TASK_RUNNING false", "bad TASK_KILLED false", "good TASK_KILLED false", "plain TASK_KILLED false"}
	if diff := cmp.Diff(wantHealthy, healthy, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("updates with healthy set (-want +got):\n%s", diff)
	}
	waitCompleted(t, e, "fw1")
}

// An invalid health check in a task group shuts the default executor down before
// the group is reported running; its tasks fail with it.
func TestInvalidHealthCheckShutsTheDefaultExecutorDown(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	bad := commandTask("bad", "sleep 60")
	bad.HealthCheck = healthCheckOf("true", 0, 1, 1, -1, 1)
	e.runGroup(fw, defaultExecutorInfo("default"), bad, commandTask("other", "sleep 60"))
	got := described(updatesByTask(t, e, 4))
	failed := []string{"TASK_STARTING SOURCE_EXECUTOR", "TASK_FAILED SOURCE_AGENT REASON_EXECUTOR_TERMINATED Executor terminated"}
	if diff := cmp.Diff(map[string][]string{"bad": failed, "other": failed}, got); diff != "" {
		t.Errorf("updates (-want +got):\n%s", diff)
	}
	if exited := e.master.nextExited(t); exited.ExecutorID.Value != "default" {
		t.Errorf("ExitedExecutorMessage for %q, want default", exited.ExecutorID.Value)
	}
	waitCompleted(t, e, "fw1")
}

// waitProcesses waits until exactly n live processes (zombies excluded) have the
// command line cmd.
func waitProcesses(t *testing.T, cmd string, n int) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		got := processesWithCmdline(cmd)
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes %q = %d, want %d", cmd, got, n)
		}
		<-tick.C
	}
}

// processesWithCmdline counts live processes whose argv joined by spaces is cmd.
func processesWithCmdline(cmd string) int {
	entries, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(b) == 0 {
			continue
		}
		if strings.Join(strings.Split(strings.TrimRight(string(b), "\x00"), "\x00"), " ") == cmd {
			n++
		}
	}
	return n
}

// BenchmarkHealthState measures the verdict of one result, by how many results a
// checker has seen.
func BenchmarkHealthState(b *testing.B) {
	failed := errors.New("command exited with status 1")
	for _, n := range []int{1, 100, 10000} {
		b.Run("results="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			start := time.Unix(0, 0)
			for b.Loop() {
				s := newHealthState(start, 10*time.Second, 3)
				for i := range n {
					var err error
					if i%4 == 3 {
						err = failed
					}
					s.result(start.Add(time.Duration(i)*time.Second), err)
				}
			}
		})
	}
}
