package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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
			return inspectAgents(ctx, c, w, inspector.RenderOptions{}, nil)
		}},
		{"tasks", func(ctx context.Context, c *inspector.Client, w *bytes.Buffer) error {
			return inspectTasks(ctx, c, w, inspector.RenderOptions{}, []string{"web.1"})
		}},
		{"containers", func(ctx context.Context, c *inspector.Client, w *bytes.Buffer) error {
			return inspectContainers(ctx, c, w, inspector.RenderOptions{}, nil)
		}},
		{"actors", func(ctx context.Context, c *inspector.Client, w *bytes.Buffer) error {
			return inspectActors(ctx, c, w, inspector.RenderOptions{}, nil)
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
