package shimtest

import (
	"os"
	"strconv"
	"strings"
)

// Proc is one process as /proc/<pid>/stat shows it: what tests that look for
// the processes a container left behind need.
type Proc struct {
	PID, PPID, PGID, Session int
	// State is the state letter ('R', 'S', 'Z', ...).
	State byte
}

// Procs lists the processes of the machine; one that ends while it is being
// read is left out.
func Procs() []Proc {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []Proc
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		if p, ok := parseStat(pid, string(b)); ok {
			out = append(out, p)
		}
	}
	return out
}

// parseStat reads the fields after the command's closing parenthesis (the
// command may itself contain parentheses and spaces): state ppid pgrp session.
func parseStat(pid int, s string) (Proc, bool) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return Proc{}, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 4 || len(f[0]) != 1 {
		return Proc{}, false
	}
	p := Proc{PID: pid, State: f[0][0]}
	var err error
	for j, dst := range []*int{&p.PPID, &p.PGID, &p.Session} {
		if *dst, err = strconv.Atoi(f[j+1]); err != nil {
			return Proc{}, false
		}
	}
	return p, true
}
