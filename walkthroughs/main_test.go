package walkthroughs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
)

// testShim is the launch shim argv the tests give the containerizer tour: the
// containerizer's dedicated shim binary, built once in TestMain (without the race
// detector), which starts far faster than a re-exec of this test binary. nil (no go
// tool) falls back to the re-exec, the production default.
var testShim []string

// TestMain checks that no tour leaves a goroutine behind: every runtime, HTTP server,
// connection and stream reader a Session starts is stopped by Close.
//
// The containerizer tour launches real processes through the containerizer's launch
// shim; when it is a re-exec of this test binary, RunShimIfRequested turns that
// re-exec into the shim.
func TestMain(m *testing.M) {
	containerizer.RunShimIfRequested()
	dir, err := os.MkdirTemp("", "walkthroughs-shim-")
	if err == nil && !fuzzing() {
		testShim = buildShim(dir)
	}
	code := 1
	func() {
		defer os.RemoveAll(dir)
		code = runTests(m)
	}()
	os.Exit(code)
}

func runTests(m *testing.M) int {
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: errors on successful test run: %v\n", err)
			return 1
		}
	}
	return code
}

// fuzzing reports whether this run fuzzes (no tour runs: no shim needed).
func fuzzing() bool {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "-test.fuzz") {
			return true
		}
	}
	return false
}

// buildShim builds the containerizer's shim binary into dir.
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
