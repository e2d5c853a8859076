// Command shim is a minimal binary that only runs the containerizer's
// launch shim, or its launch supervisor (package shim). The containerizer's tests build it (without
// the race detector) and point Config.Shim at it; it starts several times
// faster than a re-exec of a large binary. Production binaries re-exec
// themselves by default, or can ship a binary like this one.
package main

import (
	"os"

	"github.com/mesoscope/mesoscope/embedded/containerizer/shim"
)

func main() {
	shim.RunIfRequested()
	// Without fmt, which the shim does not need either: less to initialise.
	os.Stderr.WriteString("shim: neither " + shim.Env + " nor " + shim.SupervisorEnv + " is set\n")
	os.Exit(2)
}
