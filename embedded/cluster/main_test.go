package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
)

// testShim is the launch shim the local cluster's agents use in tests: the
// dedicated shim binary (built once, without the race detector) starts
// faster than a re-exec of this test binary, the production default that
// RunShimIfRequested keeps working.
var testShim []string

func TestMain(m *testing.M) {
	containerizer.RunShimIfRequested()
	dir, err := os.MkdirTemp("", "cluster-shim-")
	if err == nil {
		out := filepath.Join(dir, "shim")
		cmd := exec.Command("go", "build", "-o", out, "github.com/mesoscope/mesoscope/embedded/containerizer/internal/shim")
		if b, err := cmd.CombinedOutput(); err == nil {
			testShim = []string{out}
		} else {
			fmt.Fprintf(os.Stderr, "building the test shim failed, re-exec'ing the test binary instead: %v\n%s", err, b)
		}
	}
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
