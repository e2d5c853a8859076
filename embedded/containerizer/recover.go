package containerizer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/mesoscope/mesoscope/embedded/containerizer/shim"
)

// Recover implements Containerizer, modelling
// MesosContainerizerProcess::recover with the runtime directory as the
// source of truth:
//
//   - if the boot id in work_dir/meta/boot_id differs from the kernel's, the
//     machine rebooted, every process is gone and the runtime directory is
//     cleared (Mesos keeps it on a tmpfs that a reboot empties);
//   - every container with a runtime directory and a checkpointed config
//     comes back in RUNNING; a shim still alive with the checkpointed start
//     time (/proc/<pid>/stat field 22, which rules out a recycled pid) is
//     re-attached through a pidfd; a shim that exited while the agent was
//     down is destroyed at once and its Termination carries the task's real
//     exit status from the status file the shim wrote;
//   - top-level containers not in known (when known is non-nil), containers
//     without a config, and nested containers of such are orphans: they are
//     destroyed (killed), as Mesos destroys what it does not know.
//
// Terminated nested containers keep their checkpointed termination for Wait.
func (m *Mesos) Recover(ctx context.Context, known []ContainerID) error {
	// A supervisor left by the previous run lists the tasks it still
	// supervises; exits from now on arrive as its Exited messages.
	conn, tasks, err := m.sup.connect(false)
	if err != nil {
		return fmt.Errorf("containerizer: recover: %w", err)
	}
	if conn == nil {
		m.sup.adoptStale()
	}
	if err := m.checkBootID(); err != nil {
		return fmt.Errorf("containerizer: recover: %w", err)
	}
	ids, err := m.lay.runtimeContainerIDs()
	if err != nil {
		return fmt.Errorf("containerizer: recover: %w", err)
	}
	supTasks := map[string]shim.Task{}
	for _, t := range tasks {
		supTasks[t.Key] = t
	}
	knownSet := map[string]bool{}
	for _, k := range known {
		knownSet[k.String()] = true
	}
	self := os.Getpid()

	type found struct {
		ct       *container
		pidfd    int
		child    bool
		alive    bool
		supAlive bool // the supervisor reported its task alive
		orphan   bool
	}
	var all []*found
	byKey := map[string]*found{}
	m.mu.Lock()
	now := m.clock.Now()
	for _, id := range ids {
		if m.tab.get(id) != nil {
			continue
		}
		runtime := m.lay.runtimePath(id)
		if _, err := os.Stat(filepath.Join(runtime, terminationFile)); err == nil {
			continue // a nested container destroyed earlier
		}
		var cfg ContainerConfig
		cfgOK := false
		if b, err := os.ReadFile(filepath.Join(runtime, configFile)); err == nil {
			if err := json.Unmarshal(b, &cfg); err == nil {
				cfgOK = true
			} else {
				m.log.Warn("Failed to recover container config; treating as orphan", "container", id.String(), "err", err)
			}
		}
		parent := (*found)(nil)
		if id.HasParent() {
			parent = byKey[id.Parent.String()]
			if parent == nil {
				continue // its parent was not recovered: nothing to attach to
			}
		}
		ct := m.tab.addRecovered(id, cfg, now)
		f := &found{ct: ct, pidfd: -1}
		switch {
		case id.HasParent():
			f.orphan = parent.orphan
			if root := byKey[id.Root().String()]; root != nil && root.ct.directory != "" {
				ct.directory = nestedSandboxPath(root.ct.directory, id)
			}
		default:
			f.orphan = known != nil && !knownSet[id.String()]
			ct.directory = cfg.Directory
		}
		if !cfgOK {
			f.orphan = true
		}
		ct.exited = make(chan struct{})
		pid, hasPid, perr := readInt(filepath.Join(runtime, pidFile))
		start, _, _ := readInt(filepath.Join(runtime, startTimeFile))
		var st syscall.Stat_t
		if syscall.Stat(filepath.Join(runtime, supervisedFile), &st) == nil {
			ct.supervised = true
			if t, ok := supTasks[ct.key]; ok {
				delete(supTasks, ct.key)
				ct.pid, ct.startTime, ct.running = t.PID, t.StartTime, true
				if fd, err := pidfdOpen(t.PID); err == nil {
					ct.sigfd = fd
				}
				f.supAlive = true
			} else if perr == nil && hasPid && pid > 0 {
				ct.pid, ct.startTime, ct.running = int(pid), uint64(start), true
				if ps, err := readStat(int(pid)); err == nil && ps.StartTime == uint64(start) {
					// Alive without its supervisor: it can only be killed,
					// and its termination has no status.
					f.child = ps.PPID == self
					if ps.State != 'Z' || f.child {
						if fd, err := pidfdOpen(int(pid)); err == nil {
							f.pidfd, f.alive = fd, true
							ct.lost, f.orphan = true, true
						}
					}
				}
			} else if syscall.Stat(filepath.Join(runtime, statusFile), &st) == nil {
				ct.running = true // the exec failed: the status says so
			}
		} else if perr != nil || !hasPid || pid <= 0 {
			// Forked but not checkpointed: the shim dies on its closed pipe.
			f.orphan = true
		} else {
			ct.pid, ct.startTime, ct.running = int(pid), uint64(start), true
			st, err := readStat(int(pid))
			if err == nil && st.StartTime == uint64(start) {
				f.child = st.PPID == self
				if st.State != 'Z' || f.child {
					// Our own zombie is watched like a live shim: its leader
					// may show Z while its other threads still exit, when it
					// cannot be reaped yet; the reaper reaps it once its pidfd
					// says the whole process is gone.
					if fd, err := pidfdOpen(int(pid)); err == nil {
						f.pidfd, f.alive = fd, true
					} else if f.child {
						syscall.Wait4(int(pid), nil, syscall.WNOHANG, nil)
					}
				}
			}
		}
		if f.alive {
			if sfd, err := dupCloexec(f.pidfd); err == nil {
				ct.sigfd = sfd
			}
		} else if !f.supAlive {
			close(ct.exited)
		}
		all = append(all, f)
		byKey[ct.key] = f
	}
	m.mu.Unlock()
	// Tasks of containers nobody knows any more are killed; the supervisor
	// cleans up after them.
	for _, t := range supTasks {
		if ps, err := readStat(t.PID); err != nil || ps.StartTime != t.StartTime {
			continue
		}
		if fd, err := pidfdOpen(t.PID); err == nil {
			if pidfdSignal(fd, syscall.SIGKILL) == nil {
				syscall.Kill(-t.PID, syscall.SIGKILL)
			}
			syscall.Close(fd)
		}
		m.log.Info("Killing an unknown supervised task", "container", t.Key, "pid", t.PID)
	}

	var recovered []RecoveredContainer
	var orphans []ContainerID
	for _, f := range all {
		if f.orphan {
			orphans = append(orphans, f.ct.id)
		} else {
			recovered = append(recovered, RecoveredContainer{ContainerID: f.ct.id, PID: f.ct.pid, Directory: f.ct.directory, Config: f.ct.config, taskPID: f.ct.supervised})
		}
	}
	var errs []error
	for _, iso := range m.isolators {
		var rec []RecoveredContainer
		var orph []ContainerID
		for _, r := range recovered {
			if !r.ContainerID.HasParent() || iso.SupportsNesting() {
				rec = append(rec, r)
			}
		}
		for _, o := range orphans {
			if !o.HasParent() || iso.SupportsNesting() {
				orph = append(orph, o)
			}
		}
		if err := iso.Recover(ctx, rec, orph); err != nil {
			errs = append(errs, fmt.Errorf("isolator %s: %w", iso.Name(), err))
		}
	}

	for _, f := range all {
		ct := f.ct
		if f.alive {
			if err := m.reaper.watch(ct.pid, f.pidfd, f.child, m.onExit(ct)); err != nil {
				m.markExited(ct)
			}
		}
		if f.supAlive {
			m.sup.watchExit(ct.key, ct.pid, m.onSupervisedExit(ct))
		}
		if !f.orphan {
			for _, iso := range m.isolators {
				if !ct.id.HasParent() || iso.SupportsNesting() {
					iso.Watch(ct.id, m.limited(ct))
				}
			}
		}
		// The shim launcher sets alive (the shim's pidfd is open); the
		// supervisor launcher sets supAlive (the supervisor reported the
		// task), or alive for a task found running without its supervisor.
		alive := f.alive || f.supAlive
		m.log.Info("Recovered container", "container", ct.key, "pid", ct.pid, "alive", alive, "supervised", ct.supervised, "orphan", f.orphan)
	}

	m.mu.Lock()
	for _, f := range all {
		ct := f.ct
		if m.tab.containers[ct.key] != ct {
			continue
		}
		select {
		case <-ct.exited:
			m.startDestroyLocked(ct, nil, false)
			continue
		default:
		}
		if f.orphan {
			m.log.Info("Cleaning up orphan container", "container", ct.key)
			m.startDestroyLocked(ct, nil, false)
		}
	}
	m.mu.Unlock()
	m.flush()
	m.sup.forgetEarly()
	if len(errs) > 0 {
		return fmt.Errorf("containerizer: recover: %w", errors.Join(errs...))
	}
	return nil
}

// checkBootID clears the runtime directory when the machine rebooted since
// the boot id was checkpointed, and checkpoints the current one.
func (m *Mesos) checkBootID() error {
	cur, err := os.ReadFile(procBootID)
	if err != nil {
		return nil // not Linux-like: cannot tell; keep the state
	}
	cur = bytes.TrimSpace(cur)
	prev, err := os.ReadFile(m.lay.bootIDPath())
	if err == nil && !bytes.Equal(bytes.TrimSpace(prev), cur) {
		m.log.Info("Agent host rebooted; discarding the runtime directory")
		if err := os.RemoveAll(filepath.Join(m.lay.runtimeDir, containersDir)); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(m.lay.runtimeDir, containersDir), 0o755); err != nil {
			return err
		}
	}
	return checkpoint(m.lay.bootIDPath(), cur)
}
