package main

import (
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The harness of the tests that run mesoscope as OS processes (the master and agent
// kill -9 loops, local --processes): the test binary re-executed as `mesoscope`, one
// log file per process, free ports, and waiting for what the test checks.

// asMainEnv makes a re-exec of this test binary run `mesoscope` itself: the tests
// start masters and agents as real OS processes without building the binary.
const asMainEnv = "MESOSCOPE_TEST_AS_MAIN"

func init() {
	if os.Getenv(asMainEnv) == "1" {
		main()
		os.Exit(0)
	}
}

// testProc is a `mesoscope` OS process started by a test.
type testProc struct {
	cmd  *exec.Cmd
	done chan struct{}
	log  string
}

// startProc starts `mesoscope args...` (this test binary re-executed) in a process
// group of its own, appending its output to logPath (a restarted process keeps one
// log). With a reaper (the agent loop's subreaper), the process is registered so that
// the reaper leaves it to exec.Cmd. The test's cleanup stops it with SIGTERM (an agent
// then kills its tasks) and kills it if it is still running 30 s later.
func startProc(t *testing.T, r *afReaper, logPath string, args ...string) *testProc {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), asMainEnv+"=1", "LIBPROCESS_NUM_WORKER_THREADS=2")
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if r != nil {
		r.mu.Lock() // the reaper must not reap the process exec.Cmd waits for
	}
	err = cmd.Start()
	if r != nil {
		if err == nil {
			r.managed[cmd.Process.Pid] = true
		}
		r.mu.Unlock()
	}
	if err != nil {
		f.Close()
		t.Fatal(err)
	}
	p := &testProc{cmd: cmd, done: make(chan struct{}), log: logPath}
	go func() {
		_ = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			t.Errorf("mesoscope %s (%s) did not stop within 30s of SIGTERM", args[0], logPath)
			p.kill9()
		}
	})
	return p
}

// kill9 kills the process (not its tasks' process groups: an agent's tasks live on)
// and waits for it.
func (p *testProc) kill9() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop asks the process to stop (SIGTERM) and waits for it.
func (p *testProc) stop(t *testing.T) {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not stop within 30s", p.log)
		p.kill9()
	}
}

// tail returns the end of the process's log.
func (p *testProc) tail() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// freePort returns a loopback port nobody uses right now, below the ephemeral range:
// a port the kernel may hand out as the source of an outgoing connection could be
// taken while a process is down, and the restarted process would not get it back.
func freePort(t *testing.T) int {
	t.Helper()
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if v, err := strconv.Atoi(f[0]); err == nil && v > 11000 {
				low = v
			}
		}
	}
	for range 200 {
		port := 10000 + rand.IntN(low-10000)
		if ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			ln.Close()
			return port
		}
	}
	t.Fatal("no free port below the ephemeral range")
	return 0
}

// waitUntil polls cond every 10 ms until it holds or d passes, and returns how long it
// took: the processes run in real time, and cond is what the test checks; the polling
// only waits for it. On timeout it logs the tails of logs and fails the test.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool, logs ...*testProc) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			for _, p := range logs {
				t.Logf("%s:\n%s", p.log, p.tail())
			}
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}
