package shim

import (
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

// Env names the environment variable that turns a process into the launch
// shim; its value is the LaunchInfo in Encode's format.
const Env = "MESOSCOPE_CONTAINERIZER_SHIM"

// PipeFD is the descriptor on which the shim waits for the go byte; ReadyFD
// is the write end of the ready pipe, which the shim closes once its signal
// handlers are installed, so the agent never signals a shim that would
// still die of the default action.
const (
	PipeFD  = 3
	ReadyFD = 4
)

// PRSetChildSubreaper is PR_SET_CHILD_SUBREAPER from <linux/prctl.h>.
const PRSetChildSubreaper = 36

// LaunchInfo is what the containerizer tells the shim: the command and how
// to run it (the tags name its fields as Mesos's JSON would). It plays the part of the ContainerLaunchInfo that Mesos passes
// to `mesos-containerizer launch` (src/slave/containerizer/mesos/launch.cpp).
type LaunchInfo struct {
	// Path is the executable and Argv its complete argv (argv[0] included).
	Path string   `json:"path"`
	Argv []string `json:"argv"`
	// Env is the complete environment of the task, "K=V" strings.
	Env []string `json:"env"`
	// Dir is the working directory: the sandbox.
	Dir string `json:"dir"`
	// StatusPath is where the shim checkpoints the task's raw wait status.
	StatusPath string `json:"status_path"`
	// UnstartedPath, when set, is a file the shim creates when it exits
	// without having started the task (the go byte never came): its status
	// is then not a status of the task.
	UnstartedPath string `json:"unstarted_path,omitempty"`
	// UID, GID and Groups switch the task's user when set.
	UID    *uint32  `json:"uid,omitempty"`
	GID    *uint32  `json:"gid,omitempty"`
	Groups []uint32 `json:"groups,omitempty"`
}

// RunIfRequested runs the shim and exits the process when Env is set;
// otherwise it returns immediately.
//
// The shim runs on a goroutine of its own, not on the calling one: called
// from a package's init (init.go), the caller is the main goroutine, which
// the runtime locks to the main thread until every init has run, and a
// locked goroutine costs a hand-over between threads each time it blocks
// and wakes (the P must move to its thread). The shim blocks and wakes at
// every step (go byte, signal, task exit), so this halves the thread
// switches of a destroy. The caller blocks until the shim exits the process.
//
// With SupervisorEnv set instead, the process becomes the agent's launch
// supervisor (RunSupervisor) the same way.
func RunIfRequested() {
	if v, ok := os.LookupEnv(Env); ok {
		go func() { os.Exit(Run(v, os.Stderr)) }()
		select {}
	}
	if v, ok := os.LookupEnv(SupervisorEnv); ok {
		go func() { os.Exit(RunSupervisor(v, os.Stderr)) }()
		select {}
	}
}

// exitStatus builds the raw status W_EXITCODE(code, 0).
func exitStatus(code int) int32 { return int32((code & 0xff) << 8) }

// signalStatus builds the raw status W_EXITCODE(0, sig).
func signalStatus(sig syscall.Signal) int32 { return int32(sig) & 0x7f }

// shimForwardedSignals are the signals the shim relays to the task's process
// group, as the Mesos launch helper relays every signal but SIGCHLD
// (launch.cpp installSignalHandlers). SIGURG is left to the Go runtime.
func forwardedSignals() []os.Signal {
	return []os.Signal{
		syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGWINCH,
		syscall.SIGCONT, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU,
	}
}

// Run is the shim's main; it returns the process exit code. The containerizer forks it (in its own
// session) during PREPARING; it then:
//
//  1. opens the status file and becomes a child subreaper, so every orphan
//     of the task is re-parented to it rather than to init;
//  2. blocks reading one byte from fd 3 — the containerizer writes it in
//     exec() (FETCHING → RUNNING); EOF means the agent gave up (or died)
//     before that, and the shim exits with status 1 like Mesos's helper;
//  3. fork-execs the task in a new process group, relaying signals it
//     receives to that group;
//  4. when the task exits, writes its raw wait status to the status file
//     (which is how a restarted agent learns the true exit status of a
//     process it cannot wait for), kills whatever is left of the container
//     (the task's group, the session, its own children) and reaps it all,
//     then exits 0.
func Run(spec string, stderr io.Writer) int {
	info, err := Decode(spec)
	if err != nil {
		say(stderr, "containerizer shim: "+err.Error())
		return 1
	}
	// Raw descriptors rather than *os.File: nothing here needs the poller,
	// and the shim's start-up is paid once per container.
	status, err := openFile(info.StatusPath, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC, 0o600)
	if err != nil {
		say(stderr, "containerizer shim: open status file: "+err.Error())
		return 1
	}
	writeStatus := func(ws int32) {
		syscall.Write(status, strconv.AppendInt(nil, int64(ws), 10))
		syscall.Close(status)
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, PRSetChildSubreaper, 1, 0); errno != 0 {
		say(stderr, "containerizer shim: prctl(PR_SET_CHILD_SUBREAPER): "+errno.Error())
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, forwardedSignals()...)

	syscall.Close(ReadyFD)

	// Wait for the go byte. Signals that arrive meanwhile are queued and
	// relayed once the task runs; EOF means the agent gave up (or died)
	// before exec, and then a queued signal becomes the status, as with
	// launch.cpp's exitWithSignal.
	err = readGoByte(PipeFD)
	syscall.Close(PipeFD)
	if err != nil {
		if info.UnstartedPath != "" {
			if fd, err := openFile(info.UnstartedPath, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC, 0o644); err == nil {
				syscall.Close(fd)
			}
		}
		select {
		case sig := <-sigs:
			writeStatus(signalStatus(sig.(syscall.Signal)))
		default:
			say(stderr, "containerizer shim: failed to synchronize with agent (it's probably exited): "+err.Error())
			writeStatus(exitStatus(1))
		}
		return 1
	}

	attr := &syscall.ProcAttr{
		Dir:   info.Dir,
		Env:   info.Env,
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	}
	if info.UID != nil && info.GID != nil {
		attr.Sys.Credential = &syscall.Credential{Uid: *info.UID, Gid: *info.GID, Groups: info.Groups}
	}
	child, err := syscall.ForkExec(ResolvePath(info.Path, info.Dir, info.Env), info.Argv, attr)
	if err != nil {
		say(stderr, "Failed to execute '"+info.Path+"': "+err.Error())
		writeStatus(exitStatus(1))
		return 0
	}

	// Reap in a goroutine so signals can be relayed meanwhile.
	reaped := make(chan syscall.WaitStatus, 1)
	go func() {
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &ws, 0, nil)
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				reaped <- syscall.WaitStatus(signalStatus(syscall.SIGKILL))
				return
			}
			if pid == child && (ws.Exited() || ws.Signaled()) {
				reaped <- ws
				return
			}
		}
	}()
	var ws syscall.WaitStatus
loop:
	for {
		select {
		case sig := <-sigs:
			syscall.Kill(-child, sig.(syscall.Signal))
		case ws = <-reaped:
			break loop
		}
	}
	// No signal.Stop: signals that arrive from now on stay queued in sigs
	// and are dropped at exit, where Stop would restore their default
	// action (a SIGTERM would kill the shim before it reaped the rest) and
	// costs a round trip to the runtime's signal thread per signal.
	writeStatus(int32(ws))
	cleanup(child)
	return 0
}

// say writes one line of diagnostics (fmt is left out of the shim).
func say(w io.Writer, msg string) { io.WriteString(w, msg+"\n") }

// openFile is open(2) with O_CLOEXEC, retried on EINTR.
func openFile(path string, flags int, perm uint32) (int, error) {
	for {
		fd, err := syscall.Open(path, flags|syscall.O_CLOEXEC, perm)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// readGoByte blocks until one byte arrives on fd; EOF is an error.
func readGoByte(fd int) error {
	var b [1]byte
	for {
		n, err := syscall.Read(fd, b[:])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return err
		case n == 0:
			return io.ErrUnexpectedEOF
		}
		return nil
	}
}

// cleanup kills and reaps everything the task left behind, as the
// posix launcher's destroy kills the whole session (os::killtree with
// groups and sessions) once the executor is gone.
func cleanup(child int) {
	syscall.Kill(-child, syscall.SIGKILL)
	self := os.Getpid()
	for {
		// Reap whatever already exited.
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if err == syscall.EINTR {
				continue
			}
			if err == syscall.ECHILD {
				return
			}
			if err != nil || pid == 0 {
				break
			}
		}
		killed := 0
		for _, pid := range leftovers(self) {
			syscall.Kill(pid, syscall.SIGKILL)
			killed++
		}
		if killed == 0 {
			// Children exist but none is visible yet; block for one.
			syscall.Wait4(-1, nil, 0, nil)
			continue
		}
		if _, err := syscall.Wait4(-1, nil, 0, nil); err == syscall.ECHILD {
			return
		}
	}
}
