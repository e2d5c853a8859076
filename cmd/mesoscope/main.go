// Command mesoscope is a microscope for Apache Mesos: an embedded mini Mesos that traces
// itself, an inspector and a TUI that attach to any Mesos master, and guided walkthroughs
// of the Mesos source.
//
// main is a composition root only: every subcommand lives in its own file and wires
// packages together; no logic lives here.
package main

import (
	"fmt"
	"os"

	"github.com/mesoscope/mesoscope/embedded/cluster"
)

func main() {
	// Agents launch tasks through a re-exec of this binary (the launch shim).
	cluster.RunShimIfRequested()
	if err := newRootCommand().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "mesoscope:", err)
		os.Exit(1)
	}
}
