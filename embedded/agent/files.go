package agent

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/mesoscope/mesoscope/embedded/process"
)

// FilesID is the id of the files process (Mesos spawns it as "files").
const FilesID = "files"

// Message names of the files process's attach and detach requests.
const (
	attachFileMessage = "mesoscope.files.Attach"
	detachFileMessage = "mesoscope.files.Detach"
)

// maxReadLength caps one /files/read (16 pages, as FilesProcess::_read caps it).
func maxReadLength() int64 { return int64(os.Getpagesize() * 16) }

// Files is the files process (src/files/files.cpp FilesProcess): directories and files
// attached under virtual paths, browsable with /files/browse and readable with
// /files/read. One per runtime, shared by every agent on it (SpawnFiles); agents
// attach and detach by message (AttachFile, DetachFile).
//
// Requests never reach outside what is attached: the requested path is cleaned and
// may not contain "..", it is matched against the attached virtual paths by longest
// prefix, and the real path, with symlinks resolved, must lie inside the attached
// directory (Mesos checks a string prefix; here the match is per path element).
type Files struct {
	process.Base
	paths map[string]string // cleaned virtual path → real path (symlinks resolved)
	auth  func(*process.Request) *process.Response
}

type attachRequest struct {
	Path        string `json:"path"`
	VirtualPath string `json:"virtual_path"`
}

// SpawnFiles spawns the runtime's files process, or returns the one already there.
// auth, when non-nil, authenticates every request (nil lets it through, otherwise it is
// the response to give); the files process is shared, so the first agent's auth holds.
func SpawnFiles(rt *process.Runtime, auth func(*process.Request) *process.Response) (process.PID, error) {
	pid := rt.PID(FilesID)
	if rt.Exists(pid) {
		return pid, nil
	}
	f := &Files{paths: map[string]string{}, auth: auth}
	if _, err := rt.Spawn(FilesID, f); err != nil {
		if rt.Exists(pid) {
			return pid, nil // another agent spawned it first
		}
		return process.PID{}, fmt.Errorf("agent: spawn files process: %w", err)
	}
	return pid, nil
}

// Sender is what can send a message: a process's *process.Base, or a *process.Runtime.
type Sender interface {
	Send(to process.PID, name string, body any)
}

// AttachFile asks the files process to expose path (a directory or a file) under
// virtualPath (FilesProcess::attach). The path is resolved when the request is
// handled; a path that does not exist is logged and not attached.
func AttachFile(s Sender, files process.PID, path, virtualPath string) {
	if files.IsZero() {
		return
	}
	s.Send(files, attachFileMessage, attachRequest{Path: path, VirtualPath: virtualPath})
}

// DetachFile removes a virtual path (FilesProcess::detach).
func DetachFile(s Sender, files process.PID, virtualPath string) {
	if files.IsZero() {
		return
	}
	s.Send(files, detachFileMessage, attachRequest{VirtualPath: virtualPath})
}

// Initialize installs the attach/detach handlers and the routes (FilesProcess::
// initialize).
func (f *Files) Initialize() {
	process.Install(&f.Base, attachFileMessage, func(_ process.PID, r attachRequest) {
		if err := f.attach(r.Path, r.VirtualPath); err != nil {
			f.Runtime().Logger().Warn("Failed to attach file", "path", r.Path, "virtual_path", r.VirtualPath, "err", err)
		}
	})
	process.Install(&f.Base, detachFileMessage, func(_ process.PID, r attachRequest) {
		delete(f.paths, cleanVirtual(r.VirtualPath))
	})
	guard := func(h func(*process.Request) process.Response) func(*process.Request) process.Response {
		return func(r *process.Request) process.Response {
			if f.auth != nil {
				if denied := f.auth(r); denied != nil {
					return *denied
				}
			}
			return h(r)
		}
	}
	f.RouteFunc("/browse", "Returns a file listing for a directory.\n\nQuery parameters:\n\n>        path=VALUE          The path of directory to browse.", guard(f.browse))
	f.RouteFunc("/read", "Reads data from a file.\n\nQuery parameters:\n\n>        path=VALUE          The path of directory to browse.\n>        offset=VALUE        Value added to base address to obtain a second address\n>        length=VALUE        Length of file to read.", guard(f.read))
	f.RouteFunc("/debug", "Returns the internal virtual path mapping.", guard(f.debug))
}

// attach resolves path and records it under virtualPath.
func (f *Files) attach(path, virtualPath string) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("agent: files: attach %q: failed to get realpath: %w", path, err)
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return fmt.Errorf("agent: files: attach %q: %w", path, err)
	}
	f.paths[cleanVirtual(virtualPath)] = real
	return nil
}

// cleanVirtual strips trailing slashes, as FilesProcess::attach does.
func cleanVirtual(p string) string {
	for len(p) > 1 && strings.HasSuffix(p, "/") {
		p = p[:len(p)-1]
	}
	return p
}

// errNotFound and errInvalid classify resolve's failures (FilesError::NOT_FOUND and
// INVALID).
var (
	errNotFound = errors.New("not found")
	errInvalid  = errors.New("invalid path")
)

// resolve is FilesProcess::resolve: the longest attached prefix of the virtual path,
// with the rest joined below it if it is a directory, symlinks resolved and the
// result checked to stay inside the attached path.
func (f *Files) resolve(virtual string) (string, error) {
	if virtual == "" {
		return "", fmt.Errorf("%w: empty path", errInvalid)
	}
	for _, part := range strings.Split(virtual, "/") {
		if part == ".." {
			return "", fmt.Errorf("%w: '%s' contains '..'", errInvalid, virtual)
		}
	}
	if strings.ContainsRune(virtual, 0) {
		return "", fmt.Errorf("%w: '%s' contains NUL", errInvalid, virtual)
	}
	tokens := strings.Split(cleanVirtual(virtual), "/")
	var suffix []string
	for len(tokens) > 0 {
		prefix := strings.Join(tokens, "/")
		if prefix == "" {
			prefix = "/"
		}
		base, ok := f.paths[prefix]
		if !ok {
			suffix = append([]string{tokens[len(tokens)-1]}, suffix...)
			tokens = tokens[:len(tokens)-1]
			continue
		}
		st, err := os.Stat(base)
		if err != nil {
			return "", fmt.Errorf("%w: %w", errNotFound, err)
		}
		if !st.IsDir() {
			if len(nonEmpty(suffix)) > 0 {
				return "", errNotFound
			}
			return base, nil
		}
		joined := filepath.Join(append([]string{base}, suffix...)...)
		real, err := filepath.EvalSymlinks(joined)
		if errors.Is(err, fs.ErrNotExist) {
			return "", errNotFound
		}
		if err != nil {
			return "", fmt.Errorf("%w: failed to determine canonical path of '%s': %w", errInvalid, joined, err)
		}
		if !within(real, base) {
			return "", fmt.Errorf("%w: '%s' is inaccessible", errInvalid, joined)
		}
		return real, nil
	}
	return "", errNotFound
}

func nonEmpty(s []string) []string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// within reports whether path is base or below it, element-wise.
func within(path, base string) bool {
	rel, err := filepath.Rel(base, path)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, "../"))
}

// fileErrorResponse maps resolve's errors to Mesos's statuses.
func fileErrorResponse(err error) process.Response {
	switch {
	case errors.Is(err, errNotFound):
		return process.NotFound("")
	case errors.Is(err, errInvalid):
		return process.BadRequest(err.Error() + ".\n")
	}
	return process.InternalServerError(err.Error() + ".\n")
}

// FileInfo is the /files/browse entry of one file (model(FileInfo) in
// src/common/http.cpp).
type FileInfo struct {
	Path  string  `json:"path"`
	Nlink uint64  `json:"nlink"`
	Size  int64   `json:"size"`
	Mtime float64 `json:"mtime"`
	Mode  string  `json:"mode"`
	UID   string  `json:"uid"`
	GID   string  `json:"gid"`
}

// browse is FilesProcess::_browse: the entries of a directory, sorted by path.
func (f *Files) browse(r *process.Request) process.Response {
	path := r.URL.Query().Get("path")
	if path == "" {
		return process.BadRequest("Expecting 'path=value' in query.\n")
	}
	real, err := f.resolve(path)
	if err != nil {
		return fileErrorResponse(err)
	}
	entries, err := os.ReadDir(real)
	if err != nil {
		entries = nil // a file, or unreadable: an empty listing, as os::ls failing gives
	}
	out := []FileInfo{}
	for _, e := range entries {
		full := filepath.Join(real, e.Name())
		st, err := os.Stat(full)
		if err != nil {
			continue
		}
		out = append(out, fileInfo(strings.TrimSuffix(path, "/")+"/"+e.Name(), st))
	}
	slices.SortFunc(out, func(a, b FileInfo) int { return strings.Compare(a.Path, b.Path) })
	return process.JSON(out)
}

// fileInfo is protobuf::createFileInfo with model(FileInfo)'s rendering.
func fileInfo(path string, st os.FileInfo) FileInfo {
	fi := FileInfo{Path: path, Size: st.Size(), Mtime: float64(st.ModTime().Unix()), Mode: modeString(st.Mode())}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		fi.Nlink = uint64(sys.Nlink)
		fi.UID = strconv.FormatUint(uint64(sys.Uid), 10)
		if u, err := user.LookupId(fi.UID); err == nil {
			fi.UID = u.Username
		}
		fi.GID = strconv.FormatUint(uint64(sys.Gid), 10)
		if g, err := user.LookupGroupId(fi.GID); err == nil {
			fi.GID = g.Name
		}
	}
	return fi
}

// modeString renders "drwxr-xr-x" as model(FileInfo) does.
func modeString(m os.FileMode) string {
	t := byte('-')
	switch {
	case m.IsDir():
		t = 'd'
	case m&os.ModeCharDevice != 0:
		t = 'c'
	case m&os.ModeDevice != 0:
		t = 'b'
	case m&os.ModeNamedPipe != 0:
		t = 'p'
	case m&os.ModeSymlink != 0:
		t = 'l'
	case m&os.ModeSocket != 0:
		t = 's'
	}
	b := []byte{t}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if m&(1<<uint(8-i)) != 0 {
			b = append(b, rwx[i])
		} else {
			b = append(b, '-')
		}
	}
	return string(b)
}

// readResult is the /files/read body.
type readResult struct {
	Data   string `json:"data"`
	Offset int64  `json:"offset"`
}

// read is FilesProcess::__read and _read: up to length bytes (at most 16 pages) from
// offset. offset=-1 (or a zero length) answers with the file's size as the offset and
// no data, as the web UI's pailer expects.
func (f *Files) read(r *process.Request) process.Response {
	q := r.URL.Query()
	path := q.Get("path")
	if path == "" {
		return process.BadRequest("Expecting 'path=value' in query.\n")
	}
	offset := int64(-1)
	if q.Has("offset") {
		v, err := strconv.ParseInt(q.Get("offset"), 10, 64)
		if err != nil {
			return process.BadRequest(fmt.Sprintf("Failed to parse offset: %v.\n", err))
		}
		if v < -1 {
			return process.BadRequest(fmt.Sprintf("Negative offset provided: %d.\n", v))
		}
		offset = v
	}
	length := int64(-1)
	if q.Has("length") {
		v, err := strconv.ParseInt(q.Get("length"), 10, 64)
		if err != nil {
			return process.BadRequest(fmt.Sprintf("Failed to parse length: %v.\n", err))
		}
		if v < -1 {
			return process.BadRequest(fmt.Sprintf("Negative length provided: %d.\n", v))
		}
		length = v
	}
	start := offset
	if offset == -1 {
		start, length = 0, 0
	}
	real, err := f.resolve(path)
	if err != nil {
		return fileErrorResponse(err)
	}
	file, err := os.Open(real)
	if err != nil {
		return process.InternalServerError(fmt.Sprintf("Failed to open file at '%s': %v.\n", real, err))
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return process.InternalServerError(fmt.Sprintf("Failed to open file at '%s': %v.\n", real, err))
	}
	if st.IsDir() {
		return process.BadRequest("Cannot read a directory.\n")
	}
	size := st.Size()
	res := readResult{Offset: offset}
	if offset == -1 {
		res.Offset = size
	}
	if start >= size || length == 0 {
		return process.JSON(res)
	}
	if length < 0 {
		length = size - start
	}
	length = min(length, maxReadLength())
	buf := make([]byte, length)
	n, err := file.ReadAt(buf, start)
	if err != nil && !errors.Is(err, io.EOF) {
		return process.InternalServerError(fmt.Sprintf("Failed to read file at '%s': %v.\n", real, err))
	}
	res.Data = string(buf[:n])
	return process.JSON(res)
}

// debug is FilesProcess::debug: the virtual path → real path table.
func (f *Files) debug(*process.Request) process.Response {
	out := make(map[string]string, len(f.paths))
	for _, k := range slices.Sorted(maps.Keys(f.paths)) {
		out[k] = f.paths[k]
	}
	return process.JSON(out)
}
