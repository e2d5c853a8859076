package netns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"syscall"
)

// DialContext connects to addr from inside the namespace (see Do): the
// connection then works from any goroutine, since a socket keeps the
// namespace it was created in. Use it as an http.Transport's DialContext.
// addr must be an IP literal: a name would be resolved by goroutines
// outside the namespace.
func (n *Namespace) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	var c net.Conn
	err := n.Do(func() error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, network, addr)
		return err
	})
	if err != nil {
		if c != nil {
			c.Close()
		}
		return nil, fmt.Errorf("netns: dial %s %s in %s: %w", network, addr, n.Name, err)
	}
	return c, nil
}

// Listen opens a listener inside the namespace (see Do).
func (n *Namespace) Listen(ctx context.Context, network, addr string) (net.Listener, error) {
	var ln net.Listener
	err := n.Do(func() error {
		var lc net.ListenConfig
		var err error
		ln, err = lc.Listen(ctx, network, addr)
		return err
	})
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, fmt.Errorf("netns: listen %s %s in %s: %w", network, addr, n.Name, err)
	}
	return ln, nil
}

// Do runs f on an OS thread that setns(2) has moved into the namespace,
// and moves the thread back before releasing it. Sockets f creates belong to
// the namespace; f must create them itself, not in goroutines it starts.
// Do blocks until f returns.
func (n *Namespace) Do(f func() error) error {
	done := make(chan error, 1)
	go func() {
		// A thread left in the namespace must not run other goroutines:
		// if switching back fails, the goroutine exits still locked and
		// the runtime ends the thread.
		runtime.LockOSThread()
		restored, err := n.doLocked(f)
		if restored {
			runtime.UnlockOSThread()
		}
		done <- err
	}()
	return <-done
}

// doLocked runs on a locked thread: it saves the thread's namespace,
// enters n, runs f and switches back. restored reports whether the thread
// is back in its own namespace.
func (n *Namespace) doLocked(f func() error) (restored bool, err error) {
	self, err := os.Open("/proc/self/task/" + strconv.Itoa(syscall.Gettid()) + "/ns/net")
	if err != nil {
		return true, err
	}
	defer self.Close()
	target, err := os.Open(n.Path())
	if err != nil {
		return true, err
	}
	defer target.Close()
	if err := setns(target); err != nil {
		return true, fmt.Errorf("setns %s: %w", n.Path(), err)
	}
	err = f()
	if rerr := setns(self); rerr != nil {
		return false, errors.Join(err, fmt.Errorf("setns back: %w", rerr))
	}
	return true, err
}

// setns moves the calling thread into the network namespace of f
// (setns(fd, CLONE_NEWNET); syscall has the number but no wrapper).
func setns(f *os.File) error {
	_, _, errno := syscall.RawSyscall(sysSetns, f.Fd(), syscall.CLONE_NEWNET, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
