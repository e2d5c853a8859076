package containerizer

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sessionMembers returns the processes (zombies included) of session sid.
func sessionMembers(t *testing.T, sid int) []procStat {
	t.Helper()
	procs, err := listProcs()
	if err != nil {
		t.Fatal(err)
	}
	var out []procStat
	for _, p := range procs {
		if p.Session == sid {
			out = append(out, p)
		}
	}
	return out
}

func runningPID(t *testing.T, m *Mesos, id ContainerID) int {
	t.Helper()
	st, err := m.Status(context.Background(), id)
	if err != nil || st.ExecutorPID == 0 {
		t.Fatalf("Status(%s) = %v, %v", id, st, err)
	}
	return int(st.ExecutorPID)
}

// assertGone checks that the shim and every process of its session are
// gone: no orphans and no zombies.
func assertGone(t *testing.T, pid int) {
	t.Helper()
	if left := sessionMembers(t, pid); len(left) != 0 {
		t.Errorf("session %d still has processes: %+v", pid, left)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
		t.Errorf("shim %d still exists (zombie?)", pid)
	}
}

func TestDestroyRunningSIGTERM(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, rec := newTestMesos(t, nil)
		ctx := testCtx(t)
		id := NewContainerID("sleeper")
		if _, err := m.Launch(ctx, id, shell("sleep 1000 & sleep 1000 & wait")); err != nil {
			t.Fatal(err)
		}
		pid := runningPID(t, m, id)
		term, err := m.Destroy(ctx, id)
		if err != nil || term == nil {
			t.Fatalf("Destroy = %v, %v", term, err)
		}
		if sig, ok := term.Signaled(); !ok || sig != syscall.SIGTERM {
			t.Errorf("termination = %v, want terminated with SIGTERM", term)
		}
		assertGone(t, pid)
		if got := rec.states(id); len(got) != 7 || got[6] != Destroying {
			t.Errorf("states = %v", got)
		}
		if cs, _ := m.Containers(ctx); len(cs) != 0 {
			t.Errorf("Containers() = %v, want none", cs)
		}
		// Wait and Destroy after the fact still answer with the termination.
		again, err := m.Wait(ctx, id)
		if err != nil || again == nil || again.String() != term.String() {
			t.Errorf("Wait after destroy = %v, %v, want %v", again, err, term)
		}
		if unknown, err := m.Destroy(ctx, NewContainerID("nope")); unknown != nil || err != nil {
			t.Errorf("Destroy(unknown) = %v, %v, want nil, nil", unknown, err)
		}
	})
}

// newFifo makes a FIFO the task and the test synchronise through: reading
// it blocks until the task has written a line, so no test sleeps.
func newFifo(t *testing.T) string {
	t.Helper()
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	return fifo
}

// readFifo returns what one writer wrote to fifo.
func readFifo(t *testing.T, fifo string) string {
	t.Helper()
	b, err := os.ReadFile(fifo)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func withEnv(cfg ContainerConfig, kv ...string) ContainerConfig {
	if cfg.CommandInfo.Environment == nil {
		cfg.CommandInfo.Environment = &Environment{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		cfg.CommandInfo.Environment.Variables = append(cfg.CommandInfo.Environment.Variables, Variable{Name: kv[i], Value: kv[i+1]})
	}
	return cfg
}

// TestDestroyGracePeriod uses the fake clock: a task that ignores SIGTERM
// survives until the grace period elapses, then dies of SIGKILL.
func TestDestroyGracePeriod(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		clock := newFakeClock()
		m, _ := newTestMesos(t, func(c *Config) { c.Clock = clock })
		ctx := testCtx(t)
		fifo := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		id := NewContainerID("stubborn")
		cfg := shell(`trap 'echo term > "$FIFO"' TERM; echo ready > "$FIFO"; while :; do sleep 0.05; done`)
		cfg.CommandInfo.Environment = &Environment{Variables: []Variable{{Name: "FIFO", Value: fifo}}}
		cfg.KillPolicy = &KillPolicy{GracePeriod: &DurationInfo{Nanoseconds: int64(5 * time.Second)}}
		if _, err := m.Launch(ctx, id, cfg); err != nil {
			t.Fatal(err)
		}
		pid := runningPID(t, m, id)
		readLine := func() string {
			b, err := os.ReadFile(fifo) // blocks until the task opens, writes and closes
			if err != nil {
				t.Fatal(err)
			}
			return strings.TrimSpace(string(b))
		}
		if got := readLine(); got != "ready" {
			t.Fatalf("fifo = %q, want ready", got)
		}
		done := make(chan *Termination, 1)
		go func() {
			term, _ := m.Destroy(ctx, id)
			done <- term
		}()
		if got := readLine(); got != "term" {
			t.Fatalf("fifo = %q, want term", got)
		}
		// The task trapped SIGTERM and is still running: no SIGKILL before the
		// grace period.
		clock.waitPending(1)
		clock.Advance(4 * time.Second)
		select {
		case term := <-done:
			t.Fatalf("destroyed before the grace period: %v", term)
		default:
		}
		if st, err := readStat(pid); err != nil || st.State == 'Z' {
			t.Fatalf("shim died before the grace period: %v %v", st, err)
		}
		clock.Advance(time.Second)
		term := <-done
		if term == nil {
			t.Fatal("Destroy returned nil")
		}
		if sig, ok := term.Signaled(); !ok || sig != syscall.SIGKILL {
			t.Errorf("termination = %v, want SIGKILL after the grace period", term)
		}
		assertGone(t, pid)
	})
}

// TestDestroyGraceRealClock measures the grace period on the wall clock.
func TestDestroyGraceRealClock(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, _ := newTestMesos(t, nil)
		ctx := testCtx(t)
		id := NewContainerID("stubborn-real")
		fifo := newFifo(t)
		cfg := withEnv(shell(`trap '' TERM; echo ready > "$FIFO"; while :; do sleep 0.05; done`), "FIFO", fifo)
		const grace = 300 * time.Millisecond
		cfg.KillPolicy = &KillPolicy{GracePeriod: &DurationInfo{Nanoseconds: int64(grace)}}
		if _, err := m.Launch(ctx, id, cfg); err != nil {
			t.Fatal(err)
		}
		pid := runningPID(t, m, id)
		if got := readFifo(t, fifo); got != "ready" {
			t.Fatalf("fifo = %q", got)
		}
		start := time.Now()
		term, err := m.Destroy(ctx, id)
		elapsed := time.Since(start)
		if err != nil || term == nil {
			t.Fatalf("Destroy = %v, %v", term, err)
		}
		if sig, ok := term.Signaled(); !ok || sig != syscall.SIGKILL {
			t.Errorf("termination = %v, want SIGKILL", term)
		}
		if elapsed < grace {
			t.Errorf("destroy took %v, want at least the grace period %v", elapsed, grace)
		}
		assertGone(t, pid)
	})
}

// TestNoOrphansAfterExit: background children of a task that exits are
// killed and reaped by the shim.
func TestNoOrphansAfterExit(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, _ := newTestMesos(t, nil)
		ctx := testCtx(t)
		id := NewContainerID("leaver")
		if _, err := m.Launch(ctx, id, shell("(sleep 1000 &) ; sleep 1000 & exit 5")); err != nil {
			t.Fatal(err)
		}
		pid := runningPID(t, m, id)
		term, err := m.Wait(ctx, id)
		if err != nil || term == nil {
			t.Fatal(term, err)
		}
		if code, ok := term.Exited(); !ok || code != 5 {
			t.Errorf("termination = %v, want exit 5", term)
		}
		assertGone(t, pid)
	})
}

func TestKillSignal(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, _ := newTestMesos(t, nil)
		ctx := testCtx(t)
		id := NewContainerID("killme")
		fifo := newFifo(t)
		if _, err := m.Launch(ctx, id, withEnv(shell(`trap 'exit 42' USR1; echo ready > "$FIFO"; while :; do sleep 0.05; done`), "FIFO", fifo)); err != nil {
			t.Fatal(err)
		}
		if got := readFifo(t, fifo); got != "ready" {
			t.Fatalf("fifo = %q", got)
		}
		if ok, err := m.Kill(ctx, id, syscall.SIGUSR1); !ok || err != nil {
			t.Fatalf("Kill = %v, %v", ok, err)
		}
		term, err := m.Wait(ctx, id)
		if err != nil || term == nil {
			t.Fatal(term, err)
		}
		if code, ok := term.Exited(); !ok || code != 42 {
			t.Errorf("termination = %v, want exit 42", term)
		}
		if ok, err := m.Kill(ctx, NewContainerID("unknown"), syscall.SIGTERM); ok || err != nil {
			t.Errorf("Kill(unknown) = %v, %v, want false, nil", ok, err)
		}
	})
}
