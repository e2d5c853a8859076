package agent

// attachSandbox exposes an executor's sandbox through /files under the three paths
// Framework::addExecutor attaches: the real directory, the runs/latest path under
// work_dir and the virtual /frameworks/<fw>/executors/<ex>/runs/latest.
func (a *Agent) attachSandbox(f *framework, e *executor) {
	for _, v := range a.sandboxPaths(f, e) {
		AttachFile(&a.Base, a.files, e.directory, v)
		a.attached[v] = true
	}
}

// detachSandbox undoes attachSandbox, unless a newer run of the executor now owns the
// latest paths.
func (a *Agent) detachSandbox(f *framework, e *executor) {
	newer := f.executors[e.id] != nil
	for i, v := range a.sandboxPaths(f, e) {
		if i > 0 && newer {
			continue
		}
		DetachFile(&a.Base, a.files, v)
		delete(a.attached, v)
	}
}

func (a *Agent) sandboxPaths(f *framework, e *executor) []string {
	return []string{
		e.directory,
		executorLatestRunPath(a.cfg.WorkDir, a.agentID(), f.id, e.id),
		executorVirtualPath(f.id, e.id),
	}
}
