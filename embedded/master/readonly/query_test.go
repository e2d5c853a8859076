package readonly

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mesoscope/mesoscope/embedded/mesos"
)

func TestParseTasksQuery(t *testing.T) {
	tests := []struct {
		query     string
		want      TasksQuery
		wantParam string // non-empty: the error must name this parameter
	}{
		{"", TasksQuery{Limit: 100, Order: "des"}, ""},
		{"limit=5&offset=10&order=asc", TasksQuery{Limit: 5, Offset: 10, Order: "asc"}, ""},
		{"limit=0&order=des", TasksQuery{Limit: 0, Order: "des"}, ""},
		{"framework_id=f1&task_id=t1", TasksQuery{Limit: 100, Order: "des", FrameworkID: MatchID("f1"), TaskID: MatchID("t1")}, ""},
		{"framework_id=", TasksQuery{Limit: 100, Order: "des", FrameworkID: MatchID("")}, ""},
		{"limit=2147483647", TasksQuery{Limit: 2147483647, Order: "des"}, ""},
		{"limit=abc", TasksQuery{}, "limit"},
		{"limit=-1", TasksQuery{}, "limit"},
		{"limit=2147483648", TasksQuery{}, "limit"},
		{"limit=", TasksQuery{}, "limit"},
		{"limit=1.5", TasksQuery{}, "limit"},
		{"offset=x", TasksQuery{}, "offset"},
		{"offset=-3", TasksQuery{}, "offset"},
		{"order=desc", TasksQuery{}, "order"},
		{"order=ASC", TasksQuery{}, "order"},
		{"order=", TasksQuery{}, "order"},
	}
	for _, tc := range tests {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseTasksQuery(q)
		if tc.wantParam != "" {
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Param != tc.wantParam || !errors.Is(err, ErrInvalidQuery) {
				t.Errorf("ParseTasksQuery(%q) error = %v, want a QueryError naming %q", tc.query, err, tc.wantParam)
				continue
			}
			if !strings.Contains(err.Error(), `"`+tc.wantParam+`"`) || !strings.HasPrefix(err.Error(), "readonly: ") {
				t.Errorf("ParseTasksQuery(%q) error = %q, want it prefixed and naming %q", tc.query, err, tc.wantParam)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseTasksQuery(%q) error = %v, want nil", tc.query, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseTasksQuery(%q) differs (-want +got):\n%s", tc.query, diff)
		}
	}
}

func TestParseJSONP(t *testing.T) {
	tests := []struct {
		query   string
		want    string
		wantOK  bool
		wantErr bool
	}{
		{"", "", false, false},
		{"jsonp=cb", "cb", true, false},
		{"jsonp=angular.callbacks._0", "angular.callbacks._0", true, false},
		{"jsonp=$jq123", "$jq123", true, false},
		{"jsonp=", "", false, true},
		{"jsonp=alert(1)", "", false, true},
		{"jsonp=a%3Cscript%3E", "", false, true},
	}
	for _, tc := range tests {
		q, _ := url.ParseQuery(tc.query)
		got, ok, err := ParseJSONP(q)
		if (err != nil) != tc.wantErr || got != tc.want || ok != tc.wantOK {
			t.Errorf("ParseJSONP(%q) = %q, %v, %v; want %q, %v, error %v", tc.query, got, ok, err, tc.want, tc.wantOK, tc.wantErr)
		}
		var qe *QueryError
		if err != nil && (!errors.As(err, &qe) || qe.Param != "jsonp") {
			t.Errorf("ParseJSONP(%q) error = %v, want a QueryError naming jsonp", tc.query, err)
		}
	}
}

func TestAppendJSONP(t *testing.T) {
	s := testSnapshot(t)
	got := AppendJSONP(nil, "cb", func(b []byte) []byte { return AppendState(b, s) })
	want := "cb(" + string(State(s)) + ")"
	if string(got) != want {
		t.Errorf("AppendJSONP(cb, state) = %.60s..., want %.60s...", got, want)
	}
}

func TestIDFilter(t *testing.T) {
	q, _ := url.ParseQuery("slave_id=a&framework_id=")
	tests := []struct {
		f    IDFilter
		id   string
		want bool
	}{
		{IDFilter{}, "x", true},
		{IDFilter{}, "", true},
		{MatchID("a"), "a", true},
		{MatchID("a"), "b", false},
		{ParseIDFilter(q, "slave_id"), "a", true},
		{ParseIDFilter(q, "framework_id"), "a", false},
		{ParseIDFilter(q, "task_id"), "anything", true},
	}
	for _, tc := range tests {
		if got := tc.f.Accept(tc.id); got != tc.want {
			t.Errorf("%+v.Accept(%q) = %v, want %v", tc.f, tc.id, got, tc.want)
		}
	}
}

// taskIDs returns the ids of the tasks of a /master/tasks body.
func taskIDs(t *testing.T, body []byte) []string {
	t.Helper()
	var ids []string
	for _, task := range walk(decode(t, body), "tasks[]") {
		ids = append(ids, task["id"].(string))
	}
	return ids
}

func TestTasks(t *testing.T) {
	s := testSnapshot(t)
	// Timestamps of the first status: web.0 .25, web.1 .25, web.3 .25,
	// web.2 none; completed framework: none.
	s.Frameworks[0].Tasks[0].Statuses[0].Timestamp = 300            // web.1
	s.Frameworks[0].CompletedTasks[0].Statuses[0].Timestamp = 100   // web.0
	s.Frameworks[0].UnreachableTasks[0].Statuses[0].Timestamp = 200 // web.3
	tests := []struct {
		name string
		q    TasksQuery
		want []string
	}{
		{"default descending", DefaultTasksQuery(), []string{"web.1", "web.3", "web.0", "web.2"}},
		{"ascending", TasksQuery{Limit: 10, Order: OrderAscending}, []string{"web.2", "web.0", "web.3", "web.1"}},
		{"limit", TasksQuery{Limit: 2, Order: OrderDescending}, []string{"web.1", "web.3"}},
		{"offset", TasksQuery{Limit: 2, Offset: 3, Order: OrderDescending}, []string{"web.2"}},
		{"offset past end", TasksQuery{Limit: 2, Offset: 30, Order: OrderDescending}, nil},
		{"limit zero", TasksQuery{Limit: 0, Order: OrderDescending}, nil},
		{"task filter", TasksQuery{Limit: 10, TaskID: MatchID("web.3")}, []string{"web.3"}},
		{"framework filter", TasksQuery{Limit: 10, FrameworkID: MatchID(frameworkID(s.Frameworks[1]))}, nil},
		{"unknown framework", TasksQuery{Limit: 10, FrameworkID: MatchID("nope")}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := Tasks(s, tc.q)
			if got := taskIDs(t, body); !cmp.Equal(got, tc.want) {
				t.Errorf("Tasks(%+v) = %q, want %q", tc.q, got, tc.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	s := testSnapshot(t) // testSnapshot calls Summarize
	web, metronome := s.Frameworks[0], s.Frameworks[1]
	a1, a2 := s.Agents[0], s.Agents[1]
	var wantWeb, wantA1, wantA2 TaskCounts
	wantWeb[mesos.TaskRunning], wantWeb[mesos.TaskStaging], wantWeb[mesos.TaskUnreachable], wantWeb[mesos.TaskFinished] = 1, 1, 1, 1
	wantA1[mesos.TaskRunning], wantA1[mesos.TaskStaging], wantA1[mesos.TaskFinished] = 1, 1, 1
	wantA2[mesos.TaskUnreachable] = 1
	checks := []struct {
		name      string
		got, want TaskCounts
	}{
		{"web", web.TaskCounts, wantWeb},
		{"metronome", metronome.TaskCounts, TaskCounts{}},
		{"agent S0", a1.TaskCounts, wantA1},
		{"agent S1", a2.TaskCounts, wantA2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("Summarize: %s counts = %v, want %v", c.name, c.got, c.want)
		}
	}
	if diff := cmp.Diff([]string{a1.Info.ID.Value, a2.Info.ID.Value}, web.AgentIDs); diff != "" {
		t.Errorf("Summarize: web.AgentIDs differs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{frameworkID(web)}, a2.FrameworkIDs); diff != "" {
		t.Errorf("Summarize: S1.FrameworkIDs differs (-want +got):\n%s", diff)
	}
	// The summary renders the counts.
	slaves := walk(decode(t, StateSummary(s)), "slaves[]")
	if got := slaves[0]["TASK_RUNNING"]; got != 1.0 {
		t.Errorf("state-summary slaves[0].TASK_RUNNING = %v, want 1", got)
	}
}
