package mesos

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// protoEnum reads "NAME = N;" lines of an enum from the Mesos source, or
// skips the test when the source is not unpacked.
func protoEnum(t *testing.T, start string) map[string]int32 {
	t.Helper()
	src, err := os.ReadFile("/work/mesos-1.11.0/include/mesos/v1/mesos.proto")
	if err != nil {
		t.Skipf("Mesos source not available: %v", err)
	}
	body := regexp.MustCompile(`(?s)` + regexp.QuoteMeta(start) + `\s*\{(.*?)\}`).FindSubmatch(src)
	if body == nil {
		t.Fatalf("%q not found in mesos.proto", start)
	}
	out := map[string]int32{}
	for _, m := range regexp.MustCompile(`(?m)^\s*([A-Z_0-9]+)\s*=\s*(\d+)`).FindAllSubmatch(body[1], -1) {
		v, _ := strconv.Atoi(string(m[2]))
		out[string(m[1])] = int32(v)
	}
	return out
}

func TestTaskStateMatchesProto(t *testing.T) {
	want := protoEnum(t, "enum TaskState")
	if len(want) != 14 {
		t.Fatalf("mesos.proto TaskState has %d values, want 14", len(want))
	}
	for name, v := range want {
		var s TaskState
		if err := s.UnmarshalText([]byte(name)); err != nil {
			t.Errorf("UnmarshalText(%q) error = %v", name, err)
		}
		if int32(s) != v {
			t.Errorf("TaskState %s = %d, want %d", name, int32(s), v)
		}
		if got := TaskState(v).String(); got != name {
			t.Errorf("TaskState(%d).String() = %q, want %q", v, got, name)
		}
	}
}

func TestReasonsMatchProto(t *testing.T) {
	want := protoEnum(t, "enum Reason")
	if len(want) < 35 {
		t.Fatalf("mesos.proto TaskStatus.Reason has %d values, want at least 35", len(want))
	}
	for name, v := range want {
		if got := TaskStatusReason(v).String(); got != name {
			t.Errorf("TaskStatusReason(%d).String() = %q, want %q", v, got, name)
		}
	}
	n := 0
	for v := int32(0); v < 100; v++ {
		if TaskStatusReason(v).IsKnown() {
			n++
		}
	}
	if n != len(want) {
		t.Errorf("%d known reasons, want %d (all of mesos.proto and no more)", n, len(want))
	}
}

func TestSourceMatchesProto(t *testing.T) {
	for name, v := range protoEnum(t, "enum Source") {
		if got := TaskStatusSource(v).String(); got != name {
			t.Errorf("TaskStatusSource(%d).String() = %q, want %q", v, got, name)
		}
	}
}

func TestTaskStateNumbers(t *testing.T) {
	tests := []struct {
		s    TaskState
		name string
		num  int32
	}{
		{TaskStaging, "TASK_STAGING", 6},
		{TaskStarting, "TASK_STARTING", 0},
		{TaskRunning, "TASK_RUNNING", 1},
		{TaskKilling, "TASK_KILLING", 8},
		{TaskFinished, "TASK_FINISHED", 2},
		{TaskFailed, "TASK_FAILED", 3},
		{TaskKilled, "TASK_KILLED", 4},
		{TaskError, "TASK_ERROR", 7},
		{TaskLost, "TASK_LOST", 5},
		{TaskDropped, "TASK_DROPPED", 9},
		{TaskUnreachable, "TASK_UNREACHABLE", 10},
		{TaskGone, "TASK_GONE", 11},
		{TaskGoneByOperator, "TASK_GONE_BY_OPERATOR", 12},
		{TaskUnknown, "TASK_UNKNOWN", 13},
	}
	for _, tc := range tests {
		if got := tc.s.String(); got != tc.name || int32(tc.s) != tc.num {
			t.Errorf("TaskState %d = %q, want %q = %d", int32(tc.s), got, tc.name, tc.num)
		}
	}
	if got := TaskState(42).String(); got != "TaskState(42)" {
		t.Errorf("TaskState(42).String() = %q, want %q", got, "TaskState(42)")
	}
}

func TestIsTerminal(t *testing.T) {
	terminal := map[TaskState]bool{
		TaskFinished: true, TaskFailed: true, TaskKilled: true, TaskLost: true,
		TaskError: true, TaskDropped: true, TaskGone: true, TaskGoneByOperator: true,
	}
	for v := TaskState(0); v <= 13; v++ {
		if got := v.IsTerminal(); got != terminal[v] {
			t.Errorf("%v.IsTerminal() = %v, want %v", v, got, terminal[v])
		}
	}
}
