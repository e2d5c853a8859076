package containerizer

import (
	"os"
	"sync"
	"time"
)

// gc removes sandboxes of terminated containers after --gc_delay, like the
// agent's GarbageCollector (src/slave/gc.cpp) fed by
// MesosContainerizerProcess::garbageCollect: the delay counts from the
// directory's modification time. Scheduled removals live only in memory (as
// in Mesos) and stop at Close.
type gc struct {
	m *Mesos

	mu     sync.Mutex
	timers map[string]Timer
	closed bool
}

// scheduleByMtime schedules path for removal GCDelay after its mtime.
func (g *gc) scheduleByMtime(path string) {
	if g.m.cfg.GCDelay < 0 {
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		g.m.log.Error("Failed to find the mtime", "path", path, "err", err)
		return
	}
	delay := g.m.cfg.GCDelay - g.m.clock.Now().Sub(fi.ModTime())
	if delay < 0 {
		delay = 0
	}
	g.schedule(path, delay)
}

// schedule removes path after delay, replacing an earlier schedule.
func (g *gc) schedule(path string, delay time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return
	}
	if t, ok := g.timers[path]; ok {
		t.Stop()
	}
	var t Timer
	t = g.m.after(delay, func() {
		g.mu.Lock()
		if g.timers[path] != t {
			g.mu.Unlock()
			return
		}
		delete(g.timers, path)
		g.mu.Unlock()
		if err := os.RemoveAll(path); err != nil {
			g.m.log.Warn("Failed to garbage collect", "path", path, "err", err)
		}
	})
	g.timers[path] = t
}

// unschedule cancels a pending removal.
func (g *gc) unschedule(path string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t, ok := g.timers[path]; ok {
		t.Stop()
		delete(g.timers, path)
	}
}

// pending returns the paths scheduled for removal.
func (g *gc) pending() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]string, 0, len(g.timers))
	for p := range g.timers {
		out = append(out, p)
	}
	return out
}

func (g *gc) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	for p, t := range g.timers {
		t.Stop()
		delete(g.timers, p)
	}
}
