package containerizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// hostDefaultPath is os::host_default_path(), the PATH a task gets when
// neither the agent nor the command sets one.
const hostDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Launch implements Containerizer. It walks the seven states like
// MesosContainerizerProcess::launch → prepare → _launch → isolate → fetch
// → exec: STARTING → PROVISIONING (no images: nothing to provision) →
// PREPARING (config checkpoint, sandbox, isolator prepare, shim fork) →
// ISOLATING (isolators get the shim's pid) → FETCHING (URIs) → RUNNING
// (the go byte releases the shim, which execs the task). Any failure
// destroys the container and returns a *LaunchError whose Termination has
// REASON_CONTAINER_LAUNCH_FAILED.
func (m *Mesos) Launch(ctx context.Context, id ContainerID, cfg ContainerConfig) (LaunchResult, error) {
	if err := id.Validate(); err != nil {
		return LaunchSuccess, fmt.Errorf("containerizer: launch %s: %w", id, err)
	}
	if err := cfg.Validate(); err != nil {
		return LaunchSuccess, fmt.Errorf("containerizer: launch %s: %w", id, err)
	}
	cfg = cfg.clone()

	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return LaunchSuccess, ErrClosed
	}
	if m.tab.get(id) != nil {
		m.mu.Unlock()
		return LaunchAlreadyLaunched, nil
	}
	if err := m.placeLocked(id, &cfg); err != nil {
		m.mu.Unlock()
		return LaunchSuccess, fmt.Errorf("containerizer: launch %s: %w", id, err)
	}
	ct, err := m.tab.add(id, cfg, m.clock.Now())
	if err != nil {
		m.mu.Unlock()
		return LaunchSuccess, err
	}
	ct.directory = cfg.Directory
	lctx, cancel := context.WithCancel(ctx)
	ct.launchCancel = cancel
	ct.launchDone = make(chan struct{})
	m.transitionLocked(ct, Provisioning)
	m.mu.Unlock()
	m.flush()

	err = m.launchSteps(lctx, ct)
	cancel()

	m.mu.Lock()
	close(ct.launchDone)
	if err == nil {
		m.mu.Unlock()
		return LaunchSuccess, nil
	}
	m.startDestroyLocked(ct, &Termination{State: TaskFailed, Reason: ReasonContainerLaunchFailed, Message: err.Error()}, false)
	done := ct.destroyed
	m.mu.Unlock()
	m.flush()
	select {
	case <-done:
	case <-m.quit:
	}
	m.mu.Lock()
	term := ct.final
	m.mu.Unlock()
	return LaunchSuccess, &LaunchError{ContainerID: id.clone(), Termination: term, Err: err}
}

// placeLocked decides the sandbox: nested containers go under their root's
// sandbox (and inherit its user), others follow the executor or
// standalone layout.
func (m *Mesos) placeLocked(id ContainerID, cfg *ContainerConfig) error {
	if id.HasParent() {
		if cfg.FrameworkID != "" || cfg.ExecutorID != "" {
			return errors.New("nested containers may not supply a TaskInfo/ExecutorInfo")
		}
		parent := m.tab.get(*id.Parent)
		if parent == nil {
			return fmt.Errorf("parent container %s does not exist", id.Parent)
		}
		if parent.state == Destroying {
			return fmt.Errorf("parent container %s is in 'DESTROYING' state", id.Parent)
		}
		if cfg.User == "" {
			cfg.User = parent.config.User
		}
		root := m.tab.get(id.Root())
		if root == nil || root.directory == "" {
			return fmt.Errorf("unexpected empty sandbox directory for root container %s", id.Root())
		}
		cfg.Directory = nestedSandboxPath(root.directory, id)
		return nil
	}
	if cfg.Directory != "" {
		return nil
	}
	if cfg.FrameworkID != "" {
		cfg.Directory = m.lay.executorRunPath(cfg.FrameworkID, cfg.ExecutorID, id)
	} else {
		cfg.Directory = m.lay.standalonePath(id)
	}
	return nil
}

// advance moves ct from want to next, failing if a destroy got there first
// (the "Container is being destroyed during X" checks of containerizer.cpp).
func (m *Mesos) advance(ct *container, want, next State) error {
	m.mu.Lock()
	if ct.state != want {
		st := ct.state
		m.mu.Unlock()
		if st == Destroying {
			return fmt.Errorf("container is being destroyed during %s", lowerState(want))
		}
		return fmt.Errorf("%w: container %s is %s, expected %s", ErrIllegalTransition, ct.key, st, want)
	}
	err := m.transitionLocked(ct, next)
	m.mu.Unlock()
	m.flush()
	return err
}

func lowerState(s State) string {
	switch s {
	case Provisioning:
		return "provisioning"
	case Preparing:
		return "preparing"
	case Isolating:
		return "isolating"
	case Fetching:
		return "fetching"
	}
	return s.String()
}

func (m *Mesos) launchSteps(ctx context.Context, ct *container) error {
	id, cfg := ct.id, &ct.config

	// PROVISIONING: without ContainerInfo.mesos.image there is nothing to
	// provision (containerizer.cpp calls prepare(containerId, None())).
	// prepare(): checkpoint the config, create the sandbox, then PREPARING.
	runtime := m.lay.runtimePath(id)
	if err := mkdir(runtime, 0o755); err != nil {
		return fmt.Errorf("failed to make the containerizer runtime directory %q: %w", runtime, err)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	// The runtime directory is new, so a plain write cannot clobber an older
	// checkpoint; a write torn by a crash leaves an unreadable config, which
	// Recover treats as an orphan — the right call for a container whose
	// shim was not even forked yet.
	if err := os.WriteFile(filepath.Join(runtime, configFile), b, 0o644); err != nil {
		return fmt.Errorf("failed to checkpoint the container config: %w", err)
	}
	if !id.HasParent() && cfg.FrameworkID == "" {
		if err := os.WriteFile(filepath.Join(runtime, standaloneMarker), nil, 0o644); err != nil {
			return fmt.Errorf("failed to checkpoint file to mark container as standalone: %w", err)
		}
	}
	usr := cfg.effectiveUser()
	var cred *credential
	if usr != "" {
		c, err := resolveUser(usr)
		if err != nil {
			return err
		}
		cred = c
	}
	if err := m.createSandbox(ct, cred); err != nil {
		return err
	}
	if err := m.advance(ct, Provisioning, Preparing); err != nil {
		return err
	}
	for _, iso := range m.isolators {
		if id.HasParent() && !iso.SupportsNesting() {
			continue
		}
		if err := iso.Prepare(ctx, id, *cfg); err != nil {
			return fmt.Errorf("isolator %s: prepare: %w", iso.Name(), err)
		}
	}

	// _launch(): fork the shim, blocked on its pipe, and checkpoint its pid.
	info := m.buildLaunchInfo(ct, cred)
	stdout, stderr, err := openSandboxLogs(ct.directory, cred)
	if err != nil {
		return err
	}
	defer stdout.Close()
	defer stderr.Close()
	if m.useSup {
		return m.launchSupervised(ctx, ct, info, usr, stdout, stderr)
	}
	f, err := forkShim(m.cfg.Shim, info, m.devnull, stdout, stderr)
	if err != nil {
		return fmt.Errorf("failed to fork: %w", err)
	}
	m.mu.Lock()
	ct.pid, ct.startTime, ct.sigfd, ct.pipe, ct.ready = f.pid, f.startTime, f.sigfd, f.pipe, f.ready
	ct.exited = make(chan struct{})
	m.mu.Unlock()
	if err := m.reaper.watch(f.pid, f.pidfd, true, m.onExit(ct)); err != nil {
		m.markExited(ct)
		return err
	}
	if err := m.checkpointPID(ct, runtime, f.pid, f.startTime); err != nil {
		return err
	}

	// isolate()
	if err := m.advance(ct, Preparing, Isolating); err != nil {
		return err
	}
	for _, iso := range m.isolators {
		if id.HasParent() && !iso.SupportsNesting() {
			continue
		}
		iso.Watch(id, m.limited(ct))
		if err := iso.Isolate(ctx, id, f.pid); err != nil {
			return fmt.Errorf("isolator %s: isolate: %w", iso.Name(), err)
		}
	}

	if err := m.fetch(ctx, ct, usr, stderr); err != nil {
		return err
	}
	// exec(): release the shim and enter RUNNING.
	_, werr := ct.pipe.Write([]byte{0})
	ct.pipe.Close()
	ct.pipe = nil
	if werr != nil {
		m.mu.Unlock()
		return fmt.Errorf("failed to synchronize child process: %w", werr)
	}
	ct.running = true
	err = m.transitionLocked(ct, Running)
	m.mu.Unlock()
	m.flush()
	return err
}

// createSandbox is paths::createSandboxDirectory (mode 0750, owned by the
// task's user) plus, for executor runs, the runs/latest symlink.
func (m *Mesos) createSandbox(ct *container, cred *credential) error {
	dir := ct.directory
	if err := mkdir(dir, 0o750); err != nil {
		return fmt.Errorf("failed to create sandbox %q: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o750); err != nil { // regardless of the umask
		return fmt.Errorf("failed to chmod sandbox %q: %w", dir, err)
	}
	if cred != nil && cred.switchUser {
		if err := os.Chown(dir, int(cred.uid), int(cred.gid)); err != nil {
			return fmt.Errorf("failed to chown sandbox %q to user %q: %w", dir, cred.name, err)
		}
	}
	if ct.config.FrameworkID != "" && !ct.id.HasParent() {
		latest := filepath.Join(filepath.Dir(dir), latestSymlink)
		os.Remove(latest)
		if err := os.Symlink(dir, latest); err != nil {
			return fmt.Errorf("failed to symlink %q to %q: %w", dir, latest, err)
		}
	}
	return nil
}

// credential is a resolved task user.
type credential struct {
	name       string
	uid, gid   uint32
	groups     []uint32
	switchUser bool // the agent runs as root and the user differs
}

func resolveUser(name string) (*credential, error) {
	uid, gid, groups, err := lookupUser(name)
	if err != nil {
		return nil, fmt.Errorf("failed to resolve user: %w", err)
	}
	c := &credential{name: name, uid: uid, gid: gid, groups: groups}
	euid := os.Geteuid()
	switch {
	case uint32(euid) == uid:
	case euid == 0:
		c.switchUser = true
	default:
		return nil, fmt.Errorf("cannot run as user %q (uid %d): the agent runs as uid %d, not root", name, uid, euid)
	}
	return c, nil
}

// buildLaunchInfo turns the CommandInfo into an argv and environment, like
// MesosContainerizerProcess::_launch: the agent environment, then
// MESOS_SANDBOX, then the command's own variables, which win.
func (m *Mesos) buildLaunchInfo(ct *container, cred *credential) launchInfo {
	c := ct.config.CommandInfo
	env := map[string]string{"PATH": hostDefaultPath}
	for k, v := range ct.config.Environment {
		env[k] = v
	}
	env[sandboxEnv] = ct.directory
	for _, v := range c.envVars() {
		env[v.Name] = v.Value
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	envv := make([]string, 0, len(keys))
	for _, k := range keys {
		envv = append(envv, k+"="+env[k])
	}
	runtime := m.lay.runtimePath(ct.id)
	info := launchInfo{Env: envv, Dir: ct.directory, StatusPath: filepath.Join(runtime, statusFile),
		UnstartedPath: filepath.Join(runtime, unstartedFile)}
	if c.Shell {
		info.Path = "/bin/sh"
		info.Argv = []string{"sh", "-c", c.Value}
	} else {
		info.Path = c.Value
		info.Argv = append([]string(nil), c.Arguments...)
		if len(info.Argv) == 0 {
			info.Argv = []string{c.Value}
		}
	}
	if cred != nil && cred.switchUser {
		uid, gid := cred.uid, cred.gid
		info.UID, info.GID, info.Groups = &uid, &gid, cred.groups
	}
	return info
}

// openSandboxLogs creates the sandbox's stdout and stderr, truncated like
// FetcherProcess::run does before the fetcher and the task append to them.
func openSandboxLogs(dir string, cred *credential) (*os.File, *os.File, error) {
	var files [2]*os.File
	for i, name := range []string{stdoutFile, stderrFile} {
		p := filepath.Join(dir, name)
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o644)
		if err != nil {
			if i == 1 {
				files[0].Close()
			}
			return nil, nil, fmt.Errorf("failed to create %q file: %w", name, err)
		}
		if cred != nil && cred.switchUser {
			f.Chown(int(cred.uid), int(cred.gid))
		}
		files[i] = f
	}
	return files[0], files[1], nil
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// mkdir creates dir with perm, and its parents only when they are missing
// (one syscall in the common case instead of MkdirAll's stat walk).
func mkdir(dir string, perm os.FileMode) error {
	err := os.Mkdir(dir, perm)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, os.ErrExist):
		return nil
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return err
		}
		if err := os.Mkdir(dir, perm); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
		return nil
	}
	return err
}

// fetch is fetch(): FETCHING, then the fetcher. It then checks, under
// m.mu, that no destroy began meanwhile, and returns nil with m.mu still
// held, so that exec() starts under it.
func (m *Mesos) fetch(ctx context.Context, ct *container, usr string, stderr *os.File) error {
	if err := m.advance(ct, Isolating, Fetching); err != nil {
		return err
	}
	if err := m.fetcher.Fetch(ctx, ct.id, ct.config.CommandInfo, ct.directory, usr, stderr); err != nil {
		return err
	}
	m.mu.Lock()
	if ct.state != Fetching {
		m.mu.Unlock()
		return errors.New("container is being destroyed during fetching")
	}
	return nil
}

// checkpointPID records the pid of the container's first process (the
// shim's, or the task's under the supervisor): forked.pid for an
// executor's container, then pid.start_time, then pid.
func (m *Mesos) checkpointPID(ct *container, runtime string, pid int, startTime uint64) error {
	cfg := &ct.config
	if cfg.FrameworkID != "" {
		p := m.lay.forkedPidPath(cfg.FrameworkID, cfg.ExecutorID, ct.id)
		if err := checkpoint(p, []byte(fmt.Sprint(pid))); err != nil {
			return fmt.Errorf("could not checkpoint container's pid: %w", err)
		}
	}
	// Written before the pid (which is atomic): recovery ignores a pid
	// whose start time is missing or torn.
	if err := os.WriteFile(filepath.Join(runtime, startTimeFile), []byte(fmt.Sprint(startTime)), 0o644); err != nil {
		return fmt.Errorf("failed to checkpoint the container pid start time: %w", err)
	}
	// Plain write, as for the config: a torn pid means an orphan, and the
	// shim of an agent that crashed here dies of its closed go pipe.
	if err := os.WriteFile(filepath.Join(runtime, pidFile), []byte(fmt.Sprint(pid)), 0o644); err != nil {
		return fmt.Errorf("failed to checkpoint the container pid: %w", err)
	}
	return nil
}
