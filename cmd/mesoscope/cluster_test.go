package main

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// Every bad flag of local, master and agent is refused before anything
// starts, with an error that names the flag.
func TestClusterCommandFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"local", "--num_agents", "0"}, "--num_agents=0"},
		{[]string{"local", "--allocation_interval", "soon", "--port", "0"}, "--allocation_interval"},
		{[]string{"local", "--offer_timeout", "-1secs", "--port", "0"}, "--offer_timeout"},
		{[]string{"local", "--weights", "web=-2", "--port", "0"}, "--weights"},
		{[]string{"local", "--roles", "a/..", "--port", "0"}, "--roles"},
		{[]string{"local", "--ip", "not-an-ip", "--port", "0"}, "--ip"},
		{[]string{"master", "--port", "70000"}, "--port=70000"},
		{[]string{"master", "--min_allocatable_resources", "cpus:0.01|", "--port", "0"}, "--min_allocatable_resources"},
		{[]string{"master", "--min_allocatable_resources", "cpus:-1", "--port", "0"}, "--min_allocatable_resources"},
		{[]string{"local", "--fair_sharing_excluded_resource_names", "gpus,cpus:1", "--port", "0"}, "--fair_sharing_excluded_resource_names"},
		{[]string{"master", "--filter_gpu_resources=maybe", "--port", "0"}, "filter_gpu_resources"},
		{[]string{"master", "--max_agent_ping_timeouts", "0", "--port", "0"}, "--max_agent_ping_timeouts"},
		{[]string{"master", "--agent_ping_timeout", "0secs", "--port", "0"}, "--agent_ping_timeout"},
		{[]string{"master", "--authenticate_http_readwrite", "--port", "0"}, "--http_credentials"},
		{[]string{"master", "--http_credentials", "/nonexistent/creds", "--port", "0"}, "--http_credentials"},
		{[]string{"agent", "--master", "zk://zk1:2181/mesos", "--work_dir", "x"}, "--master"},
		{[]string{"agent", "--master", "127.0.0.1", "--work_dir", "x"}, "--master"},
		{[]string{"agent", "--master", "127.0.0.1:0", "--work_dir", "x"}, "bad port"},
		{[]string{"agent", "--master", "127.0.0.1:5050"}, "--work_dir is required"},
		{[]string{"agent", "--master", "127.0.0.1:5050", "--work_dir", "x", "--recover", "maybe"}, "--recover"},
		{[]string{"agent", "--master", "127.0.0.1:5050", "--work_dir", "x", "--registration_backoff_factor", "x"}, "--registration_backoff_factor"},
	}
	for _, tt := range tests {
		out, err := runInspect(t, newRootCommand(), tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("mesoscope %s: err = %v (output %q), want an error containing %q", strings.Join(tt.args, " "), err, out, tt.want)
		}
	}
}

// `mesoscope master` and `mesoscope local` start, serve and stop.
func TestLocalCommandRuns(t *testing.T) {
	out, err := runInspect(t, newRootCommand(), "local", "--port", "0", "--num_agents", "2", "--work_dir", t.TempDir(),
		"--resources", "cpus:1;mem:256;disk:100;ports:[31000-31010]", "--duration", "300ms", "--trace_exporter", "none")
	if err != nil {
		t.Fatalf("local: %v\n%s", err, out)
	}
	if !strings.Contains(out, "with 2 agents") || !strings.Contains(out, "/master/state") {
		t.Errorf("local output = %q, want the cluster's URLs", out)
	}
}

// The allocator's flags reach the master's allocator configuration.
func TestMasterAllocatorFlags(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		minAlloc   string
		filterGPUs bool
		excluded   []string
	}{
		{nil, "cpus:0.01|mem:32", true, nil},
		{[]string{"--min_allocatable_resources", "disk:1|cpus:1;mem:32;ports:1", "--filter_gpu_resources=false",
			"--fair_sharing_excluded_resource_names", "gpus, fpgas"}, "disk:1|cpus:1;mem:32;ports:1", false, []string{"gpus", "fpgas"}},
	} {
		var f masterFlags
		fs := pflag.NewFlagSet("master", pflag.ContinueOnError)
		f.register(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatalf("Parse(%q) = %v", tc.args, err)
		}
		c, err := f.config()
		if err != nil {
			t.Fatalf("config(%q) = %v", tc.args, err)
		}
		var sets []string
		for _, q := range c.Allocator.MinAllocatableResources {
			sets = append(sets, strings.ReplaceAll(q.String(), "; ", ";"))
		}
		if got := strings.Join(sets, "|"); got != tc.minAlloc {
			t.Errorf("%q: MinAllocatableResources = %s, want %s", tc.args, got, tc.minAlloc)
		}
		if got := c.Allocator.FilterGPUResources; got == nil || *got != tc.filterGPUs {
			t.Errorf("%q: FilterGPUResources = %v, want %v", tc.args, got, tc.filterGPUs)
		}
		if got := c.Allocator.FairSharingExcludedResourceNames; !slices.Equal(got, tc.excluded) {
			t.Errorf("%q: FairSharingExcludedResourceNames = %q, want %q", tc.args, got, tc.excluded)
		}
	}
}

// --launch_supervisor picks the containerizer's launcher.
func TestLaunchSupervisorFlag(t *testing.T) {
	for _, tc := range []struct {
		supervise bool
		want      string
	}{{true, "supervisor"}, {false, "shim"}} {
		if got := launcherFor(tc.supervise); got != tc.want {
			t.Errorf("launcherFor(%v) = %q, want %q", tc.supervise, got, tc.want)
		}
	}
}

// A work_dir made for local or demo can be traversed by a task's user.
func TestTempWorkDirMode(t *testing.T) {
	dir, err := tempWorkDir("mesoscope-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o755 {
		t.Errorf("tempWorkDir mode = %v, want 0755", got)
	}
}

// The agent's containerizer flags: Mesos's names, checked, into the
// containerizer's configuration.
func TestContainerizerFlags(t *testing.T) {
	c, err := containerizerFlags("posix/cpu, posix/mem", "2days", "512MB", "/cache", "/run/x")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Isolation, []string{"posix/cpu", "posix/mem"}; !slices.Equal(got, want) {
		t.Errorf("Isolation = %q, want %q", got, want)
	}
	if got, want := c.GCDelay, 48*time.Hour; got != want {
		t.Errorf("GCDelay = %v, want %v", got, want)
	}
	if got, want := c.FetcherConfig.CacheSize, int64(512<<20); got != want {
		t.Errorf("CacheSize = %d, want %d", got, want)
	}
	if c.FetcherConfig.CacheDir != "/cache" || c.RuntimeDir != "/run/x" {
		t.Errorf("CacheDir, RuntimeDir = %q, %q, want /cache, /run/x", c.FetcherConfig.CacheDir, c.RuntimeDir)
	}
	if c, err := containerizerFlags("", "1weeks", "0B", "", ""); err != nil || c.FetcherConfig.CacheSize != -1 {
		t.Errorf("--fetcher_cache_size=0B: CacheSize = %d, %v, want -1 (no cache)", c.FetcherConfig.CacheSize, err)
	}
	for _, tc := range []struct{ isolation, gc, size, want string }{
		{"posix/disk", "1weeks", "2GB", "--isolation"},
		{"", "soon", "2GB", "--gc_delay"},
		{"", "1weeks", "2 gigs", "--fetcher_cache_size"},
		{"", "1weeks", "-1GB", "--fetcher_cache_size"},
		{"", "1weeks", "99999999999TB", "--fetcher_cache_size"},
	} {
		if _, err := containerizerFlags(tc.isolation, tc.gc, tc.size, "", ""); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("containerizerFlags(%q, %q, %q) = %v, want an error naming %s", tc.isolation, tc.gc, tc.size, err, tc.want)
		}
	}
}
