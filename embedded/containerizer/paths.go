package containerizer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Names of the files and directories of Mesos's layouts
// (src/slave/paths.{hpp,cpp} and src/slave/containerizer/mesos/paths.hpp).
const (
	latestSymlink       = "latest"            // paths::LATEST_SYMLINK
	containersDir       = "containers"        // CONTAINERS_DIR / CONTAINER_DIRECTORY
	pidFile             = "pid"               // containerizer::paths::PID_FILE
	statusFile          = "status"            // STATUS_FILE: raw wait status, written by the shim
	unstartedFile       = "unstarted"         // ours: the shim exited without starting the task
	configFile          = "config"            // CONTAINER_CONFIG_FILE (JSON here, protobuf in Mesos)
	terminationFile     = "termination"       // TERMINATION_FILE (nested containers)
	standaloneMarker    = "standalone.marker" // STANDALONE_MARKER_FILE
	startTimeFile       = "pid.start_time"    // ours: /proc/<pid>/stat field 22 of the shim
	forkedPidFile       = "forked.pid"        // paths::getForkedPidPath
	bootIDFile          = "boot_id"           // paths::getBootIdPath
	stdoutFile          = "stdout"            // sandbox log files
	stderrFile          = "stderr"            //
	sandboxEnv          = "MESOS_SANDBOX"     // set for every container
	procBootID          = "/proc/sys/kernel/random/boot_id"
	defaultAgentID      = "S0"
	defaultRuntimeDirIn = "run"
)

// layout computes Mesos's on-disk paths for one containerizer.
type layout struct {
	workDir    string // --work_dir
	runtimeDir string // --runtime_dir
	agentID    string
}

// executorRunPath is paths::getExecutorRunPath:
// work_dir/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>.
func (l layout) executorRunPath(fw, ex string, id ContainerID) string {
	return filepath.Join(l.executorPath(fw, ex), "runs", id.Value)
}

func (l layout) executorPath(fw, ex string) string {
	return filepath.Join(l.workDir, "slaves", l.agentID, "frameworks", fw, "executors", ex)
}

// standalonePath is paths::getContainerPath: work_dir/containers/<container>.
func (l layout) standalonePath(id ContainerID) string {
	return filepath.Join(l.workDir, containersDir, id.Value)
}

// nestedSandboxPath is containerizer::paths::getSandboxPath: each nesting
// level adds containers/<value> under the parent's sandbox.
func nestedSandboxPath(rootSandbox string, id ContainerID) string {
	chain := id.Chain()
	p := rootSandbox
	for _, v := range chain[1:] {
		p = filepath.Join(p, containersDir, v)
	}
	return p
}

// forkedPidPath is paths::getForkedPidPath under work_dir/meta.
func (l layout) forkedPidPath(fw, ex string, id ContainerID) string {
	return filepath.Join(l.workDir, "meta", "slaves", l.agentID, "frameworks", fw,
		"executors", ex, "runs", id.Value, "pids", forkedPidFile)
}

func (l layout) bootIDPath() string { return filepath.Join(l.workDir, "meta", bootIDFile) }

// runtimePath is containerizer::paths::getRuntimePath:
// runtime_dir/containers/<root>/containers/<child>/...
func (l layout) runtimePath(id ContainerID) string {
	p := l.runtimeDir
	for _, v := range id.Chain() {
		p = filepath.Join(p, containersDir, v)
	}
	return p
}

// runtimeContainerIDs walks runtime_dir/containers and returns every
// container with a runtime directory, parents before children (like
// containerizer::paths::getContainerIds).
func (l layout) runtimeContainerIDs() ([]ContainerID, error) {
	var out []ContainerID
	var walk func(dir string, parent *ContainerID) error
	walk = func(dir string, parent *ContainerID) error {
		entries, err := os.ReadDir(filepath.Join(dir, containersDir))
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			id := ContainerID{Value: e.Name(), Parent: parent}
			if id.Validate() != nil {
				continue
			}
			out = append(out, id)
			idc := id.clone()
			if err := walk(filepath.Join(dir, containersDir, e.Name()), &idc); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(l.runtimeDir, nil); err != nil {
		return nil, fmt.Errorf("containerizer: list runtime containers: %w", err)
	}
	return out, nil
}

// checkpoint writes data to path atomically (temporary file in the same
// directory, then rename), like slave::state::checkpoint with sync=false.
func checkpoint(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// maxIntFile bounds what readInt reads: a decimal int64 and a newline fit.
const maxIntFile = 64

// readInt reads a file holding one decimal integer; ok is false when the
// file is absent or empty (an interrupted write). It uses open, read and
// close directly (no *os.File, which would try to register a regular file
// with the poller): a destroy reads the shim's status with it, a thousand
// at a time.
func readInt(path string) (v int64, ok bool, err error) {
	fd, err := openRetry(path)
	if errors.Is(err, syscall.ENOENT) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var buf [maxIntFile + 1]byte
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return 0, false, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			break
		}
		n += m
	}
	if n > maxIntFile {
		return 0, false, fmt.Errorf("parse %s: more than %d bytes", path, maxIntFile)
	}
	s := strings.TrimSpace(string(buf[:n]))
	if s == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("parse %s: %w", path, err)
	}
	return v, true, nil
}

func openRetry(path string) (int, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// removeRuntimeDir removes a container's runtime directory: its known files
// one by one, then the directory; only when something else is left (a
// nested container's directory, a stray file) does it fall back to
// os.RemoveAll, which lists the directory first and costs about three
// times the system calls. An absent directory is not an error.
func removeRuntimeDir(dir string) error {
	// The files a container's runtime directory can hold.
	for _, name := range [...]string{configFile, standaloneMarker, startTimeFile, pidFile, statusFile, unstartedFile, supervisedFile, terminationFile} {
		syscall.Unlink(dir + string(filepath.Separator) + name)
	}
	err := syscall.Rmdir(dir)
	if err == nil || err == syscall.ENOENT {
		return nil
	}
	return os.RemoveAll(dir)
}
