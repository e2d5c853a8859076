package walkthroughs

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/containerizer/shimtest"
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
		testShim = shimtest.Build(dir)
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
