package main

import (
	"github.com/spf13/cobra"
)

// newRootCommand builds the mesoscope command tree. Each subcommand is added by a
// new*Command function in its own file.
func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "mesoscope",
		Short: "A microscope for Apache Mesos",
		Long: `mesoscope is a microscope for Apache Mesos.

It embeds a faithful mini Mesos (libprocess-style actor runtime, master with the DRF
hierarchical allocator, agents with a Mesos-style containerizer) that traces itself with
OpenTelemetry, an inspector and a TUI that attach to any Mesos master, and guided
walkthroughs that tie what you see to the Mesos 1.11 source.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newVersionCommand(), newDemoCommand(), newInspectCommand(), newWhyCommand(), newProfileCommand(), newSnapshotCommand(), newLocalCommand(), newMasterCommand(), newAgentCommand(), newTUICommand(), newWalkCommand(), newMarathonCommand(), newTraceCommand())
	return root
}
