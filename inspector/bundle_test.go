package inspector

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixtureMaster serves a master from the shared fixtures; with extras it also
// serves mesoscope's endpoints.
func fixtureMaster(t *testing.T, stateFixture string, extras bool) *fakeMaster {
	t.Helper()
	fm := newFakeMaster(t)
	fm.json("GET /master/state", fixtureBytes(t, stateFixture))
	fm.json("GET /master/state-summary", fixtureBytes(t, stateFixture))
	fm.json("GET /master/roles", fixtureBytes(t, "operator-GET_ROLES.response.json"))
	fm.json("POST /api/v1 GET_METRICS", fixtureBytes(t, "operator-GET_METRICS.response.json"))
	fm.json("GET /__processes__", []byte(profileProcesses[0]))
	if extras {
		fm.json("GET "+MesoscopeProcesses, []byte(`[{"id":"master","handled":{"MESSAGE":3},"busy_seconds":0.5,"oldest_age_seconds":1.25}]`))
		fm.json("GET "+MesoscopeSpans, []byte(`[]`))
	}
	return fm
}

// comparable clears what differs between two reads of the same data.
func comparableSnapshot(s *Snapshot) *Snapshot {
	c := s.DeepCopy()
	c.Took = 0
	c.TakenAt = time.Time{}
	return c
}

func saveBundle(t *testing.T, url string, opt BundleOptions) ([]byte, *BundleManifest) {
	t.Helper()
	c, _ := testClient(t, url, nil)
	var buf bytes.Buffer
	m, err := SaveBundle(t.Context(), c, &buf, opt)
	if err != nil {
		t.Fatalf("SaveBundle(%s) error = %v", url, err)
	}
	return buf.Bytes(), m
}

func TestBundleRoundTrip(t *testing.T) {
	tests := []struct {
		fixture     string
		extras      bool
		wantEntries []string
		wantMissing []string
	}{
		{
			fixture:     "dcos-ui.healthy-tasks.master-state.json",
			wantEntries: []string{"master/state.json", "master/state-summary.json", "master/roles.json", "__processes__.json", "api/v1/GET_METRICS.json"},
			wantMissing: []string{MesoscopeProcesses},
		},
		{
			fixture:     "bun.ok.master-state.json",
			extras:      true,
			wantEntries: []string{"master/state.json", "master/state-summary.json", "master/roles.json", "__processes__.json", "api/v1/GET_METRICS.json", "mesoscope/v1/processes.json", "mesoscope/v1/spans.json"},
			wantMissing: []string{MesoscopeAllocator},
		},
		{
			fixture:     "mesos-dns.fake.master-state.json",
			wantEntries: []string{"master/state.json", "master/state-summary.json", "master/roles.json", "__processes__.json", "api/v1/GET_METRICS.json"},
			wantMissing: []string{MesoscopeProcesses},
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			srv := httptest.NewServer(fixtureMaster(t, tt.fixture, tt.extras))
			defer srv.Close()
			data, m := saveBundle(t, srv.URL, BundleOptions{})
			var names, missing []string
			for _, e := range m.Entries {
				names = append(names, e.Name)
			}
			for _, e := range m.Missing {
				missing = append(missing, e.Path)
			}
			if diff := cmp.Diff(tt.wantEntries, names); diff != "" {
				t.Errorf("manifest entries (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMissing, missing); diff != "" {
				t.Errorf("manifest missing (-want +got):\n%s", diff)
			}

			b, err := LoadBundle(bytes.NewReader(data), BundleLimits{})
			if err != nil {
				t.Fatalf("LoadBundle() error = %v", err)
			}
			if diff := cmp.Diff(*m, b.Manifest); diff != "" {
				t.Errorf("loaded manifest (-saved +loaded):\n%s", diff)
			}
			bc, err := b.Client(Config{})
			if err != nil {
				t.Fatalf("Bundle.Client() error = %v", err)
			}
			live, _ := testClient(t, srv.URL, nil)
			want, err := live.Snapshot(t.Context(), SnapshotOptions{})
			if err != nil {
				t.Fatalf("live Snapshot() error = %v", err)
			}
			got, err := bc.Snapshot(t.Context(), SnapshotOptions{})
			if err != nil {
				t.Fatalf("bundle Snapshot() error = %v", err)
			}
			if diff := cmp.Diff(comparableSnapshot(want), comparableSnapshot(got)); diff != "" {
				t.Errorf("bundle Snapshot() differs from live (-live +bundle):\n%s", diff)
			}
			if g, w := DescribeCluster(got.Cluster), DescribeCluster(want.Cluster); g != w {
				t.Errorf("DescribeCluster(bundle) = %q, want %q", g, w)
			}
			st, err := bc.MasterState(t.Context())
			if err != nil {
				t.Fatalf("bundle MasterState() error = %v", err)
			}
			lst, err := live.MasterState(t.Context())
			if err != nil {
				t.Fatalf("live MasterState() error = %v", err)
			}
			if g, w := DescribeState(st), DescribeState(lst); g != w {
				t.Errorf("DescribeState(bundle) differs from live:\n%s", cmp.Diff(w, g))
			}
		})
	}
}

func TestBundleAgents(t *testing.T) {
	fm := newFakeMaster(t)
	srv := httptest.NewServer(fm)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	fm.json("GET /master/state", []byte(`{"version":"1.11.0","id":"M","pid":"master@`+host+`","hostname":"m",
		"slaves":[{"id":"S0","hostname":"a","port":5051,"pid":"slave(1)@`+host+`","active":true,"resources":{"cpus":1}},
		          {"id":"S1","hostname":"b","port":5051,"active":true,"resources":{"cpus":1}}],"frameworks":[]}`))
	fm.json("GET /slave(1)/state", fixtureBytes(t, "dcos-ui.1-service-with-executor-task.agent-state.json"))
	data, m := saveBundle(t, srv.URL, BundleOptions{Agents: true, MaxAgents: 1})
	if len(m.Entries) == 0 || m.Entries[len(m.Entries)-1].Name != "agents/0/state.json" {
		t.Fatalf("SaveBundle(agents) entries = %+v, want agents/0/state.json last", m.Entries)
	}
	b, err := LoadBundle(bytes.NewReader(data), BundleLimits{})
	if err != nil {
		t.Fatalf("LoadBundle() error = %v", err)
	}
	bc, err := b.Client(Config{})
	if err != nil {
		t.Fatalf("Bundle.Client() error = %v", err)
	}
	live, _ := testClient(t, srv.URL, nil)
	agentURL := srv.URL + "/slave(1)"
	want, err := live.AgentState(t.Context(), agentURL)
	if err != nil {
		t.Fatalf("live AgentState() error = %v", err)
	}
	got, err := bc.AgentState(t.Context(), agentURL)
	if err != nil {
		t.Fatalf("bundle AgentState() error = %v", err)
	}
	if g, w := DescribeAgentState(*got), DescribeAgentState(*want); g != w {
		t.Errorf("DescribeAgentState(bundle) differs from live:\n%s", cmp.Diff(w, g))
	}
	if _, err := bc.Containers(t.Context(), agentURL); err == nil {
		t.Errorf("bundle Containers() error = nil, want not found (never saved)")
	}
}

type tarEntry struct {
	name string
	typ  byte
	body string
}

func makeTarGz(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: e.name, Typeflag: typ, Mode: 0o644, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			hdr.Size, hdr.Linkname = 0, "/etc/passwd"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatalf("WriteHeader(%q) = %v", e.name, err)
		}
		if typ == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func manifestJSON(source string, entries ...BundleEntry) string {
	m := BundleManifest{FormatVersion: BundleFormatVersion, Source: source, Entries: entries}
	data, _ := json.Marshal(m)
	return string(data)
}

func TestLoadBundleErrors(t *testing.T) {
	state := `{"id":"M","slaves":[]}`
	okEntry := BundleEntry{Name: "master/state.json", Method: "GET", Path: "/master/state", Size: int64(len(state))}
	okManifest := manifestJSON("http://m:5050", okEntry)
	tests := []struct {
		name   string
		data   []byte
		limits BundleLimits
		want   string
	}{
		{"not gzip", []byte("PK\x03\x04 zip"), BundleLimits{}, "not gzip"},
		{"truncated", makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest})[:30], BundleLimits{}, "load bundle"},
		{"no manifest", makeTarGz(t, tarEntry{name: "master/state.json", body: state}), BundleLimits{}, `"manifest.json": missing`},
		{"traversal", makeTarGz(t, tarEntry{name: "../../etc/cron.d/x", body: "x"}), BundleLimits{}, `"../../etc/cron.d/x": path traversal`},
		{"traversal clean", makeTarGz(t, tarEntry{name: "../x", body: "x"}), BundleLimits{}, `"../x": path traversal`},
		{"absolute", makeTarGz(t, tarEntry{name: "/etc/passwd", body: "x"}), BundleLimits{}, `"/etc/passwd": absolute path`},
		{"backslash", makeTarGz(t, tarEntry{name: `..\x`, body: "x"}), BundleLimits{}, "backslash"},
		{"symlink", makeTarGz(t, tarEntry{name: "master/state.json", typ: tar.TypeSymlink}), BundleLimits{}, `"master/state.json": type`},
		{"duplicate", makeTarGz(t, tarEntry{name: "a", body: "1"}, tarEntry{name: "a", body: "2"}), BundleLimits{}, `"a": duplicate`},
		{"entry too large", makeTarGz(t, tarEntry{name: "master/state.json", body: strings.Repeat("x", 100)}, tarEntry{name: BundleManifestName, body: okManifest}), BundleLimits{MaxEntryBytes: 99}, `"master/state.json": 100 bytes exceed`},
		{"total too large", makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest}, tarEntry{name: "master/state.json", body: state}), BundleLimits{MaxTotalBytes: int64(len(okManifest)) + 1}, `"master/state.json": bundle exceeds the total limit`},
		{"too many", makeTarGz(t, tarEntry{name: "a", body: "1"}, tarEntry{name: "b", body: "2"}), BundleLimits{MaxEntries: 1}, `"b": more than 1 entries`},
		{"bad manifest", makeTarGz(t, tarEntry{name: BundleManifestName, body: "{"}), BundleLimits{}, `"manifest.json": unexpected EOF`},
		{"unknown field", makeTarGz(t, tarEntry{name: BundleManifestName, body: `{"format_version":1,"extra":1}`}), BundleLimits{}, `"manifest.json": json: unknown field "extra"`},
		{"version", makeTarGz(t, tarEntry{name: BundleManifestName, body: `{"format_version":2,"source":"http://m"}`}), BundleLimits{}, "format_version 2, want 1"},
		{"source", makeTarGz(t, tarEntry{name: BundleManifestName, body: `{"format_version":1,"source":"file:///etc"}`}), BundleLimits{}, `source "file:///etc" is not an http(s) URL`},
		{"listed not present", makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest}), BundleLimits{}, `"master/state.json" (manifest entries[0]): not in the archive`},
		{"unlisted", makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest}, tarEntry{name: "master/state.json", body: state}, tarEntry{name: "extra.json", body: "{}"}), BundleLimits{}, `"extra.json": not listed`},
		{"size mismatch", makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest}, tarEntry{name: "master/state.json", body: state + " "}), BundleLimits{}, `"master/state.json": 23 bytes, manifest says 22`},
		{"corrupt state", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", BundleEntry{Name: "master/state.json", Method: "GET", Path: "/master/state", Size: 5})}, tarEntry{name: "master/state.json", body: "<html"}), BundleLimits{}, `entry "master/state.json": decode state`},
		{"corrupt roles", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", okEntry, BundleEntry{Name: "r", Method: "GET", Path: "/master/roles", Size: 2})}, tarEntry{name: "master/state.json", body: state}, tarEntry{name: "r", body: "[]"}), BundleLimits{}, `entry "r": `},
		{"no state", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m")}), BundleLimits{}, `"manifest.json": no /master/state entry`},
		{"manifest traversal", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", BundleEntry{Name: "../state", Method: "GET", Path: "/"})}), BundleLimits{}, `"../state" (manifest entries[0]): path traversal`},
		{"bad request", makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m", BundleEntry{Name: "s", Method: "DELETE", Path: "/x", Size: 1})}, tarEntry{name: "s", body: "x"}), BundleLimits{}, `"s" (manifest entries[0]): bad request DELETE "/x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadBundle(bytes.NewReader(tt.data), tt.limits)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadBundle(%s) error = %v, want containing %q", tt.name, err, tt.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "load bundle: ") {
				t.Errorf("LoadBundle(%s) error = %q, want prefix \"load bundle: \"", tt.name, err)
			}
		})
	}
	// Size errors are ErrTooLarge.
	_, err := LoadBundle(bytes.NewReader(tests[9].data), tests[9].limits)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("LoadBundle(entry too large) error = %v, want ErrTooLarge", err)
	}
	// A minimal valid bundle loads and serves its state.
	b, err := LoadBundle(bytes.NewReader(makeTarGz(t, tarEntry{name: BundleManifestName, body: okManifest}, tarEntry{name: "master/state.json", body: state})), BundleLimits{})
	if err != nil {
		t.Fatalf("LoadBundle(minimal) error = %v", err)
	}
	if got, ok := b.File("master/state.json"); !ok || string(got) != state {
		t.Errorf("File(master/state.json) = %q, %v, want %q, true", got, ok, state)
	}
}

// TestWriteBundleSeeds regenerates testdata/fuzz/FuzzLoadBundle with -update.
func TestWriteBundleSeeds(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the FuzzLoadBundle seeds")
	}
	srv := httptest.NewServer(fixtureMaster(t, "mesos-dns.fake.master-state.json", true))
	defer srv.Close()
	data, _ := saveBundle(t, srv.URL, BundleOptions{})
	state := `{"id":"M","slaves":[]}`
	seeds := map[string][]byte{
		"valid":     data,
		"minimal":   makeTarGz(t, tarEntry{name: BundleManifestName, body: manifestJSON("http://m:5050", BundleEntry{Name: "master/state.json", Method: "GET", Path: "/master/state", Size: int64(len(state))})}, tarEntry{name: "master/state.json", body: state}),
		"traversal": makeTarGz(t, tarEntry{name: "../x", body: "x"}),
		"symlink":   makeTarGz(t, tarEntry{name: "a", typ: tar.TypeSymlink}),
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzLoadBundle")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, d := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", d)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzLoadBundle checks that no archive panics LoadBundle, that limits hold,
// and that a loaded bundle serves a Snapshot without panicking.
func FuzzLoadBundle(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		limits := BundleLimits{MaxEntryBytes: 1 << 20, MaxTotalBytes: 4 << 20, MaxEntries: 64}
		b, err := LoadBundle(bytes.NewReader(data), limits)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "load bundle: ") {
				t.Fatalf("LoadBundle() error = %q, want prefix \"load bundle: \"", err)
			}
			return
		}
		var total int64
		for name, body := range b.files {
			if checkBundleName(name) != nil {
				t.Fatalf("LoadBundle() accepted entry %q", name)
			}
			total += int64(len(body))
		}
		if total > limits.MaxTotalBytes || len(b.files) > limits.MaxEntries {
			t.Fatalf("LoadBundle() accepted %d bytes in %d entries beyond %+v", total, len(b.files), limits)
		}
		c, err := b.Client(Config{})
		if err != nil {
			return
		}
		c.Snapshot(t.Context(), SnapshotOptions{})
	})
}

func BenchmarkLoadBundle(b *testing.B) {
	for _, n := range []int{10, 1000} {
		entries := []BundleEntry{}
		tars := []tarEntry{}
		body := strings.Repeat(`{"id":"x"}`, 100)
		for i := range n {
			name := fmt.Sprintf("agents/%d/state.json", i)
			entries = append(entries, BundleEntry{Name: name, Host: fmt.Sprintf("a%d:5051", i), Method: "GET", Path: "/state", Size: int64(len(body))})
			tars = append(tars, tarEntry{name: name, body: body})
		}
		tars = append(tars, tarEntry{name: BundleManifestName, body: manifestJSON("http://m:5050", entries...)})
		data := makeTarGz(b, tars...)
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := LoadBundle(bytes.NewReader(data), BundleLimits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
