package containerizer

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/containerizer/shim"
)

// supervisorPID returns the pid the supervisor of m checkpointed in its lock
// file.
func supervisorPID(t *testing.T, m *Mesos) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(m.cfg.RuntimeDir, shim.SupervisorLockFile))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		t.Fatalf("lock file = %q, want \"<pid> <start time>\"", b)
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

func withSupervisor(c *Config) { c.Launcher = LauncherSupervisor }

// TestSupervisorOnePerAgent: every task of an agent is a child of the same
// supervisor (one process per container), which exits once the agent has
// closed and no task is left.
func TestSupervisorOnePerAgent(t *testing.T) {
	m, _ := newTestMesos(t, withSupervisor)
	ctx := testCtx(t)
	var pids []int
	for _, name := range []string{"a", "b"} {
		id := NewContainerID(name)
		if _, err := m.Launch(ctx, id, shell("sleep 1000")); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, runningPID(t, m, id))
	}
	sup := supervisorPID(t, m)
	for _, pid := range pids {
		st, err := readStat(pid)
		if err != nil || st.PPID != sup || st.Session != pid {
			t.Errorf("task %d: stat = %+v, %v, want parent %d and a session of its own", pid, st, err, sup)
		}
	}
	for _, name := range []string{"a", "b"} {
		if _, err := m.Destroy(ctx, NewContainerID(name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, pid := range pids {
		assertGone(t, pid)
	}
	m.Close()
	if _, err := os.Stat("/proc/" + strconv.Itoa(sup)); err == nil {
		t.Errorf("supervisor %d still exists after Close with no task", sup)
	}
}

// TestSupervisorKillsSessionLeftovers: a process the task put in another
// process group of its session is killed and reaped by the supervisor once
// the task exits; the status is the task's.
func TestSupervisorKillsSessionLeftovers(t *testing.T) {
	m, _ := newTestMesos(t, withSupervisor)
	id := NewContainerID("leftover")
	pidFile := filepath.Join(t.TempDir(), "pid")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg := withEnv(ContainerConfig{CommandInfo: CommandInfo{Value: exe}}, testHelperEnv, "pgrp", "PIDFILE", pidFile)
	term := launchWait(t, m, id, cfg)
	if code, ok := term.Exited(); !ok || code != 3 {
		t.Errorf("termination = %v, want exit 3", term)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	left, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := readStat(left)
	if err == nil {
		t.Errorf("leftover %d still exists: %+v", left, st)
	}
}

// TestSupervisorLost: when the supervisor dies, a running task can only be
// killed, and its termination has no status.
func TestSupervisorLost(t *testing.T) {
	m, _ := newTestMesos(t, withSupervisor)
	ctx := testCtx(t)
	id := NewContainerID("lost")
	if _, err := m.Launch(ctx, id, shell("sleep 1000")); err != nil {
		t.Fatal(err)
	}
	pid := runningPID(t, m, id)
	sup := supervisorPID(t, m)
	if err := syscall.Kill(sup, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	term, err := m.Wait(ctx, id)
	if err != nil || term == nil {
		t.Fatal(term, err)
	}
	if _, ok := term.WaitStatus(); ok || term.Message != "the launch supervisor exited" {
		t.Errorf("termination = %v, want no status and the supervisor's exit", term)
	}
	assertGone(t, pid)
	// The next launch starts a new supervisor.
	if term := launchWait(t, m, NewContainerID("after"), shell("exit 4")); term.String() != "exited with status 4" {
		t.Errorf("termination after a new supervisor = %v, want exit 4", term)
	}
}

// TestSupervisorRecoverKillsUnknownTask: a task the supervisor still runs
// for a container whose checkpoint is gone is killed on recovery.
func TestSupervisorRecoverKillsUnknownTask(t *testing.T) {
	work := t.TempDir()
	agent, pid := startAgentWith(t, work, "ghost", "sleep 1000", LauncherSupervisor)
	killAgent(t, agent)
	if err := os.RemoveAll(filepath.Join(work, "run", "containers", "ghost")); err != nil {
		t.Fatal(err)
	}
	m, _ := newTestMesos(t, func(c *Config) { c.WorkDir = work; c.Launcher = LauncherSupervisor })
	if err := m.Recover(testCtx(t), nil); err != nil {
		t.Fatal(err)
	}
	waitExit(t, pid)
	if cs, _ := m.Containers(testCtx(t)); len(cs) != 0 {
		t.Errorf("Containers() = %v, want none", cs)
	}
	// The supervisor (re-parented to this test binary, a subreaper) exits
	// once it has reaped the task's session and the agent is gone.
	sup := supervisorPID(t, m)
	m.Close()
	waitExit(t, sup)
	syscall.Wait4(sup, nil, syscall.WNOHANG, nil)
	assertGone(t, pid)
}

// TestOrphanThatLeftTheSessionIsKilled: a process the task starts in a
// session of its own (setsid), still running when the task ends, is
// killed and reaped with the container under either launcher; no orphan
// outlives the task.
func TestOrphanThatLeftTheSessionIsKilled(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, _ := newTestMesos(t, nil)
		pidFile := filepath.Join(t.TempDir(), "escapee")
		script := "setsid sh -c 'echo $$ > " + pidFile + ".tmp && mv " + pidFile + ".tmp " + pidFile + " && exec sleep 777' &" +
			" while [ ! -s " + pidFile + " ]; do :; done; exit 0"
		term := launchWait(t, m, NewContainerID("escape"), shell(script))
		if code, ok := term.Exited(); !ok || code != 0 {
			t.Errorf("termination = %v, want exit 0", term)
		}
		b, err := os.ReadFile(pidFile)
		if err != nil {
			t.Fatal(err)
		}
		escapee, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		if st, err := readStat(escapee); err == nil {
			syscall.Kill(escapee, syscall.SIGKILL)
			t.Errorf("process %d that left the task's session outlived the task: %+v", escapee, st)
		}
	})
}

// TestCommandWithoutShellIsLookedUp: shell=false with a bare name runs the
// executable the launch helper would choose: the sandbox's first (a fetched
// tool), then the task's PATH; a name found nowhere fails the task with
// the exec error in its stderr.
func TestCommandWithoutShellIsLookedUp(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, _ := newTestMesos(t, nil)
		term := launchWait(t, m, NewContainerID("path"),
			ContainerConfig{CommandInfo: CommandInfo{Value: "sh", Arguments: []string{"sh", "-c", "exit 6"}}})
		if code, ok := term.Exited(); !ok || code != 6 {
			t.Errorf("sh from PATH: termination = %v, want exit 6", term)
		}

		tool := filepath.Join(t.TempDir(), "tool")
		if err := os.WriteFile(tool, []byte("#!/bin/sh\nexit 7\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		cfg := ContainerConfig{CommandInfo: CommandInfo{Value: "tool", URIs: []URI{{Value: tool, Executable: true}}}}
		if term := launchWait(t, m, NewContainerID("fetched"), cfg); term.String() != "exited with status 7" {
			t.Errorf("fetched tool: termination = %v, want exited with status 7", term)
		}

		id := NewContainerID("missing")
		term = launchWait(t, m, id, ContainerConfig{CommandInfo: CommandInfo{Value: "no-such-command-xyz"}})
		if code, ok := term.Exited(); !ok || code == 0 {
			t.Errorf("missing command: termination = %v, want a failure", term)
		}
	})
}
