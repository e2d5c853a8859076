package containerizer

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Bounds of waitRecoveredShim.
const (
	recoveredShimPoll    = 5 * time.Millisecond
	recoveredShimTimeout = 5 * time.Second
)

// waitRecoveredShim stands in for the ready pipe of a shim recovered from an
// agent that died (or crashed) right after launching it: the shim may still
// be starting, and a signal it does not catch yet would kill it without its
// checkpointing the task's status. A shim that has forked its task has
// installed its handlers (it does so before waiting for the go byte), so this
// waits until the shim has a child (the children of every thread in
// /proc/<pid>/task/*/children), has exited, or recoveredShimTimeout passed.
func waitRecoveredShim(pid int, exited <-chan struct{}) {
	deadline := time.Now().Add(recoveredShimTimeout)
	for {
		if hasChild(pid) || time.Now().After(deadline) {
			return
		}
		select {
		case <-exited:
			return
		case <-time.After(recoveredShimPoll):
		}
	}
}

// hasChild reports whether the process has a child, or cannot be inspected
// (gone, or no /proc children files: then there is nothing to wait for).
func hasChild(pid int) bool {
	dir := filepath.Join("/proc", strconv.Itoa(pid), "task")
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return true
	}
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join(dir, t.Name(), "children"))
		if err != nil {
			return true
		}
		if strings.TrimSpace(string(b)) != "" {
			return true
		}
	}
	return false
}
