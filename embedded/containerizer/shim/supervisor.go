package shim

import (
	"encoding/hex"
	"hash/fnv"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// SupervisorEnv names the environment variable that turns a process into
// an agent's launch supervisor; its value is the agent's runtime directory.
const SupervisorEnv = "MESOSCOPE_CONTAINERIZER_SUPERVISOR"

// SupervisorReadyFD is the descriptor on which a starting supervisor
// reports, in one line, "ok" once it listens, "busy" when another
// supervisor holds the runtime directory's lock, or what failed; it then
// closes it.
const SupervisorReadyFD = 3

// SupervisorLockFile is the file in the runtime directory that a
// supervisor holds an exclusive flock(2) on while it runs; it holds "<pid>
// <start time>" of that supervisor.
const SupervisorLockFile = "supervisor.lock"

// supervisorIdle is how long a supervisor that no agent ever connected to
// waits before it exits.
const supervisorIdle = 10 * time.Second

// SocketName returns the abstract unix socket name ("@" and a hash of the
// runtime directory) on which the supervisor of runtimeDir listens. An
// abstract name has no 108-byte sun_path problem and no file to go stale;
// it is scoped to the network namespace, and the supervisor only accepts
// peers of its own uid (or root).
func SocketName(runtimeDir string) string {
	h := fnv.New128a()
	io.WriteString(h, runtimeDir)
	return "@mesoscope-supervisor-" + hex.EncodeToString(h.Sum(nil))
}

// supTask is a task the supervisor forked.
type supTask struct {
	key        string
	pid        int
	start      uint64
	statusPath string
	// sandbox is the task's MESOS_SANDBOX, which its descendants inherit:
	// how an orphan that left the task's session is traced back to it.
	sandbox string
	exited  bool
	status  int32
	orphans map[int]bool // killed orphans of the task not reaped yet
}

// supConn is an agent connection.
type supConn struct {
	fd int
}

// supEvent is what the acceptor and connection readers tell the main loop.
type supEvent struct {
	conn       *supConn
	msg        Message
	fds        []int
	eof        bool
	accepted   int  // a new connection's fd, when > 0
	acceptDone bool // the acceptor stopped
}

// supervisor is the state of the supervisor process, owned by its main
// loop.
type supervisor struct {
	stderr   io.Writer
	listenFD int
	devnull  int
	tasks    map[int]*supTask
	cleaning []*supTask
	// strays are killed orphans that could be traced to no task, until
	// reaped: no Exited goes out before they are gone, since they may be
	// the exiting task's (one caught mid-exec, its environment unreadable).
	strays  map[int]bool
	conns   map[*supConn]bool
	hadConn bool
	events  chan supEvent
}

// RunSupervisor is the supervisor's main; it returns the process exit code.
// One runs per runtime directory (per agent): it locks
// <runtimeDir>/supervisor.lock, listens on SocketName(runtimeDir), becomes
// a child subreaper and then, on the agent's requests, fork-execs tasks
// (each in its own session, into its cgroup when given one), writes each
// task's raw wait status to its status file when it exits, kills and reaps
// what is left of its session and tells the agent. It exits once it has
// neither a live task nor a connected agent.
func RunSupervisor(runtimeDir string, stderr io.Writer) int {
	ready := func(line string) {
		syscall.Write(SupervisorReadyFD, []byte(line+"\n"))
		syscall.Close(SupervisorReadyFD)
	}
	fail := func(msg string) int {
		say(stderr, "containerizer supervisor: "+msg)
		ready(msg)
		return 1
	}
	lock, err := openFile(runtimeDir+"/"+SupervisorLockFile, syscall.O_RDWR|syscall.O_CREAT, 0o600)
	if err != nil {
		return fail("open lock: " + err.Error())
	}
	if err := syscall.Flock(lock, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if err == syscall.EWOULDBLOCK {
			ready("busy")
			return 0
		}
		return fail("lock: " + err.Error())
	}
	self := os.Getpid()
	id := strconv.Itoa(self) + " " + strconv.FormatUint(startTime(self), 10)
	syscall.Ftruncate(lock, 0)
	syscall.Pwrite(lock, []byte(id), 0)
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, PRSetChildSubreaper, 1, 0); errno != 0 {
		return fail("prctl(PR_SET_CHILD_SUBREAPER): " + errno.Error())
	}
	lfd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return fail("socket: " + err.Error())
	}
	if err := syscall.Bind(lfd, &syscall.SockaddrUnix{Name: SocketName(runtimeDir)}); err != nil {
		return fail("bind: " + err.Error())
	}
	if err := syscall.Listen(lfd, 128); err != nil {
		return fail("listen: " + err.Error())
	}
	devnull, err := openFile(os.DevNull, syscall.O_RDONLY, 0)
	if err != nil {
		return fail("open /dev/null: " + err.Error())
	}
	chld := make(chan os.Signal, 1)
	signal.Notify(chld, syscall.SIGCHLD)
	s := &supervisor{
		stderr:   stderr,
		listenFD: lfd,
		devnull:  devnull,
		tasks:    map[int]*supTask{},
		conns:    map[*supConn]bool{},
		events:   make(chan supEvent, 64),
	}
	go s.accept()
	ready("ok")
	idle := time.NewTimer(supervisorIdle)
	idled := false
	for {
		select {
		case ev := <-s.events:
			s.handle(ev)
		case <-chld:
			s.reap()
		case <-idle.C:
			idled = true
		}
		if len(s.tasks) == 0 && len(s.conns) == 0 && (s.hadConn || idled) {
			s.shutdown()
			return 0
		}
	}
}

// shutdown stops accepting and closes connections that raced with it (their
// agents retry); the process then exits, releasing the lock.
func (s *supervisor) shutdown() {
	syscall.Shutdown(s.listenFD, syscall.SHUT_RDWR)
	for ev := range s.events {
		for _, fd := range ev.fds {
			syscall.Close(fd)
		}
		if ev.accepted > 0 {
			syscall.Close(ev.accepted)
		}
		if ev.acceptDone {
			return
		}
	}
}

// accept hands new connections of acceptable peers to the main loop.
func (s *supervisor) accept() {
	for {
		fd, _, err := syscall.Accept4(s.listenFD, syscall.SOCK_CLOEXEC)
		if err == syscall.EINTR || err == syscall.ECONNABORTED {
			continue
		}
		if err != nil {
			s.events <- supEvent{acceptDone: true}
			return
		}
		cred, err := syscall.GetsockoptUcred(fd, syscall.SOL_SOCKET, syscall.SO_PEERCRED)
		if err != nil || (cred.Uid != 0 && int(cred.Uid) != os.Getuid()) {
			syscall.Close(fd)
			continue
		}
		s.events <- supEvent{accepted: fd}
	}
}

// handle processes one event on the main loop.
func (s *supervisor) handle(ev supEvent) {
	switch {
	case ev.acceptDone:
		return
	case ev.accepted > 0:
		c := &supConn{fd: ev.accepted}
		s.conns[c] = true
		s.hadConn = true
		go s.read(c)
		return
	case ev.eof:
		if s.conns[ev.conn] {
			delete(s.conns, ev.conn)
			bye := Message{Type: MsgBye, Exiting: len(s.tasks) == 0 && len(s.conns) == 0}
			s.send(ev.conn, bye)
			syscall.Close(ev.conn.fd)
		}
		return
	}
	switch ev.msg.Type {
	case MsgHello:
		reply := Message{Type: MsgTasks}
		for _, t := range s.tasks {
			reply.Tasks = append(reply.Tasks, Task{Key: t.key, PID: t.pid, StartTime: t.start})
		}
		s.send(ev.conn, reply)
	case MsgLaunch:
		s.send(ev.conn, s.launch(ev.msg, ev.fds))
	}
	for _, fd := range ev.fds {
		syscall.Close(fd)
	}
}

// send writes msg to c; a connection that fails is dropped by its reader.
func (s *supervisor) send(c *supConn, msg Message) {
	b := AppendFrame(nil, msg)
	for len(b) > 0 {
		n, err := syscall.SendmsgN(c.fd, b, nil, nil, syscall.MSG_NOSIGNAL)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			syscall.Shutdown(c.fd, syscall.SHUT_RDWR)
			return
		}
		b = b[n:]
	}
}

// read decodes c's frames, with the descriptors that came along, for the
// main loop until the agent hangs up or sends garbage.
func (s *supervisor) read(c *supConn) {
	var buf []byte
	var fdq []int
	chunk := make([]byte, 64<<10)
	oob := make([]byte, syscall.CmsgSpace(4*4))
	for {
		n, oobn, _, _, err := syscall.Recvmsg(c.fd, chunk, oob, syscall.MSG_CMSG_CLOEXEC)
		if err == syscall.EINTR {
			continue
		}
		if oobn > 0 {
			if cms, err := syscall.ParseSocketControlMessage(oob[:oobn]); err == nil {
				for _, cm := range cms {
					if fds, err := syscall.ParseUnixRights(&cm); err == nil {
						fdq = append(fdq, fds...)
					}
				}
			}
		}
		if err != nil || n == 0 {
			break
		}
		buf = append(buf, chunk[:n]...)
		bad := false
		for {
			fl, err := FrameLen(buf)
			if err != nil {
				say(s.stderr, "containerizer supervisor: "+err.Error())
				bad = true
				break
			}
			if fl == 0 || fl > len(buf) {
				break
			}
			msg, err := DecodeMessage(buf[4:fl])
			buf = buf[fl:]
			if err == nil && (msg.Type == MsgLaunch && (!keyOK(msg.Key) || msg.NumFDs > len(fdq))) {
				err = errorString("launch " + strconv.Quote(msg.Key) + ": bad key or missing descriptors")
			}
			if err != nil {
				say(s.stderr, "containerizer supervisor: "+err.Error())
				bad = true
				break
			}
			var fds []int
			if msg.Type == MsgLaunch {
				fds, fdq = fdq[:msg.NumFDs:msg.NumFDs], fdq[msg.NumFDs:]
			}
			s.events <- supEvent{conn: c, msg: msg, fds: fds}
		}
		if bad {
			break
		}
	}
	for _, fd := range fdq {
		syscall.Close(fd)
	}
	s.events <- supEvent{conn: c, eof: true}
}

// errorString is a minimal error (errors is fine too, fmt is avoided).
type errorString string

func (e errorString) Error() string { return string(e) }

// launch fork-execs a task: stdin /dev/null, stdout and stderr the
// descriptors sent along, its own session, into the cgroup of the third
// descriptor if there is one (CLONE_INTO_CGROUP). An exec failure is
// reported like Mesos's launch helper does ("Failed to execute ..." on the
// task's stderr, exit status 1 in the status file) and in the reply.
func (s *supervisor) launch(msg Message, fds []int) Message {
	reply := Message{Type: MsgLaunched, Key: msg.Key}
	if len(fds) < 2 {
		reply.Err = "launch needs the stdout and stderr descriptors"
		return reply
	}
	for _, t := range s.tasks {
		if t.key == msg.Key {
			reply.Err = "container " + msg.Key + " already has a task (pid " + strconv.Itoa(t.pid) + ")"
			return reply
		}
	}
	info := msg.Info
	attr := &syscall.ProcAttr{
		Dir:   info.Dir,
		Env:   info.Env,
		Files: []uintptr{uintptr(s.devnull), uintptr(fds[0]), uintptr(fds[1])},
		Sys:   &syscall.SysProcAttr{Setsid: true},
	}
	if info.UID != nil && info.GID != nil {
		attr.Sys.Credential = &syscall.Credential{Uid: *info.UID, Gid: *info.GID, Groups: info.Groups}
	}
	if len(fds) > 2 {
		attr.Sys.UseCgroupFD = true
		attr.Sys.CgroupFD = fds[2]
	}
	pid, err := syscall.ForkExec(ResolvePath(info.Path, info.Dir, info.Env), info.Argv, attr)
	if err != nil {
		line := "Failed to execute '" + info.Path + "': " + err.Error() + "\n"
		syscall.Write(fds[1], []byte(line))
		writeStatusFile(info.StatusPath, exitStatus(1))
		reply.Err = line[:len(line)-1]
		return reply
	}
	t := &supTask{key: msg.Key, pid: pid, start: startTime(pid), statusPath: info.StatusPath, sandbox: sandboxOf(info.Env)}
	s.tasks[pid] = t
	reply.PID, reply.StartTime = pid, t.start
	return reply
}

// writeStatusFile checkpoints a raw wait status, as the shim does.
func writeStatusFile(path string, ws int32) {
	fd, err := openFile(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC, 0o600)
	if err != nil {
		return
	}
	syscall.Write(fd, strconv.AppendInt(nil, int64(ws), 10))
	syscall.Close(fd)
}

// reap collects every exited child. A task's exit is checkpointed at once,
// then its session is killed; its Exited message waits until everything
// of that session is reaped.
func (s *supervisor) reap() {
	for {
		var ws syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			break
		}
		for _, t := range s.cleaning {
			delete(t.orphans, pid)
		}
		delete(s.strays, pid)
		t := s.tasks[pid]
		if t == nil {
			// An orphan ended: its own children, if any, are orphans now.
			s.sweep()
			continue
		}
		if t.exited || !(ws.Exited() || ws.Signaled()) {
			continue
		}
		t.exited, t.status = true, int32(ws)
		writeStatusFile(t.statusPath, t.status)
		syscall.Kill(-pid, syscall.SIGKILL)
		s.sweep()
		s.cleaning = append(s.cleaning, t)
	}
	kept := s.cleaning[:0]
	for _, t := range s.cleaning {
		if len(t.orphans) == 0 && syscall.Kill(-t.pid, 0) == syscall.ESRCH {
			// The group is gone; orphans of the task in other groups or
			// sessions may have appeared since the last look.
			s.sweep()
		}
		if len(t.orphans) != 0 || len(s.strays) != 0 || syscall.Kill(-t.pid, 0) != syscall.ESRCH {
			kept = append(kept, t)
			continue
		}
		delete(s.tasks, t.pid)
		exited := Message{Type: MsgExited, Key: t.key, PID: t.pid, Status: t.status}
		for c := range s.conns {
			s.send(c, exited)
		}
	}
	for i := len(kept); i < len(s.cleaning); i++ {
		s.cleaning[i] = nil
	}
	s.cleaning = kept
}

// sweep SIGKILLs, with their descendants, the supervisor's children that
// are not tasks (orphans re-parented to it, the subreaper) unless they
// belong to a task still running, and remembers them in their task until
// they are reaped. An orphan belongs to the task whose session it is in,
// or, once it has left that session (setsid), to the task whose
// MESOS_SANDBOX its environment names; an orphan that can be traced to no
// task is killed too: it was left behind by a task that has ended (every
// orphan of a running task's tree in its session is found by the first
// rule; one that left the session and cleared its environment is the
// only kind this can take for a stray and kill early).
func (s *supervisor) sweep() {
	for _, pid := range s.children() {
		if s.tasks[pid] != nil {
			continue
		}
		owner := s.ownerOf(pid)
		if owner != nil && !owner.exited {
			continue
		}
		killTree(pid)
		switch {
		case owner != nil:
			if owner.orphans == nil {
				owner.orphans = map[int]bool{}
			}
			owner.orphans[pid] = true
		default:
			if s.strays == nil {
				s.strays = map[int]bool{}
			}
			s.strays[pid] = true
		}
	}
}

// ownerOf finds the task an orphan comes from, or nil.
func (s *supervisor) ownerOf(pid int) *supTask {
	proc := "/proc/" + strconv.Itoa(pid)
	if b, err := os.ReadFile(proc + "/stat"); err == nil {
		if _, sid, err := parseStatIDs(b); err == nil {
			if t := s.tasks[sid]; t != nil {
				return t
			}
		}
	}
	env, err := os.ReadFile(proc + "/environ")
	if err != nil {
		return nil
	}
	sandbox := sandboxOf(strings.Split(string(env), "\x00"))
	if sandbox == "" {
		return nil
	}
	for _, t := range s.tasks {
		if t.sandbox == sandbox {
			return t
		}
	}
	return nil
}

// sandboxOf returns the value of MESOS_SANDBOX in an environment.
func sandboxOf(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "MESOS_SANDBOX="); ok {
			return v
		}
	}
	return ""
}

// children lists the supervisor's children from /proc/self/task/*/
// children, or, without those files, by scanning /proc for its ppid.
func (s *supervisor) children() []int {
	self := os.Getpid()
	d, err := os.Open("/proc/self/task")
	if err == nil {
		names, err := d.Readdirnames(-1)
		d.Close()
		if err == nil {
			var out []int
			ok := true
			for _, n := range names {
				b, err := os.ReadFile("/proc/self/task/" + n + "/children")
				if err != nil {
					ok = false
					break
				}
				out = appendPids(out, b)
			}
			if ok {
				return out
			}
		}
	}
	return leftovers(self)
}

// killTree SIGKILLs pid and its descendants (stopping it first, so it
// cannot fork while its children are listed).
func killTree(pid int) {
	syscall.Kill(pid, syscall.SIGSTOP)
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(pid) + "/children"); err == nil {
		for _, c := range appendPids(nil, b) {
			killTree(c)
		}
	}
	syscall.Kill(pid, syscall.SIGKILL)
}

// appendPids appends the space-separated pids of a children file.
func appendPids(out []int, b []byte) []int {
	n, in := 0, false
	for _, c := range b {
		if c >= '0' && c <= '9' {
			n = n*10 + int(c-'0')
			in = true
			continue
		}
		if in {
			out = append(out, n)
		}
		n, in = 0, false
	}
	if in {
		out = append(out, n)
	}
	return out
}

// startTime is field 22 of /proc/<pid>/stat (0 if unreadable).
func startTime(pid int) uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	v, _ := parseStatStartTime(b)
	return v
}
