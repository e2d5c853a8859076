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
