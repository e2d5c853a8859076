package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/pflag"
)

// procCluster is `mesoscope local --processes`: the master and each agent run
// as child OS processes of this one (`mesoscope master`, `mesoscope agent`),
// talking libprocess messages over HTTP on loopback, as a real Mesos cluster's
// daemons do. It supervises them the way systemd supervises mesos-master and
// mesos-agent (Restart=always): a child that dies is started again after
// restartDelay on the same port and work_dir, so an agent killed with -9
// recovers its tasks from its checkpoints and a master recovers its registry.
// Each child's output goes to <work_dir>/<name>.log.
type procCluster struct {
	exe          string
	workDir      string
	out          io.Writer // progress lines (the command's stdout)
	restart      bool
	restartDelay time.Duration

	mu       sync.Mutex
	stopping bool
	children []*procChild
	failed   chan error // a child that cannot be kept running (crash loop, no start)
}

// procChild is one supervised child.
type procChild struct {
	name string
	args []string // after the executable; --port is rewritten to the first run's port
	log  string

	mu      sync.Mutex
	cmd     *exec.Cmd
	url     string        // http://host:port, from the child's first line
	ready   chan struct{} // closed when url is known (first run)
	exited  chan struct{} // closed when the current run has exited
	runs    int
	crashes int // consecutive runs that ended within crashWindow
}

const (
	// crashWindow and maxCrashes make a crash loop stop the restarts (systemd's
	// StartLimitBurst): 5 runs in a row that end within 10 s each.
	crashWindow = 10 * time.Second
	maxCrashes  = 5
	// childStopGrace is how long a child gets after SIGTERM before SIGKILL; an
	// agent kills its tasks within it.
	childStopGrace = 30 * time.Second
)

// urlLine finds the URL in the first line `mesoscope master|agent at URL ...`.
var urlLine = regexp.MustCompile(`^mesoscope (?:master|agent) at (http://\S+)`)

// forwardedFlags returns --name=value for every flag of fs the user set, to give
// to a child that has the same flags.
func forwardedFlags(fs *pflag.FlagSet) []string {
	var out []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed {
			out = append(out, "--"+f.Name+"="+f.Value.String())
		}
	})
	return out
}

// start starts child c's next run and its watcher.
func (p *procCluster) start(c *procChild) error {
	c.mu.Lock()
	args := c.args
	if c.url != "" {
		// Restart on the port of the first run (it may have been 0).
		args = withPort(args, c.url)
	}
	c.mu.Unlock()
	logf, err := os.OpenFile(c.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("local: %s: log: %w", c.name, err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		logf.Close()
		return fmt.Errorf("local: %s: %w", c.name, err)
	}
	cmd := exec.Command(p.exe, args...)
	cmd.Env = os.Environ()
	cmd.Stdout, cmd.Stderr = pw, pw
	// Its own process group, so a terminal's Ctrl-C reaches only this process,
	// which stops the agents before the master; SIGTERM if this process dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	started := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		// Pdeathsig follows the thread that forked the child: keep this goroutine
		// on it until the child has exited.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		err := cmd.Start()
		pw.Close()
		if err != nil {
			pr.Close()
			logf.Close()
			started <- err
			return
		}
		c.mu.Lock()
		c.cmd, c.exited = cmd, exited
		c.runs++
		c.mu.Unlock()
		started <- nil
		begun := time.Now()
		copied := make(chan struct{})
		go func() {
			defer close(copied)
			p.copyOutput(c, pr, logf)
		}()
		werr := cmd.Wait()
		<-copied
		pr.Close()
		logf.Close()
		close(exited)
		p.exited(c, cmd.Process.Pid, werr, time.Since(begun))
	}()
	if err := <-started; err != nil {
		return fmt.Errorf("local: start %s: %w", c.name, err)
	}
	return nil
}

// copyOutput writes the child's output to its log file and learns its URL from
// its first line.
func (p *procCluster) copyOutput(c *procChild, r io.Reader, log io.Writer) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(log, line)
		if m := urlLine.FindStringSubmatch(line); m != nil {
			c.mu.Lock()
			first := c.url == ""
			c.url = m[1]
			c.mu.Unlock()
			if first {
				close(c.ready)
			}
		}
	}
	// A line longer than the buffer ends the scan: keep draining so the child
	// never blocks on a full pipe.
	io.Copy(log, r)
}

// exited handles the end of a child's run: during shutdown nothing; otherwise
// it is reported and, with restarts on, the child is started again.
func (p *procCluster) exited(c *procChild, pid int, err error, ran time.Duration) {
	p.mu.Lock()
	stopping := p.stopping
	p.mu.Unlock()
	if stopping {
		return
	}
	status := "exited with status 0"
	if err != nil {
		status = err.Error()
	}
	c.mu.Lock()
	if ran < crashWindow {
		c.crashes++
	} else {
		c.crashes = 0
	}
	crashes := c.crashes
	c.mu.Unlock()
	if !p.restart {
		fmt.Fprintf(p.out, "%s (pid %d) %s; not restarting (--restart=false); see %s\n", c.name, pid, status, c.log)
		if c.name == "master" {
			p.fail(fmt.Errorf("local: the master %s", status))
		}
		return
	}
	if crashes >= maxCrashes {
		fmt.Fprintf(p.out, "%s (pid %d) %s; it ended within %v %d times in a row: not restarting; see %s\n", c.name, pid, status, crashWindow, crashes, c.log)
		p.fail(fmt.Errorf("local: %s keeps failing (%s); see %s", c.name, status, c.log))
		return
	}
	fmt.Fprintf(p.out, "%s (pid %d) %s; restarting it in %v on the same port and work_dir\n", c.name, pid, status, p.restartDelay)
	time.Sleep(p.restartDelay)
	// Checked and started under p.mu: stop either sees the new run or this
	// sees stopping, so no child outlives the cluster.
	p.mu.Lock()
	if p.stopping {
		p.mu.Unlock()
		return
	}
	err = p.start(c)
	p.mu.Unlock()
	if err != nil {
		p.fail(err)
		return
	}
	c.mu.Lock()
	fmt.Fprintf(p.out, "%s restarted: pid %d\n", c.name, c.cmd.Process.Pid)
	c.mu.Unlock()
}

// fail reports a child that cannot be kept running; the first one ends the run.
func (p *procCluster) fail(err error) {
	select {
	case p.failed <- err:
	default:
	}
}

// waitReady waits until child c has printed its URL, or its run ended.
func (p *procCluster) waitReady(ctx context.Context, c *procChild) (string, error) {
	c.mu.Lock()
	exited := c.exited
	c.mu.Unlock()
	select {
	case <-c.ready:
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.url, nil
	case <-exited:
		return "", fmt.Errorf("local: %s exited before it served (see %s):\n%s", c.name, c.log, fileTail(c.log, 2000))
	case <-ctx.Done():
		return "", fmt.Errorf("local: %s did not start: %w", c.name, ctx.Err())
	}
}

// stop ends the restarts and stops the children: the agents first (SIGTERM makes
// an agent kill its tasks), then the master; a child still running after
// childStopGrace is killed.
func (p *procCluster) stop() error {
	p.mu.Lock()
	p.stopping = true
	children := p.children
	p.mu.Unlock()
	var (
		emu  sync.Mutex
		errs []error
	)
	stopAll := func(cs []*procChild) {
		var wg sync.WaitGroup
		for _, c := range cs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := c.terminate(); err != nil {
					emu.Lock()
					errs = append(errs, err)
					emu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	var agents, masters []*procChild
	for _, c := range children {
		if c.name == "master" {
			masters = append(masters, c)
		} else {
			agents = append(agents, c)
		}
	}
	stopAll(agents)
	stopAll(masters)
	return errors.Join(errs...)
}

// terminate sends SIGTERM to the child's current run and waits for it, killing it
// after childStopGrace.
func (c *procChild) terminate() error {
	c.mu.Lock()
	cmd, exited := c.cmd, c.exited
	c.mu.Unlock()
	if cmd == nil {
		return nil
	}
	select {
	case <-exited:
		return nil
	default:
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		return nil
	case <-time.After(childStopGrace):
		_ = cmd.Process.Kill()
		<-exited
		return fmt.Errorf("local: %s did not stop within %v of SIGTERM: killed", c.name, childStopGrace)
	}
}

// withPort returns args with --port set to url's port.
func withPort(args []string, url string) []string {
	i := strings.LastIndexByte(url, ':')
	if i < 0 {
		return args
	}
	port := url[i+1:]
	out := append([]string(nil), args...)
	for k := 0; k+1 < len(out); k++ {
		if out[k] == "--port" {
			out[k+1] = port
			return out
		}
	}
	return append(out, "--port", port)
}

// fileTail returns the last n bytes of the file at path.
func fileTail(path string, n int) string {
	b, _ := os.ReadFile(path)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// runProcesses runs the cluster of `local --processes` until ctx ends (signal or
// --duration) or a child cannot be kept running.
func runProcesses(ctx context.Context, p *procCluster, master *procChild, agents []*procChild) error {
	p.failed = make(chan error, 1)
	startCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	p.children = append(p.children, master)
	if err := p.start(master); err != nil {
		return err
	}
	murl, err := p.waitReady(startCtx, master)
	if err != nil {
		p.stop()
		return err
	}
	for _, a := range agents {
		a.args = append(a.args, "--master", strings.TrimPrefix(murl, "http://"))
		p.mu.Lock()
		p.children = append(p.children, a)
		p.mu.Unlock()
		if err := p.start(a); err != nil {
			p.stop()
			return err
		}
	}
	for _, a := range agents {
		if _, err := p.waitReady(startCtx, a); err != nil {
			p.stop()
			return err
		}
	}
	fmt.Fprintf(p.out, "mesoscope local cluster (separate processes): master at %s with %d agents (work_dir %s)\n\n", murl, len(agents), p.workDir)
	for _, c := range append([]*procChild{master}, agents...) {
		c.mu.Lock()
		fmt.Fprintf(p.out, "  %-9s pid %-7d %-24s log %s\n", c.name, c.cmd.Process.Pid, c.url, c.log)
		c.mu.Unlock()
	}
	restart := "a child that dies is started again on its port and work_dir (--restart)"
	if !p.restart {
		restart = "a child that dies is not restarted (--restart=false)"
	}
	fmt.Fprintf(p.out, "\n  kill -9 an agent's pid to watch it recover its tasks: %s.\n\n", restart)
	printClusterURLs(p.out, murl)
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-p.failed:
	}
	if err := p.stop(); runErr == nil {
		runErr = err
	}
	return runErr
}

// newProcCluster lays out the children of `local --processes`: the master on
// ip:port with work_dir/master, agent N on port+N (0: any) with work_dir/agent-N.
func newProcCluster(out io.Writer, workDir, ip string, port, numAgents, workers int, resources, attributes string,
	masterFlags, traceFlags *pflag.FlagSet, restart bool) (*procCluster, *procChild, []*procChild, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("local: --processes: this executable: %w", err)
	}
	if workDir, err = filepath.Abs(workDir); err != nil {
		return nil, nil, nil, fmt.Errorf("local: --work_dir: %w", err)
	}
	if err := os.MkdirAll(workDir, 0o755); err != nil {
		return nil, nil, nil, fmt.Errorf("local: --work_dir: %w", err)
	}
	p := &procCluster{exe: exe, workDir: workDir, out: out, restart: restart, restartDelay: time.Second}
	common := []string{"--ip", ip}
	if workers > 0 {
		common = append(common, "--workers", strconv.Itoa(workers))
	}
	common = append(common, forwardedFlags(traceFlags)...)
	margs := append([]string{"master", "--port", strconv.Itoa(port), "--work_dir", filepath.Join(workDir, "master")}, common...)
	margs = append(margs, forwardedFlags(masterFlags)...)
	master := &procChild{name: "master", args: margs, log: filepath.Join(workDir, "master.log"), ready: make(chan struct{})}
	var agents []*procChild
	for i := 1; i <= numAgents; i++ {
		aport := 0
		if port != 0 {
			aport = port + i
			if aport > 65535 {
				return nil, nil, nil, fmt.Errorf("local: --port=%d --num_agents=%d: agent %d's port %d is above 65535", port, numAgents, i, aport)
			}
		}
		name := "agent-" + strconv.Itoa(i)
		args := append([]string{"agent", "--port", strconv.Itoa(aport), "--work_dir", filepath.Join(workDir, name)}, common...)
		if resources != "" {
			args = append(args, "--resources", resources)
		}
		if attributes != "" {
			args = append(args, "--attributes", attributes)
		}
		agents = append(agents, &procChild{name: name, args: args, log: filepath.Join(workDir, name+".log"), ready: make(chan struct{})})
	}
	return p, master, agents, nil
}
