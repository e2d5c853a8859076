package marathon_test

import (
	"testing"

	"github.com/mesoscope/mesoscope/embedded/containerizer/shimtest"
)

// shim is the dedicated launch shim the local clusters' agents use in tests.
var shim shimtest.Shim

// testShim returns the shim command (nil: re-exec the test binary).
func testShim() []string { return shim.Command() }

func TestMain(m *testing.M) { shimtest.Main(m, &shim) }
