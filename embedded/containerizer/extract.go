package containerizer

import (
	"archive/tar"
	"archive/zip"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// archiveKind is the format recognised from a file name's extension, as
// the mesos-fetcher's extract() (src/launcher/fetcher.cpp) decides.
type archiveKind int

const (
	notArchive archiveKind = iota
	archiveTar
	archiveTarGz
	archiveTarBz2
	archiveTarXz
	archiveZip
	archiveGz // a bare gzip'ed file
)

func archiveKindOf(name string) archiveKind {
	switch {
	case strings.HasSuffix(name, ".tar"):
		return archiveTar
	case strings.HasSuffix(name, ".tgz"), strings.HasSuffix(name, ".tar.gz"):
		return archiveTarGz
	case strings.HasSuffix(name, ".tbz2"), strings.HasSuffix(name, ".tar.bz2"):
		return archiveTarBz2
	case strings.HasSuffix(name, ".txz"), strings.HasSuffix(name, ".tar.xz"):
		return archiveTarXz
	case strings.HasSuffix(name, ".zip"):
		return archiveZip
	case strings.HasSuffix(name, ".gz"):
		return archiveGz
	}
	return notArchive
}

// ErrUnsafeArchive is wrapped by every error for an archive entry that would
// land outside the sandbox.
var ErrUnsafeArchive = errors.New("unsafe archive entry")

// extractor unpacks archives into root without letting anything escape it:
// entry names must be relative with no ".." components (Mesos's
// ARCHIVE_EXTRACT_SECURE_NODOTDOT), nothing is written through a symlink,
// symlinks must resolve inside root and are created last, hard links must
// name a regular file already extracted, set-id bits are dropped, device
// and FIFO entries are skipped, and at most limit bytes are written.
type extractor struct {
	root     string
	limit    int64
	written  int64
	symlinks []pendingLink
}

type pendingLink struct{ name, target string }

// extract unpacks src into dir when its name is a recognised archive and
// reports whether it was one. limit caps the bytes written (<= 0: none).
func extract(src, name, dir string, limit int64) (bool, error) {
	kind := archiveKindOf(name)
	if kind == notArchive {
		return false, nil
	}
	x := &extractor{root: dir, limit: limit}
	var err error
	switch kind {
	case archiveZip:
		err = x.zip(src)
	case archiveTarXz:
		err = errors.New("xz compression is not supported")
	case archiveGz:
		err = x.gunzip(src, strings.TrimSuffix(filepath.Base(name), ".gz"))
	default:
		err = x.tarFile(src, kind)
	}
	if err != nil {
		return true, fmt.Errorf("extract %q to %q: %w", filepath.Base(name), dir, err)
	}
	return true, nil
}

func (x *extractor) tarFile(src string, kind archiveKind) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	switch kind {
	case archiveTarGz:
		gz, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		defer gz.Close()
		r = gz
	case archiveTarBz2:
		r = bzip2.NewReader(f)
	}
	return x.tar(r)
}

func (x *extractor) tar(r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		mode := os.FileMode(h.Mode).Perm()
		switch h.Typeflag {
		case tar.TypeDir:
			if _, err := x.mkdirAll(h.Name, mode|0o700); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := x.writeFile(h.Name, tr, mode); err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := x.addSymlink(h.Name, h.Linkname); err != nil {
				return err
			}
		case tar.TypeLink:
			if err := x.hardlink(h.Name, h.Linkname); err != nil {
				return err
			}
		default:
			// Devices, FIFOs, pax/GNU metadata: nothing to create.
			if _, err := safeJoin(x.root, h.Name); err != nil && h.Typeflag != tar.TypeXGlobalHeader {
				return err
			}
		}
	}
	return x.finishSymlinks()
}

func (x *extractor) zip(src string) error {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, f := range zr.File {
		mode := f.Mode()
		switch {
		case mode.IsDir() || strings.HasSuffix(f.Name, "/"):
			if _, err := x.mkdirAll(f.Name, mode.Perm()|0o700); err != nil {
				return err
			}
		case mode&os.ModeSymlink != 0:
			rc, err := f.Open()
			if err != nil {
				return err
			}
			target, err := io.ReadAll(io.LimitReader(rc, 4096))
			rc.Close()
			if err != nil {
				return err
			}
			if err := x.addSymlink(f.Name, string(target)); err != nil {
				return err
			}
		case mode.IsRegular():
			rc, err := f.Open()
			if err != nil {
				return err
			}
			err = x.writeFile(f.Name, rc, mode.Perm())
			rc.Close()
			if err != nil {
				return err
			}
		default:
			if _, err := safeJoin(x.root, f.Name); err != nil {
				return err
			}
		}
	}
	return x.finishSymlinks()
}

func (x *extractor) gunzip(src, name string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	defer gz.Close()
	return x.writeFile(name, gz, 0o644)
}

// safeJoin resolves an archive entry name under root lexically. It rejects
// empty and absolute names, NUL and backslashes, and any ".." component.
func safeJoin(root, name string) (string, error) {
	if name == "" || strings.ContainsAny(name, "\x00\\") {
		return "", fmt.Errorf("%w: %q has an empty name or illegal characters", ErrUnsafeArchive, name)
	}
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("%w: %q is an absolute path", ErrUnsafeArchive, name)
	}
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return "", fmt.Errorf("%w: %q contains '..'", ErrUnsafeArchive, name)
		}
	}
	rel := filepath.Clean(name)
	if rel == "." {
		return root, nil
	}
	return filepath.Join(root, rel), nil
}

// checkAncestors verifies that every existing directory between root and p
// is a real directory, so nothing is written through a symlink.
func (x *extractor) checkAncestors(p string) error {
	rel, err := filepath.Rel(x.root, p)
	if err != nil || rel == "." {
		return err
	}
	parts := strings.Split(rel, string(filepath.Separator))
	cur := x.root
	for _, c := range parts[:len(parts)-1] {
		cur = filepath.Join(cur, c)
		fi, err := os.Lstat(cur)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			return fmt.Errorf("%w: %q passes through %q, which is not a directory", ErrUnsafeArchive, rel, cur)
		}
	}
	return nil
}

// mkdirAll creates name (relative to root) and its parents without
// following symlinks.
func (x *extractor) mkdirAll(name string, mode os.FileMode) (string, error) {
	p, err := safeJoin(x.root, name)
	if err != nil {
		return "", err
	}
	rel, _ := filepath.Rel(x.root, p)
	if rel == "." {
		return p, nil
	}
	cur := x.root
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, c)
		fi, err := os.Lstat(cur)
		switch {
		case err == nil && fi.IsDir():
			continue
		case err == nil:
			return "", fmt.Errorf("%w: %q passes through %q, which is not a directory", ErrUnsafeArchive, name, cur)
		case errors.Is(err, os.ErrNotExist):
			if err := os.Mkdir(cur, mode.Perm()|0o700); err != nil {
				return "", err
			}
		default:
			return "", err
		}
	}
	return p, nil
}

// writeFile creates name with r's content, replacing a previous entry of
// the same name but never following a symlink.
func (x *extractor) writeFile(name string, r io.Reader, mode os.FileMode) error {
	p, err := safeJoin(x.root, name)
	if err != nil {
		return err
	}
	if p == x.root {
		return fmt.Errorf("%w: %q names the sandbox itself", ErrUnsafeArchive, name)
	}
	if _, err := x.mkdirAll(filepath.Dir(strings.TrimSuffix(name, "/")), 0o755); err != nil && filepath.Dir(name) != "." {
		return err
	}
	if err := x.checkAncestors(p); err != nil {
		return err
	}
	if fi, err := os.Lstat(p); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("%w: %q would replace a directory", ErrUnsafeArchive, name)
		}
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, mode.Perm()|0o600)
	if err != nil {
		return err
	}
	var src io.Reader = r
	if x.limit > 0 {
		src = io.LimitReader(r, x.limit-x.written+1)
	}
	n, err := io.Copy(f, src)
	x.written += n
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if x.limit > 0 && x.written > x.limit {
		return fmt.Errorf("extracted content exceeds the limit of %d bytes", x.limit)
	}
	return os.Chmod(p, mode.Perm())
}

// addSymlink validates a symlink entry and defers its creation to the end.
func (x *extractor) addSymlink(name, target string) error {
	p, err := safeJoin(x.root, name)
	if err != nil {
		return err
	}
	if p == x.root {
		return fmt.Errorf("%w: symlink %q names the sandbox itself", ErrUnsafeArchive, name)
	}
	if err := checkLinkTarget(x.root, p, target); err != nil {
		return err
	}
	x.symlinks = append(x.symlinks, pendingLink{name: name, target: target})
	return nil
}

// checkLinkTarget rejects a symlink at p whose target is absolute, empty or
// lexically outside root.
func checkLinkTarget(root, p, target string) error {
	if target == "" || strings.ContainsRune(target, 0) {
		return fmt.Errorf("%w: symlink %q has an empty or illegal target", ErrUnsafeArchive, p)
	}
	if filepath.IsAbs(target) {
		return fmt.Errorf("%w: symlink %q points to absolute path %q", ErrUnsafeArchive, p, target)
	}
	if !within(root, filepath.Join(filepath.Dir(p), target)) {
		return fmt.Errorf("%w: symlink %q points outside the sandbox (%q)", ErrUnsafeArchive, p, target)
	}
	return nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// finishSymlinks creates the deferred symlinks, then checks each against the
// finished tree: a link whose resolution (through other links) leaves root
// is removed and the extraction fails.
func (x *extractor) finishSymlinks() error {
	var made []string
	for _, l := range x.symlinks {
		p, _ := safeJoin(x.root, l.name)
		if _, err := x.mkdirAll(filepath.Dir(l.name), 0o755); err != nil && filepath.Dir(l.name) != "." {
			return err
		}
		if err := x.checkAncestors(p); err != nil {
			return err
		}
		if fi, err := os.Lstat(p); err == nil {
			if fi.IsDir() {
				return fmt.Errorf("%w: symlink %q would replace a directory", ErrUnsafeArchive, l.name)
			}
			if err := os.Remove(p); err != nil {
				return err
			}
		}
		if err := os.Symlink(l.target, p); err != nil {
			return err
		}
		made = append(made, p)
	}
	realRoot, err := filepath.EvalSymlinks(x.root)
	if err != nil {
		return err
	}
	for _, p := range made {
		if !resolvesWithin(realRoot, p) {
			for _, q := range made {
				os.Remove(q)
			}
			return fmt.Errorf("%w: symlink %q resolves outside the sandbox", ErrUnsafeArchive, p)
		}
	}
	return nil
}

// resolvesWithin resolves p the way the kernel would — component by
// component, following symlinks (at most 40) and ".." on the resolved path —
// and reports whether the result lies inside realRoot. Components that do
// not exist yet are taken lexically, since they cannot be symlinks.
func resolvesWithin(realRoot, p string) bool {
	rest := strings.Split(p, "/")
	cur := "/"
	links := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, c)
		fi, err := os.Lstat(next)
		if err != nil {
			// Dangling from here on: the remainder is lexical.
			cur = filepath.Join(append([]string{next}, rest...)...)
			break
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		links++
		if links > 40 {
			return false
		}
		t, err := os.Readlink(next)
		if err != nil {
			return false
		}
		if filepath.IsAbs(t) {
			cur = "/"
		}
		rest = append(strings.Split(t, "/"), rest...)
	}
	return within(realRoot, cur)
}

// hardlink creates name as a hard link to the already-extracted regular
// file target (a name relative to the archive root).
func (x *extractor) hardlink(name, target string) error {
	p, err := safeJoin(x.root, name)
	if err != nil {
		return err
	}
	src, err := safeJoin(x.root, target)
	if err != nil {
		return fmt.Errorf("hard link %q: %w", name, err)
	}
	if err := x.checkAncestors(src); err != nil {
		return err
	}
	fi, err := os.Lstat(src)
	if err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("%w: hard link %q must name a regular file extracted earlier (%q)", ErrUnsafeArchive, name, target)
	}
	if _, err := x.mkdirAll(filepath.Dir(name), 0o755); err != nil && filepath.Dir(name) != "." {
		return err
	}
	if err := x.checkAncestors(p); err != nil {
		return err
	}
	if fi, err := os.Lstat(p); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("%w: hard link %q would replace a directory", ErrUnsafeArchive, name)
		}
		os.Remove(p)
	}
	return os.Link(src, p)
}
