package containerizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// startDestroyLocked begins destroying ct (MesosContainerizerProcess::
// destroy): it moves to DESTROYING from whatever state it is in, records why
// (term, nil when the process simply exited or the agent asked), aborts an
// in-flight launch, destroys the children first and hands the rest to a
// destroyer goroutine. A container already DESTROYING is left alone.
// graceful asks for SIGTERM and the kill grace period before SIGKILL.
func (m *Mesos) startDestroyLocked(ct *container, term *Termination, graceful bool) {
	if ct.state == Destroying {
		return
	}
	prev := ct.state
	m.transitionLocked(ct, Destroying)
	m.log.Info("Destroying container", "container", ct.key, "state", prev.String())
	if term != nil && ct.termination == nil {
		t := *term
		ct.termination = &t
	}
	ct.graceful = graceful && prev == Running
	if ct.launchCancel != nil {
		ct.launchCancel()
	}
	children := childrenOf(ct)
	for _, ch := range children {
		m.startDestroyLocked(ch, term, graceful)
	}
	m.goLocked(func() { m.runDestroy(ct, children) })
}

// runDestroy is _destroy … ______destroy: wait for the children and for the
// launch to stand still, kill the processes (launcher->destroy), wait for
// the shim, collect the status, clean up the isolators, then checkpoint or
// remove the runtime directory and forget the container.
func (m *Mesos) runDestroy(ct *container, children []*container) {
	for _, ch := range children {
		select {
		case <-ch.destroyed:
		case <-m.quit:
			return
		}
	}
	m.mu.Lock()
	launchDone := ct.launchDone
	m.mu.Unlock()
	if launchDone != nil {
		select {
		case <-launchDone:
		case <-m.quit:
			return
		}
	}

	m.mu.Lock()
	pid, exited, pipe, running, graceful := ct.pid, ct.exited, ct.pipe, ct.running, ct.graceful
	supervised := ct.supervised
	ct.pipe = nil
	grace := ct.config.gracePeriod(m.grace)
	m.mu.Unlock()
	if pipe != nil {
		// The shim was never released: closing the pipe makes it exit.
		pipe.Close()
	}
	if supervised {
		if pid != 0 && !m.killSupervised(ct, exited, graceful, grace) {
			return
		}
		m.mu.Lock()
		lost := ct.lost
		m.mu.Unlock()
		if lost && pid != 0 {
			killLostSession(pid)
		}
	} else if pid != 0 {
		var timers []Timer
		select {
		case <-exited:
		default:
			switch {
			case !running:
				timers = append(timers, m.after(shimExitBackstop, func() { m.signalShim(ct, syscall.SIGKILL) }))
			case graceful && grace > 0:
				m.signalShim(ct, syscall.SIGTERM)
				timers = append(timers, m.after(grace, func() { m.escalate(ct) }))
			default:
				m.escalate(ct)
			}
		}
		select {
		case <-exited:
		case <-m.quit:
			stopAll(timers)
			m.stopEscalation(ct)
			return
		}
		stopAll(timers)
		m.stopEscalation(ct)
	}

	var status *int32
	if pid != 0 || (supervised && running) {
		status = m.readStatus(ct)
	}
	ctx := context.Background()
	for i := len(m.isolators) - 1; i >= 0; i-- {
		iso := m.isolators[i]
		if ct.id.HasParent() && !iso.SupportsNesting() {
			continue
		}
		if err := iso.Cleanup(ctx, ct.id); err != nil {
			m.log.Warn("Failed to clean up an isolator when destroying container", "container", ct.key, "isolator", iso.Name(), "err", err)
		}
	}

	m.mu.Lock()
	var term Termination
	if ct.termination != nil {
		term = *ct.termination
	}
	m.mu.Unlock()
	term.Status = status

	runtime := m.lay.runtimePath(ct.id)
	if ct.id.HasParent() {
		if b, err := json.Marshal(term); err == nil {
			if err := checkpoint(filepath.Join(runtime, terminationFile), b); err != nil {
				m.log.Error("Failed to checkpoint nested container's termination state", "container", ct.key, "err", err)
			}
		}
	} else {
		m.checkpointRunTermination(ct, term)
		if err := removeRuntimeDir(runtime); err != nil {
			m.log.Warn("Failed to remove the runtime directory", "container", ct.key, "err", err)
		}
	}

	if !ct.id.HasParent() && ct.directory != "" {
		m.gc.scheduleByMtime(ct.directory)
		if ct.config.FrameworkID != "" {
			m.gc.scheduleByMtime(filepath.Dir(filepath.Dir(m.lay.forkedPidPath(ct.config.FrameworkID, ct.config.ExecutorID, ct.id))))
		}
	}

	m.mu.Lock()
	if ct.sigfd >= 0 {
		syscall.Close(ct.sigfd)
		ct.sigfd = -1
	}
	if ct.ready != nil {
		ct.ready.Close()
		ct.ready = nil
	}
	snap := ct.snapshotLocked()
	m.tab.remove(ct)
	ct.final = term
	m.recordCompletedLocked(ct.key, term)
	snap.Completed, snap.Termination = true, &term
	m.finished[ct.key] = snap
	m.events = append(m.events, event{id: ct.id.clone(), term: term})
	m.mu.Unlock()
	// Deliver every event of this container (its DESTROYING transition may
	// still be in another goroutine's flush) before waiters wake up.
	m.flush()
	close(ct.destroyed)

}

func stopAll(ts []Timer) {
	for _, t := range ts {
		t.Stop()
	}
}

// readStatus reads the status the shim checkpointed, like
// MesosContainerizerProcess::reap: absent or empty means the shim itself
// was killed before it could write it, reported as W_EXITCODE(0, SIGKILL).
// A shim that exited without starting the task (the agent died, or gave
// up, before the go byte; it leaves the unstarted marker) has no status:
// what it wrote is its own exit, not the task's.
func (m *Mesos) readStatus(ct *container) *int32 {
	runtime := m.lay.runtimePath(ct.id)
	var st syscall.Stat_t
	if syscall.Stat(filepath.Join(runtime, unstartedFile), &st) == nil {
		return nil
	}
	v, ok, err := readInt(filepath.Join(runtime, statusFile))
	if err != nil {
		m.log.Warn("Failed to get container status", "container", ct.key, "err", err)
	}
	if !ok && ct.supervised {
		// The supervisor did not see the task exit (it was gone first).
		return nil
	}
	if !ok || err != nil {
		return int32p(signalStatus(syscall.SIGKILL))
	}
	return int32p(int32(v))
}

// signalShim signals the shim through its pidfd unless it is gone, after
// waiting until it handles signals.
func (m *Mesos) signalShim(ct *container, sig syscall.Signal) {
	m.waitReady(ct)
	m.mu.Lock()
	defer m.mu.Unlock()
	select {
	case <-ct.exited:
		return
	default:
	}
	if ct.sigfd >= 0 {
		pidfdSignal(ct.sigfd, sig)
	}
}

// waitReady blocks until the shim has installed its signal handlers (it
// closes the ready pipe) or exited. A recovered shim has no ready pipe any
// more: see waitRecoveredShim.
func (m *Mesos) waitReady(ct *container) {
	m.mu.Lock()
	r, recovered, pid, exited := ct.ready, ct.recovered, ct.pid, ct.exited
	m.mu.Unlock()
	if r == nil {
		if recovered && pid > 0 {
			waitRecoveredShim(pid, exited)
		}
		return
	}
	var b [1]byte
	r.Read(b[:])
	m.mu.Lock()
	if ct.ready == r {
		ct.ready = nil
		r.Close()
	}
	m.mu.Unlock()
}

// escalateRetry is how often escalation repeats while the shim lives, to
// catch processes forked after a scan (e.g. the task itself, started just
// after the shim was found alone).
const escalateRetry = 20 * time.Millisecond

// escalate SIGKILLs every process of the container but the shim, which
// reaps them, checkpoints the task's status and exits. It repeats every
// escalateRetry until the shim is gone, and SIGKILLs the shim itself if it
// is still there after shimExitBackstop (it is wedged). The shim is never
// killed first: a task it forks in that instant would escape its reaper.
func (m *Mesos) escalate(ct *container) {
	m.mu.Lock()
	pid, exited, supervised := ct.pid, ct.exited, ct.supervised
	m.mu.Unlock()
	select {
	case <-exited:
		return
	default:
	}
	if supervised {
		m.signalTask(ct, syscall.SIGKILL)
	} else {
		killSession(pid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	select {
	case <-exited:
		return
	default:
	}
	if ct.backstop == nil && !ct.supervised {
		ct.backstop = m.after(shimExitBackstop, func() { m.signalShim(ct, syscall.SIGKILL) })
	}
	ct.retry = m.after(escalateRetry, func() { m.escalate(ct) })
}

// killSupervised is the kill step of a destroy for a supervised task:
// SIGTERM to its group and SIGKILL after the grace when graceful, else
// SIGKILL at once (repeated every escalateRetry until the supervisor reports
// the exit). It returns false when the containerizer closed meanwhile.
func (m *Mesos) killSupervised(ct *container, exited chan struct{}, graceful bool, grace time.Duration) bool {
	select {
	case <-exited:
		return true
	default:
	}
	var timers []Timer
	if graceful && grace > 0 {
		m.signalTask(ct, syscall.SIGTERM)
		timers = append(timers, m.after(grace, func() { m.escalate(ct) }))
	} else {
		m.escalate(ct)
	}
	select {
	case <-exited:
	case <-m.quit:
		stopAll(timers)
		m.stopEscalation(ct)
		return false
	}
	stopAll(timers)
	m.stopEscalation(ct)
	return true
}

// stopEscalation cancels escalate's timers.
func (m *Mesos) stopEscalation(ct *container) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range []Timer{ct.backstop, ct.retry} {
		if t != nil {
			t.Stop()
		}
	}
	ct.backstop, ct.retry = nil, nil
}

// onExit is the reaper callback for ct's shim: record the exit and, unless a
// destroy is already under way, start one (MesosContainerizerProcess::
// reaped).
func (m *Mesos) onExit(ct *container) exitFunc {
	return func(ws syscall.WaitStatus, reaped bool) {
		m.mu.Lock()
		ct.exitStatus, ct.exitReaped = ws, reaped
		close(ct.exited)
		if m.tab.containers[ct.key] == ct {
			// A launch still walking sees the DESTROYING state and fails.
			m.startDestroyLocked(ct, nil, false)
		}
		m.mu.Unlock()
		m.flush()
	}
}

// markExited records that ct has no process to wait for.
func (m *Mesos) markExited(ct *container) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ct.exited == nil {
		ct.exited = make(chan struct{})
	}
	select {
	case <-ct.exited:
	default:
		close(ct.exited)
	}
}

// limited is the isolators' limitation callback for ct
// (MesosContainerizerProcess::limited): destroy with TASK_FAILED and the
// limitation's reason and message.
func (m *Mesos) limited(ct *container) func(Limitation) {
	return func(l Limitation) {
		m.mu.Lock()
		if m.tab.containers[ct.key] != ct || ct.state == Destroying {
			m.mu.Unlock()
			return
		}
		m.log.Info("Container has reached its limit and will be terminated", "container", ct.key, "resources", l.Resources)
		m.startDestroyLocked(ct, &Termination{State: TaskFailed, Reason: l.Reason, Message: l.Message}, false)
		m.mu.Unlock()
		m.flush()
	}
}

// Wait implements Containerizer.
func (m *Mesos) Wait(ctx context.Context, id ContainerID) (*Termination, error) {
	m.mu.Lock()
	ct := m.tab.get(id)
	if ct == nil {
		t, ok := m.completed[id.String()]
		m.mu.Unlock()
		if ok {
			return &t, nil
		}
		return m.checkpointedTermination(id)
	}
	done := ct.destroyed
	m.mu.Unlock()
	select {
	case <-done:
		m.mu.Lock()
		t := ct.final
		m.mu.Unlock()
		return &t, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("containerizer: wait %s: %w", id, ctx.Err())
	}
}

// checkpointedTermination returns a terminated nested container's
// checkpointed termination, as MesosContainerizerProcess::wait does.
func (m *Mesos) checkpointedTermination(id ContainerID) (*Termination, error) {
	if !id.HasParent() {
		return nil, nil
	}
	b, err := os.ReadFile(filepath.Join(m.lay.runtimePath(id), terminationFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("containerizer: wait %s: failed to get container termination state: %w", id, err)
	}
	var t Termination
	if err := jsonUnmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("containerizer: wait %s: failed to get container termination state: %w", id, err)
	}
	return &t, nil
}

// Destroy implements Containerizer: a running container gets SIGTERM and,
// after its kill grace period, SIGKILL; a container still launching is
// killed at once.
func (m *Mesos) Destroy(ctx context.Context, id ContainerID) (*Termination, error) {
	m.mu.Lock()
	ct := m.tab.get(id)
	if ct == nil {
		m.mu.Unlock()
		m.log.Warn("Attempted to destroy unknown container", "container", id.String())
		return m.Wait(ctx, id)
	}
	m.startDestroyLocked(ct, nil, true)
	m.mu.Unlock()
	m.flush()
	return m.Wait(ctx, id)
}

// Kill implements Containerizer: the signal goes to the shim, which relays
// it to the task's process group. A container whose task has not started
// yet is destroyed, as Mesos does for one without a pid.
func (m *Mesos) Kill(ctx context.Context, id ContainerID, sig syscall.Signal) (bool, error) {
	m.mu.Lock()
	ct := m.tab.get(id)
	if ct == nil {
		m.mu.Unlock()
		return false, nil
	}
	if ct.supervised && ct.running && ct.pid != 0 {
		m.mu.Unlock()
		if err := m.signalTask(ct, sig); err != nil {
			return false, fmt.Errorf("containerizer: kill %s: unable to send signal to container: %w", id, err)
		}
		return true, nil
	}
	if ct.pid == 0 || ct.sigfd < 0 || !ct.running {
		// No task yet: destroy, as Mesos does for a container without pid.
		m.startDestroyLocked(ct, nil, false)
		m.mu.Unlock()
		m.flush()
		return true, nil
	}
	m.mu.Unlock()
	m.waitReady(ct)
	m.mu.Lock()
	var err error
	select {
	case <-ct.exited:
	default:
		if ct.sigfd >= 0 {
			err = pidfdSignal(ct.sigfd, sig)
		}
	}
	m.mu.Unlock()
	if err != nil && !errors.Is(err, syscall.ESRCH) {
		return false, fmt.Errorf("containerizer: kill %s: unable to send signal to container: %w", id, err)
	}
	return true, nil
}

// Remove implements Containerizer for terminated nested containers.
func (m *Mesos) Remove(ctx context.Context, id ContainerID) error {
	if !id.HasParent() {
		return fmt.Errorf("containerizer: remove %s: only nested containers can be removed", id)
	}
	m.mu.Lock()
	if m.tab.get(id) != nil {
		m.mu.Unlock()
		return fmt.Errorf("containerizer: remove %s: nested container has not terminated yet", id)
	}
	root := m.tab.get(id.Root())
	if root == nil {
		m.mu.Unlock()
		return fmt.Errorf("containerizer: remove %s: unknown root container", id)
	}
	rootDir := root.directory
	m.mu.Unlock()
	if err := os.RemoveAll(m.lay.runtimePath(id)); err != nil {
		return fmt.Errorf("containerizer: remove %s: failed to remove the runtime directory: %w", id, err)
	}
	if rootDir != "" {
		p := nestedSandboxPath(rootDir, id)
		m.gc.unschedule(p)
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("containerizer: remove %s: failed to remove the sandbox directory: %w", id, err)
		}
	}
	return nil
}

// recordCompletedLocked keeps t for Wait after the container is gone, and
// makes room in m.finished (the completed containers' snapshots, kept next to
// their terminations and bounded the same way).
func (m *Mesos) recordCompletedLocked(key string, t Termination) {
	if m.finished == nil {
		m.finished = make(map[string]Snapshot)
	}
	if _, ok := m.completed[key]; !ok {
		m.order = append(m.order, key)
	}
	m.completed[key] = t
	for len(m.order) > maxCompleted {
		delete(m.completed, m.order[0])
		delete(m.finished, m.order[0])
		m.order = m.order[1:]
	}
}

// checkpointRunTermination keeps the termination of an executor's container
// with the executor run's checkpoints (work_dir/meta/slaves/<agent>/
// frameworks/<fw>/executors/<ex>/runs/<id>/termination, next to pids/) before
// its runtime directory, and with it the status the shim wrote, goes: an agent
// that dies before handling the termination finds the task's true status
// there once it has recovered (Mesos's executor, a process of its own, would
// have reported it instead).
func (m *Mesos) checkpointRunTermination(ct *container, term Termination) {
	if ct.config.FrameworkID == "" {
		return
	}
	b, err := json.Marshal(term)
	if err != nil {
		return
	}
	run := filepath.Dir(filepath.Dir(m.lay.forkedPidPath(ct.config.FrameworkID, ct.config.ExecutorID, ct.id)))
	if err := checkpoint(filepath.Join(run, terminationFile), b); err != nil {
		m.log.Error("Failed to checkpoint the termination of an executor's container", "container", ct.key, "err", err)
	}
}
