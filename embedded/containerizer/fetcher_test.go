package containerizer

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fileServer serves name → content and counts GETs per path.
type fileServer struct {
	*httptest.Server
	mu    sync.Mutex
	gets  map[string]int
	files map[string][]byte
}

func newFileServer(t *testing.T, files map[string][]byte) *fileServer {
	s := &fileServer{gets: map[string]int{}, files: files}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := s.files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method == http.MethodGet {
			s.mu.Lock()
			s.gets[r.URL.Path]++
			s.mu.Unlock()
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *fileServer) count(p string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets[p]
}

func newTestFetcher(t *testing.T, size int64) *Fetcher {
	t.Helper()
	f, err := NewFetcher(FetcherConfig{CacheDir: filepath.Join(t.TempDir(), "cache"), CacheSize: size})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFetchHTTPAndFile(t *testing.T) {
	srv := newFileServer(t, map[string][]byte{"/a/tool.sh": []byte("#!/bin/sh\necho hi\n"), "/data.txt": []byte("data")})
	local := filepath.Join(t.TempDir(), "local.txt")
	os.WriteFile(local, []byte("local"), 0o644)
	f := newTestFetcher(t, 0)
	sandbox := t.TempDir()
	cmd := CommandInfo{URIs: []URI{
		{Value: srv.URL + "/a/tool.sh", Executable: true},
		{Value: srv.URL + "/data.txt", OutputFile: "sub/dir/renamed.txt"},
		{Value: "file://" + local},
		{Value: local, OutputFile: "copy2"},
	}}
	var log strings.Builder
	if err := f.Fetch(context.Background(), NewContainerID("c"), cmd, sandbox, "", &log); err != nil {
		t.Fatal(err)
	}
	check := func(name, want string, exec bool) {
		t.Helper()
		p := filepath.Join(sandbox, name)
		b, err := os.ReadFile(p)
		if err != nil || string(b) != want {
			t.Errorf("%s = %q, %v, want %q", name, b, err, want)
		}
		fi, _ := os.Stat(p)
		if got := fi != nil && fi.Mode().Perm()&0o111 == 0o111; got != exec {
			t.Errorf("%s executable = %v, want %v", name, got, exec)
		}
	}
	check("tool.sh", "#!/bin/sh\necho hi\n", true)
	check("sub/dir/renamed.txt", "data", false)
	check("local.txt", "local", false)
	check("copy2", "local", false)
	if !strings.Contains(log.String(), "Fetching URI '"+srv.URL+"/a/tool.sh'") {
		t.Errorf("fetch log = %q", log.String())
	}
	if m := f.Metrics(); m.TaskFetchesSucceeded != 1 || m.TaskFetchesFailed != 0 || m.CacheMisses != 0 {
		t.Errorf("Metrics() = %+v", m)
	}
}

func TestFetchFailures(t *testing.T) {
	srv := newFileServer(t, map[string][]byte{"/big": make([]byte, 2048)})
	tests := []struct {
		name string
		uri  URI
		want string
	}{
		{"404", URI{Value: srv.URL + "/missing"}, "received HTTP return code 404"},
		{"missing file", URI{Value: "/nonexistent/file"}, "no such file"},
		{"relative", URI{Value: "relative/file"}, "framework home"},
		{"scheme", URI{Value: "hdfs://nn/path/file"}, "unsupported URI scheme"},
		{"too large", URI{Value: srv.URL + "/big"}, "size limit"},
		{"bad chars", URI{Value: "http://h/it's"}, "illegal characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewFetcher(FetcherConfig{CacheDir: filepath.Join(t.TempDir(), "c"), MaxDownloadSize: 1024})
			if err != nil {
				t.Fatal(err)
			}
			err = f.Fetch(context.Background(), NewContainerID("c"), CommandInfo{URIs: []URI{tc.uri}}, t.TempDir(), "", nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.uri.Value) {
				t.Errorf("Fetch(%q) = %v, want error naming the URI and containing %q", tc.uri.Value, err, tc.want)
			}
			if m := f.Metrics(); m.TaskFetchesFailed != 1 {
				t.Errorf("task_fetches_failed = %d, want 1", m.TaskFetchesFailed)
			}
		})
	}
}

// TestFetchCache covers hit, miss and LRU eviction with a cache that holds
// two of the three 400-byte files.
func TestFetchCache(t *testing.T) {
	files := map[string][]byte{}
	for _, n := range []string{"/a.bin", "/b.bin", "/c.bin"} {
		files[n] = []byte(strings.Repeat(n[1:2], 400))
	}
	srv := newFileServer(t, files)
	f := newTestFetcher(t, 1000)
	fetch := func(name string) {
		t.Helper()
		sandbox := t.TempDir()
		cmd := CommandInfo{URIs: []URI{{Value: srv.URL + name, Cache: true}}}
		if err := f.Fetch(context.Background(), NewContainerID("c"), cmd, sandbox, "", nil); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(filepath.Join(sandbox, name[1:])); string(b) != string(files[name]) {
			t.Fatalf("sandbox copy of %s is wrong", name)
		}
	}
	type counts struct{ Hits, Misses, Evictions uint64 }
	got := func() counts {
		m := f.Metrics()
		return counts{m.CacheHits, m.CacheMisses, m.CacheEvictions}
	}
	fetch("/a.bin")
	fetch("/a.bin")
	if diff := cmp.Diff(counts{1, 1, 0}, got()); diff != "" {
		t.Errorf("after a,a (-want +got):\n%s", diff)
	}
	if n := srv.count("/a.bin"); n != 1 {
		t.Errorf("GET /a.bin %d times, want 1 (cached)", n)
	}
	fetch("/b.bin")
	fetch("/a.bin") // a becomes most recently used
	fetch("/c.bin") // evicts b, the LRU entry
	if diff := cmp.Diff(counts{2, 3, 1}, got()); diff != "" {
		t.Errorf("after b,a,c (-want +got):\n%s", diff)
	}
	fetch("/a.bin") // still cached, and most recently used again
	fetch("/b.bin") // was evicted: a miss, evicting c (LRU now)
	if diff := cmp.Diff(counts{3, 4, 2}, got()); diff != "" {
		t.Errorf("after a,b (-want +got):\n%s", diff)
	}
	if n := srv.count("/b.bin"); n != 2 {
		t.Errorf("GET /b.bin %d times, want 2", n)
	}
	m := f.Metrics()
	if m.CacheSizeUsedBytes != 800 || m.CacheSizeTotalBytes != 1000 || m.CacheEntries != 2 {
		t.Errorf("cache usage = %+v, want 800/1000 bytes in 2 entries", m)
	}
	entries, _ := os.ReadDir(f.cfg.CacheDir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"c1-a.bin", "c4-b.bin"}, names); diff != "" {
		t.Errorf("cache files (-want +got):\n%s", diff)
	}
	// A file bigger than the whole cache bypasses it.
	files["/huge.bin"] = make([]byte, 5000)
	fetch("/huge.bin")
	if m := f.Metrics(); m.CacheEntries != 2 || m.CacheSizeUsedBytes != 800 {
		t.Errorf("after bypass = %+v", m)
	}
}

func TestFetchCacheConcurrent(t *testing.T) {
	srv := newFileServer(t, map[string][]byte{"/x.txt": []byte("xx"), "/y.txt": []byte("yy")})
	f := newTestFetcher(t, 0)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		// Half fetch x then y, half y then x: no deadlock.
		uris := []URI{{Value: srv.URL + "/x.txt", Cache: true}, {Value: srv.URL + "/y.txt", Cache: true}}
		if i%2 == 1 {
			uris[0], uris[1] = uris[1], uris[0]
		}
		sandbox := t.TempDir()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- f.Fetch(context.Background(), NewContainerID("c"), CommandInfo{URIs: uris}, sandbox, "", nil)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if srv.count("/x.txt") != 1 || srv.count("/y.txt") != 1 {
		t.Errorf("downloads = %d, %d, want 1 each", srv.count("/x.txt"), srv.count("/y.txt"))
	}
}

func TestFetchExtractArchives(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"bin/run.sh": "#!/bin/sh\n", "README": "hello"}
	archives := map[string][]byte{
		"/app.tar":    makeTar(t, files, nil),
		"/app.tar.gz": gzipBytes(t, makeTar(t, files, nil)),
		"/app.tgz":    gzipBytes(t, makeTar(t, files, nil)),
		"/app.zip":    makeZip(t, files, nil),
		"/note.gz":    gzipBytes(t, []byte("gunzipped")),
	}
	bz2, err := os.ReadFile("testdata/hello.tar.bz2")
	if err != nil {
		t.Fatal(err)
	}
	archives["/hello.tar.bz2"] = bz2
	srv := newFileServer(t, archives)
	for name := range archives {
		for _, cache := range []bool{false, true} {
			sandbox := filepath.Join(dir, strings.TrimPrefix(name, "/")+map[bool]string{false: "-direct", true: "-cached"}[cache])
			os.MkdirAll(sandbox, 0o755)
			f := newTestFetcher(t, 0)
			err := f.Fetch(context.Background(), NewContainerID("c"), CommandInfo{URIs: []URI{{Value: srv.URL + name, Extract: true, Cache: cache}}}, sandbox, "", nil)
			if err != nil {
				t.Fatalf("Fetch(%s, cache=%v) = %v", name, cache, err)
			}
			switch name {
			case "/note.gz":
				if b, _ := os.ReadFile(filepath.Join(sandbox, "note")); string(b) != "gunzipped" {
					t.Errorf("%s: note = %q", name, b)
				}
			case "/hello.tar.bz2":
				if b, _ := os.ReadFile(filepath.Join(sandbox, "hello/world.txt")); string(b) != "hello from bzip2\n" {
					t.Errorf("%s: hello/world.txt = %q", name, b)
				}
			default:
				if b, _ := os.ReadFile(filepath.Join(sandbox, "README")); string(b) != "hello" {
					t.Errorf("%s (cache=%v): README = %q", name, cache, b)
				}
			}
			// Bypassing the cache leaves the archive next to its content;
			// extracting from the cache leaves only the content.
			_, err = os.Stat(filepath.Join(sandbox, strings.TrimPrefix(name, "/")))
			if cache == (err == nil) {
				t.Errorf("%s (cache=%v): archive present = %v", name, cache, err == nil)
			}
		}
	}
	// extract=false copies the archive as is; .tar.xz is refused.
	f := newTestFetcher(t, 0)
	sandbox := t.TempDir()
	if err := f.Fetch(context.Background(), NewContainerID("c"), CommandInfo{URIs: []URI{{Value: srv.URL + "/app.tar"}}}, sandbox, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(sandbox, "README")); !os.IsNotExist(err) {
		t.Errorf("extract=false extracted anyway")
	}
	xz := filepath.Join(t.TempDir(), "a.tar.xz")
	os.WriteFile(xz, []byte("x"), 0o644)
	if err := f.Fetch(context.Background(), NewContainerID("c"), CommandInfo{URIs: []URI{{Value: xz, Extract: true}}}, t.TempDir(), "", nil); err == nil || !strings.Contains(err.Error(), "xz") {
		t.Errorf("Fetch(.tar.xz) = %v, want xz error", err)
	}
}

// TestLaunchFetchFailure: a failing URI fails the launch with
// REASON_CONTAINER_LAUNCH_FAILED and the URI in the message.
func TestLaunchFetchFailure(t *testing.T) {
	srv := newFileServer(t, map[string][]byte{})
	m, rec := newTestMesos(t, nil)
	id := NewContainerID("nofetch")
	cfg := shell("true")
	cfg.CommandInfo.URIs = []URI{{Value: srv.URL + "/missing.tar.gz"}}
	_, err := m.Launch(testCtx(t), id, cfg)
	var le *LaunchError
	if !errors.As(err, &le) {
		t.Fatalf("Launch = %v, want *LaunchError", err)
	}
	if le.Termination.Reason != ReasonContainerLaunchFailed || le.Termination.State != TaskFailed {
		t.Errorf("termination = %v, want REASON_CONTAINER_LAUNCH_FAILED", le.Termination)
	}
	if !strings.Contains(le.Termination.Message, srv.URL+"/missing.tar.gz") {
		t.Errorf("message %q does not name the URI", le.Termination.Message)
	}
	want := []State{Starting, Provisioning, Preparing, Isolating, Fetching, Destroying}
	if diff := cmp.Diff(want, rec.states(id)); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	if cs, _ := m.Containers(context.Background()); len(cs) != 0 {
		t.Errorf("Containers() = %v", cs)
	}
	// The fetched files and the fetcher log land in the sandbox.
	b, _ := os.ReadFile(filepath.Join(m.lay.standalonePath(id), "stderr"))
	if !strings.Contains(string(b), "Failed to fetch") {
		t.Errorf("sandbox stderr = %q", b)
	}
}

func TestLaunchWithFetchedExecutable(t *testing.T) {
	srv := newFileServer(t, map[string][]byte{"/hello.sh": []byte("#!/bin/sh\necho fetched \"$@\"\n")})
	m, _ := newTestMesos(t, nil)
	id := NewContainerID("fetched")
	cfg := shell("./hello.sh one")
	cfg.CommandInfo.URIs = []URI{{Value: srv.URL + "/hello.sh", Executable: true, Cache: true}}
	term := launchWait(t, m, id, cfg)
	if code, ok := term.Exited(); !ok || code != 0 {
		t.Fatalf("termination = %v", term)
	}
	b, _ := os.ReadFile(filepath.Join(m.lay.standalonePath(id), "stdout"))
	if string(b) != "fetched one\n" {
		t.Errorf("stdout = %q", b)
	}
}
