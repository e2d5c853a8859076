package containerizer

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"
)

// A recovered shim counts as ready once it has a child; a process without
// children keeps waitRecoveredShim waiting until it exits.
func TestWaitRecoveredShim(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skipf("no sleep: %v", err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if got := hasChild(os.Getpid()); !got {
		t.Errorf("hasChild(self with a child) = %v, want true", got)
	}
	if got := hasChild(cmd.Process.Pid); got {
		t.Errorf("hasChild(sleep) = %v, want false", got)
	}
	if got := hasChild(-1); !got {
		t.Errorf("hasChild(no such process) = %v, want true (nothing to wait for)", got)
	}
	exited := make(chan struct{})
	done := make(chan struct{})
	go func() {
		waitRecoveredShim(cmd.Process.Pid, exited)
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("waitRecoveredShim returned for a shim without a child that has not exited")
	case <-time.After(3 * recoveredShimPoll): // it must still be polling: nothing else to wait on
	}
	close(exited)
	select {
	case <-done:
	case <-time.After(recoveredShimTimeout):
		t.Fatal("waitRecoveredShim did not return once the shim exited")
	}
}

// A container destroyed before its shim got the go byte never ran its task: its
// termination has no status (the shim's own exit is not the task's), whether the
// launch was abandoned by a live agent or by one that died.
func TestUnstartedContainerHasNoStatus(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // the fetch hangs: the container stays FETCHING
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	m, _ := newTestMesos(t, nil)
	ctx := testCtx(t)
	id := NewContainerID("unstarted")
	cfg := shell("exit 0")
	cfg.CommandInfo.URIs = []URI{{Value: srv.URL + "/never"}}
	launched := make(chan error, 1)
	go func() {
		_, err := m.Launch(ctx, id, cfg)
		launched <- err
	}()
	for {
		st := m.Snapshot()
		if len(st) == 1 && st[0].State == Fetching {
			break
		}
		time.Sleep(time.Millisecond) // the launch walks its states on its own goroutine
	}
	term, err := m.Destroy(ctx, id)
	if err != nil || term == nil {
		t.Fatalf("Destroy() = %v, %v", term, err)
	}
	if term.Status != nil {
		t.Errorf("termination of a container whose task never started = %s, want no status", term)
	}
	if err := <-launched; err == nil {
		t.Error("Launch() of a container destroyed while fetching succeeded")
	}
}
