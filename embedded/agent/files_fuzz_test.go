package agent

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzFilesResolve checks that no virtual path resolves outside what is attached.
func FuzzFilesResolve(f *testing.F) {
	for _, s := range []string{
		"/sandbox/hello.txt", "/sandbox/../secret", "/sandbox/out/x", "/sandbox/up",
		"/sandbox//sub/./b", "/log", "/log/x", "sandbox", "/", "/sandbox/sub/../../x",
	} {
		f.Add(s)
	}
	tmp := f.TempDir()
	dir := filepath.Join(tmp, "sandbox")
	for _, p := range []string{filepath.Join(dir, "sub"), filepath.Join(tmp, "sandboxx")} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			f.Fatal(err)
		}
	}
	for _, p := range []string{filepath.Join(dir, "hello.txt"), filepath.Join(dir, "sub", "b"), filepath.Join(tmp, "secret"), filepath.Join(tmp, "log")} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	for link, target := range map[string]string{"out": "/etc", "up": "..", "sib": "../sandboxx", "in": "sub"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			f.Fatal(err)
		}
	}
	files := &Files{paths: map[string]string{}}
	if err := files.attach(dir, "/sandbox"); err != nil {
		f.Fatal(err)
	}
	if err := files.attach(filepath.Join(tmp, "log"), "/log"); err != nil {
		f.Fatal(err)
	}
	realDir := files.paths["/sandbox"]
	realLog := files.paths["/log"]
	f.Fuzz(func(t *testing.T, virtual string) {
		real, err := files.resolve(virtual)
		if err != nil {
			return
		}
		if real != realLog && !within(real, realDir) {
			t.Fatalf("resolve(%q) = %q, outside the attached %q", virtual, real, realDir)
		}
	})
}
