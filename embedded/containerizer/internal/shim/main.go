// Command shim is a minimal binary that only runs the containerizer's
// launch shim (package shim). The containerizer's tests build it (without
// the race detector) and point Config.Shim at it; it starts several times
// faster than a re-exec of a large binary. Production binaries re-exec
// themselves by default, or can ship a binary like this one.
package main

import (
	"fmt"
	"os"

	"github.com/mesoscope/mesoscope/embedded/containerizer/shim"
)

func main() {
	shim.RunIfRequested()
	fmt.Fprintf(os.Stderr, "shim: %s is not set\n", shim.Env)
	os.Exit(2)
}
