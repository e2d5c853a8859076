package cluster

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

// shimDir holds the launch shim the local cluster's agents use in tests:
// the dedicated shim binary (built once, without the race detector) starts
// faster than a re-exec of this test binary, the production default that
// RunShimIfRequested keeps working. The first test that starts a cluster
// builds it, so fuzz workers do not.
var (
	shimDir  string
	shimOnce sync.Once
	shim     []string
)

// testShim returns the shim command (nil: re-exec the test binary).
func testShim() []string {
	shimOnce.Do(func() {
		out := filepath.Join(shimDir, "shim")
		cmd := exec.Command("go", "build", "-o", out, "github.com/mesoscope/mesoscope/embedded/containerizer/internal/shim")
		if b, err := cmd.CombinedOutput(); err == nil {
			shim = []string{out}
		} else {
			fmt.Fprintf(os.Stderr, "building the test shim failed, re-exec'ing the test binary instead: %v\n%s", err, b)
		}
	})
	return shim
}

func TestMain(m *testing.M) {
	containerizer.RunShimIfRequested()
	dir, err := os.MkdirTemp("", "cluster-shim-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shimDir = dir
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
