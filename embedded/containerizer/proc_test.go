package containerizer

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name string
		line string
		want procStat
		bad  bool
	}{
		{
			name: "plain",
			line: "4242 (sleep) S 4241 4242 4240 0 -1 4194560 97 0 0 0 12 34 0 0 20 0 3 0 987654 8581120 220 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
			want: procStat{PID: 4242, Comm: "sleep", State: 'S', PPID: 4241, PGRP: 4242, Session: 4240, UTime: 12, STime: 34, NumThreads: 3, StartTime: 987654, RSS: 220},
		},
		{
			name: "comm with spaces and parens",
			line: "7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 100 0 9",
			want: procStat{PID: 7, Comm: "a) b (c)", State: 'R', PPID: 1, PGRP: 7, Session: 7, UTime: 5, STime: 6, NumThreads: 1, StartTime: 100, RSS: 9},
		},
		{name: "truncated", line: "1 (x) S 0 1 1 0", bad: true},
		{name: "no comm", line: "1 x S 0 1 1", bad: true},
		{name: "bad pid", line: "x (y) S 0 1 1 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 100 0 9", bad: true},
		{name: "bad number", line: "1 (y) S 0 1 1 0 -1 0 0 0 0 0 x 6 0 0 20 0 1 0 100 0 9", bad: true},
		{name: "empty", line: "", bad: true},
	}
	for _, tc := range tests {
		got, err := parseStat([]byte(tc.line))
		if tc.bad {
			if err == nil {
				t.Errorf("parseStat(%q) = %+v, want error", tc.line, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseStat(%q) = %v", tc.line, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("parseStat(%q) (-want +got):\n%s", tc.name, diff)
		}
	}
	self, err := readStat(os.Getpid())
	if err != nil || self.PID != os.Getpid() || self.StartTime == 0 {
		t.Errorf("readStat(self) = %+v, %v", self, err)
	}
	if _, err := readStat(1 << 30); err != errProcGone {
		t.Errorf("readStat(no such pid) = %v, want errProcGone", err)
	}
}

func TestParseStatus(t *testing.T) {
	doc := "Name:\tsleep\nVmRSS:\t    1024 kB\nRssAnon:\t     300 kB\nRssFile:\t     724 kB\nThreads:\t2\n"
	got, err := parseStatus([]byte(doc))
	want := procStatus{VmRSS: 1024 << 10, RssAnon: 300 << 10, RssFile: 724 << 10, Threads: 2}
	if err != nil || got != want {
		t.Errorf("parseStatus() = %+v, %v, want %+v", got, err, want)
	}
	for _, bad := range []string{"VmRSS:\tlots kB\n", "RssAnon:\t1 MB\n", "Threads:\tx\n", "VmRSS:\t99999999999999999999 kB\n"} {
		if _, err := parseStatus([]byte(bad)); err == nil {
			t.Errorf("parseStatus(%q) = nil error, want error", bad)
		}
	}
}

func TestDescendants(t *testing.T) {
	all := []procStat{{PID: 1}, {PID: 10, PPID: 1}, {PID: 11, PPID: 10}, {PID: 12, PPID: 11}, {PID: 13, PPID: 10}, {PID: 20, PPID: 1}}
	var got []int
	for _, p := range descendants(all, 10) {
		got = append(got, p.PID)
	}
	if diff := cmp.Diff([]int{11, 13, 12}, got); diff != "" {
		t.Errorf("descendants(10) (-want +got):\n%s", diff)
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("4242 (sleep) S 4241 4242 4240 0 -1 4194560 97 0 0 0 12 34 0 0 20 0 3 0 987654 8581120 220 1 1 1"))
	f.Add([]byte("7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 100 0 9"))
	f.Add([]byte("1 ()"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseStat(b)
		if err == nil && s.PID <= 0 {
			t.Fatalf("parseStat(%q) accepted pid %d", b, s.PID)
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("VmRSS:\t 1024 kB\nRssAnon:\t300 kB\nThreads:\t2\n"))
	f.Add([]byte("RssFile:\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseStatus(b)
	})
}

func TestProcDescendants(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "sleep 30 & (sleep 30 & wait) & echo ready; wait")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// "ready" is echoed after both background jobs were forked; the
	// subshell's own sleep may still be on its way, so wait for 3.
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	var got []int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		var ok bool
		got, ok = procDescendants(cmd.Process.Pid)
		if !ok {
			t.Fatalf("procDescendants(%d) ok = false, want true", cmd.Process.Pid)
		}
		if len(got) == 3 {
			break
		}
		runtime.Gosched()
	}
	if len(got) != 3 {
		t.Fatalf("procDescendants(sh) = %v, want 3 pids (sleep, subshell, its sleep)", got)
	}
	for _, pid := range got {
		st, err := readStat(pid)
		if err != nil {
			continue // exited meanwhile
		}
		if want := mustStat(t, cmd.Process.Pid).Session; st.Session != want {
			t.Errorf("descendant %d has session %d, want the shell's %d", pid, st.Session, want)
		}
	}
	if n := killSession(cmd.Process.Pid); n != 3 {
		t.Errorf("killSession(sh) = %d, want 3", n)
	}
	if _, ok := procDescendants(1 << 30); ok {
		t.Errorf("procDescendants(no such pid) ok = true, want false")
	}
}

func mustStat(t *testing.T, pid int) procStat {
	t.Helper()
	st, err := readStat(pid)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
