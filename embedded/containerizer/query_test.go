package containerizer

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompletedKeepsHistory(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		m, _ := newTestMesos(t, nil)
		id := NewContainerID("done")
		term := launchWait(t, m, id, shell("exit 4"))
		for _, s := range m.Snapshot() {
			if s.ContainerID.Equal(id) {
				t.Fatalf("Snapshot() still lists destroyed container %s", id)
			}
		}
		got := m.Completed()
		if len(got) != 1 {
			t.Fatalf("Completed() = %d snapshots, want 1", len(got))
		}
		s := got[0]
		if !s.ContainerID.Equal(id) || s.State != Destroying || !s.Completed {
			t.Errorf("Completed()[0] = %s %v completed=%v, want %s DESTROYING completed=true", s.ContainerID, s.State, s.Completed, id)
		}
		want := []State{Starting, Provisioning, Preparing, Isolating, Fetching, Running, Destroying}
		if diff := cmp.Diff(want, s.History.States()); diff != "" {
			t.Errorf("Completed()[0].History states (-want +got):\n%s", diff)
		}
		for i := 1; i < len(s.History); i++ {
			if s.History[i].Time.Before(s.History[i-1].Time) {
				t.Errorf("History[%d].Time = %v, before History[%d].Time = %v", i, s.History[i].Time, i-1, s.History[i-1].Time)
			}
		}
		if s.Directory == "" || s.PID == 0 {
			t.Errorf("Completed()[0] directory = %q, pid = %d, want both set", s.Directory, s.PID)
		}
		if s.Termination == nil || s.Termination.String() != term.String() {
			t.Errorf("Completed()[0].Termination = %v, want %v", s.Termination, term)
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{`"completed":true`, `"termination":{`, `"history":[`, `"state":"DESTROYING"`} {
			if !strings.Contains(string(b), k) {
				t.Errorf("json.Marshal(Completed()[0]) = %s, lacks %s", b, k)
			}
		}
	})
}

// TestCompletedIsACopy checks that callers cannot change what Completed keeps.
func TestCompletedIsACopy(t *testing.T) {
	m, _ := newTestMesos(t, nil)
	id := NewContainerID("copy")
	launchWait(t, m, id, shell("true"))
	first := m.Completed()
	first[0].History[0].State = Running
	first[0].Termination.Message = "changed"
	second := m.Completed()
	if second[0].History[0].State != Starting || second[0].Termination.Message == "changed" {
		t.Errorf("Completed() after changing a result = %+v, want the original", second[0])
	}
}

// TestCompletedBounded checks that the snapshots are evicted with the
// terminations, oldest first.
func TestCompletedBounded(t *testing.T) {
	m, _ := newTestMesos(t, nil)
	const extra = 5
	m.mu.Lock()
	for i := range maxCompleted + extra {
		key := "c" + strconv.Itoa(i)
		term := Termination{Message: key}
		m.recordCompletedLocked(key, term)
		m.finished[key] = Snapshot{ContainerID: ContainerID{Value: key}, State: Destroying, Completed: true, Termination: &term}
	}
	nTerm, nSnap := len(m.completed), len(m.finished)
	m.mu.Unlock()
	if nTerm != maxCompleted || nSnap != maxCompleted {
		t.Errorf("kept %d terminations and %d snapshots, want %d of each", nTerm, nSnap, maxCompleted)
	}
	got := m.Completed()
	if len(got) != maxCompleted {
		t.Fatalf("Completed() = %d snapshots, want %d", len(got), maxCompleted)
	}
	if first, want := got[0].ContainerID.Value, "c"+strconv.Itoa(extra); first != want {
		t.Errorf("Completed()[0] = %s, want %s (the oldest kept)", first, want)
	}
	if last, want := got[len(got)-1].ContainerID.Value, "c"+strconv.Itoa(maxCompleted+extra-1); last != want {
		t.Errorf("Completed()[last] = %s, want %s", last, want)
	}
}

// TestUsageCPUTimesPresent checks that posix/cpu's times are in the JSON even
// when 0, and absent (when 0) without a CPU isolator.
func TestUsageCPUTimesPresent(t *testing.T) {
	tests := []struct {
		isolation []string
		want      bool
	}{
		{[]string{"posix/cpu", "posix/mem"}, true},
		{[]string{"posix/mem"}, false},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.isolation, ","), func(t *testing.T) {
			m, _ := newTestMesos(t, func(c *Config) { c.Isolation = tc.isolation })
			ctx := testCtx(t)
			id := NewContainerID("idle")
			fifo := newFifo(t)
			if _, err := m.Launch(ctx, id, withEnv(shell(`echo ready > "$FIFO"; exec sleep 1000`), "FIFO", fifo)); err != nil {
				t.Fatal(err)
			}
			defer m.Destroy(ctx, id)
			if got := readFifo(t, fifo); got != "ready" {
				t.Fatalf("fifo = %q", got)
			}
			s, err := m.Usage(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if s.HasCPUTimes != tc.want {
				t.Errorf("Usage().HasCPUTimes = %v, want %v", s.HasCPUTimes, tc.want)
			}
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want {
				for _, k := range []string{`"cpus_user_time_secs"`, `"cpus_system_time_secs"`} {
					if !strings.Contains(string(b), k) {
						t.Errorf("json.Marshal(Usage()) = %s, lacks %s", b, k)
					}
				}
			} else if strings.Contains(string(b), `"cpus_user_time_secs"`) {
				t.Errorf("json.Marshal(Usage()) = %s, has cpus_user_time_secs without posix/cpu", b)
			}
		})
	}
}
