// Package shimtest serves the tests of packages that start agents (embedded/cluster,
// embedded/marathon): their agents launch tasks through the containerizer's launch
// shim, and the dedicated shim binary (embedded/containerizer/internal/shim, built once
// per test binary, without the race detector) starts faster than a re-exec of the test
// binary, the production default that containerizer.RunShimIfRequested keeps working.
// The shim is built by the first test that asks for it, so fuzz workers do not build it.
// Procs lists the machine's processes, for tests that check what a container left behind.
package shimtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
)

// shimPackage is the dedicated shim's main package.
const shimPackage = "github.com/mesoscope/mesoscope/embedded/containerizer/internal/shim"

// Shim is the dedicated launch shim of one test binary. The zero value is ready; Main
// gives it its directory.
type Shim struct {
	dir  string
	once sync.Once
	cmd  []string
}

// Command returns the shim command for an agent's containerizer (nil: re-exec the test
// binary, when the build failed; the reason is printed).
func (s *Shim) Command() []string {
	s.once.Do(func() {
		if s.dir == "" {
			return
		}
		s.cmd = Build(s.dir)
	})
	return s.cmd
}

// Build builds the dedicated shim into dir and returns its argv, or nil (re-exec the
// test binary) when there is no go tool or the build fails; the reason is printed.
// (The containerizer's own tests cannot import this package, which imports the
// containerizer; they keep a copy of this function.)
func Build(dir string) []string {
	goTool, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintf(os.Stderr, "no go tool to build the test shim, re-exec'ing the test binary instead: %v\n", err)
		return nil
	}
	out := filepath.Join(dir, "shim")
	if b, err := exec.Command(goTool, "build", "-o", out, shimPackage).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the test shim failed, re-exec'ing the test binary instead: %v\n%s", err, b)
		return nil
	}
	return []string{out}
}

// Main is the TestMain of a package whose tests start agents: it runs the launch shim
// when the test binary was re-executed as one, runs the tests, fails the run on leaked
// goroutines (goleak), removes the built shim and exits.
func Main(m *testing.M, s *Shim) {
	containerizer.RunShimIfRequested()
	dir, err := os.MkdirTemp("", "mesoscope-test-shim-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s.dir = dir
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}
