package walkthroughs

import (
	"strings"
	"testing"
)

// The reliability tour's commands fail with a clear error, not a panic, when what they
// need is missing or their arguments are wrong.
func TestReliabilityCommandErrors(t *testing.T) {
	tests := []struct {
		setup []string
		cmd   string
		want  string
	}{
		{cmd: "mesos-agent a1 cpus:1", want: "no master yet"},
		{cmd: "crash-agent", want: "no master yet"},
		{cmd: "restart-master", want: "no master yet"},
		{setup: []string{"master"}, cmd: "mesos-agent a1 cpus:1", want: "real_agents=true"},
		{setup: []string{"master"}, cmd: "restart-master", want: "no registry"},
		{setup: []string{"master real_agents=true"}, cmd: "mesos-agent a1", want: "want \"mesos-agent NAME RESOURCES\""},
		{setup: []string{"master real_agents=true"}, cmd: "mesos-agent a1 cpus:x", want: "mesos-agent a1"},
		{setup: []string{"master real_agents=true"}, cmd: "crash-agent", want: "no running agent"},
		{setup: []string{"master real_agents=true"}, cmd: "restart-agent", want: "no crashed agent"},
		{setup: []string{"master real_agents=true"}, cmd: "resubscribe web", want: "whose master went away"},
		{setup: []string{"master real_agents=true"}, cmd: "acknowledge t1", want: "no framework yet"},
		{setup: []string{"master real_agents=true"}, cmd: "wait-agent t1 TASK_RUNNING", want: "with a running agent"},
		{setup: []string{"master real_agents=true"}, cmd: "open-gate", want: "want \"open-gate TASK\""},
		{setup: []string{"master real_agents=true"}, cmd: "meta", want: "no agent"},
		{setup: []string{"master real_agents=true", "subscribe web"}, cmd: "acknowledge t1", want: "no update to acknowledge"},
		{setup: []string{"master real_agents=true", "subscribe web"}, cmd: "reconcile", want: "want \"reconcile TASK"},
		{setup: []string{"master real_agents=true", "subscribe web"}, cmd: "launch-task t1 cpus:1", want: "want \"launch TASK"},
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			outs := runLines(t, append(tt.setup, tt.cmd)...)
			for i, line := range tt.setup {
				if strings.HasPrefix(outs[i], "error:") {
					t.Fatalf("Run(%q) = %q, want no error", line, outs[i])
				}
			}
			if got := outs[len(outs)-1]; !strings.HasPrefix(got, "error:") || !strings.Contains(got, tt.want) {
				t.Errorf("Run(%q) = %q, want an error containing %q", tt.cmd, got, tt.want)
			}
		})
	}
}
