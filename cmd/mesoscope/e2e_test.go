package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/pprof/profile"
	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/inspector"
)

// inspectEnv is an embedded cluster (three agents of different shapes, roles
// web and batch weighted 2:1) with two Marathons as its frameworks:
// "marathon-user" (role web) runs /web/frontend and cannot place /web/toobig;
// "marathon-batch" (role batch) runs /etl and cannot place /bigmem, which
// only the GPU agent could hold and Marathon keeps off it (GPU scarcity).
type inspectEnv struct {
	master   string
	marathon string // marathon-user's REST API
	batch    string // marathon-batch's
}

func startInspectEnv(t *testing.T) inspectEnv {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := cluster.StartLocal(cluster.LocalConfig{
		Listener: ln, WorkDir: t.TempDir(),
		Agents: []cluster.AgentSpec{
			{Resources: "cpus:4;mem:4096;disk:10000;ports:[31000-31999]", Attributes: "rack:r1;zone:a", Hostname: "agent-1"},
			{Resources: "cpus:2;mem:2048;disk:5000;ports:[31000-31999]", Attributes: "rack:r2;zone:a", Hostname: "agent-2"},
			{Resources: "cpus:4;mem:8192;disk:20000;gpus:1;ports:[31000-31999]", Attributes: "rack:r2;zone:b;gpu:true", Hostname: "agent-gpu"},
		},
		Master: master.Config{AllocationInterval: 100 * time.Millisecond, Weights: map[string]float64{"web": 2, "batch": 1}},
		Agent: agent.Config{RegistrationBackoffFactor: 10 * time.Millisecond,
			Containerizer: containerizer.Config{Isolation: []string{"posix/cpu", "posix/mem"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := l.Stop(ctx, true); err != nil {
			t.Errorf("stop cluster: %v", err)
		}
	})
	ctx := context.Background()
	startMarathon := func(name, role string, apps ...*marathon.App) string {
		mln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		m, err := marathon.New(marathon.Config{Master: l.URL(), HTTPListener: mln, FrameworkName: name, Role: role,
			MinReviveOffersInterval: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Start(ctx); err != nil {
			t.Fatal(err)
		}
		// Registered after the cluster's, so it runs first: the
		// frameworks go before the master that they talk to.
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := m.Stop(ctx); err != nil {
				t.Errorf("stop %s: %v", name, err)
			}
		})
		for _, app := range apps {
			if _, err := m.Deploy(ctx, app); err != nil {
				t.Fatalf("%s: deploy %s: %v", name, app.ID, err)
			}
		}
		return "http://" + mln.Addr().String()
	}
	env := inspectEnv{master: l.URL()}
	env.marathon = startMarathon("marathon-user", "web",
		&marathon.App{ID: "/web/frontend", Cmd: "sleep 600", CPUs: 0.5, Mem: 64, Instances: 2},
		&marathon.App{ID: "/web/toobig", Cmd: "sleep 600", CPUs: 6, Mem: 16, Instances: 1})
	env.batch = startMarathon("marathon-batch", "batch",
		&marathon.App{ID: "/etl", Cmd: "sleep 600", CPUs: 1, Mem: 128, Instances: 2},
		&marathon.App{ID: "/bigmem", Cmd: "sleep 600", CPUs: 1, Mem: 6000, Instances: 1})
	c, err := inspector.New(inspector.Config{Master: env.master})
	if err != nil {
		t.Fatal(err)
	}
	// Under way: everything that fits runs, and what does not has been
	// declined by its Marathon.
	waiting := func(url string, want ...string) bool {
		q, err := c.MarathonQueue(ctx, url)
		if err != nil {
			return false
		}
		var declined []string
		for _, it := range q {
			if it.UnusedOffers > 0 {
				declined = append(declined, it.App.ID)
			}
		}
		return slices.Equal(declined, want) && len(q) == len(want)
	}
	// The four instances that fit are RUNNING (the commands below look for
	// it; under load TASK_STARTING can come well before).
	running := func() bool {
		tasks, err := c.Tasks(ctx, 100, 0)
		if err != nil {
			return false
		}
		n := 0
		for _, tk := range tasks {
			if tk.State == "TASK_RUNNING" {
				n++
			}
		}
		return n == 4
	}
	poll(t, 60*time.Second, "the Marathons' apps running or declining", func() bool {
		return waiting(env.marathon, "/web/toobig") && waiting(env.batch, "/bigmem") && running()
	})
	return env
}

func TestInspectorAgainstEmbeddedCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a cluster with real processes")
	}
	env := startInspectEnv(t)
	t.Run("commands", func(t *testing.T) { testInspectCommandsLive(t, env) })
	t.Run("bundle answers as live", func(t *testing.T) { testBundleAnswersAsLive(t, env) })
}

// testInspectCommandsLive runs every command against the live cluster.
func testInspectCommandsLive(t *testing.T, env inspectEnv) {
	bundle := filepath.Join(t.TempDir(), "cluster.tar.gz")
	tests := []struct {
		args    []string
		want    []string
		notWant []string
	}{
		{[]string{"inspect", "agents"}, []string{"agent-1", "agent-2", "agent-gpu", "active"}, nil},
		{[]string{"inspect", "agents", "-o", "json"}, []string{`"hostname": "agent-gpu"`}, nil},
		{[]string{"inspect", "frameworks"}, []string{"marathon-user", "marathon-batch"}, nil},
		{[]string{"inspect", "tasks"}, []string{"TASK_RUNNING", "web_frontend", "etl"}, nil},
		{[]string{"inspect", "roles"}, []string{"batch", "web", "2"}, nil},
		{[]string{"inspect", "actors"}, []string{"master", "allocator", "slave(1)"}, nil},
		// mesoscope's own statistics are merged in: events handled and busy time.
		{[]string{"inspect", "actors", "master"}, []string{"handled", "MESSAGE=", "busy"}, nil},
		{[]string{"inspect", "containers"}, []string{"MEM LIMIT", "web_frontend"}, nil},
		{[]string{"inspect", "metrics", "--prefix", "master/slaves_active"}, []string{"master/slaves_active", "3"}, nil},
		{[]string{"why", "marathon-batch"}, []string{"marathon-batch", "exact"}, nil},
		{[]string{"why", "batch"}, []string{"batch"}, nil},
		// Marathon's /v2/info names its framework: none is "marathon" here.
		{[]string{"why", "/web/toobig", "--marathon", env.marathon}, []string{"App /web/toobig is waiting", "role web", "InsufficientCpus"}, []string{"no framework named"}},
		{[]string{"why", "/bigmem", "--marathon", env.batch}, []string{"App /bigmem is waiting", "scarce resources (GPUs)"}, []string{"no framework named"}},
		// Without --marathon, the Marathon that queues the app is found through its
		// framework's webui_url (of two).
		{[]string{"why", "/bigmem"}, []string{"reading Marathon at " + env.batch, "App /bigmem is waiting", "scarce resources (GPUs)"}, []string{"was not read"}},
		{[]string{"snapshot", "save", "-o", bundle, "--marathon", env.marathon}, []string{"wrote " + bundle}, nil},
	}
	for _, tt := range tests {
		args := append(slices.Clone(tt.args), "--master", env.master)
		out, err := runInspect(t, newRootCommand(), args...)
		if err != nil {
			t.Errorf("mesoscope %s: %v\n%s", strings.Join(tt.args, " "), err, out)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("mesoscope %s: output lacks %q:\n%s", strings.Join(tt.args, " "), w, out)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(out, w) {
				t.Errorf("mesoscope %s: output has %q:\n%s", strings.Join(tt.args, " "), w, out)
			}
		}
	}
	if out, err := runInspect(t, newRootCommand(), "snapshot", "load", bundle); err != nil || !strings.Contains(out, "# marathon "+env.marathon) {
		t.Errorf("snapshot load %s = %v\n%s, want the saved Marathon named", bundle, err, out)
	}
	// A short actor profile of the live master.
	prof := filepath.Join(t.TempDir(), "actors.pb.gz")
	if out, err := runInspect(t, newRootCommand(), "profile", "actors", "--duration", "1s", "-o", prof, "--master", env.master); err != nil {
		t.Errorf("profile actors: %v\n%s", err, out)
	} else if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Errorf("profile actors wrote nothing: %v", err)
	}
}

// freezeTransport answers every request after the first from what the first
// got, so a live cluster that keeps changing (tasks finish, offers come and
// go, counters grow) answers the same to a bundle being saved and to the
// commands read live after it. A request the bundle did not save still goes
// to the cluster, and then the bundle cannot answer it: that is the gap the
// comparison finds.
type freezeTransport struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen map[string]frozenResponse
}

type frozenResponse struct {
	status int
	header http.Header
	body   []byte
}

func (f *freezeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	key := req.Method + " " + req.URL.String() + " " + string(body)
	f.mu.Lock()
	defer f.mu.Unlock() // one request at a time: the first answer is the one kept
	fr, ok := f.seen[key]
	if !ok {
		resp, err := f.base.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		fr = frozenResponse{status: resp.StatusCode, header: resp.Header.Clone(), body: data}
		f.seen[key] = fr
	}
	return &http.Response{
		Status: fmt.Sprintf("%d %s", fr.status, http.StatusText(fr.status)), StatusCode: fr.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: fr.header.Clone(),
		Body: io.NopCloser(bytes.NewReader(fr.body)), ContentLength: int64(len(fr.body)), Request: req,
	}, nil
}

// testBundleAnswersAsLive saves a bundle of the live cluster, then runs every
// command live and from the bundle: the outputs must be the same.
func testBundleAnswersAsLive(t *testing.T, env inspectEnv) {
	frozen := &http.Client{Transport: &freezeTransport{base: http.DefaultTransport, seen: map[string]frozenResponse{}}}
	live := func() *inspectFlags { return &inspectFlags{httpClient: frozen} }
	bundle := filepath.Join(t.TempDir(), "cluster.tar.gz")
	if out, err := runInspect(t, newSnapshotCommandWith(live()), "save", "--master", env.master, "--marathon", env.marathon, "-o", bundle); err != nil {
		t.Fatalf("snapshot save: %v\n%s", err, out)
	} else {
		for _, line := range strings.Split(out, "\n") {
			// Spans are served only when a tracer is attached.
			if strings.Contains(line, "missing") && !strings.Contains(line, "missing "+inspector.MesoscopeSpans) {
				t.Errorf("snapshot save of the embedded cluster: %s", line)
			}
		}
	}
	type command func(*inspectFlags) *cobra.Command
	tests := []struct {
		cmd  command
		args []string
	}{
		{newInspectCommandWith, []string{"agents"}},
		{newInspectCommandWith, []string{"agents", "-o", "wide"}},
		{newInspectCommandWith, []string{"agents", "-o", "json"}},
		{newInspectCommandWith, []string{"agents", "-o", "csv"}},
		{newInspectCommandWith, []string{"agents", "-o", "markdown"}},
		{newInspectCommandWith, []string{"agents", "agent-gpu"}},
		{newInspectCommandWith, []string{"frameworks", "-o", "wide"}},
		{newInspectCommandWith, []string{"frameworks", "marathon-user"}},
		{newInspectCommandWith, []string{"frameworks", "-o", "json"}},
		{newInspectCommandWith, []string{"tasks", "-o", "wide"}},
		{newInspectCommandWith, []string{"tasks", "-o", "json"}},
		{newInspectCommandWith, []string{"roles", "-o", "wide"}},
		{newInspectCommandWith, []string{"roles", "web"}},
		{newInspectCommandWith, []string{"roles", "-o", "csv"}},
		{newInspectCommandWith, []string{"offers", "-o", "wide"}},
		{newInspectCommandWith, []string{"offers", "-o", "json"}},
		{newInspectCommandWith, []string{"actors", "-o", "wide"}},
		{newInspectCommandWith, []string{"actors", "master"}},
		{newInspectCommandWith, []string{"containers", "-o", "wide"}},
		{newInspectCommandWith, []string{"containers", "-o", "json"}},
		{newInspectCommandWith, []string{"metrics"}},
		{newInspectCommandWith, []string{"metrics", "--prefix", "allocator/"}},
		{newWhyCommandWith, []string{"marathon-user"}},
		{newWhyCommandWith, []string{"marathon-batch", "-o", "json"}},
		{newWhyCommandWith, []string{"batch"}},
		{newWhyCommandWith, []string{"web", "--kind", "role", "--demand", "cpus:8;mem:64"}},
		{newWhyCommandWith, []string{"/web/toobig"}},
		{newWhyCommandWith, []string{"/web/toobig", "-o", "json"}},
		{newWhyCommandWith, []string{"/web/frontend"}},
	}
	for _, tt := range tests {
		name := strings.Join(tt.args, " ")
		cmdLive := append(slices.Clone(tt.args), "--master", env.master, "--marathon", env.marathon)
		want, err := runInspect(t, tt.cmd(live()), cmdLive...)
		if err != nil {
			t.Errorf("%s (live): %v\n%s", name, err, want)
			continue
		}
		got, err := runInspect(t, tt.cmd(&inspectFlags{}), append(slices.Clone(tt.args), "--bundle", bundle)...)
		if err != nil {
			t.Errorf("%s --bundle: %v\n%s", name, err, got)
			continue
		}
		// Nothing to normalise: the frozen answers are the bundle's, and no
		// rendering depends on the reader's clock (ages are the master's).
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: the bundle answers differently from the live cluster (-live +bundle):\n%s", name, diff)
		}
		if strings.TrimSpace(got) == "" {
			t.Errorf("%s --bundle: empty output", name)
		}
	}

	// profile actors: one sample of the live master against the bundle's one.
	dir := t.TempDir()
	liveProf, bundleProf := filepath.Join(dir, "live.pb.gz"), filepath.Join(dir, "bundle.pb.gz")
	if out, err := runInspect(t, newProfileCommandWith(live()), "actors", "--master", env.master, "--duration", "1ns", "--interval", "1s", "-o", liveProf); err != nil {
		t.Fatalf("profile actors (live): %v\n%s", err, out)
	}
	if out, err := runInspect(t, newProfileCommandWith(&inspectFlags{}), "actors", "--bundle", bundle, "-o", bundleProf); err != nil {
		t.Fatalf("profile actors --bundle: %v\n%s", err, out)
	}
	if diff := cmp.Diff(profileStacks(t, liveProf), profileStacks(t, bundleProf)); diff != "" {
		t.Errorf("profile actors: the bundle's profile differs from the live one (-live +bundle):\n%s", diff)
	}
}

// profileStacks reads a gzipped pprof profile as stack → values.
func profileStacks(t *testing.T, path string) map[string][]int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("profile.Parse(%s) error = %v", path, err)
	}
	stacks := map[string][]int64{}
	for _, s := range p.Sample {
		var frames []string
		for i := len(s.Location) - 1; i >= 0; i-- {
			frames = append(frames, s.Location[i].Line[0].Function.Name)
		}
		stacks[strings.Join(frames, ";")] = s.Value
	}
	return stacks
}
