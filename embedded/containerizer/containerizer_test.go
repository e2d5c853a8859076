package containerizer

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recorder collects the containerizer's callbacks.
type recorder struct {
	mu          sync.Mutex
	transitions []Transition
	terminated  map[string]Termination
}

func (r *recorder) onTransition(tr Transition) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.transitions = append(r.transitions, tr)
}

func (r *recorder) onTerminated(id ContainerID, t Termination) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.terminated == nil {
		r.terminated = map[string]Termination{}
	}
	r.terminated[id.String()] = t
}

// states returns the sequence of states id went through, per the callbacks.
func (r *recorder) states(id ContainerID) []State {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []State
	for _, tr := range r.transitions {
		if tr.ContainerID.Equal(id) {
			if len(out) == 0 {
				out = append(out, tr.From)
			}
			out = append(out, tr.To)
		}
	}
	return out
}

// newTestMesos returns a containerizer over a temporary work dir with posix
// isolation; edit adjusts the config.
func newTestMesos(t testing.TB, edit func(*Config)) (*Mesos, *recorder) {
	t.Helper()
	rec := &recorder{}
	cfg := Config{
		WorkDir:      t.TempDir(),
		Isolation:    []string{"posix/cpu", "posix/mem"},
		OnTransition: rec.onTransition,
		OnTerminated: rec.onTerminated,
		Logger:       slog.New(slog.DiscardHandler),
		Shim:         testShim,
		Launcher:     launcherOf(t),
	}
	if edit != nil {
		edit(&cfg)
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m, rec
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func shell(cmd string) ContainerConfig {
	return ContainerConfig{CommandInfo: CommandInfo{Shell: true, Value: cmd}}
}

// launchWait launches cfg and waits for its termination.
func launchWait(t *testing.T, m *Mesos, id ContainerID, cfg ContainerConfig) Termination {
	t.Helper()
	ctx := testCtx(t)
	if res, err := m.Launch(ctx, id, cfg); err != nil || res != LaunchSuccess {
		t.Fatalf("Launch(%s) = %v, %v, want SUCCESS", id, res, err)
	}
	term, err := m.Wait(ctx, id)
	if err != nil || term == nil {
		t.Fatalf("Wait(%s) = %v, %v", id, term, err)
	}
	return *term
}

func sandboxOf(t *testing.T, m *Mesos, id ContainerID) string {
	t.Helper()
	for _, s := range m.Snapshot() {
		if s.ContainerID.Equal(id) {
			return s.Directory
		}
	}
	t.Fatalf("container %s not in Snapshot()", id)
	return ""
}

func TestLaunchWalksSevenStates(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, rec := newTestMesos(t, nil)
		id := NewContainerID("true")
		term := launchWait(t, m, id, shell("true"))
		want := []State{Starting, Provisioning, Preparing, Isolating, Fetching, Running, Destroying}
		if diff := cmp.Diff(want, rec.states(id)); diff != "" {
			t.Errorf("state sequence (-want +got):\n%s", diff)
		}
		if code, ok := term.Exited(); !ok || code != 0 {
			t.Errorf("termination = %v, want exited with status 0", term)
		}
		rec.mu.Lock()
		got, ok := rec.terminated[id.String()]
		rec.mu.Unlock()
		if !ok || got.String() != term.String() {
			t.Errorf("OnTerminated got %v (%v), want %v", got, ok, term)
		}
	})
}

func TestLaunchExitStatus(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		tests := []struct {
			name string
			cfg  ContainerConfig
			code int
			sig  syscall.Signal
		}{
			{"success", shell("exit 0"), 0, 0},
			{"failure", shell("exit 3"), 3, 0},
			{"signal", shell("kill -9 $$"), 0, syscall.SIGKILL},
			{"argv", ContainerConfig{CommandInfo: CommandInfo{Value: "/bin/sh", Arguments: []string{"sh", "-c", "exit 7"}}}, 7, 0},
			{"exec failure", ContainerConfig{CommandInfo: CommandInfo{Value: "/nonexistent/binary"}}, 1, 0},
		}
		m, _ := newTestMesos(t, nil)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				id := NewContainerID(strings.ReplaceAll(tc.name, " ", "-"))
				term := launchWait(t, m, id, tc.cfg)
				if tc.sig != 0 {
					if sig, ok := term.Signaled(); !ok || sig != tc.sig {
						t.Errorf("termination = %v, want signal %v", term, tc.sig)
					}
					return
				}
				if code, ok := term.Exited(); !ok || code != tc.code {
					t.Errorf("termination = %v, want exited with status %d", term, tc.code)
				}
			})
		}
	})
}

func TestStdoutStderrAndEnvironment(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, _ := newTestMesos(t, nil)
		id := NewContainerID("out")
		cfg := shell(`echo "out $GREETING $MESOS_SANDBOX"; echo err >&2; pwd`)
		cfg.CommandInfo.Environment = &Environment{Variables: []Variable{{Name: "GREETING", Value: "hello world"}}}
		cfg.Environment = map[string]string{"GREETING": "overridden by command", "AGENT": "x"}
		term := launchWait(t, m, id, cfg)
		if code, ok := term.Exited(); !ok || code != 0 {
			t.Fatalf("termination = %v", term)
		}
		dir := sandboxOf2(t, m, id)
		out, _ := os.ReadFile(filepath.Join(dir, "stdout"))
		if want := "out hello world " + dir + "\n" + dir + "\n"; string(out) != want {
			t.Errorf("stdout = %q, want %q", out, want)
		}
		errb, _ := os.ReadFile(filepath.Join(dir, "stderr"))
		if string(errb) != "err\n" {
			t.Errorf("stderr = %q, want %q", errb, "err\n")
		}
	})
}

// sandboxOf2 finds the sandbox of a terminated standalone container.
func sandboxOf2(t *testing.T, m *Mesos, id ContainerID) string {
	t.Helper()
	return m.lay.standalonePath(id)
}

// TestArgvArrivesIntact proves that shell=false passes arguments to execve
// untouched: nothing re-splits or re-joins them (Docker's containerizer
// once joined argv without escaping).
func TestArgvArrivesIntact(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"argv0 with space", "a b", `"double"`, `'single'`, "$(touch /tmp/pwned)", "x; rm -rf /", "`id`", "", "new\nline", "back\\slash", "*", "&&", "|"}
	m, _ := newTestMesos(t, nil)
	id := NewContainerID("argv")
	cfg := ContainerConfig{CommandInfo: CommandInfo{
		Value:       exe,
		Arguments:   args,
		Environment: &Environment{Variables: []Variable{{Name: testHelperEnv, Value: "printargs"}}},
	}}
	term := launchWait(t, m, id, cfg)
	if code, ok := term.Exited(); !ok || code != 0 {
		t.Fatalf("termination = %v", term)
	}
	b, _ := os.ReadFile(filepath.Join(sandboxOf2(t, m, id), "stdout"))
	var got []string
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	if diff := cmp.Diff(args[1:], got); diff != "" {
		t.Errorf("argv[1:] (-want +got):\n%s", diff)
	}

	// shell=true hands the value to /bin/sh -c as one argument.
	id2 := NewContainerID("shellquote")
	term = launchWait(t, m, id2, shell(`printf '%s|' "a b" '$(x)' ';'`))
	if code, ok := term.Exited(); !ok || code != 0 {
		t.Fatalf("termination = %v", term)
	}
	b, _ = os.ReadFile(filepath.Join(sandboxOf2(t, m, id2), "stdout"))
	if want := "a b|$(x)|;|"; string(b) != want {
		t.Errorf("shell stdout = %q, want %q", b, want)
	}
}

func TestMemoryLimitPosix(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		m, _ := newTestMesos(t, func(c *Config) { c.UsagePollInterval = 20 * time.Millisecond })
		id := NewContainerID("hog")
		cfg := ContainerConfig{
			CommandInfo: CommandInfo{Value: exe, Environment: &Environment{Variables: []Variable{{Name: testHelperEnv, Value: "alloc:160"}}}},
			Resources:   Resources{CPUs: 0.1, Mem: 64},
		}
		term := launchWait(t, m, id, cfg)
		if term.Reason != ReasonContainerLimitationMemory || term.State != TaskFailed {
			t.Fatalf("termination = %v, want REASON_CONTAINER_LIMITATION_MEMORY", term)
		}
		if !strings.Contains(term.Message, "Memory limit exceeded: Requested: 64MB") {
			t.Errorf("message = %q", term.Message)
		}
		if sig, ok := term.Signaled(); !ok || sig != syscall.SIGKILL {
			t.Errorf("status = %v, want SIGKILL", term)
		}
	})
}

func TestUsage(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, _ := newTestMesos(t, nil)
		ctx := testCtx(t)
		id := NewContainerID("busy")
		fifo := newFifo(t)
		cfg := withEnv(shell(`sleep 1000 & sleep 1000 & echo ready > "$FIFO"; wait`), "FIFO", fifo)
		cfg.Resources = Resources{CPUs: 0.5, Mem: 128}
		if _, err := m.Launch(ctx, id, cfg); err != nil {
			t.Fatal(err)
		}
		defer m.Destroy(ctx, id)
		// Both sleeps are forked before the shell writes to the FIFO.
		if got := readFifo(t, fifo); got != "ready" {
			t.Fatalf("fifo = %q", got)
		}
		s, err := m.Usage(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if s.Processes < 3 || s.Threads < 3 || s.MemRSSBytes == 0 || s.Timestamp == 0 {
			t.Errorf("Usage() = %+v, want 3+ processes with RSS", s)
		}
		if s.CPUsLimit != 0.5 || s.MemLimitBytes != 128<<20 {
			t.Errorf("limits = %v cpus, %v bytes, want 0.5 and %d", s.CPUsLimit, s.MemLimitBytes, 128<<20)
		}
		b, _ := json.Marshal(s)
		for _, k := range []string{`"timestamp"`, `"processes"`, `"threads"`, `"cpus_limit"`, `"mem_rss_bytes"`, `"mem_limit_bytes"`} {
			if !strings.Contains(string(b), k) {
				t.Errorf("JSON %s lacks %s", b, k)
			}
		}
		if err := m.Update(ctx, id, Resources{CPUs: 1, Mem: 256}); err != nil {
			t.Fatal(err)
		}
		if s, _ = m.Usage(ctx, id); s.MemLimitBytes != 256<<20 {
			t.Errorf("after Update mem_limit_bytes = %d, want %d", s.MemLimitBytes, 256<<20)
		}
		if _, err := m.Usage(ctx, NewContainerID("nope")); !errors.Is(err, ErrUnknownContainer) {
			t.Errorf("Usage(unknown) = %v, want ErrUnknownContainer", err)
		}
	})
}

func TestLaunchValidationAndAlreadyLaunched(t *testing.T) {
	m, _ := newTestMesos(t, nil)
	ctx := testCtx(t)
	bad := []struct {
		id  ContainerID
		cfg ContainerConfig
	}{
		{NewContainerID("a.b"), shell("true")},
		{NewContainerID("ok"), ContainerConfig{}},
		{NewContainerID("ok"), ContainerConfig{CommandInfo: CommandInfo{Value: "/bin/tr\x00ue"}}},
		{NewContainerID("ok"), ContainerConfig{CommandInfo: CommandInfo{Shell: true, Value: "x", URIs: []URI{{Value: "http://host"}}}}},
		{NewContainerID("ok"), ContainerConfig{CommandInfo: CommandInfo{Shell: true, Value: "x", URIs: []URI{{Value: "/f", OutputFile: "../escape"}}}}},
		{NewContainerID("ok"), ContainerConfig{CommandInfo: CommandInfo{Shell: true, Value: "x"}, FrameworkID: "fw"}},
		{NewContainerID("ok").Child("c"), shell("true")},
	}
	for _, tc := range bad {
		if _, err := m.Launch(ctx, tc.id, tc.cfg); err == nil {
			t.Errorf("Launch(%s, %+v) = nil error, want error", tc.id, tc.cfg)
		}
	}
	id := NewContainerID("twice")
	if _, err := m.Launch(ctx, id, shell("sleep 1000")); err != nil {
		t.Fatal(err)
	}
	if res, err := m.Launch(ctx, id, shell("true")); res != LaunchAlreadyLaunched || err != nil {
		t.Errorf("second Launch = %v, %v, want ALREADY_LAUNCHED", res, err)
	}
	if _, err := m.Destroy(ctx, id); err != nil {
		t.Fatal(err)
	}
}

func TestExecutorLayoutAndGC(t *testing.T) {
	clock := newFakeClockAt(time.Now())
	m, _ := newTestMesos(t, func(c *Config) { c.Clock = clock; c.AgentID = "agent-S1"; c.GCDelay = time.Hour })
	ctx := testCtx(t)
	id := NewContainerID("run1")
	cfg := shell("true")
	cfg.FrameworkID, cfg.ExecutorID = "fw-1", "ex-1"
	term := launchWait(t, m, id, cfg)
	if code, ok := term.Exited(); !ok || code != 0 {
		t.Fatalf("termination = %v", term)
	}
	dir := filepath.Join(m.cfg.WorkDir, "slaves/agent-S1/frameworks/fw-1/executors/ex-1/runs/run1")
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o750 {
		t.Fatalf("sandbox %s: %v %v", dir, fi, err)
	}
	if l, err := os.Readlink(filepath.Join(filepath.Dir(dir), "latest")); err != nil || l != dir {
		t.Errorf("latest -> %q, %v, want %q", l, err, dir)
	}
	pidPath := filepath.Join(m.cfg.WorkDir, "meta/slaves/agent-S1/frameworks/fw-1/executors/ex-1/runs/run1/pids/forked.pid")
	if _, err := os.Stat(pidPath); err != nil {
		t.Errorf("forked.pid: %v", err)
	}
	if _, err := os.Stat(m.lay.runtimePath(id)); !os.IsNotExist(err) {
		t.Errorf("runtime dir still exists: %v", err)
	}
	if p := m.gc.pending(); len(p) != 2 {
		t.Fatalf("gc pending = %v, want sandbox and meta run dir", p)
	}
	_ = ctx
	clock.Advance(time.Hour + time.Minute) // mtimes are a little after the clock's start
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("sandbox not garbage collected: %v", err)
	}
	if len(m.gc.pending()) != 0 {
		t.Errorf("gc pending after delay = %v", m.gc.pending())
	}
}

func TestNestedContainers(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, rec := newTestMesos(t, nil)
		ctx := testCtx(t)
		root := NewContainerID("root")
		rcfg := shell("sleep 1000")
		rcfg.FrameworkID, rcfg.ExecutorID = "fw", "ex"
		if _, err := m.Launch(ctx, root, rcfg); err != nil {
			t.Fatal(err)
		}
		rootDir := sandboxOf(t, m, root)
		child := root.Child("task1")
		if _, err := m.Launch(ctx, child, shell("echo nested > out; exit 4")); err != nil {
			t.Fatal(err)
		}
		term, err := m.Wait(ctx, child)
		if err != nil || term == nil {
			t.Fatal(term, err)
		}
		if code, ok := term.Exited(); !ok || code != 4 {
			t.Errorf("nested termination = %v, want exit 4", term)
		}
		childDir := filepath.Join(rootDir, "containers", "task1")
		if b, err := os.ReadFile(filepath.Join(childDir, "out")); err != nil || string(b) != "nested\n" {
			t.Errorf("nested sandbox out = %q, %v", b, err)
		}
		again, err := m.Wait(ctx, child)
		if err != nil || again == nil || again.String() != term.String() {
			t.Errorf("Wait(terminated nested) = %v, %v, want %v", again, err, term)
		}
		// A containerizer that recovers the root answers for the terminated
		// nested container from its checkpointed termination.
		m2, err := New(Config{WorkDir: m.cfg.WorkDir, Isolation: []string{"posix/cpu"}, Shim: testShim})
		if err != nil {
			t.Fatal(err)
		}
		if err := m2.Recover(ctx, nil); err != nil {
			t.Fatal(err)
		}
		cp, err := m2.Wait(ctx, child)
		if err != nil || cp == nil || cp.String() != term.String() {
			t.Errorf("Wait(nested) after recovery = %v, %v, want %v", cp, err, term)
		}
		m2.Close()
		if err := m.Remove(ctx, child); err != nil {
			t.Errorf("Remove(nested) = %v", err)
		}
		if _, err := os.Stat(childDir); !os.IsNotExist(err) {
			t.Errorf("nested sandbox not removed: %v", err)
		}
		// A running nested container is destroyed with its parent, first.
		child2 := root.Child("task2")
		if _, err := m.Launch(ctx, child2, shell("sleep 1000")); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Destroy(ctx, root); err != nil {
			t.Fatal(err)
		}
		if t2, err := m.Wait(ctx, child2); err != nil || t2 == nil {
			t.Errorf("Wait(child2) = %v, %v", t2, err)
		}
		rec.mu.Lock()
		var order []string
		for _, tr := range rec.transitions {
			if tr.To == Destroying {
				order = append(order, tr.ContainerID.String())
			}
		}
		rec.mu.Unlock()
		if diff := cmp.Diff([]string{"root.task1", "root", "root.task2"}, order); diff != "" {
			t.Errorf("DESTROYING order (-want +got):\n%s", diff)
		}
		if _, err := m.Launch(ctx, NewContainerID("gone").Child("x"), shell("true")); err == nil {
			t.Errorf("Launch(child of unknown parent) = nil error")
		}
	})
}

func TestCloseLeavesContainersRunning(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, _ := newTestMesos(t, nil)
		ctx := testCtx(t)
		id := NewContainerID("survivor")
		if _, err := m.Launch(ctx, id, shell("sleep 1000")); err != nil {
			t.Fatal(err)
		}
		pid := runningPID(t, m, id)
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Launch(ctx, NewContainerID("late"), shell("true")); !errors.Is(err, ErrClosed) {
			t.Errorf("Launch after Close = %v, want ErrClosed", err)
		}
		if st, err := readStat(pid); err != nil || st.State == 'Z' {
			t.Fatalf("container died with the containerizer: %v %v", st, err)
		}
		// A new containerizer over the same work dir takes over and kills it.
		m2, err := New(m.cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer m2.Close()
		if err := m2.Recover(ctx, nil); err != nil {
			t.Fatal(err)
		}
		term, err := m2.Destroy(ctx, id)
		if err != nil || term == nil {
			t.Fatal(term, err)
		}
		assertGone(t, pid)
	})
}

// TestRunAsUser switches the task to an unprivileged user when the agent
// runs as root: the task's uid and the sandbox's owner are that user's.
func TestRunAsUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("switching users needs root")
	}
	uid, gid, _, err := lookupUser("nobody")
	if err != nil {
		t.Skipf("no user nobody: %v", err)
	}
	m, _ := newTestMesos(t, nil)
	// t.TempDir makes 0700 directories; the task's user must traverse them.
	os.Chmod(m.cfg.WorkDir, 0o755)
	os.Chmod(filepath.Dir(m.cfg.WorkDir), 0o755)
	id := NewContainerID("as-nobody")
	cfg := shell("id -u; id -g")
	cfg.User = "nobody"
	term := launchWait(t, m, id, cfg)
	dir := sandboxOf2(t, m, id)
	if code, ok := term.Exited(); !ok || code != 0 {
		b, _ := os.ReadFile(filepath.Join(dir, "stderr"))
		t.Fatalf("termination = %v, stderr %q", term, b)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "stdout"))
	if want := strconv.Itoa(int(uid)) + "\n" + strconv.Itoa(int(gid)) + "\n"; string(b) != want {
		t.Errorf("id output = %q, want %q", b, want)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != uid {
		t.Errorf("sandbox owner = %d, want %d", st.Uid, uid)
	}
	if _, err := m.Launch(testCtx(t), NewContainerID("bad-user"), ContainerConfig{CommandInfo: CommandInfo{Shell: true, Value: "true"}, User: "no-such-user-xyz"}); err == nil {
		t.Errorf("Launch(unknown user) = nil error")
	}
}

// TestReexecShim runs a container with the production default shim: a
// re-exec of the current binary (here the test binary, whose TestMain calls
// RunShimIfRequested).
func TestReexecShim(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, rec := newTestMesos(t, func(c *Config) { c.Shim = nil })
		id := NewContainerID("reexec")
		term := launchWait(t, m, id, shell("exit 6"))
		if code, ok := term.Exited(); !ok || code != 6 {
			t.Errorf("termination = %v, want exit 6", term)
		}
		if got := rec.states(id); len(got) != NumStates {
			t.Errorf("states = %v", got)
		}
		exe, _ := os.Executable()
		if m.cfg.Shim[0] != exe {
			t.Errorf("default shim = %v, want %s", m.cfg.Shim, exe)
		}
	})
}
