package shim

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolvePath(t *testing.T) {
	sandbox := t.TempDir()
	bin := t.TempDir()
	for _, f := range []struct {
		dir, name string
		mode      os.FileMode
	}{
		{sandbox, "tool", 0o755},
		{sandbox, "data", 0o644}, // not executable
		{bin, "prog", 0o755},
		{bin, "tool", 0o755}, // the sandbox's tool comes first
		{bin, "data", 0o755},
	} {
		if err := os.WriteFile(filepath.Join(f.dir, f.name), []byte("#!/bin/sh\n"), f.mode); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"HOME=/", "PATH=/nonexistent:" + bin}
	for _, tc := range []struct {
		path, dir string
		env       []string
		want      string
	}{
		{"/bin/sh", sandbox, env, "/bin/sh"},                              // absolute: as is
		{"tool", sandbox, env, filepath.Join(sandbox, "tool")},            // the working directory first
		{"./tool", sandbox, env, filepath.Join(sandbox, "tool")},          // os::which joins it too
		{"prog", sandbox, env, filepath.Join(bin, "prog")},                // then the task's PATH
		{"data", sandbox, env, filepath.Join(bin, "data")},                // a non-executable file is skipped
		{"nowhere", sandbox, env, "nowhere"},                              // not found: exec fails
		{"sub/prog", sandbox, env, "sub/prog"},                            // a path is not searched for
		{"sh", sandbox, []string{"HOME=/"}, "/bin/sh"},                    // no PATH: execvp's default
		{"prog", "", []string{"PATH=" + bin}, filepath.Join(bin, "prog")}, // no working directory
	} {
		if got := ResolvePath(tc.path, tc.dir, tc.env); got != tc.want {
			t.Errorf("ResolvePath(%q, %q, %q) = %q, want %q", tc.path, tc.dir, tc.env, got, tc.want)
		}
	}
}
