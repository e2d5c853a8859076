package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestLocalProcesses runs `mesoscope local --processes` (this test binary re-executed
// as mesoscope) with two agents as child OS processes: both register with the master
// child; an agent killed with -9 is restarted on its port and work_dir and reregisters
// under the same agent ID; SIGTERM stops every child and the command exits 0.
func TestLocalProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a master and agents as OS processes")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	port := freePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.Command(self, "local", "--processes", "--num_agents", "2", "--port", strconv.Itoa(port),
		"--work_dir", work, "--trace_exporter", "none", "--resources", "cpus:1;mem:256;disk:256;ports:[31000-31010]")
	cmd.Env = append(os.Environ(), asMainEnv+"=1", "LIBPROCESS_NUM_WORKER_THREADS=2")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		lines []string
	)
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
			mu.Unlock()
		}
		io.Copy(io.Discard, stdout)
	}()
	output := func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(lines, "\n")
	}
	waited := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		<-copied
		waited <- cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	logs := func() string {
		var b strings.Builder
		for _, n := range []string{"master", "agent-1", "agent-2"} {
			fmt.Fprintf(&b, "%s.log:\n%s\n", n, fileTail(filepath.Join(work, n+".log"), 1500))
		}
		return "stdout:\n" + output() + "\nstderr:\n" + stderr.String() + "\n" + b.String()
	}
	wait := func(what string, d time.Duration, cond func() bool) {
		t.Helper()
		start := time.Now()
		for !cond() {
			select {
			case <-exited:
				t.Fatalf("%s: local exited early\n%s", what, logs())
			default:
			}
			if time.Since(start) > d {
				t.Fatalf("%s: not within %v\n%s", what, d, logs())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	// Both agents register with the master, each its own OS process on port+N.
	wait("two active agents", 60*time.Second, func() bool {
		s, err := lpAgents(base)
		return err == nil && len(s) == 2 && s[0].active && s[1].active
	})
	pidRE := regexp.MustCompile(`(?m)^  (master|agent-\d) +pid (\d+) +(http://\S+)`)
	pids := map[string]int{}
	urls := map[string]string{}
	for _, m := range pidRE.FindAllStringSubmatch(output(), -1) {
		pids[m[1]], _ = strconv.Atoi(m[2])
		urls[m[1]] = m[3]
	}
	for i, name := range []string{"master", "agent-1", "agent-2"} {
		if pids[name] == 0 || pids[name] == cmd.Process.Pid {
			t.Fatalf("output lists %s with pid %d, want a child's pid\n%s", name, pids[name], output())
		}
		if want := fmt.Sprintf("http://127.0.0.1:%d", port+i); urls[name] != want {
			t.Errorf("%s URL = %q, want %q (the master on --port, agent N on --port+N)", name, urls[name], want)
		}
	}
	before, err := lpAgents(base)
	if err != nil {
		t.Fatal(err)
	}
	agent1 := strings.TrimPrefix(urls["agent-1"], "http://")
	var id1 string
	for _, a := range before {
		if strings.HasSuffix(a.pid, "@"+agent1) {
			id1 = a.id
		}
	}
	if id1 == "" {
		t.Fatalf("the master has no agent at %s: %+v", agent1, before)
	}

	// kill -9 agent-1: local restarts it and it reregisters with the same ID.
	if err := syscall.Kill(pids["agent-1"], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wait("agent-1 restarted", 30*time.Second, func() bool { return strings.Contains(output(), "agent-1 restarted: pid") })
	wait("agent-1 reregistered with its ID", 60*time.Second, func() bool {
		s, err := lpAgents(base)
		if err != nil || len(s) != 2 {
			return false
		}
		for _, a := range s {
			if a.id == id1 {
				return a.active && a.reregistered > 0 && strings.HasSuffix(a.pid, "@"+agent1)
			}
		}
		return false
	})
	if !strings.Contains(output(), "agent-1 (pid "+strconv.Itoa(pids["agent-1"])+") signal: killed; restarting") {
		t.Errorf("output does not report agent-1's death:\n%s", output())
	}

	// SIGTERM: every child stops, local exits 0.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("local --processes after SIGTERM: %v, want exit 0\n%s", err, logs())
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("local --processes did not exit within 90s of SIGTERM\n%s", logs())
	}
	for name, pid := range pids {
		if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
			t.Errorf("%s (pid %d) after local exited: kill(0) = %v, want ESRCH", name, pid, err)
		}
	}
}

// lpAgent is one agent of the master's /master/slaves.
type lpAgent struct {
	id, pid      string
	active       bool
	reregistered float64
}

func lpAgents(base string) ([]lpAgent, error) {
	var v struct {
		Slaves []struct {
			ID           string  `json:"id"`
			PID          string  `json:"pid"`
			Active       bool    `json:"active"`
			Reregistered float64 `json:"reregistered_time"`
		} `json:"slaves"`
	}
	if err := afGet(base+"/master/slaves", &v); err != nil {
		return nil, err
	}
	var out []lpAgent
	for _, s := range v.Slaves {
		out = append(out, lpAgent{id: s.ID, pid: s.PID, active: s.Active, reregistered: s.Reregistered})
	}
	return out, nil
}
