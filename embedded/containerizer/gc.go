package containerizer

import (
	"container/heap"
	"os"
	"sync"
	"time"
)

// gc removes sandboxes of terminated containers after --gc_delay, like the
// agent's GarbageCollector (src/slave/gc.cpp) fed by
// MesosContainerizerProcess::garbageCollect: the delay counts from the
// directory's modification time. Like GarbageCollectorProcess it keeps the
// scheduled paths ordered by deadline behind one timer, armed for the
// earliest (a path costs one small entry, not a timer of its own, which
// matters with a week's delay and thousands of short tasks). Scheduled
// removals live only in memory (as in Mesos) and stop at Close.
type gc struct {
	m *Mesos

	mu      sync.Mutex
	byPath  map[string]*gcEntry
	queue   gcQueue
	timer   Timer     // armed for queue[0], nil when the queue is empty
	armedAt time.Time // the deadline timer is armed for
	gen     uint64    // counts armings; a timer fires only if it is the latest
	closed  bool
}

type gcEntry struct {
	path     string
	deadline time.Time
	index    int // in queue
}

// gcQueue is a min-heap of entries by deadline.
type gcQueue []*gcEntry

func (q gcQueue) Len() int           { return len(q) }
func (q gcQueue) Less(i, j int) bool { return q[i].deadline.Before(q[j].deadline) }
func (q gcQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *gcQueue) Push(x any) {
	e := x.(*gcEntry)
	e.index = len(*q)
	*q = append(*q, e)
}
func (q *gcQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return e
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
	if g.byPath == nil {
		g.byPath = map[string]*gcEntry{}
	}
	deadline := g.m.clock.Now().Add(delay)
	if e, ok := g.byPath[path]; ok {
		e.deadline = deadline
		heap.Fix(&g.queue, e.index)
	} else {
		e := &gcEntry{path: path, deadline: deadline}
		g.byPath[path] = e
		heap.Push(&g.queue, e)
	}
	g.arm()
}

// unschedule cancels a pending removal.
func (g *gc) unschedule(path string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if e, ok := g.byPath[path]; ok {
		heap.Remove(&g.queue, e.index)
		delete(g.byPath, path)
		g.arm()
	}
}

// arm makes the timer fire at the earliest deadline (g.mu held).
func (g *gc) arm() {
	if len(g.queue) == 0 {
		if g.timer != nil {
			g.timer.Stop()
			g.timer = nil
		}
		return
	}
	next := g.queue[0].deadline
	if g.timer != nil && g.armedAt.Equal(next) {
		return
	}
	if g.timer != nil {
		g.timer.Stop()
	}
	g.gen++
	gen := g.gen
	g.timer = g.m.after(max(0, next.Sub(g.m.clock.Now())), func() { g.fire(gen) })
	g.armedAt = next
}

// fire removes every path whose deadline has passed, then arms for the next.
func (g *gc) fire(gen uint64) {
	g.mu.Lock()
	if g.closed || g.gen != gen {
		g.mu.Unlock()
		return
	}
	g.timer = nil
	now := g.m.clock.Now()
	var due []string
	for len(g.queue) > 0 && !g.queue[0].deadline.After(now) {
		e := heap.Pop(&g.queue).(*gcEntry)
		delete(g.byPath, e.path)
		due = append(due, e.path)
	}
	g.arm()
	g.mu.Unlock()
	for _, path := range due {
		if err := os.RemoveAll(path); err != nil {
			g.m.log.Warn("Failed to garbage collect", "path", path, "err", err)
		}
	}
}

// pending returns the paths scheduled for removal.
func (g *gc) pending() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]string, 0, len(g.queue))
	for _, e := range g.queue {
		out = append(out, e.path)
	}
	return out
}

func (g *gc) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	if g.timer != nil {
		g.timer.Stop()
		g.timer = nil
	}
	g.queue, g.byPath = nil, nil
}
