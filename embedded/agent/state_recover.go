package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// procBootID is where Linux publishes the kernel's boot ID (os::bootId).
const procBootID = "/proc/sys/kernel/random/boot_id"

// currentBootID returns the running kernel's boot ID.
func currentBootID() (string, error) {
	b, err := os.ReadFile(procBootID)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// ErrRecovery is wrapped by every error that makes agent recovery fail: checkpointed
// state that cannot be read in strict mode, or an agent whose configuration no
// longer matches its checkpointed SlaveInfo.
var ErrRecovery = errors.New("agent recovery failed")

// recoveredState is slave::state::State (src/slave/state.hpp): what an agent finds
// under work_dir/meta when it starts. errors counts what could not be read when
// recovering non-strictly, over every level (State::errors).
type recoveredState struct {
	rebooted bool
	agent    *checkpointedAgent // nil when no agent registered from this work_dir
	errors   int
}

// checkpointedAgent is SlaveState: the latest agent's ID, its SlaveInfo (nil if it died
// before checkpointing it) and its checkpointing frameworks.
type checkpointedAgent struct {
	id         string
	info       *mesos.AgentInfo
	frameworks map[string]*checkpointedFramework
}

// checkpointedFramework is FrameworkState. pid is nil when framework.pid is missing or
// empty, in which case the executors are not read either.
type checkpointedFramework struct {
	id        string
	info      *mesos.FrameworkInfo
	pid       *string
	executors map[string]*checkpointedExecutor
}

// checkpointedExecutor is ExecutorState: every run of the executor, the latest one's
// container ID ("" if runs/latest is missing) and the ExecutorInfo.
type checkpointedExecutor struct {
	id                      string
	info                    *mesos.ExecutorInfo
	latest                  string
	runs                    map[string]*checkpointedRun
	generatedForCommandTask bool
}

// checkpointedRun is RunState: one container of the executor, completed when its
// executor.sentinel exists. forkedPID is 0 when unknown (not written yet, or removed
// after a reboot).
type checkpointedRun struct {
	id        string
	completed bool
	tasks     map[string]*checkpointedTask
	forkedPID int
}

// checkpointedTask is TaskState: the Task from task.info (nil if missing) and the
// checkpointed status updates, in order, with the UUIDs acknowledged. group is the
// TaskGroupInfo of task.group (mesoscope's own), for tasks of default executors.
type checkpointedTask struct {
	id      string
	info    *mesos.Task
	updates []mesos.StatusUpdate
	acks    map[[16]byte]bool
	group   *mesos.TaskGroupInfo
}

// stateReader walks a meta directory as state::recover does. In strict mode the
// first unreadable checkpoint is an error; otherwise it is logged, counted, and the
// rest of that level is skipped (as much state as possible is recovered). Missing
// and empty files are never errors: the agent may have died before writing them.
type stateReader struct {
	meta   string
	strict bool
	log    *slog.Logger
	errors int
}

// readState is state::recover(rootDir = meta, strict): bootID is the running
// kernel's (empty if unknown), compared with meta/boot_id to detect a reboot.
func readState(meta string, strict bool, bootID string, log *slog.Logger) (recoveredState, error) {
	r := &stateReader{meta: meta, strict: strict, log: log}
	var st recoveredState
	if _, err := os.Stat(meta); errors.Is(err, fs.ErrNotExist) {
		return st, nil // the first start on this work_dir
	}
	if b, err := os.ReadFile(bootIDPath(meta)); err == nil && bootID != "" {
		if strings.TrimSpace(string(b)) != bootID {
			log.Info("Agent host rebooted")
			st.rebooted = true
		}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		log.Warn("Failed to read boot id", "path", bootIDPath(meta), "err", err)
	}
	latest := latestAgentPath(meta)
	if _, err := os.Lstat(latest); errors.Is(err, fs.ErrNotExist) {
		log.Info("Failed to find the latest agent", "meta", meta)
		return st, nil
	}
	dir, err := filepath.EvalSymlinks(latest)
	if err != nil {
		return st, fmt.Errorf("%w: failed to find latest agent: %w", ErrRecovery, err)
	}
	a, err := r.agent(filepath.Base(dir), st.rebooted)
	if err != nil {
		return st, err
	}
	st.agent = a
	st.errors = r.errors
	return st, nil
}

// fail handles an unreadable checkpoint: an error in strict mode, else a counted
// warning (the caller then stops reading that level).
func (r *stateReader) fail(message string, err error) error {
	if r.strict {
		return fmt.Errorf("%w: %s: %w", ErrRecovery, message, err)
	}
	r.log.Warn(message, "err", err)
	r.errors++
	return nil
}

// readMessage reads a JSON checkpoint into v: found is false for a missing or empty
// file (not an error), err is set when the content does not decode.
func readMessage(path string, v any) (found bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return false, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, err
	}
	return true, nil
}

// subdirs lists the directories under dir, sorted ("*" globs of paths.cpp);
// a missing dir has none.
func subdirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// agent is SlaveState::recover.
func (r *stateReader) agent(id string, rebooted bool) (*checkpointedAgent, error) {
	st := &checkpointedAgent{id: id, frameworks: map[string]*checkpointedFramework{}}
	path := agentInfoPath(r.meta, id)
	var info mesos.AgentInfo
	found, err := readMessage(path, &info)
	if err != nil {
		return st, r.fail("Failed to read agent info from '"+path+"'", err)
	}
	if !found {
		r.log.Warn("Failed to find agent info file", "path", path)
		return st, nil
	}
	st.info = &info
	fws, err := subdirs(filepath.Join(agentPath(r.meta, id), frameworksDir))
	if err != nil {
		return st, fmt.Errorf("%w: failed to find frameworks for agent %s: %w", ErrRecovery, id, err)
	}
	for _, fw := range fws {
		f, err := r.framework(id, fw, rebooted)
		if err != nil {
			return st, fmt.Errorf("failed to recover framework %s: %w", fw, err)
		}
		st.frameworks[fw] = f
	}
	return st, nil
}

// framework is FrameworkState::recover.
func (r *stateReader) framework(agentID, id string, rebooted bool) (*checkpointedFramework, error) {
	st := &checkpointedFramework{id: id, executors: map[string]*checkpointedExecutor{}}
	dir := frameworkPath(r.meta, agentID, id)
	path := filepath.Join(dir, frameworkInfoFile)
	var info mesos.FrameworkInfo
	found, err := readMessage(path, &info)
	if err != nil {
		return st, r.fail("Failed to read framework info from '"+path+"'", err)
	}
	if !found {
		r.log.Warn("Failed to find framework info file", "path", path)
		return st, nil
	}
	st.info = &info
	path = filepath.Join(dir, frameworkPIDFile)
	pid, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		r.log.Warn("Failed to find framework pid file", "path", path)
		return st, nil
	}
	if err != nil {
		return st, r.fail("Failed to read framework pid from '"+path+"'", err)
	}
	if len(pid) == 0 {
		r.log.Warn("Found empty framework pid file", "path", path)
		return st, nil
	}
	p := string(pid)
	if p == emptyUPID {
		p = ""
	}
	st.pid = &p
	exs, err := subdirs(filepath.Join(dir, executorsDir))
	if err != nil {
		return st, fmt.Errorf("%w: failed to find executors for framework %s: %w", ErrRecovery, id, err)
	}
	for _, ex := range exs {
		e, err := r.executor(agentID, id, ex, rebooted)
		if err != nil {
			return st, fmt.Errorf("failed to recover executor '%s': %w", ex, err)
		}
		st.executors[ex] = e
	}
	return st, nil
}

// executor is ExecutorState::recover. A runs/latest whose run is gone (its meta
// directory garbage collected) counts as missing, where Mesos fails: mesoscope's
// containerizer collects run directories without their executor directory.
func (r *stateReader) executor(agentID, fwID, id string, rebooted bool) (*checkpointedExecutor, error) {
	st := &checkpointedExecutor{id: id, runs: map[string]*checkpointedRun{}}
	dir := executorPath(r.meta, agentID, fwID, id)
	runs, err := os.ReadDir(filepath.Join(dir, runsDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return st, fmt.Errorf("%w: failed to find runs for executor '%s': %w", ErrRecovery, id, err)
	}
	for _, e := range runs {
		name := e.Name()
		if name == latestRun {
			target, err := filepath.EvalSymlinks(filepath.Join(dir, runsDir, name))
			if err != nil {
				r.log.Warn("Failed to find the latest run of executor", "executor", id, "framework", fwID, "err", err)
				continue
			}
			st.latest = filepath.Base(target)
			continue
		}
		if !e.IsDir() {
			continue
		}
		run, err := r.run(agentID, fwID, id, name, rebooted)
		if err != nil {
			return st, fmt.Errorf("failed to recover run %s of executor '%s': %w", name, id, err)
		}
		st.runs[name] = run
	}
	if st.latest == "" {
		r.log.Warn("Failed to find the latest run of executor", "executor", id, "framework", fwID)
		return st, nil
	}
	path := filepath.Join(dir, executorInfoFile)
	var info mesos.ExecutorInfo
	found, err := readMessage(path, &info)
	if err != nil {
		return st, r.fail("Failed to read executor info from '"+path+"'", err)
	}
	if !found {
		r.log.Warn("Failed to find executor info file", "path", path)
		return st, nil
	}
	st.info = &info
	path = filepath.Join(dir, generatedForCommandTaskFile)
	if b, err := os.ReadFile(path); err == nil {
		v, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			return st, fmt.Errorf("%w: could not parse '%s': %w", ErrRecovery, path, err)
		}
		st.generatedForCommandTask = v != 0
	} else if !errors.Is(err, fs.ErrNotExist) {
		return st, fmt.Errorf("%w: could not read '%s': %w", ErrRecovery, path, err)
	} else {
		// No record: Mesos's heuristic for checkpoints older than the file.
		st.generatedForCommandTask = strings.HasPrefix(info.Name, "Command Executor")
	}
	return st, nil
}

// run is RunState::recover: the sentinel, the tasks, and the forked pid the
// containerizer checkpointed (removed, unread, after a reboot: the pid is stale).
func (r *stateReader) run(agentID, fwID, exID, id string, rebooted bool) (*checkpointedRun, error) {
	st := &checkpointedRun{id: id, tasks: map[string]*checkpointedTask{}}
	dir := executorRunPath(r.meta, agentID, fwID, exID, id)
	if _, err := os.Stat(filepath.Join(dir, executorSentinelFile)); err == nil {
		st.completed = true
	}
	tasks, err := subdirs(filepath.Join(dir, tasksDir))
	if err != nil {
		return st, fmt.Errorf("%w: failed to find tasks for executor run %s: %w", ErrRecovery, id, err)
	}
	for _, t := range tasks {
		ts, err := r.task(agentID, fwID, exID, id, t)
		if err != nil {
			return st, fmt.Errorf("failed to recover task %s: %w", t, err)
		}
		st.tasks[t] = ts
	}
	path := filepath.Join(dir, pidsDir, forkedPIDFile)
	if rebooted {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return st, fmt.Errorf("%w: failed to remove executor forked pid file '%s': %w", ErrRecovery, path, err)
		}
		return st, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		r.log.Warn("Failed to find executor forked pid file", "path", path)
		return st, nil
	}
	if err != nil {
		return st, r.fail("Failed to read executor forked pid from '"+path+"'", err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		r.log.Warn("Found empty executor forked pid file", "path", path)
		return st, nil
	}
	pid, err := strconv.Atoi(s)
	if err != nil {
		return st, fmt.Errorf("%w: failed to parse forked pid '%s' from pid file '%s': %w", ErrRecovery, s, path, err)
	}
	st.forkedPID = pid
	return st, nil
}

// task is TaskState::recover: task.info, then task.updates, read record by record
// and truncated after the last complete one. A record cut short at the end (the
// agent died while appending it) is dropped even in strict mode, as protobuf::read
// with ignorePartial does; a record that does not decode fails strict recovery.
func (r *stateReader) task(agentID, fwID, exID, runID, id string) (*checkpointedTask, error) {
	st := &checkpointedTask{id: id, acks: map[[16]byte]bool{}}
	dir := taskPath(r.meta, agentID, fwID, exID, runID, id)
	path := filepath.Join(dir, taskInfoFile)
	var info mesos.Task
	found, err := readMessage(path, &info)
	if err != nil {
		return st, r.fail("Failed to read task info from '"+path+"'", err)
	}
	if !found {
		r.log.Warn("Failed to find task info file", "path", path)
		return st, nil
	}
	st.info = &info
	path = filepath.Join(dir, taskGroupFile)
	var group mesos.TaskGroupInfo
	if found, err := readMessage(path, &group); err != nil {
		// Ours, not Mesos's: without it the task is recovered as a group of its own.
		if err := r.fail("Failed to read task group from '"+path+"'", err); err != nil {
			return st, err
		}
	} else if found {
		st.group = &group
	}
	path = filepath.Join(dir, updatesFile)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		r.log.Warn("Failed to find status updates file", "path", path)
		return st, nil
	}
	if err != nil {
		return st, r.fail("Failed to open status updates file '"+path+"'", err)
	}
	defer f.Close()
	records, valid, rerr := readRecords(f)
	for _, rec := range records {
		if rec.Type == RecordUpdate {
			st.updates = append(st.updates, *rec.Update)
		} else if len(rec.UUID) == 16 {
			st.acks[[16]byte(rec.UUID)] = true
		} else if rerr == nil {
			rerr = fmt.Errorf("%w: ACK with a %d-byte uuid", ErrCorruptRecord, len(rec.UUID))
		}
	}
	if fi, err := f.Stat(); err != nil || fi.Size() != valid {
		if err := f.Truncate(valid); err != nil {
			return st, fmt.Errorf("%w: failed to truncate status updates file '%s': %w", ErrRecovery, path, err)
		}
	}
	switch {
	case rerr == nil:
	case errors.Is(rerr, io.ErrUnexpectedEOF):
		r.log.Warn("Dropped a partial status update record", "path", path, "err", rerr)
	default:
		return st, r.fail("Failed to read status updates file '"+path+"'", rerr)
	}
	return st, nil
}

// sortedValues returns m's values ordered by key (recovery goes by ID).
func sortedValues[V any](m map[string]V) []V {
	out := make([]V, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}
