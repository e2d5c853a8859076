package containerizer

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// lockedBuffer is a bytes.Buffer safe for the containerizer's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRecoverLogsAlive checks that "Recovered container" reports a running
// task as alive with either launcher (the supervisor's sets supAlive, not
// alive).
func TestRecoverLogsAlive(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		work := t.TempDir()
		fifo := filepath.Join(t.TempDir(), "go")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		agent, _ := startAgent(t, work, "task1", "read x < "+fifo+"; exit 0")
		killAgent(t, agent)

		var logs lockedBuffer
		m, _ := newTestMesos(t, func(c *Config) {
			c.WorkDir = work
			c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
		})
		ctx := testCtx(t)
		id := NewContainerID("task1")
		if err := m.Recover(ctx, []ContainerID{id}); err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var rec struct {
				Msg   string `json:"msg"`
				Alive bool   `json:"alive"`
			}
			if err := json.Unmarshal([]byte(line), &rec); err != nil || rec.Msg != "Recovered container" {
				continue
			}
			found = true
			if !rec.Alive {
				t.Errorf("log %s: alive = false, want true for a running task", line)
			}
		}
		if !found {
			t.Errorf("no \"Recovered container\" log in %s", logs.String())
		}
		if err := os.WriteFile(fifo, []byte("go\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Wait(ctx, id); err != nil {
			t.Fatal(err)
		}
	})
}
