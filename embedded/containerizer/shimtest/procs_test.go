package shimtest

import (
	"os"
	"syscall"
	"testing"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name string
		stat string
		want Proc
		ok   bool
	}{
		{"plain", "42 (sleep) S 7 42 40 0 -1", Proc{PID: 42, State: 'S', PPID: 7, PGID: 42, Session: 40}, true},
		{"command with ') ' in it", "42 (a) b) Z 1 2 3 0", Proc{PID: 42, State: 'Z', PPID: 1, PGID: 2, Session: 3}, true},
		{"no parenthesis", "42 sleep S 7 42 40", Proc{}, false},
		{"too few fields", "42 (sleep) S 7 42", Proc{}, false},
		{"not a number", "42 (sleep) S x 42 40", Proc{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseStat(42, tt.stat)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseStat(%q) = %+v, %v, want %+v, %v", tt.stat, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestProcsFindsThisProcess(t *testing.T) {
	r, _, errno := syscall.RawSyscall(syscall.SYS_GETSID, 0, 0, 0)
	if errno != 0 {
		t.Fatal(errno)
	}
	sid := int(r)
	for _, p := range Procs() {
		if p.PID == os.Getpid() {
			if p.PPID != os.Getppid() || p.PGID != syscall.Getpgrp() || p.Session != sid {
				t.Errorf("Procs() has this process as %+v, want ppid %d, pgid %d, session %d", p, os.Getppid(), syscall.Getpgrp(), sid)
			}
			return
		}
	}
	t.Errorf("Procs() does not list this process (%d)", os.Getpid())
}
