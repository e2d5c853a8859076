package containerizer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// CPU bandwidth constants of the Mesos cgroups cpu subsystem
// (isolators/cgroups/constants.hpp): CPU_CFS_PERIOD, MIN_CPU_CFS_QUOTA and
// MIN_CPU_SHARES.
const (
	cpuCFSPeriod    = 100 * time.Millisecond
	minCPUCFSQuota  = time.Millisecond
	minCPUShares    = 2
	cpuSharesPerCPU = 1024
)

// DefaultCgroupsRoot is the cgroup (relative to the cgroup2 mount) under
// which container cgroups are created, Mesos's --cgroups_root default.
const DefaultCgroupsRoot = "mesos"

// findCgroup2Mount returns the mount point of the cgroup2 filesystem from a
// /proc/self/mountinfo document (proc(5): field 5 is the mount point, the
// filesystem type follows the " - " separator).
func findCgroup2Mount(mountinfo []byte) (string, error) {
	sc := bufio.NewScanner(bytes.NewReader(mountinfo))
	for sc.Scan() {
		line := sc.Text()
		sep := strings.Index(line, " - ")
		if sep < 0 {
			continue
		}
		pre := strings.Fields(line[:sep])
		post := strings.Fields(line[sep+3:])
		if len(pre) < 5 || len(post) < 1 {
			continue
		}
		if post[0] == "cgroup2" {
			return unescapeMountPath(pre[4]), nil
		}
	}
	return "", errors.New("no cgroup2 filesystem is mounted")
}

// unescapeMountPath undoes the octal escapes (\040 for space) of mountinfo.
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// parseKeyedFile parses a cgroup v2 flat keyed file ("key value" lines, as
// in memory.events, memory.stat and cpu.stat).
func parseKeyedFile(b []byte) (map[string]uint64, error) {
	out := map[string]uint64{}
	for n, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("line %d: %q is not \"key value\"", n+1, line)
		}
		v, err := strconv.ParseUint(f[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: key %q: %w", n+1, f[0], err)
		}
		out[f[0]] = v
	}
	return out, nil
}

// cgroup2Hierarchy is a usable cgroup v2 subtree with the cpu and memory
// controllers delegated: base is <mount>/<cgroups_root>.
type cgroup2Hierarchy struct {
	base string
}

// setupCgroup2 checks that mount offers the cpu and memory controllers and
// that a <cgroupsRoot> child with both enabled for its children can be
// created there, creating it. Any failure means cgroups v2 enforcement is
// unavailable on this machine.
func setupCgroup2(mount, cgroupsRoot string) (*cgroup2Hierarchy, error) {
	ctrl, err := os.ReadFile(filepath.Join(mount, "cgroup.controllers"))
	if err != nil {
		return nil, fmt.Errorf("read cgroup.controllers: %w", err)
	}
	have := strings.Fields(string(ctrl))
	for _, want := range []string{"cpu", "memory"} {
		if !contains(have, want) {
			return nil, fmt.Errorf("controller %q is not available in %s (have %q)", want, mount, strings.TrimSpace(string(ctrl)))
		}
	}
	if err := enableControllers(mount); err != nil {
		return nil, err
	}
	base := filepath.Join(mount, cgroupsRoot)
	if err := os.MkdirAll(base, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", base, err)
	}
	if err := enableControllers(base); err != nil {
		return nil, err
	}
	return &cgroup2Hierarchy{base: base}, nil
}

func enableControllers(dir string) error {
	path := filepath.Join(dir, "cgroup.subtree_control")
	cur, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	have := strings.Fields(string(cur))
	if contains(have, "cpu") && contains(have, "memory") {
		return nil
	}
	if err := os.WriteFile(path, []byte("+cpu +memory"), 0o644); err != nil {
		return fmt.Errorf("enable cpu and memory in %s: %w", path, err)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// cgroupsIsolator enforces cpu and memory with cgroups v2: cpu.max and
// cpu.weight from cpus, memory.max from mem, and an OOM kill seen in
// memory.events becomes a REASON_CONTAINER_LIMITATION_MEMORY limitation.
// It maps Mesos's cgroups v1 cpu and memory subsystems
// (isolators/cgroups/subsystems/{cpu,memory}.cpp) onto the v2 files.
// Nested containers are not given cgroups of their own.
type cgroupsIsolator struct {
	h        *cgroup2Hierarchy
	cpu, mem bool
	interval time.Duration
	after    func(time.Duration, func()) Timer

	mu         sync.Mutex
	containers map[string]*cgroupEntry
	timer      Timer
	closed     bool
}

type cgroupEntry struct {
	dir     string
	limit   uint64
	limited func(Limitation)
	fired   bool
}

var _ Isolator = (*cgroupsIsolator)(nil)

func newCgroupsIsolator(h *cgroup2Hierarchy, interval time.Duration, after func(time.Duration, func()) Timer) *cgroupsIsolator {
	return &cgroupsIsolator{h: h, cpu: true, mem: true, interval: interval, after: after, containers: map[string]*cgroupEntry{}}
}

func (c *cgroupsIsolator) Name() string          { return "cgroups/cpu,cgroups/mem" }
func (c *cgroupsIsolator) SupportsNesting() bool { return false }

func (c *cgroupsIsolator) dir(id ContainerID) string { return filepath.Join(c.h.base, id.Value) }

func (c *cgroupsIsolator) Recover(_ context.Context, recovered []RecoveredContainer, orphans []ContainerID) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range recovered {
		if r.ContainerID.HasParent() {
			continue
		}
		c.containers[r.ContainerID.String()] = &cgroupEntry{dir: c.dir(r.ContainerID), limit: memLimitBytes(r.Config.Resources)}
	}
	for _, o := range orphans {
		if !o.HasParent() {
			c.containers[o.String()] = &cgroupEntry{dir: c.dir(o)}
		}
	}
	return nil
}

func (c *cgroupsIsolator) Prepare(_ context.Context, id ContainerID, cfg ContainerConfig) error {
	dir := c.dir(id)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("cgroups: prepare %s: create cgroup: %w", id, err)
	}
	e := &cgroupEntry{dir: dir}
	c.mu.Lock()
	c.containers[id.String()] = e
	c.mu.Unlock()
	return c.write(id, e, cfg.Resources)
}

// write applies r to the cgroup files.
func (c *cgroupsIsolator) write(id ContainerID, e *cgroupEntry, r Resources) error {
	files := []struct{ name, value string }{}
	if c.cpu {
		files = append(files, struct{ name, value string }{"cpu.weight", strconv.FormatUint(cpuWeight(r.CPUs), 10)})
		files = append(files, struct{ name, value string }{"cpu.max", cpuMax(r.CPUs)})
	}
	limit := memLimitBytes(r)
	if c.mem {
		v := "max"
		if limit > 0 {
			v = strconv.FormatUint(limit, 10)
		}
		files = append(files, struct{ name, value string }{"memory.max", v})
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(e.dir, f.name), []byte(f.value), 0o644); err != nil {
			return fmt.Errorf("cgroups: %s: write %s=%q: %w", id, f.name, f.value, err)
		}
	}
	// Kill the whole cgroup on OOM, not just one process; best effort (the
	// file exists since Linux 4.19).
	os.WriteFile(filepath.Join(e.dir, "memory.oom.group"), []byte("1"), 0o644)
	c.mu.Lock()
	e.limit = limit
	c.mu.Unlock()
	return nil
}

// cpuMax is the cpu.max value for a cpus request: quota is
// max(cpus*CPU_CFS_PERIOD, MIN_CPU_CFS_QUOTA) in microseconds.
func cpuMax(cpus float64) string {
	period := cpuCFSPeriod.Microseconds()
	if cpus <= 0 {
		return "max " + strconv.FormatInt(period, 10)
	}
	quota := time.Duration(cpus * float64(cpuCFSPeriod))
	if quota < minCPUCFSQuota {
		quota = minCPUCFSQuota
	}
	return strconv.FormatInt(quota.Microseconds(), 10) + " " + strconv.FormatInt(period, 10)
}

// cpuWeight converts Mesos's cpu.shares (cpus*1024, at least 2) to a v2
// cpu.weight with the conversion runc and systemd use:
// 1 + (shares-2)*9999/262142.
func cpuWeight(cpus float64) uint64 {
	shares := uint64(cpus * cpuSharesPerCPU)
	if shares < minCPUShares {
		shares = minCPUShares
	}
	if shares > 262144 {
		shares = 262144
	}
	return 1 + (shares-2)*9999/262142
}

func (c *cgroupsIsolator) Isolate(_ context.Context, id ContainerID, pid int) error {
	c.mu.Lock()
	e, ok := c.containers[id.String()]
	c.mu.Unlock()
	if !ok {
		return fmt.Errorf("cgroups: isolate %s: unknown container", id)
	}
	if err := os.WriteFile(filepath.Join(e.dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("cgroups: isolate %s: assign pid %d: %w", id, pid, err)
	}
	return nil
}

func (c *cgroupsIsolator) Watch(id ContainerID, limited func(Limitation)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.containers[id.String()]; ok {
		e.limited = limited
		c.armLocked()
	}
}

func (c *cgroupsIsolator) armLocked() {
	if c.closed || c.timer != nil || !c.mem {
		return
	}
	for _, e := range c.containers {
		if e.limited != nil && !e.fired {
			c.timer = c.after(c.interval, c.poll)
			return
		}
	}
}

// poll reads memory.events of every watched cgroup; an oom_kill count above
// zero is a memory limitation (the v2 analogue of Mesos's oomListen).
func (c *cgroupsIsolator) poll() {
	c.mu.Lock()
	c.timer = nil
	type check struct {
		e   *cgroupEntry
		dir string
		lim uint64
	}
	var checks []check
	for _, e := range c.containers {
		if e.limited != nil && !e.fired {
			checks = append(checks, check{e, e.dir, e.limit})
		}
	}
	c.mu.Unlock()
	var fire []func()
	for _, ch := range checks {
		b, err := os.ReadFile(filepath.Join(ch.dir, "memory.events"))
		if err != nil {
			continue
		}
		ev, err := parseKeyedFile(b)
		if err != nil || ev["oom_kill"] == 0 {
			continue
		}
		peak := readUint(filepath.Join(ch.dir, "memory.peak"))
		lim := Limitation{
			Reason:    ReasonContainerLimitationMemory,
			Message:   fmt.Sprintf("Memory limit exceeded: Requested: %s Maximum Used: %s", formatBytes(ch.lim), formatBytes(peak)),
			Resources: fmt.Sprintf("mem:%g", float64(peak)/(1<<20)),
		}
		c.mu.Lock()
		if !ch.e.fired {
			ch.e.fired = true
			f := ch.e.limited
			fire = append(fire, func() { f(lim) })
		}
		c.mu.Unlock()
	}
	for _, f := range fire {
		f()
	}
	c.mu.Lock()
	c.armLocked()
	c.mu.Unlock()
}

func readUint(path string) uint64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	v, _ := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	return v
}

func (c *cgroupsIsolator) Update(_ context.Context, id ContainerID, r Resources) error {
	c.mu.Lock()
	e, ok := c.containers[id.String()]
	c.mu.Unlock()
	if !ok {
		return fmt.Errorf("cgroups: update %s: unknown container", id)
	}
	return c.write(id, e, r)
}

func (c *cgroupsIsolator) Usage(_ context.Context, id ContainerID) (ResourceStatistics, error) {
	c.mu.Lock()
	e, ok := c.containers[id.String()]
	c.mu.Unlock()
	var s ResourceStatistics
	if !ok {
		return s, nil
	}
	if b, err := os.ReadFile(filepath.Join(e.dir, "cpu.stat")); err == nil {
		if st, err := parseKeyedFile(b); err == nil {
			s.CPUsUserTimeSecs = float64(st["user_usec"]) / 1e6
			s.CPUsSystemTimeSecs = float64(st["system_usec"]) / 1e6
			s.CPUsNrPeriods = uint32(st["nr_periods"])
			s.CPUsNrThrottled = uint32(st["nr_throttled"])
			s.CPUsThrottledTimeSecs = float64(st["throttled_usec"]) / 1e6
		}
	}
	s.MemTotalBytes = readUint(filepath.Join(e.dir, "memory.current"))
	if b, err := os.ReadFile(filepath.Join(e.dir, "memory.stat")); err == nil {
		if st, err := parseKeyedFile(b); err == nil {
			s.MemAnonBytes = st["anon"]
			s.MemFileBytes = st["file"]
			s.MemRSSBytes = st["anon"]
		}
	}
	return s, nil
}

func (c *cgroupsIsolator) Cleanup(_ context.Context, id ContainerID) error {
	c.mu.Lock()
	e, ok := c.containers[id.String()]
	delete(c.containers, id.String())
	c.mu.Unlock()
	if !ok {
		return nil
	}
	os.WriteFile(filepath.Join(e.dir, "cgroup.kill"), []byte("1"), 0o644)
	if err := os.RemoveAll(e.dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cgroups: cleanup %s: remove cgroup: %w", id, err)
	}
	return nil
}

func (c *cgroupsIsolator) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
}

// cgroup2SuperMagic is CGROUP2_SUPER_MAGIC, statfs(2)'s f_type of cgroup2.
const cgroup2SuperMagic = 0x63677270

// openDir opens the container's cgroup directory for CLONE_INTO_CGROUP
// (the supervisor launcher forks the task straight into it). It returns -1
// and no error when the directory is not on a cgroup2 file system (a fake
// hierarchy in tests): Isolate then moves the task.
func (c *cgroupsIsolator) openDir(id ContainerID) (int, error) {
	c.mu.Lock()
	e, ok := c.containers[id.String()]
	c.mu.Unlock()
	if !ok {
		return -1, fmt.Errorf("cgroups: isolate %s: unknown container", id)
	}
	fd, err := syscall.Open(e.dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("cgroups: isolate %s: open cgroup %q: %w", id, e.dir, err)
	}
	var fs syscall.Statfs_t
	if syscall.Fstatfs(fd, &fs) != nil || fs.Type != cgroup2SuperMagic {
		syscall.Close(fd)
		return -1, nil
	}
	return fd, nil
}
