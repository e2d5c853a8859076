package mesos

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal(%+v) error = %v", v, err)
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }

func TestMarshalDefaults(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"shell defaults to true", CommandInfo{Value: ptr("sleep 1")}, `{"shell":true,"value":"sleep 1"}`},
		{"shell false kept", CommandInfo{Shell: ptr(false), Value: ptr("/bin/true"), Arguments: []string{"a"}}, `{"shell":false,"value":"/bin/true","arguments":["a"]}`},
		{"empty value kept", CommandInfo{Value: ptr("")}, `{"shell":true,"value":""}`},
		{"uri extract defaults to true", CommandURI{Value: "http://x/a.tgz"}, `{"value":"http://x/a.tgz","extract":true}`},
		{"refuse_seconds defaults to 5", Filters{}, `{"refuse_seconds":5}`},
		{"refuse_seconds 0 kept", Filters{RefuseSeconds: ptr(0.0)}, `{"refuse_seconds":0}`},
		{"agent port defaults to 5051", AgentInfo{Hostname: "h"}, `{"hostname":"h","port":5051}`},
		{"framework defaults always written", FrameworkInfo{User: "u", Name: "n"}, `{"user":"u","name":"n","failover_timeout":0,"checkpoint":false}`},
		{"ip protocol defaults to IPv4", IPAddress{IPAddress: "10.0.0.1"}, `{"protocol":"IPv4","ip_address":"10.0.0.1"}`},
		{"env var type defaults to VALUE", EnvironmentVariable{Name: "A", Value: ptr("b")}, `{"name":"A","type":"VALUE","value":"b"}`},
		{"health check timings", HealthCheck{Type: HealthCheckTCP, TCP: &TCPCheckInfo{Port: 80}},
			`{"delay_seconds":15,"interval_seconds":10,"timeout_seconds":20,"consecutive_failures":3,"grace_period_seconds":10,"type":"TCP","tcp":{"protocol":"IPv4","port":80}}`},
		{"drain config", DrainConfig{}, `{"mark_gone":false}`},
	}
	for _, tc := range tests {
		if got := marshal(t, tc.v); got != tc.want {
			t.Errorf("%s: Marshal = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestGetDefaults(t *testing.T) {
	var c *CommandInfo
	if !c.GetShell() || !(&CommandInfo{}).GetShell() || (&CommandInfo{Shell: ptr(false)}).GetShell() {
		t.Error("GetShell: want true for nil and unset, false when set false")
	}
	var f *Filters
	if got := f.GetRefuseSeconds(); got != 5 {
		t.Errorf("(*Filters)(nil).GetRefuseSeconds() = %v, want 5", got)
	}
	var a AgentInfo
	if err := json.Unmarshal([]byte(`{"hostname":"h"}`), &a); err != nil || a.GetPort() != 5051 {
		t.Errorf("Unmarshal agent info without port = %+v, %v; want GetPort() 5051", a, err)
	}
	h := HealthCheck{}
	if h.GetDelaySeconds() != 15 || h.GetIntervalSeconds() != 10 || h.GetTimeoutSeconds() != 20 || h.GetConsecutiveFailures() != 3 || h.GetGracePeriodSeconds() != 10 {
		t.Errorf("HealthCheck defaults = %v %v %v %v %v, want 15 10 20 3 10", h.GetDelaySeconds(), h.GetIntervalSeconds(), h.GetTimeoutSeconds(), h.GetConsecutiveFailures(), h.GetGracePeriodSeconds())
	}
}

func TestInt64AndBytes(t *testing.T) {
	in := `{"task_id":{"value":"t"},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR","timestamp":1470820172.07315,"uuid":"hTaLQ0b5Q1OZuab7QclTKQ==","unreachable_time":{"nanoseconds":1470820172046531840}}`
	var s TaskStatus
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	if got := s.UnreachableTime.Nanoseconds; got != 1470820172046531840 {
		t.Errorf("nanoseconds = %d, want 1470820172046531840 exactly", got)
	}
	if len(s.UUID) != 16 || s.UUID[0] != 0x85 {
		t.Errorf("uuid = %x, want 16 bytes starting 85", s.UUID)
	}
	if got := marshal(t, s); got != in {
		t.Errorf("Marshal = %s, want %s", got, in)
	}
}

func TestUnknownEnumNamesField(t *testing.T) {
	var o struct {
		Ops []OfferOperation `json:"operations"`
	}
	err := enum.DecodeError(json.Unmarshal([]byte(`{"operations":[{"type":"LAUNCH"},{"type":"EXPLODE"}]}`), &o))
	var fe *enum.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error = %v, want a FieldError", err)
	}
	if want := `operations.type: unknown Offer.Operation.Type "EXPLODE"`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	var ute *json.UnmarshalTypeError
	if !errors.As(err, &ute) {
		t.Errorf("error %v does not unwrap to *json.UnmarshalTypeError", err)
	}
}

func TestEnumMarshalRejectsUnknown(t *testing.T) {
	if _, err := json.Marshal(TaskStatus{State: TaskState(99)}); err == nil {
		t.Error("Marshal(TaskState(99)) error = nil, want an error")
	}
}

func TestResourcesFormats(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want resources.ResourceFormat
	}{
		{"post", `[{"name":"cpus","type":"SCALAR","scalar":{"value":2}}]`, resources.FormatPostRefinement},
		{"pre", `[{"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"*"}]`, resources.FormatPreRefinement},
		{"pre reserved", `[{"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"web"}]`, resources.FormatPreRefinement},
		{"endpoint", `[{"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"web","reservations":[{"type":"STATIC","role":"web"}]}]`, resources.FormatEndpoint},
		{"post reserved", `[{"name":"cpus","type":"SCALAR","scalar":{"value":2},"reservations":[{"type":"STATIC","role":"web"}]}]`, resources.FormatPostRefinement},
	}
	for _, tc := range tests {
		var r Resources
		if err := json.Unmarshal([]byte(tc.in), &r); err != nil {
			t.Fatalf("%s: Unmarshal(%s) error = %v", tc.name, tc.in, err)
		}
		if r.Format != tc.want {
			t.Errorf("%s: Format = %v, want %v", tc.name, r.Format, tc.want)
		}
		var want, got any
		_ = json.Unmarshal([]byte(tc.in), &want)
		_ = json.Unmarshal([]byte(marshal(t, r)), &got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: round trip differs (-in +out):\n%s", tc.name, diff)
		}
	}
	if got := marshal(t, TaskInfo{Name: "n", Resources: ResourcesOf(resources.MustParse("cpus:1"))}.Resources.WithFormat(resources.FormatEndpoint)); !strings.Contains(got, `"role":"*"`) {
		t.Errorf("endpoint format = %s, want a legacy role", got)
	}
	if got := marshal(t, AgentInfo{Hostname: "h"}); strings.Contains(got, "resources") {
		t.Errorf("empty resources written: %s", got)
	}
	var bad Resources
	if err := json.Unmarshal([]byte(`[{"name":"cpus","type":"SCALAR","scalar":{"value":-1}}]`), &bad); err == nil {
		t.Error("Unmarshal of negative cpus error = nil, want a validation error")
	}
}

func TestContainerIDString(t *testing.T) {
	id := ContainerID{Value: "c", Parent: &ContainerID{Value: "b", Parent: &ContainerID{Value: "a"}}}
	if got := id.String(); got != "a.b.c" {
		t.Errorf("ContainerID.String() = %q, want %q", got, "a.b.c")
	}
	if got := marshal(t, id); got != `{"value":"c","parent":{"value":"b","parent":{"value":"a"}}}` {
		t.Errorf("Marshal(ContainerID) = %s", got)
	}
}

func TestMessageNames(t *testing.T) {
	msgs := []Message{
		RegisterSlaveMessage{}, ReregisterSlaveMessage{}, UnregisterSlaveMessage{}, StatusUpdateMessage{},
		ExitedExecutorMessage{}, UpdateSlaveMessage{}, UpdateOperationStatusMessage{}, PongSlaveMessage{},
		ExecutorToFrameworkMessage{}, SlaveRegisteredMessage{}, SlaveReregisteredMessage{}, PingSlaveMessage{},
		RunTaskMessage{}, RunTaskGroupMessage{}, KillTaskMessage{}, StatusUpdateAcknowledgementMessage{},
		ShutdownFrameworkMessage{}, ShutdownExecutorMessage{}, UpdateFrameworkMessage{}, ReconcileTasksMessage{},
		CheckpointResourcesMessage{}, FrameworkToExecutorMessage{}, DrainSlaveMessage{}, ShutdownMessage{},
		RegisterExecutorMessage{}, ExecutorRegisteredMessage{}, ReregisterExecutorMessage{},
		ExecutorReregisteredMessage{}, ReconnectExecutorMessage{},
	}
	for _, m := range msgs {
		if got, want := m.MessageName(), "mesos.internal."+reflect.TypeOf(m).Name(); got != want {
			t.Errorf("%T.MessageName() = %q, want %q", m, got, want)
		}
		// The zero message encodes, decodes and encodes the same again.
		data := marshal(t, m)
		back := reflect.New(reflect.TypeOf(m))
		if err := json.Unmarshal([]byte(data), back.Interface()); err != nil {
			t.Errorf("Unmarshal(%T %s) error = %v", m, data, err)
			continue
		}
		if got := marshal(t, back.Elem().Interface()); got != data {
			t.Errorf("%T round trip = %s, want %s", m, got, data)
		}
	}
}

func TestMessageRoundTrip(t *testing.T) {
	in := RunTaskMessage{
		Framework: FrameworkInfo{User: "root", Name: "fw", ID: &FrameworkID{Value: "f-1"}, Roles: []string{"web"},
			Capabilities: []FrameworkCapability{{Type: FrameworkMultiRole}}},
		Task: TaskInfo{Name: "t", TaskID: TaskID{Value: "t-1"}, AgentID: AgentID{Value: "a-1"},
			Resources: ResourcesOf(resources.MustParse("cpus:1;mem:128")), Command: ShellCommand("sleep 10"),
			KillPolicy: &KillPolicy{GracePeriod: &DurationInfo{Nanoseconds: 3e9}}},
		LaunchExecutor: ptr(true),
	}
	data := marshal(t, in)
	var out RunTaskMessage
	if err := json.Unmarshal([]byte(data), &out); err != nil {
		t.Fatal(err)
	}
	if got := marshal(t, out); got != data {
		t.Errorf("round trip = %s, want %s", got, data)
	}
	if !out.Task.Resources.Equal(in.Task.Resources.Resources) {
		t.Errorf("resources = %v, want %v", out.Task.Resources, in.Task.Resources)
	}
}

func TestMarshalNoHTMLEscape(t *testing.T) {
	ti := TaskInfo{Name: "<web>", TaskID: TaskID{Value: "t"}, AgentID: AgentID{Value: "a"}, Command: ShellCommand("echo hi > /tmp/x && sleep 1")}
	got, err := Marshal(ti)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"<web>","task_id":{"value":"t"},"agent_id":{"value":"a"},"command":{"shell":true,"value":"echo hi > /tmp/x && sleep 1"}}`
	if string(got) != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
}
