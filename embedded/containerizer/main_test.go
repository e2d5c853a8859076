package containerizer

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// testHelperEnv selects a helper role for a re-exec of the test binary.
const testHelperEnv = "MESOSCOPE_CONTAINERIZER_TEST_HELPER"

func TestMain(m *testing.M) {
	RunShimIfRequested()
	if role, ok := os.LookupEnv(testHelperEnv); ok {
		os.Exit(runTestHelper(role))
	}
	// This machine's PID 1 does not reap orphans. Becoming a subreaper makes
	// the shims of an "agent" child process killed by the recovery test our
	// children, so Recover can reap them when they exit.
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
	dir, err := os.MkdirTemp("", "containerizer-shim-")
	if err == nil {
		testShim = buildShim(dir)
	}
	code := runTests(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

func runTests(m *testing.M) int {
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: errors on successful test run: %v\n", err)
			code = 1
		}
	}
	return code
}

// testShim is the shim argv most tests use: the dedicated shim binary
// (internal/shim), built without the race detector, which starts several
// times faster than a re-exec of this test binary (and, under -race, than
// a race-instrumented one). nil means "re-exec the test binary", the
// production default, which TestReexecShim and Example exercise.
var testShim []string

// testLauncher is the Config.Launcher of newTestMesos and of the agent
// helper: $MESOSCOPE_CONTAINERIZER_TEST_LAUNCHER, so that the whole suite
// can run with either launcher; tests that matter for both also run both.
var testLauncher = os.Getenv(launcherEnv)

// forLaunchers runs f as a subtest "launcher=<name>" for each launcher;
// newTestMesos (through launcherOf) gives the subtest's containerizers that
// launcher.
func forLaunchers(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	for _, l := range launchers {
		t.Run("launcher="+l, f)
	}
}

// launcherOf is the launcher a test runs with: the "launcher=<name>"
// element of its name (forLaunchers), else testLauncher.
func launcherOf(t testing.TB) string {
	for _, part := range strings.Split(t.Name(), "/") {
		if l, ok := strings.CutPrefix(part, "launcher="); ok {
			return l
		}
	}
	return testLauncher
}

// launcherEnv selects testLauncher (and hands it to the agent helper).
const launcherEnv = "MESOSCOPE_CONTAINERIZER_TEST_LAUNCHER"

// shimPathEnv hands testShim to the agent helper process.
const shimPathEnv = "MESOSCOPE_CONTAINERIZER_TEST_SHIM"

func buildShim(dir string) []string {
	goTool, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintf(os.Stderr, "no go tool to build the test shim, re-exec'ing the test binary instead: %v\n", err)
		return nil
	}
	out := filepath.Join(dir, "shim")
	cmd := exec.Command(goTool, "build", "-o", out, "github.com/mesoscope/mesoscope/embedded/containerizer/internal/shim")
	if b, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the test shim failed, re-exec'ing the test binary instead: %v\n%s", err, b)
		return nil
	}
	return []string{out}
}

// runTestHelper implements the helper roles:
//
//	printargs  write os.Args[1:] as JSON to stdout
//	alloc:N    allocate and touch N MiB, say "allocated", then block
//	agent      be an agent process for the recovery test
//	pgrp       leave a sleep behind in another process group, exit 3
func runTestHelper(role string) int {
	switch {
	case role == "printargs":
		b, _ := json.Marshal(os.Args[1:])
		os.Stdout.Write(b)
		return 0
	case len(role) > 6 && role[:6] == "alloc:":
		n, _ := strconv.Atoi(role[6:])
		buf := make([]byte, n<<20)
		for i := 0; i < len(buf); i += 4096 {
			buf[i] = 1
		}
		fmt.Println("allocated")
		for {
			time.Sleep(time.Hour)
			buf[0]++
		}
	case role == "agent":
		return runAgentHelper()
	case role == "pgrp":
		// A sleep in a process group of its own (same session), its pid
		// in $PIDFILE; then exit 3, leaving it behind.
		pid, err := syscall.ForkExec("/bin/sleep", []string{"sleep", "1000"}, &syscall.ProcAttr{Sys: &syscall.SysProcAttr{Setpgid: true}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		os.WriteFile(os.Getenv("PIDFILE"), []byte(strconv.Itoa(pid)), 0o644)
		return 3
	}
	fmt.Fprintf(os.Stderr, "unknown helper role %q\n", role)
	return 2
}
