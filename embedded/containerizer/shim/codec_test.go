package shim

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func u32(v uint32) *uint32 { return &v }

func TestEncodeDecodeRoundTrip(t *testing.T) {
	tests := []LaunchInfo{
		{},
		{Path: "/bin/sh", Argv: []string{"sh", "-c", "echo 'a:b#c' ; exit 3"}, Env: []string{"PATH=/bin", "X=1:2#3"},
			Dir: "/work/sandbox dir", StatusPath: "/run/c/status", UnstartedPath: "/run/c/unstarted"},
		{Path: "/x", Argv: []string{""}, Env: []string{}, UID: u32(0), GID: u32(4294967295), Groups: []uint32{1, 2, 3}},
		{Path: "ü\n\t", Argv: []string{"-", "1:", "#"}, UID: u32(1000)},
	}
	for _, in := range tests {
		enc := Encode(in)
		got, err := Decode(enc)
		if err != nil {
			t.Fatalf("Decode(%q) = %v, want nil error", enc, err)
		}
		if diff := cmp.Diff(in, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Decode(Encode(%+v)) differs (-want +got):\n%s", in, diff)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	good := Encode(LaunchInfo{Path: "/bin/true", Argv: []string{"true"}, UID: u32(7)})
	tests := []struct {
		in, want string
	}{
		{"", "not v1 encoding"},
		{`{"path":"/bin/true"}`, "not v1 encoding"},
		{"v1;", "path: missing ':'"},
		{"v1;5:abc", "path: length 5 exceeds the 3 bytes left"},
		{"v1;-1:", "path: bad length"},
		{"v1;+1:a", "path: bad length"},
		{"v1;1:a9#", "argv: count 9 exceeds the input"},
		{"v1;1:a1#xy", "argv[0]: missing ':'"},
		{good + "junk", "groups: 4 trailing bytes"},
		{strings.Replace(good, "1:7", "1:x", 1), "uid: bad id \"x\""},
		{"v1;0:0#0#0:0:0:--1#2:ab", `groups[0]: bad id "ab"`},
		{"v1;0:0#0#0:0:0:--1#10:4294967296", `groups[0]: bad id "4294967296"`},
	}
	for _, tc := range tests {
		_, err := Decode(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Decode(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(LaunchInfo{Path: "/bin/sh", Argv: []string{"sh", "-c", "true"}, Env: []string{"PATH=/bin"}, Dir: "/", StatusPath: "/s"}))
	f.Add(Encode(LaunchInfo{UID: u32(1), GID: u32(2), Groups: []uint32{3}}))
	f.Add("v1;3:abc")
	f.Fuzz(func(t *testing.T, s string) {
		info, err := Decode(s)
		if err != nil {
			return
		}
		again, err := Decode(Encode(info))
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%q))) = %v, want nil error", s, err)
		}
		if diff := cmp.Diff(info, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Decode(Encode(Decode(%q))) differs (-first +second):\n%s", s, diff)
		}
	})
}
