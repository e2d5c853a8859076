package agent

import (
	"syscall"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0ns"},
		{999, "999ns"},
		{1500, "1500ns"},
		{2 * time.Microsecond, "2us"},
		{time.Millisecond, "1ms"},
		{1500 * time.Millisecond, "1500ms"},
		{time.Second, "1secs"},
		{5 * time.Second, "5secs"},
		{90 * time.Second, "90secs"},
		{10 * time.Minute, "10mins"},
		{2 * time.Hour, "2hrs"},
		{48 * time.Hour, "2days"},
		{7 * 24 * time.Hour, "1weeks"},
		{-time.Second, "-1secs"},
	}
	for _, tc := range tests {
		if got := formatDuration(tc.in); got != tc.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDescribeWaitStatus(t *testing.T) {
	tests := []struct {
		ws   syscall.WaitStatus
		want string
	}{
		{0, "exited with status 0"},
		{3 << 8, "exited with status 3"},
		{syscall.WaitStatus(syscall.SIGTERM), "terminated with signal Terminated"},
		{syscall.WaitStatus(syscall.SIGKILL), "terminated with signal Killed"},
		{syscall.WaitStatus(syscall.SIGSEGV) | 0x80, "terminated with signal Segmentation fault (core dumped)"},
	}
	for _, tc := range tests {
		if got := describeWaitStatus(tc.ws); got != tc.want {
			t.Errorf("describeWaitStatus(%#x) = %q, want %q", uint32(tc.ws), got, tc.want)
		}
	}
}

func TestCommandExecutorName(t *testing.T) {
	no := false
	ls := "/bin/ls"
	tests := []struct {
		cmd  *mesos.CommandInfo
		want string
	}{
		{mesos.ShellCommand("sleep 1000"), "(Task: t) (Command: sh -c 'sleep 1000')"},
		{mesos.ShellCommand("echo a very long command"), "(Task: t) (Command: sh -c 'echo a very ...')"},
		{&mesos.CommandInfo{}, "(Task: t) (Command: NO COMMAND)"},
		{&mesos.CommandInfo{Shell: &no}, "(Task: t) (Command: NO EXECUTABLE)"},
		{&mesos.CommandInfo{Shell: &no, Value: &ls, Arguments: []string{"ls"}}, "(Task: t) (Command: [/bin/ls, ls])"},
		{&mesos.CommandInfo{Shell: &no, Value: &ls, Arguments: []string{"ls", "-la", "/tmp"}}, "(Task: t) (Command: [/bin/ls, ls,...])"},
	}
	for _, tc := range tests {
		task := mesos.TaskInfo{TaskID: mesos.TaskID{Value: "t"}, Command: tc.cmd}
		if got := commandExecutorName(task); got != tc.want {
			t.Errorf("commandExecutorName(%+v) = %q, want %q", tc.cmd, got, tc.want)
		}
	}
}

func TestTotalResources(t *testing.T) {
	const gib = 1 << 30
	tests := []struct {
		text    string
		machine Machine
		want    string
	}{
		{"", Machine{CPUs: 8, MemBytes: 16 * gib, DiskBytes: 100 * gib}, "cpus:8; mem:15360; disk:97280; ports:[31000-32000]"},
		{"", Machine{CPUs: 1, MemBytes: gib, DiskBytes: 8 * gib}, "cpus:1; mem:512; disk:4096; ports:[31000-32000]"},
		{"", Machine{}, "cpus:1; mem:1024; disk:10240; ports:[31000-32000]"},
		{"cpus:2;mem:100;gpus:1", Machine{CPUs: 8, MemBytes: 16 * gib, DiskBytes: 100 * gib}, "cpus:2; mem:100; gpus:1; disk:97280; ports:[31000-32000]"},
		{"cpus(web):2;ports:[1-2]", Machine{CPUs: 4, MemBytes: 4 * gib, DiskBytes: 20 * gib}, "cpus(reservations: [(STATIC,web)]):2; ports:[1-2]; mem:3072; disk:15360"},
	}
	for _, tc := range tests {
		got, err := TotalResources(tc.text, "*", tc.machine)
		if err != nil {
			t.Errorf("TotalResources(%q) = %v", tc.text, err)
			continue
		}
		if got.String() != tc.want {
			t.Errorf("TotalResources(%q, %+v) = %q, want %q", tc.text, tc.machine, got.String(), tc.want)
		}
	}
	if _, err := TotalResources("cpus:x", "*", Machine{}); err == nil {
		t.Error("TotalResources(cpus:x) succeeded")
	}
	if m := DetectMachine(t.TempDir()); m.CPUs <= 0 || m.MemBytes == 0 || m.DiskBytes == 0 {
		t.Errorf("DetectMachine = %+v, want every field detected", m)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no master", Config{WorkDir: "/tmp"}},
		{"no work dir", Config{Master: testPID("master")}},
		{"negative", Config{Master: testPID("master"), WorkDir: "/tmp", RegistrationBackoffFactor: -1}},
		{"max < min", Config{Master: testPID("master"), WorkDir: "/tmp", StatusUpdateRetryMin: time.Minute, StatusUpdateRetryMax: time.Second}},
	}
	for _, tc := range tests {
		if _, err := tc.cfg.withDefaults(); err == nil {
			t.Errorf("%s: withDefaults() succeeded", tc.name)
		}
	}
	cfg, err := Config{Master: testPID("master"), WorkDir: "/tmp"}.withDefaults()
	if err != nil || cfg.StatusUpdateRetryMin != 10*time.Second || cfg.StatusUpdateRetryMax != 10*time.Minute ||
		cfg.RegistrationBackoffFactor != time.Second || cfg.KillGracePeriod != 3*time.Second || cfg.DefaultRole != "*" {
		t.Errorf("withDefaults() = %+v, %v; want Mesos's defaults", cfg, err)
	}
}

func testPID(id string) process.PID { return process.PID{ID: id} }
