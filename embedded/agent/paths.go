package agent

import "path/filepath"

// Directory layout of src/slave/paths.{hpp,cpp}.
const (
	slavesDir     = "slaves"
	frameworksDir = "frameworks"
	executorsDir  = "executors"
	runsDir       = "runs"
	tasksDir      = "tasks"
	containersDir = "containers" // nested containers' sandboxes in their parent's
	metaDir       = "meta"
	latestRun     = "latest"
	updatesFile   = "task.updates"

	// The checkpoint files of src/slave/paths.cpp (bodies are JSON here, see
	// state_checkpoint.go).
	bootIDFile                  = "boot_id"                             // BOOT_ID_FILE
	slaveInfoFile               = "slave.info"                          // SLAVE_INFO_FILE
	frameworkInfoFile           = "framework.info"                      // FRAMEWORK_INFO_FILE
	frameworkPIDFile            = "framework.pid"                       // FRAMEWORK_PID_FILE
	executorInfoFile            = "executor.info"                       // EXECUTOR_INFO_FILE
	executorSentinelFile        = "executor.sentinel"                   // EXECUTOR_SENTINEL_FILE
	generatedForCommandTaskFile = "executor_generated_for_command_task" // getExecutorGeneratedForCommandTaskPath
	forkedPIDFile               = "forked.pid"                          // FORKED_PID_FILE
	pidsDir                     = "pids"
	taskInfoFile                = "task.info" // TASK_INFO_FILE
	// terminationFile is mesoscope's own: the containerizer keeps an executor
	// container's termination in its run's meta directory before it removes the
	// container's runtime directory (see recoveredContainerTerminated).
	terminationFile = "termination"
	// taskGroupFile is mesoscope's own: the TaskGroupInfo a task of a default
	// executor came in, which Mesos's default executor keeps in its memory.
	taskGroupFile = "task.group"
)

// executorRunPath is paths::getExecutorRunPath:
// root/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>. With root =
// work_dir it is the sandbox, with root = work_dir/meta the checkpoint directory.
func executorRunPath(root, agentID, frameworkID, executorID, containerID string) string {
	return filepath.Join(root, slavesDir, agentID, frameworksDir, frameworkID,
		executorsDir, executorID, runsDir, containerID)
}

// executorLatestRunPath is paths::getExecutorLatestRunPath: the runs/latest symlink.
func executorLatestRunPath(root, agentID, frameworkID, executorID string) string {
	return filepath.Join(root, slavesDir, agentID, frameworksDir, frameworkID,
		executorsDir, executorID, runsDir, latestRun)
}

// executorVirtualPath is paths::getExecutorVirtualPath, the /files path of an
// executor's latest run that hides the work directory:
// /frameworks/<fw>/executors/<ex>/runs/latest.
func executorVirtualPath(frameworkID, executorID string) string {
	return "/" + filepath.Join(frameworksDir, frameworkID, executorsDir, executorID, runsDir, latestRun)
}

// taskUpdatesPath is paths::getTaskUpdatesPath under work_dir/meta.
func taskUpdatesPath(workDir, agentID, frameworkID, executorID, containerID, taskID string) string {
	return filepath.Join(executorRunPath(filepath.Join(workDir, metaDir), agentID, frameworkID, executorID, containerID),
		tasksDir, taskID, updatesFile)
}

// metaRoot is paths::getMetaRootDir: work_dir/meta.
func metaRoot(workDir string) string { return filepath.Join(workDir, metaDir) }

// bootIDPath is paths::getBootIdPath: meta/boot_id.
func bootIDPath(meta string) string { return filepath.Join(meta, bootIDFile) }

// latestAgentPath is paths::getLatestSlavePath: meta/slaves/latest.
func latestAgentPath(meta string) string { return filepath.Join(meta, slavesDir, latestRun) }

// agentPath is paths::getSlavePath: root/slaves/<agent>.
func agentPath(root, agentID string) string { return filepath.Join(root, slavesDir, agentID) }

// agentInfoPath is paths::getSlaveInfoPath: meta/slaves/<agent>/slave.info.
func agentInfoPath(meta, agentID string) string {
	return filepath.Join(agentPath(meta, agentID), slaveInfoFile)
}

// frameworkPath is paths::getFrameworkPath: root/slaves/<agent>/frameworks/<fw>.
func frameworkPath(root, agentID, frameworkID string) string {
	return filepath.Join(agentPath(root, agentID), frameworksDir, frameworkID)
}

// executorPath is paths::getExecutorPath: .../frameworks/<fw>/executors/<ex>.
func executorPath(root, agentID, frameworkID, executorID string) string {
	return filepath.Join(frameworkPath(root, agentID, frameworkID), executorsDir, executorID)
}

// taskPath is paths::getTaskPath: .../runs/<container>/tasks/<task>.
func taskPath(root, agentID, frameworkID, executorID, containerID, taskID string) string {
	return filepath.Join(executorRunPath(root, agentID, frameworkID, executorID, containerID), tasksDir, taskID)
}
