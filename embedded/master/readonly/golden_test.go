package readonly

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// renderers are every renderer of the package applied to a snapshot,
// keyed by golden file name.
func renderers(s *Snapshot) map[string][]byte {
	running := s.Frameworks[0].Tasks[0]
	return map[string][]byte{
		"state.json":                         State(s),
		"state-summary.json":                 StateSummary(s),
		"frameworks.json":                    Frameworks(s, IDFilter{}),
		"slaves.json":                        Slaves(s, IDFilter{}),
		"tasks.json":                         Tasks(s, DefaultTasksQuery()),
		"roles.json":                         Roles(s),
		"GET_STATE.json":                     GetState(s),
		"GET_AGENTS.json":                    GetAgents(s),
		"GET_FRAMEWORKS.json":                GetFrameworks(s),
		"GET_EXECUTORS.json":                 GetExecutors(s),
		"GET_TASKS.json":                     GetTasks(s),
		"GET_ROLES.json":                     GetRoles(s),
		"GET_MASTER.json":                    GetMaster(s),
		"GET_HEALTH.json":                    GetHealth(),
		"GET_VERSION.json":                   GetVersion(s),
		"GET_FLAGS.json":                     GetFlags(s),
		"event-SUBSCRIBED.json":              Subscribed(s, 0),
		"event-TASK_ADDED.json":              TaskAdded(running),
		"event-TASK_UPDATED.json":            TaskUpdated(running.FrameworkID.Value, &running.Statuses[0], running.State),
		"event-AGENT_ADDED.json":             AgentAdded(s.Agents[0]),
		"event-AGENT_REMOVED.json":           AgentRemoved(s.Agents[1].Info.ID.Value),
		"event-FRAMEWORK_ADDED.json":         FrameworkAdded(s.Frameworks[0]),
		"event-FRAMEWORK_UPDATED.json":       FrameworkUpdated(s.Frameworks[1]),
		"event-FRAMEWORK_REMOVED.json":       FrameworkRemoved(&s.CompletedFrameworks[0].Info),
		"event-HEARTBEAT.json":               Heartbeat(),
		"empty-state.json":                   State(&Snapshot{}),
		"empty-GET_STATE.json":               GetState(&Snapshot{}),
		"empty-GET_ROLES.json":               GetRoles(&Snapshot{}),
		"tasks-asc-offset1-limit2.json":      Tasks(s, TasksQuery{Limit: 2, Offset: 1, Order: OrderAscending}),
		"frameworks-filtered-metronome.json": Frameworks(s, MatchID(s.Frameworks[1].Info.ID.Value)),
		"slaves-filtered-none.json":          Slaves(s, MatchID("")),
	}
}

// TestGolden compares every renderer's output for testSnapshot with
// testdata/golden (go test -run TestGolden -update rewrites them). The
// files are stored indented for review; the comparison is on the compact
// form, byte for byte.
func TestGolden(t *testing.T) {
	for name, got := range renderers(testSnapshot(t)) {
		t.Run(name, func(t *testing.T) {
			if !json.Valid(got) {
				t.Fatalf("%s: invalid JSON: %s", name, got)
			}
			path := filepath.Join("testdata", "golden", name)
			var indented bytes.Buffer
			if err := json.Indent(&indented, got, "", "  "); err != nil {
				t.Fatal(err)
			}
			indented.WriteByte('\n')
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, indented.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			var compact bytes.Buffer
			if err := json.Compact(&compact, want); err != nil {
				t.Fatalf("golden %s: %v", path, err)
			}
			if want := compact.Bytes(); !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				from := max(i-80, 0)
				t.Errorf("%s differs from %s at byte %d (rerun with -update and review the diff):\ngot  ...%s\nwant ...%s",
					name, path, i, got[from:min(i+80, len(got))], want[from:min(i+80, len(want))])
			}
		})
	}
}

// TestGoldenDeterministic checks that rendering twice gives the same
// bytes and that rendering does not modify the snapshot.
func TestGoldenDeterministic(t *testing.T) {
	s := testSnapshot(t)
	before, err := mesos.Marshal(s.Frameworks[0].Tasks[0])
	if err != nil {
		t.Fatal(err)
	}
	first := renderers(s)
	second := renderers(s)
	for name := range first {
		if !bytes.Equal(first[name], second[name]) {
			t.Errorf("%s: two renders differ", name)
		}
	}
	after, err := mesos.Marshal(s.Frameworks[0].Tasks[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("rendering modified a task:\nbefore %s\nafter  %s", before, after)
	}
}
