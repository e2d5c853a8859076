package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWalkCommand(t *testing.T) {
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
	tests := []struct {
		name string
		args []string
		want []string // substrings of the output
		not  []string
	}{
		{"list", []string{}, []string{"1. libprocess", "2. drf", "3. offers", "4. containerizer", "5. waiting", "DRF: how Mesos decides", "mesoscope walk <name>"}, []string{"seen"}},
		{"list in japanese", []string{"--lang", "ja"}, []string{"オファー ― リソースオファーの一生"}, nil},
		{"run the last steps", []string{"drf", "--from", "8"}, []string{
			"(running steps 1 to 7 first…)", "── 8/9  When is the sorter called?", "$ alloc-framework fw1 role=batch",
			"Mesos      HierarchicalAllocatorProcess::addFramework", "── 9/9",
		}, []string{"── 7/9", "differ from the recorded", "[Enter]"}},
		{"trace", []string{"libprocess", "--from", "3", "--trace"}, []string{
			"── 3/11", "trace: ", "    alpha send ping  go walkthroughs.(*Session).sendCmd.func1\n      beta ping  from alpha@127.0.0.1:5050",
		}, []string{"differ from the recorded"}},
		{"progress shows in the list", []string{}, []string{"2. drf            9 steps", "(seen 9/9)"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := newWalkCommand()
			cmd.SetIn(strings.NewReader(""))
			got, err := runInspect(t, cmd, tc.args...)
			if err != nil {
				t.Fatalf("walk %v error = %v\n%s", tc.args, err, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("walk %v output does not contain %q:\n%s", tc.args, w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("walk %v output contains %q:\n%s", tc.args, w, got)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(config, "mesoscope", "walk.json")); err != nil {
		t.Errorf("progress file: %v", err)
	}
}

func TestWalkCommandErrors(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `tour "nope": unknown tour`},
		{[]string{"drf", "--lang", "fr"}, `language "fr": want en or ja`},
		{[]string{"drf", "--mesos-src", filepath.Join(t.TempDir(), "missing")}, "--mesos-src"},
		{[]string{"drf", "--from", "99"}, "the tour has 9 steps"},
		{[]string{"drf", "offers"}, "accepts at most 1 arg"},
		{[]string{"drf", "--tui"}, "--tui needs a terminal"},
	}
	for _, tc := range tests {
		cmd := newWalkCommand()
		cmd.SetIn(strings.NewReader(""))
		got, err := runInspect(t, cmd, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("walk %v error = %v (output %q), want one containing %q", tc.args, err, got, tc.want)
		}
	}
}
