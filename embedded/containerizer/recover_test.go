package containerizer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// runAgentHelper is an "agent" process: it launches one container in
// $WORKDIR running $CMD, prints "running <shim pid>" and blocks until it is
// killed.
func runAgentHelper() int {
	var shim []string
	if p := os.Getenv(shimPathEnv); p != "" {
		shim = []string{p}
	}
	m, err := New(Config{WorkDir: os.Getenv("WORKDIR"), Isolation: []string{"posix/cpu", "posix/mem"}, Shim: shim, Launcher: os.Getenv(launcherEnv)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx := context.Background()
	if err := m.Recover(ctx, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cfg := ContainerConfig{CommandInfo: CommandInfo{Shell: true, Value: os.Getenv("CMD")}, FrameworkID: "fw", ExecutorID: "ex"}
	id := NewContainerID(os.Getenv("ID"))
	if _, err := m.Launch(ctx, id, cfg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	st, _ := m.Status(ctx, id)
	fmt.Printf("running %d\n", st.ExecutorPID)
	select {}
}

// startAgent runs the agent helper and returns it with the shim's pid (the
// task's with the supervisor launcher).
func startAgent(t *testing.T, workDir, id, cmd string) (*exec.Cmd, int) {
	t.Helper()
	return startAgentWith(t, workDir, id, cmd, launcherOf(t))
}

// startAgentWith is startAgent with the given launcher.
func startAgentWith(t *testing.T, workDir, id, cmd, launcher string) (*exec.Cmd, int) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(exe)
	c.Env = append(os.Environ(), testHelperEnv+"=agent", "WORKDIR="+workDir, "ID="+id, "CMD="+cmd, launcherEnv+"="+launcher)
	if len(testShim) > 0 {
		c.Env = append(c.Env, shimPathEnv+"="+testShim[0])
	}
	c.Stderr = os.Stderr
	out, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		c.Process.Kill()
		c.Wait()
		t.Fatalf("agent helper: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "running "))
	if err != nil {
		t.Fatalf("agent helper said %q", line)
	}
	return c, pid
}

// killAgent SIGKILLs the agent process, as a crash would.
func killAgent(t *testing.T, c *exec.Cmd) {
	t.Helper()
	c.Process.Signal(syscall.SIGKILL)
	c.Wait()
}

// waitExit blocks until pid (not our child) exits, via a pidfd: no sleeping.
func waitExit(t *testing.T, pid int) {
	t.Helper()
	fd, err := pidfdOpen(pid)
	if err != nil {
		return // already gone
	}
	defer syscall.Close(fd)
	fds := []syscall.EpollEvent{{Events: syscall.EPOLLIN, Fd: int32(fd)}}
	ep, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(ep)
	syscall.EpollCtl(ep, syscall.EPOLL_CTL_ADD, fd, &fds[0])
	for {
		n, err := syscall.EpollWait(ep, fds, 30000)
		if err == syscall.EINTR {
			continue
		}
		if n != 1 || err != nil {
			t.Fatalf("pid %d did not exit: %v", pid, err)
		}
		return
	}
}

// TestRecoverAfterAgentCrash kills the agent (a separate OS process) with
// SIGKILL mid-task; a new containerizer recovers the running task, and the
// task later finishes with its true exit status.
func TestRecoverAfterAgentCrash(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		work := t.TempDir()
		fifo := filepath.Join(t.TempDir(), "go")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		agent, shim := startAgent(t, work, "task1", "read x < "+fifo+"; exit 42")
		killAgent(t, agent)
		if st, err := readStat(shim); err != nil || st.State == 'Z' {
			t.Fatalf("task died with its agent: %v %v", st, err)
		}

		m, rec := newTestMesos(t, func(c *Config) { c.WorkDir = work })
		ctx := testCtx(t)
		id := NewContainerID("task1")
		if err := m.Recover(ctx, []ContainerID{id}); err != nil {
			t.Fatal(err)
		}
		snap := m.Snapshot()
		if len(snap) != 1 || snap[0].State != Running || !snap[0].Recovered || snap[0].PID != shim {
			t.Fatalf("Snapshot() after recover = %+v", snap)
		}
		if err := os.WriteFile(fifo, []byte("go\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		term, err := m.Wait(ctx, id)
		if err != nil || term == nil {
			t.Fatal(term, err)
		}
		if code, ok := term.Exited(); !ok || code != 42 {
			t.Errorf("recovered termination = %v, want exit 42", term)
		}
		if got := rec.states(id); len(got) != 2 || got[0] != Running || got[1] != Destroying {
			t.Errorf("recovered states = %v, want [RUNNING DESTROYING]", got)
		}
		assertGone(t, shim)
	})
}

// TestRecoverExitedWhileDown: the task finishes while no agent runs; the
// recovering containerizer reports its real exit status from the status
// file the shim wrote.
func TestRecoverExitedWhileDown(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		work := t.TempDir()
		fifo := filepath.Join(t.TempDir(), "go")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		agent, shim := startAgent(t, work, "task2", "read x < "+fifo+"; exit 17")
		killAgent(t, agent)
		if err := os.WriteFile(fifo, []byte("go\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		// The shim is now our child (we are a subreaper); it exits once the
		// task has.
		var ws syscall.WaitStatus
		if _, err := syscall.Wait4(shim, &ws, 0, nil); err != nil {
			waitExit(t, shim)
		}

		m, _ := newTestMesos(t, func(c *Config) { c.WorkDir = work })
		ctx := testCtx(t)
		id := NewContainerID("task2")
		if err := m.Recover(ctx, nil); err != nil {
			t.Fatal(err)
		}
		term, err := m.Wait(ctx, id)
		if err != nil || term == nil {
			t.Fatal(term, err)
		}
		if code, ok := term.Exited(); !ok || code != 17 {
			t.Errorf("termination = %v, want exit 17", term)
		}
	})
}

// TestRecoverDestroysOrphans: a container the agent does not know about is
// killed on recovery.
func TestRecoverDestroysOrphans(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		work := t.TempDir()
		agent, shim := startAgent(t, work, "orphan", "sleep 1000")
		killAgent(t, agent)
		m, rec := newTestMesos(t, func(c *Config) { c.WorkDir = work })
		ctx := testCtx(t)
		if err := m.Recover(ctx, []ContainerID{}); err != nil {
			t.Fatal(err)
		}
		term, err := m.Wait(ctx, NewContainerID("orphan"))
		if err != nil || term == nil {
			t.Fatal(term, err)
		}
		if sig, ok := term.Signaled(); !ok || sig != syscall.SIGKILL {
			t.Errorf("orphan termination = %v, want SIGKILL", term)
		}
		if got := rec.states(NewContainerID("orphan")); len(got) != 2 {
			t.Errorf("orphan states = %v", got)
		}
		assertGone(t, shim)
		if cs, _ := m.Containers(ctx); len(cs) != 0 {
			t.Errorf("Containers() = %v", cs)
		}
	})
}

// TestRecoverPidReuse: a checkpointed pid whose start time does not match
// is not the shim; the container counts as exited.
func TestRecoverPidReuse(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, _ := newTestMesos(t, nil)
		ctx := testCtx(t)
		id := NewContainerID("reused")
		rt := m.lay.runtimePath(id)
		cfg := shell("true")
		cfg.Directory = filepath.Join(m.cfg.WorkDir, "containers", "reused")
		os.MkdirAll(cfg.Directory, 0o755)
		b, _ := json.Marshal(cfg)
		checkpoint(filepath.Join(rt, configFile), b)
		// Our own pid, with a start time that cannot be ours.
		checkpoint(filepath.Join(rt, pidFile), []byte(strconv.Itoa(os.Getpid())))
		checkpoint(filepath.Join(rt, startTimeFile), []byte("1"))
		checkpoint(filepath.Join(rt, statusFile), []byte(strconv.Itoa(int(exitStatus(9)))))
		if err := m.Recover(ctx, nil); err != nil {
			t.Fatal(err)
		}
		term, err := m.Wait(ctx, id)
		if err != nil || term == nil {
			t.Fatal(term, err)
		}
		if code, ok := term.Exited(); !ok || code != 9 {
			t.Errorf("termination = %v, want exit 9 from the status file", term)
		}

	})
}
