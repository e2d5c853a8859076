package containerizer

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestReadInt(t *testing.T) {
	tests := []struct {
		name    string
		content *string // nil: no file
		want    int64
		wantOK  bool
		wantErr string // substring; "" for no error
	}{
		{name: "absent"},
		{name: "empty", content: ptr("")},
		{name: "blank", content: ptr(" \n")},
		{name: "status", content: ptr("15"), want: 15, wantOK: true},
		{name: "newline", content: ptr("4242\n"), want: 4242, wantOK: true},
		{name: "negative", content: ptr(" -7 "), want: -7, wantOK: true},
		{name: "int64 max", content: ptr("9223372036854775807\n"), want: 1<<63 - 1, wantOK: true},
		{name: "not a number", content: ptr("x1"), wantErr: "parse "},
		{name: "overflow", content: ptr("99999999999999999999"), wantErr: "value out of range"},
		{name: "too long", content: ptr(strings.Repeat("1", maxIntFile+1)), wantErr: "more than 64 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "status")
			if tt.content != nil {
				if err := os.WriteFile(path, []byte(*tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			v, ok, err := readInt(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("readInt(%q) = %v, %v, %v, want error containing %q", path, v, ok, err, tt.wantErr)
				}
				return
			}
			if err != nil || v != tt.want || ok != tt.wantOK {
				t.Errorf("readInt(%q) = %v, %v, %v, want %v, %v, nil", path, v, ok, err, tt.want, tt.wantOK)
			}
		})
	}
}

func TestReadIntDirectory(t *testing.T) {
	dir := t.TempDir()
	v, ok, err := readInt(dir)
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Op != "read" || !errors.Is(err, syscall.EISDIR) {
		t.Errorf("readInt(%q) = %v, %v, %v, want a read *os.PathError wrapping EISDIR", dir, v, ok, err)
	}
}

func TestRemoveRuntimeDir(t *testing.T) {
	tests := []struct {
		name  string
		files []string // relative paths created under the directory; "" entry: no directory at all
	}{
		{name: "absent", files: []string{""}},
		{name: "empty"},
		{name: "known files", files: []string{configFile, standaloneMarker, startTimeFile, pidFile, statusFile}},
		{name: "unstarted", files: []string{configFile, pidFile, statusFile, unstartedFile}},
		{name: "stray file", files: []string{configFile, "stray"}},
		{name: "nested container", files: []string{pidFile, filepath.Join(containersDir, "child", pidFile)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run", "c1")
			if len(tt.files) != 1 || tt.files[0] != "" {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for _, f := range tt.files {
				if f == "" {
					continue
				}
				p := filepath.Join(dir, f)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("1"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := removeRuntimeDir(dir); err != nil {
				t.Fatalf("removeRuntimeDir(%q) = %v, want nil", dir, err)
			}
			if _, err := os.Lstat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("Lstat(%q) after removeRuntimeDir = %v, want not exist", dir, err)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// FuzzReadInt checks readInt against strconv on the trimmed content: it
// never panics, and reports a value exactly when the content is one decimal
// int64 within maxIntFile bytes.
func FuzzReadInt(f *testing.F) {
	for _, s := range []string{"", "0", "15\n", " -7 ", "x", "9223372036854775808", strings.Repeat("9", 70)} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "status")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		v, ok, err := readInt(path)
		s := strings.TrimSpace(string(b))
		want, perr := strconv.ParseInt(s, 10, 64)
		switch {
		case len(b) > maxIntFile:
			if err == nil {
				t.Errorf("readInt(%q) = %v, %v, nil, want an error for more than %d bytes", b, v, ok, maxIntFile)
			}
		case s == "":
			if ok || err != nil {
				t.Errorf("readInt(%q) = %v, %v, %v, want 0, false, nil", b, v, ok, err)
			}
		case perr != nil:
			if err == nil {
				t.Errorf("readInt(%q) = %v, %v, nil, want a parse error", b, v, ok)
			}
		default:
			if v != want || !ok || err != nil {
				t.Errorf("readInt(%q) = %v, %v, %v, want %v, true, nil", b, v, ok, err, want)
			}
		}
	})
}
