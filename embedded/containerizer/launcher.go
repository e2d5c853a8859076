package containerizer

import (
	"fmt"
	"os"
	"syscall"

	"github.com/mesoscope/mesoscope/embedded/containerizer/shim"
)

// sysPidfdSendSignal is pidfd_send_signal(2) (Linux 5.1+).
const sysPidfdSendSignal = 424

// forked is a shim started by forkShim, blocked on its go pipe.
type forked struct {
	pid       int
	pidfd     int      // handed to the reaper
	sigfd     int      // a second pidfd, kept to signal the shim race-free
	pipe      *os.File // write end of the go pipe
	ready     *os.File // read end of the ready pipe: EOF once the shim handles signals
	startTime uint64
}

// forkShim starts the launch shim in its own session (setsid), the posix
// launcher's SubprocessLauncher::fork with its "one session per container"
// rule, with stdin (/dev/null), stdout and stderr the sandbox files, the
// read end of the go pipe as fd 3 and the write end of the ready pipe as 4.
func forkShim(argv []string, info launchInfo, stdin, stdout, stderr *os.File) (forked, error) {
	spec := shim.Encode(info)
	r, w, err := os.Pipe()
	if err != nil {
		return forked{}, err
	}
	defer r.Close()
	rr, rw, err := os.Pipe()
	if err != nil {
		w.Close()
		return forked{}, err
	}
	defer rw.Close()
	fail := func() {
		w.Close()
		rr.Close()
	}
	pidfd := -1
	attr := &syscall.ProcAttr{
		// One P is plenty for a process that mostly sleeps in wait4, and keeps
		// a thousand idle shims from holding a thousand thread pools.
		Env:   []string{ShimEnv + "=" + spec, "GOMAXPROCS=1"},
		Files: []uintptr{stdin.Fd(), stdout.Fd(), stderr.Fd(), r.Fd(), rw.Fd()},
		Sys:   &syscall.SysProcAttr{Setsid: true, PidFD: &pidfd},
	}
	pid, err := syscall.ForkExec(argv[0], argv, attr)
	if err != nil {
		fail()
		return forked{}, fmt.Errorf("fork shim %q: %w", argv[0], err)
	}
	f := forked{pid: pid, pidfd: pidfd, sigfd: -1, pipe: w, ready: rr}
	if pidfd < 0 {
		if f.pidfd, err = pidfdOpen(pid); err != nil {
			fail()
			syscall.Kill(pid, syscall.SIGKILL)
			syscall.Wait4(pid, nil, 0, nil)
			return forked{}, err
		}
	}
	if f.sigfd, err = dupCloexec(f.pidfd); err != nil {
		fail()
		syscall.Kill(pid, syscall.SIGKILL)
		syscall.Wait4(pid, nil, 0, nil)
		syscall.Close(f.pidfd)
		return forked{}, err
	}
	if st, err := readStat(pid); err == nil {
		f.startTime = st.StartTime
	}
	return f, nil
}

func dupCloexec(fd int) (int, error) {
	nfd, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
	if errno != 0 {
		return -1, fmt.Errorf("dup pidfd: %w", errno)
	}
	return int(nfd), nil
}

// pidfdSignal sends sig to the process behind a pidfd; unlike kill(2) it
// cannot hit a recycled pid.
func pidfdSignal(fd int, sig syscall.Signal) error {
	_, _, errno := syscall.Syscall6(sysPidfdSendSignal, uintptr(fd), uintptr(sig), 0, 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// killSession sends SIGKILL to every process in session sid except its
// leader (the shim, which then reaps them and checkpoints the task's
// status) and returns how many it signalled. It is the escalation step of
// a destroy, like os::killtree(pid, SIGKILL, groups, sessions). The
// container's processes are the shim's descendants (it is their subreaper),
// so they are found by walking the tree from the shim through
// /proc/<pid>/task/<tid>/children, a few reads per container instead of a
// scan of every process on the machine (which a thousand concurrent destroys
// made quadratic); without those files it scans /proc for the session.
func killSession(sid int) int {
	if pids, ok := procDescendants(sid); ok {
		n := 0
		for _, pid := range pids {
			if syscall.Kill(pid, syscall.SIGKILL) == nil {
				n++
			}
		}
		return n
	}
	procs, err := listProcs()
	if err != nil {
		return 0
	}
	n := 0
	for _, p := range procs {
		if p.Session == sid && p.PID != sid {
			if syscall.Kill(p.PID, syscall.SIGKILL) == nil {
				n++
			}
		}
	}
	return n
}
