package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/mesoscope/mesoscope/inspector"
)

func TestSnapshotCommands(t *testing.T) {
	srv := fakeMesos(t)
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "cluster.tar.gz")
	got, err := runInspect(t, newSnapshotCommand(), "save", "--master", srv.URL, "--agents", "-o", out)
	if err != nil {
		t.Fatalf("snapshot save error = %v (output %q)", err, got)
	}
	if !strings.Contains(got, "wrote "+out) {
		t.Errorf("snapshot save output = %q, want it to name %s", got, out)
	}

	live, err := inspector.New(inspector.Config{Master: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := live.Snapshot(t.Context(), inspector.SnapshotOptions{})
	if err != nil {
		t.Fatalf("live Snapshot() error = %v", err)
	}
	got, err = runInspect(t, newSnapshotCommand(), "load", out)
	if err != nil {
		t.Fatalf("snapshot load error = %v (output %q)", err, got)
	}
	if want := inspector.DescribeCluster(snap.Cluster); !strings.Contains(got, want) {
		t.Errorf("snapshot load output = %q, want it to contain %q", got, want)
	}

	// Existing commands read the bundle as they read the master.
	bc, _, err := bundleClient(out)
	if err != nil {
		t.Fatalf("bundleClient(%s) error = %v", out, err)
	}
	for _, run := range []struct {
		name string
		fn   func(ctx context.Context, c *inspector.Client, w *bytes.Buffer) error
	}{
		{"agents", func(ctx context.Context, c *inspector.Client, w *bytes.Buffer) error {
			return inspectAgents(ctx, c, w, io.Discard, inspector.RenderOptions{}, nil)
		}},
		{"tasks", func(ctx context.Context, c *inspector.Client, w *bytes.Buffer) error {
			return inspectTasks(ctx, c, w, io.Discard, inspector.RenderOptions{}, []string{"web.1"})
		}},
		{"containers", func(ctx context.Context, c *inspector.Client, w *bytes.Buffer) error {
			return inspectContainers(ctx, c, w, io.Discard, inspector.RenderOptions{}, nil)
		}},
		{"actors", func(ctx context.Context, c *inspector.Client, w *bytes.Buffer) error {
			return inspectActors(ctx, c, w, io.Discard, inspector.RenderOptions{}, nil)
		}},
	} {
		var fromLive, fromBundle bytes.Buffer
		if err := run.fn(t.Context(), live, &fromLive); err != nil {
			t.Fatalf("inspect %s (live) error = %v", run.name, err)
		}
		if err := run.fn(t.Context(), bc, &fromBundle); err != nil {
			t.Fatalf("inspect %s (bundle) error = %v", run.name, err)
		}
		if diff := cmp.Diff(fromLive.String(), fromBundle.String()); diff != "" {
			t.Errorf("inspect %s: bundle differs from live (-live +bundle):\n%s", run.name, diff)
		}
	}
	agentURL := srv.URL + "/slave(1)"
	if _, err := bc.AgentState(t.Context(), agentURL); err != nil {
		t.Errorf("bundle AgentState(%s) error = %v, want the saved agent state", agentURL, err)
	}
}

func TestSnapshotLoadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tar.gz")
	if err := os.WriteFile(bad, []byte("not a bundle"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"load", bad}, bad + ": load bundle: not gzip"},
		{[]string{"load", filepath.Join(dir, "absent.tar.gz")}, "no such file"},
		{[]string{"load"}, "accepts 1 arg"},
	}
	for _, tt := range tests {
		_, err := runInspect(t, newSnapshotCommand(), tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("snapshot %q error = %v, want containing %q", tt.args, err, tt.want)
		}
	}
}

// A bundle of the first format still loads, and every command reads it.
func TestSnapshotLoadFormatV1(t *testing.T) {
	v1 := filepath.Join("..", "..", "inspector", "testdata", "bundles", "format-v1.tar.gz")
	tests := []struct {
		cmd  func() *cobra.Command
		args []string
		want string
	}{
		{newSnapshotCommand, []string{"load", v1}, "# bundle " + v1 + ` (format 1): http://127.0.0.1:44249 at 2024-05-01T12:00:00Z, 10 entries
master M master@127.0.0.1:44249 version 1.11.0
  agents       1 listed (master counts: activated -, deactivated -, unreachable -)
  frameworks   1 (1 active)
  tasks        1 TASK_RUNNING=1
  offers       1
  total        cpus:1;mem:1024;disk:0
  used         cpus:0.5;mem:512;disk:0
  offered      cpus:0;mem:0;disk:0
`},
		{newInspectCommand, []string{"containers", "-o", "csv", "--bundle", v1}, "ID,AGENT,FRAMEWORK,EXECUTOR,CPUS LIMIT,MEM RSS,MEM LIMIT,CPU USER S,CPU SYS S,PID,IP\nC1,S0,F0,web.1,0.6,1.0MiB,0,0,0,-,\n"},
		{newInspectCommand, []string{"tasks", "-o", "csv", "--bundle", v1}, "ID,NAME,STATE,FRAMEWORK,AGENT,RESOURCES,ROLE,EXECUTOR,CONTAINER,UPDATED\nweb.1,web,TASK_RUNNING,F0,S0,cpus:0.5;mem:512;disk:0,*,,,2017-07-14T02:40:00Z\n"},
	}
	for _, tt := range tests {
		got, err := runInspect(t, tt.cmd(), tt.args...)
		if err != nil {
			t.Errorf("%v: %v\n%s", tt.args, err, got)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tt.args, diff)
		}
	}
	// The why of a framework falls back to the best-effort half: the first
	// format saved no per-framework allocator explanation.
	got, err := runInspect(t, newWhyCommand(), "marathon", "--bundle", v1)
	if err != nil || !strings.Contains(got, "answered by: best-effort") {
		t.Errorf("why marathon --bundle format-v1 = %v\n%s, want a best-effort answer", err, got)
	}
}
