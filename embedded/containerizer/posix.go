package containerizer

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"
)

// minMemory is the smallest memory limit enforced (MIN_MEMORY, 32 MB, in
// src/slave/containerizer/mesos/isolators/cgroups/constants.hpp): a request
// below it is raised to it.
const minMemory = 32 << 20

// memLimitBytes is the enforced limit for a mem request, 0 for none.
func memLimitBytes(r Resources) uint64 {
	b := r.MemBytes()
	if b == 0 {
		return 0
	}
	if b < minMemory {
		return minMemory
	}
	return b
}

// posixIsolator is posix/cpu or posix/mem (isolators/posix.hpp): it records
// the container's init pid and reports usage by walking its process tree
// (src/usage/usage.cpp). Like Mesos's, it does not isolate. Unlike Mesos's,
// posix/mem with enforce set polls the tree's RSS and reports a memory
// limitation when it exceeds the limit — the fallback used when cgroups v2
// enforcement is unavailable.
type posixIsolator struct {
	name     string
	cpu      bool
	mem      bool
	enforce  bool
	interval time.Duration
	after    func(time.Duration, func()) Timer
	pageSize uint64

	mu         sync.Mutex
	containers map[string]*posixEntry
	timer      Timer
	closed     bool
}

type posixEntry struct {
	pid     int
	task    bool // pid is the task itself (supervisor launcher), not a shim
	limit   uint64
	limited func(Limitation)
	fired   bool
}

func newPosixIsolator(name string, enforce bool, interval time.Duration, after func(time.Duration, func()) Timer) *posixIsolator {
	return &posixIsolator{
		name:       name,
		cpu:        name == "posix/cpu",
		mem:        name == "posix/mem",
		enforce:    enforce && name == "posix/mem",
		interval:   interval,
		after:      after,
		pageSize:   uint64(os.Getpagesize()),
		containers: map[string]*posixEntry{},
	}
}

var _ Isolator = (*posixIsolator)(nil)

func (p *posixIsolator) Name() string          { return p.name }
func (p *posixIsolator) SupportsNesting() bool { return true }

func (p *posixIsolator) Recover(_ context.Context, recovered []RecoveredContainer, _ []ContainerID) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range recovered {
		key := r.ContainerID.String()
		if _, ok := p.containers[key]; ok {
			return fmt.Errorf("%s: recover %s: container already recovered", p.name, key)
		}
		p.containers[key] = &posixEntry{pid: r.PID, task: r.taskPID, limit: memLimitBytes(r.Config.Resources)}
	}
	return nil
}

func (p *posixIsolator) Prepare(_ context.Context, id ContainerID, cfg ContainerConfig) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := id.String()
	if _, ok := p.containers[key]; ok {
		return fmt.Errorf("%s: prepare %s: container has already been prepared", p.name, key)
	}
	p.containers[key] = &posixEntry{limit: memLimitBytes(cfg.Resources)}
	return nil
}

func (p *posixIsolator) Isolate(_ context.Context, id ContainerID, pid int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.containers[id.String()]
	if !ok {
		return fmt.Errorf("%s: isolate %s: unknown container", p.name, id)
	}
	e.pid = pid
	return nil
}

// isolateTask is Isolate for the supervisor launcher: pid is the task, and
// counts in the container's usage.
func (p *posixIsolator) isolateTask(id ContainerID, pid int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.containers[id.String()]
	if !ok {
		return fmt.Errorf("%s: isolate %s: unknown container", p.name, id)
	}
	e.pid, e.task = pid, true
	return nil
}

// tree is the container's processes: the descendants of its init, and the
// init itself when it is the task.
func tree(procs []procStat, pid int, task bool) []procStat {
	out := descendants(procs, pid)
	if task {
		for _, q := range procs {
			if q.PID == pid {
				out = append(out, q)
				break
			}
		}
	}
	return out
}

func (p *posixIsolator) Watch(id ContainerID, limited func(Limitation)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.containers[id.String()]
	if !ok {
		return
	}
	e.limited = limited
	p.armLocked()
}

func (p *posixIsolator) Update(_ context.Context, id ContainerID, r Resources) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.containers[id.String()]
	if !ok {
		return fmt.Errorf("%s: update %s: unknown container", p.name, id)
	}
	e.limit = memLimitBytes(r)
	p.armLocked()
	return nil
}

func (p *posixIsolator) Cleanup(_ context.Context, id ContainerID) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.containers, id.String())
	return nil
}

func (p *posixIsolator) Usage(_ context.Context, id ContainerID) (ResourceStatistics, error) {
	p.mu.Lock()
	e, ok := p.containers[id.String()]
	pid, task := 0, false
	if ok {
		pid, task = e.pid, e.task
	}
	p.mu.Unlock()
	if pid == 0 {
		// Mesos returns empty statistics for an unknown container.
		return ResourceStatistics{}, nil
	}
	procs, err := listProcs()
	if err != nil {
		return ResourceStatistics{}, fmt.Errorf("%s: usage %s: %w", p.name, id, err)
	}
	return treeUsage(tree(procs, pid, task), p.cpu, p.mem, p.pageSize), nil
}

// treeUsage sums a process tree like src/usage/usage.cpp usage(pid, mem,
// cpus), adding the process and thread counts and the anon/file split of
// /proc/<pid>/status.
func treeUsage(tree []procStat, cpu, mem bool, pageSize uint64) ResourceStatistics {
	var s ResourceStatistics
	s.Processes = uint32(len(tree))
	for _, p := range tree {
		s.Threads += uint32(p.NumThreads)
		if cpu {
			s.CPUsUserTimeSecs += float64(p.UTime) / clockTicks
			s.CPUsSystemTimeSecs += float64(p.STime) / clockTicks
		}
		if mem {
			if p.RSS > 0 {
				s.MemRSSBytes += uint64(p.RSS) * pageSize
			}
			if st, err := readStatus(p.PID); err == nil {
				s.MemAnonBytes += st.RssAnon
				s.MemFileBytes += st.RssFile
			}
		}
	}
	return s
}

// armLocked schedules the next RSS poll if enforcement has work to do.
func (p *posixIsolator) armLocked() {
	if !p.enforce || p.closed || p.timer != nil {
		return
	}
	for _, e := range p.containers {
		if e.limit > 0 && e.limited != nil && !e.fired {
			p.timer = p.after(p.interval, p.poll)
			return
		}
	}
}

// poll compares every limited container's tree RSS with its limit.
func (p *posixIsolator) poll() {
	p.mu.Lock()
	p.timer = nil
	type check struct {
		e    *posixEntry
		pid  int
		task bool
		lim  uint64
	}
	var checks []check
	for _, e := range p.containers {
		if e.limit > 0 && e.limited != nil && !e.fired && e.pid > 0 {
			checks = append(checks, check{e, e.pid, e.task, e.limit})
		}
	}
	p.mu.Unlock()

	var fire []func()
	if len(checks) > 0 {
		procs, err := listProcs()
		if err == nil {
			for _, c := range checks {
				var rss uint64
				for _, q := range tree(procs, c.pid, c.task) {
					if q.RSS > 0 {
						rss += uint64(q.RSS) * p.pageSize
					}
				}
				if rss > c.lim {
					lim := Limitation{
						Reason: ReasonContainerLimitationMemory,
						Message: fmt.Sprintf("Memory limit exceeded: Requested: %s Maximum Used: %s",
							formatBytes(c.lim), formatBytes(rss)),
						Resources: fmt.Sprintf("mem:%g", float64(rss)/(1<<20)),
					}
					p.mu.Lock()
					if !c.e.fired {
						c.e.fired = true
						f := c.e.limited
						fire = append(fire, func() { f(lim) })
					}
					p.mu.Unlock()
				}
			}
		}
	}
	for _, f := range fire {
		f()
	}
	p.mu.Lock()
	p.armLocked()
	p.mu.Unlock()
}

func (p *posixIsolator) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
}

// formatBytes renders a size like stout's Bytes (e.g. "32MB", "1536KB").
func formatBytes(b uint64) string {
	switch {
	case b >= 1<<30 && b%(1<<30) == 0:
		return fmt.Sprintf("%dGB", b>>30)
	case b >= 1<<20 && b%(1<<20) == 0:
		return fmt.Sprintf("%dMB", b>>20)
	case b >= 1<<10 && b%(1<<10) == 0:
		return fmt.Sprintf("%dKB", b>>10)
	}
	return fmt.Sprintf("%dB", b)
}
