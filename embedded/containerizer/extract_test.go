package containerizer

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// entry is one archive member for the builders below.
type entry struct {
	name, body, link string
	kind             byte // tar typeflag: '0' file, '2' symlink, '1' hard link, '5' dir
}

func makeTar(t testing.TB, files map[string]string, extra []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		extra = append([]entry{{name: n, body: files[n], kind: tar.TypeReg}}, extra...)
	}
	for _, e := range extra {
		h := &tar.Header{Name: e.name, Typeflag: e.kind, Mode: 0o755, Linkname: e.link, Size: int64(len(e.body))}
		if e.kind != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.kind == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	return buf.Bytes()
}

func makeZip(t testing.TB, files map[string]string, extra []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write([]byte(files[n]))
	}
	for _, e := range extra {
		h := &zip.FileHeader{Name: e.name}
		body := e.body
		if e.kind == tar.TypeSymlink {
			h.SetMode(os.ModeSymlink | 0o777)
			body = e.link
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

func gzipBytes(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// extractInto writes archive bytes as name and extracts them into a fresh
// sandbox inside a fresh parent; it returns the sandbox and the parent.
func extractInto(t *testing.T, name string, b []byte) (string, string, error) {
	t.Helper()
	parent := t.TempDir()
	sandbox := filepath.Join(parent, "sandbox")
	os.Mkdir(sandbox, 0o755)
	src := filepath.Join(t.TempDir(), name)
	os.WriteFile(src, b, 0o644)
	_, err := extract(src, name, sandbox, 1<<20)
	return sandbox, parent, err
}

// outside lists what exists in parent besides the sandbox.
func outside(parent string) []string {
	entries, _ := os.ReadDir(parent)
	var out []string
	for _, e := range entries {
		if e.Name() != "sandbox" {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestExtractRefusesEscapes(t *testing.T) {
	tests := []struct {
		name  string
		extra []entry
	}{
		{"dotdot file", []entry{{name: "../evil", body: "x", kind: tar.TypeReg}}},
		{"nested dotdot", []entry{{name: "a/../../evil", body: "x", kind: tar.TypeReg}}},
		{"absolute file", []entry{{name: "/tmp/evil", body: "x", kind: tar.TypeReg}}},
		{"absolute symlink", []entry{{name: "link", link: "/etc", kind: tar.TypeSymlink}}},
		{"relative symlink out", []entry{{name: "link", link: "../../etc", kind: tar.TypeSymlink}}},
		{"symlink then write through", []entry{{name: "dir", link: ".", kind: tar.TypeSymlink}, {name: "dir/../../evil", body: "x", kind: tar.TypeReg}}},
		{"write through existing symlink", []entry{{name: "link", link: "sub", kind: tar.TypeSymlink}, {name: "sub", kind: tar.TypeDir}, {name: "link/x", body: "x", kind: tar.TypeReg}}},
		{"chained symlink", []entry{{name: "a", link: ".", kind: tar.TypeSymlink}, {name: "b", link: "a/..", kind: tar.TypeSymlink}}},
		{"hard link out", []entry{{name: "hl", link: "../../etc/passwd", kind: tar.TypeLink}}},
		{"hard link absolute", []entry{{name: "hl", link: "/etc/passwd", kind: tar.TypeLink}}},
		{"hard link to symlink", []entry{{name: "s", link: "README", kind: tar.TypeSymlink}, {name: "hl", link: "s", kind: tar.TypeLink}}},
		{"backslash", []entry{{name: `..\evil`, body: "x", kind: tar.TypeReg}}},
	}
	for _, tc := range tests {
		t.Run("tar/"+tc.name, func(t *testing.T) {
			sandbox, parent, err := extractInto(t, "a.tar", makeTar(t, map[string]string{"README": "r"}, tc.extra))
			if err == nil || !errors.Is(err, ErrUnsafeArchive) {
				t.Errorf("extract = %v, want ErrUnsafeArchive", err)
			}
			if o := outside(parent); len(o) != 0 {
				t.Errorf("files escaped the sandbox: %v", o)
			}
			assertNoEscapingLinks(t, sandbox)
		})
	}
	zips := []struct {
		name  string
		extra []entry
	}{
		{"zip slip", []entry{{name: "../../evil", body: "x"}}},
		{"absolute", []entry{{name: "/evil", body: "x"}}},
		{"symlink out", []entry{{name: "l", link: "../..", kind: tar.TypeSymlink}}},
		{"symlink absolute", []entry{{name: "l", link: "/etc", kind: tar.TypeSymlink}}},
	}
	for _, tc := range zips {
		t.Run("zip/"+tc.name, func(t *testing.T) {
			sandbox, parent, err := extractInto(t, "a.zip", makeZip(t, map[string]string{"README": "r"}, tc.extra))
			if err == nil || !errors.Is(err, ErrUnsafeArchive) {
				t.Errorf("extract = %v, want ErrUnsafeArchive", err)
			}
			if o := outside(parent); len(o) != 0 {
				t.Errorf("files escaped the sandbox: %v", o)
			}
			assertNoEscapingLinks(t, sandbox)
		})
	}
}

// assertNoEscapingLinks fails if any symlink under root resolves outside it.
func assertNoEscapingLinks(t *testing.T, root string) {
	t.Helper()
	realRoot, _ := filepath.EvalSymlinks(root)
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode()&os.ModeSymlink != 0 {
			if !resolvesWithin(realRoot, p) {
				t.Errorf("symlink %s escapes the sandbox", p)
			}
		}
		return nil
	})
}

func TestExtractAllowsSafeLinks(t *testing.T) {
	extra := []entry{
		{name: "lib", kind: tar.TypeDir},
		{name: "lib/libx.so.1", body: "elf", kind: tar.TypeReg},
		{name: "lib/libx.so", link: "libx.so.1", kind: tar.TypeSymlink},
		{name: "bin/x", link: "../lib/libx.so", kind: tar.TypeSymlink},
		{name: "hard", link: "lib/libx.so.1", kind: tar.TypeLink},
		{name: "dangling", link: "not-yet", kind: tar.TypeSymlink},
	}
	sandbox, parent, err := extractInto(t, "ok.tar.gz", gzipBytes(t, makeTar(t, map[string]string{"README": "r"}, extra)))
	if err != nil {
		t.Fatal(err)
	}
	if o := outside(parent); len(o) != 0 {
		t.Errorf("outside = %v", o)
	}
	for name, want := range map[string]string{"bin/x": "elf", "hard": "elf", "README": "r"} {
		if b, err := os.ReadFile(filepath.Join(sandbox, name)); err != nil || string(b) != want {
			t.Errorf("%s = %q, %v, want %q", name, b, err, want)
		}
	}
	if fi, err := os.Lstat(filepath.Join(sandbox, "dangling")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("dangling symlink: %v %v", fi, err)
	}
}

func TestExtractLimitsAndModes(t *testing.T) {
	// Size cap.
	big := makeTar(t, map[string]string{"big": strings.Repeat("x", 2<<20)}, nil)
	if _, _, err := extractInto(t, "big.tar", big); err == nil || !strings.Contains(err.Error(), "exceeds the limit") {
		t.Errorf("extract(big) = %v, want limit error", err)
	}
	// Set-id bits are dropped.
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "suid", Mode: 0o4755, Size: 1, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	sandbox, _, err := extractInto(t, "m.tar", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(sandbox, "suid")); fi == nil || fi.Mode()&os.ModeSetuid != 0 || fi.Mode().Perm() != 0o755 {
		t.Errorf("suid mode = %v", fi)
	}
	// Not an archive.
	if ok, err := extract("/dev/null", "plain.txt", t.TempDir(), 0); ok || err != nil {
		t.Errorf("extract(plain.txt) = %v, %v, want false, nil", ok, err)
	}
}

func TestSafeJoin(t *testing.T) {
	tests := []struct {
		name, want string
		bad        bool
	}{
		{"a/b", "/r/a/b", false},
		{"./a//b/", "/r/a/b", false},
		{".", "/r", false},
		{"a/./b", "/r/a/b", false},
		{"..", "", true},
		{"a/..", "", true},
		{"../x", "", true},
		{"/abs", "", true},
		{"", "", true},
		{"a\x00b", "", true},
		{`a\..\b`, "", true},
	}
	for _, tc := range tests {
		got, err := safeJoin("/r", tc.name)
		if (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("safeJoin(/r, %q) = %q, %v, want %q (bad=%v)", tc.name, got, err, tc.want, tc.bad)
		}
	}
}

// FuzzSafeJoin: whatever the name, an accepted one stays under the root.
func FuzzSafeJoin(f *testing.F) {
	for _, s := range []string{"a/b", "../x", "/abs", "a/../../b", ".", "a/./../b", `..\x`, "a//b/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got, err := safeJoin("/sandbox", name)
		if err != nil {
			return
		}
		if got != "/sandbox" && !strings.HasPrefix(got, "/sandbox/") {
			t.Fatalf("safeJoin(%q) = %q escapes /sandbox", name, got)
		}
	})
}

// FuzzExtractTar: extracting any tar never creates anything outside the
// sandbox and never leaves a symlink that resolves outside it.
func FuzzExtractTar(f *testing.F) {
	f.Add(makeTar(f, map[string]string{"a": "x"}, []entry{{name: "l", link: "a", kind: tar.TypeSymlink}}))
	f.Add(makeTar(f, nil, []entry{{name: "../e", body: "x", kind: tar.TypeReg}}))
	f.Add(makeTar(f, nil, []entry{{name: "d", link: ".", kind: tar.TypeSymlink}, {name: "d/../../e", body: "x", kind: tar.TypeReg}}))
	f.Add(makeTar(f, map[string]string{"f": "x"}, []entry{{name: "h", link: "f", kind: tar.TypeLink}, {name: "s", link: "h/..", kind: tar.TypeSymlink}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		parent := t.TempDir()
		sandbox := filepath.Join(parent, "sandbox")
		os.Mkdir(sandbox, 0o755)
		x := &extractor{root: sandbox, limit: 1 << 20}
		x.tar(bytes.NewReader(b))
		if o := outside(parent); len(o) != 0 {
			t.Fatalf("escaped: %v", o)
		}
		assertNoEscapingLinks(t, sandbox)
	})
}
