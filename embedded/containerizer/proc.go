package containerizer

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// clockTicks is USER_HZ, the unit of the times in /proc/<pid>/stat. Linux
// fixes it at 100 on every architecture Go supports.
const clockTicks = 100

// procStat holds the fields of /proc/<pid>/stat that usage and recovery use
// (proc(5): 1 pid, 2 comm, 3 state, 4 ppid, 5 pgrp, 6 session, 14 utime,
// 15 stime, 20 num_threads, 22 starttime, 24 rss).
type procStat struct {
	PID        int
	Comm       string
	State      byte
	PPID       int
	PGRP       int
	Session    int
	UTime      uint64 // clock ticks
	STime      uint64 // clock ticks
	NumThreads int64
	StartTime  uint64 // clock ticks since boot
	RSS        int64  // pages
}

// errProcGone reports that a process vanished while being read.
var errProcGone = errors.New("process not found")

// parseStat parses one /proc/<pid>/stat line. comm may hold spaces and
// parentheses, so fields after it are located from the last ')'.
func parseStat(b []byte) (procStat, error) {
	var s procStat
	open := bytes.IndexByte(b, '(')
	closing := bytes.LastIndexByte(b, ')')
	if open < 1 || closing < open {
		return s, fmt.Errorf("proc stat: malformed comm in %q", truncate(b))
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil || pid <= 0 {
		return s, fmt.Errorf("proc stat: bad pid in %q", truncate(b))
	}
	s.PID = pid
	s.Comm = string(b[open+1 : closing])
	rest := bytes.Fields(b[closing+1:])
	// rest[0] is field 3 (state); field n is rest[n-3].
	const need = 24 - 3 + 1
	if len(rest) < need {
		return s, fmt.Errorf("proc stat: %d fields after comm, want at least %d", len(rest), need)
	}
	if len(rest[0]) != 1 {
		return s, fmt.Errorf("proc stat: bad state %q", rest[0])
	}
	s.State = rest[0][0]
	ints := []struct {
		field int
		dst   *int
	}{{4, &s.PPID}, {5, &s.PGRP}, {6, &s.Session}}
	for _, f := range ints {
		v, err := strconv.Atoi(string(rest[f.field-3]))
		if err != nil {
			return s, fmt.Errorf("proc stat: field %d: %w", f.field, err)
		}
		*f.dst = v
	}
	uints := []struct {
		field int
		dst   *uint64
	}{{14, &s.UTime}, {15, &s.STime}, {22, &s.StartTime}}
	for _, f := range uints {
		v, err := strconv.ParseUint(string(rest[f.field-3]), 10, 64)
		if err != nil {
			return s, fmt.Errorf("proc stat: field %d: %w", f.field, err)
		}
		*f.dst = v
	}
	if s.NumThreads, err = strconv.ParseInt(string(rest[20-3]), 10, 64); err != nil {
		return s, fmt.Errorf("proc stat: field 20: %w", err)
	}
	if s.RSS, err = strconv.ParseInt(string(rest[24-3]), 10, 64); err != nil {
		return s, fmt.Errorf("proc stat: field 24: %w", err)
	}
	return s, nil
}

func truncate(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}

// procStatus holds the memory split of /proc/<pid>/status in bytes.
type procStatus struct {
	VmRSS   uint64
	RssAnon uint64
	RssFile uint64
	Threads int64
}

// parseStatus parses the "Key:\tvalue kB" lines of /proc/<pid>/status that
// usage reports; unknown keys are ignored, known ones must be well formed.
func parseStatus(b []byte) (procStatus, error) {
	var s procStatus
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		key := string(line[:colon])
		var dst *uint64
		switch key {
		case "VmRSS":
			dst = &s.VmRSS
		case "RssAnon":
			dst = &s.RssAnon
		case "RssFile":
			dst = &s.RssFile
		case "Threads":
			v, err := strconv.ParseInt(string(bytes.TrimSpace(line[colon+1:])), 10, 64)
			if err != nil {
				return s, fmt.Errorf("proc status: Threads: %w", err)
			}
			s.Threads = v
			continue
		default:
			continue
		}
		f := bytes.Fields(line[colon+1:])
		if len(f) == 0 || len(f) > 2 || (len(f) == 2 && string(f[1]) != "kB") {
			return s, fmt.Errorf("proc status: %s: malformed value %q", key, line[colon+1:])
		}
		v, err := strconv.ParseUint(string(f[0]), 10, 64)
		if err != nil {
			return s, fmt.Errorf("proc status: %s: %w", key, err)
		}
		if v > (1<<64-1)/1024 {
			return s, fmt.Errorf("proc status: %s: value %d kB overflows", key, v)
		}
		*dst = v * 1024
	}
	return s, nil
}

// readStat reads /proc/<pid>/stat.
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			return procStat{}, errProcGone
		}
		return procStat{}, err
	}
	return parseStat(b)
}

// readStatus reads /proc/<pid>/status.
func readStatus(pid int) (procStatus, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ESRCH) {
			return procStatus{}, errProcGone
		}
		return procStatus{}, err
	}
	return parseStatus(b)
}

// listProcs reads the stat of every process; processes that exit while
// being listed are skipped.
func listProcs() ([]procStat, error) {
	d, err := os.Open("/proc")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	out := make([]procStat, 0, len(names))
	for _, n := range names {
		if n == "" || n[0] < '0' || n[0] > '9' {
			continue
		}
		pid, err := strconv.Atoi(n)
		if err != nil {
			continue
		}
		s, err := readStat(pid)
		if err != nil {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// descendants returns the processes of all whose ancestry reaches root,
// excluding root itself, in breadth-first order (os::pstree).
func descendants(all []procStat, root int) []procStat {
	children := make(map[int][]int, len(all))
	byPID := make(map[int]int, len(all))
	for i, p := range all {
		byPID[p.PID] = i
		children[p.PPID] = append(children[p.PPID], p.PID)
	}
	var out []procStat
	queue := append([]int(nil), children[root]...)
	seen := map[int]bool{root: true}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if seen[pid] {
			continue
		}
		seen[pid] = true
		out = append(out, all[byPID[pid]])
		queue = append(queue, children[pid]...)
	}
	return out
}

// procDescendants returns the descendants of pid (not pid itself), read
// from the children files of each of their threads. ok is false when pid's
// children files cannot be read (a kernel without CONFIG_PROC_CHILDREN, or
// pid is gone); descendants that vanish during the walk are skipped.
func procDescendants(pid int) (pids []int, ok bool) {
	kids, err := procChildren(pid)
	if err != nil {
		return nil, false
	}
	seen := map[int]bool{pid: true}
	for len(kids) > 0 {
		p := kids[0]
		kids = kids[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		pids = append(pids, p)
		more, _ := procChildren(p)
		kids = append(kids, more...)
	}
	return pids, true
}

// procChildren lists the children of every thread of pid. An error means
// the main thread's children file cannot be read: pid is gone, or the
// kernel has no CONFIG_PROC_CHILDREN.
func procChildren(pid int) ([]int, error) {
	dir := "/proc/" + strconv.Itoa(pid) + "/task"
	self := strconv.Itoa(pid)
	b, err := os.ReadFile(dir + "/" + self + "/children")
	if err != nil {
		return nil, err
	}
	out := appendPids(nil, b)
	d, err := os.Open(dir)
	if err != nil {
		return out, nil
	}
	tids, _ := d.Readdirnames(-1)
	d.Close()
	for _, tid := range tids {
		if tid == self {
			continue
		}
		if b, err := os.ReadFile(dir + "/" + tid + "/children"); err == nil {
			out = appendPids(out, b)
		}
	}
	return out, nil
}

// appendPids parses a children file: pids separated by spaces.
func appendPids(out []int, b []byte) []int {
	for _, f := range strings.Fields(string(b)) {
		if c, err := strconv.Atoi(f); err == nil && c > 0 {
			out = append(out, c)
		}
	}
	return out
}
