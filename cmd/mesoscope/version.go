package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at link time with -ldflags "-X main.version=..."; otherwise the module
// version from the build info is used.
var version = ""

// mesosVersion is the Apache Mesos release whose behaviour the embedded cluster models.
const mesosVersion = "1.11.0"

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the mesoscope version and the Mesos version it models",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := version
			if v == "" {
				v = "(devel)"
				if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
					v = bi.Main.Version
				}
			}
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "mesoscope %s\nmodels Apache Mesos %s\n%s %s/%s\n",
				v, mesosVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
