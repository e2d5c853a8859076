package containerizer

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResourceStatisticsJSON(t *testing.T) {
	tests := []struct {
		name string
		in   ResourceStatistics
		want string
	}{
		{"cpu isolator, zero times", ResourceStatistics{Timestamp: 1, HasCPUTimes: true},
			`{"timestamp":1,"cpus_user_time_secs":0,"cpus_system_time_secs":0}`},
		{"cpu isolator, times", ResourceStatistics{Timestamp: 1, Processes: 2, CPUsUserTimeSecs: 1.5, CPUsSystemTimeSecs: 0.25, MemRSSBytes: 4096, HasCPUTimes: true},
			`{"timestamp":1,"processes":2,"mem_rss_bytes":4096,"cpus_user_time_secs":1.5,"cpus_system_time_secs":0.25}`},
		{"no cpu isolator", ResourceStatistics{Timestamp: 1, MemRSSBytes: 4096},
			`{"timestamp":1,"mem_rss_bytes":4096}`},
		{"times without the flag", ResourceStatistics{Timestamp: 1, CPUsUserTimeSecs: 2},
			`{"timestamp":1,"cpus_user_time_secs":2}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.in)
			if err != nil || string(b) != tc.want {
				t.Errorf("json.Marshal(%+v) = %s, %v, want %s", tc.in, b, err, tc.want)
			}
			var back ResourceStatistics
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("json.Unmarshal(%s) = %v", b, err)
			}
			want := tc.in
			want.HasCPUTimes = tc.in.HasCPUTimes || tc.in.CPUsUserTimeSecs != 0 || tc.in.CPUsSystemTimeSecs != 0
			if diff := cmp.Diff(want, back); diff != "" {
				t.Errorf("json.Unmarshal(%s) (-want +got):\n%s", b, diff)
			}
		})
	}
}

func TestResourceStatisticsUnmarshalError(t *testing.T) {
	for _, in := range []string{`{"timestamp":"x"}`, `[`, `{"cpus_user_time_secs":true}`} {
		var s ResourceStatistics
		if err := json.Unmarshal([]byte(in), &s); err == nil {
			t.Errorf("json.Unmarshal(%q) = nil, want an error", in)
		}
	}
}

func TestMergeKeepsCPUTimes(t *testing.T) {
	var s ResourceStatistics
	s.merge(ResourceStatistics{HasCPUTimes: true}) // posix/cpu: no time used yet
	s.merge(ResourceStatistics{MemRSSBytes: 10})   // posix/mem
	want := ResourceStatistics{HasCPUTimes: true, MemRSSBytes: 10}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("merge (-want +got):\n%s", diff)
	}
}

func TestReportsCPUTimes(t *testing.T) {
	for name, want := range map[string]bool{
		"posix/cpu": true, "posix/mem": false, "cgroups/cpu,cgroups/mem": true, "cgroups/mem": false, "": false,
	} {
		if got := reportsCPUTimes(name); got != want {
			t.Errorf("reportsCPUTimes(%q) = %v, want %v", name, got, want)
		}
	}
}

func FuzzResourceStatisticsJSON(f *testing.F) {
	f.Add([]byte(`{"timestamp":1,"cpus_user_time_secs":0}`))
	f.Add([]byte(`{"timestamp":2.5,"processes":3,"mem_rss_bytes":4096}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s ResourceStatistics
		if err := json.Unmarshal(b, &s); err != nil {
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("json.Marshal(%+v) = %v", s, err)
		}
		var back ResourceStatistics
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("json.Unmarshal(%s) = %v", out, err)
		}
		if diff := cmp.Diff(s, back); diff != "" {
			t.Errorf("round trip of %s (-first +second):\n%s", b, diff)
		}
	})
}
