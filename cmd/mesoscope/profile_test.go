package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/pprof/profile"
)

func TestProfileActorsCommand(t *testing.T) {
	srv := fakeMesos(t)
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "actors.pb.gz")
	// 3 polls of a constant queue; the result does not depend on timing.
	got, err := runInspect(t, newProfileCommand(), "actors", "--master", srv.URL, "--duration", "10ms", "--interval", "5ms", "-o", out)
	if err != nil {
		t.Fatalf("profile actors error = %v (output %q)", err, got)
	}
	if !strings.Contains(got, "wrote "+out) {
		t.Errorf("profile actors output = %q, want it to name %s", got, out)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("profile.Parse(%s) error = %v", out, err)
	}
	stacks := map[string][]int64{}
	for _, s := range p.Sample {
		var frames []string
		for i := len(s.Location) - 1; i >= 0; i-- {
			frames = append(frames, s.Location[i].Line[0].Function.Name)
		}
		stacks[strings.Join(frames, ";")] = s.Value
	}
	want := map[string][]int64{
		"master;DISPATCH": {3},
		"master;MESSAGE;mesos.internal.ReregisterSlaveMessage": {3},
	}
	if diff := cmp.Diff(want, stacks); diff != "" {
		t.Errorf("profile stacks (-want +got):\n%s", diff)
	}
	if len(p.SampleType) != 1 || p.SampleType[0].Type != "queued_events" || p.SampleType[0].Unit != "count" {
		t.Errorf("sample types = %v, want [queued_events/count]", p.SampleType)
	}
}

func TestProfileActorsCommandErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"actors", "--master", "http://127.0.0.1:1", "--duration", "1ms", "--interval", "1ms", "--timeout", "1s", "-o", filepath.Join(t.TempDir(), "x")}, "cannot reach"},
		{[]string{"actors", "-o", ""}, "-o FILE is required"},
		{[]string{"actors", "extra"}, "unknown command"},
	}
	for _, tt := range tests {
		_, err := runInspect(t, newProfileCommand(), tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("profile %q error = %v, want containing %q", tt.args, err, tt.want)
		}
	}
}
