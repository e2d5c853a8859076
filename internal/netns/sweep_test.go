package netns

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"msc-42-master", true},
		{"a", true},
		{strings.Repeat("a", 64), true},
		{"", false},
		{strings.Repeat("a", 65), false},
		{"-x", false},
		{"Msc", false},
		{"a/b", false},
		{"a b", false},
		{"..", false},
	}
	for _, tt := range tests {
		err := ValidName(tt.name)
		if got := err == nil; got != tt.ok {
			t.Errorf("ValidName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadName) {
			t.Errorf("ValidName(%q) = %v, want it to wrap ErrBadName", tt.name, err)
		}
	}
}

func TestParseList(t *testing.T) {
	tests := []struct {
		out     string
		want    []string
		wantErr string
	}{
		{"", nil, ""},
		{"msc-1-a (id: 0)\nmsc-1-b\n\n", []string{"msc-1-a", "msc-1-b"}, ""},
		{"  cni-1234_x (id: 12)  \n", []string{"cni-1234_x"}, ""},
		{"a b c\n", nil, `line 1 "a b c"`},
		{"ok\nbad/name\n", nil, "line 2"},
	}
	for _, tt := range tests {
		got, err := ParseList(tt.out)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseList(%q) = %v, %v, want an error containing %q", tt.out, got, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseList(%q) error = %v", tt.out, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseList(%q) (-want +got):\n%s", tt.out, diff)
		}
	}
}

func FuzzParseList(f *testing.F) {
	f.Add("msc-1-a (id: 0)\nmsc-1-b\n")
	f.Add("x (id: \n")
	f.Fuzz(func(t *testing.T, out string) {
		names, err := ParseList(out)
		if err != nil {
			return
		}
		for _, n := range names {
			if n == "" || strings.ContainsAny(n, "/\x00 \n") {
				t.Errorf("ParseList(%q) listed %q", out, n)
			}
			if pid, ok := OwnerPID(n); ok && (pid <= 0 || !strings.HasPrefix(n, Prefix(pid))) {
				t.Errorf("OwnerPID(%q) = %d, true, but the name does not start with %q", n, pid, Prefix(pid))
			}
		}
	})
}

func TestOwnerPID(t *testing.T) {
	tests := []struct {
		name string
		pid  int
		ok   bool
	}{
		{Prefix(1234) + "agent1", 1234, true},
		{"msc-7-", 7, true},
		{"msc-x-agent", 0, false},
		{"msc-0-a", 0, false},
		{"msc--a", 0, false},
		{"msc-12", 0, false},
		{"msc-+12-a", 0, false},
		{"msc-0012-a", 0, false},
		{"cni-12-a", 0, false},
	}
	for _, tt := range tests {
		pid, ok := OwnerPID(tt.name)
		if pid != tt.pid || ok != tt.ok {
			t.Errorf("OwnerPID(%q) = %d, %v, want %d, %v", tt.name, pid, ok, tt.pid, tt.ok)
		}
	}
}
