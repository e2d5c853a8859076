package containerizer

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The garbage collector keeps one timer for any number of paths, removes each when its
// deadline passes (in deadline order, several at once when due together), honours
// reschedules and cancellations, and arms nothing once empty.
func TestGCOneTimerInDeadlineOrder(t *testing.T) {
	clock := newFakeClock()
	m, _ := newTestMesos(t, func(c *Config) { c.Clock = clock })
	dir := t.TempDir()
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	a, b, c, d := mk("a"), mk("b"), mk("c"), mk("d")
	g := m.gc
	g.schedule(a, 3*time.Hour)
	g.schedule(b, time.Hour)
	g.schedule(c, 2*time.Hour)
	g.schedule(d, time.Hour)
	g.schedule(c, 4*time.Hour) // rescheduled later
	g.unschedule(d)            // cancelled
	if got := pendingTimers(clock); got != 1 {
		t.Fatalf("pending timers = %d, want 1 for 3 scheduled paths", got)
	}
	steps := []struct {
		advance time.Duration
		gone    []string
	}{
		{59 * time.Minute, nil},
		{time.Minute, []string{b}},
		{2 * time.Hour, []string{a, b}},
		{time.Hour, []string{a, b, c}},
	}
	for i, st := range steps {
		clock.Advance(st.advance)
		var gone []string
		for _, p := range []string{a, b, c, d} {
			if !exists(p) {
				gone = append(gone, p)
			}
		}
		if !slices.Equal(gone, st.gone) {
			t.Errorf("step %d: removed %v, want %v", i, gone, st.gone)
		}
	}
	if !exists(d) {
		t.Errorf("cancelled path %s was removed", d)
	}
	if p := g.pending(); len(p) != 0 {
		t.Errorf("pending() = %v, want none", p)
	}
	if got := pendingTimers(clock); got != 0 {
		t.Errorf("pending timers after the last removal = %d, want 0", got)
	}
}

func pendingTimers(c *fakeClock) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pendingLocked()
}
