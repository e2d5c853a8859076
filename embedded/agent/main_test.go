package agent

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/containerizer/shimtest"
)

// testShim is the launch shim argv the tests give the containerizer: the dedicated
// shim binary (built once, without the race detector), which starts much faster than
// a re-exec of this test binary. nil means re-exec the test binary (the production
// default), which RunShimIfRequested in TestMain makes work too.
var testShim []string

func TestMain(m *testing.M) {
	containerizer.RunShimIfRequested()
	dir, err := os.MkdirTemp("", "agent-shim-")
	if err == nil {
		testShim = shimtest.Build(dir)
	}
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: errors on successful test run: %v\n", err)
			code = 1
		}
		if kids := childProcesses(); len(kids) > 0 {
			fmt.Fprintf(os.Stderr, "processes left behind (zombies or orphans): %v\n", kids)
			code = 1
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// childProcesses lists the processes (zombies included) whose parent is this test
// binary: every shim the agents started must have been reaped.
func childProcesses() []string {
	me := strconv.Itoa(os.Getpid())
	entries, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) >= 2 && f[1] == me {
			out = append(out, e.Name()+" "+s[:i+1]+" state "+f[0])
		}
	}
	return out
}
