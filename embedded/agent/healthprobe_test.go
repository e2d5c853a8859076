package agent

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// prSetChildSubreaper is PR_SET_CHILD_SUBREAPER from <linux/prctl.h>.
const prSetChildSubreaper = 36

// errText is err's message, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestNewHealthProbe(t *testing.T) {
	v := "x"
	tests := []struct {
		name string
		h    mesos.HealthCheck
		want healthProbe
	}{
		{"http defaults", mesos.HealthCheck{Type: mesos.HealthCheckHTTP, HTTP: &mesos.HTTPCheckInfo{Port: 8080}},
			healthProbe{kind: mesos.HealthCheckHTTP, url: "http://127.0.0.1:8080"}},
		{"https path", mesos.HealthCheck{Type: mesos.HealthCheckHTTP, HTTP: &mesos.HTTPCheckInfo{Port: 443, Scheme: "https", Path: "/health?x=1"}},
			healthProbe{kind: mesos.HealthCheckHTTP, url: "https://127.0.0.1:443/health?x=1"}},
		{"http ipv6", mesos.HealthCheck{Type: mesos.HealthCheckHTTP, HTTP: &mesos.HTTPCheckInfo{Port: 80, Path: "/", Protocol: mesos.ProtocolIPv6}},
			healthProbe{kind: mesos.HealthCheckHTTP, url: "http://[::1]:80/"}},
		{"tcp", mesos.HealthCheck{Type: mesos.HealthCheckTCP, TCP: &mesos.TCPCheckInfo{Port: 31000}},
			healthProbe{kind: mesos.HealthCheckTCP, addr: "127.0.0.1:31000"}},
		{"tcp ipv6", mesos.HealthCheck{Type: mesos.HealthCheckTCP, TCP: &mesos.TCPCheckInfo{Port: 31000, Protocol: mesos.ProtocolIPv6}},
			healthProbe{kind: mesos.HealthCheckTCP, addr: "[::1]:31000"}},
		{"command environment", mesos.HealthCheck{Type: mesos.HealthCheckCommand, Command: &mesos.CommandInfo{
			Value: mesos.ShellCommand("true").Value, Environment: &mesos.Environment{Variables: []mesos.EnvironmentVariable{{Name: "TASK", Value: &v}}}}},
			healthProbe{kind: mesos.HealthCheckCommand, shell: true, value: "true", dir: "/sb", output: "/sb/stderr",
				env: []string{"MESOS_SANDBOX=/other", "PATH=/bin", "TASK=x"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := newHealthProbe(&tc.h, "/sb", map[string]string{"PATH": "/bin", "TASK": "task", "MESOS_SANDBOX": "/other"}, "/sb/stderr")
			if tc.h.Type != mesos.HealthCheckCommand {
				tc.want.dir, tc.want.output = "", ""
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(healthProbe{})); diff != "" {
				t.Errorf("newHealthProbe(%+v) (-want +got):\n%s", tc.h, diff)
			}
		})
	}
}

func TestCommandProbe(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		shell bool
		value string
		args  []string
		want  string
	}{
		{"exit 0", true, "exit 0", nil, ""},
		{"exit 1", true, "exit 1", nil, "command exited with status 1"},
		{"signal", true, "kill -KILL $$", nil, "command terminated with signal Killed"},
		{"sandbox and environment", true, `test "$PWD" = "` + dir + `" && test "$CHECK" = yes`, nil, ""},
		{"argv", false, "/bin/sh", []string{"sh", "-c", "exit 4"}, "command exited with status 4"},
		{"executable on PATH", false, "true", nil, ""},
		{"missing executable", false, "/nonexistent/check", nil, "failed to create subprocess: fork/exec /nonexistent/check: no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := healthProbe{kind: mesos.HealthCheckCommand, shell: tc.shell, value: tc.value, args: tc.args,
				env: []string{"CHECK=yes", "PATH=" + checkDefaultPath}, dir: dir}
			if got := errText(p.run(context.Background())); got != tc.want {
				t.Errorf("command check %q = %q, want %q", tc.value, got, tc.want)
			}
		})
	}
}

func TestCommandProbeOutputGoesToTheSandboxStderr(t *testing.T) {
	out := filepath.Join(t.TempDir(), "stderr")
	if err := os.WriteFile(out, []byte("task output\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := healthProbe{kind: mesos.HealthCheckCommand, shell: true, value: "echo out; echo err >&2", output: out}
	if err := p.run(context.Background()); err != nil {
		t.Fatalf("command check = %v, want nil", err)
	}
	if b, _ := os.ReadFile(out); string(b) != "task output\nout\nerr\n" {
		t.Errorf("stderr = %q, want the task's output then the check's", b)
	}
}

// Cancelling a COMMAND check (its timeout, or the task ending) kills its whole
// process group: a command it started in the background dies with it.
func TestCommandProbeCancelKillsTheProcessGroup(t *testing.T) {
	// Become a subreaper so that the orphaned background command is reparented to
	// this process and can be reaped here (this machine's init does not reap).
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		t.Skipf("PR_SET_CHILD_SUBREAPER: %v", errno)
	}
	defer syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 0, 0)
	ready := readyFIFO(t)
	p := healthProbe{kind: mesos.HealthCheckCommand, shell: true, value: "sleep 6301 & echo $! > " + ready.Name() + "; wait"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.run(ctx) }()
	buf := make([]byte, 32)
	ready.SetReadDeadline(time.Now().Add(waitFor))
	n, err := ready.Read(buf)
	if err != nil {
		t.Fatalf("the check never started its background command: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled command check = %v, want context.Canceled", err)
	}
	// The background command was SIGKILLed with its group; reap it once it has been
	// reparented to us.
	deadline := time.Now().Add(waitFor)
	tick := time.NewTicker(time.Millisecond) // the kernel reparents it as its parent dies
	defer tick.Stop()
	for {
		var ws syscall.WaitStatus
		wpid, err := syscall.Wait4(pid, &ws, 0, nil)
		if err == nil && wpid == pid {
			if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Errorf("background command of the check ended with %s, want SIGKILL", describeWaitStatus(ws))
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("background command %d of the check was not reparented and reaped: %v", pid, err)
		}
		<-tick.C
	}
}

func TestHTTPProbe(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("fine")) })
	mux.HandleFunc("/created", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusCreated) })
	mux.HandleFunc("/fail", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/fail", http.StatusFound) })
	plain := httptest.NewServer(mux)
	defer plain.Close()
	tlsServer := httptest.NewTLSServer(mux)
	defer tlsServer.Close()
	closed := httptest.NewServer(mux)
	closed.Close()

	port := func(s *httptest.Server) uint32 {
		u, _ := url.Parse(s.URL)
		p, _ := strconv.Atoi(u.Port())
		return uint32(p)
	}
	tests := []struct {
		name   string
		server *httptest.Server
		scheme string
		path   string
		want   string // error prefix, "" for healthy
	}{
		{"200", plain, "", "/ok", ""},
		{"201", plain, "http", "/created", ""},
		{"500", plain, "", "/fail", "unexpected HTTP response code: 500 Internal Server Error"},
		{"404", plain, "", "/missing", "unexpected HTTP response code: 404 Not Found"},
		{"redirect followed", plain, "", "/redirect", "unexpected HTTP response code: 500 Internal Server Error"},
		{"https without verification", tlsServer, "https", "/ok", ""},
		{"connection refused", closed, "", "/ok", "http request failed:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := mesos.HealthCheck{Type: mesos.HealthCheckHTTP, HTTP: &mesos.HTTPCheckInfo{Port: port(tc.server), Scheme: tc.scheme, Path: tc.path}}
			p := newHealthProbe(&h, "", nil, "")
			got := errText(p.run(context.Background()))
			if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) {
				t.Errorf("HTTP check of %s = %q, want %q", p.url, got, tc.want)
			}
		})
	}
}

func TestHTTPProbeCancel(t *testing.T) {
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
	}))
	defer srv.Close()
	p := healthProbe{kind: mesos.HealthCheckHTTP, url: srv.URL + "/slow"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.run(ctx) }()
	<-arrived
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled HTTP check = %v, want context.Canceled", err)
	}
}

func TestTCPProbe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	gone, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone.Close()
	tests := []struct {
		name string
		addr net.Addr
		want string
	}{
		{"listening", ln.Addr(), ""},
		{"closed", gone.Addr(), "TCP connection failed: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := mesos.HealthCheck{Type: mesos.HealthCheckTCP, TCP: &mesos.TCPCheckInfo{Port: uint32(tc.addr.(*net.TCPAddr).Port)}}
			p := newHealthProbe(&h, "", nil, "")
			got := errText(p.run(context.Background()))
			if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) {
				t.Errorf("TCP check of %s = %q, want %q", p.addr, got, tc.want)
			}
		})
	}
}

// BenchmarkHealthProbe measures one check of each type against a local target: a
// COMMAND check is a fork and exec of sh.
func BenchmarkHealthProbe(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	port := uint32(srv.Listener.Addr().(*net.TCPAddr).Port)
	for _, h := range []mesos.HealthCheck{
		{Type: mesos.HealthCheckCommand, Command: mesos.ShellCommand("exit 0")},
		{Type: mesos.HealthCheckHTTP, HTTP: &mesos.HTTPCheckInfo{Port: port, Path: "/"}},
		{Type: mesos.HealthCheckTCP, TCP: &mesos.TCPCheckInfo{Port: port}},
	} {
		p := newHealthProbe(&h, b.TempDir(), map[string]string{"PATH": checkDefaultPath}, "")
		b.Run("type="+h.Type.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := p.run(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
