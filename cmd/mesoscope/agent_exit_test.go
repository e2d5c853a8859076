package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAgentCommandEndsWithAgent: `mesoscope agent` exits when the agent ends on its
// own, as mesos-agent's main returns once the agent process is gone: with
// --recover=cleanup on a work_dir with nothing to recover, the agent shuts the
// (no) recovered executors down and terminates, and the command exits 0 without a
// signal. (An agent whose recovery fails makes the command exit non-zero through
// Agent.Err; embedded/agent's TestRecoverFailureEndsAgent covers that end.)
func TestAgentCommandEndsWithAgent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an agent as an OS process")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	cmd := exec.Command(self, "agent", "--recover", "cleanup", "--work_dir", filepath.Join(work, "agent"),
		"--master", "127.0.0.1:1", "--port", "0", "--trace_exporter", "none")
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("agent --recover=cleanup exited with %v, want 0\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "cleanup mode") {
			t.Errorf("agent output does not say it ran in cleanup mode:\n%s", out.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("agent --recover=cleanup still running after 60s, want it to exit when its agent terminates\n%s", out.String())
	}
}
