package inspector

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/pprof/profile"
)

// sequence serves payloads in order, repeating the last.
type sequence struct {
	mu       sync.Mutex
	n        int
	payloads []string
}

func (s *sequence) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.payloads[min(s.n, len(s.payloads)-1)]
	s.n++
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(p))
}

// profileStacks flattens a profile to "root;…;leaf" → values.
func profileStacks(p *profile.Profile) map[string][]int64 {
	out := map[string][]int64{}
	for _, s := range p.Sample {
		var frames []string
		for i := len(s.Location) - 1; i >= 0; i-- {
			frames = append(frames, s.Location[i].Line[0].Function.Name)
		}
		out[strings.Join(frames, ";")] = s.Value
	}
	return out
}

var profileProcesses = []string{
	`[{"id":"master","events":[{"type":"MESSAGE","name":"mesos.internal.RegisterSlaveMessage","from":"slave(1)@1.2.3.4:5051","to":"master@1.2.3.5:5050","body":"\u0000raw"},{"type":"MESSAGE","name":"mesos.internal.RegisterSlaveMessage"},{"type":"HTTP","method":"GET","url":"/master/state"},{"type":"DISPATCH"}]},{"id":"allocator","events":[{"type":"DISPATCH"}]}]`,
	`[{"id":"master","events":[{"type":"MESSAGE","name":"mesos.internal.RegisterSlaveMessage"}]},{"id":"allocator","events":[]}]`,
	`[{"id":"master","events":[{"type":"DISPATCH"},{"type":"EXITED"}]}]`,
}

func noWait(ctx context.Context, d time.Duration) error { return ctx.Err() }

func TestProfileActors(t *testing.T) {
	mesoscope := []string{
		`[{"id":"master","handled":{"MESSAGE":10,"DISPATCH":5},"busy_seconds":1.5}]`, // presence probe
		`[{"id":"master","handled":{"MESSAGE":10,"DISPATCH":5},"busy_seconds":1.5}]`,
		`[{"id":"master","handled":{"MESSAGE":12,"DISPATCH":5},"busy_seconds":1.75}]`,
		`[{"id":"master","handled":{"MESSAGE":14,"DISPATCH":5,"HTTP":2},"busy_seconds":2},{"id":"new","handled":{"DISPATCH":1}}]`,
	}
	// A runtime that gives its statistics per event: the leaves carry them.
	perEvent := []string{
		`[{"id":"master","handled":{"MESSAGE":10},"busy_seconds":1,"events":[{"type":"MESSAGE","name":"mesos.internal.StatusUpdateMessage","handled":10,"busy_seconds":1}]}]`,
		`[{"id":"master","handled":{"MESSAGE":10},"busy_seconds":1,"events":[{"type":"MESSAGE","name":"mesos.internal.StatusUpdateMessage","handled":10,"busy_seconds":1}]}]`,
		`[{"id":"master","handled":{"MESSAGE":13,"HTTP":1},"busy_seconds":1.5,"events":[{"type":"MESSAGE","name":"mesos.internal.StatusUpdateMessage","handled":13,"busy_seconds":1.25},{"type":"HTTP","name":"GET /master/state","handled":1,"busy_seconds":0.25}]}]`,
	}
	tests := []struct {
		name       string
		extras     bool
		mesoscope  []string
		wantTypes  []string
		wantStacks map[string][]int64
	}{
		{
			name:      "mesos",
			wantTypes: []string{"queued_events/count"},
			wantStacks: map[string][]int64{
				"master;MESSAGE;mesos.internal.RegisterSlaveMessage": {3},
				"master;HTTP;GET /master/state":                      {1},
				"master;DISPATCH":                                    {2},
				"master;EXITED":                                      {1},
				"allocator;DISPATCH":                                 {1},
			},
		},
		{
			name:      "mesoscope",
			extras:    true,
			wantTypes: []string{"queued_events/count", "handled_events/count", "busy/nanoseconds"},
			wantStacks: map[string][]int64{
				"master;MESSAGE;mesos.internal.RegisterSlaveMessage": {3, 0, 0},
				"master;HTTP;GET /master/state":                      {1, 0, 0},
				"master;DISPATCH":                                    {2, 0, 0},
				"master;EXITED":                                      {1, 0, 0},
				"allocator;DISPATCH":                                 {1, 0, 0},
				"master;MESSAGE":                                     {0, 4, 0},
				"master;HTTP":                                        {0, 2, 0},
				"master":                                             {0, 0, 500_000_000},
				"new;DISPATCH":                                       {0, 1, 0},
			},
		},
		{
			name:      "mesoscope per event",
			extras:    true,
			mesoscope: perEvent,
			wantTypes: []string{"queued_events/count", "handled_events/count", "busy/nanoseconds"},
			wantStacks: map[string][]int64{
				"master;MESSAGE;mesos.internal.RegisterSlaveMessage": {3, 0, 0},
				"master;HTTP;GET /master/state":                      {1, 1, 250_000_000},
				"master;DISPATCH":                                    {2, 0, 0},
				"master;EXITED":                                      {1, 0, 0},
				"allocator;DISPATCH":                                 {1, 0, 0},
				"master;MESSAGE;mesos.internal.StatusUpdateMessage":  {0, 3, 250_000_000},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fm := newFakeMaster(t)
			fm.handle("GET /__processes__", (&sequence{payloads: profileProcesses}).ServeHTTP)
			if tt.extras {
				payloads := mesoscope
				if tt.mesoscope != nil {
					payloads = tt.mesoscope
				}
				fm.handle("GET "+MesoscopeProcesses, (&sequence{payloads: payloads}).ServeHTTP)
			}
			srv := httptest.NewServer(fm)
			defer srv.Close()
			c, _ := testClient(t, srv.URL, nil)
			p, err := ProfileActors(t.Context(), c, ProfileOptions{Duration: time.Second, Interval: 500 * time.Millisecond, Sleep: noWait})
			if err != nil {
				t.Fatalf("ProfileActors() error = %v", err)
			}
			if got := fm.count("GET /__processes__"); got != 3 {
				t.Errorf("polls = %d, want 3", got)
			}
			var types []string
			for _, st := range p.SampleType {
				types = append(types, st.Type+"/"+st.Unit)
			}
			if diff := cmp.Diff(tt.wantTypes, types); diff != "" {
				t.Errorf("sample types (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantStacks, profileStacks(p)); diff != "" {
				t.Errorf("stacks (-want +got):\n%s", diff)
			}
			var buf bytes.Buffer
			if err := WriteProfile(&buf, p); err != nil {
				t.Fatalf("WriteProfile() error = %v", err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte{0x1f, 0x8b}) {
				t.Errorf("WriteProfile() output is not gzipped: % x", buf.Bytes()[:min(4, buf.Len())])
			}
			back, err := profile.Parse(&buf)
			if err != nil {
				t.Fatalf("profile.Parse(written) error = %v", err)
			}
			if back.DefaultSampleType != ProfileQueued {
				t.Errorf("parsed DefaultSampleType = %q, want %q", back.DefaultSampleType, ProfileQueued)
			}
			if diff := cmp.Diff(tt.wantStacks, profileStacks(back)); diff != "" {
				t.Errorf("parsed stacks (-want +got):\n%s", diff)
			}
		})
	}
}

// Samples overrides Duration/Interval: one poll, no waiting (what profiling a
// bundle does).
func TestProfileActorsSamples(t *testing.T) {
	fm := newFakeMaster(t)
	fm.handle("GET /__processes__", (&sequence{payloads: profileProcesses}).ServeHTTP)
	srv := httptest.NewServer(fm)
	defer srv.Close()
	c, _ := testClient(t, srv.URL, nil)
	waited := 0
	p, err := ProfileActors(t.Context(), c, ProfileOptions{Duration: time.Hour, Interval: time.Second, Samples: 1,
		Sleep: func(context.Context, time.Duration) error { waited++; return nil }})
	if err != nil {
		t.Fatalf("ProfileActors(Samples: 1) error = %v", err)
	}
	if got := fm.count("GET /__processes__"); got != 1 || waited != 0 {
		t.Errorf("ProfileActors(Samples: 1) polled %d times and waited %d, want 1 and 0", got, waited)
	}
	want := map[string][]int64{
		"master;MESSAGE;mesos.internal.RegisterSlaveMessage": {2},
		"master;HTTP;GET /master/state":                      {1},
		"master;DISPATCH":                                    {1},
		"allocator;DISPATCH":                                 {1},
	}
	if diff := cmp.Diff(want, profileStacks(p)); diff != "" {
		t.Errorf("ProfileActors(Samples: 1) stacks (-want +got):\n%s", diff)
	}
}

func TestProfileActorsErrors(t *testing.T) {
	fm := newFakeMaster(t)
	fm.json("GET /__processes__", []byte(`{"not":"an array"}`))
	srv := httptest.NewServer(fm)
	defer srv.Close()
	c, _ := testClient(t, srv.URL, nil)
	tests := []struct {
		name string
		opt  ProfileOptions
		want string
	}{
		{"negative", ProfileOptions{Duration: -time.Second, Sleep: noWait}, "must not be negative"},
		{"negative samples", ProfileOptions{Samples: -1, Sleep: noWait}, "samples -1 must not be negative"},
		{"too many samples", ProfileOptions{Samples: MaxProfileSamples + 1, Sleep: noWait}, "exceed"},
		{"too many", ProfileOptions{Duration: time.Hour, Interval: time.Microsecond, Sleep: noWait}, "exceed"},
		{"bad payload", ProfileOptions{Duration: time.Second, Interval: time.Second, Sleep: noWait}, "sample 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ProfileActors(t.Context(), c, tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ProfileActors(%+v) error = %v, want containing %q", tt.opt, err, tt.want)
			}
		})
	}
}
