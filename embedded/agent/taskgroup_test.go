package agent

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// defaultExecutorInfo is the ExecutorInfo the master sends with a task group.
func defaultExecutorInfo(id string) mesos.ExecutorInfo {
	return mesos.ExecutorInfo{
		ExecutorID: mesos.ExecutorID{Value: id},
		Type:       mesos.ExecutorDefault,
		Name:       "default executor " + id,
		Resources:  mesos.ResourcesOf(resources.MustParse("cpus:0.1;mem:32")),
	}
}

// runGroup sends RunTaskGroupMessage from the master, with launch_executor set as
// mesoscope's master sets it.
func (e *testEnv) runGroup(fw mesos.FrameworkInfo, exec mesos.ExecutorInfo, tasks ...mesos.TaskInfo) {
	launch := true
	e.master.send(e.agent.Self(), mesos.RunTaskGroupMessageName, mesos.RunTaskGroupMessage{
		Framework: fw, Executor: exec, TaskGroup: mesos.TaskGroupInfo{Tasks: tasks}, LaunchExecutor: &launch,
	})
}

// killTask sends KillTaskMessage from the master.
func (e *testEnv) killTask(fw mesos.FrameworkInfo, task string) {
	e.master.send(e.agent.Self(), mesos.KillTaskMessageName, mesos.KillTaskMessage{FrameworkID: *fw.ID, TaskID: mesos.TaskID{Value: task}})
}

// updatesByTask reads n updates and returns them per task, in order.
func updatesByTask(t *testing.T, e *testEnv, n int) map[string][]mesos.StatusUpdate {
	t.Helper()
	out := map[string][]mesos.StatusUpdate{}
	for range n {
		u := e.master.next(t)
		out[u.Status.TaskID.Value] = append(out[u.Status.TaskID.Value], u)
	}
	return out
}

// described renders updatesByTask's result with describe.
func described(m map[string][]mesos.StatusUpdate) map[string][]string {
	out := map[string][]string{}
	for id, us := range m {
		for _, u := range us {
			out[id] = append(out[id], describe(u))
		}
	}
	return out
}

// executorContainer returns the container ID of a live executor.
func executorContainer(t *testing.T, e *testEnv, fw, ex string) string {
	t.Helper()
	cid := ""
	e.onAgent(t, func(a *Agent) {
		if x := a.executorOf(fw, ex); x != nil {
			cid = x.containerID
		}
	})
	if cid == "" {
		t.Fatalf("executor %s of framework %s is not on the agent", ex, fw)
	}
	return cid
}

func TestTaskGroupFinishThenKill(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	e.runGroup(fw, defaultExecutorInfo("default"), commandTask("g1", "true"), commandTask("g2", "sleep 60"))

	first := e.master.next(t)
	cid := executorContainer(t, e, "fw1", "default")
	got := updatesByTask(t, e, 4)
	got[first.Status.TaskID.Value] = append([]mesos.StatusUpdate{first}, got[first.Status.TaskID.Value]...)
	want := map[string][]string{
		"g1": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", "TASK_FINISHED SOURCE_EXECUTOR Command exited with status 0"},
		"g2": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR"},
	}
	if diff := cmp.Diff(want, described(got)); diff != "" {
		t.Fatalf("updates before the kill (-want +got):\n%s", diff)
	}
	// Every update names the executor and the task's own child container, nested
	// under the executor's container.
	nested := map[string]string{}
	for id, us := range got {
		for _, u := range us {
			cs := u.Status.ContainerStatus
			if u.Status.ExecutorID == nil || u.Status.ExecutorID.Value != "default" || u.ExecutorID == nil || u.ExecutorID.Value != "default" {
				t.Errorf("%s %s: executor_id = %v/%v, want default", id, describe(u), u.ExecutorID, u.Status.ExecutorID)
			}
			if cs == nil || cs.ContainerID == nil || cs.ContainerID.Parent == nil || cs.ContainerID.Parent.Value != cid {
				t.Errorf("%s %s: container_status = %+v, want a container nested under %s", id, describe(u), cs, cid)
				continue
			}
			if prev, ok := nested[id]; ok && prev != cs.ContainerID.Value {
				t.Errorf("%s: container %s, then %s, want one container per task", id, prev, cs.ContainerID.Value)
			}
			nested[id] = cs.ContainerID.Value
		}
	}
	if nested["g1"] == nested["g2"] {
		t.Errorf("g1 and g2 share container %q, want one each", nested["g1"])
	}

	// A FINISHED task leaves its group alone; a killed one ends, and with it the
	// executor: its container goes and the master hears of it.
	e.killTask(fw, "g2")
	if u := e.master.next(t); u.Status.TaskID.Value != "g2" || describe(u) != "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated" {
		t.Errorf("update after killing g2 = %s %s, want g2 TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated", u.Status.TaskID.Value, describe(u))
	}
	exited := e.master.nextExited(t)
	wantExited := mesos.ExitedExecutorMessage{SlaveID: mesos.AgentID{Value: "S0"}, FrameworkID: *fw.ID, ExecutorID: mesos.ExecutorID{Value: "default"}, Status: 0}
	if diff := cmp.Diff(wantExited, exited); diff != "" {
		t.Errorf("ExitedExecutorMessage (-want +got):\n%s", diff)
	}
	waitCompleted(t, e, "fw1")
	if !e.events.has("executor.terminated", "mesos.executor_id", "default", "mesos.container_id", cid) {
		t.Errorf("no executor.terminated event for container %s", cid)
	}
}

func TestTaskGroupEndsTogether(t *testing.T) {
	killed := "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated"
	tests := []struct {
		name string
		caps []mesos.FrameworkCapabilityType
		cmds []string // g1, g2, g3
		kill string   // task to kill once all run, if any
		want map[string][]string
	}{
		{
			name: "one fails",
			cmds: []string{"exit 3", "sleep 60", "sleep 60"},
			want: map[string][]string{
				"g1": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", "TASK_FAILED SOURCE_EXECUTOR Command exited with status 3"},
				"g2": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", killed},
				"g3": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", killed},
			},
		},
		{
			name: "one is killed",
			caps: []mesos.FrameworkCapabilityType{mesos.FrameworkTaskKillingState},
			cmds: []string{"sleep 60", "sleep 60", "sleep 60"},
			kill: "g2",
			want: map[string][]string{
				"g1": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", "TASK_KILLING SOURCE_EXECUTOR", killed},
				"g2": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", "TASK_KILLING SOURCE_EXECUTOR", killed},
				"g3": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", "TASK_KILLING SOURCE_EXECUTOR", killed},
			},
		},
		{
			name: "one fails to launch",
			cmds: []string{"", "sleep 60", "sleep 60"},
			want: map[string][]string{
				"g1": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_FAILED SOURCE_EXECUTOR " +
					`containerizer: launch ` + "%s" + `: invalid container config: 'command_info.value' contains NUL`},
				"g2": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", killed},
				"g3": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", killed},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.master.ack = true
			e.registerAgent(t)
			fw := testFramework("fw1", tc.caps...)
			var tasks []mesos.TaskInfo
			for i, cmd := range tc.cmds {
				task := commandTask("g"+string(rune('1'+i)), cmd)
				if cmd == "" {
					shell, v := false, "/bin/tr\x00ue"
					task.Command = &mesos.CommandInfo{Shell: &shell, Value: &v}
				}
				tasks = append(tasks, task)
			}
			e.runGroup(fw, defaultExecutorInfo("default"), tasks...)
			n := 0
			for _, us := range tc.want {
				n += len(us)
			}
			var got map[string][]mesos.StatusUpdate
			if tc.kill != "" {
				got = updatesByTask(t, e, 2*len(tasks)) // STARTING and RUNNING
				e.killTask(fw, tc.kill)
				for id, us := range updatesByTask(t, e, n-2*len(tasks)) {
					got[id] = append(got[id], us...)
				}
			} else {
				got = updatesByTask(t, e, n)
			}
			want := tc.want
			if tc.cmds[0] == "" {
				// The launch error names the child container.
				want = map[string][]string{}
				for id, us := range tc.want {
					want[id] = append([]string(nil), us...)
				}
				last := len(want["g1"]) - 1
				want["g1"][last] = replaceVerb(want["g1"][last], childContainer(got["g1"][0]))
			}
			if diff := cmp.Diff(want, described(got)); diff != "" {
				t.Errorf("updates (-want +got):\n%s", diff)
			}
			if msg := e.master.nextExited(t); msg.ExecutorID.Value != "default" || msg.Status != 0 {
				t.Errorf("ExitedExecutorMessage = %+v, want executor default with status 0", msg)
			}
			waitCompleted(t, e, "fw1")
			e.master.none(t)
		})
	}
}

// childContainer renders the nested container of an update as Mesos does
// ("parent.child").
func childContainer(u mesos.StatusUpdate) string {
	id := u.Status.ContainerStatus.ContainerID
	return id.Parent.Value + "." + id.Value
}

// replaceVerb substitutes the one %s of s.
func replaceVerb(s, v string) string {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 's' {
			return s[:i] + v + s[i+2:]
		}
	}
	return s
}

func TestTwoTaskGroupsShareAnExecutor(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	e.runGroup(fw, defaultExecutorInfo("default"), commandTask("a1", "sleep 60"))
	updatesByTask(t, e, 2) // a1 STARTING, RUNNING
	cid := executorContainer(t, e, "fw1", "default")

	// The second group goes to the same executor; its failure kills its own group
	// only.
	e.runGroup(fw, defaultExecutorInfo("default"), commandTask("b1", "exit 1"), commandTask("b2", "sleep 60"))
	got := described(updatesByTask(t, e, 6))
	want := map[string][]string{
		"b1": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", "TASK_FAILED SOURCE_EXECUTOR Command exited with status 1"},
		"b2": {"TASK_STARTING SOURCE_EXECUTOR", "TASK_RUNNING SOURCE_EXECUTOR", "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("updates of the second group (-want +got):\n%s", diff)
	}
	if got := executorContainer(t, e, "fw1", "default"); got != cid {
		t.Errorf("executor container after the second group = %s, want %s (the same executor)", got, cid)
	}
	var running []string
	e.onAgent(t, func(a *Agent) {
		for _, task := range a.executorOf("fw1", "default").sortedLaunched() {
			running = append(running, task.TaskID.Value+":"+task.State.String())
		}
	})
	if diff := cmp.Diff([]string{"a1:TASK_RUNNING"}, running); diff != "" {
		t.Errorf("launched tasks after the second group ended (-want +got):\n%s", diff)
	}
	select {
	case msg := <-e.master.exitedCh:
		t.Fatalf("ExitedExecutorMessage %+v while a1 runs, want none", msg)
	default:
	}

	e.killTask(fw, "a1")
	if u := e.master.next(t); u.Status.TaskID.Value != "a1" || u.Status.State != mesos.TaskKilled {
		t.Errorf("update after killing a1 = %s %s, want a1 TASK_KILLED", u.Status.TaskID.Value, describe(u))
	}
	if msg := e.master.nextExited(t); msg.ExecutorID.Value != "default" || msg.Status != 0 {
		t.Errorf("ExitedExecutorMessage = %+v, want executor default with status 0", msg)
	}
	waitCompleted(t, e, "fw1")
	select {
	case msg := <-e.master.exitedCh:
		t.Errorf("second ExitedExecutorMessage %+v, want one", msg)
	default:
	}
}

func TestTaskGroupDroppedWithoutExecutor(t *testing.T) {
	tests := []struct {
		name string
		caps []mesos.FrameworkCapabilityType
		want string
	}{
		{"not partition aware", nil, "TASK_LOST SOURCE_AGENT REASON_EXECUTOR_TERMINATED No executor is expected to launch and there is none running"},
		{"partition aware", []mesos.FrameworkCapabilityType{mesos.FrameworkPartitionAware},
			"TASK_DROPPED SOURCE_AGENT REASON_EXECUTOR_TERMINATED No executor is expected to launch and there is none running"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.master.ack = true
			e.registerAgent(t)
			launch := false
			e.master.send(e.agent.Self(), mesos.RunTaskGroupMessageName, mesos.RunTaskGroupMessage{
				Framework: testFramework("fw1", tc.caps...), Executor: defaultExecutorInfo("default"), LaunchExecutor: &launch,
				TaskGroup: mesos.TaskGroupInfo{Tasks: []mesos.TaskInfo{commandTask("g1", "true"), commandTask("g2", "true")}},
			})
			got := described(updatesByTask(t, e, 2))
			want := map[string][]string{"g1": {tc.want}, "g2": {tc.want}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("updates (-want +got):\n%s", diff)
			}
			waitCompleted(t, e, "fw1")
		})
	}
}

func TestKillTaskGroupBeforeExecutorRuns(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	launch := true
	// Both messages are handled in one turn of the agent, before the executor's
	// container can have launched.
	e.onAgent(t, func(a *Agent) {
		a.runTaskGroup(a.master, mesos.RunTaskGroupMessage{
			Framework: fw, Executor: defaultExecutorInfo("default"), LaunchExecutor: &launch,
			TaskGroup: mesos.TaskGroupInfo{Tasks: []mesos.TaskInfo{commandTask("g1", "sleep 60"), commandTask("g2", "sleep 60")}},
		})
		if st := a.executorOf("fw1", "default").state; st != executorRegistering {
			t.Errorf("executor state after the group = %v, want REGISTERING", st)
		}
		a.killTask(a.master, mesos.KillTaskMessage{FrameworkID: *fw.ID, TaskID: mesos.TaskID{Value: "g2"}})
	})
	msg := "TASK_KILLED SOURCE_AGENT REASON_TASK_KILLED_DURING_LAUNCH A task within the task group was killed before delivery to the executor"
	want := map[string][]string{"g1": {msg}, "g2": {msg}}
	if diff := cmp.Diff(want, described(updatesByTask(t, e, 2))); diff != "" {
		t.Errorf("updates (-want +got):\n%s", diff)
	}
	// The executor registers with nothing to run and is shut down.
	if exited := e.master.nextExited(t); exited.ExecutorID.Value != "default" {
		t.Errorf("ExitedExecutorMessage = %+v, want executor default", exited)
	}
	waitCompleted(t, e, "fw1")
	e.master.none(t)
}

func TestTaskGroupKillEscalation(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	ready := readyFIFO(t)
	task := commandTask("g1", "trap '' TERM; echo trapped > "+ready.Name()+"; sleep 60")
	task.KillPolicy = &mesos.KillPolicy{GracePeriod: &mesos.DurationInfo{Nanoseconds: int64(5 * time.Second)}}
	e.runGroup(fw, defaultExecutorInfo("default"), task)
	updatesByTask(t, e, 2)
	waitReady(t, ready)
	e.killTask(fw, "g1")
	e.rt.Settle()
	// The task's kill policy (5 s) is on the agent's clock.
	e.rt.Clock().Advance(5*time.Second - time.Millisecond)
	e.rt.Settle()
	e.master.none(t)
	e.rt.Clock().Advance(time.Millisecond)
	e.rt.Settle()
	if got, want := describe(e.master.next(t)), "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Killed"; got != want {
		t.Errorf("update after the grace period = %s, want %s", got, want)
	}
	waitCompleted(t, e, "fw1")
}

func TestTaskGroupMaxCompletionTime(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1", mesos.FrameworkTaskKillingState)
	task := commandTask("g1", "sleep 60")
	task.MaxCompletionTime = &mesos.DurationInfo{Nanoseconds: int64(10 * time.Second)}
	e.runGroup(fw, defaultExecutorInfo("default"), task)
	updatesByTask(t, e, 2)
	e.rt.Settle() // the acknowledgements are in: no update is retried
	e.rt.Clock().Advance(10 * time.Second)
	e.rt.Settle()
	u := e.master.next(t)
	// No TASK_KILLING: the executor killed the task itself, at once.
	if u.Status.State != mesos.TaskFailed || u.Status.Reason == nil || *u.Status.Reason != mesos.ReasonMaxCompletionTimeReached {
		t.Errorf("update after max_completion_time = %s, want TASK_FAILED REASON_MAX_COMPLETION_TIME_REACHED", describe(u))
	}
	waitCompleted(t, e, "fw1")
}

func TestShutdownTaskGroupExecutor(t *testing.T) {
	e := newEnv(t, func(c *Config, _ *fakeMaster) { c.KillGracePeriod = time.Minute })
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	ready := readyFIFO(t)
	e.runGroup(fw, defaultExecutorInfo("default"),
		commandTask("g1", "sleep 60"),
		commandTask("g2", "trap '' TERM; echo trapped > "+ready.Name()+"; sleep 60"))
	updatesByTask(t, e, 4)
	waitReady(t, ready)
	e.master.send(e.agent.Self(), mesos.ShutdownExecutorMessageName, mesos.ShutdownExecutorMessage{
		FrameworkID: fw.ID, ExecutorID: &mesos.ExecutorID{Value: "default"},
	})
	// g1 dies of SIGTERM; g2 ignores it, and the executor's container is destroyed
	// after the shutdown grace period (5 s), before the kill grace (1 min) ends. The
	// executor dies with it, so the agent reports g2.
	if got, want := describe(e.master.next(t)), "TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated"; got != want {
		t.Errorf("g1 after the shutdown = %s, want %s", got, want)
	}
	e.rt.Settle()
	e.rt.Clock().Advance(DefaultExecutorShutdownGracePeriod)
	e.rt.Settle()
	u := e.master.next(t)
	if got, want := describe(u), "TASK_FAILED SOURCE_AGENT REASON_EXECUTOR_TERMINATED Executor terminated"; got != want || u.Status.TaskID.Value != "g2" {
		t.Errorf("update after the shutdown grace period = %s %s, want g2 %s", u.Status.TaskID.Value, got, want)
	}
	if exited := e.master.nextExited(t); exited.ExecutorID.Value != "default" || exited.Status == 0 {
		t.Errorf("ExitedExecutorMessage = %+v, want executor default killed (a non-zero status)", exited)
	}
	waitCompleted(t, e, "fw1")
}

func TestTaskGroupObservable(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	e.runGroup(fw, defaultExecutorInfo("default"), commandTask("g1", "echo hello from g1"), commandTask("g2", "sleep 60"))
	got := described(updatesByTask(t, e, 5))
	if n := len(got["g1"]); n != 3 || got["g1"][2] != "TASK_FINISHED SOURCE_EXECUTOR Command exited with status 0" {
		t.Fatalf("g1 updates = %q, want STARTING, RUNNING, FINISHED", got["g1"])
	}
	cid := executorContainer(t, e, "fw1", "default")
	waitCompletedTask(t, e, "g1")

	// /state: one executor of type DEFAULT, its container, the running task and the
	// completed one; the executor's resources are its own plus its live task's.
	var state struct {
		Frameworks []FrameworkJSON `json:"frameworks"`
	}
	_, body := e.get(t, "/"+e.agent.Self().ID+"/state")
	decode(t, body, &state)
	if len(state.Frameworks) != 1 || len(state.Frameworks[0].Executors) != 1 {
		t.Fatalf("/state frameworks = %s, want fw1 with one executor", body)
	}
	ex := state.Frameworks[0].Executors[0]
	gotEx := []string{ex.ID, ex.Type, ex.Container, ex.Name, resources.Resources(ex.Resources).String()}
	for _, task := range ex.Tasks {
		gotEx = append(gotEx, "task "+task.ID+" "+task.State.String())
	}
	for _, task := range ex.CompletedTasks {
		gotEx = append(gotEx, "completed "+task.ID+" "+task.State.String())
	}
	wantEx := []string{"default", "DEFAULT", cid, "default executor default", "cpus:0.2; mem:64",
		"task g2 TASK_RUNNING", "completed g1 TASK_FINISHED"}
	if diff := cmp.Diff(wantEx, gotEx); diff != "" {
		t.Errorf("/state executor (-want +got):\n%s", diff)
	}

	// GET_EXECUTORS and GET_TASKS.
	code, body := e.post(t, `{"type":"GET_STATE"}`, nil)
	if code != http.StatusOK {
		t.Fatalf("GET_STATE = %d %s", code, body)
	}
	resp, err := operator.DecodeAgentResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	var gotAPI []string
	for _, x := range resp.GetState.GetExecutors.Executors {
		gotAPI = append(gotAPI, "executor "+x.ExecutorInfo.ExecutorID.Value+" "+x.ExecutorInfo.Type.String())
	}
	for _, task := range resp.GetState.GetTasks.LaunchedTasks {
		gotAPI = append(gotAPI, "launched "+task.TaskID.Value+" "+task.ExecutorID.Value)
	}
	for _, task := range resp.GetState.GetTasks.CompletedTasks {
		gotAPI = append(gotAPI, "completed "+task.TaskID.Value+" "+task.ExecutorID.Value)
	}
	if diff := cmp.Diff([]string{"executor default DEFAULT", "launched g2 default", "completed g1 default"}, gotAPI); diff != "" {
		t.Errorf("GET_STATE (-want +got):\n%s", diff)
	}

	// GET_CONTAINERS lists the executor's container, and with show_nested the live
	// child under it.
	for _, tc := range []struct {
		body string
		want []string
	}{
		{`{"type":"GET_CONTAINERS"}`, []string{cid + " executor default"}},
		{`{"type":"GET_CONTAINERS","get_containers":{"show_nested":true}}`, []string{cid + " executor default", cid + ".* nested"}},
	} {
		code, body := e.post(t, tc.body, nil)
		if code != http.StatusOK {
			t.Fatalf("%s = %d %s", tc.body, code, body)
		}
		resp, err := operator.DecodeAgentResponse(body)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range resp.GetContainers.Containers {
			switch {
			case c.ContainerID.Parent != nil && c.ContainerStatus != nil && c.ContainerStatus.ExecutorPID != nil:
				got = append(got, c.ContainerID.Parent.Value+".* nested")
			case c.ExecutorID != nil:
				got = append(got, c.ContainerID.Value+" executor "+c.ExecutorID.Value)
			default:
				got = append(got, "unexpected "+c.ContainerID.Value)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.body, diff)
		}
	}

	// /files reaches each task's sandbox under the executor's, at tasks/<task id>.
	base := executorVirtualPath("fw1", "default") + "/tasks/"
	code, body = e.get(t, "/files/read?"+url.Values{"path": {base + "g1/stdout"}, "offset": {"0"}}.Encode())
	var read struct {
		Data string `json:"data"`
	}
	if code != http.StatusOK {
		t.Fatalf("/files/read of g1's stdout = %d %s", code, body)
	}
	decode(t, body, &read)
	if read.Data != "hello from g1\n" {
		t.Errorf("/files/read of g1's stdout = %q, want %q", read.Data, "hello from g1\n")
	}
	code, body = e.get(t, "/files/browse?"+url.Values{"path": {base + "g2"}}.Encode())
	if code != http.StatusOK {
		t.Fatalf("/files/browse of g2's sandbox = %d %s", code, body)
	}
	var files []FileInfo
	decode(t, body, &files)
	var names []string
	for _, fi := range files {
		names = append(names, fi.Path)
	}
	if diff := cmp.Diff([]string{base + "g2/stderr", base + "g2/stdout"}, names); diff != "" {
		t.Errorf("/files/browse of g2's sandbox (-want +got):\n%s", diff)
	}

	// Shutting the framework down kills g2 without updates and ends the executor.
	e.master.send(e.agent.Self(), mesos.ShutdownFrameworkMessageName, mesos.ShutdownFrameworkMessage{FrameworkID: *fw.ID})
	if exited := e.master.nextExited(t); exited.ExecutorID.Value != "default" {
		t.Errorf("ExitedExecutorMessage = %+v, want executor default", exited)
	}
	waitCompleted(t, e, "fw1")
	e.master.none(t)
}

// waitCompletedTask waits until a task's updates are all acknowledged.
func waitCompletedTask(t *testing.T, e *testEnv, task string) {
	t.Helper()
	e.events.until(t, "task "+task+" completed", func() bool {
		e.rt.Settle()
		done := false
		e.onAgent(t, func(a *Agent) {
			for _, f := range a.frameworks {
				for _, x := range f.executors {
					for _, c := range x.completedTasks {
						done = done || c.TaskID.Value == task
					}
				}
			}
		})
		return done
	})
}

func TestTaskGroupExecutorLaunchFailure(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	fw.User = "no-such-user-mesoscope"
	e.runGroup(fw, defaultExecutorInfo("default"), commandTask("g1", "true"), commandTask("g2", "true"))
	// The tasks were queued: the agent fails them with the executor.
	for id, us := range updatesByTask(t, e, 2) {
		u := us[0]
		if u.Status.State != mesos.TaskFailed || *u.Status.Source != mesos.SourceAgent || u.Status.Reason == nil ||
			*u.Status.Reason != mesos.ReasonContainerLaunchFailed || !strings.HasPrefix(u.Status.Message, "Failed to launch container: ") {
			t.Errorf("%s: update = %s, want TASK_FAILED SOURCE_AGENT REASON_CONTAINER_LAUNCH_FAILED Failed to launch container: ...", id, describe(u))
		}
	}
	if exited := e.master.nextExited(t); exited.ExecutorID.Value != "default" || exited.Status != -1 {
		t.Errorf("ExitedExecutorMessage = %+v, want executor default with status -1", exited)
	}
	waitCompleted(t, e, "fw1")
}

func TestDefaultExecutorRefusesACommandTask(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	exec := defaultExecutorInfo("default")
	e.runGroup(fw, exec, commandTask("g1", "sleep 60"))
	updatesByTask(t, e, 2)
	// A task (not a group) for the default executor: it does not support LAUNCH and
	// shuts down, killing g1; the task fails with the executor.
	task := commandTask("t1", "")
	task.Command, task.Executor = nil, &exec
	e.runTask(fw, task)
	got := described(updatesByTask(t, e, 2))
	want := map[string][]string{
		"g1": {"TASK_KILLED SOURCE_EXECUTOR Command terminated with signal Terminated"},
		"t1": {"TASK_FAILED SOURCE_AGENT REASON_EXECUTOR_TERMINATED Executor terminated"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("updates (-want +got):\n%s", diff)
	}
	waitCompleted(t, e, "fw1")
}

func TestTaskGroupWithDuplicateTaskIDsIsIgnored(t *testing.T) {
	e := newEnv(t)
	e.master.ack = true
	e.registerAgent(t)
	fw := testFramework("fw1")
	e.runGroup(fw, defaultExecutorInfo("default"), commandTask("g1", "sleep 60"))
	updatesByTask(t, e, 2)
	tests := []struct {
		name  string
		tasks []mesos.TaskInfo
	}{
		{"twice in the group", []mesos.TaskInfo{commandTask("d1", "true"), commandTask("d1", "true")}},
		{"already on the agent", []mesos.TaskInfo{commandTask("d2", "true"), commandTask("g1", "true")}},
	}
	for _, tc := range tests {
		e.runGroup(fw, defaultExecutorInfo("default"), tc.tasks...)
		e.rt.Settle()
		e.master.none(t)
		var launched []string
		e.onAgent(t, func(a *Agent) {
			for _, task := range a.executorOf("fw1", "default").sortedLaunched() {
				launched = append(launched, task.TaskID.Value)
			}
		})
		if diff := cmp.Diff([]string{"g1"}, launched); diff != "" {
			t.Errorf("%s: launched tasks (-want +got):\n%s", tc.name, diff)
		}
	}
}
