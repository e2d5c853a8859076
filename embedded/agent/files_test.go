package agent

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/process"
)

// filesEnv is a runtime with the files process and a sandbox attached as /sandbox:
//
//	<tmp>/sandbox/hello.txt     "hello world"
//	<tmp>/sandbox/sub/b.txt     "b"
//	<tmp>/sandbox/inner         -> hello.txt
//	<tmp>/sandbox/etc           -> /etc
//	<tmp>/sandbox/sibling       -> ../sandbox2/secret
//	<tmp>/sandbox2/secret       "secret"     (next to the sandbox, not attached)
//	<tmp>/log.txt               attached as /log
type filesEnv struct {
	rt    *process.Runtime
	files process.PID
	dir   string
}

func newFilesEnv(t *testing.T) *filesEnv {
	t.Helper()
	rt, err := process.New(process.Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rt.Stop(context.Background()) })
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "sandbox")
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "hello.txt"), "hello world")
	write(filepath.Join(dir, "sub", "b.txt"), "b")
	write(filepath.Join(tmp, "sandbox2", "secret"), "secret")
	write(filepath.Join(tmp, "log.txt"), "log line\n")
	write(filepath.Join(dir, "big"), strings.Repeat("x", 100000))
	for link, target := range map[string]string{"inner": "hello.txt", "etc": "/etc", "sibling": "../sandbox2/secret"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	pid, err := SpawnFiles(rt, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := SpawnFiles(rt, nil); err != nil || again != pid {
		t.Fatalf("second SpawnFiles = %v, %v, want the same process %v", again, err, pid)
	}
	AttachFile(rt, pid, dir, "/sandbox/")
	AttachFile(rt, pid, filepath.Join(tmp, "log.txt"), "/log")
	AttachFile(rt, pid, filepath.Join(tmp, "missing"), "/missing")
	rt.Settle()
	return &filesEnv{rt: rt, files: pid, dir: dir}
}

func (f *filesEnv) get(t *testing.T, endpoint string, q url.Values) (int, []byte) {
	t.Helper()
	return serve(t, f.rt, httptest.NewRequest(http.MethodGet, "/files/"+endpoint+"?"+q.Encode(), nil))
}

func TestFilesRefusesEscapes(t *testing.T) {
	f := newFilesEnv(t)
	tests := []struct {
		path string
		want int
	}{
		{"/sandbox/../sandbox2/secret", http.StatusBadRequest},
		{"/sandbox/sub/../../sandbox2/secret", http.StatusBadRequest},
		{"/sandbox/..", http.StatusBadRequest},
		{"../etc/passwd", http.StatusBadRequest},
		{"/sandbox/etc/passwd", http.StatusBadRequest},
		{"/sandbox/etc", http.StatusBadRequest},
		{"/sandbox/sibling", http.StatusBadRequest},
		{"/sandbox/hello.txt/x", http.StatusBadRequest}, // realpath fails: not a directory
		{"/sandbox/hello.txt\x00", http.StatusBadRequest},
		{"/etc/passwd", http.StatusNotFound},
		{"/sandbox2/secret", http.StatusNotFound},
		{"/sandbox/nope", http.StatusNotFound},
		{"/log/x", http.StatusNotFound},
		{"/missing", http.StatusNotFound},
		{"", http.StatusBadRequest},
	}
	for _, tc := range tests {
		for _, ep := range []string{"read", "browse"} {
			code, body := f.get(t, ep, url.Values{"path": {tc.path}})
			if code != tc.want {
				t.Errorf("/files/%s?path=%q = %d %s, want %d", ep, tc.path, code, body, tc.want)
			}
		}
	}
}

func TestFilesRead(t *testing.T) {
	f := newFilesEnv(t)
	tests := []struct {
		query    url.Values
		wantCode int
		want     readResult
	}{
		{url.Values{"path": {"/sandbox/hello.txt"}, "offset": {"0"}}, 200, readResult{Data: "hello world", Offset: 0}},
		{url.Values{"path": {"/sandbox/hello.txt"}, "offset": {"6"}, "length": {"5"}}, 200, readResult{Data: "world", Offset: 6}},
		{url.Values{"path": {"/sandbox/hello.txt"}, "offset": {"6"}, "length": {"-1"}}, 200, readResult{Data: "world", Offset: 6}},
		{url.Values{"path": {"/sandbox/hello.txt"}, "offset": {"3"}, "length": {"0"}}, 200, readResult{Offset: 3}},
		{url.Values{"path": {"/sandbox/hello.txt"}, "offset": {"-1"}}, 200, readResult{Offset: 11}},
		{url.Values{"path": {"/sandbox/hello.txt"}}, 200, readResult{Offset: 11}},
		{url.Values{"path": {"/sandbox/hello.txt"}, "offset": {"20"}}, 200, readResult{Offset: 20}},
		{url.Values{"path": {"/sandbox/inner"}, "offset": {"0"}, "length": {"5"}}, 200, readResult{Data: "hello"}},
		{url.Values{"path": {"/sandbox/sub/b.txt"}, "offset": {"0"}}, 200, readResult{Data: "b"}},
		{url.Values{"path": {"/log"}, "offset": {"0"}}, 200, readResult{Data: "log line\n"}},
		{url.Values{"path": {"/sandbox/big"}, "offset": {"99990"}}, 200, readResult{Data: "xxxxxxxxxx", Offset: 99990}},
		{url.Values{"path": {"/sandbox/big"}, "offset": {"0"}}, 200, readResult{Data: strings.Repeat("x", os.Getpagesize()*16)}},
		{url.Values{"path": {"/sandbox/hello.txt"}, "offset": {"-2"}}, 400, readResult{}},
		{url.Values{"path": {"/sandbox/hello.txt"}, "offset": {"x"}}, 400, readResult{}},
		{url.Values{"path": {"/sandbox/hello.txt"}, "length": {"-5"}}, 400, readResult{}},
		{url.Values{"path": {"/sandbox/hello.txt"}, "length": {"1.5"}}, 400, readResult{}},
		{url.Values{"path": {"/sandbox/sub"}, "offset": {"0"}}, 400, readResult{}},
		{url.Values{"offset": {"0"}}, 400, readResult{}},
	}
	for _, tc := range tests {
		code, body := f.get(t, "read", tc.query)
		if code != tc.wantCode {
			t.Errorf("/files/read?%s = %d %s, want %d", tc.query.Encode(), code, body, tc.wantCode)
			continue
		}
		if code != 200 {
			continue
		}
		var got readResult
		decode(t, body, &got)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("/files/read?%s (-want +got):\n%s", tc.query.Encode(), diff)
		}
	}
}

func TestFilesBrowse(t *testing.T) {
	f := newFilesEnv(t)
	code, body := f.get(t, "browse", url.Values{"path": {"/sandbox"}})
	if code != http.StatusOK {
		t.Fatalf("/files/browse = %d %s", code, body)
	}
	var got []FileInfo
	decode(t, body, &got)
	var paths []string
	for _, fi := range got {
		paths = append(paths, fi.Path+" "+fi.Mode)
	}
	// The symlinks are listed with their targets' modes (stat, as Mesos does); the
	// broken-out ones resolve too, since listing is not reading.
	want := []string{
		"/sandbox/big -rw-r--r--",
		"/sandbox/etc drwxr-xr-x",
		"/sandbox/hello.txt -rw-r--r--",
		"/sandbox/inner -rw-r--r--",
		"/sandbox/sibling -rw-r--r--",
		"/sandbox/sub drwxr-xr-x",
	}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("/files/browse paths (-want +got):\n%s", diff)
	}
	for _, fi := range got {
		if fi.Path == "/sandbox/hello.txt" && (fi.Size != 11 || fi.Nlink != 1 || fi.UID == "" || fi.Mtime == 0) {
			t.Errorf("hello.txt = %+v", fi)
		}
	}
	// Detached paths are gone.
	DetachFile(f.rt, f.files, "/sandbox")
	f.rt.Settle()
	if code, _ := f.get(t, "browse", url.Values{"path": {"/sandbox"}}); code != http.StatusNotFound {
		t.Errorf("/files/browse after detach = %d, want 404", code)
	}
}
