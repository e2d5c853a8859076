package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
)

func TestTraceCommandFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"trace", "--master", "zk://zk1:2181/mesos", "--trace_exporter", "none"}, "want http://HOST:PORT"},
		{[]string{"trace", "--master", "", "--trace_exporter", "none"}, "no master URL"},
		{[]string{"trace", "--trace_exporter", "jaeger"}, "--trace_exporter"},
		{[]string{"trace", "extra"}, "unknown command"},
	}
	for _, tt := range tests {
		out, err := runInspect(t, newRootCommand(), tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("mesoscope %s: err = %v (output %q), want an error containing %q", strings.Join(tt.args, " "), err, out, tt.want)
		}
	}
}

// `mesoscope trace` follows a master's event stream and exports through the chosen
// exporter: here stdout. The fake master sends one subscription (a running task that
// then finishes, an agent added) and ends it; the command stops when it reconnects.
func TestTraceCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		n := requests
		mu.Unlock()
		if n > 1 {
			cancel() // the first stream was followed to its end
			http.Error(w, "gone", http.StatusServiceUnavailable)
			return
		}
		var b []byte
		for _, e := range []string{
			`{"type":"SUBSCRIBED","subscribed":{"get_state":{"get_tasks":{"tasks":[{"name":"web-1","task_id":{"value":"web-1"},"framework_id":{"value":"F1"},"agent_id":{"value":"S1"},"state":"TASK_RUNNING","statuses":[{"task_id":{"value":"web-1"},"state":"TASK_RUNNING","timestamp":1700000000.5}]}]}},"heartbeat_interval_seconds":15}}`,
			`{"type":"TASK_UPDATED","task_updated":{"framework_id":{"value":"F1"},"status":{"task_id":{"value":"web-1"},"state":"TASK_FINISHED","timestamp":1700000001},"state":"TASK_FINISHED"}}`,
			`{"type":"AGENT_ADDED","agent_added":{"agent":{"agent_info":{"hostname":"h2","id":{"value":"S2"}},"active":true,"version":"1.11.0"}}}`,
		} {
			b = recordio.AppendRecord(b, []byte(e))
		}
		w.Header().Set("Content-Type", "application/recordio")
		w.Write(b)
	}))
	defer srv.Close()

	var out syncBuffer
	cmd := newRootCommand()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"trace", "--master", srv.URL, "--trace_exporter", "stdout"})
	if err := cmd.ExecuteContext(ctx); err != nil {
		t.Fatalf("trace: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"subscribed: 0 agents, 0 frameworks, 1 live tasks",
		`"Name": "task"`, `"Value": "web-1"`, `"Name": "TASK_FINISHED"`,
		`"Name": "agent.added"`, `"Value": "mesoscope-trace"`,
		"2 spans exported (0 failed)",
	} {
		if !strings.Contains(out.String(), want) {
			o := out.String()
			t.Errorf("trace output has no %q:\n%s\n...\n%s", want, o[:min(len(o), 1500)], o[max(0, len(o)-1500):])
		}
	}
}
