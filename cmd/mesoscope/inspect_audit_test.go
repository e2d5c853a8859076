package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"
)

// The CLI-level checks of the inspector's issue: MESOS_MASTER, following the
// leader, colour only on terminals, --watch, clear errors, and bundles of every
// format answering every command.

func TestInspectMasterFromEnvironment(t *testing.T) {
	srv := fakeMesos(t)
	defer srv.Close()
	t.Setenv("MESOS_MASTER", srv.URL)
	out := filepath.Join(t.TempDir(), "b.tar.gz")
	tests := []struct {
		cmd  func() *cobra.Command
		args []string
		want string
	}{
		{newInspectCommand, []string{"agents"}, "agent-0"},
		{newWhyCommand, []string{"marathon"}, "Framework marathon (F0)"},
		{newSnapshotCommand, []string{"save", "-o", out}, "from " + srv.URL},
		{newProfileCommand, []string{"actors", "--duration", "1ns", "-o", filepath.Join(t.TempDir(), "p.pb.gz")}, "wrote"},
	}
	for _, tt := range tests {
		got, err := runInspect(t, tt.cmd(), tt.args...)
		if err != nil || !strings.Contains(got, tt.want) {
			t.Errorf("MESOS_MASTER=%s %v = %v\n%s, want output containing %q", srv.URL, tt.args, err, got, tt.want)
		}
	}
	// --master wins over the environment.
	t.Setenv("MESOS_MASTER", "http://127.0.0.1:1")
	if got, err := runInspect(t, newInspectCommand(), "agents", "--master", srv.URL); err != nil || !strings.Contains(got, "agent-0") {
		t.Errorf("inspect agents --master with MESOS_MASTER set = %v\n%s", err, got)
	}
}

// A non-leading master answers 307 to the leader (protocol-relative Location,
// as Mesos does) for /master/redirect and every other endpoint.
func TestInspectFollowsLeader(t *testing.T) {
	leader := fakeMesos(t)
	defer leader.Close()
	var mu sync.Mutex
	hits := 0
	follower := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		w.Header().Set("Location", "//"+strings.TrimPrefix(leader.URL, "http://")+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer follower.Close()
	got, err := runInspect(t, newInspectCommand(), "frameworks", "--master", follower.URL)
	if err != nil || !strings.Contains(got, "marathon") {
		t.Fatalf("inspect frameworks --master follower = %v\n%s, want the leader's frameworks", err, got)
	}
	mu.Lock()
	defer mu.Unlock()
	if hits != 1 {
		t.Errorf("follower hits = %d, want 1 (/master/redirect only; then the leader directly)", hits)
	}
}

func TestStdoutIsTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	tests := []struct {
		name    string
		out     any
		noColor string
		want    bool
	}{
		{"buffer", &bytes.Buffer{}, "", false},
		{"pipe", w, "", false},
		{"character device", devNull, "", true},
		{"character device with NO_COLOR", devNull, "1", false},
	}
	for _, tt := range tests {
		t.Setenv("NO_COLOR", tt.noColor)
		if got := stdoutIsTerminal(tt.out.(interface{ Write([]byte) (int, error) })); got != tt.want {
			t.Errorf("stdoutIsTerminal(%s, NO_COLOR=%q) = %v, want %v", tt.name, tt.noColor, got, tt.want)
		}
	}
}

// Output that is not a terminal carries no ANSI escapes in any format, and
// --watch does not clear the screen.
func TestInspectNoColourOffTerminal(t *testing.T) {
	srv := fakeMesos(t)
	defer srv.Close()
	for _, format := range []string{"table", "wide", "csv", "markdown", "json"} {
		for _, kind := range []string{"agents", "tasks", "frameworks"} {
			got, err := runInspect(t, newInspectCommand(), kind, "-o", format, "--master", srv.URL)
			if err != nil {
				t.Errorf("inspect %s -o %s: %v", kind, format, err)
			}
			if strings.Contains(got, "\x1b[") {
				t.Errorf("inspect %s -o %s to a buffer has ANSI escapes:\n%q", kind, format, got)
			}
		}
	}
}

// cancelAfter cancels a context once n watch headers have been written.
type cancelAfter struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	n       int
	headers int
	cancel  context.CancelFunc
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.HasPrefix(p, []byte("# ")) && bytes.Contains(p, []byte("(Ctrl-C to stop)")) {
		c.headers++
		if c.headers == c.n {
			c.cancel()
		}
	}
	return c.buf.Write(p)
}

func (c *cancelAfter) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// --watch refreshes until interrupted: three rounds, each with its header
// and the same table (the source does not change), live and from a bundle.
func TestInspectWatch(t *testing.T) {
	srv := fakeMesos(t)
	defer srv.Close()
	bundle := filepath.Join(t.TempDir(), "b.tar.gz")
	if out, err := runInspect(t, newSnapshotCommand(), "save", "--master", srv.URL, "-o", bundle); err != nil {
		t.Fatalf("snapshot save: %v\n%s", err, out)
	}
	once, err := runInspect(t, newInspectCommand(), "agents", "--master", srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, source := range [][]string{{"--master", srv.URL}, {"--bundle", bundle}} {
		for _, cmd := range []struct {
			make func() *cobra.Command
			args []string
		}{
			{newInspectCommand, []string{"agents"}},
			{newWhyCommand, []string{"marathon"}},
		} {
			ctx, cancel := context.WithCancel(t.Context())
			out := &cancelAfter{n: 3, cancel: cancel}
			c := cmd.make()
			c.SetOut(out)
			c.SetErr(out)
			c.SetArgs(append(append(append([]string(nil), cmd.args...), "--watch", "1ms"), source...))
			err := c.ExecuteContext(ctx)
			cancel()
			got := out.String()
			if err != nil {
				t.Errorf("%v --watch %v: %v\n%s", cmd.args, source, err, got)
				continue
			}
			if n := strings.Count(got, "(Ctrl-C to stop)"); n != 3 {
				t.Errorf("%v --watch %v: %d rounds, want 3:\n%s", cmd.args, source, n, got)
			}
			if cmd.args[0] == "agents" && strings.Count(got, once) < 2 {
				t.Errorf("%v --watch %v: the table is not repeated each round:\n%s\nwant rounds of:\n%s", cmd.args, source, got, once)
			}
			if strings.Contains(got, "\x1b[") {
				t.Errorf("%v --watch %v cleared the screen of a non-terminal:\n%q", cmd.args, source, got)
			}
		}
	}
}

// Each failure names what to check.
func TestInspectErrorMessages(t *testing.T) {
	srv := fakeMesos(t)
	defer srv.Close()
	jsonServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"hello":1}`)) }))
	defer jsonServer.Close()
	notFound := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, `{"error":"nope"}`, http.StatusNotFound) }))
	defer notFound.Close()
	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) }))
	defer forbidden.Close()
	v1 := filepath.Join("..", "..", "inspector", "testdata", "bundles", "format-v1.tar.gz")
	// A master serving only its state saves a bundle of only that.
	stateOnlyMaster := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/master/state" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"id":"M","hostname":"m","slaves":[],"frameworks":[]}`))
	}))
	defer stateOnlyMaster.Close()
	stateOnly := filepath.Join(t.TempDir(), "state-only.tar.gz")
	if out, err := runInspect(t, newSnapshotCommand(), "save", "--master", stateOnlyMaster.URL, "-o", stateOnly); err != nil {
		t.Fatalf("snapshot save (state only): %v\n%s", err, out)
	}
	tests := []struct {
		name string
		cmd  func() *cobra.Command
		args []string
		want string
	}{
		{"json, not mesos", newInspectCommand, []string{"agents", "--master", jsonServer.URL}, "does not look like a Mesos master"},
		{"404 everywhere", newInspectCommand, []string{"agents", "--master", notFound.URL}, "does not look like a Mesos master"},
		{"auth names the flags", newInspectCommand, []string{"agents", "--master", forbidden.URL}, "check --principal/--secret or --credentials"},
		{"auth on save", newSnapshotCommand, []string{"save", "--master", forbidden.URL, "-o", filepath.Join(t.TempDir(), "x")}, "authentication failed"},
		{"marathon unreachable", newWhyCommand, []string{"/app", "--master", srv.URL, "--marathon", "http://127.0.0.1:1", "--timeout", "1s"}, "cannot reach Marathon at http://127.0.0.1:1 (check --marathon"},
		{"marathon not marathon", newWhyCommand, []string{"/app", "--master", srv.URL, "--marathon", srv.URL}, srv.URL + " does not look like Marathon"},
		{"save marathon not marathon", newSnapshotCommand, []string{"save", "--master", srv.URL, "--marathon", srv.URL, "-o", filepath.Join(t.TempDir(), "x")}, "save bundle: marathon at " + srv.URL},
		{"bundle lacks it", newInspectCommand, []string{"actors", "--bundle", stateOnly}, "bundle " + stateOnly + " does not hold what this reads"},
		{"not found names the bundle", newInspectCommand, []string{"actors", "nosuch", "--bundle", v1}, `bundle ` + v1 + `: no actor "nosuch"`},
		{"not a bundle", newInspectCommand, []string{"agents", "--bundle", v1 + ".absent"}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runInspect(t, tt.cmd(), tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%v error = %v, want it to contain %q", tt.args, err, tt.want)
			}
		})
	}
}
