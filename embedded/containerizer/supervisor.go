package containerizer

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer/shim"
)

// Launchers (Config.Launcher).
const (
	// LauncherShim forks one launch shim per container, which forks the task
	// (Mesos's `mesos-containerizer launch` helper).
	LauncherShim = "shim"
	// LauncherSupervisor asks the agent's one launch supervisor to fork each
	// task: one process per container.
	LauncherSupervisor = "supervisor"
)

// SupervisorEnv names the environment variable that turns a re-exec of the
// binary into an agent's launch supervisor (see RunShimIfRequested).
const SupervisorEnv = shim.SupervisorEnv

// supervisedFile marks (ours) a container whose task the supervisor forked:
// its pid file then names the task, not a shim.
const supervisedFile = "supervised"

// Bounds of supervisorClient.connect.
const (
	supervisorAttempts = 200
	supervisorBackoff  = 5 * time.Millisecond
	supervisorByeWait  = 5 * time.Second
)

// errSupervisorLost is what a launch waiting for its reply gets when the
// connection to the supervisor breaks.
var errSupervisorLost = errors.New("connection to the launch supervisor lost")

// supExit is a registered interest in one task's exit.
type supExit struct {
	pid int
	fn  func(status int32, lost bool)
}

// supervisorClient is the agent's side of the launch supervisor (package
// shim, RunSupervisor): it starts the supervisor lazily, connects to it
// (again after an agent restart), sends launches with their descriptors and
// dispatches the supervisor's Exited messages to the containers.
type supervisorClient struct {
	argv       []string
	runtimeDir string
	log        *slog.Logger
	reaper     *reaper
	devnull    *os.File

	cmu sync.Mutex // serialises connect

	mu      sync.Mutex
	conn    *net.UnixConn
	done    chan struct{} // closed when conn's reader stops
	gone    chan struct{} // closed when the watched supervisor process exits
	hello   chan []shim.Task
	waiters map[string]chan shim.Message
	exits   map[string]supExit
	early   map[string]shim.Message
	bye     *shim.Message
	closed  bool
	watched int  // the supervisor pid whose exit closes gone
	adopted bool // watched is exiting: adoptStale found it unreachable

	wmu sync.Mutex // serialises writes to conn
}

func newSupervisorClient(argv []string, runtimeDir string, log *slog.Logger, r *reaper, devnull *os.File) *supervisorClient {
	return &supervisorClient{
		argv: argv, runtimeDir: runtimeDir, log: log, reaper: r, devnull: devnull,
		waiters: map[string]chan shim.Message{},
		exits:   map[string]supExit{},
		early:   map[string]shim.Message{},
	}
}

// connect returns the connection to the live supervisor and the tasks it
// listed when this call connected (nil when already connected). Without a
// supervisor it starts one if spawn is set, else returns a nil connection.
func (s *supervisorClient) connect(spawn bool) (*net.UnixConn, []shim.Task, error) {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, nil, ErrClosed
	}
	if s.conn != nil {
		c := s.conn
		s.mu.Unlock()
		return c, nil, nil
	}
	s.mu.Unlock()
	addr := &net.UnixAddr{Name: shim.SocketName(s.runtimeDir), Net: "unix"}
	var lastErr error
	for range supervisorAttempts {
		c, err := net.DialUnix("unix", nil, addr)
		if err == nil {
			tasks, err := s.attach(c)
			if err == nil {
				return c, tasks, nil
			}
			lastErr = err // it was exiting: start another
		} else if !spawn {
			return nil, nil, nil
		} else {
			lastErr = err
			if err := s.spawn(); err != nil {
				return nil, nil, err
			}
			continue // dial the new one (or the one that won a race)
		}
		time.Sleep(supervisorBackoff)
	}
	return nil, nil, fmt.Errorf("supervisor: connect: %w", lastErr)
}

// attach says hello on a fresh connection and waits for the task list; the
// connection's reader runs from then on.
func (s *supervisorClient) attach(c *net.UnixConn) ([]shim.Task, error) {
	hello := make(chan []shim.Task, 1)
	done := make(chan struct{})
	s.mu.Lock()
	s.conn, s.done, s.hello, s.bye = c, done, hello, nil
	s.mu.Unlock()
	go s.read(c, done)
	if err := s.write(c, shim.Message{Type: shim.MsgHello}, nil); err != nil {
		c.Close()
		<-done
		return nil, err
	}
	select {
	case tasks := <-hello:
		s.watchPeer(c)
		return tasks, nil
	case <-done:
		return nil, errSupervisorLost
	}
}

// watchPeer watches the supervisor process behind c, so that the reaper
// reaps it if it is our child and Close can wait for it to exit.
func (s *supervisorClient) watchPeer(c *net.UnixConn) {
	raw, err := c.SyscallConn()
	if err != nil {
		return
	}
	var cred *syscall.Ucred
	raw.Control(func(fd uintptr) {
		cred, _ = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	})
	if cred == nil || cred.Pid <= 0 {
		return
	}
	s.watchProcess(int(cred.Pid), 0)
}

// watchProcess watches supervisor pid (with start time start, 0: unknown),
// closing s.gone when it exits; our child is reaped.
func (s *supervisorClient) watchProcess(pid int, start uint64) {
	st, err := readStat(pid)
	if err != nil || (start != 0 && st.StartTime != start) {
		return
	}
	fd, err := pidfdOpen(pid)
	if err != nil {
		return
	}
	gone := make(chan struct{})
	s.mu.Lock()
	if s.watched == pid {
		s.mu.Unlock()
		syscall.Close(fd)
		return
	}
	s.gone, s.watched = gone, pid
	s.mu.Unlock()
	if s.reaper.watch(pid, fd, st.PPID == os.Getpid(), func(syscall.WaitStatus, bool) { close(gone) }) != nil {
		close(gone)
	}
}

// adoptStale watches a supervisor this process started earlier (or
// inherited as a subreaper) that is exiting or exited, so that it is
// reaped: its pid and start time are in the lock file.
func (s *supervisorClient) adoptStale() {
	b, err := os.ReadFile(filepath.Join(s.runtimeDir, shim.SupervisorLockFile))
	if err != nil {
		return
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return
	}
	pid, err1 := strconv.Atoi(f[0])
	start, err2 := strconv.ParseUint(f[1], 10, 64)
	if err1 != nil || err2 != nil || pid <= 0 {
		return
	}
	if st, err := readStat(pid); err == nil && st.PPID == os.Getpid() && st.StartTime == start {
		s.watchProcess(pid, start)
		s.mu.Lock()
		s.adopted = s.watched == pid
		s.mu.Unlock()
	}
}

// spawn starts a supervisor in its own session and waits until it listens
// (or says another one holds the lock).
func (s *supervisorClient) spawn() error {
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("supervisor: start: %w", err)
	}
	defer r.Close()
	logf, err := os.OpenFile(filepath.Join(s.runtimeDir, "supervisor.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		w.Close()
		return fmt.Errorf("supervisor: start: %w", err)
	}
	defer logf.Close()
	pidfd := -1
	attr := &syscall.ProcAttr{
		Env:   []string{SupervisorEnv + "=" + s.runtimeDir, "GOMAXPROCS=2"},
		Files: []uintptr{s.devnull.Fd(), s.devnull.Fd(), logf.Fd(), w.Fd()},
		Sys:   &syscall.SysProcAttr{Setsid: true, PidFD: &pidfd},
	}
	// Two more arguments name it in ps(1): "mesoscope launch-supervisor
	// <runtime_dir>". The supervisor reads only its environment.
	argv := append(slices.Clip(s.argv), "launch-supervisor", s.runtimeDir)
	pid, err := syscall.ForkExec(s.argv[0], argv, attr)
	w.Close()
	if err != nil {
		return fmt.Errorf("supervisor: start %q: %w", s.argv[0], err)
	}
	line, _ := bufio.NewReader(r).ReadString('\n')
	line = strings.TrimSpace(line)
	if line == "ok" {
		// The reaper reaps it whenever it exits.
		if pidfd < 0 {
			pidfd, err = pidfdOpen(pid)
		}
		if err == nil {
			gone := make(chan struct{})
			s.mu.Lock()
			s.gone, s.watched = gone, pid
			s.mu.Unlock()
			if s.reaper.watch(pid, pidfd, true, func(syscall.WaitStatus, bool) { close(gone) }) != nil {
				close(gone)
			}
		}
		return nil
	}
	if pidfd >= 0 {
		syscall.Close(pidfd)
	}
	for {
		if _, err := syscall.Wait4(pid, nil, 0, nil); err != syscall.EINTR {
			break
		}
	}
	if line == "busy" {
		time.Sleep(supervisorBackoff) // the holder is exiting
		return nil
	}
	if line == "" {
		line = "exited without a word"
	}
	return fmt.Errorf("supervisor: start %q: %s", s.argv[0], line)
}

// write sends one frame with fds attached.
func (s *supervisorClient) write(c *net.UnixConn, msg shim.Message, fds []int) error {
	b := shim.AppendFrame(nil, msg)
	var oob []byte
	if len(fds) > 0 {
		oob = syscall.UnixRights(fds...)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	n, _, err := c.WriteMsgUnix(b, oob, nil)
	if err == nil && n < len(b) {
		_, err = c.Write(b[n:])
	}
	return err
}

// read dispatches c's messages until it breaks; a break that Close did not
// ask for hands every watched task to its lost callback.
func (s *supervisorClient) read(c *net.UnixConn, done chan struct{}) {
	br := bufio.NewReader(c)
	var hdr [4]byte
	var err error
	for {
		if _, err = io.ReadFull(br, hdr[:]); err != nil {
			break
		}
		n := binary.BigEndian.Uint32(hdr[:])
		if _, err = shim.FrameLen(hdr[:]); err != nil {
			break
		}
		body := make([]byte, n)
		if _, err = io.ReadFull(br, body); err != nil {
			break
		}
		var msg shim.Message
		if msg, err = shim.DecodeMessage(body); err != nil {
			break
		}
		s.dispatch(msg)
	}
	s.mu.Lock()
	if s.conn == c {
		s.conn = nil
	}
	var lost []supExit
	if !s.closed {
		s.log.Warn("Lost the launch supervisor", "err", err)
		for k, e := range s.exits {
			lost = append(lost, e)
			delete(s.exits, k)
		}
	}
	gone := s.gone
	s.mu.Unlock()
	c.Close()
	close(done)
	if len(lost) > 0 && gone != nil {
		// Once the supervisor is gone its tasks have been re-parented
		// (to us, if we are their subreaper), which the callbacks check.
		s.waitGone(gone)
	}
	for _, e := range lost {
		e.fn(0, true)
	}
}

func (s *supervisorClient) dispatch(msg shim.Message) {
	s.mu.Lock()
	switch msg.Type {
	case shim.MsgTasks:
		if s.hello != nil {
			s.hello <- msg.Tasks
			s.hello = nil
		}
	case shim.MsgLaunched:
		if w := s.waiters[msg.Key]; w != nil {
			delete(s.waiters, msg.Key)
			w <- msg
		}
	case shim.MsgExited:
		e, ok := s.exits[msg.Key]
		if ok && e.pid == msg.PID {
			delete(s.exits, msg.Key)
			s.mu.Unlock()
			e.fn(msg.Status, false)
			return
		}
		if !s.closed {
			s.early[msg.Key] = msg
		}
	case shim.MsgBye:
		m := msg
		s.bye = &m
	}
	s.mu.Unlock()
}

// launch asks the supervisor to fork-exec info for key with the given
// stdout, stderr and (optional) cgroup directory descriptors. The reply has
// the task's pid and start time, or pid 0 and the exec failure.
func (s *supervisorClient) launch(key string, info launchInfo, fds []int) (shim.Message, error) {
	c, _, err := s.connect(true)
	if err != nil {
		return shim.Message{}, err
	}
	reply := make(chan shim.Message, 1)
	s.mu.Lock()
	done := s.done
	s.waiters[key] = reply
	delete(s.early, key)
	s.mu.Unlock()
	msg := shim.Message{Type: shim.MsgLaunch, Key: key, Info: info, NumFDs: len(fds)}
	if err := s.write(c, msg, fds); err != nil {
		s.mu.Lock()
		delete(s.waiters, key)
		s.mu.Unlock()
		return shim.Message{}, fmt.Errorf("supervisor: launch: %w", err)
	}
	select {
	case r := <-reply:
		return r, nil
	case <-done:
		s.mu.Lock()
		delete(s.waiters, key)
		s.mu.Unlock()
		select {
		case r := <-reply:
			return r, nil
		default:
		}
		return shim.Message{}, fmt.Errorf("supervisor: launch: %w", errSupervisorLost)
	}
}

// watchExit calls fn once the supervisor reports key's task pid exited
// (lost false, status its raw wait status), or at once when that was
// reported already, or with lost true when the connection breaks first.
func (s *supervisorClient) watchExit(key string, pid int, fn func(status int32, lost bool)) {
	s.mu.Lock()
	if m, ok := s.early[key]; ok && m.PID == pid {
		delete(s.early, key)
		s.mu.Unlock()
		fn(m.Status, false)
		return
	}
	if s.conn == nil || s.closed {
		s.mu.Unlock()
		fn(0, true)
		return
	}
	s.exits[key] = supExit{pid: pid, fn: fn}
	s.mu.Unlock()
}

// forgetEarly drops exits nobody asked for (tasks of unknown containers).
func (s *supervisorClient) forgetEarly() {
	s.mu.Lock()
	clear(s.early)
	s.mu.Unlock()
}

// close hangs up: the supervisor exits if it has no live task (Close waits
// for that, so that no process is left behind) and keeps its tasks
// otherwise.
func (s *supervisorClient) close() {
	s.mu.Lock()
	s.closed = true
	c, done, gone, adopted := s.conn, s.done, s.gone, s.adopted
	s.mu.Unlock()
	if c == nil {
		if adopted && gone != nil {
			s.waitGone(gone)
		}
		return
	}
	c.CloseWrite()
	c.SetReadDeadline(time.Now().Add(supervisorByeWait))
	<-done
	s.mu.Lock()
	bye, gone := s.bye, s.gone
	s.mu.Unlock()
	if bye != nil && bye.Exiting && gone != nil {
		s.waitGone(gone)
	}
}

// waitGone waits (boundedly) for the supervisor to exit and be reaped.
func (s *supervisorClient) waitGone(gone chan struct{}) {
	t := time.NewTimer(supervisorByeWait)
	defer t.Stop()
	select {
	case <-gone:
	case <-t.C:
		s.log.Warn("Launch supervisor did not exit")
	}
}
