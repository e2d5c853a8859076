package agent

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// emptyUPID is how Mesos writes a framework without a v0 scheduler PID (an HTTP
// framework) to framework.pid: stringify(UPID()), "id@ip:port" with every part empty.
const emptyUPID = "@0.0.0.0:0"

// checkpointFile is slave::state::checkpoint (src/slave/state.hpp): body goes to a
// temporary file in path's directory (created as needed), which is renamed over path,
// so that a reader finds either the old body or the new one, never a mix, whenever
// the agent dies. With sync (Config.CheckpointSync; Mesos's sync argument, false in
// every call of the agent) the file and then the directory are fsynced too, so that
// the checkpoint also survives a crash of the machine.
func checkpointFile(path string, body []byte, sync bool) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("failed to create directory '%s': %w", dir, err)
	}
	f, err := os.CreateTemp(dir, ".checkpoint-")
	if err != nil {
		return fmt.Errorf("failed to create temporary file: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(body)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("failed to write temporary file '%s': %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("failed to rename '%s' to '%s': %w", tmp, path, err)
	}
	if sync {
		return syncDir(dir)
	}
	return nil
}

// syncDir fsyncs a directory, making a rename or a new entry in it durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("failed to open directory '%s': %w", dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("failed to sync directory '%s': %w", dir, err)
	}
	return nil
}

// checkpointMessage checkpoints v as JSON (Mesos writes the serialized protobuf).
func checkpointMessage(path string, v any, sync bool) error {
	body, err := mesos.Marshal(v)
	if err != nil {
		return fmt.Errorf("failed to encode '%s': %w", path, err)
	}
	return checkpointFile(path, body, sync)
}

// replaceSymlink points link at target, replacing what link was (the "latest"
// symlinks of paths::createSlaveDirectory and createExecutorDirectory). The new link
// is made under a temporary name and renamed over the old one, so "latest" never
// disappears; with sync the directory is fsynced.
func replaceSymlink(target, link string, sync bool) error {
	tmp := link + ".tmp"
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("failed to symlink '%s' to '%s': %w", target, link, err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("failed to symlink '%s' to '%s': %w", target, link, err)
	}
	if sync {
		return syncDir(filepath.Dir(link))
	}
	return nil
}

// meta returns the agent's meta directory, work_dir/meta.
func (a *Agent) meta() string { return metaRoot(a.cfg.WorkDir) }

// sync reports whether checkpoints are fsynced (Config.CheckpointSync).
func (a *Agent) sync() bool { return a.cfg.CheckpointSync }

// checkpointFailed logs a checkpoint that could not be written. Mesos CHECK-fails
// (the agent aborts); mesoscope's agent keeps running without that checkpoint, so a
// later recovery finds less.
func (a *Agent) checkpointFailed(what string, err error) {
	a.log.Error("Failed to checkpoint "+what, "err", err)
}

// checkpointAgentInfo is what Slave::registered does with a new agent ID:
// paths::createSlaveDirectory (meta/slaves/<id>, and meta/slaves/latest pointing at
// it) and the SlaveInfo checkpointed to slave.info, with its resources in the
// pre-reservation-refinement format, as state::checkpoint downgrades them.
func (a *Agent) checkpointAgentInfo() {
	dir := agentPath(a.meta(), a.agentID())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		a.checkpointFailed("agent directory", err)
		return
	}
	if err := replaceSymlink(dir, latestAgentPath(a.meta()), a.sync()); err != nil {
		a.checkpointFailed("latest agent symlink", err)
	}
	if err := checkpointMessage(agentInfoPath(a.meta(), a.agentID()), a.agentInfo(), a.sync()); err != nil {
		a.checkpointFailed("SlaveInfo", err)
	}
}

// checkpointFramework is Framework::checkpointFramework: framework.info and
// framework.pid (emptyUPID for frameworks without a v0 PID) of a checkpointing
// framework.
func (a *Agent) checkpointFramework(f *framework) {
	if !f.info.Checkpoint || a.agentID() == "" {
		return
	}
	dir := frameworkPath(a.meta(), a.agentID(), f.id)
	if err := checkpointMessage(filepath.Join(dir, frameworkInfoFile), f.info, a.sync()); err != nil {
		a.checkpointFailed("FrameworkInfo", err)
	}
	pid := f.pid
	if pid == "" {
		pid = emptyUPID
	}
	if err := checkpointFile(filepath.Join(dir, frameworkPIDFile), []byte(pid), a.sync()); err != nil {
		a.checkpointFailed("framework pid", err)
	}
}

// checkpointExecutor is Executor::checkpointExecutor: executor.info,
// executor_generated_for_command_task ("1" or "0") and the executor's run directory
// in the meta directory, with runs/latest pointing at it (createExecutorDirectory).
func (a *Agent) checkpointExecutor(f *framework, e *executor) {
	if !e.checkpoint {
		return
	}
	dir := executorPath(a.meta(), a.agentID(), f.id, e.id)
	if err := checkpointMessage(filepath.Join(dir, executorInfoFile), e.info, a.sync()); err != nil {
		a.checkpointFailed("ExecutorInfo", err)
	}
	if err := checkpointFile(filepath.Join(dir, generatedForCommandTaskFile), []byte(strconv.Itoa(btoi(e.commandTask))), a.sync()); err != nil {
		a.checkpointFailed("executor_generated_for_command_task", err)
	}
	run := executorRunPath(a.meta(), a.agentID(), f.id, e.id, e.containerID)
	if err := os.MkdirAll(run, 0o755); err != nil {
		a.checkpointFailed("executor run directory", err)
		return
	}
	if err := replaceSymlink(run, executorLatestRunPath(a.meta(), a.agentID(), f.id, e.id), a.sync()); err != nil {
		a.checkpointFailed("latest executor run symlink", err)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkpointTask is Executor::checkpointTask: the Task the agent keeps for a task
// (protobuf::createTask(task, TASK_STAGING)) goes to task.info before the task is
// queued or launched.
func (a *Agent) checkpointTask(f *framework, e *executor, t *mesos.Task) {
	if !e.checkpoint {
		return
	}
	path := filepath.Join(taskPath(a.meta(), a.agentID(), f.id, e.id, e.containerID, t.TaskID.Value), taskInfoFile)
	if err := checkpointMessage(path, t, a.sync()); err != nil {
		a.checkpointFailed("TaskInfo", err)
	}
}

// checkpointTaskGroup checkpoints, next to each task's task.info, the TaskGroupInfo
// the task came in (task.group, mesoscope's own file). Mesos's default executor keeps
// its groups in its own memory and survives an agent restart; the agent that plays
// it here needs them back to recover the group's children (their commands, health
// checks and the kill of the rest of a group when one fails).
func (a *Agent) checkpointTaskGroup(f *framework, e *executor, g *taskGroup) {
	if !e.checkpoint {
		return
	}
	group := mesos.TaskGroupInfo{Tasks: g.tasks}
	for _, t := range g.tasks {
		path := filepath.Join(taskPath(a.meta(), a.agentID(), f.id, e.id, e.containerID, t.TaskID.Value), taskGroupFile)
		if err := checkpointMessage(path, group, a.sync()); err != nil {
			a.checkpointFailed("TaskGroupInfo", err)
		}
	}
}

// checkpointSentinel is what Slave::removeExecutor does for a checkpointing
// executor: it touches executor.sentinel in the run's meta directory, marking the
// run completed (every task terminal and acknowledged), so recovery does not wait
// for it again.
func (a *Agent) checkpointSentinel(f *framework, e *executor) {
	if !e.checkpoint {
		return
	}
	path := filepath.Join(executorRunPath(a.meta(), a.agentID(), f.id, e.id, e.containerID), executorSentinelFile)
	if err := checkpointFile(path, nil, a.sync()); err != nil {
		a.checkpointFailed("executor sentinel", err)
	}
}

// checkpointBootID is the end of recovery (Slave::__recover): meta/boot_id takes
// the running kernel's boot ID, against which the next start detects a reboot.
func (a *Agent) checkpointBootID() {
	id, err := currentBootID()
	if err != nil {
		a.log.Error("Could not retrieve boot id", "err", err)
		return
	}
	if err := checkpointFile(bootIDPath(a.meta()), []byte(id), a.sync()); err != nil {
		a.checkpointFailed("boot id", err)
	}
}
