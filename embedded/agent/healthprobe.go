package agent

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// checkDefaultPath is the PATH a container starts with (os::host_default_path, as
// the containerizer sets it), which a COMMAND check inherits from its task.
const checkDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// healthProbe is one health check to perform: the check::Command, check::Http or
// check::Tcp of src/checks/checks_types.hpp, resolved for the task it checks.
type healthProbe struct {
	kind mesos.HealthCheckType

	// COMMAND: the command, run in dir with env, its output appended to output
	// ("" discards it).
	shell  bool
	value  string
	args   []string
	env    []string
	dir    string
	output string

	// HTTP: the URL to GET. TCP: the address to connect to.
	url  string
	addr string
}

// String names the probe for logs ("COMMAND health check").
func (p *healthProbe) String() string { return p.kind.String() + " health check" }

// newHealthProbe resolves a validated HealthCheck for a task: a COMMAND check runs
// in the task's sandbox with the task's environment (taskEnv, see taskEnvironment)
// and the check's own VALUE variables over it, its output appended to output; HTTP and TCP checks go to 127.0.0.1 (::1
// for IPv6) on the check's port, as checks_types.hpp's DEFAULT_IPV4_DOMAIN and
// DEFAULT_IPV6_DOMAIN say.
func newHealthProbe(h *mesos.HealthCheck, sandbox string, taskEnv map[string]string, output string) healthProbe {
	p := healthProbe{kind: h.Type}
	switch h.Type {
	case mesos.HealthCheckCommand:
		c := h.Command
		p.shell, p.value, p.args = c.GetShell(), c.GetValue(), c.Arguments
		env := maps.Clone(taskEnv)
		if env == nil {
			env = map[string]string{}
		}
		if c.Environment != nil {
			for _, v := range c.Environment.Variables {
				if v.Value != nil {
					env[v.Name] = *v.Value
				}
			}
		}
		p.env = sortedEnv(env)
		p.dir, p.output = sandbox, output
	case mesos.HealthCheckHTTP:
		scheme := h.HTTP.Scheme
		if scheme == "" {
			scheme = "http" // check::DEFAULT_HTTP_SCHEME
		}
		p.url = scheme + "://" + net.JoinHostPort(loopback(h.HTTP.Protocol), strconv.FormatUint(uint64(h.HTTP.Port), 10)) + h.HTTP.Path
	case mesos.HealthCheckTCP:
		p.addr = net.JoinHostPort(loopback(h.TCP.Protocol), strconv.FormatUint(uint64(h.TCP.Port), 10))
	}
	return p
}

// loopback is the address checks of a protocol go to.
func loopback(p mesos.NetworkProtocol) string {
	if p == mesos.ProtocolIPv6 {
		return "::1"
	}
	return "127.0.0.1"
}

func sortedEnv(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// run performs the check once and reports nil when it passed. It returns when the
// check ends or ctx is done (the caller's timeout or stop); a COMMAND check's whole
// process group is then killed with SIGKILL. It runs on a goroutine of its own.
func (p *healthProbe) run(ctx context.Context) error {
	switch p.kind {
	case mesos.HealthCheckCommand:
		return p.command(ctx)
	case mesos.HealthCheckHTTP:
		return p.http(ctx)
	case mesos.HealthCheckTCP:
		return p.tcp(ctx)
	}
	return fmt.Errorf("unsupported health check type %s", p.kind)
}

// command is CheckerProcess::commandCheck: "sh -c value" for a shell command, else
// value exec'd with arguments as its argv; stdin is /dev/null and its output goes to
// the sandbox's stderr as the executor's does. It passes when the command exits 0.
func (p *healthProbe) command(ctx context.Context) error {
	path, argv := "/bin/sh", []string{"sh", "-c", p.value}
	if !p.shell {
		path, argv = lookPath(p.value, p.env), p.args
		if len(argv) == 0 {
			argv = []string{p.value}
		}
	}
	cmd := exec.CommandContext(ctx, path)
	cmd.Args, cmd.Env, cmd.Dir = argv, p.env, p.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if p.output != "" {
		out, err := os.OpenFile(p.output, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err == nil {
			defer out.Close()
			cmd.Stdout, cmd.Stderr = out, out
		}
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("failed to create subprocess: %w", err)
	}
	err := cmd.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit):
		ws, ok := exit.Sys().(syscall.WaitStatus)
		if !ok {
			return fmt.Errorf("command %w", err)
		}
		return errors.New("command " + describeWaitStatus(ws))
	}
	return fmt.Errorf("failed to reap the command process: %w", err)
}

// lookPath resolves an executable name without a slash on the check's PATH, as
// execvp does.
func lookPath(name string, env []string) string {
	if strings.Contains(name, "/") {
		return name
	}
	path := checkDefaultPath
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		f := filepath.Join(dir, name)
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return f
		}
	}
	return name
}

// http is CheckerProcess::httpCheck without curl: a GET that follows redirects and
// does not verify certificates (curl -L -k), whose body is read and dropped. The
// check passes on a status in [200, 400) (interpretCheckStatusInfo).
func (p *healthProbe) http(ctx context.Context) error {
	tr := &http.Transport{
		DisableKeepAlives: true,
		TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, // curl -k, as Mesos runs it
	}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		return fmt.Errorf("http request %q: %w", p.url, err)
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return fmt.Errorf("http request failed: %w", err)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return fmt.Errorf("http request failed: read body: %w", err)
	}
	if resp.StatusCode < http.StatusOK || resp.StatusCode >= http.StatusBadRequest {
		return fmt.Errorf("unexpected HTTP response code: %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return nil
}

// tcp is CheckerProcess::tcpCheck without mesos-tcp-connect: it passes when a TCP
// connection to the address is established.
func (p *healthProbe) tcp(ctx context.Context) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", p.addr)
	if err != nil {
		return fmt.Errorf("TCP connection failed: %w", err)
	}
	conn.Close()
	return nil
}
