package shim

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestFrameRoundTrip(t *testing.T) {
	tests := []Message{
		{Type: MsgHello},
		{Type: MsgTasks},
		{Type: MsgTasks, Tasks: []Task{{Key: "a", PID: 1, StartTime: 0}, {Key: "p.c:x", PID: 4194304, StartTime: 18446744073709551615}}},
		{Type: MsgLaunch, Key: "c1", NumFDs: 3, Info: LaunchInfo{Path: "/bin/sh", Argv: []string{"sh", "-c", "exit 3"}, Env: []string{"A=1"}, Dir: "/s", StatusPath: "/r/status"}},
		{Type: MsgLaunched, Key: "c1", PID: 42, StartTime: 99},
		{Type: MsgLaunched, Key: "c1", Err: "Failed to execute '/x': no such file or directory"},
		{Type: MsgExited, Key: "c1", PID: 42, Status: 3 << 8},
		{Type: MsgExited, Key: "c1", PID: 42, Status: -1},
		{Type: MsgBye, Exiting: true},
		{Type: MsgBye},
	}
	for _, in := range tests {
		frame := AppendFrame([]byte("prefix"), in)[len("prefix"):]
		n, err := FrameLen(frame)
		if err != nil || n != len(frame) {
			t.Fatalf("FrameLen(%q) = %d, %v, want %d", frame, n, err, len(frame))
		}
		got, err := DecodeMessage(frame[4:])
		if err != nil {
			t.Fatalf("DecodeMessage(%q) = %v, want nil error", frame[4:], err)
		}
		if diff := cmp.Diff(in, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("DecodeMessage(AppendFrame(%+v)) differs (-want +got):\n%s", in, diff)
		}
	}
}

func TestDecodeMessageErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "empty body"},
		{"?", "unknown type '?'"},
		{"X3:key", "pid: missing ':'"},
		{"X1:k2:-11:0", "pid: negative"},
		{"X1:k1:12:0x", "status: bad number"},
		{"T1:9", "count 9 exceeds the input"},
		{"T1:11:k1:01:0", "tasks: pid 0 not positive"},
		{"L1:k5:v1;0:1:0", "info: shim: decode launch info"},
		{"R1:k1:11:x0:", "start_time: bad number \"x\""},
		{"B1:1junk", "4 trailing bytes"},
		{"H1:1", "body: 3 trailing bytes"},
	}
	for _, tc := range tests {
		_, err := DecodeMessage([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("DecodeMessage(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
	launch := AppendFrame(nil, Message{Type: MsgLaunch, Key: "k", NumFDs: 4})
	if _, err := DecodeMessage(launch[4:]); err == nil || !strings.Contains(err.Error(), "num_fds: 4 not in 0..3") {
		t.Errorf("DecodeMessage(launch with 4 fds) = %v, want num_fds error", err)
	}
}

func TestFrameLen(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{"", 0, false},
		{"\x00\x00\x00", 0, false},
		{"\x00\x00\x00\x01", 5, false},
		{"\x00\x00\x00\x00", 0, true},
		{"\xff\xff\xff\xff", 0, true},
	}
	for _, tc := range tests {
		got, err := FrameLen([]byte(tc.in))
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("FrameLen(%q) = %d, %v, want %d (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestSocketName(t *testing.T) {
	a, b := SocketName("/work/run"), SocketName("/work/run2")
	if a == b || !strings.HasPrefix(a, "@mesoscope-supervisor-") || len(a) > 107 {
		t.Errorf("SocketName = %q, %q, want distinct abstract names within sun_path", a, b)
	}
	if got := SocketName(strings.Repeat("/very/long/runtime/dir", 20)); len(got) != len(a) {
		t.Errorf("SocketName(long) = %q, want the fixed length %d", got, len(a))
	}
}

func TestAppendPids(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"", nil},
		{"12 34 ", []int{12, 34}},
		{"7", []int{7}},
		{" 1  2\n", []int{1, 2}},
	}
	for _, tc := range tests {
		if got := appendPids(nil, []byte(tc.in)); !cmp.Equal(got, tc.want, cmpopts.EquateEmpty()) {
			t.Errorf("appendPids(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseStatStartTime(t *testing.T) {
	line := "42 (a) b) c) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 123456 1000 10 18446744073709551615"
	if got, err := parseStatStartTime([]byte(line)); err != nil || got != 123456 {
		t.Errorf("parseStatStartTime(%q) = %d, %v, want 123456", line, got, err)
	}
	if _, err := parseStatStartTime([]byte("42 (x) S 1")); err == nil {
		t.Errorf("parseStatStartTime(short) = nil error, want one")
	}
}

// FuzzDecodeMessage: arbitrary bodies never panic, and whatever decodes
// survives a round trip.
func FuzzDecodeMessage(f *testing.F) {
	for _, m := range []Message{
		{Type: MsgHello},
		{Type: MsgTasks, Tasks: []Task{{Key: "a", PID: 1, StartTime: 2}}},
		{Type: MsgLaunch, Key: "c", NumFDs: 2, Info: LaunchInfo{Path: "/bin/true", Argv: []string{"true"}}},
		{Type: MsgLaunched, Key: "c", PID: 3, StartTime: 4, Err: "x"},
		{Type: MsgExited, Key: "c", PID: 3, Status: 9},
		{Type: MsgBye, Exiting: true},
	} {
		f.Add(AppendFrame(nil, m)[4:])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := DecodeMessage(body)
		if err != nil {
			return
		}
		again, err := DecodeMessage(AppendFrame(nil, m)[4:])
		if err != nil {
			t.Fatalf("DecodeMessage(AppendFrame(%+v)) = %v, want nil error", m, err)
		}
		if diff := cmp.Diff(m, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q differs (-first +second):\n%s", body, diff)
		}
	})
}
