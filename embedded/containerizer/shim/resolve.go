package shim

import (
	"strings"
	"syscall"
)

// defaultPath is the PATH searched when the task's environment has none
// (execvp's default, as glibc has it).
const defaultPath = "/bin:/usr/bin"

// ResolvePath chooses the executable of a command run without a shell the
// way Mesos's launch helper does (src/slave/containerizer/mesos/launch.cpp,
// before os::execvp): a relative name is first looked up in the working
// directory (os::which(executable, working_directory)), so that a fetched
// "tool" or "./tool" in the sandbox runs; a bare name not found there is
// then searched in the PATH of the task's environment, as execvp does. An
// absolute path, or a name found nowhere, comes back unchanged (the exec
// then fails with ENOENT, and the task's stderr says so).
func ResolvePath(path, dir string, env []string) string {
	if path == "" || path[0] == '/' {
		return path
	}
	if dir != "" {
		if p := join(dir, path); isExecutable(p) {
			return p
		}
	}
	if strings.ContainsRune(path, '/') {
		return path
	}
	search := defaultPath
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			search = v
		}
	}
	for d := range strings.SplitSeq(search, ":") {
		if d == "" {
			d = "." // an empty PATH element is the current directory
			if dir != "" {
				d = dir
			}
		}
		if p := join(d, path); isExecutable(p) {
			return p
		}
	}
	return path
}

func join(dir, name string) string {
	return strings.TrimSuffix(dir, "/") + "/" + strings.TrimPrefix(name, "./")
}

// isExecutable reports whether path is a regular file with an execute bit.
func isExecutable(path string) bool {
	var st syscall.Stat_t
	if syscall.Stat(path, &st) != nil {
		return false
	}
	return st.Mode&syscall.S_IFMT == syscall.S_IFREG && st.Mode&0o111 != 0
}
