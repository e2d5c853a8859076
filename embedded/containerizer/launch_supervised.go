package containerizer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// launchSupervised is the rest of a launch with the supervisor launcher,
// from PREPARING on: there is no process before RUNNING, so ISOLATING only
// starts the isolators' watches, FETCHING fetches, and exec() asks the
// supervisor to fork-exec the task (into its cgroup when the cgroups
// isolator is active), checkpoints the task's pid, gives it to the
// isolators and enters RUNNING.
func (m *Mesos) launchSupervised(ctx context.Context, ct *container, info launchInfo, usr string, stdout, stderr *os.File) error {
	id := ct.id
	runtime := m.lay.runtimePath(id)
	if err := os.WriteFile(filepath.Join(runtime, supervisedFile), nil, 0o644); err != nil {
		return fmt.Errorf("failed to checkpoint the supervised marker: %w", err)
	}
	m.mu.Lock()
	ct.supervised = true
	m.mu.Unlock()

	// isolate(): no pid yet; the isolators get it once the task exists.
	if err := m.advance(ct, Preparing, Isolating); err != nil {
		return err
	}
	for _, iso := range m.isolators {
		if id.HasParent() && !iso.SupportsNesting() {
			continue
		}
		iso.Watch(id, m.limited(ct))
	}

	if err := m.fetch(ctx, ct, usr, stderr); err != nil {
		return err
	}
	// exec(): the supervisor forks the task now.
	m.mu.Unlock()
	fds := []int{int(stdout.Fd()), int(stderr.Fd())}
	var cgroupIso Isolator
	if !id.HasParent() {
		for _, iso := range m.isolators {
			if c, ok := iso.(*cgroupsIsolator); ok {
				fd, err := c.openDir(id)
				if err != nil {
					return fmt.Errorf("isolator %s: isolate: %w", iso.Name(), err)
				}
				if fd >= 0 {
					defer syscall.Close(fd)
					fds = append(fds, fd)
					cgroupIso = iso
				}
				break
			}
		}
	}
	reply, err := m.sup.launch(ct.key, info, fds)
	if err != nil {
		return fmt.Errorf("failed to fork: %w", err)
	}
	m.mu.Lock()
	ct.running = true
	ct.exited = make(chan struct{})
	if reply.PID > 0 {
		ct.pid, ct.startTime = reply.PID, reply.StartTime
		if fd, err := pidfdOpen(reply.PID); err == nil {
			ct.sigfd = fd
		}
	}
	m.mu.Unlock()
	if reply.PID == 0 {
		// The exec failed: like the shim, report RUNNING and then the
		// task's exit (status 1, checkpointed by the supervisor).
		m.mu.Lock()
		var err error
		if ct.state != Fetching {
			err = errors.New("container is being destroyed during fetching")
		} else {
			err = m.transitionLocked(ct, Running)
		}
		m.mu.Unlock()
		m.flush()
		m.onExit(ct)(0, false)
		return err
	}
	// From here on the task's exit must be watched even if a step fails
	// (the destroy waits for it), but only once the container is RUNNING:
	// a task that exits at once must not fail its own launch.
	defer m.sup.watchExit(ct.key, reply.PID, m.onSupervisedExit(ct))

	if err := m.checkpointPID(ct, runtime, reply.PID, reply.StartTime); err != nil {
		return err
	}
	for _, iso := range m.isolators {
		if (id.HasParent() && !iso.SupportsNesting()) || iso == cgroupIso {
			continue
		}
		var err error
		if p, ok := iso.(*posixIsolator); ok {
			err = p.isolateTask(id, reply.PID)
		} else {
			err = iso.Isolate(ctx, id, reply.PID)
		}
		if err != nil {
			return fmt.Errorf("isolator %s: isolate: %w", iso.Name(), err)
		}
	}
	m.mu.Lock()
	if ct.state != Fetching {
		m.mu.Unlock()
		return errors.New("container is being destroyed during fetching")
	}
	err = m.transitionLocked(ct, Running)
	m.mu.Unlock()
	m.flush()
	return err
}

// onSupervisedExit is the supervisor's exit callback for ct's task. A lost
// supervisor leaves the task unwatched: it is then watched through a pidfd
// and destroyed, and its termination has no status unless the supervisor
// wrote one before it went.
func (m *Mesos) onSupervisedExit(ct *container) func(int32, bool) {
	return func(status int32, lost bool) {
		if !lost {
			m.onExit(ct)(syscall.WaitStatus(status), true)
			return
		}
		m.mu.Lock()
		ct.lost = true
		pid, start := ct.pid, ct.startTime
		m.mu.Unlock()
		if !m.watchUnsupervised(ct, pid, start) {
			m.onExit(ct)(0, false)
			return
		}
		m.mu.Lock()
		if m.tab.containers[ct.key] == ct {
			m.startDestroyLocked(ct, &Termination{Message: "the launch supervisor exited"}, false)
		}
		m.mu.Unlock()
		m.flush()
	}
}

// watchUnsupervised watches a supervised task whose supervisor is gone
// through a pidfd; false when the task is gone too.
func (m *Mesos) watchUnsupervised(ct *container, pid int, start uint64) bool {
	st, err := readStat(pid)
	if err != nil || st.StartTime != start {
		return false
	}
	fd, err := pidfdOpen(pid)
	if err != nil {
		return false
	}
	return m.reaper.watch(pid, fd, st.PPID == os.Getpid(), m.onExit(ct)) == nil
}

// signalTask signals a supervised task's process group (the task leads
// its own session and group), unless the task was reaped already: the
// pidfd check keeps a recycled pid from being hit. With SIGKILL, the
// task's descendants in other groups get it too; the supervisor kills the
// rest of the session once the task is gone.
func (m *Mesos) signalTask(ct *container, sig syscall.Signal) error {
	var desc []int
	if sig == syscall.SIGKILL {
		m.mu.Lock()
		pid := ct.pid
		m.mu.Unlock()
		if pid > 0 {
			desc, _ = procDescendants(pid) // outside the lock: /proc reads
		}
	}
	// The lock keeps sigfd open (runDestroy closes it under the lock).
	m.mu.Lock()
	defer m.mu.Unlock()
	if ct.exited != nil {
		select {
		case <-ct.exited:
			return nil
		default:
		}
	}
	if ct.pid <= 0 || ct.sigfd < 0 || pidfdSignal(ct.sigfd, 0) != nil {
		return nil
	}
	err := syscall.Kill(-ct.pid, sig)
	if err != nil && err != syscall.ESRCH {
		return err
	}
	for _, p := range desc {
		syscall.Kill(p, syscall.SIGKILL)
	}
	return nil
}

// killLostSession does for a task whose supervisor is gone what the
// supervisor would have done once it exited: SIGKILL what is left of its
// session, and reap those that were orphaned to this process (a subreaper).
func killLostSession(sid int) {
	procs, err := listProcs()
	if err != nil {
		return
	}
	self := os.Getpid()
	for _, p := range procs {
		if p.Session != sid || p.PID == sid {
			continue
		}
		syscall.Kill(p.PID, syscall.SIGKILL)
		if p.PPID == self {
			for {
				if _, err := syscall.Wait4(p.PID, nil, 0, nil); err != syscall.EINTR {
					break
				}
			}
		}
	}
}
