package containerizer

import (
	"errors"
	"fmt"
	"sync"
	"syscall"
)

// sysPidfdOpen is pidfd_open(2) (Linux 5.3+), not in package syscall.
const sysPidfdOpen = 434

// pidfdOpen returns a pidfd for pid, which need not be our child.
func pidfdOpen(pid int) (int, error) {
	fd, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(pid), 0, 0)
	if errno != 0 {
		return -1, fmt.Errorf("pidfd_open %d: %w", pid, errno)
	}
	syscall.CloseOnExec(int(fd))
	return int(fd), nil
}

// exitFunc learns that a watched process exited. reaped says whether ws is
// its real wait status (only for our own children).
type exitFunc func(ws syscall.WaitStatus, reaped bool)

type reapWatch struct {
	pid   int
	pidfd int
	child bool
	fn    exitFunc
}

// reaper waits for container init processes to exit. One goroutine waits on
// an epoll set of pidfds, so the cost per container is a file descriptor,
// not a goroutine, and close can stop it at any time. It models libprocess's
// process::reap (3rdparty/libprocess/src/reap.cpp), which polls waitpid
// instead; unlike waitpid, a pidfd also works for processes that are not our
// children, which is what recovery after an agent restart needs.
type reaper struct {
	epfd         int
	wakeR, wakeW int

	mu      sync.Mutex
	watches map[int]*reapWatch // by pidfd
	closed  bool

	done chan struct{}
}

func newReaper() (*reaper, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("containerizer: reaper: epoll_create1: %w", err)
	}
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		syscall.Close(epfd)
		return nil, fmt.Errorf("containerizer: reaper: pipe2: %w", err)
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(p[0])}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, p[0], &ev); err != nil {
		syscall.Close(epfd)
		syscall.Close(p[0])
		syscall.Close(p[1])
		return nil, fmt.Errorf("containerizer: reaper: epoll_ctl: %w", err)
	}
	r := &reaper{epfd: epfd, wakeR: p[0], wakeW: p[1], watches: map[int]*reapWatch{}, done: make(chan struct{})}
	go r.run()
	return r, nil
}

// watch calls fn on the reaper goroutine once pid exits. The reaper takes
// ownership of pidfd. child says pid is our child, which the reaper then
// reaps with wait4.
func (r *reaper) watch(pid, pidfd int, child bool, fn exitFunc) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		syscall.Close(pidfd)
		return errors.New("containerizer: reaper: closed")
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(pidfd)}
	if err := syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_ADD, pidfd, &ev); err != nil {
		syscall.Close(pidfd)
		return fmt.Errorf("containerizer: reaper: watch pid %d: %w", pid, err)
	}
	r.watches[pidfd] = &reapWatch{pid: pid, pidfd: pidfd, child: child, fn: fn}
	return nil
}

func (r *reaper) run() {
	defer close(r.done)
	events := make([]syscall.EpollEvent, 64)
	for {
		n, err := syscall.EpollWait(r.epfd, events, -1)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return
		}
		var fired []*reapWatch
		r.mu.Lock()
		for _, ev := range events[:n] {
			fd := int(ev.Fd)
			if fd == r.wakeR {
				if r.closed {
					r.mu.Unlock()
					return
				}
				continue
			}
			w := r.watches[fd]
			if w == nil {
				continue
			}
			delete(r.watches, fd)
			syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_DEL, fd, nil)
			fired = append(fired, w)
		}
		r.mu.Unlock()
		for _, w := range fired {
			var ws syscall.WaitStatus
			reaped := false
			if w.child {
				for {
					pid, err := syscall.Wait4(w.pid, &ws, syscall.WNOHANG, nil)
					if errors.Is(err, syscall.EINTR) {
						continue
					}
					reaped = err == nil && pid == w.pid
					break
				}
			}
			syscall.Close(w.pidfd)
			w.fn(ws, reaped)
		}
	}
}

// close stops the reaper goroutine and waits for it; watched processes keep
// running and their pidfds are closed. Idempotent.
func (r *reaper) close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		syscall.Write(r.wakeW, []byte{1})
	}
	r.mu.Unlock()
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	for fd := range r.watches {
		syscall.Close(fd)
	}
	r.watches = map[int]*reapWatch{}
	if r.epfd >= 0 {
		syscall.Close(r.epfd)
		syscall.Close(r.wakeR)
		syscall.Close(r.wakeW)
		r.epfd = -1
	}
}
